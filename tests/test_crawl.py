"""Crawling the bundled sample site over real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gc
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from helpers import site_config
from reportarchiver._reextract import reextract_archive
from reportarchiver.crawl import crawl
from reportarchiver.demo.server import SITE_DIR, serve_site
from reportarchiver.store import Archive
from reportarchiver.store import _frontier as frontier


def run(config, archive: Archive, **kw):
    return asyncio.run(crawl(config, archive, **kw))


def reports_by_path(archive: Archive, base: str) -> dict[str, dict]:
    return {r["url"].removeprefix(base): r for r in archive.reports()}


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample site, for pages that change or vanish."""
    return Path(shutil.copytree(SITE_DIR, tmp_path / "site"))


def test_every_report_is_archived_once_and_stitched(site, archive, db_path, expected_site):
    summary = run(site_config(site.base_url, db_path), archive)
    assert summary.status == "ok" and summary.counters["errors"] == 0
    stored = reports_by_path(archive, site.base_url)
    assert sorted(stored) == sorted(r["url"] for r in expected_site["reports"])
    for expected in expected_site["reports"]:
        row = stored[expected["url"]]
        assert row["page_count"] == len(expected["pages"]), expected["url"]
        body = row["body_text"]
        positions = [body.find(s) for s in expected["must_include"]]
        assert -1 not in positions, (expected["url"], expected["must_include"], positions)


def test_pages_are_stitched_in_page_order(site, archive, db_path, expected_site):
    run(site_config(site.base_url, db_path), archive)
    stored = reports_by_path(archive, site.base_url)
    multi = [r for r in expected_site["reports"] if len(r["pages"]) > 1]
    assert len(multi) >= 3
    for expected in multi:
        body = stored[expected["url"]]["body_text"]
        positions = [body.find(s) for s in expected["must_include"]]
        assert positions == sorted(positions), expected["url"]
        pages = archive.report_pages(site.base_url + expected["url"])
        assert [p.removeprefix(site.base_url) for p in pages] == expected["pages"]


def test_no_boilerplate_string_is_in_any_body(site, archive, db_path, expected_site):
    run(site_config(site.base_url, db_path), archive)
    for row in archive.reports():
        for text in expected_site["boilerplate"]:
            assert text not in row["body_text"], (row["url"], text)


def test_gbk_pages_are_decoded_as_gb18030(site, archive, db_path, expected_site):
    run(site_config(site.base_url, db_path), archive)
    gbk = [r for r in expected_site["reports"] if r["encoding"] == "gbk"]
    assert gbk
    for expected in gbk:
        page = archive.stored_page(site.base_url + expected["url"])
        assert page is not None
        encoding = archive.query("SELECT encoding FROM pages WHERE url = ?",
                                        [page.url])[0][0]
        assert encoding == "gb18030"
        body = archive.report(site.base_url + expected["url"])["body_text"]
        assert "\ufffd" not in body


def test_disallowed_paths_are_never_requested(site, archive, db_path, expected_site):
    summary = run(site_config(site.base_url, db_path), archive)
    requested = {r.path for r in site.requests}
    for path in expected_site["disallowed"]:
        assert path not in requested
    assert summary.counters["skipped"] >= len(expected_site["disallowed"])
    assert "/robots.txt" in requested


def test_every_request_carries_the_user_agent(site, archive, db_path):
    run(site_config(site.base_url, db_path, user_agent="archive-test/9"), archive)
    assert {r.headers.get("User-Agent") for r in site.requests} == {"archive-test/9"}


def test_a_second_run_sends_conditional_gets_and_stores_nothing_new(site, archive, db_path):
    config = site_config(site.base_url, db_path, recheck_days=0)
    run(config, archive)
    versions = archive.count("report_versions")
    site.requests.clear()
    second = run(config, archive)
    pages = [r for r in site.requests if r.path.endswith(".html")]
    assert pages and all("If-None-Match" in r.headers for r in pages)
    assert second.counters["new_reports"] == 0 and second.counters["changed_reports"] == 0
    assert second.counters["unchanged"] == archive.count("reports")
    assert archive.count("report_versions") == versions


def test_archived_reports_wait_for_recheck_days_but_lists_do_not(site, archive, db_path):
    config = site_config(site.base_url, db_path, recheck_days=7)
    run(config, archive)
    site.requests.clear()
    run(config, archive)
    paths = {r.path for r in site.requests}
    assert "/baogao/index.html" in paths
    assert not any(p.startswith("/baogao/db/") for p in paths)


def test_a_changed_page_produces_a_new_version(site_copy, tmp_path, db_path):
    page = site_copy / "baogao" / "db" / "4633_2.html"
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        config = site_config(server.base_url, db_path, recheck_days=0)
        run(config, archive)
        original = page.read_bytes()
        page.write_bytes(original.replace("惠及居民".encode(), "惠及城乡居民".encode(), 1))
        second = run(config, archive)
        assert second.counters["changed_reports"] == 1
        row = archive.report(server.base_url + "/baogao/db/4633.html")
        assert "惠及城乡居民" in row["body_text"]
        versions = archive.query(
            "SELECT count(*) FROM report_versions WHERE report_id = ?", [row["id"]])[0]
        assert versions[0] == 2


def test_a_failed_later_page_stores_the_report_incomplete_until_it_comes_back(site_copy,
                                                                             db_path):
    page = site_copy / "baogao" / "db" / "4633_3.html"
    saved = page.read_bytes()
    page.unlink()
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        config = site_config(server.base_url, db_path)
        first = run(config, archive)
        url = server.base_url + "/baogao/db/4633.html"
        assert first.counters["errors"] >= 1
        part = archive.report(url)
        assert (part["complete"], part["page_count"]) == (0, 2)  # pages 1 and 2, marked
        errors = archive.query("SELECT url, kind, status FROM fetch_errors")
        assert (server.base_url + "/baogao/db/4633_3.html", "http", 404) in errors
        assert archive.query("SELECT state FROM frontier WHERE url = ?",
                                    [url])[0] == ("failed",)
        page.write_bytes(saved)
        second = run(config, archive)  # retried although recheck_days has not passed
        assert second.counters["changed_reports"] == 1
        whole = archive.report(url)
        assert (whole["complete"], whole["page_count"]) == (1, 3)
        assert whole["body_text"].startswith(part["body_text"])


def test_a_whole_report_is_never_replaced_by_part_of_it(site_copy, db_path):
    folder = site_copy / "baogao" / "db"
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        config = site_config(server.base_url, db_path, recheck_days=0)
        run(config, archive)
        url = server.base_url + "/baogao/db/4633.html"
        whole = archive.report(url)
        # page 1 now links a page 4 that fails: pages 1-3 are as many as the stored report has
        first = folder / "4633.html"
        link = b'<a href="/baogao/db/4633_3.html">3</a>'
        first.write_bytes(first.read_bytes().replace(
            link, link + b' <a href="/baogao/db/4633_4.html">4</a>', 1))
        second = run(config, archive)
        assert second.counters["errors"] >= 1
        assert archive.report(url) == whole
        versions = archive.query(
            "SELECT count(*) FROM report_versions WHERE report_id = ?", [whole["id"]])
        assert versions[0][0] == 1


def test_an_incomplete_report_is_not_shortened_and_stays_incomplete_when_reextracted(
        site_copy, db_path):
    folder = site_copy / "baogao" / "db"
    (folder / "4633_3.html").unlink()
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        config = site_config(server.base_url, db_path, recheck_days=0)
        run(config, archive)
        url = server.base_url + "/baogao/db/4633.html"
        part = archive.report(url)
        assert (part["complete"], part["page_count"]) == (0, 2)
        (folder / "4633_2.html").unlink()
        run(config, archive)
        assert archive.report(url)["page_count"] == 2  # not replaced by page 1 alone
        reextract_archive(archive, config)
        assert archive.report(url)["complete"] == 0


def test_a_later_page_forbidden_by_robots_leaves_the_report_incomplete_and_failed(
        site_copy, db_path):
    robots = site_copy / "robots.txt"
    robots.write_text(robots.read_text().replace(
        "Disallow: /plus/", "Disallow: /plus/\nDisallow: /baogao/db/4633_3.html"))
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        run(site_config(server.base_url, db_path), archive)
        url = server.base_url + "/baogao/db/4633.html"
        assert archive.report(url)["complete"] == 0
        assert archive.query("SELECT state FROM frontier WHERE url = ?",
                                    [url])[0] == ("failed",)
        assert archive.query("SELECT kind FROM fetch_errors WHERE url = ?",
                                    [url[:-5] + "_3.html"])[0] == ("robots",)


def test_max_pages_stops_the_run_and_the_next_run_resumes(site, archive, db_path, tmp_path):
    config = site_config(site.base_url, db_path)
    first = run(config, archive, max_pages=6)
    assert first.counters["fetched"] <= 6 and first.queued_left > 0
    while run(config, archive, max_pages=6).queued_left:
        pass
    with Archive(tmp_path / "whole.db") as whole:
        run(site_config(site.base_url, tmp_path / "whole.db"), whole)
        expected = {(r["url"], r["content_hash"]) for r in whole.reports()}
    assert {(r["url"], r["content_hash"]) for r in archive.reports()} == expected


def test_every_run_is_recorded_with_its_counters(site, archive, db_path):
    summary = run(site_config(site.base_url, db_path), archive)
    row = archive.recent_runs(1)[0]
    assert row["id"] == summary.run_id and row["status"] == "ok"
    assert row["new_reports"] == summary.counters["new_reports"] > 0
    assert row["finished_at"] and row["duration_seconds"] >= 0


def test_an_unreachable_robots_txt_disallows_the_host(archive, db_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    summary = run(site_config(f"http://127.0.0.1:{port}", db_path, max_attempts=1), archive)
    assert summary.counters["fetched"] == 0
    kinds = [r[0] for r in archive.query("SELECT kind FROM fetch_errors")]
    assert "robots" in kinds


def test_cleaning_in_a_worker_process_gives_the_same_archive(site, archive, db_path, tmp_path):
    run(site_config(site.base_url, db_path, clean_workers=1), archive)
    with Archive(tmp_path / "inline.db") as inline:
        run(site_config(site.base_url, tmp_path / "inline.db", clean_workers=0), inline)
        expected = {(r["url"], r["content_hash"], r["title"], r["year"])
                    for r in inline.reports()}
    assert {(r["url"], r["content_hash"], r["title"], r["year"])
            for r in archive.reports()} == expected


def test_a_url_that_keeps_failing_is_retried_ever_less_often(tmp_path, httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/sitemap.xml").respond_with_data("", status=404)
    httpserver.expect_request("/").respond_with_data(
        '<a href="/baogao/db/1.html">r</a> <a href="/gone/">a list</a>', content_type="text/html")
    httpserver.expect_request("/baogao/db/1.html").respond_with_data("gone", status=404)
    httpserver.expect_request("/gone/").respond_with_data("gone", status=404)
    base = httpserver.url_for("").rstrip("/")
    config = site_config(base, tmp_path / "a.db", recheck_days=0)
    asked = []
    with Archive(config.database) as archive:
        for _ in range(3):
            run(config, archive)
            asked.append([sum(r.path == path for r, _ in httpserver.log)
                          for path in ("/baogao/db/1.html", "/gone/", "/")])
        attempts, retry_at = archive.query(
            "SELECT attempts, next_attempt_at FROM frontier WHERE url = ?",
            [base + "/baogao/db/1.html"])[0]
    # a report and a list alike: the next run after one failure, then a day later; the
    # start URL is read every run
    assert asked == [[1, 1, 1], [2, 2, 2], [2, 2, 3]]
    assert attempts == 2 and retry_at > datetime.now(UTC).isoformat()


@pytest.mark.parametrize(("failures", "days"), [(1, 0), (2, 1), (3, 3), (4, 7), (5, 15),
                                                (6, 30), (40, 30)])
def test_retry_delays_grow_and_are_capped(failures, days):
    assert frontier.retry_delay(failures) == timedelta(days=days)


def test_a_robots_txt_answering_503_keeps_the_crawl_off_the_host(tmp_path, httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("busy", status=503)
    httpserver.expect_request("/").respond_with_data('<a href="/baogao/db/1.html">r</a>',
                                                     content_type="text/html")
    base = httpserver.url_for("").rstrip("/")
    config = site_config(base, tmp_path / "a.db", max_attempts=2)
    with Archive(config.database) as archive:
        summary = run(config, archive)
        kinds = [r[0] for r in archive.query("SELECT kind FROM fetch_errors")]
    assert {r.path for r, _ in httpserver.log} == {"/robots.txt"}
    assert summary.counters["fetched"] == 0 and "robots" in kinds


def test_robots_txt_is_read_once_per_run(site, archive, db_path):
    config = site_config(site.base_url, db_path)
    for runs in (1, 2):
        run(config, archive)
        assert [r.path for r in site.requests].count("/robots.txt") == runs


def test_a_crawl_that_fails_leaves_no_page_task_behind(site, archive, db_path, monkeypatch,
                                                       caplog):
    def disk_trouble(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Archive, "save_report", disk_trouble)
    with pytest.raises(sqlite3.OperationalError):
        run(site_config(site.base_url, db_path, concurrency=8, per_host_concurrency=8), archive)
    gc.collect()  # an abandoned task logs its exception when it is collected
    assert "never retrieved" not in caplog.text
    assert archive.recent_runs(1)[0]["status"] == "failed"
