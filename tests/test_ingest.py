"""One-off ingestion of URLs: the library call and its guarantees."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from helpers import fast_crawler
from reportarchiver.config import Config
from reportarchiver.crawl import ingest
from reportarchiver.demo.server import SITE_DIR, serve_site


def go(archive, urls, **crawler):
    config = Config(crawler=fast_crawler(**crawler), database=archive.path)
    return asyncio.run(ingest(config, archive, urls))


def test_one_url_is_fetched_cleaned_and_stored_with_all_its_pages(site, archive):
    [result] = go(archive, [site.url("/baogao/db/4633.html")])
    assert result.ok and result.outcome == "new" and result.page_count == 3
    row = archive.report(site.url("/baogao/db/4633.html"))
    assert row["page_count"] == 3 and row["site"] == "127.0.0.1:" + site.base_url.rsplit(":")[-1]
    assert "现在，我代表区人民政府" in row["body_text"]


def test_asking_for_page_two_archives_the_whole_report(site, archive):
    [result] = go(archive, [site.url("/baogao/db/4633_2.html")])
    assert result.url == site.url("/baogao/db/4633.html") and result.page_count == 3


def test_a_bad_url_gets_a_clear_error_and_the_others_are_stored(site, archive):
    results = go(archive, ["ftp://example.org/x", site.url("/no/such/page.html"),
                           site.url("/baogao/huazhong/4652.html"), "not a url"])
    assert [r.ok for r in results] == [False, False, True, False]
    assert "scheme 'ftp' is not http or https" in results[0].error
    assert "HTTP 404" in results[1].error
    assert archive.count("reports") == 1
    assert archive.count("fetch_errors") == 3


def test_unchanged_reingest_changes_nothing_but_last_checked(site, archive):
    url = site.url("/tjgongbao/huazhong/5096.html")
    go(archive, [url])
    before = archive.report(url)
    pages_before = archive.query("SELECT * FROM pages ORDER BY url")
    [again] = go(archive, [url])
    after = archive.report(url)
    assert again.outcome == "unchanged"
    assert archive.count("report_versions") == 1
    changed = {k for k in before if before[k] != after[k]}
    assert changed <= {"last_checked"}
    assert archive.query("SELECT * FROM pages ORDER BY url") == pages_before


def test_a_robots_disallowed_url_is_refused(site, archive):
    [result] = go(archive, [site.url("/member/login.html")])
    assert not result.ok and "robots.txt" in result.error
    assert all(r.path != "/member/login.html" for r in site.requests)


def test_a_report_with_a_missing_page_is_stored_incomplete_and_reported(tmp_path, archive):
    site_dir = Path(shutil.copytree(SITE_DIR, tmp_path / "site"))
    (site_dir / "baogao" / "db" / "4633_3.html").unlink()
    with serve_site(site_dir) as server:
        [result] = go(archive, [server.url("/baogao/db/4633.html")])
        row = archive.report(server.url("/baogao/db/4633.html"))
    assert not result.ok and result.outcome == "new"
    assert "HTTP 404" in result.error and "stored incomplete (2 page(s))" in result.error
    assert result.line().startswith("error http://")
    assert (row["complete"], row["page_count"]) == (0, 2)
    [(url,)] = archive.query("SELECT url FROM fetch_errors")
    assert url.endswith("/baogao/db/4633_3.html")
