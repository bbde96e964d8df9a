"""Hostile and damaged files: extraction never raises, binary is never html, bombs stay small."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import olefile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import FIXTURES
from reportarchiver.documents import DocumentText, extract_document, sniff

DOCS = FIXTURES / "documents"
HEADERS = {
    "pdf": b"%PDF-1.7\n",
    "zip": b"PK\x03\x04",
    "ole2": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
}
EXTRACTED_KINDS = ("pdf", "docx", "doc", "xlsx", "xls", "wps")
BINARY_FIXTURES = {
    "work_report.pdf": "pdf", "work_report.docx": "docx", "work_report.doc": "doc",
    "budget_tables.xlsx": "xlsx", "budget_tables.xls": "xls", "scanned_work_report.pdf": "pdf",
}
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_no_binary_in(doc: DocumentText) -> None:
    """Whatever extraction returns is text: no NUL or other C0 control besides TAB and LF."""
    assert not any(ord(c) < 32 and c not in "\t\n" for c in doc.text)


@FUZZ
@given(header=st.sampled_from(sorted(HEADERS)), tail=st.binary(max_size=4096),
       content_type=st.sampled_from(["", "text/html", "application/octet-stream",
                                     "application/pdf", "application/msword"]))
def test_random_bytes_behind_a_document_header_never_crash_and_are_never_html(
    header: str, tail: bytes, content_type: str
) -> None:
    body = HEADERS[header] + tail
    kind = sniff(content_type, body, "http://a.test/report.html")
    assert kind not in ("html", "xml")
    for as_kind in {kind, *EXTRACTED_KINDS}:
        doc = extract_document(body, as_kind)
        assert isinstance(doc, DocumentText)
        assert doc.text == "" or doc.error == "" or doc.truncated
        assert_no_binary_in(doc)


@FUZZ
@given(name=st.sampled_from(sorted(BINARY_FIXTURES)), data=st.data())
def test_truncated_or_corrupted_real_files_never_crash(name: str, data: st.DataObject) -> None:
    body = bytearray((DOCS / name).read_bytes())
    cut = data.draw(st.integers(min_value=1, max_value=len(body)))
    for _ in range(data.draw(st.integers(min_value=0, max_value=8)) if cut > 8 else 0):
        # the signature stays: a file whose first bytes are replaced is no longer that file
        position = data.draw(st.integers(min_value=8, max_value=cut - 1))
        body[position] = data.draw(st.integers(min_value=0, max_value=255))
    mangled = bytes(body[:cut])
    assert sniff("text/html", mangled) != "html"
    doc = extract_document(mangled, BINARY_FIXTURES[name])
    assert isinstance(doc, DocumentText)
    assert doc.text or doc.error
    assert_no_binary_in(doc)


@pytest.mark.parametrize(("name", "kind"), sorted(BINARY_FIXTURES.items()))
def test_a_file_cut_in_half_gives_an_error_not_an_exception(name: str, kind: str) -> None:
    body = (DOCS / name).read_bytes()
    doc = extract_document(body[: len(body) // 2], kind)
    assert doc.error, doc


def zip_bomb(declared_size: int | None = None, real_size: int = 50_000_000) -> bytes:
    """A DOCX-shaped ZIP whose document.xml inflates to ``real_size`` bytes of zeros; with
    ``declared_size`` its headers claim that much instead."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=False) as entry:
            chunk = b"\0" * 1_000_000
            for _ in range(real_size // len(chunk)):
                entry.write(chunk)
    body = out.getvalue()
    if declared_size is not None:  # patch the uncompressed size in both headers
        real = struct.pack("<I", real_size)
        assert body.count(real) == 2
        body = body.replace(real, struct.pack("<I", declared_size))
    return body


def peak_memory(call) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_zip_bomb_is_refused_without_inflating_it() -> None:
    body = zip_bomb()
    assert sniff("", body) == "docx"
    doc, peak = peak_memory(lambda: extract_document(body, "docx", max_bytes=10_000_000))
    assert "expands past the byte limit" in doc.error
    assert peak < 5_000_000


def test_a_zip_bomb_that_lies_about_its_size_is_read_in_small_steps() -> None:
    body = zip_bomb(declared_size=1000)
    doc, peak = peak_memory(lambda: extract_document(body, "docx"))
    assert doc.error.startswith("DOCX: damaged ZIP entry 'word/document.xml'")
    assert peak < 5_000_000


def test_a_zip_with_bzip2_entries_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    doc = extract_document(out.getvalue(), "xlsx")
    assert "uses compression 12" in doc.error


def test_a_docx_with_broken_xml_says_it_is_not_readable() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("word/document.xml", "<w:document")
    doc = extract_document(out.getvalue(), "docx")
    assert doc.text == "" and doc.error.startswith("not a readable DOCX")


def test_a_billion_laughs_docx_does_not_expand_entities() -> None:
    from docx import Document

    plain = io.BytesIO()
    Document().save(plain)
    laughs = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;'
              '&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
              '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;'
              '&d;&d;">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml'
              '/2006/main"><w:body><w:p><w:r><w:t>&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;</w:t></w:r>'
              '</w:p></w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = laughs.encode() if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item, data)
    doc = extract_document(out.getvalue(), "docx")
    assert len(doc.text) < 1000


def flate_pdf(content_size: int) -> bytes:
    """A one-page PDF whose content stream, "Hello" and spaces, inflates to ``content_size``."""
    inflater = zlib.compressobj(9)
    stream = inflater.compress(b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n")
    stream += inflater.compress(b" " * content_size) + inflater.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)


def test_a_small_pdf_whose_content_stream_is_within_limits_is_read() -> None:
    assert extract_document(flate_pdf(100_000), "pdf", max_bytes=1_000_000).text == "Hello"


def test_a_pdf_bomb_is_refused_before_pdfium_inflates_it() -> None:
    body = flate_pdf(20_000_000)  # 20 KB that inflate to 20 MB
    doc, peak = peak_memory(lambda: extract_document(body, "pdf", max_bytes=1_000_000))
    assert (doc.text, doc.error) == ("", "PDF streams expand past the byte limit")
    assert peak < 5_000_000


def word_document_patched(tmp_path: Path, offset: int, value: bytes) -> bytes:
    """The DOC fixture with ``value`` written at ``offset`` of its WordDocument stream."""
    path = tmp_path / "patched.doc"
    path.write_bytes((DOCS / "work_report.doc").read_bytes())
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        stream[offset : offset + len(value)] = value
        ole.write_stream("WordDocument", bytes(stream))
    return path.read_bytes()


def test_an_encrypted_doc_says_so(tmp_path: Path) -> None:
    flags = struct.unpack_from("<H", (DOCS / "work_report.doc").read_bytes(), 0)  # (unused)
    assert flags
    body = word_document_patched(tmp_path, 0x0A, struct.pack("<H", 0x0100 | 0x0200))
    assert extract_document(body, "doc").error == "damaged DOC: encrypted: a password is needed " \
                                                  "to open it"


def test_a_doc_whose_piece_table_points_outside_its_stream_gives_an_error(tmp_path: Path) -> None:
    body = word_document_patched(tmp_path, 0x01A2, struct.pack("<I", 0x7FFFFFF0))
    doc = extract_document(body, "doc")
    assert doc.text == "" and doc.error == "damaged DOC: piece table outside the table stream"
