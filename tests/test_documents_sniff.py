"""Content sniffing: the bytes decide what a body is; Content-Type and URL only break ties."""

from __future__ import annotations

import io
import zipfile

import pytest

from helpers import FIXTURES
from reportarchiver.documents import KINDS, sniff

DOCS = FIXTURES / "documents"


def fixture(name: str) -> bytes:
    return (DOCS / name).read_bytes()


def zip_with(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(("name", "kind"), [
    ("work_report.pdf", "pdf"), ("scanned_work_report.pdf", "pdf"),
    ("password_protected.pdf", "pdf"), ("work_report.docx", "docx"), ("work_report.doc", "doc"),
    ("budget_tables.xlsx", "xlsx"), ("budget_tables.xls", "xls"),
    ("js_only_app_shell.html", "html"), ("attachment_list_page.html", "html"),
])
def test_each_fixture_is_recognised_from_its_bytes_alone(name: str, kind: str) -> None:
    assert sniff("", fixture(name)) == kind


def test_a_pdf_served_as_text_html_is_a_pdf() -> None:
    assert sniff("text/html; charset=utf-8", fixture("work_report.pdf"), "http://a.test/x.html") \
        == "pdf"


def test_html_served_as_octet_stream_is_html() -> None:
    body = fixture("attachment_list_page.html")
    assert sniff("application/octet-stream", body, "http://a.test/download.jsp?id=1") == "html"


def test_a_word_web_page_saved_as_doc_is_html() -> None:
    body = b'<html xmlns:w="urn:schemas-microsoft-com:office:word"><body><p>\xe6\x8a\xa5</p>'
    assert sniff("application/msword", body, "http://a.test/report.doc") == "html"


def test_zip_containers_are_told_apart_by_their_entries() -> None:
    assert sniff("application/zip", zip_with("[Content_Types].xml", "word/document.xml")) \
        == "docx"
    assert sniff("application/zip", zip_with("[Content_Types].xml", "xl/workbook.xml")) == "xlsx"
    assert sniff("application/zip", zip_with("OFD.xml", "Doc_0/Document.xml")) == "ofd"
    assert sniff("application/zip", zip_with("a.txt")) == "other"


def test_a_truncated_docx_is_still_a_docx() -> None:
    body = fixture("work_report.docx")
    assert sniff("", body[: len(body) // 2]) == "docx"


def test_an_ole2_file_named_wps_is_wps_and_named_doc_is_doc() -> None:
    body = fixture("work_report.doc")
    assert sniff("application/octet-stream", body, "http://a.test/f/report.wps") == "wps"
    assert sniff("application/octet-stream", body, "http://a.test/f/report.doc") == "doc"


def test_a_damaged_ole2_file_falls_back_to_its_announced_kind() -> None:
    body = fixture("work_report.doc")[:600]
    assert sniff("application/vnd.ms-excel", body) == "xls"
    assert sniff("", body) == "other"


@pytest.mark.parametrize("body", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\xff\xd8\xff\xe0\x00\x10JFIF", b"GIF89a\x01\x00",
    b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
])
def test_images_are_images_whatever_the_content_type(body: bytes) -> None:
    assert sniff("text/html", body) == "image"


@pytest.mark.parametrize("body", [b"", b"   \r\n\t "])
def test_an_empty_or_blank_body_is_empty(body: bytes) -> None:
    assert sniff("text/html", body) == "empty"


def test_sitemaps_and_feeds_are_xml_not_binary_or_html() -> None:
    sitemap = b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="x"><url><loc>/a</loc>'
    feed = b'<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel>'
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
    assert [sniff("application/xml", b) for b in (sitemap, feed, atom)] == ["xml"] * 3
    assert sniff("text/xml", b"\xef\xbb\xbf" + sitemap) == "xml"


def test_xhtml_with_an_xml_declaration_is_html() -> None:
    body = b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML">'
    assert sniff("text/html", body + b"<html><body>x</body></html>") == "html"


def test_a_gbk_page_without_a_doctype_is_html() -> None:
    body = "<!-- 模板 -->\n<HTML><HEAD><TITLE>政府工作报告</TITLE>".encode("gbk")
    assert sniff("", body) == "html"


def test_text_html_without_markup_is_html_but_binary_labelled_html_is_not() -> None:
    assert sniff("text/html", "各位代表：现在，我代表区人民政府向大会报告工作。".encode()) == "html"
    assert sniff("text/html", bytes(range(256)) * 4) == "other"


def test_archives_and_rtf_are_other_even_when_named_pdf() -> None:
    for body in (b"Rar!\x1a\x07\x00abc", b"\x1f\x8b\x08\x00abc", b"{\\rtf1\\ansi text}"):
        assert sniff("application/pdf", body, "http://a.test/x.pdf") == "other"


def test_unknown_binary_announced_as_a_document_keeps_that_kind() -> None:
    assert sniff("application/pdf", bytes(range(256))) == "pdf"
    assert sniff("", bytes(range(256)), "http://a.test/files/report.xlsx") == "xlsx"


def test_a_pdf_header_after_a_little_junk_is_still_a_pdf() -> None:
    assert sniff("", b"\r\n\x00\x00junk" + fixture("work_report.pdf")) == "pdf"


def test_every_answer_is_one_of_the_documented_kinds() -> None:
    bodies = [fixture(p.name) for p in sorted(DOCS.iterdir()) if p.is_file()]
    assert {sniff("", body) for body in bodies} <= set(KINDS)


def test_a_password_protected_docx_keeps_the_kind_its_name_announces() -> None:
    body = fixture("password_protected.docx")
    assert sniff("application/octet-stream", body, "http://a.test/budget.docx") == "docx"
    assert sniff("application/octet-stream", body) == "other"
