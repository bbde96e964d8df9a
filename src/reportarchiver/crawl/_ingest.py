"""One-off ingestion: each URL fetched, cleaned and stored as a report, no crawl."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx

from .._urls import canonicalize, first_page_of, host_of
from ..config import Config, SiteConfig
from ..errors import InvalidURL
from ..fetch import Fetcher
from ..store import Archive
from ._session import Counters, Session


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What became of one ingested URL."""

    url: str
    ok: bool
    outcome: str = ""  # new | changed | unchanged
    title: str = ""
    page_count: int = 0
    error: str = ""

    def line(self) -> str:
        """The line ``ingest`` prints for this URL."""
        if not self.ok:
            return f"error {self.url}: {self.error}"
        return f"{self.outcome} {self.url} ({self.page_count} page(s)) {self.title}"


async def ingest(config: Config, archive: Archive, urls: Iterable[str], *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 on_result: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
    """Fetch, clean and store each URL as a report. A bad URL never stops the others.

    A URL inside a configured site is archived under that site's name and cleaner hints;
    any other under its host's name. Asking for page n of a report (``4633_2.html``) archives
    the whole report from page 1.
    """
    run_id = archive.start_run("ingest", os.getpid())
    counters = Counters()
    results: list[IngestResult] = []
    started = time.monotonic()
    async with Fetcher(config.crawler, transport=transport) as fetcher:
        session = Session(config, archive, fetcher, run_id, counters)
        session.configure_politeness(config.sites)
        for raw in urls:
            result = await _ingest_one(session, raw)
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
        session.record(exc)
        return IngestResult(raw, False, error=exc.message)
    first = first_page_of(url)
    if first:  # asked for page n: archive the whole report from page 1
        url = first[0]
    site = session.config.site_for(url) or _host_site(url)
    outcome = await session.process(url, site, "report")
    if outcome.error is None:
        return IngestResult(url, True, outcome.outcome, outcome.title, outcome.page_count)
    if outcome.outcome:  # stored, but a later page failed
        return IngestResult(url, False, outcome.outcome, outcome.title, outcome.page_count,
                            f"{outcome.error.message}; stored incomplete "
                            f"({outcome.page_count} page(s))")
    return IngestResult(url, False, error=outcome.error.message)


def _host_site(url: str) -> SiteConfig:
    """A URL outside every configured site is archived under its host's name, its scope
    the host."""
    return SiteConfig(name=host_of(url), start_urls=(url,),
                      include=(re.compile("^https?://" + re.escape(host_of(url)) + "/"),))


def run_ingest(config: Config, urls: Iterable[str], *,
               transport: httpx.AsyncBaseTransport | None = None,
               on_result: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
    """:func:`ingest` into ``config.database``, for callers without an event loop."""
    with Archive(config.database) as archive:
        return asyncio.run(ingest(config, archive, urls, transport=transport,
                                  on_result=on_result))
