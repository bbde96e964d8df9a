"""One page through the cleaner, and the pages of a report stitched into one. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .clean import PageLinks, clean, decode_html, extract_links
from .models import Cleaned, FetchResult, Page, Report, SiteHints
from .store._search import bigram_text


@dataclass(frozen=True, slots=True)
class PageAnalysis:
    """What the crawler needs from one fetched HTML page."""

    links: PageLinks
    encoding: str  # the codec the page was decoded with (its links too)
    cleaned: Cleaned | None = None  # None when only the links were asked for
    index_text: str = ""  # the cleaned text as the search index stores it


def clean_page(fetch: FetchResult, hints: SiteHints | None = None) -> Cleaned:
    """Clean a fetched page, honouring the charset of its HTTP header."""
    return clean(fetch.body, fetch.final_url or fetch.url, hints=hints,
                 http_charset=fetch.charset)


def page_links(fetch: FetchResult, encoding: str) -> PageLinks:
    """Links of an HTML page, decoded with the encoding the cleaner found."""
    try:
        text = fetch.body.decode(encoding or "utf-8", errors="replace")
    except LookupError:
        text = fetch.body.decode("utf-8", errors="replace")
    return extract_links(text, fetch.final_url or fetch.url)


def analyze_page(fetch: FetchResult, hints: SiteHints | None = None, *,
                 body: bool = True) -> PageAnalysis:
    """Everything the crawler needs from an HTML page: its links and, with ``body``, its
    cleaned body and the body's search-index text (a list page of a site whose report URLs
    are known needs only its links).

    The one place where a page's links are read, decoded as the cleaner decodes the page.
    One picklable function of the bytes, so that it can run in a worker process: the more
    CPU work happens here, the less is left on the crawler's one core.
    """
    if not body:
        decoded = decode_html(fetch.body, fetch.charset)
        links = extract_links(decoded.text, fetch.final_url or fetch.url)
        return PageAnalysis(links, decoded.encoding)
    cleaned = clean_page(fetch, hints)
    return PageAnalysis(page_links(fetch, cleaned.encoding), cleaned.encoding, cleaned,
                        bigram_text(cleaned.text))


def stitch(url: str, site: str, pages: Sequence[Page], *, complete: bool = True,
           incomplete_reason: str = "") -> Report:
    """Join the pages of one report in page order; metadata comes from page 1.

    ``complete``: False when a page could not be fetched (the report is stored marked so).

    Page 1 carries the report's header lines (meeting, speaker), which metadata is read from;
    later pages only continue the body.
    """
    ordered = sorted(pages, key=lambda p: p.page_no)
    text = "\n\n".join(p.cleaned.text for p in ordered if p.cleaned.text)
    html = "\n".join(p.cleaned.html for p in ordered if p.cleaned.html)
    # bigram runs end at whitespace, so the index text of the joined pages is the join of
    # theirs: bigram_text(a + "\n\n" + b) == bigram_text(a) + " " + bigram_text(b)
    index_text = None
    if all(p.index_text is not None for p in ordered):
        index_text = " ".join(p.index_text for p in ordered if p.index_text)
    return Report(url=url, site=site, pages=tuple(ordered), text=text, html=html,
                  metadata=ordered[0].cleaned.metadata, index_text=index_text,
                  complete=complete, incomplete_reason=incomplete_reason)
