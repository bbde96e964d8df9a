"""The text rules documents share: property titles, first-line titles, line joining, limits."""

from __future__ import annotations

import pytest

from reportarchiver.documents._model import LimitExceeded, Limits
from reportarchiver.documents._text import (
    TextBuilder,
    first_lines_title,
    join_lines,
    normalize,
    normalize_row,
    property_title,
)


@pytest.mark.parametrize(("value", "title"), [
    ("Microsoft Word - 2023年预算草案的报告.doc", "2023年预算草案的报告"),
    ("关于2022年决算的报告", "关于2022年决算的报告"),
    ("untitled", ""), ("无标题", ""), ("Sheet1", ""), ("1", ""), ("zsq_2023_budget", ""),
    ("   ", ""),
    ("Report on the Work of the Government", "Report on the Work of the Government"),
])
def test_property_titles_that_are_file_names_or_placeholders_are_dropped(value: str,
                                                                          title: str) -> None:
    assert property_title(value) == title


@pytest.mark.parametrize(("text", "title"), [
    ("大连市中山区人民政府工作报告\n\n——2022年12月23日在…会议上", "大连市中山区人民政府工作报告"),
    ("附件2\n\n中山区2023年部门预算\n\n一、部门职责", "中山区2023年部门预算"),
    ("中政发〔2023〕5号\n\n关于印发2023年工作要点的通知\n\n各街道：",
     "关于印发2023年工作要点的通知"),
    ("关于中山区2022年预算执行情况和\n2023年预算草案的报告\n（2023年1月6日）",
     "关于中山区2022年预算执行情况和2023年预算草案的报告"),
    ("项目\t2022年\t2023年\n税收\t1\t2", ""),
    ("", ""),
    ("各位代表，" + "现在我代表区人民政府向大会报告工作，请予审议。" * 3, ""),
])
def test_a_title_is_read_from_the_first_real_lines(text: str, title: str) -> None:
    assert first_lines_title(text) == title


def test_wrapped_lines_join_without_a_space_between_chinese_characters() -> None:
    assert join_lines("完成老旧小区改造77万平方", "米，惠及居民") == \
        "完成老旧小区改造77万平方米，惠及居民"
    assert join_lines("the work of the", "government") == "the work of the government"
    assert join_lines("self-", "reliance") == "self-reliance"
    assert join_lines("PM2.5 and CO2 emis-", "sions") == "PM2.5 and CO2 emis-sions"


def test_normalization_folds_whitespace_and_drops_invisible_and_control_characters() -> None:
    assert normalize("\u3000\u3000各位\u200b代表：\x00 现在\r\n") == "各位代表： 现在"
    assert normalize_row([" 项目 ", "2022年", "", ""]) == "项目\t2022年"


def test_the_builder_keeps_what_fits_and_raises_past_the_character_limit() -> None:
    builder = TextBuilder(Limits(max_chars=10))
    builder.add("一二三")
    with pytest.raises(LimitExceeded):
        builder.add("四五六七八九十")
    assert builder.truncated
    assert builder.text == "一二三\n\n四五六七八"


def test_the_builder_raises_once_its_time_is_spent() -> None:
    ticks = iter([0.0, 5.0, 11.0])
    builder = TextBuilder(Limits(max_seconds=10), clock=lambda: next(ticks))
    builder.add("一")
    with pytest.raises(LimitExceeded, match="stopped after 10 s"):
        builder.add("二")
