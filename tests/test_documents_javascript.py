"""Pages that need JavaScript: flagged when they show nothing without it, never when short."""

from __future__ import annotations

import time

import pytest

from helpers import FIXTURES
from reportarchiver.clean import clean
from reportarchiver.documents import needs_javascript

DOCS = FIXTURES / "documents"


def cleaned_chars(html: bytes) -> int:
    return len(clean(html, "http://a.test/page.html").text)


@pytest.mark.parametrize("name", ["js_only_app_shell.html", "document_write_page.html"])
def test_script_built_pages_need_javascript(name: str) -> None:
    html = (DOCS / name).read_bytes()
    assert needs_javascript(html, cleaned_chars(html))


@pytest.mark.parametrize("name", ["short_notice_with_analytics.html",
                                  "attachment_list_page.html"])
def test_short_real_pages_with_scripts_or_little_body_do_not(name: str) -> None:
    html = (DOCS / name).read_bytes()
    assert cleaned_chars(html) < 50  # short enough that only the definition's signs decide
    assert not needs_javascript(html, cleaned_chars(html))


def test_a_page_with_a_real_body_never_needs_javascript_whatever_its_scripts() -> None:
    html = (DOCS / "js_only_app_shell.html").read_text(encoding="utf-8")
    assert not needs_javascript(html, 50)


def test_a_page_without_scripts_does_not_need_javascript_even_when_empty() -> None:
    assert not needs_javascript("<html><body><div id='app'></div></body></html>", 0)


def test_a_noscript_note_asking_for_javascript_flags_the_page() -> None:
    html = ("<html><body><noscript>You need to enable JavaScript to run this app.</noscript>"
            "<nav>首页 政务公开 信息公开 政策文件 互动交流 办事服务</nav>"
            "<script src=a.js></script>")
    assert needs_javascript(html, 0)


def test_an_empty_react_root_flags_the_page() -> None:
    html = ('<html><body><nav>首页 政务公开 信息公开 政策文件 互动交流 办事服务</nav>'
            '<div id="root"></div><script src="/main.js"></script></body></html>')
    assert needs_javascript(html, 0)


def test_a_filled_mount_point_does_not_flag_the_page() -> None:
    html = ('<html><body><div id="app"><p>因管网维修，3月5日青泥洼街道部分区域停水。</p></div>'
            '<script src="/main.js"></script></body></html>')
    assert not needs_javascript(html, 22)


def test_a_page_of_only_scripts_and_a_title_needs_javascript() -> None:
    html = "<html><head><title>2023年预算公开</title><script src=x.js></script></head><body></body>"
    assert needs_javascript(html, 0)


def test_innerhtml_assignment_counts_as_writing_the_page() -> None:
    html = ("<body><nav>首页 政务公开 信息公开 政策文件 互动交流 办事服务</nav><div id=c></div>"
            "<script>document.getElementById('c').innerHTML = data.body;</script></body>")
    assert needs_javascript(html.encode(), 0)


def test_unclosed_scripts_and_stray_brackets_are_read_in_linear_time() -> None:
    hostile = "<script>" * 50_000 + "<" * 500_000
    started = time.perf_counter()
    needs_javascript(hostile, 0)
    needs_javascript("<script></script>" + "<style>" * 100_000 + "<" * 300_000, 0)
    # generous: a quadratic scan of these would take minutes, the linear one milliseconds
    assert time.perf_counter() - started < 5
