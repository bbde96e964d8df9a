"""Cleaning beside fetching: report pages are analyzed in worker processes.

The crawl is CPU-bound (parsing and cleaning cost more than fetching and storing), and one
Python process uses one core. Handing :func:`~reportarchiver.pipeline.analyze_page` to worker
processes lets the event loop fetch and store on one core while the cleaner runs on another.
Workers start through a fork server (never by forking the crawler, whose threads and SQLite
connection must not be copied). A fork server's children are not the crawler's children, so
nothing tells them when the crawler is killed (``kill -9`` runs no cleanup): each worker
watches the crawler's pid and exits when it is gone, rather than cleaning pages for nobody.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import select
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .models import FetchResult, SiteHints
from .pipeline import PageAnalysis, analyze_page

#: How often a worker checks that the crawler is alive where pidfds are missing, in seconds.
WATCH_INTERVAL = 0.5


def _exit_with(crawler_pid: int) -> None:
    """Worker initializer: end this worker as soon as the crawler process terminates."""
    threading.Thread(target=_watch, args=(crawler_pid,), name="watch-crawler",
                     daemon=True).start()


def _watch(crawler_pid: int) -> None:
    try:
        # a pidfd turns readable when the process terminates, zombie or not, and cannot be
        # fooled by pid reuse; signal 0 sees a zombie as alive, hence only the fallback
        pidfd = os.pidfd_open(crawler_pid)
    except ProcessLookupError:
        os._exit(0)
    except (AttributeError, OSError):
        while _alive(crawler_pid):
            time.sleep(WATCH_INTERVAL)
    else:
        select.select([pidfd], [], [])
    os._exit(0)  # no cleanup to do: results would go to nobody


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


class PageAnalyzer:
    """Runs :func:`analyze_page` in ``workers`` processes, or in this one when 0."""

    def __init__(self, workers: int = 0) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["reportarchiver.pipeline"])
            self._pool = ProcessPoolExecutor(workers, mp_context=context,
                                             initializer=_exit_with, initargs=(os.getpid(),))

    async def __call__(self, fetch: FetchResult, hints: SiteHints | None) -> PageAnalysis:
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
