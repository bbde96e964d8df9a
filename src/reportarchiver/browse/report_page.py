"""Data for the report page (``row.html``) and the version diff page."""

from __future__ import annotations

import itertools
import json
from typing import Any

from datasette import NotFound, Response
from markupsafe import Markup

from ._access import (
    ATTACHMENT_PATH,
    DIFF_PATH,
    PAGE_VERSION_PATH,
    ensure_visible,
    row_id,
    rows,
)
from .diff import diff_blocks
from .sanitize import paragraphs_html, sanitize_html

#: How many characters of an attachment's extracted text the report page shows.
EXCERPT_CHARS = 200


def _body_markup(row: dict[str, Any]) -> Markup:
    # Markup is safe here only because sanitize_html/paragraphs_html re-serialize from a
    # whitelist and escape every text node.
    return Markup(sanitize_html(row.get("body_html")) or paragraphs_html(row.get("body_text")))


def _page_version_ids(value: str | None) -> list[int]:
    """The page versions a report version names (a JSON list; anything else names none)."""
    try:
        ids = json.loads(value or "[]")
    except ValueError:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


async def _versions(db: Any, report_id: int) -> list[dict[str, Any]]:
    if not await db.table_exists("report_versions"):
        return []
    columns = await db.table_columns("report_versions")
    used = "page_versions" if "page_versions" in columns else "NULL AS page_versions"
    return await rows(db, "SELECT id, captured_at, content_hash, title, length(body_text) AS "
                      f"chars, {used} FROM report_versions WHERE report_id = ? "
                      "ORDER BY captured_at, id", [report_id])


async def _pages(db: Any, report_id: int) -> list[dict[str, Any]]:
    if not await db.table_exists("pages"):
        return []
    return await rows(db, "SELECT id, url, page_no, status, fetched_at FROM pages"
                      " WHERE report_id = ? ORDER BY page_no, id", [report_id])


async def _page_versions(datasette: Any, db: Any, database: str, report_id: int,
                         versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every stored body of the report's pages, oldest first per page, each with the report
    versions made from it (none: a body the site served that was kept apart)."""
    if not await db.table_exists("page_versions"):
        return []
    used_by: dict[int, list[dict[str, Any]]] = {}
    for version in versions:
        for version_id in _page_version_ids(version.get("page_versions")):
            used_by.setdefault(version_id, []).append(version)
    found = await rows(db, """
        SELECT v.id, v.url, v.first_fetched, v.last_fetched, v.status, v.raw_size,
               p.page_no, p.version_id = v.id AS latest
        FROM page_versions v LEFT JOIN pages p ON p.url = v.url
        WHERE v.url IN (SELECT url FROM pages WHERE report_id = :report)
           OR v.id IN (SELECT value FROM json_each(:used))
        ORDER BY p.page_no IS NULL, p.page_no, v.url, v.first_fetched, v.id""",
        {"report": report_id, "used": json.dumps(sorted(used_by))})
    for found_version in found:
        found_version["used_by"] = used_by.get(found_version["id"], [])
        found_version["download_url"] = datasette.urls.path(
            PAGE_VERSION_PATH.format(database=database, id=found_version["id"]))
    return found


async def _attachments(datasette: Any, db: Any, database: str,
                       report_id: int) -> list[dict[str, Any]]:
    """The report's attachments, newest body of each URL first, with an excerpt of their text
    and a download link."""
    if not await db.table_exists("attachments"):
        return []
    found = await rows(db, f"""
        SELECT id, url, link_text, filename, kind, size, page_count, scanned, truncated, error,
               first_fetched, last_fetched, status, raw IS NOT NULL AS stored,
               substr(text, 1, {EXCERPT_CHARS}) AS excerpt, length(text) AS text_chars
        FROM attachments WHERE report_id = ?
        ORDER BY url, last_fetched DESC, id DESC""", [report_id])
    for previous, attachment in itertools.pairwise([None, *found]):
        # one line: the excerpt says what the file holds, the download gives its layout
        attachment["excerpt"] = " ".join((attachment["excerpt"] or "").split())
        attachment["more_text"] = (attachment["text_chars"] or 0) > EXCERPT_CHARS
        attachment["earlier"] = previous is not None and previous["url"] == attachment["url"]
        attachment["name"] = attachment["filename"] or attachment["link_text"] or (
            attachment["url"].rstrip("/").rsplit("/", 1)[-1])
        attachment["download_url"] = datasette.urls.path(
            ATTACHMENT_PATH.format(database=database, id=attachment["id"]))
    return found


async def report_context(datasette: Any, database: str, pk: str) -> dict[str, Any]:
    """Template variables for one report's page: sanitized body, versions with diff links,
    pages, page versions and attachments with download links."""
    db = datasette.get_database(database)
    report_id = row_id(pk)
    found = [] if report_id is None else await rows(
        db, "SELECT * FROM reports WHERE id = ?", [report_id])
    if not found:
        return {}
    report = found[0]
    versions = await _versions(db, report_id)
    diff_base = DIFF_PATH.format(database=database, report_id=report_id)
    for previous, version in itertools.pairwise(versions):
        version["diff_url"] = datasette.urls.path(
            f"{diff_base}?from={previous['id']}&to={version['id']}"
        )
    return {
        "report": report,
        "report_body": _body_markup(report),
        "report_versions": versions,
        "report_pages": await _pages(db, report_id),
        "report_page_versions": await _page_versions(datasette, db, database, report_id,
                                                     versions),
        "report_attachments": await _attachments(datasette, db, database, report_id),
    }


def _chosen(versions: list[dict[str, Any]], report_id: int, value: str | None,
            default: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None or value == "":
        return default
    by_id = {v["id"]: v for v in versions}
    chosen = by_id.get(row_id(value))
    if chosen is None:
        raise NotFound(f"Report {report_id} has no version {value[:40]}")
    return chosen


async def diff_view(datasette: Any, request: Any) -> Response:
    """``/-/reportarchiver/diff/<db>/<report>?from=<version>&to=<version>`` (default: last two).

    A report or version that does not exist is a 404 page, whatever the number looks like.
    """
    database = request.url_vars["database"]
    db = await ensure_visible(datasette, request, database, "reports", "report_versions")
    report_id = row_id(request.url_vars["report_id"])
    if report_id is None or not await db.table_exists("report_versions") or not (
            await rows(db, "SELECT id FROM reports WHERE id = ?", [report_id])):
        raise NotFound(f"No report {request.url_vars['report_id'][:40]}")
    versions = await rows(db, "SELECT id, captured_at, title, body_text FROM report_versions"
                           " WHERE report_id = ? ORDER BY captured_at, id", [report_id])
    new = _chosen(versions, report_id, request.args.get("to"),
                  versions[-1] if versions else None)
    older = [v for v in versions if new and v["id"] != new["id"]]
    old = _chosen(versions, report_id, request.args.get("from"),
                  older[-1] if older else None)
    blocks = diff_blocks(old["body_text"], new["body_text"]) if old and new else []
    context = {
        "database": database,
        "report_id": report_id,
        "versions": versions,
        "old": old,
        "new": new,
        "blocks": blocks,
        "changed": any(block.kind != "equal" for block in blocks),
    }
    return Response.html(
        await datasette.render_template("reportarchiver_diff.html", context, request=request)
    )
