"""Shared fixtures: a real archive file, the sample site served on 127.0.0.1, fast configs."""

from __future__ import annotations

import json
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
