"""Crawls against careless and hostile servers on 127.0.0.1: one URL never stops a run, and
politeness holds on every hop (issue 10's fault catalogue, docs/faults.md)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from helpers import fast_crawler, site_config
from reportarchiver.config import Config, SiteConfig
from reportarchiver.crawl import crawl, ingest
from reportarchiver.errors import ConfigError
from reportarchiver.store import Archive

PARAGRAPH = "<p>各位代表：现在，我代表区人民政府向大会报告工作，请予审议，并请委员提出意见。</p>"
REPORT = ("<html><head><title>2023年政府工作报告</title></head><body><h1>2023年政府工作报告</h1>"
          + PARAGRAPH * 12 + "</body></html>")


def run(config, archive: Archive, **kw):
    return asyncio.run(crawl(config, archive, **kw))


def serve_start(server: HTTPServer, links: list[str]) -> str:
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/sitemap.xml").respond_with_data("", status=404)
    server.expect_request("/").respond_with_data(
        "".join(f'<a href="{link}">x</a>' for link in links), content_type="text/html")
    return server.url_for("").rstrip("/")


@pytest.mark.parametrize("target", ["javascript:alert(1)", "mailto:a@example.org",
                                    "data:text/html,x", "about:blank", "http://xn--/x"])
def test_a_redirect_to_an_unfetchable_url_fails_that_url_only(tmp_path: Path,
                                                              httpserver: HTTPServer,
                                                              target: str) -> None:
    base = serve_start(httpserver, ["/baogao/db/1.html", "/baogao/db/2.html"])
    httpserver.expect_request("/baogao/db/1.html").respond_with_data(
        "", status=302, headers={"Location": target})
    httpserver.expect_request("/baogao/db/2.html").respond_with_data(
        REPORT, content_type="text/html; charset=utf-8")
    config = site_config(base, tmp_path / "a.db")
    with Archive(config.database) as archive:
        first = run(config, archive)
        second = run(config, archive)  # the failed URL does not kill the next run either
        errors = archive.query("SELECT url, kind FROM fetch_errors")
        states = dict(archive.query("SELECT url, state FROM frontier"))
        reports = [r["url"] for r in archive.reports()]
    assert first.status == second.status == "ok"
    assert first.counters["errors"] == 1
    assert errors[0] == (base + "/baogao/db/1.html", "invalid_url")
    assert states[base + "/baogao/db/1.html"] == "failed"
    assert reports == [base + "/baogao/db/2.html"]


def test_ingest_goes_on_after_a_redirect_to_javascript(tmp_path: Path,
                                                       httpserver: HTTPServer) -> None:
    base = serve_start(httpserver, [])
    httpserver.expect_request("/bad.html").respond_with_data(
        "", status=301, headers={"Location": "javascript:void(0)"})
    httpserver.expect_request("/good.html").respond_with_data(
        REPORT, content_type="text/html; charset=utf-8")
    config = Config(crawler=fast_crawler(), database=tmp_path / "a.db")
    with Archive(config.database) as archive:
        results = asyncio.run(ingest(config, archive, [base + "/bad.html",
                                                       base + "/good.html"]))
    assert [r.ok for r in results] == [False, True]
    assert "javascript" in results[0].error


def two_host_site(tmp_path: Path, a: HTTPServer, b: HTTPServer, **crawler) -> Config:
    """A site on 127.0.0.1 whose scope includes 127.0.0.2 (b) too."""
    base_a = a.url_for("").rstrip("/")
    base_b = b.url_for("").rstrip("/")
    site = SiteConfig(name="s", start_urls=(base_a + "/",),
                      include=(re.compile("^" + re.escape(base_a) + "/"),
                               re.compile("^" + re.escape(base_b) + "/")),
                      exclude=(re.compile("/excluded/"),),
                      report_pattern=re.compile(r"/r/\d+\.html$"))
    return Config(crawler=fast_crawler(**crawler), database=tmp_path / "a.db", sites=(site,))


@pytest.fixture
def second_host():
    server = HTTPServer(host="127.0.0.2")
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_a_redirect_to_another_host_obeys_that_hosts_robots_txt(tmp_path, httpserver,
                                                               second_host) -> None:
    serve_start(httpserver, ["/r/1.html"])
    target = second_host.url_for("/private/1.html")
    httpserver.expect_request("/r/1.html").respond_with_data("", 302, {"Location": target})
    second_host.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n")
    second_host.expect_request("/private/1.html").respond_with_data(REPORT)
    config = two_host_site(tmp_path, httpserver, second_host)
    with Archive(config.database) as archive:
        summary = run(config, archive)
        kinds = [r[0] for r in archive.query("SELECT kind FROM fetch_errors")]
    assert [r.path for r, _ in second_host.log] == ["/robots.txt"]  # never the page
    assert summary.counters["new_reports"] == 0 and "robots" in kinds


def test_a_redirect_out_of_the_sites_scope_is_refused(tmp_path, httpserver,
                                                      second_host) -> None:
    serve_start(httpserver, ["/r/1.html", "/r/2.html"])
    httpserver.expect_request("/r/1.html").respond_with_data(
        "", 302, {"Location": "http://127.0.0.3:9/elsewhere.html"})
    httpserver.expect_request("/r/2.html").respond_with_data(
        "", 302, {"Location": second_host.url_for("/excluded/2.html")})
    config = two_host_site(tmp_path, httpserver, second_host)
    with Archive(config.database) as archive:
        summary = run(config, archive)
        errors = archive.query("SELECT url, kind FROM fetch_errors ORDER BY url")
    assert summary.status == "ok" and summary.counters["errors"] == 2
    assert [kind for _, kind in errors] == ["out_of_scope", "out_of_scope"]
    assert not any(r.path.startswith("/excluded/") for r, _ in second_host.log)


def test_a_crawl_delay_beyond_the_cap_skips_the_host_and_says_why(tmp_path, httpserver) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nCrawl-delay: 86400\n")
    httpserver.expect_request("/").respond_with_data('<a href="/baogao/db/1.html">r</a>')
    base = httpserver.url_for("").rstrip("/")
    config = site_config(base, tmp_path / "a.db", max_retry_after_seconds=60)
    with Archive(config.database) as archive:
        summary = run(config, archive)
        rows = archive.query("SELECT url, message FROM fetch_errors WHERE kind = 'robots'")
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt"]
    # one error, robots.txt's; the start URL waits for the next run: the site is down
    assert [url.removeprefix(base) for url, _ in rows] == ["/robots.txt"]
    assert "Crawl-delay 86400" in rows[0][1]
    assert summary.status == "failed" and summary.counters["errors"] == 1
    with Archive(config.database) as archive:
        assert archive.frontier.queued([config.sites[0].name]) == [] and archive.query(
            "SELECT state FROM frontier WHERE url = ?", [base + "/"]) == [("failed",)]


def test_max_pages_counts_failing_requests_too(tmp_path, httpserver) -> None:
    links = [f"/baogao/db/{i}.html" for i in range(100)]
    base = serve_start(httpserver, links)
    for link in links:
        httpserver.expect_request(link).respond_with_data("no", status=404)
    config = site_config(base, tmp_path / "a.db", concurrency=1, per_host_concurrency=1)
    with Archive(config.database) as archive:
        summary = run(config, archive, max_pages=5)
    assert len(httpserver.log) <= 5
    assert summary.queued_left > 90


def calendar_site(server: HTTPServer, reports: int = 5) -> str:
    """A site with an endless calendar ("按日期浏览": every day links the previous and next
    day, its month and year; every month its days and the next and previous month; every
    year its months and the next and previous year) beside a plain listing of reports."""
    import datetime as dt

    from werkzeug import Response

    def page(links: list[str], title: str = "按日期浏览") -> Response:
        anchors = "".join(f'<li><a href="{u}">{u}</a></li>' for u in links)
        return Response(f"<html><head><title>{title}</title></head><body><ul>{anchors}</ul>"
                        "</body></html>", content_type="text/html; charset=utf-8")

    def handler(request):
        path = request.path
        if path == "/":
            return page(["/cal/2024-03-15.html", "/list/index.html"], "首页")
        if path == "/list/index.html":
            return page([f"/baogao/db/{i}.html" for i in range(1, reports + 1)], "报告")
        if path.startswith("/baogao/db/"):
            return Response(REPORT, content_type="text/html; charset=utf-8")
        name = path.removeprefix("/cal/").removesuffix(".html")
        parts = [int(p) for p in name.split("-")]
        if len(parts) == 3:
            day = dt.date(*parts)
            step = dt.timedelta(days=1)
            return page([f"/cal/{d:%Y-%m-%d}.html" for d in (day - step, day + step)]
                        + [f"/cal/{day:%Y-%m}.html", f"/cal/{day:%Y}.html"])
        if len(parts) == 2:
            year, month = parts
            days = [f"/cal/{year}-{month:02d}-{d:02d}.html" for d in range(1, 29)]
            near = [f"/cal/{year + (month == 12)}-{month % 12 + 1:02d}.html",
                    f"/cal/{year - (month == 1)}-{(month - 2) % 12 + 1:02d}.html"]
            return page(days + near)
        year = parts[0]
        return page([f"/cal/{year}-{m:02d}.html" for m in range(1, 13)]
                    + [f"/cal/{year - 1}.html", f"/cal/{year + 1}.html"])

    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/sitemap.xml").respond_with_data("", status=404)
    server.expect_request(re.compile(r"^/(cal/.*|list/.*|baogao/.*)?$")).respond_with_handler(
        handler)
    return server.url_for("").rstrip("/")


def test_an_endless_calendar_is_cut_off_and_the_reports_are_still_found(tmp_path, httpserver):
    base = calendar_site(httpserver)
    config = site_config(base, tmp_path / "a.db", max_depth=50, max_listings_per_pattern=20)
    with Archive(config.database) as archive:
        summary = run(config, archive)
        reports = [r["url"] for r in archive.reports()]
        reasons = [r[0] for r in archive.query(
            "SELECT reason FROM frontier WHERE state = 'skipped'")]
    asked = [r.path for r, _ in httpserver.log]
    assert summary.status == "ok" and summary.queued_left == 0
    assert len(reports) == 5  # reached through their listing
    # the calendar: 20 day, 20 month and 20 year pages, each pattern overshooting by at most
    # the pages in flight when its budget filled (per_host_concurrency 4); not thousands
    assert sum(p.startswith("/cal/") for p in asked) <= 3 * (20 + 4)
    assert any("date-walking" in r for r in reasons)
    assert any("per-pattern budget" in r for r in reasons)


PAGER_TEXT = [
    "各位代表：现在，我代表区人民政府，向大会报告工作，请予审议，并请各位政协委员提出意见。",
    "过去一年，全区地区生产总值增长百分之五点二，一般公共预算收入增长百分之三点一。",
    "今年工作的总体要求是：坚持稳中求进工作总基调，推动高质量发展，保障和改善民生。",
]


def pager(kind: str, page: int) -> str:
    names = ["4633.html", "4633_2.html", "4633_3.html"]
    if kind == "select":
        options = "".join(f'<option value="{n}"{" selected" if i == page else ""}>{i + 1}'
                          "</option>" for i, n in enumerate(names))
        return (f'<p>分页: 共3页 跳转到: <select name="sldd" onchange="location.href='
                f'this.options[this.selectedIndex].value;">{options}</select></p>')
    if kind == "next_text":
        nav = [f'<a href="{names[page - 1]}">上一页</a>' if page else "",
               f'<a href="{names[page + 1]}">下一页</a>' if page < 2 else ""]
        return f"<p>共3页 {' '.join(nav)}</p>"
    return f'<link rel="next" href="{names[page + 1]}">' if page < 2 else ""


@pytest.mark.parametrize("kind", ["select", "next_text", "rel_next"])
def test_a_report_paged_by_a_select_a_next_link_or_rel_next_is_stitched_whole(tmp_path, kind):
    from reportarchiver.demo.server import serve_site

    root = tmp_path / "site"
    folder = root / "baogao" / "db"
    folder.mkdir(parents=True)
    (root / "index.html").write_text('<a href="/baogao/db/4633.html">报告</a>', encoding="utf-8")
    for page, name in enumerate(["4633.html", "4633_2.html", "4633_3.html"]):
        head = "<title>2023年政府工作报告</title>" + (pager(kind, page) if kind == "rel_next"
                                                 else "")
        body = ("<h1>2023年政府工作报告</h1><div class='content'>"
                + f"<p>{PAGER_TEXT[page]}</p>" * 3 + "</div>"
                + (pager(kind, page) if kind != "rel_next" else ""))
        (folder / name).write_text(f"<html><head><meta charset='utf-8'>{head}</head><body>"
                                   f"{body}</body></html>", encoding="utf-8")
    with serve_site(root) as server:
        config = site_config(server.base_url, tmp_path / "a.db")
        with Archive(config.database) as archive:
            run(config, archive)
            row = archive.report(server.base_url + "/baogao/db/4633.html")
    assert row["page_count"] == 3
    text = row["body_text"]
    positions = [text.find(p) for p in PAGER_TEXT]
    assert -1 not in positions and positions == sorted(positions)
    for word in ("分页", "跳转到", "共3页", "上一页", "下一页"):
        assert word not in text, word


def test_a_sites_own_user_agent_headers_cookies_and_delay_are_used(tmp_path, httpserver):
    from dataclasses import replace

    seen: list[tuple[str, str, str, str]] = []

    def record(request):
        from werkzeug import Response

        seen.append((request.path, request.headers.get("User-Agent", ""),
                     request.headers.get("X-Archive", ""), request.headers.get("Cookie", "")))
        if request.path == "/robots.txt":
            return Response("User-agent: special-bot\nDisallow: /private/\n")
        return Response('<a href="/private/1.html">p</a><a href="/baogao/db/1.html">r</a>',
                        content_type="text/html")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(record)
    base = httpserver.url_for("").rstrip("/")
    config = site_config(base, tmp_path / "a.db")
    site = replace(config.sites[0], user_agent="special-bot/1.0", delay_seconds=0.2,
                   headers=(("X-Archive", "yes"), ("Cookie", "session=abc")))
    config = replace(config, sites=(site,))
    with Archive(config.database) as archive:
        run(config, archive)
    paths = [p for p, *_ in seen]
    assert "/private/1.html" not in paths  # robots.txt read for the site's own agent
    assert all(agent == "special-bot/1.0" for _, agent, _, _ in seen)
    assert all((x, c) == ("yes", "session=abc") for p, _, x, c in seen if p != "/robots.txt")


def test_site_overrides_are_validated_naming_the_key():
    from reportarchiver.config import parse_config

    site = {"name": "a", "start_urls": ["http://a.test/"]}
    for extra, key in (({"delay_seconds": -5}, "delay_seconds"),
                       ({"headers": {"X": 1}}, "headers"),
                       ({"cookies": {"a": "b\nc"}}, "cookies")):
        with pytest.raises(ConfigError) as info:
            parse_config({"sites": [{**site, **extra}]})
        assert info.value.key == f"sites[a].{key}"


def test_a_robots_txt_failing_once_does_not_skip_the_reports_for_good(tmp_path):
    """A host refused for one run (its robots.txt answering 500) is tried again next run."""
    from helpers import RawServer, http_response

    mode = {"robots": "ok"}

    def handler(path: str, conn) -> None:
        if path == "/robots.txt":
            conn.sendall(http_response(b"User-agent: *\nAllow: /\n") if mode["robots"] == "ok"
                         else http_response(b"", "500 Internal Server Error"))
        elif path == "/sitemap.xml":
            conn.sendall(http_response(b"", "404 Not Found"))
        elif path == "/":
            links = "".join(f'<a href="/baogao/db/{i}.html">r</a>' for i in range(6))
            conn.sendall(http_response(links.encode(), headers={"Content-Type": "text/html"}))
        else:
            body = REPORT.replace("2023年政府工作报告", f"2023年政府工作报告{path}")
            conn.sendall(http_response(body.encode(),
                                       headers={"Content-Type": "text/html; charset=utf-8"}))

    with RawServer(handler) as server:
        config = site_config(server.base_url, tmp_path / "a.db")
        with Archive(config.database) as archive:
            run(config, archive, max_pages=4)  # some reports left queued
            mode["robots"] = "down"
            down = run(config, archive)
            mode["robots"] = "ok"
            run(config, archive)
            reports = archive.count("reports")
    assert down.counters["errors"] == 1 and down.counters["skipped"] == 0
    assert reports == 6


def test_a_pdf_linked_from_a_report_is_its_attachment_not_a_page_of_its_own(tmp_path):
    from helpers import FIXTURES
    from reportarchiver.demo.server import serve_site

    root = tmp_path / "site"
    (root / "baogao" / "db").mkdir(parents=True)
    (root / "files").mkdir()
    (root / "files" / "tables.xlsx").write_bytes(
        (FIXTURES / "documents" / "budget_tables.xlsx").read_bytes())
    (root / "index.html").write_text('<a href="/baogao/db/1.html">r</a>', encoding="utf-8")
    (root / "baogao" / "db" / "1.html").write_text(
        REPORT.replace("</body>", '<p><a href="/files/tables.xlsx">附件：预算表.xlsx</a></p>'
                       "</body>"), encoding="utf-8")
    with serve_site(root) as server:
        config = site_config(server.base_url, tmp_path / "a.db")
        with Archive(config.database) as archive:
            run(config, archive)
            run(config, archive)
            queued = archive.query("SELECT url FROM frontier WHERE url LIKE '%.xlsx'")
            attachments = archive.count("attachments")
        asked = [r.path for r in server.requests if r.path.endswith(".xlsx")]
    assert queued == [] and attachments == 1
    assert len(asked) == 1  # with its report; not again as a list page, in either run


def long_report_page(n: int, last: int) -> str:
    link = "" if n == last else f'<a href="/baogao/db/9_{n + 1}.html">下一页</a>'
    return REPORT.replace("</body>", f"<p>第{n}页的内容。</p>{link}</body>")


def test_max_pages_holds_inside_a_long_report_and_the_next_run_finishes_it(tmp_path,
                                                                          httpserver):
    base = serve_start(httpserver, ["/baogao/db/9.html"])
    httpserver.expect_request("/baogao/db/9.html").respond_with_data(
        long_report_page(1, 40), content_type="text/html; charset=utf-8")
    for n in range(2, 41):
        httpserver.expect_request(f"/baogao/db/9_{n}.html").respond_with_data(
            long_report_page(n, 40), content_type="text/html; charset=utf-8")
    config = site_config(base, tmp_path / "a.db", max_pages=6)
    with Archive(config.database) as archive:
        first = run(config, archive)
        asked = len(httpserver.log)
        part = archive.report(base + "/baogao/db/9.html")
        while run(config, archive, max_pages=50).queued_left:
            pass
        whole = archive.report(base + "/baogao/db/9.html")
    assert asked <= 6 and first.queued_left == 1  # the report waits for the next run
    assert part["complete"] == 0 and "max_pages" in part["incomplete_reason"]
    assert (whole["complete"], whole["page_count"]) == (1, 40)


def slow_counting_site(state: dict):
    import threading
    import time

    from helpers import http_response

    lock = threading.Lock()

    def handler(path: str, conn) -> None:
        if path in ("/robots.txt", "/sitemap.xml"):
            conn.sendall(http_response(b"", "404 Not Found"))
            return
        if path == "/":
            links = "".join(f'<a href="/baogao/db/{i}.html">r</a>' for i in range(8))
            conn.sendall(http_response(links.encode(), headers={"Content-Type": "text/html"}))
            return
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.2)
        with lock:
            state["now"] -= 1
        body = REPORT.replace("2023年政府工作报告", f"2023年政府工作报告{path}")
        conn.sendall(http_response(body.encode(),
                                   headers={"Content-Type": "text/html; charset=utf-8"}))
    return handler


@pytest.mark.parametrize(("crawler_value", "site_value", "most"), [(1, 4, 4), (4, 1, 1)])
def test_a_sites_own_per_host_concurrency_is_what_the_crawl_keeps_to(tmp_path, crawler_value,
                                                                     site_value, most):
    from dataclasses import replace

    from helpers import RawServer

    state = {"now": 0, "max": 0}
    with RawServer(slow_counting_site(state)) as server:
        config = site_config(server.base_url, tmp_path / "a.db",
                             per_host_concurrency=crawler_value)
        config = replace(config, sites=(replace(config.sites[0],
                                                per_host_concurrency=site_value),))
        with Archive(config.database) as archive:
            run(config, archive)
    assert state["max"] <= most and (most == 1 or state["max"] >= 2)


def test_ingest_keeps_a_sites_own_delay(tmp_path):
    import itertools
    from dataclasses import replace

    from helpers import RawServer
    from test_crawl_resilience import RecordingTransport

    state = {"now": 0, "max": 0}
    transport = RecordingTransport()
    with RawServer(slow_counting_site(state)) as server:
        config = site_config(server.base_url, tmp_path / "a.db", delay_seconds=0.0)
        config = replace(config, sites=(replace(config.sites[0], delay_seconds=0.3),))
        with Archive(config.database) as archive:
            asyncio.run(ingest(config, archive, [server.base_url + f"/baogao/db/{i}.html"
                                                 for i in range(3)], transport=transport))
    [sent] = transport.starts.values()
    assert len(sent) >= 4 and min(b - a for a, b in itertools.pairwise(sent)) >= 0.3
