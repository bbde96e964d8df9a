"""Data for the report page (``row.html``) and the version diff page."""

from __future__ import annotations

import itertools
from typing import Any

from datasette import NotFound, Response
from markupsafe import Markup

from .diff import diff_blocks
from .sanitize import paragraphs_html, sanitize_html

DIFF_PATH = "/-/reportarchiver/diff/{database}/{report_id}"


def _body_markup(row: dict[str, Any]) -> Markup:
    # Markup is safe here only because sanitize_html/paragraphs_html re-serialize from a
    # whitelist and escape every text node.
    return Markup(sanitize_html(row.get("body_html")) or paragraphs_html(row.get("body_text")))


async def _rows(db: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def _versions(db: Any, report_id: Any) -> list[dict[str, Any]]:
    if not await db.table_exists("report_versions"):
        return []
    return await _rows(db, "SELECT id, captured_at, content_hash, title, length(body_text) AS chars"
                       " FROM report_versions WHERE report_id = ? ORDER BY captured_at, id",
                       [report_id])


async def _pages(db: Any, report_id: Any) -> list[dict[str, Any]]:
    if not await db.table_exists("pages"):
        return []
    return await _rows(db, "SELECT id, url, page_no, status, fetched_at FROM pages"
                       " WHERE report_id = ? ORDER BY page_no, id", [report_id])


async def report_context(datasette: Any, database: str, pk: str) -> dict[str, Any]:
    """Template variables for one report's page: sanitized body, versions, pages, diff links."""
    db = datasette.get_database(database)
    rows = await _rows(db, "SELECT * FROM reports WHERE id = ?", [pk])
    if not rows:
        return {}
    report = rows[0]
    versions = await _versions(db, report["id"])
    diff_base = DIFF_PATH.format(database=database, report_id=report["id"])
    for previous, version in itertools.pairwise(versions):
        version["diff_url"] = datasette.urls.path(
            f"{diff_base}?from={previous['id']}&to={version['id']}"
        )
    return {
        "report": report,
        "report_body": _body_markup(report),
        "report_versions": versions,
        "report_pages": await _pages(db, report["id"]),
    }


#: SQLite's largest integer: a longer id in a URL names no row (and would overflow the query).
MAX_ROW_ID = 2**63 - 1


def row_id(value: str | None) -> int | None:
    """An id from a URL, or None when it is no id a row can have."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_ROW_ID else None


async def ensure_visible(datasette: Any, request: Any, database: str, *tables: str) -> Any:
    """The database (404 when it is not served) after checking that the actor may see the
    tables (403 otherwise)."""
    if database not in datasette.databases:
        raise NotFound("No such database")
    await datasette.ensure_permissions(request.actor, [
        *(("view-table", (database, table)) for table in tables),
        ("view-database", database), "view-instance"])
    return datasette.get_database(database)


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
            await _rows(db, "SELECT id FROM reports WHERE id = ?", [report_id])):
        raise NotFound(f"No report {request.url_vars['report_id'][:40]}")
    versions = await _rows(db, "SELECT id, captured_at, title, body_text FROM report_versions"
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
