"""``reportarchiver demo``: serve the bundled sample site on 127.0.0.1 and crawl it for real."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from ..config import Config, CrawlerConfig, SiteConfig
from ..crawl import crawl_lock
from ..crawl._loop import ProgressFn, RunSummary, crawl_locked
from ..store import Archive
from .server import SITE_DIR, start_site

#: Report pages of the sample site: /{section}/{region}/{id}.html (later pages are {id}_{n}).
DEMO_REPORT_PATTERN = r"/(baogao|tjgongbao)/\w+/\d+\.html$"


def demo_config(base_url: str, database: Path, crawler: CrawlerConfig | None = None) -> Config:
    """The config that crawls the sample site at ``base_url``: the real crawler, delays scaled
    down (a polite 2 s delay would make the demo last a minute for no one's benefit)."""
    site = SiteConfig(
        name="demo",
        start_urls=(base_url + "/",),
        include=(re.compile("^" + re.escape(base_url) + "/"),),
        report_pattern=re.compile(DEMO_REPORT_PATTERN),
    )
    crawler = crawler or CrawlerConfig(delay_seconds=0.01, per_host_concurrency=4,
                                       timeout_seconds=10)
    return Config(crawler=crawler, database=database, sites=(site,))


def run_demo(database: Path, *, site_dir: Path = SITE_DIR, progress: ProgressFn | None = None,
             crawler: CrawlerConfig | None = None) -> RunSummary:
    """Serve ``site_dir``, crawl it into ``database``, stop the server; returns the summary."""
    server = start_site(site_dir)
    try:
        config = demo_config(server.base_url, database, crawler)
        with crawl_lock(database), Archive(database) as archive:
            # the port is new each time, so a previous demo's URLs point at a dead server
            archive.delete_site("demo")
            return asyncio.run(crawl_locked(config, archive, progress=progress,
                                            command="demo"))
    finally:
        server.close()

