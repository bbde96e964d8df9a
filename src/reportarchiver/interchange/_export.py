"""Stream report rows (plain dicts) out as JSON Lines or CSV.

Rows are written as they come: one row in memory at a time. ``out`` is a path, a binary
stream (written as UTF-8) or a text stream (written through its own encoding).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

Row = Mapping[str, Any]
Output = IO[str] | IO[bytes] | str | os.PathLike[str]

#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def text_output(out: Output) -> Iterator[IO[str]]:
    """``out`` as a text stream, UTF-8 unless it is a text stream already; never closes a
    stream it was given. A path is written whole or not at all (via a ``.part`` file)."""
    if isinstance(out, str | os.PathLike):
        path = Path(out)
        part = path.with_name(path.name + ".part")
        try:
            with part.open("w", encoding="utf-8", newline="") as stream:
                yield stream
            part.replace(path)
        finally:
            part.unlink(missing_ok=True)
    elif isinstance(out, io.TextIOBase) or hasattr(out, "encoding"):
        yield out  # type: ignore[misc]
        out.flush()
    else:
        wrapper = io.TextIOWrapper(out, encoding="utf-8", newline="")  # type: ignore[arg-type]
        try:
            yield wrapper
            wrapper.flush()
        finally:
            wrapper.detach()  # leave the caller's stream open


def write_jsonl(out: Output, rows: Iterable[Row]) -> int:
    """Write one JSON object per line (UTF-8, Chinese as is, keys in row order); return the
    number of rows. Values JSON cannot hold (dates, ...) are written as strings."""
    count = 0
    with text_output(out) as stream:
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False, default=str))
            stream.write("\n")
            count += 1
    return count


def _cell(value: Any, guard: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if guard and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(out: Output, rows: Iterable[Row], *, columns: Sequence[str] | None = None,
              bom: bool = True, guard_formulas: bool = True) -> int:
    """Write rows as CSV (RFC 4180: comma, double quotes, CRLF); return the number of rows.

    ``columns`` default to the first row's keys; a later row with a key outside them raises
    ``ValueError`` (nothing is dropped silently), a missing key is an empty cell. Lists and
    dicts are written as JSON, None as an empty cell.

    ``bom``: a UTF-8 byte order mark first. Excel opens a CSV without one in the system's
    legacy code page (GBK on Chinese Windows), turning UTF-8 Chinese into mojibake; with it,
    Excel, LibreOffice, pandas (``encoding="utf-8-sig"``) and Python's csv module all read
    the text right. Pass ``bom=False`` for tools that keep the mark as part of the first
    column name.

    ``guard_formulas``: a text cell starting with ``= + - @``, tab or CR gets a leading
    apostrophe, so that a title written by a hostile page cannot run as a spreadsheet
    formula when the file is opened (OWASP's advice for CSV injection).
    """
    count = 0
    with text_output(out) as stream:
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            if writer is None:
                names = list(columns) if columns is not None else list(row)
                if bom:
                    stream.write("\ufeff")
                writer = csv.DictWriter(stream, fieldnames=names, lineterminator="\r\n")
                writer.writeheader()
            extra = [key for key in row if key not in writer.fieldnames]
            if extra:
                where = row.get("url") or f"row {count + 1}"
                raise ValueError(f"{where}: {extra[0]!r} is not one of the CSV columns")
            writer.writerow({key: _cell(value, guard_formulas) for key, value in row.items()})
            count += 1
        if writer is None and columns is not None:
            if bom:
                stream.write("\ufeff")
            csv.writer(stream, lineterminator="\r\n").writerow(columns)
    return count
