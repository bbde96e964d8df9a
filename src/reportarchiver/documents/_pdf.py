"""PDF text through PDFium (pypdfium2): lines rebuilt into paragraphs and table rows.

PDFium gives each character's box and marks the spaces and line breaks it generated itself.
From those boxes: a generated space wider than two character heights separates table cells
(a TAB), a narrow one between Chinese and Latin characters is layout spacing and goes; a line
that stops short of the page's text margin, or a next line that is indented or set off by a
wider gap, ends a paragraph; lines with cells make one table paragraph.  Lines that are only a
page number ("- 3 -", "第3页 共12页") are dropped.

A page without characters is an image page: a PDF of only such pages is ``scanned``.  PDFium
is not thread-safe: call this from one thread per process (the crawl's clean workers are
processes).
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ._model import DocumentText, LimitExceeded, Limits
from ._pdfcheck import check_streams
from ._text import (
    TextBuilder,
    first_lines_title,
    is_cjk,
    join_lines,
    normalize,
    private_use_share,
    property_title,
)

CELL_GAP = 2.0  # a gap wider than this many character heights separates table cells
CJK_SPACE = 0.6  # a generated space narrower than this between CJK and Latin is layout
INDENT = 1.0  # a line starting this many character heights right of the margin is indented
PARAGRAPH_GAP = 1.4  # a vertical gap this many times the usual line pitch separates paragraphs
# A line ending this far (in character heights) before the text margin ends its paragraph:
# two characters of slack, since line-break rules for CJK punctuation leave ragged right edges.
SHORT_LINE = 2.5
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–\s]*\d{1,4}[-—–\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|page\s+\d+(?:\s+of\s+\d+)?)$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Line:
    pieces: list[tuple[str, str, float]]  # (separator before it, text, left edge)
    left: float
    right: float
    bottom: float
    size: float  # median character height
    page: int = 0
    text: str = ""

    def __post_init__(self) -> None:
        self.text = _joined(self.pieces)

    @property
    def is_row(self) -> bool:
        return "\t" in self.text


def _joined(pieces: list[tuple[str, str, float]]) -> str:
    text = "".join(sep + piece for sep, piece, _ in pieces)
    return "\t".join(normalize(cell) for cell in text.split("\t")).strip("\t")


def extract_pdf(body: bytes, limits: Limits) -> DocumentText:
    """The text of a PDF file; never raises for a bad file (the caller catches the rest)."""
    try:
        check_streams(body, limits.max_expanded, limits.max_bytes)
    except LimitExceeded as exc:
        return DocumentText("pdf", error=str(exc))
    try:
        document = pdfium.PdfDocument(body)
    except pdfium.PdfiumError as exc:
        return DocumentText("pdf", error=_open_error(exc))
    try:
        return _read(document, limits)
    finally:
        document.close()


def _open_error(exc: Exception) -> str:
    message = str(exc)
    if "password" in message.lower():
        return "encrypted PDF: a password is needed to open it"
    return f"not a readable PDF ({message.rstrip('.')})"


def _read(document: pdfium.PdfDocument, limits: Limits) -> DocumentText:
    page_count = len(document)
    builder = TextBuilder(limits)
    pages_with_text = image_pages = 0
    error = ""
    paragraph: list[_Line] = []
    try:
        for index in range(min(page_count, limits.max_pages)):
            builder.check_time()
            lines, images = _page_lines(document, index)
            for line in lines:
                line.page = index
            if lines:
                pages_with_text += 1
            elif images:
                image_pages += 1
            paragraph = _paragraphs(lines, paragraph, builder)
        builder.add(_render(paragraph))
        paragraph = []
        if page_count > limits.max_pages:
            builder.truncated = True
            error = f"read the first {limits.max_pages:,} of {page_count:,} pages"
    except LimitExceeded as exc:
        error = str(exc)
    text = builder.text
    scanned = page_count > 0 and pages_with_text == 0 and image_pages > 0
    if not text and not error:
        if scanned:
            error = f"scanned PDF: {page_count} page(s) of images without a text layer"
        else:
            error = "no text in PDF" if page_count else "PDF has no pages"
    elif private_use_share(text) > 0.5:
        error = "PDF text is unreadable: its fonts map no glyph to a character"
        text = ""
    title = property_title(_metadata_title(document)) or first_lines_title(text)
    return DocumentText("pdf", text, page_count, scanned, title, error, builder.truncated)


def _metadata_title(document: pdfium.PdfDocument) -> str:
    try:
        return document.get_metadata_value("Title") or ""
    except Exception:  # a damaged Info dictionary
        return ""


def _page_lines(document: pdfium.PdfDocument, index: int) -> tuple[list[_Line], bool]:
    """The page's text lines (page numbers dropped) and whether it holds images."""
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            lines = [line for line in _lines(textpage) if not _PAGE_NUMBER.match(line.text)]
        finally:
            textpage.close()
        images = not lines and _has_images(page)
    finally:
        page.close()
    return lines, images


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3))


def _lines(textpage: pdfium.PdfTextPage) -> list[_Line]:
    count = textpage.count_chars()
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters outside the BMP: boxes no longer line up with text
        return [_Line([("", t, 0.0)], 0.0, 0.0, 0.0, 0.0) for t in text.splitlines() if t.strip()]
    lines: list[_Line] = []
    chars: list[tuple[str, float, float, float, float, bool]] = []
    # The raw calls with reused out-parameters: get_charbox() allocates four doubles a call,
    # which was a quarter of the extraction time.
    handle, is_generated, char_box = textpage.raw, pdfium_c.FPDFText_IsGenerated, \
        pdfium_c.FPDFText_GetCharBox
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), \
        ctypes.c_double()
    box = (ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
    for i, char in enumerate(text):
        generated = is_generated(handle, i) == 1
        if char in "\r\n" and generated:
            if char == "\n" or not chars:
                _close_line(chars, lines)
                chars = []
            continue
        char_box(handle, i, *box)
        chars.append((char, left.value, right.value, bottom.value, top.value, generated))
    _close_line(chars, lines)
    return lines


def _close_line(chars: list[tuple[str, float, float, float, float, bool]],
                lines: list[_Line]) -> None:
    real = [c for c in chars if not c[5] and not c[0].isspace()]
    if not real:
        return
    size = statistics.median(c[4] - c[3] for c in real) or 1.0
    pieces: list[tuple[str, str, float]] = []
    separator, piece, piece_left = "", [], 0.0
    for i, (char, left, _right, _bottom, _top, generated) in enumerate(chars):
        if generated and char == " ":
            pieces.append((separator, "".join(piece), piece_left))
            separator, piece = _space(chars, i, size), []
            continue
        if not piece:
            piece_left = left
        piece.append(char)
    pieces.append((separator, "".join(piece), piece_left))
    line = _Line(pieces, min(c[1] for c in real), max(c[2] for c in real),
                 min(c[3] for c in real), size)
    if line.text:
        lines.append(line)


def _space(chars: list[tuple[str, float, float, float, float, bool]], i: int, size: float) -> str:
    """What a space PDFium inserted stands for: a cell boundary, nothing, or a space."""
    before = next((c for c in reversed(chars[:i]) if not c[5]), None)
    after = next((c for c in chars[i + 1 :] if not c[5]), None)
    if before is None or after is None:
        return " "
    gap = after[1] - before[2]
    if gap > CELL_GAP * size:
        return "\t"
    if gap < CJK_SPACE * size and (is_cjk(before[0]) or is_cjk(after[0])):
        return ""
    return " "


def _paragraphs(lines: list[_Line], open_paragraph: list[_Line],
                builder: TextBuilder) -> list[_Line]:
    """Add the page's finished paragraphs; return the one still open at the page's end."""
    if not lines:
        return open_paragraph
    prose = [line for line in lines if not line.is_row] or lines
    margin_left = min(line.left for line in prose)
    margin_right = max(line.right for line in prose)
    pitches = [a.bottom - b.bottom for a, b in itertools.pairwise(lines)
               if 0 < a.bottom - b.bottom < 4 * a.size]
    pitch = statistics.median(pitches) if pitches else 0.0
    current = open_paragraph
    for line in lines:
        if current and _breaks(current[-1], line, margin_left, margin_right, pitch):
            builder.add(_render(current))
            current = []
        current.append(line)
    return current


def _breaks(previous: _Line, line: _Line, margin_left: float, margin_right: float,
            pitch: float) -> bool:
    if previous.is_row or line.is_row:
        return previous.is_row != line.is_row
    room = margin_right - previous.right
    if room > SHORT_LINE * previous.size and room > _lead_width(line):
        return True  # the line stopped short though the next line's first word would fit
    if line.left > margin_left + INDENT * line.size:
        return True
    if previous.page != line.page:
        return False  # a paragraph running on over the page break
    gap = previous.bottom - line.bottom
    return bool(pitch) and (gap > PARAGRAPH_GAP * pitch or gap < 0)


_LEAD = re.compile(r"^.[^\u3400-\u4dbf\u4e00-\u9fff]*")


def _lead_width(line: _Line) -> float:
    """About how wide the line's first unbreakable unit is: its first character and what
    follows up to the next ideograph ("前、", "个,148", "PM2.5"), the way CJK line breaking
    moves them together to the next line."""
    lead = _LEAD.match(line.text)
    if not lead:
        return 0.0
    # advances relative to the median glyph box height: a CJK glyph's box is about 0.9 em
    return sum((1.1 if is_cjk(c) else 0.6) * line.size for c in lead.group())


def _render(lines: list[_Line]) -> str:
    if not lines:
        return ""
    if lines[0].is_row:
        return _table(lines)
    text = ""
    for line in lines:
        text = join_lines(text, line.text)
    return text


def _table(rows: list[_Line]) -> str:
    """A table's rows; a cell set so close to the next that no gap shows is still a cell
    when it starts where other rows have a cell ("空气质量优良达标天数比率 %" -> two cells)."""
    starts = [left for row in rows for sep, _, left in row.pieces if sep == "\t"]
    out = []
    for row in rows:
        tolerance = 0.5 * row.size
        pieces = [
            ("\t" if sep == " " and any(abs(left - s) <= tolerance for s in starts) else sep,
             text, left)
            for sep, text, left in row.pieces
        ]
        out.append(_joined(pieces))
    return "\n".join(out)
