"""The Scrapy baseline of the crawl benchmark: follow every link, extract the body, store nothing.

    .venv/bin/python benchmarks/scrapy_spider.py BASE_URL --concurrency 16 --result out.json

Run by ``benchmarks/crawl.py`` in a subprocess of its own, so that its peak RSS is Scrapy's
alone. Politeness is off as for the other contenders: no robots.txt, no delay, no AutoThrottle,
the per-domain limit raised to the overall one. Writes Scrapy's counts, its own elapsed time
(engine start to close, so interpreter and Twisted start-up are not counted) and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response


class ReportSpider(scrapy.Spider):
    """Yields title and body text of every page with an article, follows every link."""

    name = "reports"

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url
        self.allowed_domains = [urlsplit(base_url).hostname or "127.0.0.1"]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # start URLs bypass the duplicate filter by default: "/" would be fetched twice
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        """The same for Scrapy < 2.13, which knows no ``start()``."""
        yield scrapy.Request(self.base_url + "/", callback=self.parse, dont_filter=False)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        paragraphs = response.css("#article-content p::text").getall()
        if paragraphs:
            yield {"url": response.url, "title": response.css("h1::text").get(""),
                   "chars": sum(len(p) for p in paragraphs)}
        for href in response.css("a::attr(href)").getall():
            # javascript: and the like would only produce download errors
            if href.startswith(("/", "http")):
                yield response.follow(href, callback=self.parse)


def settings(concurrency: int) -> dict[str, Any]:
    return {
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "USER_AGENT": "reportarchiver-bench-scrapy",
        "DEPTH_LIMIT": 0,
    }


def run(base_url: str, concurrency: int) -> dict[str, Any]:
    """Crawl the site; returns pages, items, seconds and peak RSS (MB) of this process."""
    process = CrawlerProcess(settings(concurrency))
    crawler = process.create_crawler(ReportSpider)
    cpu: dict[str, float] = {}
    # CPU time over the same span as Scrapy's elapsed_time_seconds (spider open to close)
    crawler.signals.connect(lambda **_: cpu.setdefault("start", time.process_time()),
                            signal=signals.spider_opened, weak=False)
    crawler.signals.connect(lambda **_: cpu.setdefault("end", time.process_time()),
                            signal=signals.spider_closed, weak=False)
    process.crawl(crawler, base_url=base_url)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return {
        "crawl_cpu": round(cpu.get("end", 0.0) - cpu.get("start", 0.0), 3),
        "pages": stats.get("response_received_count", 0),
        "items": stats.get("item_scraped_count", 0),
        "errors": stats.get("log_count/ERROR", 0),
        "seconds": float(stats.get("elapsed_time_seconds", 0.0)),
        **own_usage(),
    }


def own_usage() -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # ru_maxrss is in KB on Linux
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--result", type=Path, required=True, help="JSON file to write")
    args = parser.parse_args()
    args.result.write_text(json.dumps(run(args.base_url, args.concurrency)), encoding="utf-8")


if __name__ == "__main__":
    main()
