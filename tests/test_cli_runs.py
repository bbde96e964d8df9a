"""Honest runs from the command line (issue 10): a site that is down is an error, the lock
holds through symlinks, a damaged archive is reported, never crawled as ok."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportarchiver.cli import cli
from reportarchiver.crawl import crawl_lock
from reportarchiver.crawl._lock import lock_path
from reportarchiver.errors import LockedError, StoreError
from test_cli import write_config


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_site_that_is_down_fails_the_run_and_quiet_still_says_so(tmp_path):
    config = write_config(tmp_path, f"http://127.0.0.1:{refused_port()}")
    result = invoke("crawl", "--config", str(config), "-q")
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert " failed: " in line and "1 errors" in line
    db = tmp_path / "archive" / "reports.db"
    with sqlite3.connect(db) as conn:
        kinds = {r[0] for r in conn.execute("SELECT kind FROM fetch_errors")}
        status = conn.execute("SELECT status FROM crawl_runs").fetchone()[0]
    assert "robots" in kinds and status == "failed"


def test_one_site_down_among_others_is_an_error_but_not_a_failed_run(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    text = config.read_text(encoding="utf-8")
    config.write_text(text + f'\n[[sites]]\nname = "down"\nstart_urls = '
                             f'["http://127.0.0.1:{refused_port()}/"]\n', encoding="utf-8")
    result = invoke("crawl", "--config", str(config), "-q")
    assert result.exit_code == 0 and " ok: " in result.output and "1 errors" in result.output


def test_a_symlink_to_the_database_finds_the_same_lock(tmp_path):
    real = tmp_path / "reports.db"
    real.touch()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    with crawl_lock(real), pytest.raises(LockedError):  # noqa: SIM117 (the order matters)
        with crawl_lock(link):
            pass


def test_the_lock_file_is_never_followed_through_a_symlink(tmp_path):
    db = tmp_path / "reports.db"
    victim = tmp_path / "precious.txt"
    victim.write_text("do not truncate me", encoding="utf-8")
    lock_path(db).symlink_to(victim)
    with pytest.raises(StoreError, match="crawl lock"), crawl_lock(db):
        pass
    assert victim.read_text(encoding="utf-8") == "do not truncate me"


def corrupt(db: Path, table: str = "frontier") -> None:
    """Scribble over the root page of ``table``'s b-tree: damage SQLite always sees."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                            [table]).fetchone()[0]
    with open(db, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * page_size)


def test_a_damaged_archive_is_reported_and_not_crawled(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    assert invoke("crawl", "--config", str(config)).exit_code == 0
    db = tmp_path / "archive" / "reports.db"
    corrupt(db)
    result = invoke("crawl", "--config", str(config))
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {db}") and ("quick_check" in line or "malformed" in line)


@pytest.mark.parametrize(("table", "command"), [
    ("reports", "reextract"), ("reports", "reindex"), ("crawl_runs", "runs")])
def test_commands_on_a_damaged_archive_say_so_in_one_line(site, tmp_path, table, command):
    config = write_config(tmp_path, site.base_url)
    assert invoke("crawl", "--config", str(config)).exit_code == 0
    corrupt(tmp_path / "archive" / "reports.db", table)
    result = invoke(command, "--config", str(config))
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and "malformed" in lines[0]


def test_reextract_goes_on_past_a_report_whose_stored_page_is_damaged(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    assert invoke("crawl", "--config", str(config)).exit_code == 0
    db = tmp_path / "archive" / "reports.db"
    with sqlite3.connect(db) as conn:
        reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        conn.execute("UPDATE page_versions SET raw = x'789c0000' WHERE id = "
                     "(SELECT version_id FROM pages WHERE page_no = 1 LIMIT 1)")
    result = invoke("reextract", "--config", str(config))
    assert result.exit_code == 1
    assert f"{reports - 1} unchanged" in result.output and "1 damaged" in result.output


def test_the_archive_on_a_full_disk_reports_sqlites_own_error(site, tmp_path, monkeypatch):
    """SQLITE_FULL, simulated with a page limit: the real error, not 'cannot rollback'."""
    config = write_config(tmp_path, site.base_url)
    from reportarchiver.store import _archive

    original = _archive.Archive._open

    def small_disk(self):
        original(self)
        pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        self._conn.execute(f"PRAGMA max_page_count = {pages + 20}")

    monkeypatch.setattr(_archive.Archive, "_open", small_disk)
    result = invoke("crawl", "--config", str(config))
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert "full" in line and "cannot rollback" not in line
    assert os.path.exists(tmp_path / "archive" / "reports.db")


def test_reextract_of_an_unknown_site_is_a_usage_error(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    assert invoke("crawl", "--config", str(config)).exit_code == 0
    result = invoke("reextract", "--config", str(config), "--site", "nosuch")
    assert result.exit_code == 2 and "no site named 'nosuch'" in result.output


def test_crawl_without_a_config_file_exits_2_and_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("crawl")
    assert result.exit_code == 2 and "no sites to crawl" in result.output
    assert list(tmp_path.iterdir()) == []


def test_log_level_and_log_file_write_one_line_per_url(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    log = tmp_path / "crawl.log"
    result = invoke("--log-level", "info", "--log-file", str(log), "crawl", "--config",
                    str(config))
    assert result.exit_code == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert any(" INFO reportarchiver.crawl._loop: done report " in line for line in lines)
    assert len([line for line in lines if " done " in line]) >= 10


def test_a_hint_that_matches_nothing_is_reported_once_per_site_and_run(site, tmp_path):
    config = write_config(tmp_path, site.base_url, extra="")
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "body_selector = '#no-such-body'\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["crawl", "--config", str(config)])
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert result.exit_code == 0 and len(warnings) == 1
    assert "'#no-such-body' matched nothing on" in warnings[0]
    quiet = CliRunner().invoke(cli, ["crawl", "--config", str(config), "-q"])
    assert quiet.output == ""


def test_a_dry_run_lists_what_would_be_fetched_and_touches_nothing(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    fresh = invoke("crawl", "--config", str(config), "--dry-run")
    assert fresh.exit_code == 0 and f"list    sample {site.base_url}/" in fresh.output
    assert not (tmp_path / "archive").exists()
    assert invoke("crawl", "--config", str(config), "--max-pages", "5").exit_code == 0
    db = tmp_path / "archive" / "reports.db"
    before = db.read_bytes(), sqlite3.connect(db).execute(
        "SELECT count(*) FROM frontier WHERE state = 'queued'").fetchone()
    asked = len(site.requests)
    planned = invoke("crawl", "--config", str(config), "--dry-run", "--json")
    rows = [json.loads(line) for line in planned.output.splitlines()]
    assert planned.exit_code == 0 and rows and all(r["site"] == "sample" for r in rows)
    assert len(site.requests) == asked  # nothing fetched
    assert (db.read_bytes(), sqlite3.connect(db).execute(
        "SELECT count(*) FROM frontier WHERE state = 'queued'").fetchone()) == before


def test_a_crawl_past_a_damaged_stored_body_fetches_it_again(site, tmp_path):
    config = write_config(tmp_path, site.base_url, extra="recheck_days = 0")
    assert invoke("crawl", "--config", str(config)).exit_code == 0
    db = tmp_path / "archive" / "reports.db"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE page_versions SET raw = x'789c0000dead' WHERE id = (SELECT "
                     "version_id FROM pages WHERE url LIKE '%/baogao/db/4635.html')")
    for _ in range(2):  # the crawl goes on, and the next one is whole again
        result = invoke("crawl", "--config", str(config))
        assert result.exit_code == 0 and " ok: " in result.output
    assert "0 errors" in result.output
