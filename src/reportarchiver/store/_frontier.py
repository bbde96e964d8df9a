"""The crawl queue, kept in the archive's ``frontier`` table so that a killed run resumes.

States: ``queued`` (to fetch this run), ``done``, ``failed`` (retried from the run after
``next_attempt_at``: the next run at first, then ever more spaced out), ``skipped``
(out of scope, robots, trap: the reason is kept). Kinds: ``list`` (index pages, sitemaps and
feeds: re-checked every run), ``probe`` (a guessed ``/sitemap.xml``: a list whose absence is no
error), ``report`` (re-checked after ``recheck_days``), ``page`` (a later page of a report,
fetched with the report, never on its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from .._system import utcnow
from .._urls import host_of

if TYPE_CHECKING:
    from ._archive import Archive

#: The longest wait before a URL that keeps failing is tried again, in days.
MAX_RETRY_DAYS = 30

#: The reason recorded for a URL beyond ``max_depth``; such a URL is queued again when it is
#: found within reach (a shorter path, a larger ``max_depth`` in the config).
TOO_DEEP = "deeper than max_depth"


def retry_delay(failures: int) -> timedelta:
    """How long a URL that failed ``failures`` runs in a row waits before it is tried again:
    the next run after the first failure, then 1, 3, 7, 15 days, at most
    :data:`MAX_RETRY_DAYS`, so that years of cron runs do not knock on dead links nightly."""
    return timedelta(days=min(2 ** (max(failures, 1) - 1) - 1, MAX_RETRY_DAYS))


class Frontier:
    """The crawl queue of one archive (``archive.frontier``).

    Every method is a transaction of its own, or a part of the archive's open commit group
    (:meth:`Archive.grouped_commits`): callers never manage transactions.
    """

    def __init__(self, archive: Archive) -> None:
        self._archive = archive

    @property
    def _conn(self):
        return self._archive._conn

    def add(self, site: str, urls: Iterable[tuple[str, str, int]]) -> None:
        """Queue new ``(url, kind, depth)`` entries. A known URL keeps its state and only takes
        the smaller depth, except one skipped as too deep, which is queued again."""
        now = utcnow()
        # SET expressions see the row as it was, so every CASE tests the old state
        too_deep = f"(state = 'skipped' AND reason LIKE '{TOO_DEEP}%')"
        with self._archive.atomic():
            self._conn.executemany(
                "INSERT INTO frontier (url, site, host, depth, kind, state, attempts, "
                "discovered_at) VALUES (?, ?, ?, ?, ?, 'queued', 0, ?) ON CONFLICT(url) DO "
                "UPDATE SET depth = min(depth, excluded.depth), "
                f"kind = CASE WHEN {too_deep} THEN excluded.kind ELSE kind END, "
                f"state = CASE WHEN {too_deep} THEN 'queued' ELSE state END, "
                f"reason = CASE WHEN {too_deep} THEN NULL ELSE reason END "
                f"WHERE excluded.depth < depth OR {too_deep}",
                [(url, site, host_of(url), depth, kind, now) for url, kind, depth in urls])

    def skip(self, site: str, url: str, depth: int, reason: str) -> bool:
        """Record a URL that will not be fetched and why. True if it was not known before."""
        with self._archive.atomic():
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO frontier (url, site, host, depth, kind, state, attempts, "
                "discovered_at, reason) VALUES (?, ?, ?, ?, 'skipped', 'skipped', 0, ?, ?)",
                [url, site, host_of(url), depth, utcnow(), reason])
        return cur.rowcount > 0

    def claim_pages(self, site: str, urls: Iterable[str]) -> None:
        """Mark URLs as later pages of a report, so they are not fetched as reports of their
        own."""
        now = utcnow()
        with self._archive.atomic():
            self._conn.executemany(
                "INSERT INTO frontier (url, site, host, depth, kind, state, attempts, "
                "discovered_at, checked_at) VALUES (?, ?, ?, 0, 'page', 'done', 0, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET kind = 'page', state = 'done', checked_at = ?, "
                "attempts = 0, next_attempt_at = NULL",
                [(url, site, host_of(url), now, now, now) for url in urls])

    def prepare_run(self, sites: Iterable[str], recheck_days: float) -> int:
        """Start a new pass, or resume the unfinished one; returns the number of queued URLs.

        A pass ends when nothing is queued. While a backlog remains (a run stopped by
        ``max_pages`` or killed), the next run just works it off: re-queuing the list pages at
        every start would starve the reports behind them.
        """
        names = list(sites)
        if self.queued_count(names):
            return self.queued_count(names)
        marks = ",".join("?" * len(names))
        cutoff = (datetime.now(UTC) - timedelta(days=recheck_days)).replace(microsecond=0)
        with self._archive.atomic():
            # lists are re-read every run, but a failing one waits like any failed URL (start
            # URLs, depth 0, excepted: they are how the site is found at all)
            self._conn.execute(
                f"UPDATE frontier SET state = 'queued' WHERE site IN ({marks}) AND "
                "((kind IN ('list', 'probe') AND (state != 'failed' OR depth = 0)) OR "
                "(state = 'failed' AND coalesce(next_attempt_at, '') <= ?))", [*names, utcnow()])
            self._conn.execute(
                f"UPDATE frontier SET state = 'queued' WHERE site IN ({marks}) AND "
                "kind = 'report' AND state = 'done' AND (checked_at IS NULL OR "
                "checked_at <= ?)", [*names, cutoff.isoformat()])
        return self.queued_count(names)

    def queued_count(self, sites: list[str]) -> int:
        """How many URLs of ``sites`` are queued."""
        marks = ",".join("?" * len(sites))
        return int(self._conn.execute(
            f"SELECT count(*) FROM frontier WHERE state = 'queued' AND site IN ({marks})",
            sites).fetchone()[0])

    def queued_hosts(self) -> list[str]:
        """Hosts with queued URLs (of any site; :meth:`next_for_host` filters by site).

        A skip-scan of the (state, host) index: one seek per host, where ``SELECT DISTINCT``
        read every queued row (0.7 ms at 6,000 queued, on every scheduling step).
        """
        return [r[0] for r in self._conn.execute(
            "WITH RECURSIVE h(host) AS ("
            " SELECT min(host) FROM frontier WHERE state = 'queued'"
            " UNION ALL"
            " SELECT (SELECT min(host) FROM frontier WHERE state = 'queued' AND host > h.host)"
            " FROM h WHERE h.host IS NOT NULL)"
            " SELECT host FROM h WHERE host IS NOT NULL")]

    def next_for_host(self, host: str, sites: list[str], busy: set[str],
                      limit: int) -> list[tuple[str, str, str, int]]:
        """Up to ``limit`` queued ``(url, site, kind, depth)`` of a host, in discovery order.

        Discovery order is breadth-first, and it is the order of the (state, host) index, so
        this stays one short index walk however long the queue (sorting by depth cost 2 ms a
        call).
        """
        marks = ",".join("?" * len(sites))
        rows = self._conn.execute(
            f"SELECT url, site, kind, depth FROM frontier WHERE state = 'queued' AND host = ? "
            f"AND site IN ({marks}) ORDER BY rowid LIMIT ?", [host, *sites, limit + len(busy)])
        return [r for r in rows if r[0] not in busy][:limit]

    def finish(self, url: str, state: str, reason: str = "", kind: str | None = None) -> None:
        """Record the outcome of one URL for this run; ``kind`` when it turned out to be
        another kind than it was queued as (a list page that is a report)."""
        now = datetime.now(UTC).replace(microsecond=0)
        with self._archive.atomic():
            retry_at = None
            if state == "failed":
                row = self._conn.execute("SELECT attempts FROM frontier WHERE url = ?",
                                         [url]).fetchone()
                retry_at = (now + retry_delay((row[0] if row else 0) + 1)).isoformat()
            self._conn.execute(
                "UPDATE frontier SET state = ?, checked_at = ?, reason = ?, "
                "next_attempt_at = ?, kind = coalesce(?, kind), "
                "attempts = CASE WHEN ? = 'failed' THEN attempts + 1 ELSE 0 END WHERE url = ?",
                [state, now.isoformat(), reason or None, retry_at, kind, state, url])

    def queued(self, sites: list[str], limit: int | None = None
               ) -> list[tuple[str, str, str, int]]:
        """``(url, site, kind, depth)`` of the queued URLs of ``sites``, in the order they are
        taken (per host, discovery order)."""
        marks = ",".join("?" * len(sites))
        return self._conn.execute(
            f"SELECT url, site, kind, depth FROM frontier WHERE state = 'queued' AND "
            f"site IN ({marks}) ORDER BY host, rowid LIMIT ?", [*sites, limit or -1]).fetchall()

    def forget_site(self, site: str) -> None:
        """Drop a site's queue (with its reports, by :meth:`Archive.delete_site`)."""
        with self._archive.atomic():
            self._conn.execute("DELETE FROM frontier WHERE site = ?", [site])
