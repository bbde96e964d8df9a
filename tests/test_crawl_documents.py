"""Reports published as files, crawled from a local site (issue 11): PDFs, Word and Excel
files archived with searchable text and metadata, attachments kept with their report, and
nothing binary in any body."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import FIXTURES
from reportarchiver._pipeline import clean_page
from reportarchiver.config import Config, SiteConfig
from reportarchiver.crawl import crawl
from reportarchiver.demo.server import serve_site
from reportarchiver.models import FetchResult
from reportarchiver.store import Archive
from reportarchiver.store._search import fts_query

DOCS = FIXTURES / "documents"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


def expected(name: str) -> str:
    return (DOCS / f"{name}.expected.txt").read_text(encoding="utf-8")


@pytest.fixture
def file_site(tmp_path: Path) -> Path:
    """A site whose reports are files, file lists and pages that are no reports."""
    root = tmp_path / "site"
    (root / "r").mkdir(parents=True)
    (root / "uploads" / "2023").mkdir(parents=True)
    shutil.copy(DOCS / "work_report.pdf", root / "r" / "2.pdf")
    shutil.copy(DOCS / "work_report.docx", root / "r" / "3.docx")
    shutil.copy(DOCS / "scanned_work_report.pdf", root / "r" / "4.pdf")
    (root / "r" / "5.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    shutil.copy(DOCS / "js_only_app_shell.html", root / "r" / "6.html")
    shutil.copy(DOCS / "seed_report_pages.pdf", root / "uploads" / "2023" / "report.pdf")
    shutil.copy(DOCS / "budget_tables.xlsx", root / "uploads" / "2023" / "tables.xlsx")
    (root / "r" / "1.html").write_text(
        "<html><head><meta charset='utf-8'><title>中山区2023年预算公开</title></head><body>"
        "<h1>中山区2023年预算公开</h1><div class='content'><p>附件：</p>"
        "<p><a href='/uploads/2023/report.pdf'>1.政府工作报告.pdf</a></p>"
        "<p><a href='/uploads/2023/tables.xlsx'>2.中山区2023年预算表.xlsx</a></p>"
        "</div></body></html>", encoding="utf-8")
    links = "".join(f'<a href="/r/{n}">{n}</a>' for n in
                    ("1.html", "2.pdf", "3.docx", "4.pdf", "5.png", "6.html"))
    (root / "index.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")
    return root


def config_for(base: str, db: Path) -> Config:
    site = SiteConfig(name="files", start_urls=(base + "/",),
                      include=(re.compile("^" + re.escape(base) + "/"),),
                      report_pattern=re.compile(r"/r/\d+\.\w+$"))
    from helpers import fast_crawler

    return Config(crawler=fast_crawler(), database=db, sites=(site,))


def test_a_site_of_files_is_archived_with_searchable_text_and_no_binary(file_site, tmp_path):
    with serve_site(file_site) as server, Archive(tmp_path / "a.db") as archive:
        summary = asyncio.run(crawl(config_for(server.base_url, archive.path), archive))
        reports = {r["url"].removeprefix(server.base_url): r for r in archive.reports()}
        reasons = dict(archive.query("SELECT url, reason FROM frontier WHERE kind = 'report'"))
        attachments = archive.query("SELECT url, kind, length(text) FROM attachments")
        found = [r[0] for r in archive.query(
            "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?",
            [fts_query("企业所得税")])]
    assert summary.status == "ok" and summary.counters["errors"] == 0
    assert sorted(reports) == ["/r/1.html", "/r/2.pdf", "/r/3.docx"]
    pdf, docx = reports["/r/2.pdf"], reports["/r/3.docx"]
    for row in (pdf, docx):
        assert row["source_kind"] in ("pdf", "docx")
        assert row["body_text"].split() == expected("work_report").split()
        assert (row["title"], row["kind"]) == ("大连市中山区人民政府工作报告", "政府工作报告")
        assert (row["county"], row["report_date"], row["year"]) == ("中山区", "2022-12-23",
                                                                    2022)
    for row in reports.values():
        assert not CONTROL.search(row["body_text"]) and "%PDF" not in row["body_text"]
    # the page that is only a list of files takes its body from them, and is found by them
    listing = reports["/r/1.html"]
    assert expected("seed_report_pages").split()[5] in listing["body_text"]
    assert sorted(kind for _, kind, _ in attachments) == ["pdf", "xlsx"]
    assert all(chars > 100 for _, _, chars in attachments)
    assert listing["id"] in found  # 企业所得税 is only in the spreadsheet
    base = server.base_url
    assert "scanned" in reasons[base + "/r/4.pdf"]
    assert "image" in reasons[base + "/r/5.png"]
    assert "JavaScript" in reasons[base + "/r/6.html"] and summary.counters["needs_js"] == 1


def test_a_changed_attachment_is_stored_as_a_new_body_and_the_old_kept(file_site, tmp_path):
    with serve_site(file_site) as server, Archive(tmp_path / "a.db") as archive:
        config = config_for(server.base_url, archive.path)
        asyncio.run(crawl(config, archive))
        shutil.copy(DOCS / "budget_tables.xls", file_site / "uploads" / "2023" / "tables.xlsx")
        from dataclasses import replace

        asyncio.run(crawl(replace(config, crawler=replace(config.crawler, recheck_days=0)),
                          archive))
        kinds = [r[0] for r in archive.query(
            "SELECT kind FROM attachments WHERE url LIKE '%tables.xlsx' ORDER BY id")]
    assert kinds == ["xlsx", "xls"]


# every kind of broken document the sniffing may meet, never a crash, never binary in text
HEADERS = [b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
           b"\x89PNG\r\n\x1a\n"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.sampled_from(HEADERS), tail=st.binary(max_size=3000),
       content_type=st.sampled_from(["text/html", "application/pdf", "", "application/zip"]))
def test_random_bytes_behind_a_document_header_never_crash_or_reach_the_index(header, tail,
                                                                             content_type):
    fetch = FetchResult("http://a.test/r/1.pdf", "http://a.test/r/1.pdf", 200,
                        {"content-type": content_type}, header + tail, "2026-01-01T00:00:00Z")
    cleaned = clean_page(fetch)
    assert cleaned.source_kind != "html"
    assert not CONTROL.search(cleaned.text)
    assert cleaned.text or cleaned.problem


def test_extract_reads_a_pdf_a_docx_and_an_xlsx_file():
    from click.testing import CliRunner

    from reportarchiver.cli import cli

    for name, text in (("work_report.pdf", "work_report"), ("work_report.docx", "work_report"),
                       ("budget_tables.xlsx", "budget_tables")):
        result = CliRunner().invoke(cli, ["extract", str(DOCS / name)])
        assert result.exit_code == 0, result.output
        assert result.output.split() == expected(text).split(), name


def test_extract_of_a_scanned_pdf_says_why_there_is_no_text():
    from click.testing import CliRunner

    from reportarchiver.cli import cli

    result = CliRunner().invoke(cli, ["extract", str(DOCS / "scanned_work_report.pdf")])
    assert result.exit_code == 1 and "scanned" in result.output


def test_ingest_archives_a_pdf_url_as_a_report(file_site, tmp_path):
    from reportarchiver.crawl import ingest

    with serve_site(file_site) as server, Archive(tmp_path / "a.db") as archive:
        config = config_for(server.base_url, archive.path)
        [result] = asyncio.run(ingest(config, archive, [server.base_url + "/r/2.pdf"]))
        row = archive.report(server.base_url + "/r/2.pdf")
    assert result.ok and row["source_kind"] == "pdf" and row["kind"] == "政府工作报告"
