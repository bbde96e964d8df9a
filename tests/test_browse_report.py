"""The report page tells what became of a report on the site, what was fetched, and serves its
attachments and raw pages back as downloads that never run in the browser."""

from __future__ import annotations

import shutil
import sqlite3
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from datasette.app import Datasette

from reportarchiver.browse.downloads import content_disposition, safe_filename
from test_browse import (  # the archive and ds fixtures: one shared test archive
    FIXTURES,
    GONE_DETAIL,
    INCOMPLETE_REASON,
    SUSPECT_DETAIL,
    archive,
    canned,
    ds,
    get,
    version_ids,
)

__all__ = ["archive", "ds"]  # fixtures used by name, not by reference


def article(ds: Datasette, report_id: int) -> str:
    response = get(ds, f"/reports/reports/{report_id}")
    assert response.status_code == 200
    return response.text.split('<article class="ra-report">', 1)[1].split("</article>", 1)[0]


def section(html: str, name: str) -> str:
    return html.split(f'<section class="{name}">', 1)[1].split("</section>", 1)[0]


def attachment_id(archive: Path, filename: str, newest: bool = True) -> int:
    conn = sqlite3.connect(archive)
    order = "DESC" if newest else "ASC"
    found = conn.execute(f"SELECT id FROM attachments WHERE filename = ? ORDER BY last_fetched "
                         f"{order} LIMIT 1", [filename]).fetchone()[0]
    conn.close()
    return found


def test_a_gone_report_says_since_when_and_why_the_site_no_longer_shows_it(ds):
    html = article(ds, 4)
    assert f"The site no longer shows this report since 2026-12-01: {GONE_DETAIL}." in html
    assert "<p>医疗卫生支出。养老金按时足额发放。</p>" in html  # the archived text stays


def test_a_suspect_replacement_is_named_and_kept_apart_from_the_archived_text(ds):
    html = article(ds, 5)
    assert "Since 2025-06-01 the site serves a different text at this address" in html
    assert SUSPECT_DETAIL in html and "<p>最后一个字是税</p>" in html
    served = section(html, "ra-page-versions")
    assert served.count("<tr") == 3  # the header, the archived body, the replacement
    assert "2025-06-01T00:00:00+00:00" in served and "not this report (kept apart)" in served


def test_a_live_report_shows_no_notice(ds):
    assert "ra-notice" not in article(ds, 2)


def test_an_incomplete_report_says_why(ds):
    assert f"Incomplete: {INCOMPLETE_REASON}." in article(ds, 3)


def test_each_body_a_page_served_is_listed_with_its_fetch_dates_and_report_version(
    ds, archive
):
    served = section(article(ds, 2), "ra-page-versions")
    old, new = version_ids(archive, 2)
    assert served.index("2024-01-01T00:00:00+00:00") < served.index("2024-02-01T00:00:00+00:00")
    assert f'href="/reports/report_versions/{old}"' in served
    assert f'href="/reports/report_versions/{new}"' in served


def test_a_raw_page_body_downloads_as_fetched_and_never_as_a_page(ds, archive):
    conn = sqlite3.connect(archive)
    version_id, raw = conn.execute(
        "SELECT id, raw FROM page_versions WHERE url = 'http://demo.test/baogao/1.html'"
    ).fetchone()
    conn.close()
    assert f'href="/-/reportarchiver/page-version/reports/{version_id}"' in article(ds, 1)
    response = get(ds, f"/-/reportarchiver/page-version/reports/{version_id}")
    assert response.status_code == 200 and response.content == zlib.decompress(raw)
    assert b"<script>" in response.content  # exactly what the site sent...
    assert response.headers["content-type"] == "application/octet-stream"  # ...never as HTML
    assert response.headers["content-disposition"] == f'attachment; filename="1-{version_id}.html"'
    assert response.headers["x-content-type-options"] == "nosniff"


def test_attachments_are_listed_with_kind_size_notes_and_an_excerpt(ds):
    listed = section(article(ds, 1), "ra-attachments")
    assert "2023年预算报告.pdf" in listed and "PDF, 39.6 kB, 4 pages" in listed
    assert "linked as “附件1：2023年预算报告”" in listed
    assert "(an earlier version)" in listed and "PDF, 25 Bytes, 1 page<" in listed
    assert "scanned: the file has no text layer" in listed
    assert "the file is an HTML page, not a document" in listed
    assert "二〇二三年预算执行情况。一般公共预算收入增长。" in listed and "…</blockquote>" in listed
    assert "<blockquote class=\"ra-excerpt\" lang=\"zh\">草稿</blockquote>" in listed


def test_an_attachment_that_could_not_be_fetched_has_its_error_and_no_download_link(ds):
    listed = section(article(ds, 4), "ra-attachments")
    assert "HTTP 404" in listed and "no bytes archived" in listed
    assert "/-/reportarchiver/attachment/" not in listed


def test_a_report_without_attachments_has_no_attachments_section(ds):
    assert "ra-attachments" not in article(ds, 2)


def test_an_attachment_downloads_as_archived_with_its_type_and_chinese_name(ds, archive):
    pdf_id = attachment_id(archive, "2023年预算报告.pdf")
    assert f'href="/-/reportarchiver/attachment/reports/{pdf_id}" download' in article(ds, 1)
    response = get(ds, f"/-/reportarchiver/attachment/reports/{pdf_id}")
    assert response.status_code == 200
    assert response.content == (FIXTURES / "documents/work_report.pdf").read_bytes()
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"attachment-{pdf_id}.pdf\"; "
        f"filename*=UTF-8''{quote('2023年预算报告.pdf')}")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]


def test_an_earlier_version_of_an_attachment_downloads_its_own_bytes(ds, archive):
    old = attachment_id(archive, "2023年预算报告.pdf", newest=False)
    assert get(ds, f"/-/reportarchiver/attachment/reports/{old}").content == (
        b"%PDF-1.4 an earlier draft")


def test_an_html_page_posing_as_an_attachment_is_sent_as_bytes_never_as_html(ds, archive):
    notice = attachment_id(archive, "notice.pdf")
    response = get(ds, f"/-/reportarchiver/attachment/reports/{notice}")
    assert b"<script>" in response.content
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == 'attachment; filename="notice.pdf"'


def test_the_type_comes_from_what_the_file_is_not_what_the_site_claimed(ds, archive):
    # form.pdf was served as text/html; the bytes are a PDF
    form = attachment_id(archive, "form.pdf")
    response = get(ds, f"/-/reportarchiver/attachment/reports/{form}")
    assert response.headers["content-type"] == "application/pdf"
    assert response.content == (FIXTURES / "browse/pdf_with_javascript.pdf").read_bytes()


@pytest.mark.parametrize("path", [
    "/-/reportarchiver/attachment/reports/4242",
    "/-/reportarchiver/attachment/reports/99999999999999999999999",
    "/-/reportarchiver/page-version/reports/4242",
    "/-/reportarchiver/page-version/reports/99999999999999999999999",
    "/-/reportarchiver/attachment/nosuchdb/1",
])
def test_a_download_of_no_stored_row_is_a_404_page(ds, path):
    response = get(ds, path)
    assert response.status_code == 404 and "<title>" in response.text


def test_the_failed_attachment_has_no_download_either(ds, archive):
    conn = sqlite3.connect(archive)
    failed = conn.execute("SELECT id FROM attachments WHERE raw IS NULL").fetchone()[0]
    conn.close()
    response = get(ds, f"/-/reportarchiver/attachment/reports/{failed}")
    assert response.status_code == 404 and "has no stored bytes" in response.text


def test_damaged_stored_bytes_are_one_line_not_a_traceback(archive, tmp_path):
    copy = tmp_path / "reports.db"
    shutil.copy(archive, copy)
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE attachments SET raw = x'00112233' WHERE filename = 'scan.pdf'")
    conn.commit()
    conn.close()
    response = get(Datasette([str(copy)]), "/-/reportarchiver/attachment/reports/5")
    assert response.status_code == 500
    assert response.text.startswith("The stored bytes of attachments row 5 are damaged (")
    assert "\n" not in response.text.strip()


def test_downloads_are_refused_to_whom_the_attachments_table_is_refused(archive):
    metadata = {"databases": {"reports": {"tables": {"attachments": {"allow": False}}}}}
    datasette = Datasette([str(archive)], metadata=metadata)
    assert get(datasette, "/-/reportarchiver/attachment/reports/1").status_code == 403


def test_downloads_are_only_served_from_archives(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE attachments (id INTEGER PRIMARY KEY, url TEXT, filename TEXT, "
                 "kind TEXT, raw BLOB)")
    conn.execute("INSERT INTO attachments VALUES (1, 'u', 'x.pdf', 'pdf', ?)",
                 [zlib.compress(b"%PDF")])
    conn.commit()
    conn.close()
    assert get(Datasette([str(other)]), "/-/reportarchiver/attachment/other/1").status_code == 404


def test_the_attachments_table_links_each_file_name_to_its_download(ds, archive):
    html = get(ds, "/reports/attachments").text
    pdf_id = attachment_id(archive, "2023年预算报告.pdf")
    assert f'<a href="/-/reportarchiver/attachment/reports/{pdf_id}" download>' in html


def test_the_page_bodies_table_links_each_size_to_the_raw_download(ds, archive):
    conn = sqlite3.connect(archive)
    version_id = conn.execute("SELECT id FROM page_versions WHERE url = ?",
                              ["http://demo.test/baogao/1.html"]).fetchone()[0]
    conn.close()
    html = get(ds, "/reports/page_versions?url=http://demo.test/baogao/1.html").text
    assert f'<a href="/-/reportarchiver/page-version/reports/{version_id}" download>' in html


def test_a_search_hit_only_in_an_attachment_shows_the_attachments_text(ds):
    rows = canned(ds, "search", q="预算执行")
    assert [r["report_id"] for r in rows] == [1]
    assert rows[0]["snippet"].startswith("[attachment] ")
    assert "⟪预算执行⟫" in rows[0]["snippet"]


@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\报告.pdf", "报告.pdf"),
    ('a"b;c\r\nd.pdf', "a_b_c__d.pdf"),
    ("report\u202efdp.exe", "report_fdp.exe"),
    (".hidden", "hidden"),
    ("", "fallback.bin"),
    ("/", "fallback.bin"),
])
def test_a_file_name_is_made_safe_to_save(name, safe):
    assert safe_filename(name, "fallback.bin") == safe


def test_an_ascii_file_name_needs_no_utf8_form():
    assert content_disposition("a.pdf", "x.pdf") == 'attachment; filename="a.pdf"'

