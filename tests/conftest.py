"""Shared fixtures: a real archive file, the sample site served on 127.0.0.1, fast configs."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import FIXTURES
from reportarchiver.demo.server import SiteServer, serve_site
from reportarchiver.store import Archive


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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true",
                     help="also run the long trials (marked slow); CI runs them always")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long trials (kill -9 loops, crash storms) run in CI (CI=true) or with --slow; a
    developer's plain `pytest` stays quick."""
    if config.getoption("--slow") or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="slow trial: runs in CI, or locally with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
