"""The work on one URL, shared by ``crawl`` and ``ingest``: :meth:`Session.process`.

robots check -> conditional fetch -> what is it? (a sitemap or feed, a list page, a report)
-> for a report: its later pages, cleaning, stitching, storing. The crawl loop only schedules
URLs and records what :class:`PageOutcome` says.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .._pipeline import PageAnalysis, read_attachment, stitch, with_attachments
from .._system import utcnow
from .._urls import canonicalize, host_of, listing_key, origin_of
from ..clean._links import PageLinks, feed_urls, report_page_links, sitemap_urls
from ..config import Config, SiteConfig
from ..documents import needs_javascript
from ..errors import (
    FetchError,
    HTTPStatusError,
    OutOfScope,
    PageError,
    RobotsDisallowed,
    StoreError,
)
from ..fetch import Fetcher, RobotsRules, robots_rules
from ..fetch._browser import BrowserRenderer
from ..models import Attachment, FetchResult, Page, Report
from ..store import Archive
from ..store._archive import content_hash
from ._judge import judge_revision, not_a_report
from ._workers import PageAnalyzer

#: How a report stopped by the run's max_pages says so.
OVER_BUDGET = "max_pages reached within the report"
#: The note recorded for a page that shows no text without JavaScript.
NEEDS_JS = "needs JavaScript"
#: Without a report_pattern, a page whose cleaned body is at least this long is a report.
MIN_REPORT_CHARS = 500


@dataclass
class Counters:
    """What a run did, as stored in ``crawl_runs``."""

    fetched: int = 0
    new_reports: int = 0
    changed_reports: int = 0
    unchanged: int = 0
    errors: int = 0
    skipped: int = 0
    gone: int = 0  # archived reports whose page is gone (404/410) or no report any more
    kept: int = 0  # archived reports kept against a suspicious replacement
    needs_js: int = 0  # report URLs whose page shows no text without JavaScript

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def count_outcome(self, outcome: str) -> None:
        name = {"new": "new_reports", "changed": "changed_reports"}.get(outcome, "unchanged")
        setattr(self, name, getattr(self, name) + 1)


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What became of one URL.

    ``state`` is the queue state to record (``done``, ``failed``, ``skipped``); ``kind`` what
    the URL turned out to be (``report``, ``list``, ``probe``); ``outcome`` ``new``,
    ``changed`` or ``unchanged`` for a report, ``list``, ``unchanged`` or ``absent`` for the
    others; ``links`` the URLs to queue, with ``listing`` (the list page's
    :func:`~reportarchiver._urls.listing_key`) when they come from a list page. ``error``: the
    failure, already recorded in ``fetch_errors``; with state ``done`` it is a later page of a
    report stored incomplete (retried like a failure).
    """

    url: str
    state: str
    kind: str
    outcome: str = ""
    title: str = ""
    page_count: int = 0
    links: tuple[str, ...] = ()
    listing: str | None = None
    error: PageError | None = None
    #: why, for the queue's ``reason`` (a report kept or gone, a page that is no report)
    note: str = ""
    #: which of ``links`` lead to documents (PDF, Word, Excel): a report's are its
    #: attachments, fetched with it, never queued on their own
    documents: frozenset[str] = frozenset()

    @property
    def detail(self) -> str:
        """One line for progress displays and the queue's ``reason``."""
        if self.error is not None:
            return self.error.message
        return self.note or self.outcome


@dataclass
class Session:
    """What one run shares: config, archive, fetcher, robots cache and counters."""

    config: Config
    archive: Archive
    fetcher: Fetcher
    run_id: int | None
    counters: Counters = field(default_factory=Counters)
    analyze: PageAnalyzer = field(default_factory=PageAnalyzer)
    #: a headless browser, for sites with render = "browser"
    renderer: BrowserRenderer | None = None
    #: "now" for what is stored (a WARC import stores each capture at its capture time)
    clock: Callable[[], str] = utcnow
    #: (origin, user agent) -> rules, read once per run
    robots: dict[tuple[str, str], RobotsRules] = field(default_factory=dict)
    _robots_locks: dict[tuple[str, str], asyncio.Lock] = field(default_factory=dict)
    _starts: frozenset[str] | None = None
    #: (site, hint) -> report pages where the hint matched nothing, this run
    hint_misses: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: site -> report pages cleaned this run (what the misses are out of)
    report_pages: Counter[str] = field(default_factory=Counter)

    def warnings(self) -> list[str]:
        """One line per site hint that matched nothing on report pages this run."""
        return [f"site {site}: the hint {hint!r} matched nothing on {misses} of "
                f"{self.report_pages[site]} report pages (the generic cleaner was used)"
                for (site, hint), misses in sorted(self.hint_misses.items())]

    #: requests allowed this run (``max_pages``), 0: no limit
    max_requests: int = 0

    def configure_politeness(self, sites: Iterable[SiteConfig]) -> None:
        """Each site's own delay and concurrency for its hosts, where it has them."""
        for site in sites:
            for host in site.hosts():
                self.fetcher.throttle.configure(
                    host, delay=site.delay_seconds if site.delay_seconds >= 0 else None,
                    per_host=site.per_host_concurrency or None)

    def over_budget(self) -> bool:
        """True once the run's requests reached ``max_pages``: a report stops fetching."""
        return bool(self.max_requests) and self.fetcher.requests >= self.max_requests

    def is_start(self, url: str) -> bool:
        """True for a configured start URL: its failure is the site's, always an error."""
        if self._starts is None:
            urls = set()
            for site in self.config.sites:
                for start in site.start_urls:
                    with contextlib.suppress(PageError):
                        urls.add(canonicalize(start))
            self._starts = frozenset(urls)
        return url in self._starts

    # -- one URL ------------------------------------------------------------------------------

    async def process(self, url: str, site: SiteConfig, kind: str) -> PageOutcome:
        """Fetch ``url`` and do what it calls for; never raises for a failure of the URL.

        ``kind`` is what the queue thinks the URL is: ``report`` (fetched with its later
        pages and stored), ``list`` or ``probe`` (its links are returned; without a
        ``report_pattern`` a list page whose body reads as a report is stored as one).
        Failures are counted and recorded in ``fetch_errors``.
        """
        try:
            if kind == "report":
                return await self._report(url, site)
            return await self._list(url, site, kind)
        except PageError as exc:
            return self._failed(url, kind, exc)

    def _failed(self, url: str, kind: str, exc: PageError) -> PageOutcome:
        start = self.is_start(url)
        if (kind == "report" and isinstance(exc, HTTPStatusError) and exc.url == url
                and exc.status in (404, 410)):
            note = f"HTTP {exc.status}: the page is gone, the archived report stays"
            if self.archive.mark_live(url, "gone", note, self.clock()):
                self.counters.gone += 1
                return PageOutcome(url, "done", kind, "gone", note=note)
        if isinstance(exc, RobotsDisallowed) and exc.url == url and exc.for_this_run:
            # the host is refused for this run (its robots.txt failed, counted once): the
            # URL waits for the next run, it is not skipped for good
            return PageOutcome(url, "failed", kind, error=exc)
        if isinstance(exc, RobotsDisallowed) and exc.url == url and not start:
            self.counters.skipped += 1
            return PageOutcome(url, "skipped", kind, error=exc)
        if kind == "probe" and exc.status in (403, 404, 410):
            return PageOutcome(url, "done", kind, "absent")  # a guessed /sitemap.xml: no error
        self.record(exc)
        return PageOutcome(url, "failed", kind, error=exc)

    def record(self, exc: PageError) -> None:
        """Count and record the failure of one URL (``fetch_errors``)."""
        self.counters.errors += 1
        self.archive.record_error(self.run_id, exc)

    async def _list(self, url: str, site: SiteConfig, kind: str) -> PageOutcome:
        result, modified = await self.fetch_page(url, site)
        if not modified:
            return PageOutcome(url, "done", kind, "unchanged")
        links = _feed_links(result)
        if links is not None:  # a sitemap or feed
            self.archive.save_page(result)
            return PageOutcome(url, "done", kind, "list", links=links.links,
                               listing=listing_key(url))
        guess = site.report_pattern is None  # is it a report? only its body can tell
        analysis = await self.analyze(result, site.hints, body=guess)
        if guess and analysis.cleaned and len(analysis.cleaned.text) >= MIN_REPORT_CHARS:
            return await self._report(url, site, (result, analysis))
        self.archive.save_page(result, encoding=analysis.encoding)
        # feeds a page announces are followed like its links
        return PageOutcome(url, "done", kind, "list", documents=_documents(analysis.links),
                           links=analysis.links.links +
                           analysis.links.feeds, listing=listing_key(url))

    # -- reports ------------------------------------------------------------------------------

    async def _report(self, url: str, site: SiteConfig,
                      first: tuple[FetchResult, PageAnalysis] | None = None) -> PageOutcome:
        """Fetch every page of the report at ``url``, stitch, store.

        ``first``: page 1 already fetched and analyzed (a list page that reads as a report).
        When page 1 fails, the error propagates and nothing is stored. When a later page
        fails, the pages before it are stored with ``complete = 0`` (the site may never serve
        that page again: better part of a report than none) and the error is recorded; but a
        report stored whole is never replaced by part of it (nor an incomplete one by a
        shorter part): the error is raised instead.
        """
        fetched: dict[str, FetchResult] = {}
        files: dict[str, Attachment] = {}
        analysis = None
        if first is not None:
            result, analysis = first
        else:
            result, modified = await self.fetch_page(url, site)
            if not modified:
                unchanged = await self._all_pages_unchanged(url, site, fetched, files)
                if unchanged is not None:
                    return unchanged
        pages, links, failed, more, found = await self._fetch_pages(url, result, site, fetched,
                                                                    analysis)
        stored = None
        if failed is not None:
            stored = self.archive.report(url)
            if stored is not None and (stored["complete"] or stored["page_count"] > len(pages)):
                raise failed  # keep the longer report we have
        capped = "" if failed is not None else more
        # the run's budget ran out inside the report: stored as far as it got, finished
        # next run (the URL stays queued); what is stored already is never shortened
        pending = capped.startswith(OVER_BUDGET)
        if pending:
            stored = self.archive.report(url)
            if stored is not None and (stored["complete"] or
                                       stored["page_count"] >= len(pages)):
                return PageOutcome(url, "queued", "report", "unchanged", stored["title"] or "",
                                   stored["page_count"], links, note=capped)
        for page in pages:
            self.report_pages[site.name] += 1
            for hint in page.cleaned.hint_misses:
                self.hint_misses[site.name, hint] += 1
        report = stitch(url, site.name, pages, complete=failed is None and not capped,
                        incomplete_reason=capped)
        report = with_attachments(report, await self._attachments(site, found, files))
        kept = self._keep_archived(report, stored if failed is not None else None)
        if kept is not None:
            return replace(kept, links=links, documents=frozenset(found))
        outcome = self.archive.save_report(report, self.clock())
        self.archive.frontier.claim_pages(site.name, [p.fetch.url for p in pages[1:]])
        self.counters.count_outcome(outcome)
        if failed is not None:
            self.record(failed)
        state = "failed" if failed else "queued" if pending else "done"
        return PageOutcome(url, state, "report", outcome, report.metadata.title,
                           report.page_count, links, error=failed, note=capped,
                           documents=frozenset(found))

    def _keep_archived(self, report: Report, stored: dict[str, Any] | None
                       ) -> PageOutcome | None:
        """When the fetched report is no report, or not plainly a revision of the archived
        one: keep its pages as page versions only, and say why. None: store it."""
        url, meta = report.url, report.metadata
        stored = stored or self.archive.report(url)
        if stored is None:
            first = report.pages[0]
            why = not_a_report(report.text, meta.title, first.cleaned.problem)
            if not why:
                return None
            self.archive.keep_pages(report)  # nothing archived to protect: just the raw pages
            outcome = "not_a_report"
            if first.cleaned.source_kind == "html" and needs_javascript(first.fetch.body,
                                                                        len(report.text)):
                outcome, why = "needs_js", f"{NEEDS_JS}: the page shows no text without it"
                self.counters.needs_js += 1
            else:
                self.counters.skipped += 1
            return PageOutcome(url, "done", "report", outcome, meta.title, report.page_count,
                               note=why)
        if stored["content_hash"] == content_hash(report.text):
            return None
        verdict = judge_revision(stored["title"] or "", stored["kind"] or "",
                                 stored["body_text"] or "", meta.title, meta.kind, report.text,
                                 report.pages[0].cleaned.problem)
        if verdict.accept:
            return None
        self.archive.keep_report(report, verdict.status, verdict.reason, self.clock())
        if verdict.status == "not_a_report":
            self.counters.gone += 1
        else:
            self.counters.kept += 1
        return PageOutcome(url, "done", "report", "kept", stored["title"] or "",
                           stored["page_count"] or 0, note=verdict.reason)

    async def _all_pages_unchanged(self, url: str, site: SiteConfig,
                                   fetched: dict[str, FetchResult],
                                   files: dict[str, Attachment]) -> PageOutcome | None:
        """When page 1 was a 304: check the stored later pages and the attachments the same
        way. What is fetched on the way is kept in ``fetched`` and ``files``, so that a
        changed report is not fetched twice."""
        stored = self.archive.report(url)
        if stored is None or not stored["complete"]:
            return None  # an incomplete report is fetched whole again
        changed = False
        for page_url in self.archive.report_pages(url)[1:]:
            result, modified = await self.fetch_page(page_url, site)
            fetched[page_url] = result
            changed = changed or modified
        for old in self.archive.report_attachments(stored["id"]):
            new = await self._attachment(site, old.url, old.link_text)
            if new is not None:
                files[old.url] = new
                changed = changed or new.fetch.body != old.fetch.body
        if changed:
            return None
        self.archive.touch_report(url, self.clock())
        self.counters.count_outcome("unchanged")
        return PageOutcome(url, "done", "report", "unchanged", stored["title"] or "",
                           stored["page_count"])

    async def _fetch_pages(self, url: str, first: FetchResult, site: SiteConfig,
                           fetched: dict[str, FetchResult],
                           first_analysis: PageAnalysis | None = None
                           ) -> tuple[list[Page], tuple[str, ...], PageError | None, str,
                                      dict[str, tuple[str, str, str]]]:
        """The report's pages in order up to the first that fails (at most
        ``max_report_pages``), its links, that failure, why pages were left over ("" when
        none were), and the attachments its pages link to."""
        analysis = first_analysis or await self.analyze(first, site.hints)
        pages = [_page(first, analysis, 1)]
        found = {a[0]: a for a in analysis.links.attachments}
        known = dict((u, n) for n, u in report_page_links(analysis.links, url))
        done = {url}
        while True:
            pending = sorted((n, u) for u, n in known.items() if u not in done)
            if not pending:
                return pages, analysis.links.links, None, "", found
            limit = self.config.crawler.max_report_pages
            if len(pages) >= limit:
                return pages, analysis.links.links, None, (
                    f"more than max_report_pages = {limit} pages: stored the first {limit}"
                ), found
            if self.over_budget():
                return pages, analysis.links.links, None, (
                    f"{OVER_BUDGET}: stored the first {len(pages)} pages, the rest next run"
                ), found
            number, page_url = pending[0]
            done.add(page_url)
            try:
                result = fetched.get(page_url) or (await self.fetch_page(page_url, site))[0]
                more = await self.analyze(result, site.hints)
            except PageError as exc:  # a redirect off-site, a crash: the pages before stay
                return pages, analysis.links.links, exc, "", found
            pages.append(_page(result, more, number))
            for attachment in more.links.attachments:
                found.setdefault(attachment[0], attachment)
            for n, u in report_page_links(more.links, url):
                known.setdefault(u, n)

    async def _attachments(self, site: SiteConfig, found: dict[str, tuple[str, str, str]],
                           files: dict[str, Attachment]) -> tuple[Attachment, ...]:
        """The files a report links to (at most ``max_attachments``), fetched and read, or
        taken from ``files`` (fetched while checking for changes). One that fails is
        recorded and left out: the report stands without it."""
        read = []
        for url, link_text, _kind in list(found.values())[:self.config.crawler.max_attachments]:
            if url not in files and self.over_budget():
                break  # the run's max_pages: the rest when the report is next checked
            item = files.get(url) or await self._attachment(site, url, link_text)
            if item is not None:
                read.append(replace(item, link_text=link_text))
        return tuple(read)

    async def _attachment(self, site: SiteConfig, url: str, link_text: str
                          ) -> Attachment | None:
        """One attachment, politely (robots.txt for the site's agent, the host's delay),
        with a conditional GET and capped at ``max_attachment_bytes``, read in a clean
        worker; None when it fails (recorded) or the site's ``exclude`` names it. It may be
        on another host (files are often served apart); the site's own headers and cookies
        go only to the site's URLs."""
        if any(p.search(url) for p in site.exclude):
            return None
        try:
            await self.check_allowed(url, site)
            try:
                stored = self.archive.stored_attachment(url)
            except StoreError:  # a damaged stored body: fetched whole again
                stored = None
            result = await self.fetcher.get(
                url, etag=stored.fetch.etag if stored else "",
                last_modified=stored.fetch.last_modified if stored else "",
                check=functools.partial(self._check_file_hop, site),
                max_bytes=self.config.crawler.max_attachment_bytes,
                headers=site.request_headers() if site.follows(url) else None)
            self.counters.fetched += 1
            if result.status == 304 and stored is not None:
                return stored
            return await self.analyze.run(
                url, functools.partial(read_attachment, url, link_text, result))
        except PageError as exc:
            self.record(exc)
            return None

    async def _check_file_hop(self, site: SiteConfig, target: str) -> None:
        if any(p.search(target) for p in site.exclude):
            raise OutOfScope(target, "redirected to a URL the site's exclude names")
        await self.check_allowed(target, site)

    # -- fetching -----------------------------------------------------------------------------

    async def fetch_page(self, url: str, site: SiteConfig) -> tuple[FetchResult, bool]:
        """Fetch with a conditional GET. On 304 the stored body is returned, modified False.

        robots.txt is obeyed for the URL and for every redirect target, and a redirect out
        of the site's scope is refused (:class:`OutOfScope`).
        """
        await self.check_allowed(url, site)

        async def check_hop(target: str) -> None:
            if not site.follows(target):
                raise OutOfScope(url, f"redirected out of the site's scope to {target}")
            await self.check_allowed(target, site)

        if site.render == "browser" and self.renderer is not None:
            return await self._rendered(url, site, check_hop), True
        etag, last_modified = self.archive.page_validators(url)
        result = await self.fetcher.get(url, etag=etag, last_modified=last_modified,
                                        check=check_hop, headers=site.request_headers())
        self.counters.fetched += 1
        if result.status != 304:
            return result, True
        damaged = False
        try:
            stored = self.archive.stored_page(url)
        except StoreError as exc:  # a damaged stored body: not a reason to stop, fetch anew
            self.record(PageError(url, f"{exc}; fetched again"))
            stored, damaged = None, True
        if stored is None:
            result = await self.fetcher.get(url, check=check_hop,
                                            headers=site.request_headers())
            self.counters.fetched += 1
            if damaged:
                self.archive.repair_page(result)
            return result, True
        return FetchResult(url=url, final_url=url, status=200, headers=stored.headers,
                           body=stored.raw, fetched_at=result.fetched_at), False

    async def _rendered(self, url: str, site: SiteConfig,
                        check_hop: Callable[[str], Awaitable[None]]) -> FetchResult:
        """The page as a headless browser shows it; each of its requests (scripts, data)
        fetched here, politely, robots.txt obeyed (the page itself: in the site's scope)."""
        assert self.renderer is not None

        async def fetch(target: str) -> FetchResult:
            await self.check_allowed(target, site)
            if target == url:  # the page itself: in the site's scope, every hop of it
                return await self.fetcher.get(url, check=check_hop,
                                              headers=site.request_headers())
            # a script or data file, maybe from another host: robots.txt and the host's
            # delay apply; the site's headers and cookies go to the site's own URLs only
            return await self.fetcher.get(
                target, check=lambda hop: self.check_allowed(hop, site),
                headers=site.request_headers() if site.follows(target) else None)

        result = await self.renderer.render(url, fetch, self.user_agent(url))
        self.counters.fetched += 1
        return result

    def user_agent(self, url: str, site: SiteConfig | None = None) -> str:
        """The User-Agent requests to ``url`` carry: its site's own, else the crawler's."""
        site = site or self.config.site_for(url)
        return (site.user_agent if site else "") or self.config.crawler.user_agent

    async def robots_for(self, url: str, agent: str | None = None) -> RobotsRules:
        """The robots rules of ``url``'s origin for ``agent``, fetched once per run."""
        agent = agent or self.user_agent(url)
        key = (origin_of(url), agent)
        lock = self._robots_locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self.robots:
                self.robots[key] = await self._fetch_robots(key[0], agent)
        return self.robots[key]

    async def _fetch_robots(self, origin: str, agent: str) -> RobotsRules:
        try:
            result = await self.fetcher.get(origin + "/robots.txt", accept_errors=True,
                                            headers={"User-Agent": agent})
            rules = robots_rules(result.status, result.body)
        except FetchError as exc:
            rules = robots_rules(None, b"", exc.message)
        delay = rules.crawl_delay(agent)
        cap = self.config.crawler.max_retry_after_seconds
        if delay and delay > cap:  # a host that wants hours between requests is not crawled
            rules = RobotsRules(None, allow_all=False, reason=(
                f"robots.txt asks for Crawl-delay {delay:g} s, more than "
                f"max_retry_after_seconds = {cap:g}: host skipped this run"))
        elif delay:
            self.fetcher.throttle.set_min_delay(host_of(origin), delay)
        if rules.reason and not rules.allow_all:
            self.record(RobotsDisallowed(origin + "/robots.txt", rules.reason))
        return rules

    async def check_allowed(self, url: str, site: SiteConfig | None = None) -> None:
        """Raise :class:`RobotsDisallowed` when robots.txt forbids ``url`` to the user agent
        of ``site`` (or of the site ``url`` belongs to), if robots.txt is obeyed."""
        if not self.config.crawler.respect_robots:
            return
        agent = self.user_agent(url, site)
        rules = await self.robots_for(url, agent)
        if not rules.allowed(url, agent):
            raise RobotsDisallowed(url, rules.reason or "disallowed by robots.txt",
                                   for_this_run=rules.parser is None)


def _page(fetch: FetchResult, analysis: PageAnalysis, number: int) -> Page:
    assert analysis.cleaned is not None  # report pages are always analyzed with their body
    return Page(fetch, analysis.cleaned, number, analysis.index_text)


def _documents(links: PageLinks) -> frozenset[str]:
    return frozenset(url for url, _text, _kind in links.attachments)


def _feed_links(result: FetchResult) -> PageLinks | None:
    """The URLs of a sitemap or an RSS/Atom feed; None when the body is neither."""
    head = result.body[:512].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        found = sitemap_urls(result.body)
    elif b"<rss" in head or b"<feed" in head:
        found = feed_urls(result.body)
    else:
        return None
    # XML escapes (&amp;), fragments and tracking parameters: the same URL as a link
    urls: dict[str, None] = {}
    for raw in found:
        with contextlib.suppress(PageError):
            urls.setdefault(canonicalize(html.unescape(raw), result.final_url or result.url))
    return PageLinks(tuple(urls), (), ())
