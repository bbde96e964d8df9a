"""The archive's schema: migrations, and the check that a file is an archive we may change.

Migrations run in order, each once, in one transaction each; how many have run is kept in
``PRAGMA user_version``. Before anything is written, :func:`check_archive` compares the file
with the schema its version promises (built by running the same migrations on an empty
database in memory), so another program's SQLite file, a newer archive or a damaged one is
refused with nothing changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache
from pathlib import Path

import sqlite_utils

from ..errors import StoreError
from ..models import METADATA_FIELDS
from . import _search as search


def _m1_tables(db: sqlite_utils.Database) -> None:
    text_cols = {f: str for f in METADATA_FIELDS if f != "year"}
    db["reports"].create(
        {"id": int, "url": str, "site": str, **text_cols, "year": int, "body_text": str,
         "body_html": str, "page_count": int, "char_count": int, "content_hash": str,
         "complete": int, "first_seen": str, "last_changed": str, "last_checked": str},
        pk="id", not_null=["url"], if_not_exists=True,
    )
    db["reports"].create_index(["url"], unique=True, if_not_exists=True)
    db["reports"].create_index(["report_date"], if_not_exists=True)
    db["report_versions"].create(
        {"id": int, "report_id": int, "captured_at": str, "content_hash": str, "title": str,
         "body_text": str, "body_html": str},
        pk="id", foreign_keys=[("report_id", "reports", "id")], if_not_exists=True,
    )
    db["report_versions"].create_index(["report_id"], if_not_exists=True)
    db["pages"].create(
        {"id": int, "url": str, "report_id": int, "page_no": int, "status": int,
         "fetched_at": str, "final_url": str, "content_type": str, "encoding": str,
         "etag": str, "last_modified": str, "sha256": str, "headers": str, "raw": bytes,
         "raw_size": int},
        pk="id", not_null=["url"], foreign_keys=[("report_id", "reports", "id")],
        if_not_exists=True,
    )
    db["pages"].create_index(["url"], unique=True, if_not_exists=True)
    db["pages"].create_index(["report_id"], if_not_exists=True)
    db["crawl_runs"].create(
        {"id": int, "started_at": str, "finished_at": str, "status": str, "command": str,
         "pid": int, "fetched": int, "new_reports": int, "changed_reports": int,
         "unchanged": int, "errors": int, "skipped": int, "duration_seconds": float},
        pk="id", if_not_exists=True,
    )
    db["fetch_errors"].create(
        {"id": int, "url": str, "run_id": int, "kind": str, "status": int, "message": str,
         "attempts": int, "at": str},
        pk="id", foreign_keys=[("run_id", "crawl_runs", "id")], if_not_exists=True,
    )
    db["fetch_errors"].create_index(["run_id"], if_not_exists=True)
    db["frontier"].create(
        {"url": str, "site": str, "host": str, "depth": int, "kind": str, "state": str,
         "next_attempt_at": str, "attempts": int, "discovered_at": str, "checked_at": str,
         "reason": str},
        pk="url", if_not_exists=True,
    )
    db["frontier"].create_index(["state", "host"], if_not_exists=True)


def _m2_search(db: sqlite_utils.Database) -> None:
    """The Chinese search index as it was first made (two columns). Frozen: migrations must
    not follow later code, and migration 4 replaces it with the current index anyway."""
    for statement in _M2:
        db.conn.execute(statement)


_M2_MATCH = """DELETE FROM reports_fts_pending WHERE id = new.id AND indexed = 1
        AND title IS new.title AND body_text IS new.body_text;"""
_M2_CHANGED = ("old.id IS NOT new.id OR old.title IS NOT new.title OR "
               "old.body_text IS NOT new.body_text")
_M2 = (
    "CREATE VIRTUAL TABLE reports_fts USING fts5(title, body_text, content='')",
    "CREATE TABLE reports_fts_pending (id INTEGER PRIMARY KEY, indexed INTEGER NOT NULL, "
    "title TEXT, body_text TEXT)",
    """CREATE TRIGGER reports_fts_before_insert BEFORE INSERT ON reports BEGIN
        INSERT OR IGNORE INTO reports_fts_pending
            SELECT id, 1, title, body_text FROM reports WHERE id = new.id OR url = new.url;
    END""",
    f"""CREATE TRIGGER reports_fts_after_insert AFTER INSERT ON reports BEGIN
        INSERT OR IGNORE INTO reports_fts_pending (id, indexed) VALUES (new.id, 0);
        {_M2_MATCH}
    END""",
    f"""CREATE TRIGGER reports_fts_after_change AFTER UPDATE ON reports
    WHEN {_M2_CHANGED} BEGIN
        INSERT OR IGNORE INTO reports_fts_pending VALUES (old.id, 1, old.title, old.body_text);
        INSERT OR IGNORE INTO reports_fts_pending (id, indexed) VALUES (new.id, 0);
    END""",
    f"""CREATE TRIGGER reports_fts_after_touch AFTER UPDATE ON reports
    WHEN NOT ({_M2_CHANGED}) BEGIN {_M2_MATCH}
    END""",
    """CREATE TRIGGER reports_fts_after_delete AFTER DELETE ON reports BEGIN
        INSERT OR IGNORE INTO reports_fts_pending VALUES (old.id, 1, old.title, old.body_text);
        DELETE FROM reports_fts_pending WHERE id = old.id AND indexed = 0;
    END""",
)


def _m3_page_versions(db: sqlite_utils.Database) -> None:
    """Every distinct body of a page is kept (``page_versions``), not only the latest; a
    report version names the page versions it was made from; a report knows whether its
    page still serves it (``live_status``, ``gone_since``)."""
    # one statement at a time: executescript() would COMMIT the migration's transaction first
    for statement in _M3.split(";"):
        if statement.strip():
            db.conn.execute(statement)


_M3 = """
        CREATE TABLE page_versions (
            id INTEGER PRIMARY KEY, url TEXT NOT NULL, sha256 TEXT NOT NULL,
            first_fetched TEXT, last_fetched TEXT, status INTEGER, reason TEXT,
            final_url TEXT, content_type TEXT, encoding TEXT, etag TEXT, last_modified TEXT,
            headers TEXT, header_list TEXT, request_headers TEXT, raw BLOB, raw_size INTEGER,
            UNIQUE (url, sha256));
        INSERT INTO page_versions (url, sha256, first_fetched, last_fetched, status,
            final_url, content_type, encoding, etag, last_modified, headers, raw, raw_size)
            SELECT url, coalesce(sha256, ''), fetched_at, fetched_at, status, final_url,
                   content_type, encoding, etag, last_modified, headers, raw, raw_size
            FROM pages;
        ALTER TABLE pages ADD COLUMN version_id INTEGER REFERENCES page_versions(id);
        UPDATE pages SET version_id = (SELECT v.id FROM page_versions v
                                       WHERE v.url = pages.url);
        ALTER TABLE pages DROP COLUMN raw;
        ALTER TABLE pages DROP COLUMN raw_size;
        ALTER TABLE report_versions ADD COLUMN page_versions TEXT;
        UPDATE report_versions SET page_versions = (
            SELECT json_group_array(version_id) FROM (
                SELECT p.version_id FROM pages p WHERE p.report_id = report_versions.report_id
                ORDER BY p.page_no))
            WHERE id IN (SELECT max(id) FROM report_versions GROUP BY report_id);
        ALTER TABLE reports ADD COLUMN live_status TEXT NOT NULL DEFAULT 'live';
        ALTER TABLE reports ADD COLUMN gone_since TEXT;
        ALTER TABLE reports ADD COLUMN live_detail TEXT;
        ALTER TABLE reports ADD COLUMN incomplete_reason TEXT;
        ALTER TABLE crawl_runs ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE crawl_runs ADD COLUMN kept INTEGER NOT NULL DEFAULT 0;
"""


def _m4_attachments(db: sqlite_utils.Database) -> None:
    """Files a report links to (PDF, Word, Excel...): every distinct body of each, with its
    extracted text; the text is searchable with the report (``reports.attachments_text``, a
    third column of the search index, which is rebuilt)."""
    for statement in _M4.split(";"):
        if statement.strip():
            db.conn.execute(statement)
    search.drop_search_schema(db.conn)
    search.ensure_search_schema(db.conn)


_M4 = """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY, report_id INTEGER REFERENCES reports(id),
            url TEXT NOT NULL, sha256 TEXT NOT NULL, link_text TEXT, filename TEXT,
            kind TEXT, content_type TEXT, size INTEGER, raw BLOB, text TEXT,
            page_count INTEGER, scanned INTEGER, truncated INTEGER, error TEXT,
            first_fetched TEXT, last_fetched TEXT, status INTEGER, etag TEXT,
            last_modified TEXT, headers TEXT,
            UNIQUE (report_id, url, sha256));
        CREATE INDEX attachments_url ON attachments (url);
        ALTER TABLE reports ADD COLUMN attachments_text TEXT;
        ALTER TABLE reports ADD COLUMN source_kind TEXT NOT NULL DEFAULT 'html';
        ALTER TABLE crawl_runs ADD COLUMN needs_js INTEGER NOT NULL DEFAULT 0
"""


#: Applied in order, each once; the number of applied ones is kept in PRAGMA user_version.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m1_tables, _m2_search, _m3_page_versions, _m4_attachments]


def _promised(version: int) -> dict[str, frozenset[str]]:
    return dict(_promised_tables(version))


@cache
def _promised_tables(version: int) -> dict[str, frozenset[str]]:
    """The tables and columns an archive of schema ``version`` has: the migrations run on an
    empty database in memory, so this can never disagree with them."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db = sqlite_utils.Database(conn)
        for migration in MIGRATIONS[:version]:
            migration(db)
        return _tables(conn)
    finally:
        conn.close()


def _tables(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: frozenset(r[1] for r in conn.execute(f"PRAGMA table_info([{name}])"))
            for name in names}


def _read_schema(path: Path, mode: str) -> tuple[int, dict[str, frozenset[str]]]:
    conn = sqlite3.connect(f"file:{path}?{mode}", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0], _tables(conn)
    finally:
        conn.close()


def check_archive(path: Path) -> None:
    """Raise a :class:`StoreError` (``foreign``) unless ``path`` is missing, empty, or an
    archive this version can open and migrate. Reads only: nothing is written, not even the
    journal mode."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        version, tables = _read_schema(path, "mode=ro")
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc) and "unable to open" not in str(exc):
            raise StoreError(f"{path}: cannot open the archive ({exc})") from exc
        # a WAL file in a folder where its -shm cannot be made: read the file as it stands
        try:
            version, tables = _read_schema(path, "immutable=1")
        except sqlite3.DatabaseError as inner:
            raise StoreError(f"{path}: not a SQLite archive ({inner})", foreign=True) from inner
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a SQLite archive ({exc})", foreign=True) from exc
    if version > len(MIGRATIONS):
        raise StoreError(f"{path}: archive schema version {version} is newer than this "
                         f"reportarchiver knows ({len(MIGRATIONS)}): upgrade reportarchiver",
                         foreign=True)
    if version == 0:
        if tables:
            raise StoreError(f"{path}: a SQLite file but not a reportarchiver archive (it has "
                             f"tables: {', '.join(sorted(tables)[:5])}); nothing was changed",
                             foreign=True)
        return
    promised = _promised(version)
    promised.pop(search.VERSION_TABLE, None)  # (re)made on open: archives before it lack it
    missing = [f"{table}.{column}" for table, columns in promised.items()
               for column in sorted(columns - tables.get(table, frozenset()))]
    if missing:
        raise StoreError(f"{path}: not a reportarchiver archive of schema {version} (missing "
                         f"{', '.join(missing[:5])}); nothing was changed", foreign=True)
