"""What every part of the plugin checks first: whether a database is an archive (the plugin
leaves other databases alone), the actor's permissions, the ids in a URL."""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import NotFound

from ..store import _search as search

DIFF_PATH = "/-/reportarchiver/diff/{database}/{report_id}"
ATTACHMENT_PATH = "/-/reportarchiver/attachment/{database}/{id}"
PAGE_VERSION_PATH = "/-/reportarchiver/page-version/{database}/{id}"


def has_search_table(conn: sqlite3.Connection) -> bool:
    """Whether the database is a reportarchiver archive: it has the search table."""
    sql = "SELECT 1 FROM sqlite_master WHERE name = ? AND type = 'table'"
    return conn.execute(sql, (search.FTS_TABLE,)).fetchone() is not None


def _is_archive_file(path: str, mutable: bool) -> bool:
    # the way Datasette opens it: an immutable database is one on a read-only location,
    # where a plain read-only open of a WAL archive fails (it cannot create the -shm file)
    mode = "mode=ro" if mutable else "immutable=1"
    try:
        conn = sqlite3.connect(f"file:{path}?{mode}", uri=True)
    except sqlite3.Error:
        return False
    try:
        return has_search_table(conn)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def archive_databases(datasette: Any) -> list[str]:
    """Names of the served databases that are reportarchiver archives (checked once each)."""
    known: dict[tuple[str, str], bool] = datasette.__dict__.setdefault("_reportarchiver_dbs", {})
    names = []
    for name, db in list(datasette.databases.items()):
        if db.is_memory or not db.path:
            continue
        key = (name, str(db.path))
        if key not in known:
            known[key] = _is_archive_file(str(db.path), db.is_mutable)
        if known[key]:
            names.append(name)
    return names


#: SQLite's largest integer: a longer id in a URL names no row (and would overflow the query).
MAX_ROW_ID = 2**63 - 1


def row_id(value: str | None) -> int | None:
    """An id from a URL, or None when it is no id a row can have."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_ROW_ID else None


async def ensure_visible(datasette: Any, request: Any, database: str, *tables: str) -> Any:
    """The database (404 when it is not a served archive) after checking that the actor may
    see the tables (403 otherwise)."""
    if database not in archive_databases(datasette):
        raise NotFound("No such archive database")
    await datasette.ensure_permissions(request.actor, [
        *(("view-table", (database, table)) for table in tables),
        ("view-database", database), "view-instance"])
    return datasette.get_database(database)


async def rows(db: Any, sql: str, params: list[Any] | dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a read query on a Datasette database, as dicts."""
    return [dict(row) for row in (await db.execute(sql, params)).rows]
