"""The bundled demo site and its server, over a real socket on 127.0.0.1.

Other tests (crawl, clean, metadata) rely on ``tests/fixtures/demo_site_expected.json``; these
tests keep that fixture honest against the site files, and the server honest against HTTP.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import re
import shutil
import socket
import time
import urllib.robotparser
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from reportarchiver.demo.server import SITE_DIR, SiteServer, serve_site, start_site

FIXTURE = Path(__file__).parent / "fixtures" / "demo_site_expected.json"
EXPECTED = json.loads(FIXTURE.read_text(encoding="utf-8"))
REPORTS = EXPECTED["reports"]
GBK_REPORTS = [r for r in REPORTS if r["encoding"] == "gbk"]
MULTI_PAGE_REPORTS = [r for r in REPORTS if len(r["pages"]) > 1]
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
# Characters that exist in GBK but not in GB2312: a gb2312 decoder fails on them.
GBK_ONLY = "珺堃喆昇镕〇"
# The site template: repeated on every report page, never part of a report.
TEMPLATE_STRINGS = ["导航菜单", "当前位置", "本文仅代表作者观点", "留言与评论", "验证码", "ICP备"]


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes


def request(
    server: SiteServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> Response:
    """Send one request with the path exactly as given (no client-side normalisation)."""
    host, port = urlsplit(server.base_url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
    finally:
        conn.close()


def declared_charset(body: bytes) -> str | None:
    """The charset named by the page's <meta>, lower-cased."""
    match = META_CHARSET.search(body[:2048])
    return match.group(1).decode("ascii").lower() if match else None


def decode_page(body: bytes) -> str:
    """Decode as a browser would: GB2312/GBK labels mean GB18030."""
    charset = declared_charset(body) or "utf-8"
    codec = "gb18030" if charset in {"gb2312", "gbk", "x-gbk", "cp936"} else charset
    return body.decode(codec)


class _PageParser(HTMLParser):
    """Collects <a href> targets, the <h1>/<title> text and the visible text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self.h1 = ""
        self.title = ""
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack.append(tag)
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            del self._stack[len(self._stack) - 1 - self._stack[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if "script" in self._stack or "style" in self._stack:
            return
        if "h1" in self._stack:
            self.h1 += data
        if "title" in self._stack:
            self.title += data
        self.text.append(data)


def parse_page(body: bytes) -> _PageParser:
    parser = _PageParser()
    parser.feed(decode_page(body))
    parser.close()
    return parser


def site_links(hrefs: list[str]) -> list[str]:
    """The links that stay on the site, as paths (root-relative, like every in-page link)."""
    return [href.split("#")[0] for href in hrefs if href.startswith("/") and href != "/#"]


@pytest.fixture(scope="module")
def server() -> SiteServer:
    with serve_site() as running:
        yield running


@pytest.fixture(scope="module")
def crawled(server: SiteServer) -> dict[str, Response]:
    """Every page reachable from the home page by following links, ignoring robots.txt."""
    seen: dict[str, Response] = {}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen[path] = response = request(server, path)
        if response.status == 200 and response.headers["content-type"] == "text/html":
            queue.extend(site_links(parse_page(response.body).links))
    return seen


@pytest.fixture(scope="module")
def pages(server: SiteServer) -> dict[str, Response]:
    """Every page of every report in the fixture, fetched once."""
    return {path: request(server, path) for report in REPORTS for path in report["pages"]}


def report_text(pages: dict[str, Response], report: dict) -> str:
    return "\n".join("".join(parse_page(pages[p].body).text) for p in report["pages"])


# --------------------------------------------------------------------------- the site's shape


def test_every_link_on_the_site_leads_to_an_existing_page(crawled: dict[str, Response]) -> None:
    broken = {path: r.status for path, r in crawled.items() if r.status != 200}
    assert broken == {}


def test_every_report_page_and_list_page_is_reachable_from_the_home_page(
    crawled: dict[str, Response],
) -> None:
    wanted = {p for r in REPORTS for p in r["pages"]} | set(EXPECTED["list_pages"])
    assert wanted - crawled.keys() == set()


def test_no_site_file_is_an_orphan(crawled: dict[str, Response]) -> None:
    entry_points = {"/robots.txt", "/sitemap.xml"}  # found through robots.txt, not links
    files = {"/" + p.relative_to(SITE_DIR).as_posix() for p in SITE_DIR.rglob("*") if p.is_file()}
    reached = {"/index.html" if p == "/" else p for p in crawled}
    reached |= {p + "index.html" for p in crawled if p.endswith("/")}
    assert files - reached - entry_points == set()


def test_fixture_lists_every_report_page_on_disk() -> None:
    on_disk = {
        "/" + p.relative_to(SITE_DIR).as_posix()
        for p in SITE_DIR.rglob("*.html")
        if re.fullmatch(r"\d+(_\d+)?\.html", p.name)
    }
    assert on_disk == {p for r in REPORTS for p in r["pages"]}


def test_fixture_covers_what_the_crawler_and_cleaner_tests_need() -> None:
    assert len(REPORTS) >= 9
    assert len(MULTI_PAGE_REPORTS) >= 3
    assert len(GBK_REPORTS) >= 3
    assert any(len(r["pages"]) > 1 for r in GBK_REPORTS)
    kinds = {r["kind"] for r in REPORTS}
    assert {"政府工作报告", "国民经济和社会发展统计公报", "预算报告"} <= kinds


def test_page_n_of_a_report_is_named_id_underscore_n() -> None:
    for report in REPORTS:
        stem = report["url"].removesuffix(".html")
        expected = [report["url"]] + [
            f"{stem}_{n}.html" for n in range(2, len(report["pages"]) + 1)
        ]
        assert report["pages"] == expected


@pytest.mark.parametrize("report", MULTI_PAGE_REPORTS, ids=lambda r: r["url"])
def test_every_page_of_a_multi_page_report_links_to_all_its_pages(
    pages: dict[str, Response], report: dict
) -> None:
    for path in report["pages"]:
        links = set(site_links(parse_page(pages[path].body).links))
        assert set(report["pages"]) - {path} <= links, path


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r["url"])
def test_every_report_page_shows_the_fixture_title_in_h1_and_title(
    pages: dict[str, Response], report: dict
) -> None:
    for path in report["pages"]:
        page = parse_page(pages[path].body)
        assert page.h1.strip() == report["title"]
        assert page.title.strip() == report["title"] + "_博县网"


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r["url"])
def test_fixture_snippets_occur_in_the_report_in_order(
    pages: dict[str, Response], report: dict
) -> None:
    text = report_text(pages, report)
    positions = [text.find(snippet) for snippet in report["must_include"]]
    assert -1 not in positions, [
        s for s, p in zip(report["must_include"], positions, strict=True) if p < 0
    ]
    assert positions == sorted(positions)


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r["url"])
def test_every_report_page_carries_the_site_boilerplate(
    pages: dict[str, Response], report: dict
) -> None:
    for path in report["pages"]:
        text = "".join(parse_page(pages[path].body).text)
        assert [s for s in [*TEMPLATE_STRINGS, "相关报告"] if s not in text] == [], path
        assert f"本文地址：{report['url']}" in text  # the permalink names page 1


def test_every_boilerplate_string_in_the_fixture_occurs_on_some_report_page(
    pages: dict[str, Response],
) -> None:
    raw = "".join(decode_page(r.body) for r in pages.values())
    assert [s for s in EXPECTED["boilerplate"] if s not in raw] == []


def test_the_two_templates_share_no_content_class_names(pages: dict[str, Response]) -> None:
    by_template: dict[str, set[str]] = {"a": set(), "b": set()}
    for report in REPORTS:
        html = decode_page(pages[report["url"]].body)
        by_template[report["template"]] |= set(re.findall(r'(?:class|id)="([^"]+)"', html))
    assert by_template["a"] and by_template["b"]
    assert by_template["a"].isdisjoint(by_template["b"])


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("report", GBK_REPORTS, ids=lambda r: r["url"])
def test_gbk_pages_are_gbk_bytes_declared_as_gb2312_by_meta_only(
    pages: dict[str, Response], report: dict
) -> None:
    for path in report["pages"]:
        response = pages[path]
        with pytest.raises(UnicodeDecodeError):
            response.body.decode("utf-8")
        assert declared_charset(response.body) == "gb2312"
        assert response.headers["content-type"] == "text/html"  # no charset parameter
        assert report["title"] in response.body.decode("gb18030")


def test_gbk_list_page_is_gbk_bytes_declared_as_gb2312(server: SiteServer) -> None:
    body = request(server, "/tjgongbao/").body
    assert declared_charset(body) == "gb2312"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_gbk_speaker_names_cannot_be_decoded_as_gb2312(pages: dict[str, Response]) -> None:
    with_names = [r for r in GBK_REPORTS if set(r["speaker"]) & set(GBK_ONLY)]
    assert with_names
    for report in with_names:
        body = pages[report["url"]].body
        with pytest.raises(UnicodeDecodeError):
            body.decode("gb2312")
        assert report["speaker"][-1] in body.decode("gb18030")


def test_gbk_dash_decodes_as_em_dashes_only_with_gb18030(pages: dict[str, Response]) -> None:
    body = pages[GBK_REPORTS[0]["url"]].body
    assert "——" in body.decode("gb18030")
    assert "――" in body.decode("gb2312", errors="replace")  # U+2015: the gb2312 codec's mistake


@pytest.mark.parametrize(
    "report", [r for r in REPORTS if r["encoding"] == "utf-8"], ids=lambda r: r["url"]
)
def test_utf8_pages_are_valid_utf8_declared_by_meta(
    pages: dict[str, Response], report: dict
) -> None:
    for path in report["pages"]:
        assert declared_charset(pages[path].body) == "utf-8"
        assert report["title"] in pages[path].body.decode("utf-8")


# --------------------------------------------------------------------------- robots, sitemap, rss


def test_robots_txt_disallows_the_linked_member_pages(server: SiteServer) -> None:
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(request(server, "/robots.txt").body.decode().splitlines())
    assert EXPECTED["disallowed"]
    for path in EXPECTED["disallowed"]:
        assert not robots.can_fetch("reportarchiver", server.url(path))
    for report in REPORTS:
        assert robots.can_fetch("reportarchiver", server.url(report["url"]))


def test_home_page_links_to_the_disallowed_pages(server: SiteServer) -> None:
    links = site_links(parse_page(request(server, "/").body).links)
    assert set(EXPECTED["disallowed"]) <= set(links)


def test_robots_txt_names_the_sitemap_with_the_real_base_url(server: SiteServer) -> None:
    text = request(server, "/robots.txt").body.decode()
    assert f"Sitemap: {server.base_url}/sitemap.xml" in text.splitlines()
    assert "{BASE}" not in text


def test_sitemap_lists_every_report_first_page_as_an_absolute_url(server: SiteServer) -> None:
    response = request(server, "/sitemap.xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", response.body.decode())
    assert response.headers["content-type"] == "application/xml"
    assert {server.url(r["url"]) for r in REPORTS} <= set(locs)
    assert all(loc.startswith(server.base_url + "/") for loc in locs)


def test_rss_feed_links_to_reports_on_this_server(server: SiteServer) -> None:
    links = re.findall(r"<link>([^<]+)</link>", request(server, "/rss.xml").body.decode())
    assert {server.url(r["url"]) for r in REPORTS} <= set(links)


# --------------------------------------------------------------------------- the server


def test_html_is_served_without_a_charset_parameter(server: SiteServer) -> None:
    response = request(server, "/baogao/db/4633.html")
    assert response.status == 200
    assert response.headers["content-type"] == "text/html"


def test_files_are_served_byte_for_byte(server: SiteServer) -> None:
    path = GBK_REPORTS[0]["url"]
    assert request(server, path).body == (SITE_DIR / path.lstrip("/")).read_bytes()


def test_directory_path_serves_its_index_page(server: SiteServer) -> None:
    assert request(server, "/baogao/").body == (SITE_DIR / "baogao" / "index.html").read_bytes()
    assert request(server, "/").body == (SITE_DIR / "index.html").read_bytes()


def test_missing_file_is_404(server: SiteServer) -> None:
    assert request(server, "/baogao/db/9999.html").status == 404


@pytest.mark.parametrize(
    "path",
    ["/../pyproject.toml", "/baogao/../../server.py", "/%2e%2e/server.py", "/..%2fserver.py"],
)
def test_path_traversal_is_404(server: SiteServer, path: str) -> None:
    assert request(server, path).status == 404


def test_query_string_is_ignored_when_finding_the_file(server: SiteServer) -> None:
    assert request(server, "/baogao/index.html?page=2").status == 200


def test_response_carries_etag_and_last_modified(server: SiteServer) -> None:
    headers = request(server, "/baogao/db/4633.html").headers
    mtime = (SITE_DIR / "baogao" / "db" / "4633.html").stat().st_mtime
    assert headers["etag"].startswith('"')
    assert headers["last-modified"] == email.utils.formatdate(mtime, usegmt=True)


def test_if_none_match_with_the_current_etag_is_304(server: SiteServer) -> None:
    etag = request(server, "/baogao/db/4633.html").headers["etag"]
    response = request(server, "/baogao/db/4633.html", headers={"If-None-Match": etag})
    assert response.status == 304
    assert response.body == b""
    assert response.headers["etag"] == etag


def test_if_none_match_with_another_etag_is_200(server: SiteServer) -> None:
    response = request(server, "/baogao/db/4633.html", headers={"If-None-Match": '"stale"'})
    assert response.status == 200


def test_if_modified_since_last_modified_is_304(server: SiteServer) -> None:
    last_modified = request(server, "/robots.txt").headers["last-modified"]
    response = request(server, "/robots.txt", headers={"If-Modified-Since": last_modified})
    assert response.status == 304


def test_if_modified_since_an_older_date_is_200(server: SiteServer) -> None:
    old = "Mon, 02 Jan 2006 15:04:05 GMT"
    assert request(server, "/robots.txt", headers={"If-Modified-Since": old}).status == 200


def test_head_sends_headers_without_a_body(server: SiteServer) -> None:
    response = request(server, "/baogao/db/4633.html", method="HEAD")
    size = (SITE_DIR / "baogao" / "db" / "4633.html").stat().st_size
    assert response.status == 200
    assert response.body == b""
    assert response.headers["content-length"] == str(size)


def test_post_is_refused_with_405(server: SiteServer) -> None:
    assert request(server, "/member/comment.php", method="POST").status == 405


def test_request_log_records_method_path_headers_and_time(server: SiteServer) -> None:
    before = time.monotonic()
    request(server, "/tjgongbao/?from=test", method="HEAD", headers={"User-Agent": "log-test"})
    record = server.requests[-1]
    assert (record.method, record.path) == ("HEAD", "/tjgongbao/?from=test")
    assert record.headers["User-Agent"] == "log-test"
    assert before <= record.at <= time.monotonic()


def test_a_modified_copy_of_the_site_serves_the_change_with_a_new_etag(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITE_DIR, root)
    page = root / "baogao" / "db" / "4633.html"
    with serve_site(root) as site:
        etag = request(site, "/baogao/db/4633.html").headers["etag"]
        page.write_bytes(page.read_bytes().replace("各位代表".encode(), "各位委员".encode()))
        response = request(site, "/baogao/db/4633.html", headers={"If-None-Match": etag})
    assert response.status == 200
    assert response.headers["etag"] != etag
    assert "各位委员" in response.body.decode()


def test_close_stops_serving_and_frees_the_port() -> None:
    site = start_site()
    port = int(site.base_url.rsplit(":", 1)[1])
    assert request(site, "/").status == 200
    site.close()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
