"""render = "browser": a page that shows its report only through JavaScript is rendered in
headless Chromium, every request of the browser going through the crawler (issue 11)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import site_config
from reportarchiver.crawl import crawl
from reportarchiver.demo.server import serve_site
from reportarchiver.fetch._browser import CHROMIUM
from reportarchiver.store import Archive

pytest.importorskip("playwright.async_api", reason="Playwright is not installed")
NO_CHROMIUM = shutil.which(CHROMIUM) is None and shutil.which("chromium") is None
pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    NO_CHROMIUM, reason="Chromium is missing (apt-get install chromium)")]

PARAGRAPHS = [
    "各位代表：现在，我代表区人民政府向大会报告工作，请予审议，并请政协委员提出意见。",
    "过去一年，全区地区生产总值增长百分之五点二，一般公共预算收入增长百分之三点一。",
    "今年工作的总体要求是：坚持稳中求进工作总基调，推动高质量发展，保障和改善民生。",
] * 4


@pytest.fixture
def script_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "baogao" / "db").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "index.html").write_text('<a href="/baogao/db/1.html">报告</a>', encoding="utf-8")
    (root / "baogao" / "db" / "1.html").write_text(
        "<html><head><meta charset='utf-8'><title>2023年政府工作报告</title></head><body>"
        "<h1>2023年政府工作报告</h1><div id='app'></div>"
        "<script src='/app.js'></script></body></html>", encoding="utf-8")
    (root / "app.js").write_text(
        "fetch('/data/1.json').then(r => r.json()).then(d => {"
        " document.getElementById('app').innerHTML ="
        " d.paras.map(p => '<p>' + p + '</p>').join(''); });", encoding="utf-8")
    (root / "data" / "1.json").write_text(json.dumps({"paras": PARAGRAPHS}), encoding="utf-8")
    return root


def browser_config(base: str, db: Path):
    config = site_config(base, db)
    return replace(config, sites=(replace(config.sites[0], render="browser"),))


def test_a_page_built_by_its_scripts_is_archived_with_its_text(script_site, tmp_path):
    with serve_site(script_site) as server, Archive(tmp_path / "a.db") as archive:
        summary = asyncio.run(crawl(browser_config(server.base_url, archive.path), archive))
        row = archive.report(server.base_url + "/baogao/db/1.html")
        paths = [r.path for r in server.requests]
    assert summary.status == "ok" and row is not None
    assert all(p in row["body_text"] for p in PARAGRAPHS[:3])
    assert "/app.js" in paths and "/data/1.json" in paths  # fetched by the crawler for it


def test_the_browsers_requests_obey_robots_txt(script_site, tmp_path):
    (script_site / "robots.txt").write_text("User-agent: *\nDisallow: /data/\n",
                                            encoding="utf-8")
    with serve_site(script_site) as server, Archive(tmp_path / "a.db") as archive:
        summary = asyncio.run(crawl(browser_config(server.base_url, archive.path), archive))
        reason = archive.query("SELECT reason FROM frontier WHERE url LIKE '%/1.html'")[0][0]
        paths = [r.path for r in server.requests]
        stored = archive.report(server.base_url + "/baogao/db/1.html")
    assert "/data/1.json" not in paths and stored is None
    assert re.search("JavaScript|no report text", reason) and summary.status == "ok"


def test_without_render_the_page_is_recorded_as_needing_javascript(script_site, tmp_path):
    with serve_site(script_site) as server, Archive(tmp_path / "a.db") as archive:
        summary = asyncio.run(crawl(site_config(server.base_url, archive.path), archive))
        paths = [r.path for r in server.requests]
    assert summary.counters["needs_js"] == 1 and "/app.js" not in paths
