"""The archive: one SQLite file, written through sqlite-utils (the only package using it).

The schema is a list of migrations (``_schema``) applied on open, after a check that the
file is an archive at all. WAL mode and a busy timeout let Datasette read while a crawl
writes. Every report write (report row, its pages, a version when the body changed, the
search index) is one transaction: a crash never leaves half a report.

What a site serves is never allowed to destroy what was archived: every distinct body of a
page is kept (``page_versions``), a report version names the page versions it was made from,
and a replacement that does not look like the same report is kept as a page version only,
the report keeping its last good body (:meth:`Archive.keep_report`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import sqlite_utils

from .._system import pid_alive, utcnow
from ..errors import PageError, StoreError
from ..models import Attachment, FetchResult, Report
from . import _search as search
from ._frontier import Frontier
from ._schema import MIGRATIONS, check_archive

BUSY_TIMEOUT_MS = 30_000


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredPage:
    """One stored body of a page (a ``page_versions`` row), raw bytes decompressed."""

    url: str
    report_id: int | None
    page_no: int | None
    etag: str
    last_modified: str
    sha256: str
    headers: dict[str, str]
    raw: bytes
    version_id: int | None = None
    fetched_at: str = ""


class Archive:
    """An open archive database. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self._open()
        except (OSError, sqlite3.DatabaseError) as exc:
            hint = ("; it needs write access to the file and its folder (`reportarchiver "
                    "browse` can show a read-only copy)") if "readonly" in str(exc) else ""
            raise StoreError(f"{self.path}: cannot open the archive ({exc}){hint}") from exc

    def _open(self) -> None:
        check_archive(self.path)  # before anything, even the journal mode, is written
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: every write happens inside an explicit ``atomic()`` block, and a
        # stray statement can never leave an implicit transaction open (and the lock held).
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._db = sqlite_utils.Database(conn)
        self._grouped = self._group_broken = False
        self._db.enable_wal()
        # NORMAL is durable across process crashes in WAL mode (only a power cut can lose the
        # last transactions) and several times faster than FULL for many small commits.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        self._migrate()
        self.frontier = Frontier(self)
        if self._index_version() != search.INDEX_VERSION:
            with self.atomic():
                search.ensure_index_version(conn)

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._db.conn

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """All or nothing: a transaction of its own, or a part of the open commit group."""
        if not self._grouped:
            with self._transaction():
                yield
            return
        if self._group_broken:
            raise StoreError(f"{self.path}: an earlier write of this crawl failed")
        if not self._conn.in_transaction:
            # IMMEDIATE: take the write lock (waiting out other writers) before the first read.
            # A deferred transaction that read first cannot write once another process has
            # committed in between, and SQLite reports that as "locked" without waiting.
            self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            # the group holds other pages' finished writes, but this block is half done and
            # there is no savepoint to return to: drop the group, and fail the crawl
            self._group_broken = True
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def rolled_back(self) -> Iterator[None]:
        """Everything written inside is undone at the end: for a dry run."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """A transaction (a savepoint inside one). IMMEDIATE: the write lock is taken before
        the first read, so that no other process can commit between our read and our write,
        which SQLite reports as "locked" without waiting."""
        conn = self._conn
        if conn.in_transaction:
            with self._db.atomic():  # a savepoint
                yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            # an error such as SQLITE_FULL may have ended the transaction already: a blind
            # ROLLBACK would then replace the real error with "no transaction is active"
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def grouped_commits(self, seconds: float, before_commit: Callable[[], None] | None = None
                        ) -> Iterator[Callable[[], None]]:
        """Group the writes of :meth:`atomic` blocks into one commit every ``seconds``; yields
        ``commit_if_due``, to call between blocks.

        The commit (the WAL write, and FTS5 turning its pending terms into a new segment) is
        paid once per group instead of four times per page. No savepoints either: FTS5 flushes
        its pending terms at every savepoint too. A crash loses at most the last group, and the
        archive stays consistent: a page's report, pages and frontier state are written in one
        synchronous stretch, hence in one group, and the next run redoes what was lost. A block
        that fails rolls the group back and makes every later block and ``commit_if_due``
        raise :class:`StoreError`. The caller must not await inside an :meth:`atomic` block.
        ``before_commit`` writes into each group just before it is committed (a run's
        counters, so that they always match the data committed with them).
        """
        self._grouped, self._group_broken = True, False
        due = time.monotonic() + seconds

        def commit() -> None:
            if self._conn.in_transaction and before_commit is not None \
                    and not self._group_broken:
                before_commit()
            if self._conn.in_transaction:
                try:
                    self._conn.execute("COMMIT")
                except sqlite3.Error:
                    if self._conn.in_transaction:  # (else the real error would be masked)
                        self._conn.execute("ROLLBACK")
                    raise

        def commit_if_due() -> None:
            nonlocal due
            if self._group_broken:
                raise StoreError(f"{self.path}: a write failed, so the writes of the last "
                                 f"{seconds:g} s were rolled back (the next run redoes them)")
            if time.monotonic() >= due:
                commit()  # the next block begins the next group: no snapshot held meanwhile
                due = time.monotonic() + seconds

        try:
            yield commit_if_due
        finally:
            try:
                commit()
            finally:
                self._grouped = False

    def _index_version(self) -> int | None:
        try:
            row = self._conn.execute(f"SELECT version FROM {search.VERSION_TABLE}").fetchone()
        except sqlite3.OperationalError:  # no such table yet
            return None
        return row[0] if row else None

    def _migrate(self) -> None:
        done = self._conn.execute("PRAGMA user_version").fetchone()[0]
        for number, migration in enumerate(MIGRATIONS[done:], start=done + 1):
            with self.atomic():
                migration(self._db)
                self._conn.execute(f"PRAGMA user_version = {number}")

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, command: str, pid: int, *, locked: bool = False) -> int:
        """Record a new run. Runs left 'running' by a process that is gone become
        'interrupted'; with ``locked`` (the caller holds the crawl lock, so no other crawl
        runs) so do crawl runs whose pid was reused. Never a run that is still going (an
        ``ingest`` beside a crawl leaves the crawl's row alone)."""
        with self.atomic():
            for run_id, run_pid, run_command in self._conn.execute(
                    "SELECT id, pid, command FROM crawl_runs WHERE status = 'running'"
                    ).fetchall():
                if not pid_alive(run_pid) or (locked and run_command != "ingest"):
                    self._conn.execute("UPDATE crawl_runs SET status = 'interrupted' "
                                       "WHERE id = ?", [run_id])
            return self._insert("crawl_runs", {
                "started_at": utcnow(), "status": "running", "command": command, "pid": pid,
                "fetched": 0, "new_reports": 0, "changed_reports": 0, "unchanged": 0,
                "errors": 0, "skipped": 0, "gone": 0, "kept": 0, "needs_js": 0})

    def update_run(self, run_id: int, counters: dict[str, Any]) -> None:
        """Write a running run's counters (inside the commit group of the data they count,
        so a run killed by -9 shows what it stored)."""
        with self.atomic():
            self._update("crawl_runs", run_id, counters)

    def finish_run(self, run_id: int, status: str, counters: dict[str, Any]) -> None:
        """Record a run's end: its status (ok, failed, interrupted) and counters."""
        with self.atomic():
            self._update("crawl_runs", run_id,
                         {**counters, "status": status, "finished_at": utcnow()})

    def quick_check(self) -> str:
        """SQLite's ``PRAGMA quick_check``: "ok", or the first problems found."""
        rows = [r[0] for r in self._conn.execute("PRAGMA quick_check(5)")]
        if rows == ["ok"]:
            return "ok"
        found = " ".join(" ".join(rows).split()).replace("*** in database main *** ", "")
        return found[:300]

    def recent_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        return list(self._dicts("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", [limit]))

    def record_error(self, run_id: int | None, error: PageError) -> None:
        """Record the final failure of one URL in a run (``fetch_errors``)."""
        with self.atomic():
            self._insert("fetch_errors", {
                "url": error.url, "run_id": run_id, "kind": error.kind, "status": error.status,
                "message": error.message, "attempts": error.attempts, "at": utcnow()})

    # -- pages --------------------------------------------------------------------------------

    def page_validators(self, url: str) -> tuple[str, str]:
        """The stored (ETag, Last-Modified) of ``url`` for a conditional GET; empty if none."""
        row = self._conn.execute("SELECT etag, last_modified FROM pages WHERE url = ?",
                                 [url]).fetchone()
        return (row[0] or "", row[1] or "") if row else ("", "")

    _VERSION_COLUMNS = ("v.url, p.report_id, p.page_no, v.etag, v.last_modified, v.sha256, "
                        "v.headers, v.raw, v.id, v.last_fetched")

    def stored_page(self, url: str) -> StoredPage | None:
        """The last body fetched for ``url`` (what a 304 stands for), or None."""
        row = self._conn.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM pages p JOIN page_versions v "
            "ON v.id = p.version_id WHERE p.url = ?", [url]).fetchone()
        return _stored(row)

    def page_version(self, version_id: int) -> StoredPage | None:
        """One stored body by its ``page_versions`` id."""
        row = self._conn.execute(
            f"SELECT {self._VERSION_COLUMNS} FROM page_versions v LEFT JOIN pages p "
            "ON p.url = v.url WHERE v.id = ?", [version_id]).fetchone()
        return _stored(row)

    def save_page(self, fetch: FetchResult, *, encoding: str = "", report_id: int | None = None,
                  page_no: int | None = None, link: bool = True) -> int:
        """Store one response: its body as a page version (a body seen before is not stored
        again), and the page's latest state. ``link``: set the page's report and number (a
        page kept apart from its report, a rejected replacement, keeps its old ones).
        Returns the page version's id."""
        sha = hashlib.sha256(fetch.body).hexdigest()
        version_id = self._page_version_id(fetch, sha, encoding)
        row: dict[str, Any] = {
            "url": fetch.url, "status": fetch.status, "fetched_at": fetch.fetched_at,
            "final_url": fetch.final_url, "content_type": fetch.content_type,
            "encoding": encoding, "etag": fetch.etag, "last_modified": fetch.last_modified,
            "sha256": sha, "headers": json.dumps(fetch.headers, ensure_ascii=False),
            "version_id": version_id}
        if link:
            row.update(report_id=report_id, page_no=page_no)
        old = self._conn.execute(
            "SELECT version_id, report_id, page_no, etag, last_modified FROM pages "
            "WHERE url = ?", [fetch.url]).fetchone()
        if old and old[0] == version_id and (not link or (old[1], old[2]) == (
                report_id, page_no)) and (old[3] or "", old[4] or "") == (
                fetch.etag, fetch.last_modified):
            return version_id  # nothing new to say about the page
        self._upsert_page(row)
        return version_id

    def repair_page(self, fetch: FetchResult) -> bool:
        """Write ``fetch``'s body over a stored version of the same bytes (same SHA-256)
        whose stored copy was found damaged. True when one was repaired."""
        sha = hashlib.sha256(fetch.body).hexdigest()
        with self.atomic():
            cur = self._conn.execute(
                "UPDATE page_versions SET raw = ?, raw_size = ? WHERE url = ? AND sha256 = ?",
                [zlib.compress(fetch.body, 6), len(fetch.body), fetch.url, sha])
        return cur.rowcount > 0

    def _page_version_id(self, fetch: FetchResult, sha: str, encoding: str) -> int:
        found = self._conn.execute(
            "UPDATE page_versions SET last_fetched = ? WHERE url = ? AND sha256 = ? RETURNING id",
            [fetch.fetched_at, fetch.url, sha]).fetchall()  # (all: the statement finishes)
        if found:
            return int(found[0][0])
        return self._insert("page_versions", {
            "url": fetch.url, "sha256": sha, "first_fetched": fetch.fetched_at,
            "last_fetched": fetch.fetched_at, "status": fetch.status, "reason": fetch.reason,
            "final_url": fetch.final_url, "content_type": fetch.content_type,
            "encoding": encoding, "etag": fetch.etag, "last_modified": fetch.last_modified,
            "headers": json.dumps(fetch.headers, ensure_ascii=False),
            "header_list": json.dumps(fetch.header_list, ensure_ascii=False),
            "request_headers": json.dumps(fetch.request_headers, ensure_ascii=False),
            "raw": zlib.compress(fetch.body, 6), "raw_size": len(fetch.body)})

    def stored_report_pages(self, report_id: int, version_id: int | None = None
                            ) -> list[StoredPage]:
        """The stored pages a report version was made from (default: its current version),
        in page order, raw bodies decompressed."""
        sql = "SELECT page_versions FROM report_versions WHERE report_id = ? "
        args: list[Any] = [report_id]
        if version_id is not None:
            sql, args = sql + "AND id = ? ", [*args, version_id]
        row = self._conn.execute(sql + "ORDER BY id DESC LIMIT 1", args).fetchone()
        ids = json.loads(row[0]) if row and row[0] else []
        if not ids:  # a version from before page versions were kept: the pages as linked
            ids = [r[0] for r in self._conn.execute(
                "SELECT version_id FROM pages WHERE report_id = ? ORDER BY page_no",
                [report_id])]
        pages = [self.page_version(i) for i in ids if i is not None]
        numbered = [replace(p, page_no=n) for n, p in enumerate(pages, start=1) if p]
        return numbered

    def report_pages(self, report_url: str) -> list[str]:
        """URLs of a stored report's pages, in page order."""
        return [r[0] for r in self._conn.execute(
            "SELECT p.url FROM pages p JOIN reports r ON p.report_id = r.id "
            "WHERE r.url = ? ORDER BY p.page_no", [report_url])]

    # -- reports ------------------------------------------------------------------------------

    def save_report(self, report: Report, now: str | None = None, *,
                    keep_checked: bool = False) -> str:
        """Store a whole report atomically. Returns 'new', 'changed' or 'unchanged'.

        A version row is written only when the cleaned body changes; an unchanged report
        gets nothing but a new ``last_checked`` (not even that with ``keep_checked``, used when
        re-extracting: nothing was checked against the site, so what is known of the live
        page, ``live_status`` and ``gone_since``, stays as it is too).
        """
        now = now or utcnow()
        digest = content_hash(report.text)
        with self.atomic():
            old = self._conn.execute(
                "SELECT id, content_hash FROM reports WHERE url = ?", [report.url]).fetchone()
            row = self._report_row(report, digest)
            if keep_checked:  # re-extracting: the site was not asked
                for column in ("live_status", "gone_since", "live_detail"):
                    row.pop(column)
            if old is None:
                report_id = self._insert("reports", {**row, "first_seen": now,
                                                     "last_changed": now, "last_checked": now})
                outcome = "new"
            elif old[1] == digest:
                report_id, outcome = old[0], "unchanged"
                checked = {} if keep_checked else {"last_checked": now}
                self._update("reports", report_id, {**row, **checked})
            else:
                report_id, outcome = old[0], "changed"
                checked = {} if keep_checked else {"last_checked": now}
                self._update("reports", report_id, {**row, "last_changed": now, **checked})
            version_ids = [
                self.save_page(page.fetch, encoding=page.cleaned.encoding,
                               report_id=report_id, page_no=page.page_no)
                for page in report.pages]
            if outcome != "new":  # pages the report no longer has are kept, but not as its own
                urls = [page.fetch.url for page in report.pages]
                self._conn.execute(
                    "UPDATE pages SET report_id = NULL, page_no = NULL WHERE report_id = ? AND "
                    f"url NOT IN ({','.join('?' * len(urls))})", [report_id, *urls])
            self._save_attachments(report_id, report, now)
            if outcome != "unchanged":
                self._insert("report_versions", {
                    "report_id": report_id, "captured_at": now, "content_hash": digest,
                    "title": report.metadata.title, "body_text": report.text,
                    "body_html": report.html, "page_versions": json.dumps(version_ids)})
                search.index_report(self._conn, report_id, report.metadata.title, report.text,
                                    report.attachments_text or None,
                                    body_tokens=report.index_text)
            # a title that changed without the body (better metadata) is re-indexed too
            search.sync_index(self._conn)
        return outcome

    # The hot path of a crawl writes with plain SQL: sqlite-utils' insert/upsert inspect the
    # table on every call (about 30 statements a report), which measured 1 ms of 2.4.

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        columns = ", ".join(f"[{c}]" for c in row)
        marks = ", ".join("?" * len(row))
        cur = self._conn.execute(f"INSERT INTO [{table}] ({columns}) VALUES ({marks})",
                                list(row.values()))
        return int(cur.lastrowid or 0)

    def _update(self, table: str, row_id: int, row: dict[str, Any]) -> None:
        sets = ", ".join(f"[{c}] = ?" for c in row)
        self._conn.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*row.values(), row_id])

    def _upsert_page(self, row: dict[str, Any]) -> None:
        columns = ", ".join(f"[{c}]" for c in row)
        marks = ", ".join("?" * len(row))
        sets = ", ".join(f"[{c}] = excluded.[{c}]" for c in row if c != "url")
        self._conn.execute(f"INSERT INTO pages ({columns}) VALUES ({marks}) "
                          f"ON CONFLICT(url) DO UPDATE SET {sets}", list(row.values()))

    @staticmethod
    def _report_row(report: Report, digest: str) -> dict[str, Any]:
        meta = report.metadata.as_dict()
        return {"url": report.url, "site": report.site, **meta, "body_text": report.text,
                "body_html": report.html, "page_count": report.page_count,
                "char_count": len(report.text), "content_hash": digest,
                "complete": int(report.complete),
                "incomplete_reason": report.incomplete_reason or None,
                "source_kind": report.source_kind,
                "attachments_text": report.attachments_text or None,
                # the site serves this report (again): whatever was wrong is over
                "live_status": "live", "gone_since": None, "live_detail": None}

    def keep_report(self, report: Report, status: str, detail: str,
                    now: str | None = None) -> None:
        """The site now serves something that is not this report (``status``: ``gone``,
        ``not_a_report``, ``suspect``): the pages' new bodies are kept as page versions, the
        report keeps its body, versions and search entry, and says since when and why its
        page no longer shows it."""
        now = now or utcnow()
        with self.atomic():
            for page in report.pages:
                self.save_page(page.fetch, encoding=page.cleaned.encoding, link=False)
            self.mark_live(report.url, status, detail, now)

    def _save_attachments(self, report_id: int, report: Report, now: str) -> None:
        """Every distinct body of each attachment of the report, with its text."""
        for item in report.attachments:
            fetch = item.fetch
            sha = hashlib.sha256(fetch.body).hexdigest()
            found = self._conn.execute(
                "SELECT id FROM attachments WHERE report_id = ? AND url = ? AND sha256 = ?",
                [report_id, item.url, sha]).fetchone()
            if found:
                self._conn.execute(
                    "UPDATE attachments SET last_fetched = ?, link_text = ?, etag = ?, "
                    "last_modified = ? WHERE id = ?",
                    [fetch.fetched_at or now, item.link_text, fetch.etag, fetch.last_modified,
                     found[0]])
                continue
            self._insert("attachments", {
                "report_id": report_id, "url": item.url, "sha256": sha,
                "link_text": item.link_text, "filename": _filename(fetch, item.url),
                "kind": item.kind, "content_type": fetch.content_type,
                "size": len(fetch.body), "raw": zlib.compress(fetch.body, 6),
                "text": item.text, "page_count": item.page_count, "scanned": int(item.scanned),
                "truncated": int(item.truncated), "error": item.error or None,
                "first_fetched": fetch.fetched_at or now, "last_fetched": fetch.fetched_at or now,
                "status": fetch.status, "etag": fetch.etag,
                "last_modified": fetch.last_modified,
                "headers": json.dumps(fetch.headers, ensure_ascii=False)})

    _ATTACHMENT_COLUMNS = ("url, link_text, kind, text, page_count, scanned, truncated, error, "
                           "raw, headers, status, last_fetched")

    def stored_attachment(self, url: str) -> Attachment | None:
        """The last stored body of the attachment at ``url`` (for a conditional GET)."""
        row = self._conn.execute(
            f"SELECT {self._ATTACHMENT_COLUMNS} FROM attachments WHERE url = ? "
            "ORDER BY last_fetched DESC, id DESC LIMIT 1", [url]).fetchone()
        return _attachment(row)

    def report_attachments(self, report_id: int) -> list[Attachment]:
        """The report's attachments, the last stored body of each, in the order found."""
        rows = self._conn.execute(
            f"SELECT {self._ATTACHMENT_COLUMNS} FROM attachments a WHERE report_id = ? AND "
            "id = (SELECT b.id FROM attachments b WHERE b.report_id = a.report_id AND "
            "b.url = a.url ORDER BY b.last_fetched DESC, b.id DESC LIMIT 1) ORDER BY id",
            [report_id]).fetchall()
        return [a for a in map(_attachment, rows) if a is not None]

    def keep_pages(self, report: Report) -> None:
        """Keep the raw pages of something that is not a report (yet): page versions, no
        report row."""
        with self.atomic():
            for page in report.pages:
                self.save_page(page.fetch, encoding=page.cleaned.encoding, link=False)

    def mark_live(self, url: str, status: str, detail: str = "",
                  now: str | None = None) -> bool:
        """Record what the report's page serves now (``live``, ``gone``, ``not_a_report``,
        ``suspect``); ``gone_since`` is when it first stopped serving the report. False
        when no report is stored at ``url``."""
        now = now or utcnow()
        with self.atomic():
            cur = self._conn.execute(
                "UPDATE reports SET live_status = ?, live_detail = ?, last_checked = ?, "
                "gone_since = CASE WHEN ? = 'live' THEN NULL "
                "ELSE coalesce(gone_since, ?) END WHERE url = ?",
                [status, detail or None, now, status, now, url])
        return cur.rowcount > 0

    def touch_report(self, url: str, now: str | None = None) -> bool:
        """Mark a report as checked (a 304 on every page). False if it is not stored.

        When the pages' latest bodies are the ones the report was made from (a page that
        was gone is served again, unchanged), the report is live again."""
        now = now or utcnow()
        with self.atomic():
            row = self._conn.execute("SELECT id, live_status FROM reports WHERE url = ?",
                                     [url]).fetchone()
            if row is None:
                return False
            self._conn.execute("UPDATE reports SET last_checked = ? WHERE id = ?", [now, row[0]])
            if row[1] != "live" and self._served_as_archived(row[0]):
                self.mark_live(url, "live", now=now)
        return True

    def _served_as_archived(self, report_id: int) -> bool:
        accepted = self._conn.execute(
            "SELECT page_versions FROM report_versions WHERE report_id = ? "
            "ORDER BY id DESC LIMIT 1", [report_id]).fetchone()
        latest = [r[0] for r in self._conn.execute(
            "SELECT version_id FROM pages WHERE report_id = ? ORDER BY page_no", [report_id])]
        return bool(accepted and accepted[0]) and json.loads(accepted[0]) == latest

    def delete_site(self, site: str) -> int:
        """Remove a site's reports, versions, pages and frontier (the demo starts afresh)."""
        with self.atomic():
            ids = [r[0] for r in self._conn.execute("SELECT id FROM reports WHERE site = ?",
                                                   [site])]
            for report_id in ids:
                search.remove_report(self._conn, report_id)
                self._conn.execute("DELETE FROM report_versions WHERE report_id = ?", [report_id])
                self._conn.execute("DELETE FROM pages WHERE report_id = ?", [report_id])
                self._conn.execute("DELETE FROM reports WHERE id = ?", [report_id])
            self._conn.execute("DELETE FROM pages WHERE report_id IS NULL AND url IN "
                               "(SELECT url FROM frontier WHERE site = ?)", [site])
            self._conn.execute("DELETE FROM page_versions WHERE url NOT IN "
                               "(SELECT url FROM pages)")
            self.frontier.forget_site(site)
        return len(ids)

    def report(self, url: str) -> dict[str, Any] | None:
        return next(self._dicts("SELECT * FROM reports WHERE url = ?", [url]), None)

    def reports(self, site: str | None = None) -> Iterator[dict[str, Any]]:
        sql, args = "SELECT * FROM reports", []
        if site:
            sql, args = sql + " WHERE site = ?", [site]
        yield from self._dicts(sql + " ORDER BY id", args)

    def _dicts(self, sql: str, args: Sequence[Any]) -> Iterator[dict[str, Any]]:
        # plain sqlite3: sqlite-utils' query() wraps each call in a savepoint guard, which
        # measured 7% of the crawler's CPU when a report was looked up per page
        cursor = self._conn.execute(sql, args)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def report_ids(self, site: str | None = None) -> list[int]:
        """The ids of the stored reports (of ``site``), in order."""
        sql, args = "SELECT id FROM reports", []
        if site:
            sql, args = sql + " WHERE site = ?", [site]
        return [r[0] for r in self._conn.execute(sql + " ORDER BY id", args)]

    def report_by_id(self, report_id: int) -> dict[str, Any] | None:
        """One stored report row."""
        return next(self._dicts("SELECT * FROM reports WHERE id = ?", [report_id]), None)

    def site_names(self) -> list[str]:
        """The sites the archive holds reports of."""
        return [r[0] for r in self._conn.execute(
            "SELECT DISTINCT site FROM reports WHERE site IS NOT NULL ORDER BY site")]

    def reindex(self) -> int:
        """Rebuild the search index from the stored reports; returns how many were indexed."""
        with self.atomic():
            return search.rebuild_index(self._conn)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query, for inspection (tests, scripts). Writes go through the
        methods, which keep the versions, the search index and the queue consistent."""
        return self._conn.execute(sql, params).fetchall()

    def count(self, table: str) -> int:
        return int(self._conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])


def _filename(fetch: FetchResult, url: str) -> str:
    """The attachment's file name: from Content-Disposition, else the URL's last segment."""
    disposition = fetch.headers.get("content-disposition", "")
    match = re.search(r"filename\*=(?:UTF-8'')?([^;]+)|filename=\"?([^\";]+)", disposition,
                      re.IGNORECASE)
    if match:
        return unquote((match.group(1) or match.group(2)).strip())[:200]
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])[:200]


def _decompress(raw: bytes | None, url: str) -> bytes:
    try:
        return zlib.decompress(raw) if raw else b""
    except zlib.error as exc:
        raise StoreError(f"the stored body of {url} is damaged ({exc})") from exc


def _attachment(row: tuple[Any, ...] | None) -> Attachment | None:
    if row is None:
        return None
    url = row[0]
    fetch = FetchResult(url=url, final_url=url, status=row[10] or 200,
                        headers=json.loads(row[9] or "{}"), body=_decompress(row[8], url),
                        fetched_at=row[11] or "")
    return Attachment(url, row[1] or "", fetch, row[2] or "", row[3] or "", row[4] or 0,
                      bool(row[5]), bool(row[6]), row[7] or "")


def _stored(row: tuple[Any, ...] | None) -> StoredPage | None:
    if row is None:
        return None
    raw = _decompress(row[7], row[0])
    return StoredPage(row[0], row[1], row[2], row[3] or "", row[4] or "", row[5] or "",
                      json.loads(row[6] or "{}"), raw, row[8], row[9] or "")
