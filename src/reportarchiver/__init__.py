"""reportarchiver: archive report web pages into SQLite, searchable with Datasette.

The library API (the ``reportarchiver`` command is a thin layer over it)::

    from reportarchiver import clean, load_config, run_crawl, run_ingest, Archive

    cleaned = clean(html_bytes, "http://example.gov.cn/a.html")   # pure: bytes in, Cleaned out
    config = load_config("config.toml")
    summary = run_crawl(config)                  # takes the crawl lock, opens the archive
    results = run_ingest(config, ["http://example.gov.cn/art/1.html"])
    with Archive(config.database) as archive:    # or async: await crawl(config, archive)
        for row in archive.reports():
            print(row["title"])

The data flow, one package a stage: ``fetch`` (HTTP, politeness) -> ``clean`` (bytes ->
body) -> ``metadata`` -> ``store`` (the archive); ``crawl`` drives them.
"""

import logging

from ._reextract import reextract_archive as reextract
from .clean import clean
from .config import Config, CrawlerConfig, SiteConfig, load_config
from .crawl import (
    IngestResult,
    RunSummary,
    crawl,
    crawl_lock,
    ingest,
    run_crawl,
    run_ingest,
)
from .errors import (
    ConfigError,
    FetchError,
    InvalidURL,
    LockedError,
    PageError,
    ReportArchiverError,
    StoreError,
)
from .models import Cleaned, Metadata, Report, SiteHints
from .store import Archive

__version__ = "0.1.0"

# A library logs, the application decides where: nothing is printed unless configured
# (the command line's --log-level / --log-file)
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Archive",
    "Cleaned",
    "Config",
    "ConfigError",
    "CrawlerConfig",
    "FetchError",
    "IngestResult",
    "InvalidURL",
    "LockedError",
    "Metadata",
    "PageError",
    "Report",
    "ReportArchiverError",
    "RunSummary",
    "SiteConfig",
    "SiteHints",
    "StoreError",
    "__version__",
    "clean",
    "crawl",
    "crawl_lock",
    "ingest",
    "load_config",
    "reextract",
    "run_crawl",
    "run_ingest",
]
