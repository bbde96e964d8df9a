"""The Word 97 reader's own structures: piece table, 8-bit and UTF-16 pieces, marks."""

from __future__ import annotations

import struct

import pytest

from reportarchiver.documents._word97 import _blocks, _Broken, _pieces, _text_of


def clx(*pieces: tuple[int, int, int, bool], prc: bytes = b"") -> bytes:
    """A Clx holding ``prc`` (property modifiers) and a piece table of (first CP, last CP,
    byte offset, compressed) pieces, as [MS-DOC] 2.9.38 lays it out."""
    cps = [p[0] for p in pieces] + [pieces[-1][1]]
    pcds = b"".join(
        struct.pack("<HIH", 0, (offset * 2) | 0x40000000 if compressed else offset, 0)
        for _, _, offset, compressed in pieces
    )
    plc = struct.pack(f"<{len(cps)}I", *cps) + pcds
    return prc + b"\x02" + struct.pack("<I", len(plc)) + plc


def test_pieces_map_character_runs_to_byte_offsets_compressed_or_not() -> None:
    table = clx((0, 5, 100, True), (5, 9, 200, False))
    assert _pieces(table) == [(0, 5, 100, True), (5, 9, 200, False)]


def test_property_modifiers_before_the_piece_table_are_skipped() -> None:
    prc = b"\x01" + struct.pack("<h", 3) + b"abc"
    assert _pieces(clx((0, 2, 0, True), prc=prc)) == [(0, 2, 0, True)]


def test_an_8bit_piece_reads_as_cp1252_and_a_16bit_piece_as_utf16() -> None:
    word = b"Caf\xe9 " + "报告\r".encode("utf-16-le")
    pieces = [(0, 5, 0, True), (5, 8, 5, False)]
    assert _text_of(word, pieces, 8) == "Café 报告\r"


def test_text_stops_at_the_main_documents_length() -> None:
    word = "正文\r脚注".encode("utf-16-le")
    assert _text_of(word, [(0, 5, 0, False)], 3) == "正文\r"


@pytest.mark.parametrize("table", [b"", b"\x02\x00", clx((0, 2, 0, True))[:-3],
                                   b"\x01\xff\x7f"])
def test_a_broken_piece_table_raises_the_readers_own_error(table: bytes) -> None:
    with pytest.raises(_Broken):
        _pieces(table)


def test_a_piece_outside_the_stream_raises_the_readers_own_error() -> None:
    with pytest.raises(_Broken):
        _text_of(b"abc", [(0, 10, 0, True)], 10)


def test_field_codes_are_dropped_and_their_results_kept() -> None:
    raw = "见\x13 HYPERLINK \"http://a.test\" \x14附件1\x15。\r\x13 PAGE \x15\r"
    assert list(filter(None, _blocks(raw))) == ["见附件1。"]


def test_cells_become_tab_separated_rows_and_the_table_one_paragraph() -> None:
    raw = "表1\r项目\x07金额\x07\x07税收\x07412300\x07\x07说明\r"
    assert list(filter(None, _blocks(raw))) == ["表1", "项目\t金额\n税收\t412300", "说明"]


def test_line_breaks_page_breaks_and_picture_marks_are_whitespace_or_nothing() -> None:
    raw = "第一行\x0b第二行\x0c第二页\x01\r"
    assert list(filter(None, _blocks(raw))) == ["第一行", "第二行", "第二页"]
