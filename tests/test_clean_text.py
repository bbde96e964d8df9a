"""The cleaner's text rules: which lines are boilerplate, which headings end an article."""

from __future__ import annotations

import pytest

from reportarchiver.clean._text import (
    SECTION_MARKER_RE,
    furniture_names,
    is_boilerplate,
    normalize,
    punctuation_count,
)

BOILERPLATE = [
    "当前位置:首页 > 政府工作报告 > 东北",
    "您现在的位置:首页 > 政务公开",
    "网易娱乐 > 电影版区 > 留言板",
    "Home » News » Local",
    "Copyright © 2015-2023 博县网 版权所有 冀ICP备15012345号-1",
    "主办单位:青禾县人民政府办公室 承办单位:青禾县政务服务和数据管理局",
    "网站标识码:1311230001 冀公网安备 13112302000123号",
    "本文仅代表作者观点,不代表本站立场。",
    "本文地址:/baogao/db/4633.html",
    "留言与评论(共有 0 条评论)",
    "验证码:",
    "分享到:微信 微博 QQ空间",
    "上一篇:(河北省)南泉县人民政府工作报告(2023年1月6日)",
    "上一页 1 2 3 下一页",
    "1 2 3 4 5 6 7 8",
    "【打印本页】 【关闭窗口】",
    "【字体:大 中 小】",
    "浏览次数:1024",
    "发布日期:2023-03-20",
    "来源:青禾县统计局",
    "本文来源:新京报 责任编辑:杜硕",
    "原创 南方都市报 2019-09-09 16:01:46",
    "------------------------------",
    "Share this:",
    "(Credit: Clayton Aldern / Grist)",
    "Published Nov 18, 2019 at 4:07 PM | Updated at 5:36 PM CST on Nov 18, 2019",
    "23.10.2018",
    "分页: 共3页 上一页 1 2 3 下一页 跳转到:",
    "By LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER",
    "Von Claudia Lindner",
    "Trybunał Konstytucyjny / Shutterstock",
    "Patrick Semansky, ASSOCIATED PRESS",
]
BODY = [
    "——2022年12月24日在旅顺口区第十九届人民代表大会第二次会议上",
    "旅顺口区人民政府区长 李井山",
    "各位代表:",
    "(2023年3月18日)",
    "一、2022年工作回顾",
    "当x>0时,函数单调递增,且当x>1时也成立。",
    "全年实施亿元以上重点项目62个,完成投资138亿元。",
    "Published in 2019, the report found that most schools lacked the staff they needed.",
    "The budget takes effect on April 1.",
    "By the end of the year, the fund had grown to $4 million.",
    "Von Berlin nach Hamburg",
    "The figures were first reported by Reuters.",
]


@pytest.mark.parametrize("line", BOILERPLATE)
def test_boilerplate_lines_are_recognized(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", BODY)
def test_report_lines_are_not_boilerplate(line):
    assert not is_boilerplate(line)


@pytest.mark.parametrize("cell", ["2023-03-18", "186.4", "1 2 3"])
def test_dates_and_numbers_in_table_cells_are_data(cell):
    assert not is_boilerplate(cell, in_table=True)


@pytest.mark.parametrize("heading", ["相关阅读", "相关报告", "【相关链接】", "热门文章", "评论",
                                     "2 Comments", "Comments (3)", "Mehr zum Thema",
                                     "À lire aussi"])
def test_end_of_article_headings_are_section_markers(heading):
    assert SECTION_MARKER_RE.match(heading)


@pytest.mark.parametrize("heading", ["一、2022年工作回顾", "Where the money goes", "相关工作"])
def test_ordinary_headings_are_not_section_markers(heading):
    assert not SECTION_MARKER_RE.match(heading)


@pytest.mark.parametrize(("names", "verdict"), [
    ("comments-area", True),
    ("sidebar widget", True),
    ("mntl-author-tooltip", True),
    ("post-byline", True),
    ("entry-content", False),
    ("comment-content", False),
    ("widget Blog", False),
    ("row col-md-8", False),
])
def test_class_names_say_furniture_unless_they_also_say_content(names, verdict):
    assert furniture_names(names) == verdict


def test_normalize_folds_spaces_and_drops_invisible_characters_only():
    assert normalize("\u3000\u3000各位\u00a0代表\u200b:\n  现在") == "各位 代表: 现在"
    assert normalize("“两山”——破折号,全角。") == "“两山”——破折号,全角。"


def test_punctuation_of_both_widths_is_counted():
    assert punctuation_count("一,二。三;four, five.") == 5
