"""A researcher's visit in a real headless Chromium: search 养老, open a report, stay safe."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import wait_until_up
from reportarchiver import browse
from test_browse import FIXTURES, build_archive, free_port, like_ids

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parent / "artifacts"

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)"
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None,
                       reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]




@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return build_archive(tmp_path_factory.mktemp("e2e") / "reports.db")


@pytest.fixture(scope="module")
def server(archive) -> Iterator[str]:
    """``reportarchiver browse``'s Datasette command on a free port of 127.0.0.1."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", *browse.datasette_args(archive, port)])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/-/versions.json", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1200, "height": 900})
        yield context.new_page()
        chromium.close()


def test_typing_a_chinese_word_in_the_search_box_lists_every_matching_report(
    page, server, archive
):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/reports/reports")
    page.fill('input[name="_search"]', "养老")
    page.press('input[name="_search"]', "Enter")
    page.wait_for_url("**_search=*")
    links = page.locator("table.rows-and-columns td.col-id a").all_inner_texts()
    assert {int(text) for text in links} == like_ids(archive, "养老") == {1, 2, 4}
    page.screenshot(path=str(ARTIFACTS / "browse-search.png"), full_page=True)


def test_opening_a_report_shows_its_paragraphs_and_never_runs_injected_script(page, server):
    page.goto(server + "/reports/reports?_search=养老")
    page.click("table.rows-and-columns td.col-id a >> text='1'")
    page.wait_for_selector("section.ra-body p")
    paragraphs = page.locator("section.ra-body p").all_inner_texts()
    assert paragraphs[:2] == ["第一段：养老服务体系建设。", "第二段"]
    page.locator("section.ra-body a").click()  # the javascript: link was made inert
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.title() != "pwned"
    page.screenshot(path=str(ARTIFACTS / "browse-report.png"), full_page=True)


def attachment_url(server: str, archive: Path, filename: str) -> str:
    conn = sqlite3.connect(archive)
    found = conn.execute("SELECT id FROM attachments WHERE filename = ? ORDER BY last_fetched "
                         "DESC LIMIT 1", [filename]).fetchone()[0]
    conn.close()
    return f"{server}/-/reportarchiver/attachment/reports/{found}"


def test_an_attachments_download_link_saves_the_archived_file(page, server, tmp_path):
    page.goto(server + "/reports/reports/1")
    with page.expect_download() as downloading:
        page.click("a.ra-download >> text='2023年预算报告.pdf'")
    download = downloading.value
    assert download.suggested_filename == "2023年预算报告.pdf"
    saved = tmp_path / "saved.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == (FIXTURES / "documents/work_report.pdf").read_bytes()
    page.screenshot(path=str(ARTIFACTS / "browse-attachments.png"), full_page=True)


@pytest.mark.parametrize("filename", ["notice.pdf", "form.pdf"])
def test_a_hostile_attachment_opened_directly_is_saved_and_never_runs(
    page, server, archive, filename
):
    # notice.pdf is an HTML page with scripts; form.pdf a PDF whose OpenAction runs JavaScript.
    # Either would call /pwned-beacon-... if the browser rendered it.
    requested: list[str] = []
    dialogs: list[str] = []
    page.context.on("request", lambda request: requested.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/reports/reports/1")
    url = attachment_url(server, archive, filename)
    with page.expect_download(timeout=10_000) as downloading:
        try:  # no download attribute here: only the response's headers decide
            page.goto(url)
        except playwright_api.Error as error:
            assert "Download is starting" in error.message
    assert downloading.value.suggested_filename == filename
    page.wait_for_timeout(300)
    assert page.url == server + "/reports/reports/1" and page.title() != "pwned"
    assert not [u for u in requested if "pwned" in u] and not dialogs
