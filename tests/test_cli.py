"""The command line: exit codes, output lines, and that it is only a thin layer."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportarchiver.cli import cli
from reportarchiver.crawl._lock import crawl_lock
from reportarchiver.demo.server import SITE_DIR
from reportarchiver.models import METADATA_FIELDS

COMMANDS = ["crawl", "ingest", "extract", "reextract", "runs", "browse", "reindex", "demo",
            "list", "show", "search"]


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def write_config(tmp_path: Path, base_url: str, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(f"""
        [crawler]
        delay_seconds = 0
        per_host_concurrency = 4
        max_attempts = 1
        {extra}
        [storage]
        database = "archive/reports.db"
        [[sites]]
        name = "sample"
        start_urls = ["{base_url}/"]
        report_pattern = '/(baogao|tjgongbao)/\\w+/\\d+\\.html$'
        """), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_config_and_db(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "--config" in result.output
    if command != "extract":
        assert "--db" in result.output


def test_every_command_is_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"reportarchiver {command}" in readme


def test_crawl_prints_one_summary_line_when_not_on_a_terminal(site, tmp_path, expected_site):
    config = write_config(tmp_path, site.base_url)
    result = invoke("crawl", "--config", str(config))
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    count = len(expected_site["reports"])
    assert len(lines) == 1 and " ok: " in lines[0] and f"{count} new" in lines[0]
    assert (tmp_path / "archive" / "reports.db").exists()


def test_crawl_json_prints_the_run_summary(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    result = invoke("crawl", "--config", str(config), "--json", "--max-pages", "3")
    summary = json.loads(result.output)
    assert summary["status"] == "ok" and summary["fetched"] <= 3 and summary["queued_left"] > 0


def test_crawl_quiet_prints_nothing_unless_something_failed(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    clean = invoke("crawl", "--config", str(config), "-q")
    assert clean.exit_code == 0 and clean.output == ""
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('start_urls = ["', f'start_urls = ["{site.base_url}/gone/", "'),
                      encoding="utf-8")
    failed = invoke("crawl", "--config", str(config), "--quiet")
    assert failed.exit_code == 0  # page errors are counted, the run itself is ok
    assert " ok: " in failed.output and "1 errors" in failed.output


DISK_TROUBLE = """
import sqlite3, sys
from reportarchiver.cli import cli
from reportarchiver.store import Archive

def disk_trouble(*args, **kwargs):
    raise sqlite3.OperationalError("disk I/O error")

Archive.save_report = disk_trouble
sys.exit(cli(["crawl", "--config", sys.argv[1]]))
"""


def test_a_database_failure_mid_crawl_is_one_error_line_and_exit_1(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    result = subprocess.run([sys.executable, "-c", DISK_TROUBLE, str(config)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    # nothing else: no traceback, no "Task exception was never retrieved" at exit
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path / 'archive' / 'reports.db'}: database error, the run stopped: "
        "disk I/O error"]
    with sqlite3.connect(tmp_path / "archive" / "reports.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT status FROM crawl_runs").fetchall() == [("failed",)]


def test_a_config_error_exits_2_and_writes_nothing(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[crawler]\ndelay = 1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["crawl", "--config", str(config)])
    assert result.exit_code == 2
    assert "crawler.delay" in result.output
    assert not (tmp_path / "archive").exists()


def test_an_unknown_site_exits_2(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    result = CliRunner().invoke(cli, ["crawl", "--config", str(config), "--site", "nope"])
    assert result.exit_code == 2 and "no site named 'nope'" in result.output


def test_a_second_crawl_on_a_locked_database_exits_75(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    with crawl_lock(tmp_path / "archive" / "reports.db"):
        result = CliRunner().invoke(cli, ["crawl", "--config", str(config)])
    assert result.exit_code == 75
    assert "another crawl is running" in result.output


def test_ingest_prints_one_line_per_url_and_exits_1_on_any_failure(site, tmp_path):
    db = tmp_path / "a.db"
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db), "http//broken",
                                      site.url("/baogao/xibei/4689.html")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("error http//broken")
    assert lines[1].startswith("new " + site.url("/baogao/xibei/4689.html"))


def test_ingest_reads_urls_from_stdin(site, tmp_path):
    urls = f"{site.url('/baogao/db/4635.html')}\n\n{site.url('/baogao/xn/4660.html')}\n"
    result = invoke("ingest", "--db", str(tmp_path / "a.db"), "-", input=urls)
    assert result.exit_code == 0 and result.output.count("new ") == 2


def test_extract_prints_the_seed_page_body_without_boilerplate(expected_site):
    page = SITE_DIR / "baogao" / "db" / "4633_2.html"
    result = invoke("extract", str(page))
    assert result.exit_code == 0
    assert "扎实推进国资国企改革" in result.output
    for text in expected_site["boilerplate"]:
        assert text not in result.output


def test_extract_json_uses_the_reports_column_names():
    html = (SITE_DIR / "baogao" / "db" / "4633.html").read_bytes()
    result = CliRunner().invoke(cli, ["extract", "-", "--format", "json", "--url",
                                      "http://bx2200.com/baogao/db/4633.html"], input=html)
    record = json.loads(result.output)
    assert set(METADATA_FIELDS) | {"body_text", "url"} <= set(record)
    assert record["url"] == "http://bx2200.com/baogao/db/4633.html"


def test_extract_of_a_missing_file_is_one_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "none.html")])
    assert result.exit_code == 1
    assert "none.html: cannot read" in result.output


def test_runs_lists_recent_runs(site, tmp_path):
    config = write_config(tmp_path, site.base_url)
    invoke("crawl", "--config", str(config))
    result = invoke("runs", "--config", str(config))
    assert result.exit_code == 0 and " ok " in result.output and "crawl" in result.output


def test_reextract_reports_counts(site, tmp_path, expected_site):
    config = write_config(tmp_path, site.base_url)
    invoke("crawl", "--config", str(config))
    result = invoke("reextract", "--config", str(config))
    count = len(expected_site["reports"])
    assert result.exit_code == 0 and f"0 changed, {count} unchanged" in result.output


def test_the_demo_command_crawls_the_sample_site_and_says_how_to_browse(tmp_path, expected_site):
    db = tmp_path / "demo.db"
    result = subprocess.run([sys.executable, "-m", "reportarchiver", "demo", "--db", str(db)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{len(expected_site['reports'])} new" in result.stdout
    assert f"reportarchiver browse --db {db}" in result.stdout


def test_a_file_that_is_not_an_archive_is_one_clear_error(tmp_path, site):
    db = tmp_path / "notes.db"
    db.write_bytes(b"these are my notes, not a database" * 100)
    config = write_config(tmp_path, site.base_url)
    for args in (["ingest", site.url("/baogao/db/4635.html")], ["runs"], ["reextract"],
                 ["reindex"], ["crawl", "--config", str(config)]):
        result = CliRunner().invoke(cli, [*args, "--db", str(db)])
        assert result.exit_code == 2, args
        assert result.output.strip().splitlines() == [
            f"Error: {db}: not a SQLite archive (file is not a database)"], args
    assert db.read_bytes() == b"these are my notes, not a database" * 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "notes.db"]
