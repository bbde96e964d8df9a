"""The archive database: schema, WAL, versions only on change, raw pages kept."""

from __future__ import annotations

import sqlite3

import pytest

from reportarchiver.errors import StoreError
from reportarchiver.models import Cleaned, FetchResult, Metadata, Page, Report
from reportarchiver.store import _search as search
from reportarchiver.store._archive import MIGRATIONS, Archive

TITLE = "（辽宁省）大连市中山区人民政府工作报告"


def make_report(url: str, text: str, *, title: str = TITLE) -> Report:
    fetch = FetchResult(url=url, final_url=url, status=200,
                        headers={"content-type": "text/html", "etag": '"a"'},
                        body=f"<p>{text}</p>".encode(), fetched_at="2026-01-01T00:00:00+00:00")
    meta = Metadata(title=title, kind="政府工作报告", province="辽宁省", year=2022)
    page = Page(fetch, Cleaned(text=text, html=f"<p>{text}</p>", title=title, encoding="utf-8",
                               metadata=meta), 1)
    return Report(url=url, site="s", pages=(page,), text=text, html=page.cleaned.html,
                  metadata=meta)


def test_opening_twice_applies_each_migration_once(db_path):
    Archive(db_path).close()
    with Archive(db_path) as archive:
        version = archive._conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == len(MIGRATIONS)
        assert {"reports", "report_versions", "pages", "crawl_runs", "fetch_errors",
                "frontier"} <= set(archive._db.table_names())


def test_the_database_is_in_wal_mode(archive):
    assert archive._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_new_report_gets_one_version(archive):
    assert archive.save_report(make_report("http://a.test/1.html", "养老服务")) == "new"
    row = archive.report("http://a.test/1.html")
    assert row["char_count"] == 4 and row["complete"] == 1 and row["province"] == "辽宁省"
    assert archive.count("report_versions") == 1


def test_an_unchanged_report_writes_no_version(archive):
    archive.save_report(make_report("http://a.test/1.html", "养老服务"), now="2026-01-01T00:00:00")
    outcome = archive.save_report(make_report("http://a.test/1.html", "养老服务"),
                                  now="2026-02-01T00:00:00")
    row = archive.report("http://a.test/1.html")
    assert outcome == "unchanged" and archive.count("report_versions") == 1
    assert row["last_checked"] == "2026-02-01T00:00:00"
    assert row["last_changed"] == row["first_seen"] == "2026-01-01T00:00:00"


def test_a_changed_body_gets_a_new_version_and_keeps_the_old(archive):
    archive.save_report(make_report("http://a.test/1.html", "养老服务"))
    assert archive.save_report(make_report("http://a.test/1.html", "医疗服务")) == "changed"
    bodies = [r[0] for r in archive._conn.execute(
        "SELECT body_text FROM report_versions ORDER BY id")]
    assert bodies == ["养老服务", "医疗服务"]


def test_the_raw_response_is_kept_compressed_and_comes_back_intact(archive):
    report = make_report("http://a.test/1.html", "教育" * 1000)
    archive.save_report(report)
    stored = archive.stored_page("http://a.test/1.html")
    assert stored.raw == report.pages[0].fetch.body
    assert stored.etag == '"a"' and stored.headers["content-type"] == "text/html"
    size = archive._conn.execute("SELECT length(raw), raw_size FROM page_versions").fetchone()
    assert size[0] < size[1]


def gone_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_left_running_by_a_killed_process_becomes_interrupted(archive):
    first = archive.start_run("crawl", gone_pid())
    archive.start_run("ingest", 2)
    status = archive._conn.execute("SELECT status FROM crawl_runs WHERE id = ?",
                                   [first]).fetchone()[0]
    assert status == "interrupted"


def test_an_ingest_beside_a_live_crawl_leaves_the_crawls_run_alone(archive):
    import os

    crawl = archive.start_run("crawl", os.getpid())  # this process: alive
    archive.start_run("ingest", os.getpid())
    assert archive.query("SELECT status FROM crawl_runs WHERE id = ?", [crawl]) == [
        ("running",)]


def test_under_the_crawl_lock_a_crawl_run_left_running_is_interrupted_even_if_its_pid_lives(
        archive):
    import os

    stale = archive.start_run("crawl", os.getpid())  # a reused pid, say
    archive.start_run("crawl", os.getpid(), locked=True)
    assert archive.query("SELECT status FROM crawl_runs WHERE id = ?", [stale]) == [
        ("interrupted",)]


def test_deleting_a_site_removes_its_rows_only(archive):
    archive.save_report(make_report("http://a.test/1.html", "养老"))
    other = make_report("http://b.test/1.html", "就业")
    archive.save_report(Report(other.url, "t", other.pages, other.text, other.html,
                               other.metadata))
    assert archive.delete_site("s") == 1
    assert [r["url"] for r in archive.reports()] == ["http://b.test/1.html"]
    assert archive.count("pages") == 1


def test_stock_sqlite_can_read_and_write_the_archive(db_path):
    with Archive(db_path) as archive:
        archive.save_report(make_report("http://a.test/1.html", "养老服务"))
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE reports SET title = 'x'")
    conn.commit()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _reports_seen_by_another_connection(archive: Archive) -> int:
    with sqlite3.connect(archive.path) as other:
        return other.execute("SELECT count(*) FROM reports").fetchone()[0]


def test_grouped_writes_are_committed_together_when_due_and_at_the_end(archive):
    with archive.grouped_commits(3600) as commit_if_due:
        archive.save_report(make_report("http://a.test/1.html", "养老服务"))
        commit_if_due()  # not due yet
        assert _reports_seen_by_another_connection(archive) == 0
    assert _reports_seen_by_another_connection(archive) == 1
    with archive.grouped_commits(0) as commit_if_due:
        archive.save_report(make_report("http://a.test/2.html", "老旧小区"))
        commit_if_due()
        assert _reports_seen_by_another_connection(archive) == 2
        archive.save_report(make_report("http://a.test/3.html", "托育服务"))
    assert _reports_seen_by_another_connection(archive) == 3
    assert archive._conn.execute(
        "SELECT count(*) FROM reports_fts WHERE reports_fts MATCH '\"托育\"'").fetchone()[0] == 1


def test_a_failed_block_rolls_back_its_whole_group_and_nothing_else(archive):
    archive.save_report(make_report("http://a.test/0.html", "已提交"))
    with archive.grouped_commits(3600) as commit_if_due:
        archive.save_report(make_report("http://a.test/1.html", "养老服务"))
        with pytest.raises(RuntimeError), archive.atomic():
            archive._conn.execute("INSERT INTO crawl_runs (status) VALUES ('x')")
            raise RuntimeError("disk trouble")
        # a crawl that went on regardless would lose work silently: it is stopped instead
        with pytest.raises(StoreError, match="a write failed"):
            commit_if_due()
        with pytest.raises(StoreError, match="an earlier write"):
            archive.save_report(make_report("http://a.test/2.html", "老旧小区"))
    assert [r["url"] for r in archive.reports()] == ["http://a.test/0.html"]
    assert archive.count("crawl_runs") == 0
    assert not archive._conn.in_transaction
    # the archive works normally afterwards, outside and inside a group
    archive.save_report(make_report("http://a.test/4.html", "公共服务"))
    with archive.grouped_commits(0):
        archive.save_report(make_report("http://a.test/5.html", "基本公共服务"))
    assert _reports_seen_by_another_connection(archive) == 3


def test_a_group_survives_another_process_committing_between_its_read_and_write(archive):
    # a crawl reads (the queue) before it writes; another writer may commit in between
    with archive.grouped_commits(0) as commit_if_due, sqlite3.connect(archive.path) as other:
        for n in range(3):
            archive._conn.execute("SELECT count(*) FROM reports").fetchone()
            other.execute("INSERT INTO crawl_runs (status) VALUES ('other')")
            other.commit()
            archive.save_report(make_report(f"http://a.test/{n}.html", "养老服务"))
            commit_if_due()
    assert archive.count("reports") == 3 and archive.count("crawl_runs") == 3


def _hits(archive: Archive, term: str) -> int:
    return archive._conn.execute(
        "SELECT count(*) FROM reports_fts WHERE reports_fts MATCH ?",
        [search.term_query(term)]).fetchone()[0]


def test_an_index_built_under_another_version_is_rebuilt_on_open(db_path):
    with Archive(db_path) as archive:
        archive.save_report(make_report("http://a.test/1.html", "推进养老服务"))
        # as if an older mapping had written other tokens
        archive._conn.execute("INSERT INTO reports_fts (reports_fts) VALUES ('delete-all')")
        archive._conn.execute("UPDATE reports_fts_version SET version = ?",
                             [search.INDEX_VERSION - 1])
        assert _hits(archive, "养老") == 0
    with Archive(db_path) as archive:
        assert _hits(archive, "养老") == 1
        assert archive._conn.execute(
            "SELECT version FROM reports_fts_version").fetchall() == [(search.INDEX_VERSION,)]


def test_an_archive_from_before_the_version_stamp_is_stamped_version_1(db_path):
    with Archive(db_path) as archive:
        archive.save_report(make_report("http://a.test/1.html", "推进养老服务"))
        archive._conn.execute("DROP TABLE reports_fts_version")
    with Archive(db_path) as archive:
        assert _hits(archive, "养老") == 1
        assert archive._conn.execute(
            "SELECT version FROM reports_fts_version").fetchall() == [(1,)]


def test_a_page_a_report_no_longer_has_is_kept_but_detached(archive):
    whole = make_report("http://a.test/1.html", "养老服务")
    page2 = Page(FetchResult("http://a.test/1_2.html", "http://a.test/1_2.html", 200, {},
                             b"<p>x</p>", "2026-01-01T00:00:00+00:00"),
                 whole.pages[0].cleaned, 2)
    archive.save_report(Report(whole.url, "s", (whole.pages[0], page2), "养老服务\n\nx",
                               whole.html, whole.metadata))
    assert archive.report_pages(whole.url) == [whole.url, page2.fetch.url]
    archive.save_report(whole)  # the report is one page now
    assert archive.report_pages(whole.url) == [whole.url]
    assert archive.stored_page(page2.fetch.url) is not None


def test_an_archive_of_schema_2_keeps_its_raw_pages_as_page_versions(tmp_path):
    """Migration 3 moves each page's raw body into page_versions and names them in the
    report's latest version, so re-extraction still finds them."""
    import json
    import zlib

    import sqlite_utils

    from reportarchiver.store._schema import MIGRATIONS as ALL

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for migration in ALL[:2]:
        migration(db)
    conn.execute("PRAGMA user_version = 2")
    body = "<html><body><p>各位代表：现在我代表区政府向大会报告工作。</p></body></html>".encode()
    conn.execute("INSERT INTO reports (id, url, title, body_text, complete) VALUES "
                  "(1, 'http://a.test/1.html', 't', 'x', 1)")
    conn.execute("INSERT INTO report_versions (report_id, body_text) VALUES (1, 'x')")
    conn.execute("INSERT INTO pages (url, report_id, page_no, sha256, raw, raw_size, headers) "
                 "VALUES ('http://a.test/1.html', 1, 1, 'abc', ?, ?, '{}')",
                 [zlib.compress(body), len(body)])
    conn.close()
    with Archive(path) as archive:
        [page] = archive.stored_report_pages(1)
        listed = archive._conn.execute("SELECT page_versions FROM report_versions").fetchone()
        columns = [r[1] for r in archive._conn.execute("PRAGMA table_info(pages)")]
    assert page.raw == body and json.loads(listed[0]) == [page.version_id]
    assert "raw" not in columns


@pytest.mark.parametrize("make", ["other_program", "newer", "missing_columns"])
def test_a_database_that_is_not_ours_to_change_is_refused_unchanged(tmp_path, make):
    from reportarchiver.errors import StoreError

    path = tmp_path / "x.db"
    conn = sqlite3.connect(path, isolation_level=None)
    if make == "other_program":
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    elif make == "newer":
        conn.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY)")
        conn.execute("PRAGMA user_version = 99")
    else:
        conn.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY)")
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        Archive(path)
    assert info.value.foreign and "\n" not in str(info.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.db"]  # no -wal, no -shm


def test_an_archive_of_schema_3_gets_the_attachments_index_and_stays_searchable(tmp_path):
    import sqlite_utils

    from reportarchiver.store._schema import MIGRATIONS as ALL

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for migration in ALL[:3]:
        migration(db)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO reports (id, url, title, body_text) VALUES "
                 "(1, 'http://a.test/1.html', '政府工作报告', '推进养老服务')")
    conn.close()
    with Archive(path) as archive:
        found = archive.query("SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?",
                              [search.fts_query("养老")])
        columns = [r[1] for r in archive._conn.execute("PRAGMA table_info(reports_fts)")]
    assert found == [(1,)] and columns == list(search.COLUMNS)
