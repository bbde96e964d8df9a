"""Cleaning beside fetching: report pages are analyzed in worker processes.

The crawl is CPU-bound (parsing and cleaning cost more than fetching and storing), and one
Python process uses one core. Handing :func:`~reportarchiver.pipeline.analyze_page` to worker
processes lets the event loop fetch and store on one core while the cleaner runs on another.
Workers start through a fork server (never by forking the crawler, whose threads and SQLite
connection must not be copied). Known gap: after ``kill -9`` of the crawler a busy worker and
the fork server can outlive it (a watchdog initializer is the planned fix).
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .links import PageLinks
from .models import Cleaned, FetchResult, SiteHints
from .pipeline import analyze_page


class PageAnalyzer:
    """Runs :func:`analyze_page` in ``workers`` processes, or in this one when 0."""

    def __init__(self, workers: int = 0) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["reportarchiver.pipeline"])
            self._pool = ProcessPoolExecutor(workers, mp_context=context)

    async def __call__(self, fetch: FetchResult, hints: SiteHints | None
                       ) -> tuple[Cleaned, PageLinks]:
        if self._pool is None:
            return analyze_page(fetch, hints)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, analyze_page, fetch, hints)
        except BrokenProcessPool:
            # a worker died (out of memory, killed): finish the run in this process
            self._pool = None
            return analyze_page(fetch, hints)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
