"""[storage] warc_dir: a crawl appends WARC files of every response it fetches (issue 12)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from dataclasses import replace

from helpers import site_config
from reportarchiver.crawl import crawl
from reportarchiver.interchange import read_archive
from reportarchiver.store import Archive


def test_a_crawl_writes_its_responses_to_rotating_warc_files(site, tmp_path):
    folder = tmp_path / "warc"
    config = replace(site_config(site.base_url, tmp_path / "a.db"), warc_dir=folder,
                     warc_max_bytes=60_000)
    with Archive(config.database) as archive:
        summary = asyncio.run(crawl(config, archive))
        stored = {r[0] for r in archive.query("SELECT url FROM page_versions")}
    files = sorted(folder.iterdir())
    assert len(files) >= 2 and all(f.name.endswith(".warc.gz") for f in files)  # rotated
    urls = [r.url for f in files for r in read_archive(f)]
    assert stored <= set(urls)  # every stored page, robots.txt and sitemaps too
    assert len(urls) >= summary.counters["fetched"]
    for f in files:
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(f)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_warc_dir_and_its_size_are_config_keys(tmp_path):
    from reportarchiver.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('[storage]\nwarc_dir = "warc"\nwarc_max_bytes = 5_000_000\n',
                    encoding="utf-8")
    config = load_config(path)
    assert config.warc_dir == tmp_path / "warc" and config.warc_max_bytes == 5_000_000
