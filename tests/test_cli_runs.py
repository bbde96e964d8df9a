"""Honest runs from the command line (issue 10): a site that is down is an error, the lock
holds through symlinks, a damaged archive is reported, never crawled as ok."""

from __future__ import annotations

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


def corrupt(db: Path) -> None:
    """Scribble over the middle of the file: pages of tables and indexes, not the header."""
    size = db.stat().st_size
    with open(db, "r+b") as f:
        f.seek(size // 2)
        f.write(b"\xff" * 4096)


def test_a_damaged_archive_is_reported_and_not_crawled(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    assert invoke("crawl", "--config", str(config)).exit_code == 0
    db = tmp_path / "archive" / "reports.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    corrupt(db)
    result = invoke("crawl", "--config", str(config))
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {db}") and ("quick_check" in line or "malformed" in line)


def test_reextract_and_reindex_on_a_damaged_archive_are_one_line_each(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    assert invoke("crawl", "--config", str(config)).exit_code == 0
    db = tmp_path / "archive" / "reports.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    corrupt(db)
    for command in ("reextract", "reindex", "runs"):
        result = invoke(command, "--config", str(config))
        lines = result.output.strip().splitlines()
        if result.exit_code == 0:  # the damage missed what this command reads
            continue
        assert result.exit_code == 1 and len(lines) == 1, (command, result.output)
        assert lines[0].startswith("Error: "), (command, lines)


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
