"""Crawling under stress: two hosts, measured politeness, kill -9, concurrent crawls, 429s.

The kill -9 loop runs a few times in CI; ``RA_KILL_LOOPS=50 pytest tests/test_crawl_resilience.py``
runs the long trial.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from helpers import alive, descendants, fast_crawler, site_config
from reportarchiver import _pipeline as pipeline
from reportarchiver.config import Config, SiteConfig
from reportarchiver.crawl import crawl
from reportarchiver.demo.server import serve_site
from reportarchiver.store import Archive

KILL_LOOPS = int(os.environ.get("RA_KILL_LOOPS", "3"))


class RecordingTransport(httpx.AsyncHTTPTransport):
    """A real transport that notes when each request leaves the client, per host."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: dict[str, list[float]] = defaultdict(list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.starts[request.url.netloc.decode()].append(time.monotonic())
        return await super().handle_async_request(request)


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def test_two_hosts_each_get_the_delay_and_proceed_in_parallel(tmp_path, expected_site):
    delay = 0.15
    transport = RecordingTransport()
    with serve_site(host="127.0.0.1") as one, serve_site(host="127.0.0.2") as two, \
            Archive(tmp_path / "a.db") as archive:
        a = site_config(one.base_url, archive.path, name="one")
        b = site_config(two.base_url, archive.path, name="two")
        crawler = fast_crawler(delay_seconds=delay, per_host_concurrency=1)
        config = Config(crawler=crawler, database=archive.path, sites=(*a.sites, *b.sites))
        summary = asyncio.run(crawl(config, archive, transport=transport))
        received = {server.base_url: [r.at for r in server.requests] for server in (one, two)}
    assert summary.counters["new_reports"] == 2 * len(expected_site["reports"])
    assert len(transport.starts) == 2
    for host, starts in transport.starts.items():
        # as sent: never below the delay (the host's clock is stamped when a request goes
        # out, and the next one is not handed to the transport before the gap has passed)
        assert min(gaps(starts)) >= delay, host
    for host, times in received.items():
        # as received: what the server thread notes on a loaded machine is only a sanity
        # check (its scheduling jitter is not ours to guarantee)
        assert min(gaps(times[1:])) >= delay / 2, host
    # the hosts proceeded in parallel: requests to one host went out between two requests
    # to the other, many times over (a structural check: no threshold on elapsed time)
    (a_starts, b_starts) = transport.starts.values()
    interleaved = sum(any(x < y < z for y in b_starts) for x, z in itertools.pairwise(a_starts))
    assert interleaved >= len(a_starts) // 2


def single_site(base: str, db: Path, start: str, **crawler: object) -> Config:
    """A config for a site served by pytest-httpserver; reports are /r/N.html."""
    return Config(crawler=fast_crawler(**crawler), database=db, sites=(SiteConfig(
        name="s", start_urls=(base + start,), include=(re.compile("^" + re.escape(base)),),
        report_pattern=re.compile(r"/r/\d+\.html$")),))


def test_a_robots_crawl_delay_larger_than_the_config_wins(tmp_path, httpserver: HTTPServer):
    arrivals: list[float] = []

    def page(request: Request) -> Response:
        arrivals.append(time.monotonic())
        n = int(request.path[2:-5])
        return Response(f'<a href="/l{n + 1}.html">next</a>', content_type="text/html")

    def robots(request: Request) -> Response:
        arrivals.append(time.monotonic())
        return Response("User-agent: *\nCrawl-delay: 0.3\n", content_type="text/plain")

    httpserver.expect_request("/robots.txt").respond_with_handler(robots)
    for i in range(5):
        httpserver.expect_request(f"/l{i}.html").respond_with_handler(page)
    base = httpserver.url_for("").rstrip("/")
    config = single_site(base, tmp_path / "a.db", "/l0.html", delay_seconds=0.05,
                         per_host_concurrency=1, max_depth=3)
    transport = RecordingTransport()
    with Archive(config.database) as archive:
        asyncio.run(crawl(config, archive, transport=transport))
    assert len(arrivals) == 5  # robots.txt and l0..l3 (max_depth 3)
    [sent] = transport.starts.values()
    # far above the configured 0.05 s, counted from robots.txt's own request on
    assert len(sent) >= 5 and min(gaps(sent)) >= 0.3  # (the sitemap probe too)


def test_429_with_retry_after_is_honoured_during_a_crawl(tmp_path, httpserver: HTTPServer):
    arrivals: list[float] = []

    def report(request: Request) -> Response:
        arrivals.append(time.monotonic())
        if len(arrivals) == 1:
            return Response("slow down", 429, {"Retry-After": "1"})
        return Response("<html><body>" + "<p>养老服务体系建设。</p>" * 80 + "</body></html>",
                        content_type="text/html; charset=utf-8")

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/r/1.html").respond_with_handler(report)
    base = httpserver.url_for("").rstrip("/")
    config = single_site(base, tmp_path / "a.db", "/r/1.html", max_attempts=3)
    with Archive(config.database) as archive:
        summary = asyncio.run(crawl(config, archive))
    assert summary.counters["new_reports"] == 1
    assert arrivals[1] - arrivals[0] >= 1.0


def start_crawl(config: Path, server, requests: int) -> subprocess.Popen:
    """A crawl process, returned once the server has seen ``requests`` of its requests."""
    proc = subprocess.Popen(crawl_command(config), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(server.requests) < requests and time.monotonic() < deadline:
        time.sleep(0.01)
    return proc


def crawl_command(config: Path) -> list[str]:
    return [sys.executable, "-m", "reportarchiver", "crawl", "--config", str(config)]


def write_config(path: Path, base_url: str, delay: float) -> Path:
    path.write_text(textwrap.dedent(f"""
        [crawler]
        delay_seconds = {delay}
        per_host_concurrency = 1
        max_attempts = 2
        [storage]
        database = "reports.db"
        [[sites]]
        name = "sample"
        start_urls = ["{base_url}/"]
        report_pattern = '/(baogao|tjgongbao)/\\w+/\\d+\\.html$'
        """), encoding="utf-8")
    return path


def snapshot(db: Path) -> set[tuple]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        reports = set(conn.execute("SELECT url, content_hash, page_count FROM reports"))
        versions = conn.execute("SELECT count(*) FROM report_versions").fetchone()[0]
        assert versions == len(reports)  # nothing stored twice
        return reports


@pytest.mark.slow
def test_kill_9_mid_crawl_then_resume_gives_the_same_archive(tmp_path):
    rng = random.Random(20221223)
    with serve_site() as server:
        whole_dir = tmp_path / "whole"
        whole_dir.mkdir()
        subprocess.run(crawl_command(write_config(whole_dir / "config.toml", server.base_url,
                                                  0.0)), check=True, timeout=120,
                       capture_output=True)
        expected = snapshot(whole_dir / "reports.db")
        whole_requests = len(server.requests)
        for loop in range(KILL_LOOPS):
            work = tmp_path / f"killed{loop}"
            work.mkdir()
            config = write_config(work / "config.toml", server.base_url, 0.03)
            # kill 1 to 3 times, each after a random number of the crawl's requests (so that
            # the kill surely lands mid-crawl), then let it finish
            for kill in range(rng.randint(1, 3)):
                target = len(server.requests) + rng.randint(3, whole_requests - 3)
                proc = subprocess.Popen(crawl_command(config), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                while len(server.requests) < target and proc.poll() is None:
                    time.sleep(0.005)
                time.sleep(rng.uniform(0, 0.03))  # anywhere within a request
                # a resumed crawl has less to do and may finish first; a fresh one may not
                assert kill > 0 or proc.poll() is None, "the first kill came too late"
                workers = descendants(proc.pid)
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                deadline = time.monotonic() + 10
                while any(map(alive, workers)) and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert not any(map(alive, workers)), "a worker outlived the killed crawl"
            done = subprocess.run(crawl_command(config), capture_output=True, text=True,
                                  timeout=120)
            assert done.returncode == 0, done.stderr
            assert snapshot(work / "reports.db") == expected, f"loop {loop}"
            with sqlite3.connect(work / "reports.db") as conn:
                # the killed runs' counters were committed with what they stored
                counted = conn.execute("SELECT sum(new_reports) FROM crawl_runs").fetchone()[0]
            assert counted == len(expected), f"loop {loop}"


@pytest.mark.slow
def test_a_second_simultaneous_crawl_exits_75(tmp_path):
    with serve_site() as server:
        config = write_config(tmp_path / "config.toml", server.base_url, 0.05)
        first = start_crawl(config, server, requests=2)
        second = subprocess.run(crawl_command(config), capture_output=True, text=True,
                                timeout=60)
        _out, err = first.communicate(timeout=120)
    assert second.returncode == 75
    assert "another crawl is running" in second.stderr
    assert first.returncode == 0, err


REPORT_HTML = "<html><body>" + "<p>推进老旧小区改造，完善养老服务体系。</p>" * 40 + "</body></html>"


def test_an_unlinked_report_is_found_through_sitemap_xml(tmp_path, httpserver: HTTPServer):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/").respond_with_data("<p>home</p>", content_type="text/html")
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        f"<?xml version='1.0'?><urlset><url><loc>{base}/r/7.html</loc></url></urlset>",
        content_type="application/xml")
    httpserver.expect_request("/r/7.html").respond_with_data(
        REPORT_HTML, content_type="text/html; charset=utf-8")
    config = single_site(base, tmp_path / "a.db", "/")
    with Archive(config.database) as archive:
        summary = asyncio.run(crawl(config, archive))
        assert archive.report(base + "/r/7.html") is not None
    assert summary.counters["errors"] == 0


def test_a_missing_sitemap_xml_is_not_an_error(tmp_path, httpserver: HTTPServer):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/sitemap.xml").respond_with_data("", status=404)
    httpserver.expect_request("/").respond_with_data('<a href="/r/1.html">r</a>',
                                                     content_type="text/html")
    httpserver.expect_request("/r/1.html").respond_with_data(REPORT_HTML,
                                                             content_type="text/html")
    config = single_site(base, tmp_path / "a.db", "/")
    with Archive(config.database) as archive:
        summary = asyncio.run(crawl(config, archive))
    assert summary.counters == {**summary.counters, "errors": 0, "new_reports": 1}


def test_crawler_traps_are_skipped_with_the_reason_recorded(tmp_path, httpserver: HTTPServer):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/sitemap.xml").respond_with_data("", status=404)
    httpserver.expect_request("/").respond_with_data(
        '<a href="/a/b/a/b/a/b/x.html">loop</a> <a href="/cal?month=1&year=2020">cal</a>',
        content_type="text/html")
    config = single_site(base, tmp_path / "a.db", "/")
    with Archive(config.database) as archive:
        summary = asyncio.run(crawl(config, archive))
        reasons = dict(archive.query(
            "SELECT url, reason FROM frontier WHERE state = 'skipped'"))
    assert reasons == {base + "/a/b/a/b/a/b/x.html": "repeating path segments",
                       base + "/cal?month=1&year=2020": "calendar-like query"}
    assert summary.counters["skipped"] == 2


def test_without_a_report_pattern_long_pages_are_reports_fetched_and_cleaned_once(
        tmp_path, httpserver: HTTPServer, monkeypatch):
    base = httpserver.url_for("").rstrip("/")
    hits: list[str] = []
    cleaned: list[str] = []
    clean = pipeline.clean

    def counting_clean(body, url, **kwargs):
        cleaned.append(url)
        return clean(body, url, **kwargs)

    monkeypatch.setattr(pipeline, "clean", counting_clean)  # clean_workers = 0: in this process

    def page(request: Request) -> Response:
        hits.append(request.path)
        if request.path == "/":
            return Response('<a href="/news/1.html">r</a>', content_type="text/html")
        return Response(REPORT_HTML, content_type="text/html")

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/sitemap.xml").respond_with_data("", status=404)
    httpserver.expect_request("/").respond_with_handler(page)
    httpserver.expect_request("/news/1.html").respond_with_handler(page)
    config = single_site(base, tmp_path / "a.db", "/")
    config = Config(crawler=config.crawler, database=config.database, sites=(SiteConfig(
        name="s", start_urls=(base + "/",), include=config.sites[0].include),))
    with Archive(config.database) as archive:
        summary = asyncio.run(crawl(config, archive))
        assert archive.report(base + "/news/1.html") is not None
        assert archive.report(base + "/") is None  # a short page stays a list page
    assert summary.counters["new_reports"] == 1
    assert hits.count("/news/1.html") == 1
    assert sorted(cleaned) == [base + "/", base + "/news/1.html"]  # each page once


def test_paging_through_a_listing_is_not_a_hop_but_leaving_it_is(tmp_path,
                                                                 httpserver: HTTPServer):
    pages = 30

    def listing(request: Request) -> Response:
        name = request.path.rsplit("/", 1)[1]
        n = int(name[6:-5]) if name.startswith("index_") else 1
        links = f'<a href="/r/{n}.html">report {n}</a>'
        if n < pages:
            links += f' <a href="index_{n + 1}.html">下一页</a>'
        else:
            links += ' <a href="/more/index.html">more</a>'  # another listing: one hop
        return Response(f"<html><body>{links}</body></html>", content_type="text/html")

    httpserver.expect_request("/more/index.html").respond_with_data(
        '<a href="/r/100.html">r</a>', content_type="text/html")
    base = serve_listing(httpserver, r"^/list/(index_\d+\.html)?$", listing)
    stored, skipped = crawl_listing(base, tmp_path / "a.db", "/list/", max_depth=1)
    assert stored == {f"{base}/r/{n}.html" for n in range(1, pages + 1)}
    assert skipped == [(f"{base}/r/100.html", 2, "deeper than max_depth 1")]
    # within reach of a larger max_depth, a URL skipped as too deep is fetched after all
    stored, skipped = crawl_listing(base, tmp_path / "a.db", "/list/", max_depth=2)
    assert f"{base}/r/100.html" in stored and skipped == []


def test_numbered_pages_of_a_numbered_listing_are_one_listing(tmp_path,
                                                              httpserver: HTTPServer):
    """list_5_1.html, list_5_2.html, ... page through listing 5 (a common CMS scheme);
    list_5_10_2.html is not one of them: a URL that grows a suffix at each link must not
    crawl on for ever at one depth."""
    def listing(request: Request) -> Response:
        parts = request.path.rsplit("/", 1)[1][:-5].split("_")
        if len(parts) > 3:  # list_5_10_2
            return Response('<a href="/r/200.html">r</a>', content_type="text/html")
        n = int(parts[2])
        links = f'<a href="/r/{n}.html">r</a>'
        links += f' <a href="list_5_{n + 1}.html">下一页</a>' if n < 10 else \
            ' <a href="list_5_10_2.html">more</a>'
        return Response(links, content_type="text/html")

    base = serve_listing(httpserver, r"^/cat/list_5[\d_]*\.html$", listing)
    stored, skipped = crawl_listing(base, tmp_path / "a.db", "/cat/list_5_1.html", max_depth=1)
    assert stored == {f"{base}/r/{n}.html" for n in range(1, 11)}
    assert skipped == [(f"{base}/r/200.html", 2, "deeper than max_depth 1")]


def serve_listing(httpserver: HTTPServer, list_paths: str, listing) -> str:
    """List pages matching ``list_paths`` from ``listing``, reports at /r/N.html; the base."""
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/sitemap.xml").respond_with_data("", status=404)
    httpserver.expect_request(re.compile(list_paths)).respond_with_handler(listing)
    httpserver.expect_request(re.compile(r"^/r/\d+\.html$")).respond_with_data(
        REPORT_HTML, content_type="text/html; charset=utf-8")
    return httpserver.url_for("").rstrip("/")


def crawl_listing(base: str, db: Path, start: str, max_depth: int) -> tuple[set, list]:
    """Crawl from ``start``: the stored report URLs and the skipped (url, depth, reason)."""
    config = single_site(base, db, start, max_depth=max_depth)
    with Archive(config.database) as archive:
        asyncio.run(crawl(config, archive))
        return ({r["url"] for r in archive.reports()}, archive.query(
            "SELECT url, depth, reason FROM frontier WHERE state = 'skipped'"))


class InFlight:
    """Counts requests being served, per host and over all servers, and the peaks."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()

    def handler(self, host: str, body: str, seconds: float):
        def serve(request: Request) -> Response:
            with self.lock:
                self.now[host] += 1
                self.now["all"] += 1
                for key in (host, "all"):
                    self.peak[key] = max(self.peak[key], self.now[key])
            time.sleep(seconds)
            with self.lock:
                self.now[host] -= 1
                self.now["all"] -= 1
            return Response(body, content_type="text/html; charset=utf-8")
        return serve


def test_requests_in_flight_stay_within_the_per_host_and_overall_caps(tmp_path):
    flights = InFlight()
    servers = [HTTPServer(host=host, threaded=True) for host in ("127.0.0.1", "127.0.0.2")]
    sites = []
    try:
        for server in servers:
            server.start()
            host = server.host
            home = " ".join(f'<a href="/r/{n}.html">r</a>' for n in range(1, 7))
            server.expect_request("/robots.txt").respond_with_data("", status=404)
            server.expect_request("/sitemap.xml").respond_with_data("", status=404)
            server.expect_request("/").respond_with_handler(flights.handler(host, home, 0.0))
            server.expect_request(re.compile(r"^/r/\d+\.html$")).respond_with_handler(
                flights.handler(host, REPORT_HTML, 0.2))
            base = server.url_for("").rstrip("/")
            sites.append(SiteConfig(name=host, start_urls=(base + "/",),
                                    include=(re.compile("^" + re.escape(base)),),
                                    report_pattern=re.compile(r"/r/\d+\.html$")))
        config = Config(crawler=fast_crawler(per_host_concurrency=2, concurrency=3),
                        database=tmp_path / "a.db", sites=tuple(sites))
        with Archive(config.database) as archive:
            summary = asyncio.run(crawl(config, archive))
    finally:
        for server in servers:
            server.clear()
            if server.is_running():
                server.stop()
    assert summary.counters["new_reports"] == 12
    assert flights.peak["127.0.0.1"] == flights.peak["127.0.0.2"] == 2  # reached, never passed
    assert flights.peak["all"] == 3


def test_sitemaps_named_by_robots_txt_and_feeds_lead_to_unlinked_reports(tmp_path,
                                                                       httpserver: HTTPServer):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data(
        f"User-agent: *\nAllow: /\nSitemap: {base}/maps/s1.xml\n")
    httpserver.expect_request("/maps/s1.xml").respond_with_data(
        f"<?xml version='1.0'?><urlset><url><loc>{base}/r/7.html</loc></url></urlset>",
        content_type="application/xml")
    httpserver.expect_request("/").respond_with_data(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
        "</head><body><p>home</p></body></html>", content_type="text/html")
    httpserver.expect_request("/feed.xml").respond_with_data(
        f"<?xml version='1.0'?><rss><channel><item><link>{base}/r/8.html</link></item>"
        "</channel></rss>", content_type="application/rss+xml")
    httpserver.expect_request(re.compile(r"^/r/[78]\.html$")).respond_with_data(
        REPORT_HTML, content_type="text/html; charset=utf-8")
    config = single_site(base, tmp_path / "a.db", "/")
    with Archive(config.database) as archive:
        asyncio.run(crawl(config, archive))
        stored = {r["url"] for r in archive.reports()}
    assert stored == {base + "/r/7.html", base + "/r/8.html"}
    assert "/sitemap.xml" not in {r.path for r, _ in httpserver.log}  # robots named one


def test_last_modified_is_sent_back_and_an_unchanged_body_is_unchanged(tmp_path,
                                                                      httpserver: HTTPServer):
    stamp = "Wed, 04 Jan 2023 08:00:00 GMT"
    asked: list[str | None] = []

    def dated(request: Request) -> Response:
        asked.append(request.headers.get("If-Modified-Since"))
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(status=304)
        return Response(REPORT_HTML, content_type="text/html; charset=utf-8",
                        headers={"Last-Modified": stamp})

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/sitemap.xml").respond_with_data("", status=404)
    httpserver.expect_request("/").respond_with_data(
        '<a href="/r/1.html">dated</a> <a href="/r/2.html">no validators</a>',
        content_type="text/html")
    httpserver.expect_request("/r/1.html").respond_with_handler(dated)
    # ignores validators and sends the same body again: the content hash decides
    httpserver.expect_request("/r/2.html").respond_with_data(
        REPORT_HTML, content_type="text/html; charset=utf-8")
    base = httpserver.url_for("").rstrip("/")
    config = single_site(base, tmp_path / "a.db", "/", recheck_days=0)
    with Archive(config.database) as archive:
        first = asyncio.run(crawl(config, archive))
        second = asyncio.run(crawl(config, archive))
        versions = archive.count("report_versions")
    assert first.counters["new_reports"] == 2
    assert asked == [None, stamp]
    assert second.counters["unchanged"] == 2 and second.counters["new_reports"] == 0
    assert second.counters["changed_reports"] == 0 and versions == 2


def test_repeated_429s_slow_down_even_a_crawl_configured_without_delay(tmp_path,
                                                                      httpserver: HTTPServer):
    arrivals: list[float] = []

    def report(request: Request) -> Response:
        arrivals.append(time.monotonic())
        if len(arrivals) <= 2:
            return Response("slow down", 429)  # no Retry-After: only the adaptive delay
        return Response(REPORT_HTML, content_type="text/html; charset=utf-8")

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/r/1.html").respond_with_handler(report)
    base = httpserver.url_for("").rstrip("/")
    config = single_site(base, tmp_path / "a.db", "/r/1.html", max_attempts=3,
                         delay_seconds=0.0)
    with Archive(config.database) as archive:
        summary = asyncio.run(crawl(config, archive))
    assert summary.counters["new_reports"] == 1
    first, second = gaps(arrivals)
    assert first >= 0.5 and second >= 1.0  # the gap doubles with each 429


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_the_next_run_finishes_the_crawl(tmp_path, expected_site):
    with serve_site() as server:
        config = write_config(tmp_path / "config.toml", server.base_url, 0.05)
        proc = start_crawl(config, server, requests=6)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert err.strip().splitlines() == [
            "Error: interrupted: the next crawl resumes where this one stopped"]
        with sqlite3.connect(tmp_path / "reports.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT status FROM crawl_runs").fetchall() == [
                ("interrupted",)]
            stored = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        assert stored < len(expected_site["reports"])
        done = subprocess.run(crawl_command(config), capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "reports.db") as conn:
        assert conn.execute("SELECT count(*) FROM reports").fetchone()[0] == len(
            expected_site["reports"])


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_crawl_cleanly_with_its_counters_and_no_process_left(
        tmp_path, signum, code):
    """SIGTERM (systemd, timeout) is handled like Ctrl-C: one line, the run recorded as
    interrupted with the counters of what it stored, the workers gone with the crawler."""
    with serve_site() as server:
        config = write_config(tmp_path / "config.toml", server.base_url, 0.05)
        proc = start_crawl(config, server, requests=8)
        children = descendants(proc.pid)
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=60)
    left = [pid for pid in children if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert proc.returncode == code, err
    assert err.strip().splitlines() == [
        "Error: interrupted: the next crawl resumes where this one stopped"]
    assert not left, f"{len(left)} of {len(children)} processes outlived the crawler"
    with sqlite3.connect(tmp_path / "reports.db") as conn:
        status, fetched, new = conn.execute(
            "SELECT status, fetched, new_reports FROM crawl_runs").fetchone()
        stored = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert status == "interrupted" and fetched > 0 and new == stored


def test_a_crawl_that_ends_leaves_no_process_behind(tmp_path):
    with serve_site() as server:
        config = write_config(tmp_path / "config.toml", server.base_url, 0.0)
        proc = start_crawl(config, server, requests=3)
        seen: set[int] = set()
        while proc.poll() is None:
            seen |= descendants(proc.pid)
            time.sleep(0.02)
        _out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert seen, "the crawl cleaned pages in a worker process"
    assert [pid for pid in seen if alive(pid)] == []
