"""Stored bytes served back as downloads: a report's attachments and its pages' raw bodies.

What a site served is untrusted: an "attachment" may be an HTML page with scripts, a PDF may
carry JavaScript. So every download is sent so that no browser renders or runs it here:

- ``Content-Disposition: attachment`` (the browser saves it, never shows it in the page);
- a Content-Type from what the bytes *are* (the sniffed kind), never the type the site
  claimed, and ``application/octet-stream`` for anything that is not a known document kind;
- ``X-Content-Type-Options: nosniff`` (no guessing a type from the bytes) and a sandboxing
  ``Content-Security-Policy``, in case anything ever displays it anyway.
"""

from __future__ import annotations

import re
import zlib
from typing import Any
from urllib.parse import quote

from datasette import NotFound, Response

from ._access import ensure_visible, row_id

__all__ = ["CONTENT_TYPES", "attachment_view", "content_disposition", "download_response",
           "page_version_view", "safe_filename"]

#: The media type of each document kind the sniffer names (documents/_sniff.py). WPS has no
#: registered type (Kingsoft's own labels vary), so it is sent as plain bytes.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "ofd": "application/ofd",
}
OCTET_STREAM = "application/octet-stream"
_EXTENSIONS = {"pdf": "pdf", "docx": "docx", "doc": "doc", "xlsx": "xlsx", "xls": "xls",
               "wps": "wps", "ofd": "ofd", "html": "html"}
# Characters no file name should carry into a header or a file system: separators, quotes,
# controls (C0, DEL, C1) and the bidirectional overrides that disguise an extension.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\"\';:*?<>|\u202a-\u202e\u2066-\u2069]')
_MAX_NAME = 150


def safe_filename(name: str | None, fallback: str) -> str:
    """A file name fit for saving: the last path segment, unsafe characters replaced."""
    name = re.split(r"[/\\]", name or "")[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".")
    return name[-_MAX_NAME:] if name else fallback


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with the name in ASCII (``filename``) and in UTF-8 (``filename*``,
    RFC 6266 / RFC 8187), so that a Chinese file name survives the download."""
    ascii_name = filename if filename.isascii() else fallback
    value = f'attachment; filename="{ascii_name}"'
    if not filename.isascii():
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def download_response(body: bytes, filename: str, fallback: str, content_type: str) -> Response:
    """A response that makes the browser save ``body``, never render or run it."""
    return Response(body, content_type=content_type, headers={
        "content-disposition": content_disposition(filename, fallback),
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
        "cache-control": "private, max-age=3600",
    })


def _download(raw: bytes, what: str, filename: str, fallback: str,
              content_type: str) -> Response:
    try:
        body = zlib.decompress(raw)
    except zlib.error as exc:  # a damaged file: say so in one line, not with a traceback
        return Response.text(f"The stored bytes of {what} are damaged ({exc})", status=500)
    return download_response(body, filename, fallback, content_type)


async def _one_row(datasette: Any, request: Any, table: str, sql: str) -> tuple[str, dict]:
    database = request.url_vars["database"]
    db = await ensure_visible(datasette, request, database, table)
    number = row_id(request.url_vars["id"])
    rows = [] if number is None or not await db.table_exists(table) else (
        await db.execute(sql, [number])).rows
    if not rows:
        raise NotFound(f"No {table} row {request.url_vars['id'][:40]}")
    return f"{table} row {number}", dict(rows[0])


async def attachment_view(datasette: Any, request: Any) -> Response:
    """``/-/reportarchiver/attachment/<db>/<id>``: an attachment's bytes as archived."""
    what, row = await _one_row(
        datasette, request, "attachments",
        "SELECT id, url, filename, kind, raw FROM attachments WHERE id = ?")
    if row["raw"] is None:
        raise NotFound(f"{what} has no stored bytes (it could not be fetched)")
    kind = row["kind"] or ""
    fallback = f"attachment-{row['id']}.{_EXTENSIONS.get(kind, 'bin')}"
    filename = safe_filename(row["filename"] or row["url"], fallback)
    return _download(row["raw"], what, filename, fallback, CONTENT_TYPES.get(kind, OCTET_STREAM))


async def page_version_view(datasette: Any, request: Any) -> Response:
    """``/-/reportarchiver/page-version/<db>/<id>``: a page's body exactly as fetched (raw
    bytes, original encoding), as a file to save: an archived page's scripts never run here."""
    what, row = await _one_row(
        datasette, request, "page_versions",
        "SELECT id, url, first_fetched, raw FROM page_versions WHERE id = ?")
    if row["raw"] is None:
        raise NotFound(f"{what} has no stored bytes")
    fallback = f"page-version-{row['id']}.html"
    stem = safe_filename(row["url"].split("?")[0].rstrip("/"), "page")
    filename = f"{stem.removesuffix('.html').removesuffix('.htm')}-{row['id']}.html"
    return _download(row["raw"], what, filename, fallback, OCTET_STREAM)
