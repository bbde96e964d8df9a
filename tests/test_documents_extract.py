"""Document text: each format gives back the text its fixture was made from.

The fixtures and their ``*.expected.txt`` come from tests/fixtures/documents/make_fixtures.py.
"""

from __future__ import annotations

import io

import pytest

from helpers import FIXTURES
from reportarchiver.documents import DocumentText, extract_document

DOCS = FIXTURES / "documents"
REPORT = (DOCS / "work_report.expected.txt").read_text(encoding="utf-8").strip()
BUDGET = (DOCS / "budget_tables.expected.txt").read_text(encoding="utf-8").strip()


def extract(name: str, kind: str, **limits: object) -> DocumentText:
    return extract_document((DOCS / name).read_bytes(), kind, **limits)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "kind"), [
    ("work_report.pdf", "pdf"), ("work_report.docx", "docx"), ("work_report.doc", "doc"),
])
def test_the_report_reads_back_as_written_paragraphs_and_table_rows(name: str, kind: str) -> None:
    doc = extract(name, kind)
    assert (doc.text, doc.error, doc.truncated) == (REPORT, "", False)
    assert doc.title == "大连市中山区人民政府工作报告"


@pytest.mark.parametrize(("name", "kind"), [
    ("budget_tables.xlsx", "xlsx"), ("budget_tables.xls", "xls"),
])
def test_workbooks_read_back_as_sheet_names_and_tab_separated_rows(name: str, kind: str) -> None:
    doc = extract(name, kind)
    assert (doc.text, doc.error, doc.page_count) == (BUDGET, "", 2)
    assert doc.title == "中山区2023年一般公共预算收入表"


def test_a_four_page_pdf_reads_back_without_page_numbers_and_with_paragraphs_rejoined() -> None:
    """Paragraphs run on over page breaks and early line breaks ("…服务站7" / "个,148个…");
    the footers' "— 2 —" are dropped."""
    expected = (DOCS / "seed_report_pages.expected.txt").read_text(encoding="utf-8").strip()
    doc = extract("seed_report_pages.pdf", "pdf")
    assert (doc.text, doc.page_count, doc.error) == (expected, 4, "")


def test_max_pages_stops_a_pdf_and_says_how_much_was_read() -> None:
    doc = extract("seed_report_pages.pdf", "pdf", max_pages=2)
    assert doc.truncated and doc.page_count == 4
    assert doc.error == "read the first 2 of 4 pages"
    assert "社会大局保持稳定" not in doc.text and "扎实推进国资国企改革" in doc.text


def test_a_pdf_table_row_keeps_a_cell_that_touches_the_next_one() -> None:
    rows = extract("work_report.pdf", "pdf").text.split("\n\n")[-2].splitlines()
    assert "空气质量优良达标天数比率\t%\t91.1" in rows


def test_a_pdf_counts_its_pages_and_has_a_text_layer() -> None:
    doc = extract("work_report.pdf", "pdf")
    assert (doc.page_count, doc.scanned, doc.has_text_layer) == (1, False, True)


def test_a_scanned_pdf_is_recorded_as_scanned_not_as_empty_text() -> None:
    doc = extract("scanned_work_report.pdf", "pdf")
    assert (doc.text, doc.scanned, doc.has_text_layer, doc.page_count) == ("", True, False, 1)
    assert doc.error.startswith("scanned PDF")


def test_a_password_protected_pdf_says_so() -> None:
    doc = extract("password_protected.pdf", "pdf")
    assert doc.text == ""
    assert doc.error == "encrypted PDF: a password is needed to open it"


def test_the_same_doc_bytes_read_as_wps() -> None:
    doc = extract("work_report.doc", "wps")
    assert (doc.kind, doc.text) == ("wps", REPORT)


def test_max_pages_stops_a_workbook_after_its_first_sheet() -> None:
    doc = extract("budget_tables.xlsx", "xlsx", max_pages=1)
    assert doc.truncated and "一般公共预算支出" not in doc.text
    assert "税收收入\t412300" in doc.text


def test_max_chars_cuts_the_text_and_says_where() -> None:
    doc = extract("work_report.pdf", "pdf", max_chars=100)
    assert doc.truncated and len(doc.text) <= 100
    assert REPORT.startswith(doc.text)
    assert doc.error == "text cut at 100 characters"


def test_a_file_over_max_bytes_is_refused_before_it_is_parsed() -> None:
    doc = extract("work_report.pdf", "pdf", max_bytes=1000)
    assert doc.text == "" and "over the 1,000-byte limit" in doc.error


def test_a_docx_whose_parts_expand_past_max_bytes_is_refused() -> None:
    doc = extract("work_report.docx", "docx", max_bytes=100_000)  # 38 KB that expand to 830 KB
    assert doc.text == "" and "expands past the byte limit" in doc.error


def test_an_exhausted_time_budget_stops_extraction_with_a_reason() -> None:
    doc = extract("work_report.pdf", "pdf", max_seconds=-1)
    assert doc.truncated and doc.error == "stopped after -1 s"


@pytest.mark.parametrize(("kind", "reason"), [
    ("ofd", "no text extractor for OFD"), ("image", "an image has no text layer (no OCR)"),
    ("nonsense", "unknown document kind 'nonsense'"),
])
def test_kinds_without_an_extractor_say_so(kind: str, reason: str) -> None:
    assert extract_document(b"PK\x03\x04data", kind).error == reason


def test_an_ole2_file_without_word_streams_has_no_doc_text() -> None:
    doc = extract("budget_tables.xls", "doc")
    assert doc.text == ""
    assert doc.error == "no text extractor for DOC in this format (no WordDocument stream)"


def test_docx_content_controls_and_merged_cells_are_read_once() -> None:
    from docx import Document

    document = Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "合计"
    for c, value in enumerate(("税收", "100", "5.0")):
        table.cell(1, c).text = value
    out = io.BytesIO()
    document.save(out)
    assert extract_document(out.getvalue(), "docx").text == "合计\n税收\t100\t5.0"


def test_xlsx_numbers_and_dates_read_as_a_person_sees_them() -> None:
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["日期", dt.datetime(2023, 1, 6), 77.0, 0.1 + 0.2, True, None, None])
    out = io.BytesIO()
    workbook.save(out)
    assert extract_document(out.getvalue(), "xlsx").text == "日期\t2023-01-06\t77\t0.3\tTRUE"


def test_a_password_protected_docx_says_so() -> None:
    doc = extract("password_protected.docx", "docx")
    assert doc.text == ""
    assert doc.error == "encrypted DOCX: a password is needed to open it"


def test_a_doc_handed_over_as_docx_is_named_for_what_it_is() -> None:
    doc = extract("work_report.doc", "docx")
    assert doc.error == "not a DOCX: an OLE2 (Office 97-2003) file"
