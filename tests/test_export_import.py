"""WARC export of an archive and import into an archive: the round trip keeps the reports,
their bodies, metadata and pages; the import runs the crawl's own code with no network."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import FIXTURES, site_config
from reportarchiver.config import Config, SiteConfig
from reportarchiver.crawl import crawl_lock, run_crawl
from reportarchiver.demo.run import DEMO_REPORT_PATTERN
from reportarchiver.demo.server import SITE_DIR, serve_site
from reportarchiver.errors import LockedError
from reportarchiver.interchange import (
    CapturedResponse,
    ImportSummary,
    read_archive,
    run_import_warc,
    write_warc,
)
from reportarchiver.models import METADATA_FIELDS
from reportarchiver.store import Archive
from reportarchiver.store._exports import page_captures, report_snapshots, snapshot

REPORT_COLUMNS = ("url", "site", *METADATA_FIELDS, "body_text", "body_html", "page_count",
                  "char_count", "content_hash", "complete", "incomplete_reason")
REPORT_4635 = (SITE_DIR / "baogao" / "db" / "4635.html").read_bytes()
HTML = (("Content-Type", "text/html; charset=utf-8"),)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The demo site crawled into an archive; the site is gone afterwards (no network)."""
    folder = tmp_path_factory.mktemp("crawled")
    with serve_site() as server:
        config = site_config(server.base_url, folder / "crawled.db")
        assert run_crawl(config).status == "ok"
    return config


@pytest.fixture(scope="module")
def exported(crawled: Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exported") / "crawled.warc.gz"
    export(crawled.database, path)
    return path


def export(db: Path, path: Path, **options: str) -> None:
    with Archive(db) as archive, snapshot(archive):
        write_warc(path, page_captures(archive, **options), report_snapshots(archive, **options))


def into(config: Config, tmp_path: Path, name: str = "imported.db") -> Config:
    return replace(config, database=tmp_path / name)


def rows(db: Path, sql: str) -> list[tuple]:
    with Archive(db) as archive:
        return archive.query(sql)


def reports(db: Path) -> list[tuple]:
    return rows(db, f"SELECT {', '.join(REPORT_COLUMNS)} FROM reports ORDER BY url")


def base_of(config: Config) -> str:
    return config.sites[0].start_urls[0].rstrip("/")


def test_a_crawled_archive_exported_and_imported_has_the_same_reports(
        crawled: Config, exported: Path, tmp_path: Path) -> None:
    target = into(crawled, tmp_path)
    summary = run_import_warc(target, [exported])
    assert summary.status == "ok" and summary.errors == ()
    assert summary.counters["unchanged"] == 0  # each report run once: pages 2, 3 with page 1
    assert reports(target.database) == reports(crawled.database)
    assert len(reports(target.database)) == 10  # the demo site's reports


def test_the_round_trip_keeps_every_page_body_with_its_headers_and_time(
        crawled: Config, exported: Path, tmp_path: Path) -> None:
    target = into(crawled, tmp_path)
    run_import_warc(target, [exported])
    sql = ("SELECT url, sha256, first_fetched, status, reason, headers, header_list, "
           "request_headers, raw_size FROM page_versions ORDER BY url, sha256")
    assert rows(target.database, sql) == rows(crawled.database, sql)
    pages = "SELECT p.url, p.page_no, v.sha256 FROM pages p JOIN page_versions v " \
            "ON v.id = p.version_id ORDER BY p.url"
    assert rows(target.database, pages) == rows(crawled.database, pages)


def test_an_import_needs_no_network(crawled: Config, exported: Path, tmp_path: Path) -> None:
    # the demo site was served only while crawling: nothing answers on its port now
    summary = run_import_warc(into(crawled, tmp_path), [exported])
    assert summary.counters["new_reports"] == 10 and summary.counters["errors"] == 0


def test_importing_the_same_file_again_changes_nothing(
        crawled: Config, exported: Path, tmp_path: Path) -> None:
    target = into(crawled, tmp_path)
    run_import_warc(target, [exported])
    before = rows(target.database, "SELECT id, content_hash FROM report_versions")
    again = run_import_warc(target, [exported])
    assert again.counters["unchanged"] == 10 and again.counters["new_reports"] == 0
    assert rows(target.database, "SELECT id, content_hash FROM report_versions") == before


def test_an_import_is_a_run_with_its_counters(crawled: Config, exported: Path,
                                              tmp_path: Path) -> None:
    target = into(crawled, tmp_path)
    summary = run_import_warc(target, [exported])
    run = rows(target.database, "SELECT id, command, status, new_reports, fetched, "
                                "finished_at IS NOT NULL FROM crawl_runs")
    assert run == [(summary.run_id, "import", "ok", 10, summary.counters["fetched"], 1)]
    assert summary.records > summary.in_scope >= summary.captures > 0
    assert summary.records_per_second > 0


def test_the_export_passes_warcio_check_and_indexes_one_pair_per_page_version(
        crawled: Config, exported: Path) -> None:
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(exported)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run([sys.executable, "-m", "warcio.cli", "index", str(exported)],
                           capture_output=True, text=True, check=True)
    kinds = [json.loads(line)["warc-type"] for line in index.stdout.splitlines()]
    versions = rows(crawled.database, "SELECT count(*) FROM page_versions")[0][0]
    reports_versions = rows(crawled.database, "SELECT count(*) FROM report_versions")[0][0]
    assert kinds.count("response") == kinds.count("request") == versions
    assert kinds.count("metadata") == reports_versions


def test_each_report_version_is_a_metadata_record_naming_its_pages(
        crawled: Config, exported: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    with exported.open("rb") as stream:
        documents = [json.loads(r.content_stream().read()) for r in ArchiveIterator(stream)
                     if r.rec_type == "metadata"]
    stitched = next(d for d in documents if d["url"].endswith("/baogao/db/4633.html"))
    assert stitched["page_urls"] == [stitched["url"], stitched["url"][:-5] + "_2.html",
                                     stitched["url"][:-5] + "_3.html"]
    assert stitched["metadata"]["page_count"] == 3
    stored = rows(crawled.database, "SELECT body_text, title, province FROM reports "
                                    f"WHERE url = '{stitched['url']}'")[0]
    assert (stitched["text"], stitched["metadata"]["title"],
            stitched["metadata"]["province"]) == stored


def test_a_site_crawled_twice_comes_back_with_every_version(tmp_path: Path) -> None:
    import shutil
    import time

    root = tmp_path / "site"
    shutil.copytree(SITE_DIR, root)
    with serve_site(root) as server:
        config = site_config(server.base_url, tmp_path / "twice.db", recheck_days=0)
        run_crawl(config)
        second = int(time.time())
        while int(time.time()) == second:  # the next crawl's captures a second later
            time.sleep(0.05)
        for page, old, new in (("db/4635.html", "积极应对", "积极妥善应对"),
                               ("huabei/4647_2.html", "助餐点28个", "助餐点29个")):
            path = root / "baogao" / page
            path.write_bytes(revised(path.read_bytes(), old, new))
        run_crawl(config)
    warc = tmp_path / "twice.warc.gz"
    export(config.database, warc)
    target = into(config, tmp_path)
    run_import_warc(target, [warc])
    history = ("SELECT r.url, v.content_hash, v.page_versions IS NOT NULL FROM report_versions v "
               "JOIN reports r ON r.id = v.report_id ORDER BY r.url, v.id")
    assert rows(target.database, history) == rows(config.database, history)
    assert len(rows(config.database, history)) == 12  # 10 reports, 2 of them changed
    assert reports(target.database) == reports(config.database)


def test_attachments_in_and_out_of_the_sites_scope_come_back(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "site"
    shutil.copytree(SITE_DIR, root)
    (root / "files").mkdir()
    for name in ("work_report.pdf", "budget_tables.xlsx"):
        shutil.copy(FIXTURES / "documents" / name, root / "files" / name)
    with serve_site(root) as server:
        elsewhere = server.base_url.replace("127.0.0.1", "localhost")  # another host
        page = root / "baogao" / "db" / "4635.html"
        page.write_bytes(page.read_bytes().replace(
            "<p>　　各位代表：</p>".encode(),
            (f'<p>　　各位代表：</p><p>附件：<a href="/files/work_report.pdf">工作报告全文</a> '
             f'<a href="{elsewhere}/files/budget_tables.xlsx">预算表</a></p>').encode(), 1))
        config = site_config(server.base_url, tmp_path / "files.db")
        run_crawl(config)
    files = ("SELECT r.url, a.url, a.sha256, a.kind, a.text, a.first_fetched FROM attachments a "
             "JOIN reports r ON r.id = a.report_id ORDER BY a.url")
    assert len(rows(config.database, files)) == 2
    warc = tmp_path / "files.warc.gz"
    export(config.database, warc)
    target = into(config, tmp_path)
    summary = run_import_warc(target, [warc])
    assert summary.counters["errors"] == 0
    assert rows(target.database, files) == rows(config.database, files)
    assert reports(target.database) == reports(config.database)


# -- --site and --since ----------------------------------------------------------------------

def two_sites(config: Config) -> Config:
    """The demo site as two sites: work reports and bulletins."""
    base = base_of(config)
    pattern = re.compile(DEMO_REPORT_PATTERN)
    sites = tuple(SiteConfig(name, (f"{base}/{name}/",), (re.compile(f"^{re.escape(base)}/"
                                                                       f"{name}/"),),
                             report_pattern=pattern) for name in ("baogao", "tjgongbao"))
    return replace(config, sites=sites)


def test_export_of_one_site_holds_only_its_pages_and_reports(
        crawled: Config, exported: Path, tmp_path: Path) -> None:
    target = into(two_sites(crawled), tmp_path)
    run_import_warc(target, [exported])
    out = tmp_path / "tj.warc.gz"
    export(target.database, out, site="tjgongbao")
    urls = {r.url for r in read_archive(out)}
    assert urls and all("/tjgongbao/" in url for url in urls)
    tj_reports = rows(target.database, "SELECT url FROM reports WHERE site = 'tjgongbao'")
    assert len(tj_reports) == 3 and {u for (u,) in tj_reports} <= urls


def test_an_import_of_one_site_leaves_the_others_out(crawled: Config, exported: Path,
                                                     tmp_path: Path) -> None:
    target = into(two_sites(crawled), tmp_path)
    run_import_warc(target, [exported], site_names=["baogao"])
    assert {s for (s,) in rows(target.database, "SELECT site FROM reports")} == {"baogao"}


def page_config(tmp_path: Path) -> Config:
    base = "http://www.example.test"
    site = SiteConfig("example", (f"{base}/",), (re.compile(f"^{re.escape(base)}/"),),
                      report_pattern=re.compile(r"/zwgk/\d+\.html$"))
    return replace(site_config(base, tmp_path / "example.db"), sites=(site,))


def revised(body: bytes, old: str = "积极应对", new: str = "积极妥善应对") -> bytes:
    """The page with a few words changed: a revision, not a replacement."""
    assert old.encode() in body
    return body.replace(old.encode(), new.encode(), 1)


def test_captures_of_one_url_become_versions_in_capture_order(tmp_path: Path) -> None:
    url = "http://www.example.test/zwgk/1.html"
    warc = tmp_path / "two.warc.gz"
    write_warc(warc, [  # the later capture first in the file
        CapturedResponse(url, "2024-03-01T00:00:00+00:00", 200, "OK", HTML,
                         revised(REPORT_4635)),
        CapturedResponse(url, "2023-03-01T00:00:00+00:00", 200, "OK", HTML, REPORT_4635)])
    config = page_config(tmp_path)
    summary = run_import_warc(config, [warc])
    assert (summary.counters["new_reports"], summary.counters["changed_reports"]) == (1, 1)
    versions = rows(config.database, "SELECT captured_at, body_text FROM report_versions "
                                     "ORDER BY id")
    assert [v[0] for v in versions] == ["2023-03-01T00:00:00+00:00",
                                        "2024-03-01T00:00:00+00:00"]
    assert "积极妥善应对" in versions[1][1] and "积极妥善应对" not in versions[0][1]
    first_seen, last_changed = rows(config.database,
                                    "SELECT first_seen, last_changed FROM reports")[0]
    assert (first_seen, last_changed) == ("2023-03-01T00:00:00+00:00",
                                          "2024-03-01T00:00:00+00:00")


def two_page_report(when: str, second: bytes | None = None) -> list[CapturedResponse]:
    base = "http://www.example.test/baogao/huabei/"
    folder = SITE_DIR / "baogao" / "huabei"
    pages = [CapturedResponse(base + "4647.html", when, 200, "OK", HTML,
                              (folder / "4647.html").read_bytes())]
    if second is not None:
        pages.append(CapturedResponse(base + "4647_2.html", when, 200, "OK", HTML, second))
    return pages


def demo_pattern_config(tmp_path: Path) -> Config:
    config = page_config(tmp_path)
    return replace(config, sites=(replace(config.sites[0],
                                          report_pattern=re.compile(DEMO_REPORT_PATTERN)),))


def test_a_later_page_that_changed_alone_makes_a_version_of_its_report(tmp_path: Path) -> None:
    page2 = (SITE_DIR / "baogao" / "huabei" / "4647_2.html").read_bytes()
    warc = tmp_path / "page2-changed.warc.gz"
    # what an export holds: page 1 once (unchanged), page 2 twice
    write_warc(warc, [*two_page_report("2023-03-01T00:00:00+00:00", page2),
                      *two_page_report("2024-03-01T00:00:00+00:00",
                                       revised(page2, "助餐点28个", "助餐点29个"))[1:]])
    config = demo_pattern_config(tmp_path)
    summary = run_import_warc(config, [warc])
    assert (summary.counters["new_reports"], summary.counters["changed_reports"]) == (1, 1)
    versions = rows(config.database, "SELECT captured_at FROM report_versions ORDER BY id")
    assert versions == [("2023-03-01T00:00:00+00:00",), ("2024-03-01T00:00:00+00:00",)]


def test_a_report_captured_gone_later_is_marked_gone_since_that_capture(tmp_path: Path) -> None:
    url = "http://www.example.test/zwgk/1.html"
    warc = tmp_path / "gone.warc.gz"
    write_warc(warc, [
        CapturedResponse(url, "2023-03-01T00:00:00+00:00", 200, "OK", HTML, REPORT_4635),
        CapturedResponse(url, "2024-03-01T00:00:00+00:00", 404, "Not Found", HTML,
                         b"<h1>not found</h1>")])
    config = page_config(tmp_path)
    summary = run_import_warc(config, [warc])
    assert summary.counters["gone"] == 1
    assert rows(config.database, "SELECT live_status, gone_since, body_text != '' "
                                 "FROM reports") == [("gone", "2024-03-01T00:00:00+00:00", 1)]


def test_export_since_a_date_holds_what_was_captured_from_then_on(tmp_path: Path) -> None:
    url = "http://www.example.test/zwgk/1.html"
    warc = tmp_path / "two.warc.gz"
    write_warc(warc, [
        CapturedResponse(url, "2023-03-01T00:00:00+00:00", 200, "OK", HTML, REPORT_4635),
        CapturedResponse(url, "2024-03-01T00:00:00+00:00", 200, "OK", HTML,
                         revised(REPORT_4635))])
    config = page_config(tmp_path)
    run_import_warc(config, [warc])
    out = tmp_path / "since.warc.gz"
    export(config.database, out, since="2024-01-01T00:00:00+00:00")
    assert [r.fetched_at for r in read_archive(out)] == ["2024-03-01T00:00:00+00:00"]
    with Archive(config.database) as archive:
        snapshots = list(report_snapshots(archive, since="2024-01-01T00:00:00+00:00"))
    assert [s.captured_at for s in snapshots] == ["2024-03-01T00:00:00+00:00"]


# -- what is imported ------------------------------------------------------------------------

WGET = FIXTURES / "warc" / "wget_gzip_members.warc.gz"
WGET_BASE = "http://127.0.0.1:18347"


def wget_config(tmp_path: Path, include: str = WGET_BASE) -> Config:
    site = SiteConfig("wget", (f"{WGET_BASE}/",), (re.compile("^" + re.escape(include) + "/"),),
                      report_pattern=re.compile(r"/report/\d+\.html$"))
    return replace(site_config(WGET_BASE, tmp_path / "wget.db"), sites=(site,))


def test_a_wget_warc_is_imported_with_its_reports_cleaned(tmp_path: Path) -> None:
    config = wget_config(tmp_path)
    summary = run_import_warc(config, [WGET])
    stored = rows(config.database, "SELECT url, title, body_text FROM reports ORDER BY url")
    assert [u for u, _, _ in stored] == [f"{WGET_BASE}/report/1.html",
                                         f"{WGET_BASE}/report/2.html"]
    assert "大连市中山区人民政府工作报告" in stored[0][1]
    assert "老旧小区改造77万平方米" in stored[0][2]
    assert summary.counters["new_reports"] == 2


def test_responses_outside_every_site_are_left_out(tmp_path: Path) -> None:
    config = wget_config(tmp_path, include="http://elsewhere.test")
    summary = run_import_warc(config, [WGET])
    assert (summary.in_scope, summary.captures) == (0, 0)
    assert rows(config.database, "SELECT count(*) FROM page_versions") == [(0,)]


def test_images_are_not_imported_as_pages(tmp_path: Path) -> None:
    config = wget_config(tmp_path)
    run_import_warc(config, [WGET])
    assert rows(config.database, "SELECT url FROM page_versions WHERE url LIKE '%.png'") == []


def test_a_later_page_without_its_first_page_is_skipped(tmp_path: Path) -> None:
    warc = tmp_path / "page2.warc.gz"
    write_warc(warc, [CapturedResponse("http://www.example.test/zwgk/1_2.html",
                                       "2023-03-01T00:00:00+00:00", 200, "OK", HTML,
                                       REPORT_4635)])
    config = page_config(tmp_path)
    summary = run_import_warc(config, [warc])
    assert summary.counters["skipped"] == 1 and summary.captures == 0
    assert rows(config.database, "SELECT count(*) FROM reports") == [(0,)]


# -- damaged files ---------------------------------------------------------------------------

def record_offsets(path: Path, kind: str) -> list[int]:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        return [records.offset for r in records if r.rec_type == kind]


def test_a_cut_file_is_imported_up_to_the_damage_and_named_with_its_offset(
        crawled: Config, exported: Path, tmp_path: Path) -> None:
    offsets = record_offsets(exported, "response")
    cut_at = offsets[len(offsets) // 2]
    damaged = tmp_path / "cut.warc.gz"
    damaged.write_bytes(exported.read_bytes()[:cut_at + 100])
    target = into(crawled, tmp_path)
    summary = run_import_warc(target, [damaged])
    assert summary.status == "failed" and len(summary.errors) == 1
    assert summary.errors[0].startswith(f"{damaged}: offset {cut_at}: ")
    urls = [r.url for r in read_archive(exported)]
    before = {url for url, offset in zip(urls, offsets, strict=True) if offset < cut_at}
    imported = {u for (u,) in rows(target.database, "SELECT url FROM page_versions")}
    assert imported and imported <= before
    assert rows(target.database, "SELECT status FROM crawl_runs") == [("failed",)]


def test_the_files_after_a_damaged_one_are_imported_whole(
        crawled: Config, exported: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is no WARC file\r\n")
    target = into(crawled, tmp_path)
    summary = run_import_warc(target, [garbage, exported])
    assert len(summary.errors) == 1 and summary.errors[0].startswith(f"{garbage}: offset 0: ")
    assert reports(target.database) == reports(crawled.database)


# -- export details --------------------------------------------------------------------------

def test_rows_from_before_header_lists_export_their_header_dict(
        crawled: Config, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    db.write_bytes(crawled.database.read_bytes())
    with sqlite3.connect(db) as conn:  # as migration 3 left the rows it copied
        conn.execute("UPDATE page_versions SET header_list = NULL, reason = NULL, "
                     "request_headers = NULL")
    out = tmp_path / "old.warc.gz"
    export(db, out)
    response = next(iter(read_archive(out)))
    assert response.reason == "OK"
    assert response.headers and all(name == name.lower() for name, _ in response.headers)
    assert response.header("content-type").startswith(("text/", "application/"))


def test_attachments_are_exported_once_per_distinct_body(crawled: Config,
                                                          tmp_path: Path) -> None:
    db = tmp_path / "attached.db"
    db.write_bytes(crawled.database.read_bytes())
    pdf = b"%PDF-1.4 a small report file"
    with sqlite3.connect(db) as conn:
        for report_id in (1, 2):  # one file linked from two reports: one body
            conn.execute(
                "INSERT INTO attachments (report_id, url, sha256, raw, first_fetched, status, "
                "headers) VALUES (?, 'http://files.example.test/budget.pdf', 'x', ?, "
                "'2023-05-01T00:00:00+00:00', 200, ?)",
                [report_id, zlib.compress(pdf), json.dumps({"content-type": "application/pdf"})])
    out = tmp_path / "attached.warc.gz"
    export(db, out)
    files = [r for r in read_archive(out) if r.url.endswith("budget.pdf")]
    assert [(f.body, f.header("content-type")) for f in files] == [(pdf, "application/pdf")]


def test_an_import_waits_for_no_crawl_it_is_refused_while_one_runs(
        crawled: Config, exported: Path, tmp_path: Path) -> None:
    target = into(crawled, tmp_path)
    with crawl_lock(target.database), pytest.raises(LockedError):
        run_import_warc(target, [exported])


def test_the_summary_line_gives_records_per_second() -> None:
    summary = ImportSummary(3, "ok", 1, 100, 40, 20, 2.0,
                            {"new_reports": 5, "changed_reports": 0, "unchanged": 0,
                             "errors": 0, "skipped": 1}, {"revisit": 2})
    assert summary.line() == (
        "import run 3 ok: 1 file(s), 100 records (40 responses in scope, 2 revisit); "
        "20 page captures: 5 new, 0 changed, 0 unchanged, 0 errors, 1 skipped in 2.0s "
        "(50 records/s)")
