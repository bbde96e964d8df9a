"""Workbook text: XLSX through openpyxl (read-only, cached values), XLS through xlrd.

Each sheet gives its name (unless it is a default name like "Sheet1") and then its rows as one
table paragraph, cells separated by a TAB, trailing empty cells and empty rows dropped.
Numbers read as they were typed: 77.0 -> "77", 1.23 stays "1.23"; dates as ISO dates.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator

from ._model import DocumentText, LimitExceeded, Limits
from ._text import TextBuilder, first_lines_title, normalize, normalize_row, property_title
from ._zipcheck import ZipProblem, repack

_DEFAULT_SHEET = re.compile(r"^(?:sheet|工作表|表)\s*\d*$", re.IGNORECASE)
ROWS_PER_TIME_CHECK = 500


def extract_xlsx(body: bytes, limits: Limits) -> DocumentText:
    """The text of an XLSX workbook."""
    import openpyxl

    try:
        package = repack(body, limits.max_expanded)
    except (ZipProblem, LimitExceeded) as exc:
        return DocumentText("xlsx", error=f"XLSX: {exc}")
    try:
        # read_only streams each sheet's XML; data_only gives the values Excel last computed
        workbook = openpyxl.load_workbook(io.BytesIO(package), read_only=True, data_only=True)
    except Exception as exc:
        return DocumentText("xlsx", error=f"not a readable XLSX ({_brief(exc)})")
    try:
        sheets = [(ws.title, ws.iter_rows(values_only=True)) for ws in workbook.worksheets]
        title = property_title(_xlsx_title(workbook))
        return _workbook("xlsx", sheets, title, limits)
    finally:
        workbook.close()


def _xlsx_title(workbook) -> str:
    try:
        return workbook.properties.title or ""
    except Exception:
        return ""


def extract_xls(body: bytes, limits: Limits) -> DocumentText:
    """The text of an Excel 97-2003 (BIFF) workbook, WPS Spreadsheets' .et included."""
    import xlrd

    try:
        # on_demand: a sheet is parsed only when asked for; logfile: xlrd prints warnings
        book = xlrd.open_workbook(file_contents=body, on_demand=True, logfile=io.StringIO())
    except Exception as exc:
        message = _brief(exc)
        if "encrypt" in message.lower() or "password" in message.lower():
            return DocumentText("xls", error="encrypted XLS: a password is needed to open it")
        return DocumentText("xls", error=f"not a readable XLS ({message})")
    try:
        sheets = ((name, _xls_rows(book, index, xlrd))
                  for index, name in enumerate(book.sheet_names()))
        return _workbook("xls", sheets, "", limits)
    finally:
        book.release_resources()


def _xls_rows(book, index: int, xlrd) -> Iterator[tuple[object, ...]]:
    sheet = book.sheet_by_index(index)
    for r in range(sheet.nrows):
        row = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                except Exception:  # a date number outside Excel's calendar
                    row.append(cell.value)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                row.append(None)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                row.append(bool(cell.value))
            else:
                row.append(cell.value)
        yield tuple(row)


def _workbook(kind: str, sheets: Iterable[tuple[str, Iterable[tuple[object, ...]]]],
              title: str, limits: Limits) -> DocumentText:
    builder = TextBuilder(limits)
    error = ""
    count = 0
    try:
        for name, rows in sheets:
            count += 1
            if count > limits.max_pages:
                builder.truncated = True
                error = f"read the first {limits.max_pages:,} sheets"
                break
            table = _table(rows, builder)
            if table:
                if not _DEFAULT_SHEET.match(name.strip()):
                    builder.add(normalize(name))
                builder.add(table)
    except LimitExceeded as exc:
        error = str(exc)
    text = builder.text
    if not text and not error:
        error = f"no text in {kind.upper()}"
    return DocumentText(kind, text, count, False, title or first_lines_title(_skip_name(text)),
                        error, builder.truncated)


def _skip_name(text: str) -> str:
    """The text from the first table on: a sheet name is no title."""
    blocks = text.split("\n\n")
    for i, block in enumerate(blocks):
        if "\t" in block or "\n" in block:
            return "\n\n".join(blocks[i:])
    return text


def _table(rows: Iterable[tuple[object, ...]], builder: TextBuilder) -> str:
    lines = []
    size = 0
    for count, row in enumerate(rows, 1):
        line = normalize_row(_cell(value) for value in row)
        if line:
            lines.append(line)
            size += len(line) + 1
            if size > builder.room:
                builder.add("\n".join(lines))  # raises: the text is full
        if count % ROWS_PER_TIME_CHECK == 0:
            builder.check_time()
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"  # 0.1 + 0.2 reads "0.3", as Excel shows it
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _brief(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
