"""What a site serves later never destroys what was archived (issue 10, data loss): soft
404s, empty pages, parking pages and stubs are kept as page versions, the report keeps its
body and search entry and says since when its page no longer shows it."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from helpers import site_config
from reportarchiver._reextract import reextract_archive
from reportarchiver.crawl import crawl
from reportarchiver.demo.server import SITE_DIR, serve_site
from reportarchiver.store import Archive

SINGLE = "/baogao/db/4635.html"  # a one-page report of the sample site


def run(config, archive: Archive):
    return asyncio.run(crawl(config, archive))


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SITE_DIR, tmp_path / "site"))


def searchable(archive: Archive, word: str) -> list[str]:
    from reportarchiver.store._search import fts_query

    return [r[0] for r in archive.query(
        "SELECT r.url FROM reports_fts f JOIN reports r ON r.id = f.rowid "
        "WHERE reports_fts MATCH ?", [fts_query(word)])]


def html(title: str, body: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"{body}</body></html>").encode()


REPLACEMENTS = {
    "soft_404": html("页面不存在", "<h1>404</h1><p>对不起，您访问的页面不存在或已被删除。</p>"),
    "empty_200": b"",
    "parking": html("example.gov.cn", "<h1>This domain is for sale</h1><p>Buy this domain.</p>"),
    "stub": html("某区人民政府门户网站", "<p>欢迎访问某区人民政府门户网站。本站提供政务公开、"
                 "办事服务、互动交流等栏目，敬请关注。</p>" * 3),
}


@pytest.mark.parametrize("kind", sorted(REPLACEMENTS))
def test_a_report_replaced_by_rubbish_keeps_its_body_and_search_entry(site_copy, db_path,
                                                                      kind):
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        config = site_config(server.base_url, db_path, recheck_days=0)
        run(config, archive)
        url = server.base_url + SINGLE
        before = archive.report(url)
        word = before["body_text"][200:204]
        assert url in searchable(archive, word)
        (site_copy / SINGLE.lstrip("/")).write_bytes(REPLACEMENTS[kind])
        second = run(config, archive)
        after = archive.report(url)
        versions = archive.query("SELECT count(*) FROM page_versions WHERE url = ?", [url])
        raw_now = archive.stored_page(url).raw
        still_found = url in searchable(archive, word)
    assert still_found
    assert second.status == "ok" and second.counters["errors"] == 0
    assert second.counters["changed_reports"] == 0
    assert after["body_text"] == before["body_text"] and after["title"] == before["title"]
    assert after["live_status"] in ("not_a_report", "suspect") and after["gone_since"]
    assert after["live_detail"]
    assert versions[0][0] == 2 and raw_now == REPLACEMENTS[kind]  # kept, apart


def test_a_404_marks_the_report_gone_never_deletes_it_and_its_return_revives_it(site_copy,
                                                                               db_path):
    page = site_copy / SINGLE.lstrip("/")
    saved = page.read_bytes()
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        config = site_config(server.base_url, db_path, recheck_days=0)
        run(config, archive)
        url = server.base_url + SINGLE
        before = archive.report(url)
        page.unlink()
        second = run(config, archive)
        gone = archive.report(url)
        page.write_bytes(saved)
        third = run(config, archive)
        back = archive.report(url)
    assert second.counters["gone"] == 1 and second.counters["errors"] == 0
    assert gone["body_text"] == before["body_text"]
    assert (gone["live_status"], bool(gone["gone_since"])) == ("gone", True)
    assert third.counters["gone"] == 0
    assert (back["live_status"], back["gone_since"]) == ("live", None)


def test_a_plain_revision_replaces_the_report(site_copy, db_path):
    page = site_copy / SINGLE.lstrip("/")
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        config = site_config(server.base_url, db_path, recheck_days=0)
        run(config, archive)
        url = server.base_url + SINGLE
        before = archive.report(url)
        sentence = before["body_text"].split("\n\n")[3]
        text = page.read_bytes().decode("gb18030", "replace") if b"gb2312" in \
            page.read_bytes()[:400].lower() else page.read_text(encoding="utf-8")
        assert sentence[:12] in text
        changed = text.replace(sentence[:12], sentence[:12] + "（修订）")
        page.write_bytes(changed.encode("gb18030" if "gb2312" in text[:400].lower() else "utf-8"))
        second = run(config, archive)
        after = archive.report(url)
    assert second.counters["changed_reports"] == 1
    assert "（修订）" in after["body_text"] and after["live_status"] == "live"


def test_a_report_shrunk_to_a_fragment_with_its_title_kept_is_suspect(site_copy, db_path):
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        config = site_config(server.base_url, db_path, recheck_days=0)
        run(config, archive)
        url = server.base_url + SINGLE
        before = archive.report(url)
        longest = max(before["body_text"].split("\n\n"), key=len)
        assert len(longest) * 2 < len(before["body_text"])
        (site_copy / SINGLE.lstrip("/")).write_bytes(
            html(before["title"], f"<h1>{before['title']}</h1><p>{longest}</p>"))
        second = run(config, archive)
        after = archive.report(url)
    assert second.counters["kept"] == 1
    assert after["body_text"] == before["body_text"]
    assert after["live_status"] == "suspect" and "shrank" in after["live_detail"]


def test_every_distinct_body_of_a_page_is_kept_and_reextract_uses_the_accepted_one(
        site_copy, db_path):
    page = site_copy / SINGLE.lstrip("/")
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        config = site_config(server.base_url, db_path, recheck_days=0)
        run(config, archive)
        url = server.base_url + SINGLE
        good = archive.report(url)
        for body in (REPLACEMENTS["soft_404"], REPLACEMENTS["parking"]):
            page.write_bytes(body)
            run(config, archive)
        counts = reextract_archive(archive, config)
        after = archive.report(url)
        bodies = [r[0] for r in archive.query(
            "SELECT raw_size FROM page_versions WHERE url = ? ORDER BY id", [url])]
    assert len(bodies) == 3
    assert counts["changed"] == 0 and after["body_text"] == good["body_text"]


def test_a_new_url_that_is_no_report_is_not_archived_as_one(site_copy, db_path):
    (site_copy / SINGLE.lstrip("/")).write_bytes(REPLACEMENTS["soft_404"])
    with serve_site(site_copy) as server, Archive(db_path) as archive:
        summary = run(site_config(server.base_url, db_path), archive)
        url = server.base_url + SINGLE
        assert archive.report(url) is None
        assert archive.stored_page(url).raw == REPLACEMENTS["soft_404"]
        reason = archive.query("SELECT reason FROM frontier WHERE url = ?", [url])[0][0]
    assert summary.counters["errors"] == 0 and "不存在" in reason


def test_a_report_longer_than_max_report_pages_is_stored_incomplete_with_the_reason(
        site, db_path):
    with Archive(db_path) as archive:
        run(site_config(site.base_url, db_path, max_report_pages=2), archive)
        row = archive.report(site.base_url + "/baogao/db/4633.html")  # three pages
    assert (row["page_count"], row["complete"]) == (2, 0)
    assert "max_report_pages = 2" in row["incomplete_reason"]
