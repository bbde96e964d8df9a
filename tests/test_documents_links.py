"""Attachment links: which links of a report page lead to document files, and of what kind."""

from __future__ import annotations

import re

import pytest

from helpers import FIXTURES
from reportarchiver.documents import attachment_kind


@pytest.mark.parametrize(("url", "kind"), [
    ("http://a.test/uploads/2023/budget.pdf", "pdf"),
    ("http://a.test/uploads/2023/BUDGET.PDF", "pdf"),
    ("http://a.test/f/report.docx", "docx"),
    ("http://a.test/f/report.doc", "doc"),
    ("http://a.test/f/tables.xlsx", "xlsx"),
    ("http://a.test/f/tables.xls", "xls"),
    ("http://a.test/f/tables.et", "xls"),
    ("http://a.test/f/report.wps", "wps"),
    ("http://a.test/f/report.ofd", "ofd"),
    ("http://a.test/f/%E9%A2%84%E7%AE%97.pdf", "pdf"),
    ("http://a.test/f/report.pdf;jsessionid=ABC123", "pdf"),
    ("http://a.test/f/report.pdf#page=2", "pdf"),
])
def test_a_path_ending_in_a_document_extension_is_an_attachment(url: str, kind: str) -> None:
    assert attachment_kind(url) == kind


@pytest.mark.parametrize(("url", "kind"), [
    ("http://a.test/module/download/downfile.jsp?classid=0&filename=1234.pdf", "pdf"),
    ("http://a.test/attach.do?file=/upload/2023/tables.xls&t=1", "xls"),
    ("http://a.test/down.aspx?name=%E9%A2%84%E7%AE%97.docx", "docx"),
])
def test_a_download_script_naming_the_file_in_its_query_is_an_attachment(url: str,
                                                                         kind: str) -> None:
    assert attachment_kind(url) == kind


@pytest.mark.parametrize(("text", "kind"), [
    ("附件：2023年预算.pdf", "pdf"),
    ("3.中山区2023年政府性基金预算表.xlsx", "xlsx"),
    ("附件2：决算表.XLS（120KB）", "xls"),
    ("关于2022年预算执行情况的报告.doc 下载", "doc"),
])
def test_a_download_script_whose_anchor_text_names_a_file_is_an_attachment(text: str,
                                                                           kind: str) -> None:
    assert attachment_kind("http://a.test/download.jsp?fileid=20230210001", text) == kind
    assert attachment_kind("http://a.test/attach/20230210001", text) == kind


@pytest.mark.parametrize(("url", "text"), [
    ("http://a.test/art/2023/2/10/art_1.html", "关于2023年预算的报告.pdf"),
    ("http://a.test/zwgk/index.shtml", ""),
    ("http://a.test/download.jsp?fileid=1", "附件1"),
    ("http://a.test/download.jsp?fileid=1", "PDF版下载"),
    ("http://a.test/images/chart.png", "图表.pdf"),
    ("http://a.test/f/archive.zip", "材料.zip"),
    ("javascript:download('a.pdf')", "a.pdf"),
    ("mailto:office@a.test?subject=a.pdf", ""),
    ("", "a.pdf"),
    ("http://a.test/pdf/", ""),
    ("http://a.test/files/report.pdf.html", ""),
])
def test_pages_images_and_unnamed_downloads_are_not_attachments(url: str, text: str) -> None:
    assert attachment_kind(url, text) is None


def test_the_attachment_list_fixture_has_three_attachments_of_three_kinds() -> None:
    html = (FIXTURES / "documents" / "attachment_list_page.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">\s*([^<]*)</a>', html)
    kinds = [attachment_kind("http://a.test" + href, text) for href, text in links]
    assert [k for k in kinds if k] == ["pdf", "xls", "xlsx"]
    assert kinds.count(None) == 2  # 首页 and 政务公开 in the breadcrumb
