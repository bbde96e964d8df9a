"""reportarchiver: archive report web pages into SQLite, searchable with Datasette.

The library API (the ``reportarchiver`` command is a thin layer over it)::

    from reportarchiver import clean, load_config, Archive, crawl, ingest

    cleaned = clean(html_bytes, "http://example.gov.cn/a.html")   # pure: bytes in, Cleaned out
    config = load_config("config.toml")
    with Archive(config.database) as archive:
        summary = asyncio.run(crawl(config, archive))
"""

from .clean import clean
from .config import Config, CrawlerConfig, SiteConfig, load_config
from .crawl import IngestResult, RunSummary, crawl, crawl_lock, ingest
from .errors import (
    ConfigError,
    FetchError,
    InvalidURL,
    LockedError,
    ReportArchiverError,
)
from .models import Cleaned, Metadata, Report, SiteHints
from .store import Archive

__version__ = "0.1.0"

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
    "Report",
    "ReportArchiverError",
    "RunSummary",
    "SiteConfig",
    "SiteHints",
    "__version__",
    "clean",
    "crawl",
    "crawl_lock",
    "ingest",
    "load_config",
]
