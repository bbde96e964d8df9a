"""Helpers shared by the tests (importable as ``helpers``: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import re
from pathlib import Path

from reportarchiver.config import Config, CrawlerConfig, SiteConfig
from reportarchiver.demo.run import DEMO_REPORT_PATTERN

FIXTURES = Path(__file__).parent / "fixtures"


def fast_crawler(**overrides: object) -> CrawlerConfig:
    """Politeness scaled down for tests (the tests that measure it set their own delays)."""
    values: dict[str, object] = {"delay_seconds": 0.0, "concurrency": 8,
                                 "per_host_concurrency": 4, "timeout_seconds": 5,
                                 "max_attempts": 2, "clean_workers": 0}
    values.update(overrides)
    return CrawlerConfig(**values)  # type: ignore[arg-type]


def site_config(base_url: str, db: Path, name: str = "demo", **crawler: object) -> Config:
    """A config crawling the sample site served at ``base_url``."""
    site = SiteConfig(name=name, start_urls=(base_url + "/",),
                      include=(re.compile("^" + re.escape(base_url) + "/"),),
                      report_pattern=re.compile(DEMO_REPORT_PATTERN))
    return Config(crawler=fast_crawler(**crawler), database=db, sites=(site,))


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def analyze_or_die(fetch, hints, *, body=True):
    """A clean worker's job that kills its process on pages containing ``CRASH`` (as a crash
    in a C parser would); importable by worker processes."""
    import os

    from reportarchiver._pipeline import analyze_page

    if b"CRASH" in fetch.body:
        os._exit(70)
    return analyze_page(fetch, hints, body=body)
