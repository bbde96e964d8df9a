"""The data commands: export, import, list, show, search. Output, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from helpers import site_config
from reportarchiver.cli import cli
from reportarchiver.crawl import run_crawl
from reportarchiver.demo.server import serve_site
from reportarchiver.interchange import read_archive

COMMANDS = [["export", "warc"], ["export", "jsonl"], ["export", "csv"],
            ["export", "markdown"], ["import", "warc"], ["list"], ["show"], ["search"]]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An archive of the demo site, and the site's base URL (no longer served)."""
    db = tmp_path_factory.mktemp("cli") / "crawled.db"
    with serve_site() as server:
        assert run_crawl(site_config(server.base_url, db)).status == "ok"
    return db, server.base_url


@pytest.fixture
def db(crawled: tuple[Path, str]) -> str:
    return str(crawled[0])


def write_config(tmp_path: Path, base_url: str, sites: bool = True) -> Path:
    path = tmp_path / "config.toml"
    site = textwrap.dedent(f"""
        [[sites]]
        name = "demo"
        start_urls = ["{base_url}/"]
        report_pattern = '/(baogao|tjgongbao)/\\w+/\\d+\\.html$'
        """) if sites else ""
    path.write_text(f'[storage]\ndatabase = "imported.db"\n{site}', encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_data_command_has_help_with_config_and_db(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0 and "--config" in result.output and "--db" in result.output


# -- export ----------------------------------------------------------------------------------

def test_export_warc_writes_the_file_and_says_what_it_wrote(db: str, tmp_path: Path) -> None:
    out = tmp_path / "all.warc.gz"
    result = invoke("export", "warc", "--db", db, str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote 25 responses and 10 report versions")
    assert len(list(read_archive(out))) == 25


def test_export_warc_to_a_dot_warc_name_is_uncompressed(db: str, tmp_path: Path) -> None:
    out = tmp_path / "all.warc"
    invoke("export", "warc", "--db", db, str(out))
    assert out.read_bytes().startswith(b"WARC/1.0\r\n")
    assert len(list(read_archive(out))) == 25


def test_export_warc_to_stdout_writes_the_warc_there(db: str) -> None:
    result = CliRunner().invoke(cli, ["export", "warc", "--db", db, "-"])
    assert result.exit_code == 0
    assert result.stdout_bytes[:2] == b"\x1f\x8b"  # gzip members
    assert "wrote 25 responses" in result.stderr


def test_export_warc_of_a_site_since_a_date(db: str, tmp_path: Path) -> None:
    out = tmp_path / "none.warc.gz"
    later = invoke("export", "warc", "--db", db, "--since", "2999-01-01", str(out))
    assert later.output.startswith("wrote 0 responses and 0 report versions")
    earlier = invoke("export", "warc", "--db", db, "--site", "demo", "--since",
                     "2000-01-01T08:00:00+08:00", str(out))
    assert earlier.output.startswith("wrote 25 responses and 10 report versions")


def test_export_jsonl_streams_one_report_a_line_to_stdout(db: str) -> None:
    result = invoke("export", "jsonl", "--db", db)
    reports = [json.loads(line) for line in result.output.splitlines()]
    assert len(reports) == 10
    assert {"url", "title", "body_text", "province", "page_count"} <= set(reports[0])


def test_export_query_keeps_the_reports_containing_every_word(db: str) -> None:
    both = invoke("export", "jsonl", "--db", db, "--query", "养老 财政")
    one = invoke("export", "jsonl", "--db", db, "--query", "养老")
    rows = [json.loads(line) for line in both.output.splitlines()]
    assert rows and all("养老" in r["body_text"] and "财政" in r["body_text"] for r in rows)
    assert len(rows) <= len(one.output.splitlines()) < 10


def test_export_csv_to_a_file_has_a_header_and_a_row_per_report(db: str,
                                                                tmp_path: Path) -> None:
    import csv

    out = tmp_path / "reports.csv"
    result = invoke("export", "csv", "--db", db, str(out))
    assert result.output == f"wrote 10 reports to {out}\n"
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 10 and rows[0]["url"].startswith("http://127.0.0.1:")


def test_export_markdown_writes_a_file_per_report_with_its_metadata(db: str,
                                                                    tmp_path: Path) -> None:
    folder = tmp_path / "md"
    result = invoke("export", "markdown", "--db", db, str(folder))
    assert result.exit_code == 0 and result.output == f"wrote 10 reports to {folder}\n"
    files = sorted(folder.glob("*.md"))
    assert len(files) == 10
    head = yaml.safe_load(files[0].read_text(encoding="utf-8").split("---\n")[1])
    assert head["title"] and head["url"].startswith("http://") and "body_text" not in head


def test_export_markdown_needs_a_folder(db: str) -> None:
    result = invoke("export", "markdown", "--db", db)
    assert result.exit_code == 2 and "Missing argument 'FOLDER'" in result.output


# -- import ----------------------------------------------------------------------------------

@pytest.fixture
def exported(db: str, tmp_path: Path) -> Path:
    out = tmp_path / "exported.warc.gz"
    invoke("export", "warc", "--db", db, str(out))
    return out


def test_import_warc_archives_the_sites_reports_and_prints_records_per_second(
        crawled: tuple[Path, str], exported: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, crawled[1])
    result = invoke("import", "warc", "--config", str(config), str(exported))
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    assert line.startswith("import run 1 ok: 1 file(s), ") and "10 new" in line
    assert line.endswith(" records/s)")
    listed = invoke("list", "--config", str(config), "--json").output.splitlines()
    assert len(listed) == 10


def test_import_warc_json_prints_the_summary_as_json(crawled: tuple[Path, str], exported: Path,
                                                     tmp_path: Path) -> None:
    config = write_config(tmp_path, crawled[1])
    summary = json.loads(invoke("import", "warc", "--config", str(config), "--json",
                                str(exported)).output)
    assert summary["new_reports"] == 10 and summary["records_per_second"] > 0


def test_import_warc_verbose_prints_a_line_per_capture(crawled: tuple[Path, str],
                                                       exported: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, crawled[1])
    result = CliRunner().invoke(cli, ["import", "warc", "--config", str(config), "-v",
                                      str(exported)])
    lines = result.stderr.splitlines()
    assert len(lines) == 20  # 25 responses, of which 5 are later pages imported with page 1
    assert all(line.startswith("done     http://127.0.0.1:") for line in lines)


def test_a_damaged_file_is_one_error_line_with_its_offset_and_exit_1(
        crawled: tuple[Path, str], exported: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, crawled[1])
    damaged = tmp_path / "cut.warc.gz"
    data = exported.read_bytes()
    damaged.write_bytes(data[:len(data) // 2])
    result = CliRunner().invoke(cli, ["import", "warc", "--config", str(config), str(damaged)])
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"Error: {damaged}: offset ")
    assert "Traceback" not in result.output
    assert result.stdout.startswith("import run 1 failed: ")
    assert " 0 new" not in result.stdout  # what came before the damage is imported


def test_import_without_sites_is_a_config_error_that_creates_nothing(
        exported: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, "", sites=False)
    result = CliRunner().invoke(cli, ["import", "warc", "--config", str(config),
                                      str(exported)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "no sites configured" in result.stderr
    assert not (tmp_path / "imported.db").exists()


def test_import_of_an_unknown_site_is_a_config_error(crawled: tuple[Path, str],
                                                     exported: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, crawled[1])
    result = CliRunner().invoke(cli, ["import", "warc", "--config", str(config), "--site",
                                      "nosuch", str(exported)])
    assert result.exit_code == 2 and "no site named 'nosuch'" in result.stderr


def test_import_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:1")
    result = CliRunner().invoke(cli, ["import", "warc", "--config", str(config),
                                      str(tmp_path / "nosuch.warc.gz")])
    assert result.exit_code == 2 and "does not exist" in result.output


# -- list, show, search ----------------------------------------------------------------------

def test_list_prints_a_line_per_report(db: str) -> None:
    lines = invoke("list", "--db", db).output.splitlines()
    assert len(lines) == 10
    assert any(line.split()[2] == "3p" and "大连市中山区人民政府工作报告" in line
               for line in lines)


def test_list_of_a_site_and_as_json(db: str) -> None:
    rows = [json.loads(line) for line in invoke("list", "--db", db, "--site", "demo",
                                                "--json").output.splitlines()]
    assert len(rows) == 10 and "body_text" not in rows[0] and rows[0]["site"] == "demo"


@pytest.mark.parametrize("command", [["list"], ["search", "养老"], ["export", "jsonl"]])
def test_a_site_with_no_reports_is_a_usage_error(db: str, command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--db", db, "--site", "nosuch"])
    assert result.exit_code == 2 and result.stderr.startswith("Error: no reports of a site ")


def test_show_by_id_prints_metadata_pages_versions_and_text(db: str) -> None:
    row = json.loads(invoke("list", "--db", db, "--json").output.splitlines()[0])
    output = invoke("show", "--db", db, str(row["id"])).output
    assert f"url: {row['url']}" in output and f"title: {row['title']}" in output
    assert "\npages (" in output and "\nversions (1):" in output
    assert "\nattachments (0):" in output and "live_status: live" in output


def test_show_finds_a_report_by_the_url_of_any_of_its_pages(
        db: str, crawled: tuple[Path, str]) -> None:
    page3 = f"{crawled[1]}/baogao/db/4633_3.html"
    shown = json.loads(invoke("show", "--db", db, "--json", page3).output)
    assert shown["url"] == f"{crawled[1]}/baogao/db/4633.html"
    assert [p["page_no"] for p in shown["pages"]] == [1, 2, 3]
    assert len(shown["versions"]) == 1 and shown["attachments"] == []
    assert "body_html" not in shown and shown["body_text"]


def test_show_of_an_unknown_report_is_one_error_line(db: str) -> None:
    result = CliRunner().invoke(cli, ["show", "--db", db, "9999"])
    assert result.exit_code == 1 and result.stderr == f"Error: no report with id 9999 in {db}\n"


def test_search_finds_the_reports_with_every_word_and_shows_a_snippet(db: str) -> None:
    output = invoke("search", "--db", db, "养老", "服务").output
    assert output.splitlines()[0].startswith(("1 report(s)", "2 report(s)", "3 report(s)"))
    assert "⟪养老⟫" in output


@pytest.mark.parametrize("words", [["预算"], ["养老", "医疗"], ["5"], ["不存在的词"]])
def test_search_finds_exactly_the_reports_containing_every_word(db: str,
                                                                 words: list[str]) -> None:
    everything = [json.loads(line) for line in invoke("export", "jsonl", "--db", db).output
                  .splitlines()]
    expected = sorted(r["url"] for r in everything if all(
        w in (r["title"] or "") + "\n" + (r["body_text"] or "") for w in words))
    hits = [json.loads(line)["url"] for line in
            invoke("search", "--db", db, "--json", "-n", "50", *words).output.splitlines()]
    queried = [json.loads(line)["url"] for line in
               invoke("export", "jsonl", "--db", db, "--query", " ".join(words)).output
               .splitlines()]
    assert sorted(hits) == sorted(queried) == expected


def test_search_limit_cuts_the_list_and_says_so(db: str) -> None:
    output = invoke("search", "--db", db, "-n", "1", "政府").output
    assert "; the first 1:" in output.splitlines()[0]
    assert len([line for line in output.splitlines() if line.startswith(" " * 6 + "http")]) == 1


def test_search_for_words_no_report_contains(db: str) -> None:
    result = invoke("search", "--db", db, "--json", "火星基地")
    assert result.exit_code == 0 and result.output == ""


# -- one-line errors -------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["list"], ["show", "1"], ["search", "养老"],
                                     ["export", "jsonl"], ["export", "warc", "out.warc.gz"]])
def test_reading_commands_need_an_archive_and_create_none(command: list[str],
                                                          tmp_path: Path) -> None:
    missing = tmp_path / "nosuch.db"
    result = CliRunner().invoke(cli, [*command, "--db", str(missing)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: no archive at {missing}: ")
    assert not missing.exists()


def test_a_bad_since_date_is_a_usage_error(db: str) -> None:
    result = CliRunner().invoke(cli, ["export", "jsonl", "--db", db, "--since", "last week"])
    assert result.exit_code == 2 and "'last week' is not a date" in result.output


def test_an_unknown_site_is_a_usage_error_naming_the_known_ones(db: str) -> None:
    result = CliRunner().invoke(cli, ["export", "csv", "--db", db, "--site", "nosuch"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no reports of a site named 'nosuch'")
    assert "(sites: demo)" in result.stderr


def test_an_unwritable_output_is_one_error_line(db: str, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "folder" / "all.warc.gz"
    result = CliRunner().invoke(cli, ["export", "warc", "--db", db, str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1


# -- as a real process -----------------------------------------------------------------------

def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_export_then_import_as_real_processes(crawled: tuple[Path, str],
                                              tmp_path: Path) -> None:
    out = tmp_path / "all.warc.gz"
    exported = run("reportarchiver", "export", "warc", "--db", str(crawled[0]), str(out),
                   cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    checked = run("warcio.cli", "check", str(out), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    write_config(tmp_path, crawled[1])
    imported = run("reportarchiver", "import", "warc", str(out), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "10 new" in imported.stdout and imported.stderr == ""
    listed = run("reportarchiver", "list", "--json", cwd=tmp_path)
    assert len(listed.stdout.splitlines()) == 10


def test_a_reader_that_stops_early_gets_no_traceback(db: str, tmp_path: Path) -> None:
    export = subprocess.Popen([sys.executable, "-m", "reportarchiver", "export", "jsonl",
                               "--db", db], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert export.stdout is not None and export.stderr is not None
    export.stdout.readline()
    export.stdout.close()  # like `| head -1`
    errors = export.stderr.read().decode()
    assert export.wait(timeout=60) == 0 and errors == ""
