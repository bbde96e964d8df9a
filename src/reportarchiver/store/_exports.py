"""Read-only queries for getting data out: WARC export, JSONL/CSV/Markdown exports, and the
``list``, ``show`` and ``search`` commands.

Functions here take an :class:`Archive` and only read (the SQL stays in ``store/``). The
iterators stream: one row in memory at a time, read inside :func:`snapshot` so that a crawl
committing meanwhile cannot make an export disagree with itself.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

from .._urls import canonicalize, first_page_of
from ..errors import InvalidURL
from ..interchange._records import CapturedResponse, ReportSnapshot
from ..models import METADATA_FIELDS
from . import _search as search
from ._archive import Archive

#: The columns of a report in JSONL, CSV and Markdown exports, in this order.
REPORT_COLUMNS = ("id", "url", "site", *METADATA_FIELDS, "page_count", "char_count",
                  "complete", "incomplete_reason", "live_status", "gone_since", "first_seen",
                  "last_changed", "last_checked", "content_hash", "body_text",
                  "attachments_text")
#: The columns ``list`` shows.
LIST_COLUMNS = ("id", "url", "site", "title", "kind", "report_date", "year", "page_count",
                "char_count", "complete", "live_status", "last_changed")


@contextlib.contextmanager
def snapshot(archive: Archive) -> Iterator[None]:
    """Run the reads inside one read transaction: every query sees the same archive."""
    conn = archive._conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")  # deferred: takes no write lock, writes nothing
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _rows(conn: sqlite3.Connection, sql: str, args: Sequence[Any]) -> Iterator[dict[str, Any]]:
    cursor = conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def _where(clauses: list[str]) -> str:
    return f" WHERE {' AND '.join(clauses)}" if clauses else ""


# -- WARC ----------------------------------------------------------------------------------

#: A URL's site: that of the report its page belongs to, else of its queue entry.
_PAGE_OF_SITE = ("({url} IN (SELECT p.url FROM pages p JOIN reports r ON r.id = p.report_id "
                 "WHERE r.site = ?) OR {url} IN (SELECT url FROM frontier WHERE site = ?))")


def _pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in json.loads(text or "[]"))


def page_captures(archive: Archive, *, site: str | None = None,
                  since: str | None = None) -> Iterator[CapturedResponse]:
    """Every stored page version as the response it was (``since``: first fetched at or
    after this archive timestamp), then every distinct attachment body, oldest first.

    Headers are the list as received; rows from before that list was kept give their
    lower-cased header dict instead (and an empty reason: the writer uses the standard one).
    """
    clauses, args = [], []
    if site:
        clauses.append(_PAGE_OF_SITE.format(url="v.url"))
        args += [site, site]
    if since:
        clauses.append("v.first_fetched >= ?")
        args.append(since)
    sql = ("SELECT v.url, coalesce(v.first_fetched, v.last_fetched) AS fetched_at, v.status, "
           "v.reason, v.header_list, v.headers, v.request_headers, v.raw FROM page_versions v"
           f"{_where(clauses)} ORDER BY v.id")
    for row in _rows(archive._conn, sql, args):
        headers = _pairs(row["header_list"]) or tuple(json.loads(row["headers"] or "{}").items())
        yield CapturedResponse(row["url"], row["fetched_at"] or "", row["status"] or 200,
                               row["reason"] or "", headers, _body(row["raw"]),
                               _pairs(row["request_headers"]))
    yield from _attachment_captures(archive, site, since)


def _attachment_captures(archive: Archive, site: str | None,
                         since: str | None) -> Iterator[CapturedResponse]:
    clauses = ["a.raw IS NOT NULL",
               "a.id IN (SELECT min(id) FROM attachments GROUP BY url, sha256)"]
    args: list[Any] = []
    if site:
        clauses.append("a.report_id IN (SELECT id FROM reports WHERE site = ?)")
        args.append(site)
    if since:
        clauses.append("a.first_fetched >= ?")
        args.append(since)
    sql = ("SELECT a.url, coalesce(a.first_fetched, a.last_fetched) AS fetched_at, a.status, "
           f"a.headers, a.raw FROM attachments a{_where(clauses)} ORDER BY a.id")
    for row in _rows(archive._conn, sql, args):
        headers = tuple(json.loads(row["headers"] or "{}").items())
        yield CapturedResponse(row["url"], row["fetched_at"] or "", row["status"] or 200, "",
                               headers, _body(row["raw"]))


def _body(raw: bytes | None) -> bytes:
    return zlib.decompress(raw) if raw else b""


def report_snapshots(archive: Archive, *, site: str | None = None,
                     since: str | None = None) -> Iterator[ReportSnapshot]:
    """Every report version (``since``: captured at or after) with the report's metadata
    (the version's own title), its text and the URLs of the pages it was made from."""
    clauses, args = [], []
    if site:
        clauses.append("r.site = ?")
        args.append(site)
    if since:
        clauses.append("v.captured_at >= ?")
        args.append(since)
    fields = ", ".join(f"r.[{name}]" for name in METADATA_FIELDS if name != "title")
    sql = (f"SELECT r.id AS report_id, r.url, r.site, {fields}, r.complete, v.id AS version_id, "
           "v.captured_at, v.title, v.body_text, v.content_hash, v.page_versions, "
           "(SELECT max(id) FROM report_versions WHERE report_id = r.id) AS latest "
           f"FROM report_versions v JOIN reports r ON r.id = v.report_id{_where(clauses)} "
           "ORDER BY v.id")
    conn = archive._conn
    for row in _rows(conn, sql, args):
        page_urls = _version_pages(conn, row)
        meta = {"site": row["site"], **{name: row[name] for name in METADATA_FIELDS},
                "report_id": row["report_id"], "version_id": row["version_id"],
                "content_hash": row["content_hash"], "page_count": len(page_urls),
                "complete": bool(row["complete"]) if row["version_id"] == row["latest"]
                else None}
        yield ReportSnapshot(row["url"], row["captured_at"] or "", meta,
                             row["body_text"] or "", page_urls)


def _version_pages(conn: sqlite3.Connection, row: dict[str, Any]) -> tuple[str, ...]:
    ids = json.loads(row["page_versions"] or "[]")
    if ids:
        marks = ",".join("?" * len(ids))
        urls = dict(conn.execute(f"SELECT id, url FROM page_versions WHERE id IN ({marks})",
                                 ids).fetchall())
        return tuple(urls[i] for i in ids if i in urls)
    if row["version_id"] != row["latest"]:
        return ()  # an old version from before page versions were kept: not known
    return tuple(r[0] for r in conn.execute(
        "SELECT url FROM pages WHERE report_id = ? ORDER BY page_no", [row["report_id"]]))


# -- reports -------------------------------------------------------------------------------

def _report_filter(site: str | None, since: str | None,
                   query: str | None) -> tuple[list[str], list[Any]]:
    clauses, args = [], []
    if site:
        clauses.append("site = ?")
        args.append(site)
    if since:
        clauses.append("last_changed >= ?")
        args.append(since)
    if query is not None:
        clauses.append(f"id IN (SELECT rowid FROM {search.FTS_TABLE} "
                       f"WHERE {search.FTS_TABLE} MATCH ?)")
        args.append(search.fts_query(query))
    return clauses, args


def report_rows(archive: Archive, *, site: str | None = None, since: str | None = None,
                query: str | None = None,
                columns: Sequence[str] = REPORT_COLUMNS) -> Iterator[dict[str, Any]]:
    """Reports as plain dicts of ``columns``, by id. ``since``: changed at or after;
    ``query``: containing every word, as the search of :func:`search_reports` finds them."""
    clauses, args = _report_filter(site, since, query)
    names = ", ".join(f"[{c}]" for c in columns)
    sql = f"SELECT {names} FROM reports{_where(clauses)} ORDER BY id"
    yield from _rows(archive._conn, sql, args)


def find_report(archive: Archive, key: str) -> dict[str, Any] | None:
    """The report with id ``key``, or at URL ``key``: its first page's URL as stored, as
    canonicalized, or the URL of any of its pages (``4633_2.html``)."""
    conn = archive._conn
    if key.strip().isdigit():
        return next(_rows(conn, "SELECT * FROM reports WHERE id = ?", [int(key)]), None)
    urls = [key.strip()]
    with contextlib.suppress(InvalidURL):
        urls.append(canonicalize(key))
        first = first_page_of(urls[-1])
        if first:
            urls.append(first[0])
    for url in urls:
        found = next(_rows(conn, "SELECT * FROM reports WHERE url = ?", [url]), None) or next(
            _rows(conn, "SELECT r.* FROM pages p JOIN reports r ON r.id = p.report_id "
                        "WHERE p.url = ?", [url]), None)
        if found:
            return found
    return None


def report_details(archive: Archive, report_id: int) -> dict[str, list[dict[str, Any]]]:
    """The pages, versions and attachments of a report, for ``show``."""
    conn = archive._conn
    pages = list(_rows(conn, (
        "SELECT p.page_no, p.url, p.status, p.fetched_at, p.content_type, p.encoding, "
        "v.raw_size AS size, (SELECT count(*) FROM page_versions w WHERE w.url = p.url) "
        "AS bodies FROM pages p LEFT JOIN page_versions v ON v.id = p.version_id "
        "WHERE p.report_id = ? ORDER BY p.page_no"), [report_id]))
    versions = list(_rows(conn, (
        "SELECT id, captured_at, title, length(body_text) AS chars, content_hash, "
        "page_versions FROM report_versions WHERE report_id = ? ORDER BY id"), [report_id]))
    for version in versions:
        version["page_versions"] = json.loads(version["page_versions"] or "[]")
    attachments = list(_rows(conn, (
        "SELECT url, link_text, filename, kind, content_type, size, page_count, scanned, "
        "truncated, error, status, first_fetched, last_fetched, length(text) AS chars "
        "FROM attachments WHERE report_id = ? ORDER BY id"), [report_id]))
    return {"pages": pages, "versions": versions, "attachments": attachments}


def list_reports(archive: Archive, *, site: str | None = None) -> Iterator[dict[str, Any]]:
    """The reports' main columns (no text), by id."""
    return report_rows(archive, site=site, columns=LIST_COLUMNS)


def search_reports(archive: Archive, words: str, *, limit: int = 20,
                   site: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    """The reports containing every word (the Datasette search: exact substrings, Chinese
    included), best first by the same ranking as its canned query (title weighted 10x).
    Returns the number of matches and the first ``limit`` of them, text included."""
    match = search.fts_query(words)
    conn = archive._conn
    extra, args = ("AND r.site = ? ", [site]) if site else ("", [])
    total = conn.execute(
        f"SELECT count(*) FROM {search.FTS_TABLE} f JOIN reports r ON r.id = f.rowid "
        f"WHERE {search.FTS_TABLE} MATCH ? {extra}", [match, *args]).fetchone()[0]
    rows = list(_rows(conn, (
        f"SELECT r.id, r.url, r.site, r.title, r.kind, r.report_date, r.year, r.province, "
        f"r.city, r.county, r.page_count, r.body_text, r.attachments_text, "
        f"round(-bm25({search.FTS_TABLE}, 10.0, 1.0), 2) AS relevance "
        f"FROM {search.FTS_TABLE} JOIN reports r ON r.id = {search.FTS_TABLE}.rowid "
        f"WHERE {search.FTS_TABLE} MATCH ? {extra}"
        f"ORDER BY bm25({search.FTS_TABLE}, 10.0, 1.0), r.id LIMIT ?"),
        [match, *args, limit]))
    return int(total), rows
