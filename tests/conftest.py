"""Shared fixtures: a real archive file, the sample site served on 127.0.0.1, fast configs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from reportarchiver.config import Config, CrawlerConfig, SiteConfig
from reportarchiver.demo.run import DEMO_REPORT_PATTERN
from reportarchiver.demo.server import SiteServer, serve_site
from reportarchiver.store import Archive

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive" / "reports.db"


@pytest.fixture
def archive(db_path: Path) -> Iterator[Archive]:
    with Archive(db_path) as a:
        yield a


@pytest.fixture
def site() -> Iterator[SiteServer]:
    """The bundled sample site on a random port of 127.0.0.1."""
    with serve_site() as server:
        yield server


@pytest.fixture(scope="session")
def expected_site() -> dict:
    return json.loads((FIXTURES / "demo_site_expected.json").read_text(encoding="utf-8"))


def fast_crawler(**overrides: object) -> CrawlerConfig:
    """Politeness scaled down for tests (the tests that measure it set their own delays)."""
    values: dict[str, object] = {"delay_seconds": 0.0, "concurrency": 8,
                                 "per_host_concurrency": 4, "timeout_seconds": 5,
                                 "max_attempts": 2}
    values.update(overrides)
    return CrawlerConfig(**values)  # type: ignore[arg-type]


def site_config(base_url: str, db: Path, name: str = "demo", **crawler: object) -> Config:
    """A config crawling the sample site served at ``base_url``."""
    site = SiteConfig(name=name, start_urls=(base_url + "/",),
                      include=(re.compile("^" + re.escape(base_url) + "/"),),
                      report_pattern=re.compile(DEMO_REPORT_PATTERN))
    return Config(crawler=fast_crawler(**crawler), database=db, sites=(site,))
