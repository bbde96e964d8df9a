"""Chinese full-text search: character bigrams in a plain FTS5 table.

SQLite's tokenizers either miss short Chinese words (trigram, segmenters) or make the file
unreadable without an extension (custom tokenizers). So the index stores *bigram text* in a stock
FTS5 table with the default ``unicode61`` tokenizer, and the query side rewrites each term into
bigrams too (:func:`fts_query`). The result is exactly the row set of
``title LIKE '%term%' OR body_text LIKE '%term%'`` for every term of a query, ANDed.

How text becomes tokens (:func:`bigram_text`):

1. Every character is mapped to one *unit* that ``unicode61`` keeps as a token character and never
   folds: ASCII letters are lower-cased (LIKE ignores ASCII case, nothing else), ASCII digits and
   CJK ideographs stay themselves, every other character is moved into the private-use plane 15
   (``U+F0000 + code``; characters beyond the BMP become their two UTF-16 code units, each moved
   there), so punctuation, full-width letters and accented letters are matched literally, as
   LIKE does. Whitespace separates runs: a query term never contains any.
2. Each run ``abcd`` becomes the tokens ``ab bc cd d``: overlapping bigrams, then the last unit
   alone so that a one-character query (a prefix query ``"d"*``) finds it at the end of a run.

A term of one unit is the prefix query ``"x"*``; a longer one is the phrase of its bigrams
(``老旧小区`` -> ``"老旧 旧小 小区"``), which matches exactly where the term occurs.

The FTS5 table is contentless (``content=''``): it stores no copy of the text. Its price is that
removing a document needs the exact values it was indexed with. Plain SQL triggers (no custom
functions, so stock ``sqlite3`` can still write) stash a report's old title/body in
``reports_fts_pending`` when it changes; :func:`index_report` and :func:`sync_index` use that
stash to delete the old tokens. Invariant: for a report with no pending row the index holds
exactly its current title/body; otherwise it holds what the pending row says.

The functions here never commit: the caller owns the transaction.
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Iterable

__all__ = [
    "COLUMNS",
    "FTS_TABLE",
    "INDEX_VERSION",
    "bigram_text",
    "drop_search_schema",
    "ensure_index_version",
    "ensure_search_schema",
    "fts_query",
    "index_report",
    "rebuild_index",
    "remove_report",
    "search_terms",
    "sync_index",
    "term_query",
]

FTS_TABLE = "reports_fts"
PENDING_TABLE = "reports_fts_pending"
VERSION_TABLE = "reports_fts_version"
#: Bump whenever :func:`bigram_text` would write different tokens for the same text: an archive
#: indexed under another version is re-indexed when it is opened, since old tokens would
#: silently stop matching the queries of the new mapping.
INDEX_VERSION = 1
#: The indexed columns of ``reports``: a report is found by its title, its body and the text
#: of its attachments (PDF, Word, Excel files linked from it).
COLUMNS = ("title", "body_text", "attachments_text")
_PLANE15 = 0xF0000


class _UnitMap(dict):
    """A ``str.translate`` table from code point to unit, filled lazily (then C-speed)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch.isspace():
            unit = " "
        elif "a" <= ch <= "z" or "0" <= ch <= "9":
            unit = ch
        elif "A" <= ch <= "Z":
            unit = ch.lower()
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            unit = ch  # CJK ideographs: token characters without case, verified in the tests
        elif code < 0x10000:
            unit = chr(_PLANE15 + code)
        else:
            high, low = divmod(code - 0x10000, 0x400)
            unit = chr(_PLANE15 + 0xD800 + high) + chr(_PLANE15 + 0xDC00 + low)
        self[code] = unit
        return unit


_UNITS = _UnitMap()


def to_units(text: str) -> str:
    """Map ``text`` to index units (see the module docstring); whitespace becomes a space."""
    return text.translate(_UNITS)


def _run_tokens(run: str) -> str:
    return " ".join([*map(operator.add, run, run[1:]), run[-1]])


def bigram_text(text: str | None) -> str:
    """The text as the FTS table stores it: overlapping bigrams of units, space-separated."""
    if not text:
        return ""
    return " ".join(map(_run_tokens, to_units(text).split()))


def search_terms(query: str) -> list[str]:
    """The whitespace-separated terms of a user query, duplicates dropped, order kept."""
    return list(dict.fromkeys(query.split()))


def term_query(term: str) -> str:
    """The FTS5 expression matching exactly the documents that contain ``term``.

    The units never contain ``"`` or whitespace, so the quoted string is always valid FTS5.
    """
    units = to_units(term)
    if len(units) == 1:
        return f'"{units}"*'
    return '"' + " ".join(map(operator.add, units, units[1:])) + '"'


def fts_query(query: str) -> str:
    """Rewrite a user query for ``MATCH``: every term must occur (AND).

    This is what the browse plugin registers as ``escape_fts``. A query without terms becomes
    ``""``, which matches nothing instead of raising a syntax error.
    """
    terms = search_terms(query)
    if not terms:
        return '""'
    return " AND ".join(term_query(term) for term in terms)


_PENDING_MATCHES_NEW = f"""
    DELETE FROM {PENDING_TABLE} WHERE id = new.id AND indexed = 1
        AND title IS new.title AND body_text IS new.body_text
        AND attachments_text IS new.attachments_text;"""
_CHANGED = (
    "old.id IS NOT new.id OR old.title IS NOT new.title OR old.body_text IS NOT new.body_text"
    " OR old.attachments_text IS NOT new.attachments_text"
)
_SCHEMA = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING "
    f"fts5({', '.join(COLUMNS)}, content='')",
    f"""CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (
        id INTEGER PRIMARY KEY,
        indexed INTEGER NOT NULL,
        title TEXT,
        body_text TEXT,
        attachments_text TEXT)""",
    # INSERT OR REPLACE deletes the old row without firing delete triggers (recursive_triggers
    # is off by default), and an upsert may end as an update: stash the old row first.
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_before_insert BEFORE INSERT ON reports BEGIN
        INSERT OR IGNORE INTO {PENDING_TABLE}
            SELECT id, 1, title, body_text, attachments_text FROM reports
            WHERE id = new.id OR url = new.url;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_after_insert AFTER INSERT ON reports BEGIN
        INSERT OR IGNORE INTO {PENDING_TABLE} (id, indexed) VALUES (new.id, 0);
        {_PENDING_MATCHES_NEW}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_after_change AFTER UPDATE ON reports
    WHEN {_CHANGED} BEGIN
        INSERT OR IGNORE INTO {PENDING_TABLE}
            VALUES (old.id, 1, old.title, old.body_text, old.attachments_text);
        INSERT OR IGNORE INTO {PENDING_TABLE} (id, indexed) VALUES (new.id, 0);
    END""",
    # An update that leaves title and body alone (last_checked, an unchanged upsert) proves the
    # stash equal to the row: drop it, so stashes do not pile up copies of unchanged bodies.
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_after_touch AFTER UPDATE ON reports
    WHEN NOT ({_CHANGED}) BEGIN {_PENDING_MATCHES_NEW}
    END""",
    # A stash saying "indexed nothing" is moot once the row is gone.
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_after_delete AFTER DELETE ON reports BEGIN
        INSERT OR IGNORE INTO {PENDING_TABLE}
            VALUES (old.id, 1, old.title, old.body_text, old.attachments_text);
        DELETE FROM {PENDING_TABLE} WHERE id = old.id AND indexed = 0;
    END""",
)


def _table_exists(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return row is not None


def drop_search_schema(conn: sqlite3.Connection) -> None:
    """Drop the index, its stash and its triggers (before making them anew, in a migration
    that changes what is indexed)."""
    for name, kind in conn.execute(
            "SELECT name, type FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? "
            "ORDER BY name", (f"{FTS_TABLE}_%",)).fetchall():
        conn.execute(f"DROP {kind.upper()} IF EXISTS [{name}]")
    conn.execute(f"DROP TABLE IF EXISTS {PENDING_TABLE}")
    conn.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def ensure_search_schema(conn: sqlite3.Connection) -> None:
    """Create the FTS table, the pending stash and its triggers if missing (idempotent).

    The ``reports`` table must exist. When the FTS table is new, existing reports are indexed;
    otherwise reports written behind the index's back (stock tools) are caught up.
    """
    fresh = not _table_exists(conn, FTS_TABLE)
    for sql in _SCHEMA:
        conn.execute(sql)
    if fresh:
        rebuild_index(conn)
        _stamp(conn)
    else:
        sync_index(conn)


def ensure_index_version(conn: sqlite3.Connection) -> bool:
    """Re-index every report if the index was built under another :data:`INDEX_VERSION`.

    Returns True when it rebuilt. An archive from before the stamp existed was built under
    version 1. Call it inside a transaction.
    """
    conn.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)")
    row = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
    built_under = 1 if row is None else row[0]
    if built_under != INDEX_VERSION:
        rebuild_index(conn)
    _stamp(conn)
    return built_under != INDEX_VERSION


def _stamp(conn: sqlite3.Connection) -> None:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)")
    conn.execute(f"DELETE FROM {VERSION_TABLE}")
    conn.execute(f"INSERT INTO {VERSION_TABLE} VALUES (?)", [INDEX_VERSION])


_COLS = ", ".join(COLUMNS)


def _fts_write(conn: sqlite3.Connection, command: str | None, report_id: int,
               title: str | None, body_text: str | None, attachments_text: str | None,
               body_tokens: str | None = None) -> None:
    if body_tokens is None:
        body_tokens = bigram_text(body_text)
    values = (report_id, bigram_text(title), body_tokens, bigram_text(attachments_text))
    if command is None:
        conn.execute(f"INSERT INTO {FTS_TABLE} (rowid, {_COLS}) VALUES (?, ?, ?, ?)", values)
    else:
        conn.execute(
            f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_COLS}) VALUES (?, ?, ?, ?, ?)",
            (command, *values),
        )


def _current_row(conn: sqlite3.Connection, report_id: int) -> tuple | None:
    return conn.execute(
        f"SELECT {_COLS} FROM reports WHERE id = ?", (report_id,)
    ).fetchone()


def _unindex(conn: sqlite3.Connection, report_id: int) -> None:
    """Delete whatever the index holds for ``report_id``, using the invariant."""
    pending = conn.execute(
        f"SELECT indexed, {_COLS} FROM {PENDING_TABLE} WHERE id = ?", (report_id,)
    ).fetchone()
    if pending is None:
        held = _current_row(conn, report_id)
    else:
        held = tuple(pending[1:]) if pending[0] else None
    if held is not None:
        _fts_write(conn, "delete", report_id, *held)


def _record(conn: sqlite3.Connection, report_id: int, held: tuple | None) -> None:
    """Note that the index now holds ``held`` (title, body, attachments) or nothing (None)
    for the report."""
    if _current_row(conn, report_id) == held:
        conn.execute(f"DELETE FROM {PENDING_TABLE} WHERE id = ?", (report_id,))
    else:
        indexed = 0 if held is None else 1
        conn.execute(
            f"INSERT OR REPLACE INTO {PENDING_TABLE} VALUES (?, ?, ?, ?, ?)",
            (report_id, indexed, *(held or (None, None, None))),
        )


def index_report(conn: sqlite3.Connection, report_id: int, title: str | None,
                 body_text: str | None, attachments_text: str | None = None, *,
                 body_tokens: str | None = None) -> None:
    """Insert or replace one report's index entry.

    Call it in the transaction that writes the report, before or after the write.
    ``body_tokens``: ``bigram_text(body_text)`` when already computed (by a clean worker).
    """
    _unindex(conn, report_id)
    _fts_write(conn, None, report_id, title, body_text, attachments_text, body_tokens)
    _record(conn, report_id, (title, body_text, attachments_text))


def remove_report(conn: sqlite3.Connection, report_id: int) -> None:
    """Remove one report from the index (before or after deleting its row)."""
    _unindex(conn, report_id)
    _record(conn, report_id, None)


def sync_index(conn: sqlite3.Connection) -> int:
    """Bring every report changed behind the index's back (stock sqlite3, Datasette) up to date.

    Returns the number of reports re-indexed or removed.
    """
    ids = [row[0] for row in conn.execute(f"SELECT id FROM {PENDING_TABLE}")]
    for report_id in ids:
        _unindex(conn, report_id)
        current = _current_row(conn, report_id)
        if current is not None:
            _fts_write(conn, None, report_id, *current)
        conn.execute(f"DELETE FROM {PENDING_TABLE} WHERE id = ?", (report_id,))
    return len(ids)


def _all_reports(conn: sqlite3.Connection) -> Iterable[tuple[int, str, str, str]]:
    for report_id, title, body_text, attachments_text in conn.execute(
        f"SELECT id, {_COLS} FROM reports ORDER BY id"
    ):
        yield (report_id, bigram_text(title), bigram_text(body_text),
               bigram_text(attachments_text))


def rebuild_index(conn: sqlite3.Connection) -> int:
    """Rebuild the whole index from ``reports`` (``reportarchiver reindex``); returns the count."""
    conn.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
    conn.execute(f"DELETE FROM {PENDING_TABLE}")
    # Streams: reading reports while writing the FTS table is fine on one connection.
    conn.executemany(
        f"INSERT INTO {FTS_TABLE} (rowid, {_COLS}) VALUES (?, ?, ?, ?)", _all_reports(conn)
    )
    conn.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
    return conn.execute("SELECT count(*) FROM reports").fetchone()[0]
