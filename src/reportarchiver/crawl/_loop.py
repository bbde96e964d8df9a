"""The crawl loop and one-off ingestion.

crawl: seed the frontier -> take queued URLs host by host (at most ``per_host_concurrency``
per host and ``concurrency`` overall) -> :class:`Session` does robots, fetch, clean, store ->
discovered links go back into the frontier. The frontier lives in the database, so a killed
run resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .._urls import canonicalize, first_page_of, host_of, listing_key, origin_of, trap_reason
from ..clean._encoding import decode_html
from ..clean._links import extract_links
from ..config import Config, SiteConfig
from ..errors import FetchError, InvalidURL, ReportArchiverError, RobotsDisallowed
from ..fetch._client import Fetcher
from ..models import SiteHints
from ..store import _frontier as frontier
from ..store._archive import Archive
from ._session import MIN_REPORT_CHARS, Counters, Session, site_for
from ._workers import PageAnalyzer

#: Writes of the crawl loop are committed in groups this often: a kill -9 loses at most this
#: much work (redone by the next run), and each page no longer pays for four commits.
COMMIT_SECONDS = 0.5

#: Called with one event dict per URL: {"url", "kind", "state", "detail", "host", "in_flight",
#: "queued" (at most half a second old), and the run's counters}.
ProgressFn = Callable[[dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: int
    status: str
    command: str
    duration_seconds: float
    counters: dict[str, int]
    queued_left: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "status": self.status, "command": self.command,
                "duration_seconds": round(self.duration_seconds, 3), **self.counters,
                "queued_left": self.queued_left}

    def line(self) -> str:
        c = self.counters
        return (f"run {self.run_id} {self.status}: {c['fetched']} fetched, "
                f"{c['new_reports']} new, {c['changed_reports']} changed, "
                f"{c['unchanged']} unchanged, {c['errors']} errors, {c['skipped']} skipped "
                f"in {self.duration_seconds:.1f}s" +
                (f" ({self.queued_left} left queued)" if self.queued_left else ""))


@dataclass
class _Loop:
    session: Session
    sites: dict[str, SiteConfig]
    limit: int
    progress: ProgressFn | None
    in_flight: dict[asyncio.Task[None], tuple[str, str]] = field(default_factory=dict)
    busy_hosts: Counter[str] = field(default_factory=Counter)
    queued_at: tuple[float, int] = (float("-inf"), 0)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.session.archive.conn

    def budget_left(self) -> bool:
        fetched = self.session.counters.fetched + len(self.in_flight)
        return not self.limit or fetched < self.limit

    async def run(self) -> None:
        try:
            await self._run()
        except BaseException:
            # the run is over: stop the pages still in flight and collect their outcomes, or
            # each failure would be logged again as "Task exception was never retrieved"
            for task in self.in_flight:
                task.cancel()
            await asyncio.gather(*self.in_flight, return_exceptions=True)
            raise

    async def _run(self) -> None:
        cfg = self.session.config.crawler
        names = list(self.sites)
        with self.session.archive.grouped_commits(COMMIT_SECONDS) as commit_if_due:
            while True:
                if self.budget_left():
                    self._fill(names, cfg.concurrency, cfg.per_host_concurrency)
                if not self.in_flight:
                    return
                # the timeout: a group is committed on time even while every page is slow
                done, _ = await asyncio.wait(self.in_flight, timeout=COMMIT_SECONDS,
                                             return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    _url, host = self.in_flight.pop(task)
                    self.busy_hosts[host] -= 1
                    task.result()  # errors of one URL are handled inside; else it is a bug
                commit_if_due()

    def _fill(self, names: list[str], concurrency: int, per_host: int) -> None:
        busy_urls = {url for url, _ in self.in_flight.values()}
        for host in frontier.queued_hosts(self.conn):
            room = min(per_host - self.busy_hosts[host], concurrency - len(self.in_flight))
            if room <= 0:
                continue
            for url, site, kind, depth in frontier.next_for_host(self.conn, host, names,
                                                                 busy_urls, room):
                if not self.budget_left():
                    return
                task = asyncio.create_task(self._one(url, self.sites[site], kind, depth))
                self.in_flight[task] = (url, host)
                self.busy_hosts[host] += 1
                busy_urls.add(url)

    async def _one(self, url: str, site: SiteConfig, kind: str, depth: int) -> None:
        session, counters = self.session, self.session.counters
        state, detail = "done", ""
        try:
            if kind == "report":
                outcome = await session.process_report(url, site.name, site.hints)
                self._discover(site, outcome.links, depth)
                if outcome.failed:
                    raise outcome.failed  # stored incomplete: recorded and retried below
                detail = outcome.outcome
            else:
                detail = await self._list(url, site, depth)
        except FetchError as exc:
            if isinstance(exc, RobotsDisallowed) and exc.url == url:
                state, detail = "skipped", exc.message
                counters.skipped += 1
            elif kind == "probe" and exc.status in (403, 404, 410):
                state, detail = "done", "absent"  # a guessed /sitemap.xml that is not there
            else:
                state, detail = "failed", exc.message
                counters.errors += 1
                # the URL that failed: a later page of the report (robots.txt may forbid it
                # too: the report then stays incomplete, retried like any failure), or the URL
                session.archive.record_error(session.run_id, exc.url, exc.kind, exc.message,
                                             exc.status, exc.attempts)
        except InvalidURL as exc:
            state, detail = "failed", exc.reason
            counters.errors += 1
            session.archive.record_error(session.run_id, url, "invalid_url", exc.reason)
        with session.archive.atomic():
            frontier.finish(self.conn, url, state, detail if state != "done" else "")
        if self.progress:
            self.progress({"url": url, "kind": kind, "state": state, "detail": detail,
                           "host": host_of(url), **counters.as_dict(),
                           "in_flight": len(self.in_flight), "queued": self._queued()})

    def _queued(self) -> int:
        """URLs waiting, counted at most every half second (a count is not free)."""
        now = time.monotonic()
        if now - self.queued_at[0] >= 0.5:
            self.queued_at = (now, frontier.queued_count(self.conn, list(self.sites)))
        # URLs being fetched stay 'queued' in the table until they finish
        return max(0, self.queued_at[1] - len(self.in_flight))

    async def _list(self, url: str, site: SiteConfig, depth: int) -> str:
        session = self.session
        result, links, modified = await session.process_list(url)
        if not modified:
            return "unchanged"
        if links is None and site.report_pattern is None:
            # is it a report? cleaned where reports are (a worker), and not cleaned again
            analysis = await session.analyze(result, site.hints)
            if len(analysis.cleaned.text) >= MIN_REPORT_CHARS:
                with session.archive.atomic():
                    self.conn.execute("UPDATE frontier SET kind = 'report' WHERE url = ?", [url])
                outcome = await session.process_report(url, site.name, site.hints, result,
                                                       analysis)
                self._discover(site, outcome.links, depth)
                if outcome.failed:
                    raise outcome.failed
                return outcome.outcome
            links, encoding = analysis.links, analysis.cleaned.encoding
        elif links is None:  # an HTML page of a site whose report URLs are known
            decoded = decode_html(result.body, result.charset)
            links = extract_links(decoded.text, result.final_url or url)
            encoding = decoded.encoding
        else:
            encoding = ""
        with session.archive.atomic():
            session.archive.save_page(result, encoding=encoding)
            # feeds a page announces are followed like its links (sitemaps/feeds have none)
            self._discover(site, links.links + links.feeds, depth, listing=listing_key(url))
        return "list"

    def _discover(self, site: SiteConfig, links: Iterable[str], depth: int,
                  listing: str | None = None) -> None:
        """Queue in-scope links one hop deeper; record traps and depth overflows as skipped.

        ``listing``: the :func:`~reportarchiver.urls.listing_key` of the list page the links
        come from. Its other pages (``index_2.html`` … ``index_999.html``) stay at its depth:
        paging through one listing is not a hop away from the start, or a site with hundreds
        of list pages would hide most of its reports beyond ``max_depth``.
        """
        max_depth = self.session.config.crawler.max_depth
        new: list[tuple[str, str, int]] = []
        skipped = 0
        with self.session.archive.atomic():
            for link in links:
                first = first_page_of(link)
                if first and site.is_report(first[0]):
                    link = first[0]  # a later page: the report is fetched from page 1
                if not site.follows(link):
                    continue
                hop = depth if listing and listing_key(link) == listing else depth + 1
                reason = trap_reason(link)
                if reason is None and hop > max_depth:
                    reason = f"{frontier.TOO_DEEP} {max_depth}"
                if reason:
                    skipped += frontier.skip(self.conn, site.name, link, hop, reason)
                    continue
                kind = "report" if site.is_report(link) else "list"
                new.append((link, kind, hop))
            frontier.add(self.conn, site.name, new)
        self.session.counters.skipped += skipped


async def crawl(config: Config, archive: Archive, *, site_names: list[str] | None = None,
                max_pages: int | None = None, progress: ProgressFn | None = None,
                transport: httpx.AsyncBaseTransport | None = None,
                command: str = "crawl") -> RunSummary:
    """Crawl the configured sites (or ``site_names``) once; returns the run's summary.

    Page errors are counted and recorded, not raised; the run fails only when the crawl
    itself cannot go on (e.g. the database is unwritable). With ``clean_workers`` > 0 pages
    are cleaned in worker processes started by a fork server, which re-imports the calling
    script: guard a script's top level with ``if __name__ == "__main__":`` (or set 0).
    """
    sites = [config.site(n) for n in site_names] if site_names else list(config.sites)
    if not sites:
        raise ReportArchiverError("no sites configured: add a [[sites]] table to config.toml")
    limit = config.crawler.max_pages if max_pages is None else max_pages
    started = time.monotonic()
    run_id = archive.start_run(command, os.getpid())
    counters, status = Counters(), "failed"
    analyzer = PageAnalyzer(config.crawler.clean_workers)
    try:
        async with Fetcher(config.crawler, transport=transport) as fetcher:
            session = Session(config, archive, fetcher, run_id, counters, analyzer)
            with archive.atomic():
                for site in sites:
                    frontier.add(archive.conn, site.name, [
                        (u, "report" if site.is_report(u) else "list", 0)
                        for u in (canonicalize(s) for s in site.start_urls)])
            frontier.prepare_run(archive.conn, [s.name for s in sites],
                                 config.crawler.recheck_days)
            await _queue_sitemaps(session, sites)
            await _Loop(session, {s.name: s for s in sites}, limit, progress).run()
        status = "ok"
    except (asyncio.CancelledError, KeyboardInterrupt):
        status = "interrupted"
        raise
    finally:
        analyzer.close()
        duration = time.monotonic() - started
        archive.finish_run(run_id, status, {**counters.as_dict(),
                                            "duration_seconds": round(duration, 3)})
    left = frontier.queued_count(archive.conn, [s.name for s in sites])
    return RunSummary(run_id, status, command, duration, counters.as_dict(), left)


async def _queue_sitemaps(session: Session, sites: list[SiteConfig]) -> None:
    """Sitemaps are list pages of their site (re-read every run): those robots.txt names,
    else a probe of ``/sitemap.xml`` whose absence is no error."""
    for site in sites:
        for start in site.start_urls:
            start_url = canonicalize(start)
            named = []
            if session.config.crawler.respect_robots:
                named = (await session.robots_for(start_url)).sitemaps()
            found = []
            for sitemap in named:
                try:
                    url = canonicalize(sitemap)
                except InvalidURL:
                    continue
                if site.follows(url):
                    found.append((url, "list", 1))
            if not named and site.follows(origin_of(start_url) + "/sitemap.xml"):
                found.append((origin_of(start_url) + "/sitemap.xml", "probe", 1))
            with session.archive.atomic():
                frontier.add(session.archive.conn, site.name, found)


@dataclass(frozen=True, slots=True)
class IngestResult:
    url: str
    ok: bool
    outcome: str = ""  # new | changed | unchanged
    title: str = ""
    page_count: int = 0
    error: str = ""

    def line(self) -> str:
        if not self.ok:
            return f"error {self.url}: {self.error}"
        return f"{self.outcome} {self.url} ({self.page_count} page(s)) {self.title}"


async def ingest(config: Config, archive: Archive, urls: Iterable[str], *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 on_result: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
    """Fetch, clean and store each URL as a report. A bad URL never stops the others."""
    run_id = archive.start_run("ingest", os.getpid())
    counters = Counters()
    results: list[IngestResult] = []
    started = time.monotonic()
    async with Fetcher(config.crawler, transport=transport) as fetcher:
        session = Session(config, archive, fetcher, run_id, counters)
        for raw in urls:
            result = await _ingest_one(session, raw)
            counters.errors += not result.ok
            results.append(result)
            if on_result:
                on_result(result)
    archive.finish_run(run_id, "ok" if all(r.ok for r in results) else "failed",
                       {**counters.as_dict(),
                        "duration_seconds": round(time.monotonic() - started, 3)})
    return results


async def _ingest_one(session: Session, raw: str) -> IngestResult:
    try:
        url = canonicalize(raw)
    except InvalidURL as exc:
        session.archive.record_error(session.run_id, raw, "invalid_url", exc.reason)
        return IngestResult(raw, False, error=exc.reason)
    first = first_page_of(url)
    if first:  # asked for page n: archive the whole report from page 1
        url = first[0]
    site = site_for(session.config, url)
    name = site.name if site else host_of(url)
    try:
        outcome = await session.process_report(url, name, site.hints if site else SiteHints())
    except (FetchError, InvalidURL) as exc:
        failed_url = exc.url if isinstance(exc, FetchError) else url
        return IngestResult(url, False, error=_record(session, failed_url, exc))
    if outcome.failed:
        error = _record(session, outcome.failed.url, outcome.failed)
        return IngestResult(url, False, outcome.outcome, outcome.title, outcome.page_count,
                            f"{error}; stored incomplete ({outcome.page_count} page(s))")
    return IngestResult(url, True, outcome.outcome, outcome.title, outcome.page_count)


def _record(session: Session, url: str, exc: FetchError | InvalidURL) -> str:
    """Record a failed ingestion in ``fetch_errors``; returns its message."""
    kind = getattr(exc, "kind", "invalid_url")
    message = getattr(exc, "message", None) or str(exc)
    session.archive.record_error(session.run_id, url, kind, message,
                                 getattr(exc, "status", None), getattr(exc, "attempts", 1))
    return message


