"""One page through the cleaner, and the pages of a report stitched into one. Pure functions.

Every body is sniffed first (:func:`~reportarchiver.documents.sniff`): HTML goes to the
cleaner; a document (PDF, Word, Excel...) is read for its text and metadata; anything else
(an image, an empty body) gives no text and says why. Binary never reaches the cleaner or
the search index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import escape

from .clean import PageLinks, clean, decode_html, extract_links
from .documents import (
    DOCUMENT_KINDS,
    DocumentText,
    document_metadata,
    extract_document,
    sniff,
)
from .models import METADATA_FIELDS, Attachment, Cleaned, FetchResult, Page, Report, SiteHints
from .store._search import bigram_text

_NO_LINKS = PageLinks((), (), ())


@dataclass(frozen=True, slots=True)
class PageAnalysis:
    """What the crawler needs from one fetched HTML page."""

    links: PageLinks
    encoding: str  # the codec the page was decoded with (its links too)
    cleaned: Cleaned | None = None  # None when only the links were asked for
    index_text: str = ""  # the cleaned text as the search index stores it


def clean_page(fetch: FetchResult, hints: SiteHints | None = None) -> Cleaned:
    """The body of a fetched page, whatever it is: HTML cleaned (honouring the charset of its
    HTTP header), a document read, anything else empty with the reason."""
    url = fetch.final_url or fetch.url
    kind = sniff(fetch.content_type, fetch.body, url)
    if kind in ("html", "xml"):
        return clean(fetch.body, url, hints=hints, http_charset=fetch.charset)
    if kind in DOCUMENT_KINDS:
        doc = extract_document(fetch.body, kind)
        meta = document_metadata(doc, url)
        return Cleaned(text=doc.text, html=_paragraphs_html(doc.text), title=meta.title,
                       encoding="", metadata=meta, source_kind=kind,
                       problem="" if doc.text else doc.error or f"a {kind.upper()} without text")
    described = {"image": "an image", "empty": "an empty response"}.get(
        kind, f"not HTML ({fetch.content_type or 'no Content-Type'})")
    return Cleaned(text="", html="", title="", encoding="", source_kind=kind,
                   problem=f"{described}, not a report")


def read_attachment(url: str, link_text: str, fetch: FetchResult) -> Attachment:
    """A fetched attachment read for its text. One picklable function of the bytes: it runs
    in a clean worker, where a parser crash on a hostile file costs only that file."""
    kind = sniff(fetch.content_type, fetch.body, fetch.final_url or url)
    if kind not in DOCUMENT_KINDS:
        return Attachment(url, link_text, fetch, kind,
                          error=f"not a document ({kind}: {fetch.content_type or 'no type'})")
    doc = extract_document(fetch.body, kind)
    return Attachment(url, link_text, fetch, kind, doc.text, doc.page_count, doc.scanned,
                      doc.truncated, doc.error)


def _paragraphs_html(text: str) -> str:
    """A document's text as the small HTML the cleaner writes: one <p> per paragraph, a
    table's rows as a table."""
    out = []
    for para in text.split("\n\n"):
        if "\t" in para:
            rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row.split("\t"))
                           + "</tr>" for row in para.split("\n"))
            out.append(f"<table>{rows}</table>")
        elif para.strip():
            out.append(f"<p>{escape(para)}</p>")
    return "\n".join(out)


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
    links = page_links(fetch, cleaned.encoding) if cleaned.source_kind == "html" else _NO_LINKS
    return PageAnalysis(links, cleaned.encoding, cleaned, bigram_text(cleaned.text))


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


#: A report page with less text than this, whose attachments have text, is a report published
#: as files: its body is the page's words followed by the files' text.
ATTACHMENT_REPORT_CHARS = 300


def with_attachments(report: Report, attachments: Sequence[Attachment]) -> Report:
    """The report with its attachments. When the page itself is little more than a list of
    them ("附件：2023年预算.pdf"), the files' text becomes the body and their metadata fills
    what the page left unknown (title, kind, region, dates)."""
    report = replace(report, attachments=tuple(attachments))
    readable = [a for a in attachments if a.text]
    if len(report.text) >= ATTACHMENT_REPORT_CHARS or not readable:
        return report
    text = "\n\n".join([report.text, *(a.text for a in readable)]).strip()
    found = document_metadata(DocumentText(readable[0].kind, readable[0].text),
                              readable[0].url, link_text=readable[0].link_text)
    page = report.metadata
    merged = replace(found, **{f: getattr(page, f) for f in METADATA_FIELDS
                               if getattr(page, f) not in ("", None)})
    if page.kind in ("", "其他") and found.kind:
        merged = replace(merged, kind=found.kind, year=found.year or page.year)
    return replace(report, text=text, html=report.html + "\n" + _paragraphs_html(
        "\n\n".join(a.text for a in readable)), metadata=merged, index_text=None)
