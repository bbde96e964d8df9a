"""The crawl loop: it schedules URLs and records what became of them.

seed the frontier -> take queued URLs host by host (at most ``per_host_concurrency`` per host
and ``concurrency`` overall) -> :meth:`Session.process` does the work on each -> its outcome is
recorded in the frontier and its links are queued. The frontier lives in the database, so a
killed run resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .._urls import (
    canonicalize,
    date_walk,
    first_page_of,
    host_of,
    listing_key,
    origin_of,
    trap_reason,
    url_pattern,
)
from ..config import Config, SiteConfig
from ..errors import Interrupted, InvalidURL, ReportArchiverError, StoreError
from ..fetch import Fetcher
from ..fetch._browser import BrowserRenderer
from ..store import Archive, check_archive
from ..store._frontier import TOO_DEEP
from ._lock import crawl_lock, holds_lock
from ._session import Counters, PageOutcome, Session
from ._workers import PageAnalyzer

logger = logging.getLogger(__name__)

#: The reason recorded for a list URL beyond the per-pattern budget.
TRAP_BUDGET = "over the per-pattern budget of list pages (a crawler trap?)"

#: Writes of the crawl loop are committed in groups this often: a kill -9 loses at most this
#: much work (redone by the next run), and each page no longer pays for four commits.
COMMIT_SECONDS = 0.5

#: Called with one event dict per URL: {"url", "kind", "state", "detail", "host", "in_flight",
#: "queued" (at most half a second old), and the run's counters}.
ProgressFn = Callable[[dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one crawl run did: its id and status in ``crawl_runs``, and its counters."""

    run_id: int
    status: str
    command: str
    duration_seconds: float
    counters: dict[str, int]
    queued_left: int = 0
    #: things a person should look at that are no errors: site hints that matched nothing
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The summary as a flat JSON-ready dict (``crawl --json``)."""
        return {"run_id": self.run_id, "status": self.status, "command": self.command,
                "duration_seconds": round(self.duration_seconds, 3), **self.counters,
                "queued_left": self.queued_left, "warnings": list(self.warnings)}

    def line(self) -> str:
        """The one-line summary a crawl prints."""
        c = self.counters
        return (f"run {self.run_id} {self.status}: {c['fetched']} fetched, "
                f"{c['new_reports']} new, {c['changed_reports']} changed, "
                f"{c['unchanged']} unchanged, {c['errors']} errors, {c['skipped']} skipped" +
                "".join(f", {c[k]} {k}" for k in ("gone", "kept") if c.get(k)) +
                f" in {self.duration_seconds:.1f}s" +
                (f" ({self.queued_left} left queued)" if self.queued_left else ""))


@dataclass
class _Loop:
    session: Session
    sites: dict[str, SiteConfig]
    limit: int
    progress: ProgressFn | None
    run_id: int | None = None
    #: task -> (url, host, depth, site)
    in_flight: dict[asyncio.Task[PageOutcome], tuple[str, str, int, SiteConfig]] = field(
        default_factory=dict)
    busy_hosts: Counter[str] = field(default_factory=Counter)
    queued_at: tuple[float, int] = (float("-inf"), 0)
    #: per site, its start URLs that failed this run; a site that fetched one is left out
    failed_starts: dict[str, set[str]] = field(default_factory=dict)
    #: per URL pattern, the listings (listing_key) read as list pages this run: the budget
    #: against crawler traps counts these, so one listing's paging counts once
    listings: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def every_site_failed(self) -> bool:
        """True when every site failed on each of its start URLs this run: a site that is
        down (refused, robots.txt failing, redirect loops) is an error, not an empty
        success. A site whose start URLs were not all tried (a resumed backlog) has not
        failed."""
        return all(
            {canonicalize(u) for u in site.start_urls} <= self.failed_starts.get(name, set())
            for name, site in self.sites.items())

    @property
    def archive(self) -> Archive:
        return self.session.archive

    def budget_left(self) -> bool:
        """``max_pages`` counts every request sent (failures, retries, redirects, robots.txt)
        and each URL in flight as one more: no URL is started past it."""
        used = self.session.fetcher.requests + len(self.in_flight)
        return not self.limit or used < self.limit

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
        counters = self.session.counters

        def save_counters() -> None:
            if self.run_id is not None:
                self.archive.update_run(self.run_id, counters.as_dict())

        with self.archive.grouped_commits(COMMIT_SECONDS, save_counters) as commit_if_due:
            while True:
                if self.budget_left():
                    self._fill(names, cfg.concurrency)
                if not self.in_flight:
                    return
                # the timeout: a group is committed on time even while every page is slow
                done, _ = await asyncio.wait(self.in_flight, timeout=COMMIT_SECONDS,
                                             return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    _url, host, depth, site = self.in_flight.pop(task)
                    self.busy_hosts[host] -= 1
                    self._record(task.result(), site, depth)
                commit_if_due()

    def _fill(self, names: list[str], concurrency: int) -> None:
        frontier = self.archive.frontier
        busy_urls = {entry[0] for entry in self.in_flight.values()}
        for host in frontier.queued_hosts():
            skipped = True
            while skipped:  # URLs skipped by the trap budget leave room for the next ones
                skipped = False
                room = min(self.session.fetcher.throttle.per_host_of(host) -
                           self.busy_hosts[host], concurrency - len(self.in_flight))
                if room <= 0:
                    break
                for url, site, kind, depth in frontier.next_for_host(host, names, busy_urls,
                                                                     room):
                    if not self.budget_left():
                        return
                    if kind == "list" and self._over_pattern_budget(url):
                        skipped = True
                        continue
                    config = self.sites[site]
                    task = asyncio.create_task(self.session.process(url, config, kind))
                    self.in_flight[task] = (url, host, depth, config)
                    self.busy_hosts[host] += 1
                    busy_urls.add(url)

    def _over_pattern_budget(self, url: str) -> bool:
        """Skip a list URL (for good, with the reason) when its pattern already gave
        ``max_listings_per_pattern`` listings this run: an endless calendar, a search form
        with every query. Report pages never count, nor a listing's own paging."""
        seen = self.listings[url_pattern(url)]
        limit = self.session.config.crawler.max_listings_per_pattern
        if len(seen) < limit or listing_key(url) in seen or self.session.is_start(url):
            return False
        self.archive.frontier.finish(url, "skipped", f"{TRAP_BUDGET} ({limit} listings "
                                                     f"like {url_pattern(url)} this run)")
        self.session.counters.skipped += 1
        return True

    def _record(self, outcome: PageOutcome, site: SiteConfig, depth: int) -> None:
        """The outcome of one URL into the queue: its state, and its links one hop deeper."""
        logger.log(logging.WARNING if outcome.state == "failed" else logging.INFO,
                   "%s %s %s: %s", outcome.state, outcome.kind, outcome.url, outcome.detail)
        if outcome.state != "done" and self.session.is_start(outcome.url):
            self.failed_starts.setdefault(site.name, set()).add(outcome.url)
        is_list = outcome.kind in ("list", "probe") and outcome.outcome == "list"
        if is_list:
            self.listings[url_pattern(outcome.url)].add(listing_key(outcome.url))
        self._discover(site, outcome.links, depth, outcome.listing,
                       outcome.url if is_list else None, outcome.documents,
                       from_report=outcome.kind == "report")
        self.archive.frontier.finish(outcome.url, outcome.state,
                                     outcome.detail if outcome.state != "done" else outcome.note,
                                     kind=outcome.kind)
        if self.progress:
            counters = self.session.counters
            self.progress({"url": outcome.url, "kind": outcome.kind, "state": outcome.state,
                           "detail": outcome.detail, "host": host_of(outcome.url),
                           **counters.as_dict(), "in_flight": len(self.in_flight),
                           "queued": self._queued()})

    def _queued(self) -> int:
        """URLs waiting, counted at most every half second (a count is not free)."""
        now = time.monotonic()
        if now - self.queued_at[0] >= 0.5:
            self.queued_at = (now, self.archive.frontier.queued_count(list(self.sites)))
        # URLs being fetched stay 'queued' in the table until they finish
        return max(0, self.queued_at[1] - len(self.in_flight))

    def _discover(self, site: SiteConfig, links: Iterable[str], depth: int,
                  listing: str | None = None, list_page: str | None = None,
                  documents: frozenset[str] = frozenset(), *, from_report: bool = False
                  ) -> None:
        """Queue in-scope links one hop deeper; record traps and depth overflows as skipped.

        ``list_page``: the list page the links come from; its links to the same page for
        another date (a calendar's previous/next day) are not followed.

        ``documents``: the links that lead to files (PDF, Word, Excel). A report's are its
        attachments, fetched with it; a list page's are reports published as files when the
        site has no ``report_pattern`` (with one, the pattern decides).

        ``listing``: the :func:`~reportarchiver._urls.listing_key` of the list page the links
        come from. Its other pages (``index_2.html`` … ``index_999.html``) stay at its depth:
        paging through one listing is not a hop away from the start, or a site with hundreds
        of list pages would hide most of its reports beyond ``max_depth``.
        """
        max_depth = self.session.config.crawler.max_depth
        frontier = self.archive.frontier
        new: list[tuple[str, str, int]] = []
        for link in links:
            first = first_page_of(link)
            if first and site.is_report(first[0]):
                link = first[0]  # a later page: the report is fetched from page 1
            if not site.follows(link):
                continue
            report = site.is_report(link)
            if link in documents and not report:
                if from_report or site.report_pattern is not None:
                    continue  # an attachment: fetched with its report, never on its own
                report = True  # a file on a list page: a report published as a file
            hop = depth if listing and listing_key(link) == listing else depth + 1
            # a report URL is never a trap: ?date= or /2024/01/05/ are what reports carry
            reason = None if report else trap_reason(link)
            if reason is None and list_page and not report and date_walk(list_page, link):
                reason = "date-walking link (a calendar's next or previous date)"
            if reason is None and hop > max_depth:
                reason = f"{TOO_DEEP} {max_depth}"
            if reason:
                self.session.counters.skipped += frontier.skip(site.name, link, hop, reason)
                continue
            new.append((link, "report" if report else "list", hop))
        if new:
            frontier.add(site.name, new)


async def crawl(config: Config, archive: Archive, *, site_names: list[str] | None = None,
                max_pages: int | None = None, progress: ProgressFn | None = None,
                transport: httpx.AsyncBaseTransport | None = None,
                command: str = "crawl") -> RunSummary:
    """Crawl the configured sites (or ``site_names``) once; returns the run's summary.

    Holds the archive's crawl lock for the run (:class:`LockedError` if another crawl holds
    it). Page errors are counted and recorded, not raised; the run fails only when the crawl
    itself cannot go on (e.g. the database is unwritable). With ``clean_workers`` > 0 pages
    are cleaned in worker processes started by a fork server, which re-imports the calling
    script: guard a script's top level with ``if __name__ == "__main__":`` (or set 0).
    """
    with crawl_lock(archive.path):
        return await crawl_locked(config, archive, site_names=site_names, max_pages=max_pages,
                                  progress=progress, transport=transport, command=command)


async def crawl_locked(config: Config, archive: Archive, *, site_names: list[str] | None = None,
                       max_pages: int | None = None, progress: ProgressFn | None = None,
                       transport: httpx.AsyncBaseTransport | None = None,
                       command: str = "crawl") -> RunSummary:
    """:func:`crawl` for a caller that holds the crawl lock already (a flock is not
    re-entrant: taking it twice in one process fails as it does in two)."""
    if not holds_lock(archive.path):
        raise ReportArchiverError(f"{archive.path}: crawl_locked() without the crawl lock")
    sites = [config.site(n) for n in site_names] if site_names else list(config.sites)
    if not sites:
        raise ReportArchiverError("no sites configured: add a [[sites]] table to config.toml")
    problem = archive.quick_check()
    if problem != "ok":  # crawling into a damaged file would spread the damage
        raise StoreError(f"{archive.path}: the archive fails SQLite's quick_check "
                         f"({problem}); nothing was crawled. Restore a backup, or try "
                         "`sqlite3 reports.db .recover`")
    limit = config.crawler.max_pages if max_pages is None else max_pages
    names = [s.name for s in sites]
    started = time.monotonic()
    run_id = archive.start_run(command, os.getpid(), locked=True)
    counters, status, warnings = Counters(), "failed", ()
    analyzer = PageAnalyzer(config.crawler.clean_workers)
    try:
        async with Fetcher(config.crawler, transport=transport) as fetcher, \
                contextlib.AsyncExitStack() as stack:
            if config.warc_dir is not None:
                from ..interchange import WarcAppender  # (warcio only when asked for)

                warc = stack.enter_context(WarcAppender(config.warc_dir, config.warc_max_bytes))
                fetcher.on_response = warc.add
            renderer = None
            if any(site.render == "browser" for site in sites):
                renderer = await stack.enter_async_context(
                    BrowserRenderer(config.crawler.deadline_seconds))
            session = Session(config, archive, fetcher, run_id, counters, analyzer, renderer,
                              max_requests=limit)
            session.configure_politeness(sites)
            for site in sites:
                archive.frontier.add(site.name, [
                    (u, "report" if site.is_report(u) else "list", 0)
                    for u in (canonicalize(s) for s in site.start_urls)])
            archive.frontier.prepare_run(names, config.crawler.recheck_days)
            await _queue_sitemaps(session, sites)
            loop = _Loop(session, {s.name: s for s in sites}, limit, progress, run_id)
            await loop.run()
        status = "failed" if loop.every_site_failed() else "ok"
        warnings = tuple(session.warnings())
        for warning in warnings:
            logger.warning("%s", warning)
    except (asyncio.CancelledError, KeyboardInterrupt):
        status = "interrupted"
        raise
    finally:
        analyzer.close()
        duration = time.monotonic() - started
        archive.finish_run(run_id, status, {**counters.as_dict(),
                                            "duration_seconds": round(duration, 3)})
    left = archive.frontier.queued_count(names)
    return RunSummary(run_id, status, command, duration, counters.as_dict(), left, warnings)


async def _queue_sitemaps(session: Session, sites: list[SiteConfig]) -> None:
    """Sitemaps are list pages of their site (re-read every run): those robots.txt names,
    else a probe of ``/sitemap.xml`` whose absence is no error."""
    for site in sites:
        for start in site.start_urls:
            start_url = canonicalize(start)
            named = []
            if session.config.crawler.respect_robots:
                named = (await session.robots_for(
                    start_url, session.user_agent(start_url, site))).sitemaps()
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
            session.archive.frontier.add(site.name, found)


def run_crawl(config: Config, *, site_names: list[str] | None = None,
              max_pages: int | None = None, progress: ProgressFn | None = None,
              transport: httpx.AsyncBaseTransport | None = None,
              command: str = "crawl") -> RunSummary:
    """Crawl once into ``config.database``: :func:`crawl` for callers without an event loop.

    The crawl lock is taken before the archive is opened, so a second crawl changes nothing.
    """
    for name in site_names or ():
        config.site(name)  # an unknown site is a ConfigError before anything is opened
    if not config.sites:
        raise ReportArchiverError("no sites configured: add a [[sites]] table to config.toml")
    check_archive(config.database)  # a file that is no archive: refused before the lock file
    with crawl_lock(config.database), Archive(config.database) as archive:
        return asyncio.run(_until_terminated(crawl_locked(
            config, archive, site_names=site_names, max_pages=max_pages, progress=progress,
            transport=transport, command=command)))


async def _until_terminated(job: Coroutine[Any, Any, RunSummary]) -> RunSummary:
    """Run ``job``; SIGTERM (systemd, ``timeout``, ``kill``) cancels it as Ctrl-C does, so
    the run is recorded as interrupted and its workers stop: :class:`Interrupted`."""
    task = asyncio.ensure_future(job)
    loop = asyncio.get_running_loop()
    terminated = False

    def terminate() -> None:
        nonlocal terminated
        terminated = True
        task.cancel()

    try:
        loop.add_signal_handler(signal.SIGTERM, terminate)
    except (NotImplementedError, RuntimeError):  # not the main thread, not Unix
        return await task
    try:
        return await task
    except asyncio.CancelledError:
        if terminated:  # (Ctrl-C cancels too, and ends as KeyboardInterrupt)
            raise Interrupted(signal.SIGTERM) from None
        raise
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def plan_crawl(config: Config, *, site_names: list[str] | None = None,
               max_pages: int | None = None) -> list[tuple[str, str, str, int]]:
    """What the next crawl would fetch first, ``(url, site, kind, depth)``, without fetching
    or writing anything (``crawl --dry-run``): the queue as the run would prepare it. What
    lies beyond needs the list pages fetched, so a new archive plans its start URLs only."""
    sites = [config.site(n) for n in site_names] if site_names else list(config.sites)
    limit = config.crawler.max_pages if max_pages is None else max_pages
    starts = [(u, s.name, "report" if s.is_report(u) else "list", 0)
              for s in sites for u in (canonicalize(x) for x in s.start_urls)]
    check_archive(config.database)
    if not config.database.exists():
        return starts[:limit or None]
    with Archive(config.database) as archive, archive.rolled_back():
        for site in sites:
            archive.frontier.add(site.name, [(u, k, d) for u, n, k, d in starts
                                             if n == site.name])
        archive.frontier.prepare_run([s.name for s in sites], config.crawler.recheck_days)
        return archive.frontier.queued([s.name for s in sites], limit or None)
