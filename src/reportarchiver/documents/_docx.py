"""DOCX text through python-docx: body paragraphs and tables in document order.

A table is one paragraph of rows, its cells separated by a TAB; a merged cell counts once.
Content controls (``w:sdt``, used by many templates for the title block) are read through.
Headers, footers, comments and text boxes are left out: they repeat or annotate, they are not
the report.  The title is the document's ``dc:title`` property when it is a real title, else
its first lines.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ._model import DocumentText, LimitExceeded, Limits
from ._text import TextBuilder, first_lines_title, normalize, normalize_row, property_title
from ._zipcheck import ZipProblem, repack

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")


def extract_docx(body: bytes, limits: Limits) -> DocumentText:
    """The text of a DOCX file."""
    try:
        package = repack(body, limits.max_expanded)
    except (ZipProblem, LimitExceeded) as exc:
        return DocumentText("docx", error=f"DOCX: {exc}")
    try:
        document = docx.Document(io.BytesIO(package))
    except Exception as exc:  # not a WordprocessingML package, or its XML is broken
        return DocumentText("docx", error=f"not a readable DOCX ({type(exc).__name__}: "
                                          f"{' '.join(str(exc).split())[:160]})")
    builder = TextBuilder(limits)
    error = ""
    try:
        for block in _blocks(document.element.body, document._body):
            builder.add(block)
    except LimitExceeded as exc:
        error = str(exc)
    text = builder.text
    if not text and not error:
        error = "no text in DOCX"
    title = property_title(_core_title(document)) or first_lines_title(text)
    return DocumentText("docx", text, 0, False, title, error, builder.truncated)


def _core_title(document: docx.document.Document) -> str:
    try:
        return document.core_properties.title or ""
    except Exception:  # a malformed docProps/core.xml
        return ""


def _blocks(element, parent) -> Iterator[str]:
    """Paragraph texts and table texts under ``element``, in document order."""
    for child in element.iterchildren():
        if child.tag == _P:
            yield normalize(Paragraph(child, parent).text)
        elif child.tag == _TBL:
            yield _table(Table(child, parent))
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _blocks(content, parent)


def _table(table: Table) -> str:
    rows = []
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is repeated once per grid column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text)
        line = normalize_row(cells)
        if line:
            rows.append(line)
    return "\n".join(rows)
