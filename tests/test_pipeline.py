"""Pipeline: analysis of one page and stitching pages into a report."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from helpers import FIXTURES
from reportarchiver._pipeline import analyze_page, stitch
from reportarchiver.models import Cleaned, FetchResult, Metadata, Page
from reportarchiver.store._search import bigram_text

URL = "http://127.0.0.1/r/4633.html"


def fetch_of(body: bytes, url: str = URL) -> FetchResult:
    return FetchResult(url, url, 200, {"content-type": "text/html"}, body,
                       "2026-01-01T00:00:00+00:00")


def page(text: str, number: int, with_index: bool = True) -> Page:
    cleaned = Cleaned(text=text, html=f"<p>{text}</p>", title="t", encoding="utf-8",
                      metadata=Metadata(title=f"page {number}"))
    return Page(fetch_of(text.encode()), cleaned, number,
                bigram_text(text) if with_index else None)


def test_analysis_brings_the_index_text_of_the_cleaned_body():
    body = (FIXTURES / "clean" / "bx_page2.html").read_bytes()
    analysis = analyze_page(fetch_of(body, "http://127.0.0.1/r/4633_2.html"))
    assert "养老" in analysis.cleaned.text
    assert analysis.index_text == bigram_text(analysis.cleaned.text)


page_texts = st.lists(st.text(alphabet=st.sampled_from("养老服务 \n\tAb1，。\u3000"), max_size=12),
                      min_size=1, max_size=5)


@given(page_texts)
def test_stitched_index_text_is_the_index_text_of_the_stitched_body(texts):
    pages = [page(text, n) for n, text in enumerate(texts, start=1)]
    report = stitch(URL, "s", list(reversed(pages)))
    assert report.index_text == bigram_text(report.text)
    assert report.metadata.title == "page 1"


def test_a_page_without_index_text_leaves_it_to_the_store():
    report = stitch(URL, "s", [page("养老服务", 1), page("老旧小区", 2, with_index=False)])
    assert report.index_text is None
