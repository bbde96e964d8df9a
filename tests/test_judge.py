"""Whether a changed body may replace an archived report (crawl/_judge.py)."""

from __future__ import annotations

import pytest

from helpers import FIXTURES
from reportarchiver.crawl._judge import judge_revision, not_a_report

#: the seed report's page 2, as the cleaner keeps it: real, varied text
REPORT = (FIXTURES / "clean" / "bx_page2.txt").read_text(encoding="utf-8")
TITLE = "2023年大连市中山区政府工作报告"


@pytest.mark.parametrize(("title", "text"), [
    ("页面不存在", "对不起，您访问的页面不存在！"),
    ("404 Not Found", "The requested URL was not found on this server."),
    ("example.cn", "This domain is for sale. Buy this domain today."),
    ("提示", "该信息已删除或已过期，请返回首页。"),
    ("", ""),
    (TITLE, "返回首页"),
])
def test_error_parking_and_empty_pages_are_no_reports(title: str, text: str) -> None:
    assert not_a_report(text, title)


def test_a_long_report_quoting_an_error_phrase_is_still_a_report() -> None:
    assert not_a_report(REPORT + "网站出现404错误时的处理办法。", TITLE) == ""


def test_a_plain_revision_is_accepted() -> None:
    paragraphs = REPORT.split("\n\n")
    added = "新增的一段：全年新增就业岗位，城乡居民收入稳步增长。"
    new = "\n\n".join([*paragraphs[:3], added, *paragraphs[4:]])
    assert judge_revision(TITLE, "政府工作报告", REPORT, TITLE, "政府工作报告", new).accept


def test_a_report_growing_is_accepted() -> None:
    assert judge_revision(TITLE, "政府工作报告", REPORT, TITLE, "政府工作报告",
                          REPORT * 2).accept


def test_a_new_title_over_nearly_the_same_text_is_accepted() -> None:
    assert judge_revision(TITLE, "政府工作报告", REPORT, TITLE + "（全文）", "政府工作报告",
                          REPORT + "附件略。").accept


@pytest.mark.parametrize(("new_title", "new_kind", "new_text", "word"), [
    ("区长信箱", "其他", "欢迎访问本区门户网站，本站提供政务公开、办事服务与互动交流。" * 10,
     "title"),
    (TITLE, "政府工作报告", REPORT[:len(REPORT) // 3], "shrank"),
    (TITLE, "统计公报", "全年地区生产总值增长百分之五，一般公共预算收入增长百分之三。" * 30,
     "kind"),
])
def test_a_different_or_much_shorter_page_is_suspect(new_title, new_kind, new_text,
                                                     word) -> None:
    verdict = judge_revision(TITLE, "政府工作报告", REPORT, new_title, new_kind, new_text)
    assert not verdict.accept and verdict.status == "suspect" and word in verdict.reason


def test_a_soft_404_replacing_a_report_is_not_a_report() -> None:
    verdict = judge_revision(TITLE, "政府工作报告", REPORT, "页面不存在", "其他",
                             "您访问的页面不存在")
    assert (verdict.accept, verdict.status) == (False, "not_a_report")


def test_anything_may_replace_an_archived_body_that_was_no_report() -> None:
    assert judge_revision("页面不存在", "其他", "页面不存在", TITLE, "政府工作报告",
                          REPORT).accept
