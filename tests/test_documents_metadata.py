"""A report that is only a file gets its metadata from its text, as a page would."""

from __future__ import annotations

from helpers import FIXTURES
from reportarchiver.documents import DocumentText, document_metadata, extract_document
from reportarchiver.documents._metadata import link_title

DOCS = FIXTURES / "documents"


def test_a_work_report_pdf_gets_title_kind_region_date_meeting_and_year() -> None:
    doc = extract_document((DOCS / "work_report.pdf").read_bytes(), "pdf")
    meta = document_metadata(doc, "http://a.test/uploads/zsq_2022_report.pdf")
    assert (meta.title, meta.kind) == ("大连市中山区人民政府工作报告", "政府工作报告")
    assert (meta.province, meta.city, meta.county) == ("辽宁省", "大连市", "中山区")
    assert (meta.report_date, meta.year) == ("2022-12-23", 2022)
    assert meta.meeting == "第十九届人民代表大会第二次会议"
    assert meta.language == "zh"


def test_the_same_report_as_docx_and_doc_gets_the_same_metadata() -> None:
    metas = {document_metadata(extract_document((DOCS / name).read_bytes(), kind))
             for name, kind in (("work_report.pdf", "pdf"), ("work_report.docx", "docx"),
                                ("work_report.doc", "doc"))}
    assert len(metas) == 1


def test_a_document_without_a_title_property_is_named_by_its_first_lines() -> None:
    text = ("附件1\n\n关于中山区2022年预算执行情况和\n2023年预算草案的报告\n\n"
            "——2023年1月6日在中山区第十九届人民代表大会第二次会议上\n\n各位代表：")
    meta = document_metadata(DocumentText("pdf", text), "http://a.test/a.pdf")
    assert meta.title == "关于中山区2022年预算执行情况和2023年预算草案的报告"
    assert (meta.kind, meta.year) == ("预算报告", 2022)


def test_a_scanned_pdf_is_named_by_the_link_that_led_to_it() -> None:
    doc = extract_document((DOCS / "scanned_work_report.pdf").read_bytes(), "pdf")
    meta = document_metadata(doc, "http://a.test/a.pdf",
                             link_text="附件1：大连市中山区人民政府工作报告.pdf（2.1MB）")
    assert (meta.title, meta.kind, meta.county) == ("大连市中山区人民政府工作报告", "政府工作报告",
                                                    "中山区")


def test_a_document_with_no_text_and_no_link_has_empty_metadata() -> None:
    meta = document_metadata(DocumentText("pdf", scanned=True), "http://a.test/a.pdf")
    assert (meta.title, meta.kind, meta.year) == ("", "", None)


def test_link_titles_lose_numbering_label_extension_and_size() -> None:
    assert link_title("附件2：2023年预算.xlsx（120KB）") == "2023年预算"
    assert link_title("1.关于2022年决算的报告.pdf") == "关于2022年决算的报告"
    assert link_title("（三）部门预算表.XLS") == "部门预算表"
    assert link_title("2023年政府工作报告") == "2023年政府工作报告"
