"""Crawling and one-off ingestion: the loop over the frontier, and the work on one URL.

``_loop`` schedules URLs and records outcomes; ``_session`` does the work on one URL;
``_workers`` cleans pages in worker processes; ``_lock`` keeps one crawl per database.
"""

from ._lock import crawl_lock
from ._loop import IngestResult, ProgressFn, RunSummary, crawl, ingest

__all__ = ["IngestResult", "ProgressFn", "RunSummary", "crawl", "crawl_lock", "ingest"]
