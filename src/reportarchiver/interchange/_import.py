"""Import WARC/ARC files into the archive as if their responses had been crawled.

Two passes, so that memory stays flat whatever the size of the files:

1. scan every file (:class:`ArchiveScan`): each response inside the configured sites' scope is
   noted by URL, time and offset in a :class:`CaptureIndex`; no body is kept;
2. run the crawl's own :meth:`Session.process` on every capture of a page, oldest first,
   over a :class:`WarcFetcher` that reads the bodies by offset: cleaning, stitching of
   multi-page reports, metadata, versions and the judging of replacements are the crawl's.

A damaged file is imported up to the damage; its error is kept for the summary and the
other files are imported whole.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._urls import canonicalize, first_page_of, host_of
from ..config import Config, SiteConfig
from ..crawl import ProgressFn, crawl_lock
from ..crawl._session import Counters, Session
from ..documents import attachment_kind
from ..errors import ConfigError, InvalidURL
from ..store import Archive, check_archive
from ._errors import WarcError
from ._records import Skipped
from ._replay import CaptureIndex, WarcFetcher, epoch
from ._warc_seek import ArchiveScan, CaptureRef

#: Writes are committed in groups this often, as the crawl does (one commit per page would
#: cost more than the page).
COMMIT_SECONDS = 0.5
#: Media types of the responses imported as pages (list pages, reports, sitemaps, feeds);
#: the others (images, scripts, documents) are only served when a page asks for them.
_PAGE_TYPES = ("html", "xml")
#: Media types of the documents kept at hand outside the sites' scope, as a report's
#: attachments may be (a crawl fetches them wherever they are).
_DOCUMENT_TYPES = frozenset({"application/pdf", "application/msword", "application/vnd.ms-excel",
                             "application/vnd.ms-works", "application/ofd",
                             "application/octet-stream", "application/x-download"})


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What one import did. ``records`` counts every WARC record read; ``in_scope`` the
    responses inside the sites' scope; ``captures`` the page captures run through the crawl
    (``counters`` says what became of them, as for a crawl); ``errors`` one line per file
    that could not be read to its end."""

    run_id: int
    status: str
    files: int
    records: int
    in_scope: int
    captures: int
    seconds: float
    counters: dict[str, int]
    skipped_records: dict[str, int] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """A flat JSON-ready dict."""
        return {"run_id": self.run_id, "status": self.status, "files": self.files,
                "records": self.records, "in_scope": self.in_scope,
                "captures": self.captures, "seconds": round(self.seconds, 3),
                "records_per_second": round(self.records_per_second, 1), **self.counters,
                "skipped_records": self.skipped_records, "errors": list(self.errors)}

    def line(self) -> str:
        """The one-line summary ``import warc`` prints."""
        c = self.counters
        skipped = "".join(f", {n} {kind}" for kind, n in sorted(self.skipped_records.items()))
        return (f"import run {self.run_id} {self.status}: {self.files} file(s), "
                f"{self.records} records ({self.in_scope} responses in scope{skipped}); "
                f"{self.captures} page captures: {c['new_reports']} new, "
                f"{c['changed_reports']} changed, {c['unchanged']} unchanged, "
                f"{c['errors']} errors, {c['skipped']} skipped" +
                "".join(f", {c[k]} {k}" for k in ("gone", "kept") if c.get(k)) +
                f" in {self.seconds:.1f}s ({self.records_per_second:.0f} records/s)")


@dataclass(frozen=True, slots=True)
class _Work:
    """One page capture to run through the session, at the time it was made."""

    when: int
    url: str
    site: int  # index into the sites


@dataclass
class _Scanned:
    index: CaptureIndex
    work: list[_Work]
    records: int = 0
    in_scope: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


def _is_page(ref: CaptureRef) -> bool:
    media = ref.content_type.split(";", 1)[0].strip().lower()
    if urlsplit(ref.url).path == "/robots.txt":
        return False  # the crawl reads it for its rules, never archives it
    return not media or any(word in media for word in _PAGE_TYPES)


def _attachment(ref: CaptureRef, url: str) -> bool:
    """Whether a response may be a report's attachment: a document by its URL or type."""
    media = ref.content_type.split(";", 1)[0].strip().lower()
    office = media.startswith("application/vnd.") and ("document" in media or "sheet" in media)
    return attachment_kind(url) is not None or media in _DOCUMENT_TYPES or office


def _scan(paths: Sequence[str], sites: Sequence[SiteConfig]) -> _Scanned:
    """Pass 1: where every in-scope capture is, and which captures are pages to import."""
    found = _Scanned(CaptureIndex(paths), [])

    def skipped(item: Skipped) -> None:
        found.skipped[item.kind] += 1

    for file_no, path in enumerate(paths):
        scan = ArchiveScan(path, on_skip=skipped)
        try:
            for ref in scan:
                _note(found, file_no, ref, sites)
        except WarcError as exc:
            found.errors.append(str(exc))
        found.records += scan.records
    return found


def _note(found: _Scanned, file_no: int, ref: CaptureRef, sites: Sequence[SiteConfig]) -> None:
    try:
        url = canonicalize(ref.url)
    except InvalidURL:
        found.skipped["invalid_url"] += 1
        return
    site = next((n for n, s in enumerate(sites) if s.follows(url)), None)
    if site is None:
        if _attachment(ref, url):  # a report's file, served from anywhere: kept at hand
            found.index.add(url, file_no, ref)
        return
    if ref.status == 304:
        found.skipped["not_modified"] += 1
        return  # a body stored elsewhere, or nowhere: nothing a crawl would store
    found.in_scope += 1
    found.index.add(url, file_no, ref)
    if _is_page(ref):
        found.work.append(_Work(epoch(ref.fetched_at), url, site))


def _to_import(found: _Scanned, sites: Sequence[SiteConfig], counters: Counters) -> list[_Work]:
    """The page captures to run, oldest first.

    A later page of a report (``4633_2.html``) is fetched with its page 1, as in a crawl;
    without its page 1 it is skipped. When no capture of page 1 would bring it (a later page
    changed alone: an archive's export holds each distinct body once), page 1 is run again at
    the later page's time, so that the report's version made of it is imported too.
    """
    todo = set()
    for work in found.work:
        first = first_page_of(work.url)
        site = sites[work.site]
        if not (first and (site.is_report(first[0]) or site.report_pattern is None)):
            todo.add(work)
        elif first[0] not in found.index:
            counters.skipped += 1
        elif not _brought_by_page_one(found.index, work.url, work.when, first[0]):
            todo.add(_Work(work.when, first[0], work.site))
    return sorted(todo, key=lambda w: (w.when, w.url))


def _brought_by_page_one(index: CaptureIndex, url: str, when: int, page_one: str) -> bool:
    """Whether the capture of ``url`` at ``when`` is the one served when the capture of
    ``page_one`` nearest to it is imported."""
    anchor = index.nearest(page_one, when)
    served = index.nearest(url, epoch(anchor[1].fetched_at)) if anchor else None
    return served is not None and epoch(served[1].fetched_at) == when


async def import_warc(config: Config, archive: Archive, paths: Sequence[str | os.PathLike[str]],
                      *, site_names: Sequence[str] | None = None,
                      progress: ProgressFn | None = None) -> ImportSummary:
    """Import the responses of WARC/ARC ``paths`` inside the sites' scope (all configured
    sites, or ``site_names``) into ``archive``, as a crawl would have stored them.

    The caller holds the crawl lock (:func:`run_import_warc` takes it). robots.txt is not
    consulted (the captures were made already) and pages are cleaned in this process. The
    run is recorded in ``crawl_runs`` (command ``import``); a damaged file is imported up to
    the damage and named in ``errors`` (the run's status is then ``failed``). ``progress``
    gets an event per capture, as from a crawl (``queued``: the captures left).
    """
    crawler = replace(config.crawler, respect_robots=False, clean_workers=0)
    config = replace(config, crawler=crawler)
    sites = import_sites(config, site_names)
    names = [os.fspath(p) for p in paths]
    started = time.monotonic()
    run_id = archive.start_run("import", os.getpid())
    counters, status, done = Counters(), "failed", 0
    found = _Scanned(CaptureIndex(names), [])
    try:
        found = _scan(names, sites)
        todo = _to_import(found, sites, counters)
        with WarcFetcher(found.index, max_body_bytes=crawler.max_response_bytes,
                         max_redirects=crawler.max_redirects) as fetcher:
            # each capture is stored at its capture time: a report first seen in a 2019
            # capture says 2019, and each version keeps its own date
            session = Session(config, archive, fetcher, run_id, counters,
                              clock=lambda: fetcher.now)
            with archive.grouped_commits(COMMIT_SECONDS) as commit_if_due:
                for work in todo:
                    fetcher.at = work.when
                    site = sites[work.site]
                    kind = "report" if site.is_report(work.url) else "list"
                    outcome = await session.process(work.url, site, kind)
                    done += 1
                    commit_if_due()
                    if progress:
                        progress({"url": outcome.url, "kind": outcome.kind,
                                  "state": outcome.state, "detail": outcome.detail,
                                  "host": host_of(outcome.url), **counters.as_dict(),
                                  "in_flight": 0, "queued": len(todo) - done})
        status = "failed" if found.errors else "ok"
    except (asyncio.CancelledError, KeyboardInterrupt):
        status = "interrupted"
        raise
    finally:
        seconds = time.monotonic() - started
        archive.finish_run(run_id, status, {**counters.as_dict(),
                                            "duration_seconds": round(seconds, 3)})
    return ImportSummary(run_id, status, len(names), found.records, found.in_scope, done,
                         seconds, counters.as_dict(), dict(found.skipped), tuple(found.errors))


def import_sites(config: Config, site_names: Sequence[str] | None) -> list[SiteConfig]:
    """The sites an import keeps responses of; a :class:`ConfigError` when there are none or
    a name is unknown."""
    sites = [config.site(n) for n in site_names] if site_names else list(config.sites)
    if not sites:
        where = str(config.path) if config.path else "config.toml"
        raise ConfigError("sites", "no sites configured: an import keeps the responses inside "
                                   "the sites' scope; add a [[sites]] table", where)
    return sites


def run_import_warc(config: Config, paths: Sequence[str | os.PathLike[str]], *,
                    site_names: Sequence[str] | None = None,
                    progress: ProgressFn | None = None) -> ImportSummary:
    """:func:`import_warc` into ``config.database``, holding the crawl lock (a crawl and an
    import never write the same archive at once)."""
    import_sites(config, site_names)  # a ConfigError before anything is opened
    check_archive(Path(config.database))
    with crawl_lock(config.database), Archive(config.database) as archive:
        return asyncio.run(import_warc(config, archive, paths, site_names=site_names,
                                       progress=progress))
