"""The cleaner never raises: random and mangled HTML, random bytes, pathological shapes."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from reportarchiver.clean import clean
from reportarchiver.clean._prune import limit_nesting
from reportarchiver.models import Cleaned, SiteHints

FIXTURES = Path(__file__).parent / "fixtures" / "clean"
SAMPLE = (FIXTURES / "gov_cms.html").read_bytes()

TAGS = ["div", "p", "span", "a", "table", "tr", "td", "ul", "li", "h1", "h2", "br", "script",
        "style", "pre", "form", "nav", "footer", "iframe", "b", "font", "center"]
_fragment = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(['<a href="/x">', '<p style="display:none">', '<div class="comments">',
                     "<!--", "-->", "<![CDATA[", "&nbsp;", "&#12288;", "&#xFFFF;", "&", "<",
                     "当前位置:", "本文仅代表作者观点", "上一篇", "\u3000\u3000", "\x00",
                     "\ud800"]),
    st.text(max_size=40),
)
_SETTINGS = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


class _Failures(logging.Handler):
    """Collects the cleaner's "failed" warnings: the never-raise guard must stay unused."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


FAILURES = _Failures()
logging.getLogger("reportarchiver.clean").addHandler(FAILURES)


def _assert_clean_result(result: object) -> None:
    assert isinstance(result, Cleaned)
    assert isinstance(result.text, str) and isinstance(result.html, str)
    assert [m for m in FAILURES.messages if "cleaner failed" in m] == []


_URLS = st.one_of(st.text(max_size=30), st.sampled_from(
    ["", "http://[broken", "http://example.gov.cn/a/b.html", "hard::x.html", "//x", "\x00"]))


@_SETTINGS
@given(st.lists(_fragment, max_size=60).map("".join), _URLS)
def test_random_markup_never_raises(markup, url):
    _assert_clean_result(clean(markup.replace("/x", url), url))


@_SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data):
    _assert_clean_result(clean(data))


@_SETTINGS
@given(st.integers(0, len(SAMPLE)), st.integers(0, 200), st.binary(max_size=20))
def test_mangled_real_page_never_raises(cut, skip, garbage):
    mangled = SAMPLE[:cut] + garbage + SAMPLE[cut + skip:]
    _assert_clean_result(clean(mangled, "http://example.gov.cn/a.html"))


@_SETTINGS
@given(st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3),
       st.lists(st.text(max_size=10), max_size=3))
def test_arbitrary_hints_never_raise(body_selector, drop_selectors, drop_text):
    hints = SiteHints(body_selector, tuple(drop_selectors), tuple(drop_text))
    _assert_clean_result(clean(SAMPLE, hints=hints))


def test_no_internal_error_is_swallowed_on_random_input(caplog):
    """The never-raise guard must not be what keeps the property tests green."""
    with caplog.at_level(logging.WARNING, logger="reportarchiver.clean"):
        for markup in ["<td><tr><table></p>", "<a><a><a>x", "<pre>\x00\r\n</pre>", "<br>" * 50]:
            clean(markup)
    assert [r for r in caplog.records if "cleaner failed" in r.getMessage()] == []


def _best_of_three(work) -> float:
    """The fastest of three runs: on a shared machine the slow runs measure the neighbours."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def test_many_links_are_cleaned_quickly():
    links = "".join(f'<li><a href="/p/{i}">link {i}</a></li>' for i in range(20_000))
    page = f"<ul>{links}</ul><div><p>正文在这里,有标点,也足够长,不是链接。</p></div>"
    start = time.perf_counter()
    result = clean(page)
    assert "link 19999" not in result.text
    assert time.perf_counter() - start < 2.0


def test_deep_nesting_costs_about_what_lexbors_own_parse_does():
    """10,000 levels: Lexbor's parse is itself superlinear in depth (and slow on a loaded
    machine), so the cleaner is measured against it on the same page: nothing of ours may be
    quadratic in depth."""
    page = "<div>" * 10_000 + "<p>深层正文,有标点。</p>" + "</div>" * 10_000
    assert "深层正文" in clean(page).text
    parse_only = _best_of_three(lambda: LexborHTMLParser(page).body)
    assert _best_of_three(lambda: clean(page)) < 3 * parse_only + 0.05


def test_pathological_nesting_is_capped_before_parsing():
    """100,000 levels (1.1 MB): Lexbor would take seconds (quadratic in depth), so nesting is
    capped before parsing, as browsers do."""
    page = "<div>" * 100_000 + "<p>深层正文,有标点。</p>" + "</div>" * 100_000
    start = time.perf_counter()
    result = clean(page)
    assert "深层正文" in result.text
    assert time.perf_counter() - start < 2.0
    assert limit_nesting(page).count("<div>") <= 1000


@pytest.mark.parametrize("hint", ["*", "html", ":root", "html, body", "div, p"])
def test_a_drop_selector_matching_the_document_element_or_nested_nodes_fails_nothing(hint,
                                                                                      caplog):
    page = ("<html><body><div><p>各位代表：现在我代表区人民政府向大会报告工作。</p></div>"
            "</body></html>")
    with caplog.at_level(logging.WARNING, logger="reportarchiver.clean"):
        clean(page, hints=SiteHints(drop_selectors=(hint,)))
    assert [r for r in caplog.records if "cleaner failed" in r.getMessage()] == []


def test_a_hidden_document_element_and_nested_hidden_blocks_fail_nothing(caplog):
    page = ('<html hidden><body><div hidden><p hidden>藏起来的字。</p></div>'
            '<p>各位代表：现在我代表区人民政府向大会报告工作，请予审议。</p></body></html>')
    with caplog.at_level(logging.WARNING, logger="reportarchiver.clean"):
        result = clean(page)
    assert [r for r in caplog.records if "cleaner failed" in r.getMessage()] == []
    assert "藏起来" not in result.text
