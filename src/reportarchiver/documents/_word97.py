"""Text of Word 97-2003 (.doc) files and of Kingsoft .wps files saved in the same format.

No maintained pure-Python library reads .doc text (the usual tools, antiword and catdoc, are
C programs), so this reads the one structure that holds it, as the published format
specification ([MS-DOC]) lays it out: olefile (maintained) opens the OLE2 container; the File
Information Block in the ``WordDocument`` stream gives the main text's length (``ccpText``) and
where the piece table (``Clx``) sits in the ``0Table``/``1Table`` stream; each piece maps a run
of characters to bytes of ``WordDocument``, either UTF-16LE or "compressed" 8-bit (cp1252).
Every offset is checked against its stream: a damaged file gives an error, never a crash.

Control characters in the text: ``\\r`` ends a paragraph, ``\\x07`` ends a table cell and
a row (two in a row), ``\\x0b`` is a line break, ``\\x0c`` a page break, ``\\x13 code \\x14
result \\x15`` a field (the code is dropped, the result kept), ``\\x01``/``\\x08`` mark pictures
and drawings.  Cells whose row ends cannot be told apart from empty cells without the
paragraph properties are joined into one row: an empty cell may end a row early.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator

import olefile

from ._model import DocumentText, LimitExceeded, Limits
from ._text import TextBuilder, first_lines_title, normalize, normalize_row, property_title

WORD_MAGIC = 0xA5EC
FC_CLX = 0x01A2  # offset of fcClx/lcbClx in the FIB (FibRgFcLcb97, entry 33)
MIN_FIB = FC_CLX + 8
_FIELD = re.compile("\x13[^\x13\x14\x15]*(?:\x14([^\x13\x14\x15]*))?\x15")
_DROPPED = re.compile("[\x00-\x06\x08\x0e-\x1f]")


class _Broken(Exception):
    """The Word structures are inconsistent; the message says which one."""


def extract_word97(body: bytes, limits: Limits, kind: str = "doc") -> DocumentText:
    """The text of a Word 97-2003 binary document (``kind`` "doc" or "wps")."""
    name = kind.upper()
    try:
        ole = olefile.OleFileIO(body)
    except Exception as exc:
        return DocumentText(kind, error=f"not a readable {name} (OLE2 container: {exc})")
    with ole:
        if not ole.exists("WordDocument"):
            return DocumentText(kind, error=f"no text extractor for {name} in this format "
                                            f"(no WordDocument stream)")
        try:
            raw = _main_text(ole, limits)
        except _Broken as exc:
            return DocumentText(kind, error=f"damaged {name}: {exc}")
        title = property_title(_summary_title(ole))
    builder = TextBuilder(limits)
    error = ""
    try:
        for block in _blocks(raw):
            builder.add(block)
    except LimitExceeded as exc:
        error = str(exc)
    text = builder.text
    if not text and not error:
        error = f"no text in {name}"
    return DocumentText(kind, text, 0, False, title or first_lines_title(text), error,
                        builder.truncated)


def _summary_title(ole: olefile.OleFileIO) -> str:
    try:
        meta = ole.get_metadata()
        value = meta.title or b""
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)
    except Exception:
        return ""


def _main_text(ole: olefile.OleFileIO, limits: Limits) -> str:
    word = _stream(ole, "WordDocument", limits)
    if len(word) < MIN_FIB:
        raise _Broken("WordDocument stream shorter than its header")
    ident, _nfib = struct.unpack_from("<HH", word, 0)
    if ident != WORD_MAGIC:
        raise _Broken(f"WordDocument header {ident:#06x} is not Word's")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & 0x0100:
        raise _Broken("encrypted: a password is needed to open it")
    table_name = "1Table" if flags & 0x0200 else "0Table"
    ccp_text = struct.unpack_from("<i", word, 0x4C)[0]
    fc_clx, lcb_clx = struct.unpack_from("<II", word, FC_CLX)
    if not ole.exists(table_name):
        raise _Broken(f"no {table_name} stream")
    table = _stream(ole, table_name, limits)
    if ccp_text <= 0 or fc_clx + lcb_clx > len(table) or lcb_clx == 0:
        raise _Broken("piece table outside the table stream")
    pieces = _pieces(table[fc_clx : fc_clx + lcb_clx])
    return _text_of(word, pieces, min(ccp_text, limits.max_chars))


def _stream(ole: olefile.OleFileIO, name: str, limits: Limits) -> bytes:
    size = ole.get_size(name)
    if size > limits.max_bytes:
        raise _Broken(f"{name} stream of {size:,} bytes is over the byte limit")
    return ole.openstream(name).read()


def _pieces(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """(first CP, last CP, file offset, compressed) of each piece of the piece table."""
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        if pos + 3 > len(clx):
            raise _Broken("truncated Clx")
        pos += 3 + struct.unpack_from("<h", clx, pos + 1)[0]
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise _Broken("no piece table in Clx")
    size = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5 : pos + 5 + size]
    if size < 16 or len(plc) < size or (size - 4) % 12:
        raise _Broken("piece table of impossible size")
    count = (size - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    pieces = []
    for i in range(count):
        fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * i + 2)[0]
        compressed = bool(fc & 0x40000000)
        offset = (fc & 0x3FFFFFFF) // 2 if compressed else fc & 0x3FFFFFFF
        pieces.append((cps[i], cps[i + 1], offset, compressed))
    return pieces


def _text_of(word: bytes, pieces: list[tuple[int, int, int, bool]], ccp_text: int) -> str:
    parts = []
    for first, last, offset, compressed in pieces:
        if first >= ccp_text:
            break
        count = min(last, ccp_text) - first
        if count <= 0:
            continue
        width = 1 if compressed else 2
        data = word[offset : offset + count * width]
        if len(data) < count * width:
            raise _Broken("a piece of text lies outside the WordDocument stream")
        parts.append(data.decode("cp1252", "replace") if compressed
                     else data.decode("utf-16-le", "replace"))
    return "".join(parts)


def _blocks(raw: str) -> Iterator[str]:
    """Paragraphs and table rows of the raw main text."""
    text = _FIELD.sub(lambda m: m.group(1) or "", raw)
    text = _DROPPED.sub("", text.replace("\x0b", "\n").replace("\x0c", "\r"))
    cells: list[str] = []  # cells of the row being read
    in_cell: list[str] = []  # paragraphs of the cell being read, before its cell mark
    rows: list[str] = []
    pos = 0
    for mark in re.finditer("[\r\x07]", text):
        chunk, pos = text[pos : mark.start()], mark.end()
        if mark.group() == "\x07":
            if not chunk and not in_cell and cells:  # a mark right after a cell: row end
                rows.append(normalize_row(cells))
                cells = []
            else:
                cells.append(" ".join([*in_cell, chunk]))
                in_cell = []
        elif cells:
            in_cell.append(chunk)  # a cell of several paragraphs
        else:
            if rows:
                yield "\n".join(row for row in rows if row)
                rows = []
            yield from (normalize(line) for line in chunk.split("\n"))
    if cells or in_cell:
        rows.append(normalize_row(cells + in_cell))
    if rows:
        yield "\n".join(row for row in rows if row)
    yield from (normalize(line) for line in text[pos:].split("\n"))
