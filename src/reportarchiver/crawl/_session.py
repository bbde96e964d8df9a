"""The work on one URL, shared by ``crawl`` and ``ingest``: robots check, conditional fetch,
pagination, cleaning, stitching and storing a report, or reading the links of a list page.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field

from .._pipeline import PageAnalysis, stitch
from .._urls import host_of, origin_of
from ..clean._links import PageLinks, feed_urls, report_page_links, sitemap_urls
from ..config import Config, SiteConfig
from ..errors import FetchError, RobotsDisallowed
from ..fetch._client import Fetcher
from ..fetch._politeness import RobotsRules, robots_rules
from ..models import FetchResult, Page, SiteHints
from ..store import _frontier as frontier
from ..store._archive import Archive
from ._workers import PageAnalyzer

MAX_REPORT_PAGES = 100
#: Without a report_pattern, a page whose cleaned body is at least this long is a report.
MIN_REPORT_CHARS = 500


@dataclass
class Counters:
    fetched: int = 0
    new_reports: int = 0
    changed_reports: int = 0
    unchanged: int = 0
    errors: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def count_outcome(self, outcome: str) -> None:
        name = {"new": "new_reports", "changed": "changed_reports"}.get(outcome, "unchanged")
        setattr(self, name, getattr(self, name) + 1)


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    url: str
    outcome: str  # new | changed | unchanged
    title: str
    page_count: int
    links: tuple[str, ...]
    #: a later page that could not be fetched: the pages before it were stored, marked
    #: incomplete, and the caller records this error so that the report is retried
    failed: FetchError | None = None


@dataclass
class Session:
    """What one run shares: config, archive, fetcher, robots cache and counters."""

    config: Config
    archive: Archive
    fetcher: Fetcher
    run_id: int | None
    counters: Counters = field(default_factory=Counters)
    analyze: PageAnalyzer = field(default_factory=PageAnalyzer)
    robots: dict[str, RobotsRules] = field(default_factory=dict)
    _robots_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    # -- robots -------------------------------------------------------------------------------

    async def robots_for(self, url: str) -> RobotsRules:
        """The robots rules of ``url``'s origin, fetched once per run."""
        origin = origin_of(url)
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self.robots:
                self.robots[origin] = await self._fetch_robots(origin)
        return self.robots[origin]

    async def _fetch_robots(self, origin: str) -> RobotsRules:
        try:
            result = await self.fetcher.get(origin + "/robots.txt", accept_errors=True)
            rules = robots_rules(result.status, result.body)
        except FetchError as exc:
            rules = robots_rules(None, b"", exc.message)
        if rules.reason and not rules.allow_all:
            self.archive.record_error(self.run_id, origin + "/robots.txt", "robots", rules.reason)
        delay = rules.crawl_delay(self.config.crawler.user_agent)
        if delay:
            self.fetcher.throttle.set_min_delay(host_of(origin), delay)
        return rules

    async def check_allowed(self, url: str) -> None:
        if not self.config.crawler.respect_robots:
            return
        rules = await self.robots_for(url)
        if not rules.allowed(url, self.config.crawler.user_agent):
            raise RobotsDisallowed(url, rules.reason or "disallowed by robots.txt")

    # -- pages --------------------------------------------------------------------------------

    async def fetch_page(self, url: str) -> tuple[FetchResult, bool]:
        """Fetch with a conditional GET. On 304 the stored body is returned, modified False."""
        await self.check_allowed(url)
        etag, last_modified = self.archive.page_validators(url)
        result = await self.fetcher.get(url, etag=etag, last_modified=last_modified)
        self.counters.fetched += 1
        stored = self.archive.stored_page(url) if result.status == 304 else None
        if stored is not None:
            return FetchResult(url=url, final_url=url, status=200, headers=stored.headers,
                               body=stored.raw, fetched_at=result.fetched_at), False
        return result, True

    async def process_report(self, url: str, site: str, hints: SiteHints,
                             first_page: FetchResult | None = None,
                             first_analysis: PageAnalysis | None = None) -> ReportOutcome:
        """Fetch every page of the report at ``url``, stitch, store. Raises FetchError.

        ``first_page``: page 1 when it was already fetched (as a list page that turned out to
        be a report), with ``first_analysis`` when it was already cleaned too.

        When page 1 fails, nothing is stored. When a later page fails, the pages before it
        are stored with ``complete = 0`` (the site may never serve that page again: better
        part of a report than none) and the error is returned in
        :attr:`ReportOutcome.failed`; but a report stored whole is never replaced by part of
        it (nor an incomplete one by a shorter part): the error is raised instead.
        """
        if first_page is not None:
            first, modified = first_page, True
        else:
            first, modified = await self.fetch_page(url)
        fetched: dict[str, FetchResult] = {}
        if not modified:
            unchanged = await self._all_pages_unchanged(url, fetched)
            if unchanged is not None:
                return unchanged
        pages, links, failed = await self._fetch_pages(url, first, hints, fetched,
                                                       first_analysis if modified else None)
        if failed is not None:
            stored = self.archive.report(url)
            if stored is not None and (stored["complete"] or stored["page_count"] > len(pages)):
                raise failed  # keep the longer report we have
        report = stitch(url, site, pages, complete=failed is None)
        outcome = self.archive.save_report(report)
        with self.archive.atomic():
            frontier.claim_pages(self.archive.conn, site, [p.fetch.url for p in pages[1:]])
        self.counters.count_outcome(outcome)
        return ReportOutcome(url, outcome, report.metadata.title, report.page_count, links,
                             failed)

    async def _all_pages_unchanged(self, url: str,
                                   fetched: dict[str, FetchResult]) -> ReportOutcome | None:
        """When page 1 was a 304: check the stored later pages the same way. Pages fetched
        on the way are kept in ``fetched`` so that a changed report is not fetched twice."""
        stored = self.archive.report(url)
        if stored is None or not stored["complete"]:
            return None  # an incomplete report is fetched whole again
        changed = False
        for page_url in self.archive.report_pages(url)[1:]:
            result, modified = await self.fetch_page(page_url)
            fetched[page_url] = result
            changed = changed or modified
        if changed:
            return None
        self.archive.touch_report(url)
        self.counters.count_outcome("unchanged")
        return ReportOutcome(url, "unchanged", stored["title"] or "", stored["page_count"], ())

    async def _fetch_pages(self, url: str, first: FetchResult, hints: SiteHints,
                           fetched: dict[str, FetchResult],
                           first_analysis: PageAnalysis | None = None
                           ) -> tuple[list[Page], tuple[str, ...], FetchError | None]:
        """The report's pages in order up to the first that fails, its links, that failure."""
        cleaned, links, index_text = first_analysis or await self.analyze(first, hints)
        pages = [Page(first, cleaned, 1, index_text)]
        known = dict((u, n) for n, u in report_page_links(links, url))
        done = {url}
        while len(pages) < MAX_REPORT_PAGES:
            pending = sorted((n, u) for u, n in known.items() if u not in done)
            if not pending:
                break
            number, page_url = pending[0]
            done.add(page_url)
            try:
                result = fetched.get(page_url) or (await self.fetch_page(page_url))[0]
            except FetchError as exc:
                return pages, links.links, exc
            page_cleaned, more, page_index = await self.analyze(result, hints)
            pages.append(Page(result, page_cleaned, number, page_index))
            for n, u in report_page_links(more, url):
                known.setdefault(u, n)
        return pages, links.links, None

    async def process_list(self, url: str) -> tuple[FetchResult, PageLinks | None, bool]:
        """Fetch a list page, sitemap or feed. Returns its links (None when unmodified)."""
        result, modified = await self.fetch_page(url)
        if not modified:
            return result, None, False
        head = result.body[:512].lstrip().lower()
        if b"<urlset" in head or b"<sitemapindex" in head:
            return result, PageLinks(tuple(sitemap_urls(result.body)), (), ()), True
        if b"<rss" in head or b"<feed" in head:
            return result, PageLinks(tuple(feed_urls(result.body)), (), ()), True
        return result, None, True


def site_for(config: Config, url: str) -> SiteConfig | None:
    """The configured site whose scope contains ``url``, if any."""
    for site in config.sites:
        if site.follows(url):
            return site
    return None
