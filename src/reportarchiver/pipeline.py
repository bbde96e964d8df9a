"""One page through the cleaner, and the pages of a report stitched into one. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from .clean import clean
from .links import PageLinks, extract_links
from .models import Cleaned, FetchResult, Page, Report, SiteHints


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


def analyze_page(fetch: FetchResult, hints: SiteHints | None = None
                 ) -> tuple[Cleaned, PageLinks]:
    """Everything the crawler needs from a report page: its cleaned body and its links.

    One picklable function of the bytes, so that it can run in a worker process.
    """
    cleaned = clean_page(fetch, hints)
    return cleaned, page_links(fetch, cleaned.encoding)


def stitch(url: str, site: str, pages: Sequence[Page]) -> Report:
    """Join the pages of one report in page order; metadata comes from page 1.

    Page 1 carries the report's header lines (meeting, speaker), which metadata is read from;
    later pages only continue the body.
    """
    ordered = sorted(pages, key=lambda p: p.page_no)
    text = "\n\n".join(p.cleaned.text for p in ordered if p.cleaned.text)
    html = "\n".join(p.cleaned.html for p in ordered if p.cleaned.html)
    return Report(url=url, site=site, pages=tuple(ordered), text=text, html=html,
                  metadata=ordered[0].cleaned.metadata)
