"""Frozen dataclasses passed between the stages of the pipeline.

URL -> fetch (:class:`FetchResult`) -> clean (:class:`Cleaned`, with :class:`Metadata`)
-> stitch (:class:`Report`) -> store.  Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

#: The metadata fields, in the order of the ``reports`` columns that hold them.
METADATA_FIELDS = (
    "title",
    "kind",
    "province",
    "city",
    "county",
    "report_date",
    "year",
    "speaker",
    "meeting",
    "published_at",
    "source",
    "language",
)


@dataclass(frozen=True, slots=True)
class Metadata:
    """What is known about a report. Unknown stays empty: nothing is guessed."""

    title: str = ""
    kind: str = ""
    province: str = ""
    city: str = ""
    county: str = ""
    report_date: str = ""  # ISO 8601 date, e.g. "2022-12-23"
    year: int | None = None  # the year the report reviews
    speaker: str = ""
    meeting: str = ""
    published_at: str = ""  # ISO date or date-time as shown by the page
    source: str = ""
    language: str = ""  # BCP 47 primary tag: "zh", "en", ...

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SiteHints:
    """Optional per-site cleaner hints from ``config.toml``."""

    body_selector: str = ""
    drop_selectors: tuple[str, ...] = ()
    drop_text: tuple[str, ...] = ()  # regular expressions; a matching block is dropped


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The result of cleaning one HTML page."""

    text: str  # body as plain text, paragraphs separated by a blank line
    html: str  # small sanitized body HTML for display
    title: str
    encoding: str  # the codec the bytes were decoded with
    metadata: Metadata = field(default_factory=Metadata)
    hint_misses: tuple[str, ...] = ()  # site hints that matched nothing (reported, then ignored)
    #: what the bytes were: "html", or a document kind ("pdf", "docx", ...) read for its
    #: text, or something with no text ("image", "other", "empty")
    source_kind: str = "html"
    #: why there is no text when there is none ("scanned PDF: ...", "an image"), else ""
    problem: str = ""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One HTTP exchange, as stored in ``pages``."""

    url: str  # the URL asked for (canonical)
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str  # ISO 8601 UTC
    elapsed: float = 0.0
    #: what an interchange format (WARC) needs beyond ``headers`` (lower-cased, last of a
    #: repeated name wins): the reason phrase, the headers in their order and case as
    #: received, and the request headers sent
    reason: str = ""
    header_list: tuple[tuple[str, str], ...] = ()
    request_headers: tuple[tuple[str, str], ...] = ()

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def charset(self) -> str | None:
        """The charset parameter of the Content-Type header, if any."""
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a report links to (附件), fetched and read for its text."""

    url: str
    link_text: str
    fetch: FetchResult
    kind: str  # what the bytes are (sniffed), not what the link promised
    text: str = ""
    page_count: int = 0
    scanned: bool = False
    truncated: bool = False
    error: str = ""  # why there is no (complete) text, "" when there is


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched page of a report, cleaned."""

    fetch: FetchResult
    cleaned: Cleaned
    page_no: int
    #: ``search.bigram_text(cleaned.text)`` when it was prepared beside the cleaner (in a
    #: worker process, off the crawler's core); None: the store computes it
    index_text: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """A whole report: its pages cleaned and stitched in order."""

    url: str  # canonical URL of page 1
    site: str
    pages: tuple[Page, ...]
    text: str
    html: str
    metadata: Metadata
    #: ``search.bigram_text(text)`` if every page brought its own; None: computed when stored
    index_text: str | None = None
    #: False when a page of the report could not be fetched: stored, marked, retried
    complete: bool = True
    #: why it is incomplete when no fetch failed (more pages than max_report_pages)
    incomplete_reason: str = ""
    #: the files it links to, read for their text (searchable with the report)
    attachments: tuple[Attachment, ...] = ()

    @property
    def source_kind(self) -> str:
        """What page 1 was: "html", or the document kind of a report that is a file."""
        return self.pages[0].cleaned.source_kind if self.pages else "html"

    @property
    def attachments_text(self) -> str:
        """The text of its attachments, as indexed for search with it."""
        return "\n\n".join(a.text for a in self.attachments if a.text)

    @property
    def page_count(self) -> int:
        return len(self.pages)
