"""Browsing the archive in the real Datasette: search, metadata, canned queries, report page."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from datasette.app import Datasette
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportarchiver import browse
from reportarchiver.errors import PageError
from reportarchiver.models import Cleaned, FetchResult, Metadata, Page, Report
from reportarchiver.store import Archive
from reportarchiver.store import _search as search

HOSTILE_HTML = (
    "<p>第一段：养老服务体系建设。</p><script>window.pwned = 1; document.title = 'pwned'</script>"
    "<p>第二段<img src=x onerror=\"window.pwned = 2\"></p>"
    "<p><a href=\"javascript:window.pwned=3\" onclick=\"window.pwned=4\">链接</a></p>"
)
REPORTS = [
    # (title, province, city, year, kind, body paragraphs)
    ("北京市政府工作报告", "北京市", "北京市", 2023, "政府工作报告",
     ["推进养老服务和医疗保障。", "发展5G基站，建设老旧小区。"]),
    ("大连市中山区人民政府工作报告", "辽宁省", "大连市", 2022, "政府工作报告",
     ["就业优先，教育公平。", "培养老师队伍。"]),
    ("辽宁省统计公报", "辽宁省", None, 2023, "统计公报", ["税收收入增长。GDP growth was strong."]),
    ("预算报告", "广东省", "广州市", 2021, "预算报告", ["医疗卫生支出。养老金按时足额发放。"]),
    ("Tax report 税", "广东省", "深圳市", 2022, "预算报告", ["最后一个字是税"]),
]
FIRST_VERSION_OF_2 = ["就业优先。", "培养老师队伍。"]
GONE_DETAIL = "HTTP 404: the page is gone, the archived report stays"
SUSPECT_DETAIL = "text shrank to 10% of the archived 7 characters"
INCOMPLETE_REASON = "the report has more than 100 pages: stopped at page 100"
FIXTURES = Path(__file__).parent / "fixtures"
BUDGET_TEXT = "二〇二三年预算执行情况。一般公共预算收入增长。" * 20
# (report, url, file name, link text, kind, content type as served, fixture or bytes, text,
#  pages, scanned, error, first fetched, last fetched)
ATTACHMENTS = [
    (1, "http://demo.test/files/budget.pdf", "2023年预算报告.pdf", "附件1：2023年预算报告",
     "pdf", "application/pdf", FIXTURES / "documents/work_report.pdf", BUDGET_TEXT, 4, 0, None,
     "2024-01-01T00:00:00+00:00", "2024-03-01T00:00:00+00:00"),
    (1, "http://demo.test/files/budget.pdf", "2023年预算报告.pdf", "附件1：2023年预算报告",
     "pdf", "application/pdf", b"%PDF-1.4 an earlier draft", "草稿", 1, 0, None,
     "2023-12-01T00:00:00+00:00", "2023-12-01T00:00:00+00:00"),
    (1, "http://demo.test/files/notice.pdf", "notice.pdf", "附件2：通知", "html", "application/pdf",
     FIXTURES / "browse/attachment_that_is_html_with_script.html", None, None, 0,
     "the file is an HTML page, not a document", "2024-01-01T00:00:00+00:00",
     "2024-01-01T00:00:00+00:00"),
    (1, "http://demo.test/files/form.pdf", "form.pdf", "附件3：表格", "pdf", "text/html",
     FIXTURES / "browse/pdf_with_javascript.pdf", "", 1, 0, None, "2024-01-01T00:00:00+00:00",
     "2024-01-01T00:00:00+00:00"),
    (1, "http://demo.test/files/scan.pdf", "scan.pdf", "附件4：扫描件", "pdf", "application/pdf",
     FIXTURES / "documents/scanned_work_report.pdf", None, 1, 1, None,
     "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00+00:00"),
    (4, "http://demo.test/files/missing.xls", None, "附件：预算表", "xls", None, None, None, None,
     0, "HTTP 404", "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00+00:00"),
]


def report_url(n: int) -> str:
    return f"http://demo.test/baogao/{n}.html"


def make_report(n: int, paragraphs: list[str], html: str | None = None, *,
                incomplete_reason: str = "", fetched_at: str = "2024-01-01T00:00:00+00:00"
                ) -> Report:
    """Report ``n`` of :data:`REPORTS` (one page) with the given text, as the crawler makes it."""
    title, province, city, year, kind, _ = REPORTS[n - 1]
    text = "\n\n".join(paragraphs)
    html = html if html is not None else "".join(f"<p>{p}</p>" for p in paragraphs)
    meta = Metadata(title=title, kind=kind, province=province, city=city or "",
                    report_date=f"{year}-0{n}-01", year=year, language="zh")
    raw = f"<html><head><title>{title}</title></head><body>{html}</body></html>".encode()
    fetch = FetchResult(url=report_url(n), final_url=report_url(n), status=200,
                        headers={"content-type": "text/html; charset=utf-8"}, body=raw,
                        fetched_at=fetched_at)
    page = Page(fetch, Cleaned(text, html, title, "utf-8", meta), page_no=1)
    return Report(report_url(n), "demo", (page,), text, html, meta,
                  complete=not incomplete_reason, incomplete_reason=incomplete_reason)


def build_archive(path: Path) -> Path:
    """An archive made by the store: five reports (one with a hostile body, one with two
    versions, one gone, one whose page now serves a suspect replacement, one incomplete), two
    crawl runs with errors."""
    with Archive(path) as archive:
        for n, (*_, paragraphs) in enumerate(REPORTS, start=1):
            first = FIRST_VERSION_OF_2 if n == 2 else paragraphs
            archive.save_report(
                make_report(n, first, HOSTILE_HTML if n == 1 else None,
                            incomplete_reason=INCOMPLETE_REASON if n == 3 else ""),
                now="2024-01-01T00:00:00+00:00")
        archive.save_report(make_report(2, REPORTS[1][5], fetched_at="2024-02-01T00:00:00+00:00"),
                            now="2024-02-01T00:00:00+00:00")
        archive.mark_live(report_url(4), "gone", GONE_DETAIL, now="2026-12-01T00:00:00+00:00")
        archive.keep_report(make_report(5, ["税"], fetched_at="2025-06-01T00:00:00+00:00"),
                            "suspect", SUSPECT_DETAIL, now="2025-06-01T00:00:00+00:00")
        for errors in (["http://demo.test/old"], ["http://demo.test/gone"]):
            run_id = archive.start_run("crawl", 1)
            for url in errors:
                archive.record_error(run_id, PageError(url, "Not Found", status=404))
            archive.finish_run(run_id, "ok", {"fetched": 9, "errors": len(errors)})
    add_attachments(path)
    with Archive(path) as archive:
        archive.reindex()  # the attachments' text was written behind the index's back
    return path


def add_attachments(path: Path) -> None:
    """The rows a crawl writes for a report's attachments (the store has no writer yet)."""
    conn = sqlite3.connect(path)
    for (report_id, url, filename, link_text, kind, content_type, source, text, pages, scanned,
         error, first, last) in ATTACHMENTS:
        body = source.read_bytes() if isinstance(source, Path) else source
        conn.execute(
            "INSERT INTO attachments (report_id, url, sha256, link_text, filename, kind, "
            "content_type, size, raw, text, page_count, scanned, truncated, error, "
            "first_fetched, last_fetched, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0,"
            " ?, ?, ?, ?)",
            (report_id, url, hashlib.sha256(body or b"").hexdigest(), link_text, filename, kind,
             content_type, len(body) if body else None, zlib.compress(body) if body else None,
             text, pages, scanned, error, first, last, 404 if error == "HTTP 404" else 200))
    conn.execute("UPDATE reports SET attachments_text = ? WHERE id = 1", (BUDGET_TEXT,))
    conn.commit()
    conn.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("archive") / "reports.db")


@pytest.fixture(scope="module")
def ds(archive) -> Datasette:
    datasette = Datasette([str(archive)], settings=browse.SETTINGS)
    asyncio.run(datasette.invoke_startup())
    return datasette


def get(ds: Datasette, path: str):
    return asyncio.run(ds.client.get(path))


def search_ids(ds: Datasette, query: str) -> set[int]:
    response = get(ds, "/reports/reports.json?_shape=array&_col=id&_size=max&_nofacet=1&_search="
                   + query.replace("%", "%25").replace("&", "%26").replace("#", "%23")
                   .replace("+", "%2B"))
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()}


def like_ids(archive: Path, query: str) -> set[int]:
    """The reports whose title, text or attachments' text contains every term (LIKE)."""
    conn = sqlite3.connect(archive)
    ids = {row[0] for row in conn.execute("SELECT id FROM reports")}
    for term in query.split():
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        ids &= {row[0] for row in conn.execute(
            "SELECT id FROM reports WHERE body_text LIKE :p ESCAPE '\\' OR title LIKE :p ESCAPE"
            " '\\' OR attachments_text LIKE :p ESCAPE '\\'", {"p": pattern})}
    conn.close()
    return ids


@pytest.mark.parametrize("query", ["税", "养", "养老", "教育", "老旧小", "养老金按时", "growth",
                                   "TAX", "5G基站", "养老 医疗", "就业 税"])
def test_search_box_returns_exactly_the_like_rows(ds, archive, query):
    assert search_ids(ds, query) == like_ids(archive, query)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_search_of_any_substring_of_a_stored_text_returns_the_like_rows(ds, archive, data):
    texts = [t for r in REPORTS for t in [r[0], *r[5]]]
    text = data.draw(st.sampled_from(texts))
    start = data.draw(st.integers(0, len(text) - 1))
    query = text[start:start + data.draw(st.integers(1, 20))].strip() or "税"
    assert search_ids(ds, query) == like_ids(archive, query)


def test_fts5_syntax_in_a_query_is_searched_literally_not_an_error(ds):
    for query in ['"', "养老 OR", "NOT 税", "a*", "(", "col:x", "^养", "NEAR(a b)"]:
        assert search_ids(ds, query) == set()


def test_the_table_page_has_a_search_box_and_sorts_by_report_date(ds):
    html = get(ds, "/reports/reports").text
    assert 'name="_search"' in html
    rows = get(ds, "/reports/reports.json?_shape=array&_col=report_date").json()
    assert [r["report_date"] for r in rows] == sorted((r["report_date"] for r in rows),
                                                      reverse=True)


def test_default_facets_are_kind_province_city_year_site_and_live_status(ds):
    data = get(ds, "/reports/reports.json?_search=养老").json()
    facets = data["facet_results"]
    assert set(facets) == {"kind", "province", "city", "year", "site", "live_status"}
    kinds = {r["value"]: r["count"] for r in facets["kind"]["results"]}
    assert kinds == {"政府工作报告": 2, "预算报告": 1}  # 培养老师 contains 养老, as in LIKE
    live = {r["value"]: r["count"] for r in facets["live_status"]["results"]}
    assert live == {"live": 2, "gone": 1}


def test_metadata_titles_describe_the_archive_and_hide_the_crawl_queue(ds):
    data = get(ds, "/reports.json").json()
    tables = {t["name"]: t for t in data["tables"]}
    hidden = {name for name, table in tables.items() if table["hidden"]}
    assert {"frontier", "reports_fts_pending", "reports_fts_version"} <= hidden
    assert not hidden & {"reports", "report_versions", "pages", "page_versions", "attachments",
                         "crawl_runs", "fetch_errors"}
    html = get(ds, "/reports/reports").text
    assert "<h1" in html and "Type words into the search box" in html
    assert "<dd>Cleaned text; paragraphs separated by blank lines</dd>" in html
    assert "<dt>live_status</dt><dd>What the site serves now: live (this report), gone" in html
    assert "Apache-2.0" in html
    assert "<h1>Attachments</h1>" in get(ds, "/reports/attachments").text


def canned(ds: Datasette, name: str, **params: str) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = get(ds, f"/reports/{name}.json?_shape=array&{query}")
    assert response.status_code == 200, response.text
    return response.json()


def test_search_query_ranks_title_hits_first_with_marked_snippets(ds):
    rows = canned(ds, "search", q="税")
    assert {r["report_id"] for r in rows} == {3, 5}
    assert rows[0]["report_id"] == 5  # 税 in the title weighs more
    assert "⟪税⟫" in rows[0]["snippet"]
    html = get(ds, "/reports/search?q=养老").text
    assert "<mark>养老</mark>" in html
    assert '<a href="/reports/reports/1">1</a>' in html


def version_ids(archive: Path, report_id: int) -> list[int]:
    """The ids of a report's versions, oldest first."""
    conn = sqlite3.connect(archive)
    ids = [row[0] for row in conn.execute(
        "SELECT id FROM report_versions WHERE report_id = ? ORDER BY id", [report_id])]
    conn.close()
    return ids


def test_canned_queries_for_latest_region_changes_runs_and_failures(ds, archive):
    assert [r["report_id"] for r in canned(ds, "latest_reports")][:2] == [3, 1]
    assert {r["report_id"] for r in canned(ds, "region_by_year", region="辽宁省", year="2023")
            } == {3}
    assert {r["report_id"] for r in canned(ds, "region_by_year", region="大连市", year="")} == {2}
    assert [r["report_id"] for r in canned(ds, "recently_changed")] == [2]
    gone = canned(ds, "gone_or_changed")
    assert [(r["report_id"], r["live_status"]) for r in gone] == [(4, "gone"), (5, "suspect")]
    assert gone[0]["live_detail"] == GONE_DETAIL
    assert [r["id"] for r in canned(ds, "recent_runs")] == [2, 1]
    assert [r["url"] for r in canned(ds, "last_run_failures")] == ["http://demo.test/gone"]
    old, new = version_ids(archive, 2)
    diff = canned(ds, "version_diff", old_version=str(old), new_version=str(new))[0]["diff"]
    assert "-就业优先。" in diff and "+就业优先，教育公平。" in diff


def test_the_report_page_shows_paragraphs_original_link_and_versions(ds):
    html = get(ds, "/reports/reports/2").text
    assert "<p>就业优先，教育公平。</p>" in html
    assert 'href="http://demo.test/baogao/2.html"' in html
    assert "2024-01-01T00:00:00+00:00" in html and "what changed" in html


def test_a_hostile_stored_body_is_rendered_inert(ds):
    html = get(ds, "/reports/reports/1").text
    body = html.split('<section class="ra-body"', 1)[1].split("</section>", 1)[0]
    assert "<p>第一段：养老服务体系建设。</p>" in body
    for bad in ("<script", "onerror", "onclick", "javascript:", "<img"):
        assert bad not in body


def test_the_diff_page_marks_what_changed_between_two_versions(ds):
    response = get(ds, "/-/reportarchiver/diff/reports/2")
    assert response.status_code == 200
    assert '<span class="insert">，教育公平</span>' in response.text


def test_the_plugin_leaves_other_databases_search_alone(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(text)")
    conn.execute("INSERT INTO docs (text) VALUES ('hello world')")
    conn.commit()
    datasette = Datasette([str(other)])
    response = asyncio.run(datasette.client.get("/other/docs.json?_search=hello&_shape=array"))
    assert len(response.json()) == 1


def test_the_archive_opens_in_stock_sqlite3_shell_and_accepts_writes(tmp_path):
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("the sqlite3 command-line shell is not installed")
    path = build_archive(tmp_path / "reports.db")
    sql = ("INSERT INTO reports (url, title, body_text) VALUES ('u', '新', '新的养老报告');"
           "UPDATE reports SET body_text = '改' WHERE id = 1; DELETE FROM reports WHERE id = 2;"
           "SELECT count(*) FROM reports_fts_pending;")
    result = subprocess.run([shell, str(path), sql], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "3"
    conn = sqlite3.connect(path)
    assert search.sync_index(conn) == 3
    conn.commit()
    assert search_ids(Datasette([str(path)]), "养老") == like_ids(path, "养老") == {4, 6}


def test_the_archive_opens_in_stock_datasette_without_the_plugin(archive, tmp_path):
    script = (
        "import asyncio, sys\n"
        "sys._called_from_test = True  # Datasette then loads no installed plugins\n"
        "from datasette.app import Datasette\n"
        "from datasette.plugins import get_plugins\n"
        "assert not [p for p in get_plugins() if 'reportarchiver' in p['name']]\n"
        "ds = Datasette([sys.argv[1]])\n"
        "r = asyncio.run(ds.client.get('/reports/reports.json?_shape=array&_col=id'))\n"
        "print(r.status_code, len(r.json()))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(archive)],
                            capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["200", "5"]


def test_datasette_args_serve_the_archive_writable_leaving_templates_to_the_plugin():
    args = browse.datasette_args(Path("archive/reports.db"), port=9001)
    assert args[:3] == ["datasette", "serve", "archive/reports.db"]
    assert "--immutable" not in args and "--template-dir" not in args
    assert args[args.index("--port") + 1] == "9001"
    assert browse.browse_command_line(Path("my archive.db")) == (
        "reportarchiver browse --db 'my archive.db'")


def test_bundled_metadata_is_valid_json_with_every_canned_query():
    data = json.loads((Path(browse.__file__).parent / "metadata.json").read_text())
    assert set(data["database"]["queries"]) >= {
        "search", "latest_reports", "region_by_year", "recently_changed", "gone_or_changed",
        "recent_runs", "last_run_failures", "version_diff"}


def test_no_canned_query_hides_a_table_of_the_same_name(ds, archive):
    conn = sqlite3.connect(archive)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    queries = set(json.loads((Path(browse.__file__).parent / "metadata.json").read_text())
                  ["database"]["queries"])
    assert "crawl_runs" in tables and not queries & tables
    data = get(ds, "/reports/crawl_runs.json?_shape=array").json()
    assert [row["id"] for row in data] == [2, 1] and "finished_at" in data[0]


def test_column_descriptions_fold_away_so_the_search_box_comes_first(ds):
    html = get(ds, "/reports/reports").text
    assert "<summary>What the columns mean</summary>" in html
    assert html.index("What the columns mean") < html.index('name="_search"')


def test_other_tables_keep_datasettes_row_page(ds):
    html = get(ds, "/reports/crawl_runs/1").text
    assert "ra-report" not in html and "crawl_runs: 1" in html


def test_the_diff_page_says_so_when_two_versions_have_the_same_text(ds, archive):
    new = version_ids(archive, 2)[-1]
    html = get(ds, f"/-/reportarchiver/diff/reports/2?from={new}&to={new}").text
    assert "The two versions have the same text." in html


@pytest.mark.parametrize("hostile", [
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="  JAVASCRIPT:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<svg><script>alert(1)</script></svg>', '<svg onload="alert(1)">',
    '<p style="x" onclick="alert(1)">x</p>', "<iframe src=x></iframe>",
    "<style>*{}</style><p>x", "<scr<script>ipt>alert(1)</script>",
    '<table><tr><td background="javascript:alert(1)">x', "<!-- <script>alert(1)</script> -->",
])
def test_the_sanitizer_keeps_no_active_content(hostile):
    from reportarchiver.browse.sanitize import sanitize_html

    clean = sanitize_html(hostile).lower()
    for bad in ("<script", "javascript:", "data:", "onload", "onclick", "<svg", "<iframe",
                "style", "background"):
        assert bad not in clean


def test_the_sanitizer_keeps_report_structure_and_closes_open_tags():
    from reportarchiver.browse.sanitize import sanitize_html

    clean = sanitize_html('<h2 class="t">一、回顾</h2><p>文字<a href="/x.html" target=_blank>链接'
                          "<ul><li>甲<li>乙</ul><table><tr><td>1 &lt; 2</td></tr></table>")
    assert clean == ('<h2>一、回顾</h2><p>文字<a href="/x.html" rel="nofollow noopener noreferrer">'
                     "链接<ul><li>甲<li>乙</li></li></ul><table><tr><td>1 &lt; 2</td></tr>"
                     "</table></a></p>")


def test_browsing_a_missing_database_is_one_error_line(tmp_path, capsys):
    assert browse.run_browse(tmp_path / "missing.db", port=free_port()) != 0
    assert "does not exist" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_readmes_shell_search_writes_words_as_the_index_does():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for word in ("养老服务", "税", "GDP"):
        assert search.term_query(word).replace('"', '\\"') in readme or (
            f"'{search.term_query(word)}'" in readme)
    assert "sqlite-utils search` does not work" in readme
