"""The crawl benchmark runs end to end on a tiny site (it is not a test of speed)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "crawl.py"
# Debian puts nginx in /usr/sbin, often not on a user's PATH
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)
HAS_SCRAPY = importlib.util.find_spec("scrapy") is not None

pytestmark = pytest.mark.skipif(NGINX is None, reason="needs nginx (apt-get install nginx)")


def test_benchmark_crawls_every_page_with_every_contender(tmp_path: Path) -> None:
    """Each contender fetches every page of a 50-page site; the project stores every report."""
    argv = [sys.executable, str(BENCH), "--pages", "50", "--concurrency", "4",
            "--out", str(tmp_path)]
    if not HAS_SCRAPY:
        argv.append("--skip-scrapy")
    subprocess.run(argv, check=True, timeout=120, capture_output=True)
    run = json.loads((tmp_path / "crawl-50.json").read_text(encoding="utf-8"))["main"]
    results = run["results"]
    assert set(results) >= {"reportarchiver", "bare httpx"}
    for figures in results.values():
        assert figures["pages"] == run["site_pages"]
        assert figures["pages_per_second"] > 0
        assert 0 < figures["peak_rss_mb"] < 1000
    assert results["reportarchiver"]["items"] == run["reports"]
    assert results["reportarchiver"]["errors"] == 0
