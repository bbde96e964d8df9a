"""Crawling and one-off ingestion: the loop over the frontier, and the work on one URL.

``_loop`` schedules URLs and records outcomes; ``_session`` does the work on one URL;
``_ingest`` archives one-off URLs; ``_workers`` cleans pages in worker processes; ``_lock``
keeps one crawl per database.
"""

from ._ingest import IngestResult, ingest, run_ingest
from ._lock import crawl_lock
from ._loop import ProgressFn, RunSummary, crawl, plan_crawl, run_crawl

__all__ = ["IngestResult", "ProgressFn", "RunSummary", "crawl", "crawl_lock", "ingest",
           "plan_crawl", "run_crawl", "run_ingest"]
