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
import functools
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from .._pipeline import PageAnalysis, analyze_page
from .._system import pid_alive
from ..errors import CleanerCrashed
from ..models import FetchResult, SiteHints

T = TypeVar("T")

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
        while pid_alive(crawler_pid):
            time.sleep(WATCH_INTERVAL)
    else:
        select.select([pidfd], [], [])
    os._exit(0)  # no cleanup to do: results would go to nobody


#: Tries of a page in solo mode; a crash there is the page's own, the second try is for a
#: worker killed from outside (the OOM killer) at that moment.
SOLO_TRIES = 2


class PageAnalyzer:
    """Runs :func:`analyze_page` in ``workers`` processes, or in this one when 0.

    When a worker dies (a crash in the HTML parser, out of memory, killed), every page the
    pool held fails with it. Those pages, and all pages after them in this run, are then
    analyzed one at a time in a one-worker pool: a crash there is the page's own, which
    raises :class:`CleanerCrashed` (recorded like a fetch failure, retried next run). Never
    in the crawler's own process: the page that killed the worker would kill the crawler.
    One at a time, because ``ProcessPoolExecutor`` breaks badly when pages keep arriving at
    pools that keep breaking (orphaned workers, a hang at exit). ``analyze`` is the function
    run (a test can pass its own).
    """

    def __init__(self, workers: int = 0,
                 analyze: Callable[..., PageAnalysis] = analyze_page) -> None:
        self._workers, self._analyze = workers, analyze
        self._pool = self._new_pool(workers) if workers > 0 else None
        self._solo_pool: ProcessPoolExecutor | None = None
        self._solo = asyncio.Lock()
        self._stray: list[multiprocessing.process.BaseProcess] = []

    @staticmethod
    def _new_pool(workers: int) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["reportarchiver._pipeline"])
        return ProcessPoolExecutor(workers, mp_context=context,
                                   initializer=_exit_with, initargs=(os.getpid(),))

    async def __call__(self, fetch: FetchResult, hints: SiteHints | None, *,
                       body: bool = True) -> PageAnalysis:
        """The page's analysis (``analyze(fetch, hints, body=body)``), in a worker process."""
        return await self.run(fetch.url, functools.partial(self._analyze, fetch, hints,
                                                           body=body))

    async def run(self, url: str, job: Callable[[], T]) -> T:
        """Run ``job`` (a picklable call: a module function with its arguments) in a worker
        process, or here with 0 workers; :class:`CleanerCrashed` for ``url`` when it kills
        every worker it is tried in. Attachments are read this way too."""
        if self._workers == 0:
            return job()
        pool = self._pool
        if pool is not None:
            try:
                return await self._submit(pool, job)
            except (BrokenProcessPool, OSError):  # OSError: handed to a pool breaking just then
                if self._pool is pool:
                    self._pool = None
                    self._retire(pool)
        async with self._solo:
            for _ in range(SOLO_TRIES):
                if self._solo_pool is None:
                    self._solo_pool = self._new_pool(1)
                pool = self._solo_pool
                try:
                    return await self._submit(pool, job)
                except BrokenProcessPool:
                    self._solo_pool = None
                    self._retire(pool)
        raise CleanerCrashed(url, "the page kills the clean worker process")

    async def _submit(self, pool: ProcessPoolExecutor, job: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool, job)

    def _retire(self, pool: ProcessPoolExecutor) -> None:
        # shutdown() forgets the pool's processes: note them first, to kill any that the
        # broken pool failed to stop (one started as it broke), which would hang the exit
        self._stray.extend((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        for pool in (self._pool, self._solo_pool):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._solo_pool = None
        for process in self._stray:
            if process.is_alive():
                process.kill()
        self._stray.clear()
