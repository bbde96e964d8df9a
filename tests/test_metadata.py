"""Metadata from titles, report header lines and page text (reportarchiver.metadata)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportarchiver.metadata._dates import cn_number, fold
from reportarchiver.metadata._extract import extract_metadata
from reportarchiver.models import Metadata

# title -> (clean title, kind, province, city, county, report_date, year)
TITLES = [
    ("(辽宁省)大连市中山区人民政府工作报告(2022年12月23日)_博县网",
     ("(辽宁省)大连市中山区人民政府工作报告(2022年12月23日)", "政府工作报告",
      "辽宁省", "大连市", "中山区", "2022-12-23", 2022)),
    ("(河南省)温县人民政府工作报告(2023年)-博县网",
     ("(河南省)温县人民政府工作报告(2023年)", "政府工作报告", "河南省", "", "温县", "", None)),
    ("(湖南省)芷江侗族自治县2022年国民经济和社会发展统计公报",
     ("(湖南省)芷江侗族自治县2022年国民经济和社会发展统计公报", "国民经济和社会发展统计公报",
      "湖南省", "", "芷江侗族自治县", "", 2022)),
    ("(江苏省)昆山市人民政府工作报告(2023年1月9日)_博县网",
     ("(江苏省)昆山市人民政府工作报告(2023年1月9日)", "政府工作报告",
      "江苏省", "", "昆山市", "2023-01-09", 2022)),
    ("北京市朝阳区2023年政府工作报告 - 北京市朝阳区人民政府",
     ("北京市朝阳区2023年政府工作报告", "政府工作报告", "北京市", "", "朝阳区", "", None)),
    ("(重庆市)万州区人民政府工作报告(2023年1月5日)",
     ("(重庆市)万州区人民政府工作报告(2023年1月5日)", "政府工作报告",
      "重庆市", "", "万州区", "2023-01-05", 2022)),
    ("(广西壮族自治区)桂林市全州县2022年国民经济和社会发展统计公报_博县网",
     ("(广西壮族自治区)桂林市全州县2022年国民经济和社会发展统计公报",
      "国民经济和社会发展统计公报", "广西壮族自治区", "桂林市", "全州县", "", 2022)),
    ("(内蒙古自治区)鄂尔多斯市准格尔旗人民政府工作报告(2023年1月6日)",
     ("(内蒙古自治区)鄂尔多斯市准格尔旗人民政府工作报告(2023年1月6日)", "政府工作报告",
      "内蒙古自治区", "鄂尔多斯市", "准格尔旗", "2023-01-06", 2022)),
    ("(内蒙古自治区)锡林郭勒盟锡林浩特市2022年国民经济和社会发展统计公报",
     ("(内蒙古自治区)锡林郭勒盟锡林浩特市2022年国民经济和社会发展统计公报",
      "国民经济和社会发展统计公报", "内蒙古自治区", "锡林郭勒盟", "锡林浩特市", "", 2022)),
    ("(湖北省)恩施土家族苗族自治州人民政府工作报告(2023年1月10日)",
     ("(湖北省)恩施土家族苗族自治州人民政府工作报告(2023年1月10日)", "政府工作报告",
      "湖北省", "恩施土家族苗族自治州", "", "2023-01-10", 2022)),
    ("(贵州省)黔东南州凯里市人民政府工作报告(2022年12月28日)",
     ("(贵州省)黔东南州凯里市人民政府工作报告(2022年12月28日)", "政府工作报告",
      "贵州省", "黔东南州", "凯里市", "2022-12-28", 2022)),
    ("(西藏自治区)阿里地区噶尔县2022年国民经济和社会发展统计公报",
     ("(西藏自治区)阿里地区噶尔县2022年国民经济和社会发展统计公报",
      "国民经济和社会发展统计公报", "西藏自治区", "阿里地区", "噶尔县", "", 2022)),
    ("上海市浦东新区关于2022年预算执行情况和2023年预算草案的报告",
     ("上海市浦东新区关于2022年预算执行情况和2023年预算草案的报告", "预算报告",
      "上海市", "", "浦东新区", "", 2022)),
    ("关于大连市中山区2022年区本级决算的报告_大连市中山区人民政府",
     ("关于大连市中山区2022年区本级决算的报告", "决算报告",
      "辽宁省", "大连市", "中山区", "", 2022)),
    ("关于温县2022年国民经济和社会发展计划执行情况与2023年计划草案的报告",
     ("关于温县2022年国民经济和社会发展计划执行情况与2023年计划草案的报告", "计划报告",
      "", "", "温县", "", 2022)),
    ("(浙江省)杭州市西湖区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
     ("(浙江省)杭州市西湖区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", "规划",
      "浙江省", "杭州市", "西湖区", "", None)),
    ("(山东省)济南市市中区人民法院工作报告(2023年1月7日)",
     ("(山东省)济南市市中区人民法院工作报告(2023年1月7日)", "法院工作报告",
      "山东省", "济南市", "市中区", "2023-01-07", 2022)),
    ("(四川省)成都市武侯区人民检察院工作报告(2023年1月)",
     ("(四川省)成都市武侯区人民检察院工作报告(2023年1月)", "检察院工作报告",
      "四川省", "成都市", "武侯区", "", None)),
    ("(广东省)深圳市南山区人大常委会工作报告(2023年1月8日)",
     ("(广东省)深圳市南山区人大常委会工作报告(2023年1月8日)", "人大常委会工作报告",
      "广东省", "深圳市", "南山区", "2023-01-08", 2022)),
    ("大连市中山区人民政府2022年政府信息公开工作年度报告_大连市中山区人民政府",
     ("大连市中山区人民政府2022年政府信息公开工作年度报告", "政府信息公开工作年度报告",
      "辽宁省", "大连市", "中山区", "", 2022)),
    ("关于大连市中山区人民政府工作报告的决议",
     ("关于大连市中山区人民政府工作报告的决议", "决议", "辽宁省", "大连市", "中山区", "", None)),
    ("(吉林省)延边朝鲜族自治州延吉市人民政府工作报告(征求意见稿)",
     ("(吉林省)延边朝鲜族自治州延吉市人民政府工作报告(征求意见稿)", "政府工作报告",
      "吉林省", "延边朝鲜族自治州", "延吉市", "", None)),
    ("(新疆维吾尔自治区)伊犁哈萨克自治州霍尔果斯市2022年国民经济和社会发展统计公报",
     ("(新疆维吾尔自治区)伊犁哈萨克自治州霍尔果斯市2022年国民经济和社会发展统计公报",
      "国民经济和社会发展统计公报", "新疆维吾尔自治区", "伊犁哈萨克自治州", "霍尔果斯市", "",
      2022)),
    ("(河南省)济源市人民政府工作报告(二〇二三年一月六日)",
     ("(河南省)济源市人民政府工作报告(二〇二三年一月六日)", "政府工作报告",
      "河南省", "", "济源市", "2023-01-06", 2022)),
    ("2022年天津市滨海新区国民经济和社会发展统计公报 | 统计数据 | 滨海新区统计局",
     ("2022年天津市滨海新区国民经济和社会发展统计公报", "国民经济和社会发展统计公报",
      "天津市", "", "滨海新区", "", 2022)),
    ("(青海省)海南藏族自治州共和县人民政府工作报告(2023年2月20日)",
     ("(青海省)海南藏族自治州共和县人民政府工作报告(2023年2月20日)", "政府工作报告",
      "青海省", "海南藏族自治州", "共和县", "2023-02-20", 2022)),
    ("(黑龙江省)大兴安岭地区漠河市2022年国民经济和社会发展统计公报",
     ("(黑龙江省)大兴安岭地区漠河市2022年国民经济和社会发展统计公报",
      "国民经济和社会发展统计公报", "黑龙江省", "大兴安岭地区", "漠河市", "", 2022)),
    ("(云南省)芒市人民政府工作报告(2022年12月30日)",
     ("(云南省)芒市人民政府工作报告(2022年12月30日)", "政府工作报告",
      "云南省", "", "芒市", "2022-12-30", 2022)),
    ("吉林市船营区2023年政府工作报告解读_吉林市船营区人民政府",
     ("吉林市船营区2023年政府工作报告解读", "其他", "吉林省", "吉林市", "船营区", "", None)),
    ("(广东省)佛山市顺德区2022年教育事业统计公报",
     ("(广东省)佛山市顺德区2022年教育事业统计公报", "统计公报",
      "广东省", "佛山市", "顺德区", "", 2022)),
    ("(海南省)琼海市人民政府工作报告(2023年1月)",
     ("(海南省)琼海市人民政府工作报告(2023年1月)", "政府工作报告",
      "海南省", "", "琼海市", "", None)),
    ("(宁夏回族自治区)银川市2022年国民经济和社会发展统计公报",
     ("(宁夏回族自治区)银川市2022年国民经济和社会发展统计公报", "国民经济和社会发展统计公报",
      "宁夏回族自治区", "银川市", "", "", 2022)),
    ("(辽宁)大连市瓦房店市人民政府工作报告(2023年1月12日)",
     ("(辽宁)大连市瓦房店市人民政府工作报告(2023年1月12日)", "政府工作报告",
      "辽宁省", "大连市", "瓦房店市", "2023-01-12", 2022)),
    ("(陕西省)西安市雁塔区2023年区本级预算报告",
     ("(陕西省)西安市雁塔区2023年区本级预算报告", "预算报告",
      "陕西省", "西安市", "雁塔区", "", None)),
    ("2023年政府工作报告_温县人民政府",
     ("2023年政府工作报告", "政府工作报告", "", "", "", "", None)),
    ("(湖北省)仙桃市2022年国民经济和社会发展统计公报",
     ("(湖北省)仙桃市2022年国民经济和社会发展统计公报", "国民经济和社会发展统计公报",
      "湖北省", "", "仙桃市", "", 2022)),
    ("上海市人民政府工作报告(2023年1月12日)",
     ("上海市人民政府工作报告(2023年1月12日)", "政府工作报告",
      "上海市", "", "", "2023-01-12", 2022)),
    ("广西壮族自治区人民政府工作报告（2023年1月12日）",
     ("广西壮族自治区人民政府工作报告（2023年1月12日）", "政府工作报告",
      "广西壮族自治区", "", "", "2023-01-12", 2022)),
    ("(江西省)赣州市人民政府工作报告(2023年3月1日)",
     ("(江西省)赣州市人民政府工作报告(2023年3月1日)", "政府工作报告",
      "江西省", "赣州市", "", "2023-03-01", 2022)),
]

HEADER = """政 府 工 作 报 告

——2022年12月24日在旅顺口区第十九届人民代表大会第二次会议上

旅顺口区人民政府区长　李井山

各位代表:

现在,我代表区人民政府,向大会报告工作,请予审议,并请区政协委员和其他列席人员提出意见。

一、2022年工作回顾
"""


def header_with(meeting: str, speaker: str = "区长 李井山") -> str:
    return f"政府工作报告\n\n{meeting}\n\n{speaker}\n\n各位代表:\n\n现在,我代表区人民政府报告工作。"


def with_page_line(line: str) -> Metadata:
    """The metadata of a page that shows ``line`` between its breadcrumb and its body."""
    return extract_metadata(title="政府工作报告", page_text=f"首页 > 政务公开\n\n{line}\n\n正文……")


def fields(meta: Metadata) -> tuple[object, ...]:
    return (meta.title, meta.kind, meta.province, meta.city, meta.county,
            meta.report_date, meta.year)


@pytest.mark.parametrize(("title", "expected"), TITLES, ids=[t for t, _ in TITLES])
def test_title_alone_gives_title_kind_place_date_and_year(title, expected):
    assert fields(extract_metadata(title=title)) == expected


def test_the_title_table_covers_at_least_thirty_titles():
    assert len(TITLES) >= 30


def test_header_lines_give_date_meeting_speaker_and_reviewed_year():
    meta = extract_metadata(title="(辽宁省)大连市旅顺口区人民政府工作报告_博县网", body_text=HEADER)
    assert (meta.report_date, meta.meeting, meta.speaker, meta.year) == (
        "2022-12-24", "第十九届人民代表大会第二次会议", "李井山", 2022)


@pytest.mark.parametrize(
    "meeting",
    [
        "——2023年1月6日在温县第十七届人民代表大会第二次会议上",
        "--2023年1月6日在温县第十七届人民代表大会第二次会议上",
        "──2023年1月6日在温县第十七届人民代表大会第二次会议上",
        "———2023年1月6日在温县第十七届人民代表大会第二次会议上",
        "2023年1月6日在温县第十七届人民代表大会第二次会议上",
        "(2023年1月6日在温县第十七届人民代表大会第二次会议上)",
        "（2023年1月6日在温县第十七届人民代表大会第二次会议上）",
        "——二〇二三年一月六日在温县第十七届人民代表大会第二次会议上",
        "——2023年1月6日在温县第十七届人民代表大会\n第二次会议上",
        "——2023年1月6日\n\n在温县第十七届人民代表大会第二次会议上",
        "—— 2023 年 1 月 6 日在温县第十七届人民代表大会第二次会议上",
    ],
)
def test_meeting_line_variants_give_the_same_date_and_meeting(meeting):
    meta = extract_metadata(title="政府工作报告", body_text=header_with(meeting))
    assert (meta.report_date, meta.meeting) == ("2023-01-06", "第十七届人民代表大会第二次会议")


DALIAN_MEETING = header_with("——2023年1月6日在大连市第十六届人民代表大会第二次会议上")


@pytest.mark.parametrize(("title", "body", "place"), [
    # no place in the title: the meeting line's
    ("政府工作报告_博县网", HEADER, ("", "", "旅顺口区")),
    # a province hint only: the meeting line fills the levels it leaves empty
    ("(辽宁省)政府工作报告_博县网", HEADER, ("辽宁省", "", "旅顺口区")),
    # a meeting line that disagrees with the title adds nothing
    ("(吉林省)政府工作报告", DALIAN_MEETING, ("吉林省", "", "")),
])
def test_the_meeting_line_completes_the_region_of_the_title(title, body, place):
    meta = extract_metadata(title=title, body_text=body)
    assert (meta.province, meta.city, meta.county) == place


def test_a_dateless_meeting_line_leaves_the_date_to_the_title():
    body = header_with("——在温县第十七届人民代表大会第二次会议上")
    meta = extract_metadata(title="温县人民政府工作报告(2023年1月6日)", body_text=body)
    assert (meta.report_date, meta.meeting) == ("2023-01-06", "第十七届人民代表大会第二次会议")


def test_the_meeting_line_date_wins_over_the_title_date():
    body = header_with("——2023年1月6日在温县第十七届人民代表大会第二次会议上")
    meta = extract_metadata(title="温县人民政府工作报告(2023年1月9日)", body_text=body)
    assert meta.report_date == "2023-01-06"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("旅顺口区人民政府区长 李井山", "李井山"),
        ("旅顺口区人民政府区长李井山", "李井山"),
        ("区长　李　井　山", "李井山"),
        ("温县人民政府代县长 王 伟", "王伟"),
        ("察布查尔锡伯自治县人民政府县长 艾尔肯·吐尼亚孜", "艾尔肯·吐尼亚孜"),
        ("准格尔旗人民政府旗长 张三", "张三"),
        ("内蒙古自治区人民政府主席 王莉霞", "王莉霞"),
        ("锡林郭勒盟行政公署盟长 霍照良", "霍照良"),
        ("大连市中山区财政局局长 刘洋", "刘洋"),
        ("欧阳区人民法院院长 欧阳明", "欧阳明"),
    ],
)
def test_speaker_line_variants_give_the_bare_name(line, name):
    body = header_with("——2023年1月6日在第十七届人民代表大会第二次会议上", line)
    assert extract_metadata(title="政府工作报告", body_text=body).speaker == name


def test_a_prose_line_after_the_meeting_line_is_not_a_speaker():
    body = header_with("——2023年1月6日在温县第十七届人民代表大会第二次会议上", "市长热线")
    assert extract_metadata(title="政府工作报告", body_text=body).speaker == ""


def test_without_a_meeting_line_the_speaker_needs_an_office_holder_organisation():
    body = "政府工作报告\n\n温县人民政府县长 王伟\n\n各位代表:\n\n现在报告工作。"
    assert extract_metadata(title="政府工作报告", body_text=body).speaker == "王伟"


def test_the_reviewed_year_heading_decides_the_year_of_a_work_report():
    body = "各位代表:\n\n现在报告工作。\n\n一、2021年工作回顾\n\n过去一年……"
    meta = extract_metadata(title="温县人民政府工作报告(2023年1月6日)", body_text=body)
    assert meta.year == 2021


@pytest.mark.parametrize(
    ("date", "year"),
    [("2022年12月23日", 2022), ("2022年10月30日", 2022), ("2023年1月6日", 2022),
     ("2023年6月30日", 2022), ("2023年8月1日", None)],
)
def test_a_work_reports_year_follows_the_month_of_its_session(date, year):
    assert extract_metadata(title=f"温县人民政府工作报告({date})").year == year


def test_a_year_only_title_decides_no_reviewed_year():
    assert extract_metadata(title="(河南省)温县人民政府工作报告(2023年)").year is None


def test_an_impossible_date_is_no_date():
    assert extract_metadata(title="温县人民政府工作报告(2023年2月30日)").report_date == ""


def test_the_body_header_names_the_kind_when_the_title_is_a_site_name():
    meta = extract_metadata(title="温县人民政府门户网站", body_text=HEADER)
    assert meta.kind == "政府工作报告"


def test_a_body_saying_government_work_report_without_deputies_is_not_one():
    body = "政府工作报告\n\n记者从会上获悉,全县经济运行稳中向好。"
    assert extract_metadata(title="温县新闻网", body_text=body).kind == "其他"


def test_an_empty_page_has_no_kind():
    assert extract_metadata(title="").kind == ""


def test_a_heading_with_more_words_than_the_title_is_the_title():
    meta = extract_metadata(
        title="政府工作报告_温县人民政府", h1="(河南省)温县人民政府工作报告(2023年1月6日)"
    )
    assert meta.title == "(河南省)温县人民政府工作报告(2023年1月6日)"


def test_a_site_logo_heading_does_not_replace_the_title():
    meta = extract_metadata(title="(河南省)温县人民政府工作报告_博县网", h1="博县网")
    assert meta.title == "(河南省)温县人民政府工作报告"


def test_a_short_heading_inside_the_title_keeps_the_longer_title():
    meta = extract_metadata(
        title="(辽宁省)大连市中山区人民政府工作报告(2022年12月23日)_博县网", h1="政府工作报告"
    )
    assert meta.county == "中山区"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("发布日期:2022-02-14", "2022-02-14"),
        ("发布时间:2023-01-31 18:42", "2023-01-31T18:42"),
        ("发布时间:2023/1/11 14:47:43", "2023-01-11T14:47:43"),
        ("时间:2023年01月16日", "2023-01-16"),
        ("发布日期：2024年 04月 07日", "2024-04-07"),
        ("发布时间：\u00a02023-01-31\u00a018:42", "2023-01-31T18:42"),
        ("成文日期:2023-01-05  发布日期:2023-01-10", "2023-01-10"),
        ("会议时间:2023-01-05", ""),
        ("发布日期:2023-02-30", ""),
        ("浏览次数:12", ""),
        ("发布时间 2005/05/17 22:11:42", "2005-05-17T22:11:42"),
        ("2019-09-07 13:43:45 来源: 证券市场红周刊 举报", "2019-09-07T13:43:45"),
        ("2022年02月13日07:48 | 来源：新华日报", "2022-02-13T07:48"),
        ("2022.01.20 16:31 来源：河南日报客户端", "2022-01-20T16:31"),
        ("2005年08月16日 来源：新华网", "2005-08-16"),
        ("2019-09-07 15:10:53 字号：A- A A+ 来源：EETOP", "2019-09-07T15:10:53"),
    ],
)
def test_published_at_comes_from_the_labelled_date_line_or_the_news_dateline(line, expected):
    assert with_page_line(line).published_at == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("来源:温县人民政府", "温县人民政府"),
        ("发布时间:2023-01-31 18:42  来源:温县人民政府  浏览次数:1024", "温县人民政府"),
        ("信息来源：大连市中山区统计局 作者:李明", "大连市中山区统计局"),
        ("文章来源:温县人民政府办公室（县政府办）", "温县人民政府办公室（县政府办）"),
        ("来源:本站原创发布时间:2023-01-31", "本站原创"),
        ("资金来源:财政拨款", ""),
        ("来源:\n浏览次数:3", ""),
    ],
)
def test_source_comes_from_the_labelled_source_line(line, expected):
    assert with_page_line(line).source == expected


def test_a_source_line_in_the_page_footer_of_a_long_page_is_found():
    page = "正文。" * 20000 + "\n来源:温县统计局\n"
    assert extract_metadata(title="统计公报", page_text=page).source == "温县统计局"


ENGLISH_BODY = (
    "Delivered at the Second Session of the 14th National People's Congress of the People's "
    "Republic of China on March 5, 2024. Fellow Deputies, on behalf of the State Council, I will "
    "now report to you on the work of the government for your deliberation and approval."
)


def test_an_english_page_gets_title_kind_published_date_and_language():
    meta = extract_metadata(
        title="Report on the Work of the Government - english.www.gov.cn",
        body_text=ENGLISH_BODY,
        page_text="Home | News\nUpdated: January 5, 2024 09:00\n" + ENGLISH_BODY,
        lang="en",
    )
    assert (meta.title, meta.kind, meta.published_at, meta.language) == (
        "Report on the Work of the Government", "政府工作报告", "2024-01-05", "en")
    assert meta.report_date == "2024-03-05"  # "Delivered at … on March 5, 2024"


def test_an_english_date_without_a_delivered_line_is_no_report_date():
    body = "In 2023, on March 5, 2024 the economy grew. " + ENGLISH_BODY[9:]
    meta = extract_metadata(title="Report on the Work of the Government", body_text=body,
                            lang="en")
    assert meta.report_date == ""


def test_an_english_page_reads_day_month_year_dates():
    meta = extract_metadata(title="Statistical Communiqué", body_text=ENGLISH_BODY,
                            page_text="Published 28 Feb 2024")
    assert meta.published_at == "2024-02-28"


@pytest.mark.parametrize(
    ("title", "body", "lang", "language"),
    [
        ("政府工作报告", HEADER, "", "zh"),
        ("政府工作报告", HEADER, "en", "zh"),
        ("Report", ENGLISH_BODY, "", "en"),
        ("Bericht", "Die Regierung hat im vergangenen Jahr viele Aufgaben erfüllt.", "de", "de"),
        ("", "", "zh-CN", "zh"),
        ("", "", "", ""),
    ],
)
def test_language_follows_the_script_of_the_text_then_the_lang_attribute(
    title, body, lang, language
):
    assert extract_metadata(title=title, body_text=body, lang=lang).language == language


@pytest.mark.parametrize(("text", "value"), [("2023", 2023), ("二〇二三", 2023), ("十二", 12),
                                              ("二十一", 21), ("三十", 30), ("十", 10),
                                              ("十十", None), ("abc", None), ("", None)])
def test_chinese_numerals_read_as_numbers(text, value):
    assert cn_number(text) == value


def test_folding_keeps_the_length_of_the_text():
    text = "——（2023年１月６日）\u3000\xa0来源："
    assert len(fold(text)) == len(text)


FRAGMENTS = st.sampled_from(
    ["年", "月", "日", "二〇二三", "2023", "12", "——", "-", "(", ")", "（", "在", "第十九届",
     "人民代表大会", "会议上", "区长", "代", "李井山", "\n", " ", "·", "省", "市", "区", "县",
     "自治州", "州", "盟", "来源:", "发布时间:", "各位代表", "回顾", "政府工作报告", "决议", "_"]
)
MANGLED = st.lists(FRAGMENTS | st.text(max_size=5), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(title=MANGLED, h1=st.text(max_size=50), body=MANGLED, page=MANGLED, lang=st.text(max_size=8))
def test_any_input_gives_metadata_without_raising(title, h1, body, page, lang):
    assert isinstance(
        extract_metadata(title=title, h1=h1, body_text=body, page_text=page, lang=lang), Metadata
    )


def test_huge_inputs_are_read_only_in_part():
    """A guard against a pattern that scans all of a huge input (a hang, not a slowdown): the
    real cost is ~0.03 s, the bound 17x that. Speed itself: benchmarks/metadata.py."""
    big = "(辽宁省)大连市中山区" + "区长 李井山\n——2022年" * 200_000
    started = time.perf_counter()
    extract_metadata(title=big, h1=big, body_text=big, page_text=big, url=big, lang=big)
    assert time.perf_counter() - started < 0.5


def test_an_english_date_after_a_false_month_word_is_found():
    page = "Market news. May we help? The council met.\nMarch 5, 2024\n" + ENGLISH_BODY
    assert extract_metadata(title="Council", page_text=page).published_at == "2024-03-05"


def test_a_speaker_line_above_the_meeting_line_is_found():
    body = (
        "政府工作报告\n\n温县人民政府县长 王伟\n\n"
        "（2023年1月6日在温县第十七届人民代表大会第二次会议上）\n\n各位代表:"
    )
    assert extract_metadata(title="政府工作报告", body_text=body).speaker == "王伟"


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("政府工作报告_政务公开_大连市中山区人民政府", "政府工作报告"),
        ("温县人民政府 - 2023年政府工作报告", "2023年政府工作报告"),
        ("Long-term Plan for the Riverton Region", "Long-term Plan for the Riverton Region"),
        ("2021-2025年发展规划", "2021-2025年发展规划"),
        ("首页_温县人民政府", "首页"),
        ("常德市金融系统开展金融知识普及月活动--当代商报", "常德市金融系统开展金融知识普及月活动"),
        ("政府工作报告--2023年1月6日在温县第十七届人民代表大会第二次会议上",
         "政府工作报告--2023年1月6日在温县第十七届人民代表大会第二次会议上"),
    ],
)
def test_site_names_and_breadcrumbs_leave_the_title(title, clean):
    assert extract_metadata(title=title).title == clean


def test_an_explicit_publish_label_wins_over_a_dateline():
    page = "2023-01-01 来源:温县\n发布日期:2023-01-31"
    assert extract_metadata(title="标题", page_text=page).published_at == "2023-01-31"


def test_markup_after_a_source_label_is_no_source():
    page = 'size="20" 来源： size="20" 发布日期： 7/5/2005 9:23:57 PM'
    meta = extract_metadata(title="标题", page_text=page)
    assert (meta.source, meta.published_at) == ("", "")


def test_a_publish_label_inside_a_longer_label_still_counts():
    assert with_page_line("信息发布时间：2023-02-01").published_at == "2023-02-01"
