"""Serving the archive: plain ``datasette`` shows what ``browse`` shows; bad requests and bad
locations give a 404 page or one line, never a traceback."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from datasette.app import Datasette

from helpers import wait_until_up
from reportarchiver import browse
from test_browse import build_archive, free_port, version_ids

DATASETTE = shutil.which("datasette", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("serve") / "reports.db")


def in_process(archive: Path, **kwargs) -> Datasette:
    datasette = Datasette([str(archive)], **kwargs)
    asyncio.run(datasette.invoke_startup())
    return datasette


def get(ds: Datasette, path: str):
    return asyncio.run(ds.client.get(path))


def article(html: str) -> str:
    """The report itself (the page minus Datasette's table of every column)."""
    return html.split('<article class="ra-report">', 1)[1].split("</article>", 1)[0]


def test_plain_datasette_shows_the_same_report_and_diff_pages_as_browse(archive):
    plain, browsing = in_process(archive), in_process(archive, settings=browse.SETTINGS)
    report = [get(ds, "/reports/reports/2") for ds in (plain, browsing)]
    assert [r.status_code for r in report] == [200, 200]
    assert article(report[0].text) == article(report[1].text)
    assert "<p>就业优先，教育公平。</p>" in article(report[0].text)
    diff = [get(ds, "/-/reportarchiver/diff/reports/2") for ds in (plain, browsing)]
    assert [r.status_code for r in diff] == [200, 200]
    assert diff[0].text == diff[1].text and '<span class="insert">，教育公平</span>' in diff[0].text


def test_a_template_dir_of_the_users_own_still_comes_first(archive, tmp_path):
    (tmp_path / "reportarchiver_diff.html").write_text("my own diff page", encoding="utf-8")
    ds = in_process(archive, template_dir=str(tmp_path))
    assert get(ds, "/-/reportarchiver/diff/reports/2").text == "my own diff page"
    assert "ra-report" in get(ds, "/reports/reports/2").text




@pytest.fixture(scope="module")
def datasette_command(archive) -> Iterator[str]:
    """``datasette serve reports.db`` exactly as a user types it: no settings, no templates."""
    if DATASETTE is None:
        pytest.skip("the datasette command is not installed beside this Python")
    port = free_port()
    process = subprocess.Popen([DATASETTE, "serve", str(archive), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/-/versions.json", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_datasette_command_serves_the_report_page_and_the_diff_page(
    datasette_command, archive
):
    status, html = fetch(datasette_command + "/reports/reports/2")
    assert status == 200 and "<p>就业优先，教育公平。</p>" in article(html)
    old, new = version_ids(archive, 2)
    status, html = fetch(f"{datasette_command}/-/reportarchiver/diff/reports/2"
                         f"?from={old}&to={new}")
    assert status == 200 and '<span class="insert">，教育公平</span>' in html


@pytest.mark.parametrize("path", [
    "/-/reportarchiver/diff/reports/99999999999999999999999",
    "/-/reportarchiver/diff/reports/9223372036854775808",
    "/-/reportarchiver/diff/reports/4242",
    "/-/reportarchiver/diff/reports/2?from=99999999999999999999999",
    "/-/reportarchiver/diff/reports/2?to=4242",
    "/-/reportarchiver/diff/reports/2?from=x",
    "/-/reportarchiver/diff/reports/2?to=-1",
    "/-/reportarchiver/diff/nosuchdb/2",
    "/reports/reports/99999999999999999999999",
])
def test_an_id_out_of_range_is_a_404_page_not_a_server_error(archive, path):
    response = get(in_process(archive), path)
    assert response.status_code == 404
    assert "<title>" in response.text and "Traceback" not in response.text


def test_a_version_of_another_report_is_not_shown_as_this_reports(archive):
    other = version_ids(archive, 1)[0]
    assert get(in_process(archive), f"/-/reportarchiver/diff/reports/2?from={other}"
               ).status_code == 404


def ordinary_user() -> list[str]:
    """A command prefix that runs a command without root's power to ignore file modes."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, and setpriv (util-linux) is missing to drop root")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def read_only_archive() -> Iterator[Path]:
    """An archive in a folder nobody may write to (outside pytest's private tmp folders, so
    that an ordinary user can reach it)."""
    folder = Path(tempfile.mkdtemp(prefix="reportarchiver-ro-"))
    try:
        path = build_archive(folder / "reports.db")
        path.chmod(0o444)
        folder.chmod(0o555)
        yield path
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def reportarchiver_command() -> str:
    command = shutil.which("reportarchiver", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.skip("the reportarchiver command is not installed beside this Python")
    prefix = ordinary_user()
    if prefix and subprocess.run([*prefix, command, "--version"], capture_output=True,
                                 timeout=60).returncode != 0:
        # a checkout in a folder only root may enter (mktemp -d): the user cannot run it
        pytest.skip("an ordinary user cannot run this checkout's reportarchiver command")
    return command


def test_browse_serves_an_archive_on_a_read_only_location_as_a_snapshot(read_only_archive):
    port = free_port()
    process = subprocess.Popen(
        [*ordinary_user(), reportarchiver_command(), "browse", "--db", str(read_only_archive),
         "--port", str(port)], cwd=read_only_archive.parent,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/-/versions.json", process)
        status, html = fetch(base + "/reports/reports/2")
        searched = fetch(base + "/reports/reports.json?_shape=array&_col=id&_search="
                         + quote("养老"))
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert status == 200 and "<p>就业优先，教育公平。</p>" in article(html)
    assert searched[0] == 200 and {row["id"] for row in json.loads(searched[1])} == {1, 2, 4}
    assert f"Note: {read_only_archive} is on a read-only location" in stderr
    assert "Traceback" not in stderr


def test_browse_of_an_archive_it_may_not_read_is_one_error_line(read_only_archive):
    read_only_archive.parent.chmod(0o755)
    read_only_archive.chmod(0o000)
    result = subprocess.run(
        [*ordinary_user(), reportarchiver_command(), "browse", "--db", str(read_only_archive),
         "--port", str(free_port())], cwd="/", capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("Error: ") and str(read_only_archive) in last and "readable" in last


def test_browse_of_a_file_that_is_no_database_is_one_error_line(tmp_path, capsys):
    path = tmp_path / "reports.db"
    path.write_bytes(b"not a database at all, but long enough to look like one" * 100)
    assert browse.run_browse(path, port=free_port()) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"Error: {path}: cannot read the archive (file is not a database)"]


def test_browse_of_something_that_is_no_file_is_one_error_line(tmp_path, capsys):
    assert browse.run_browse(tmp_path, port=free_port()) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"Error: {tmp_path} does not exist or is not a file"]
