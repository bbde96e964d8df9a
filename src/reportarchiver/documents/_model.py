"""What extraction returns, and the limits it works under."""

from __future__ import annotations

from dataclasses import asdict, dataclass

MAX_BYTES = 64 * 1024 * 1024  # of the file
# What a file's compressed parts may expand to, as a multiple of max_bytes: ZIP entries of
# DOCX/XLSX and the Flate streams PDFium inflates to read text.  Real files stay far below:
# a DOCX's styles inflate 20-fold, but a whole 38 KB DOCX to 0.8 MB.
EXPANSION = 4
MAX_PAGES = 2000  # PDF pages or workbook sheets read
MAX_CHARS = 4 * 1024 * 1024  # of text kept: a 1,000-page report is about 1.5 million
MAX_SECONDS = 60.0  # checked between pages, sheets and rows, not inside a library call


@dataclass(frozen=True, slots=True)
class DocumentText:
    """The text of one document file, and why there is none when there is none.

    ``text`` is normalized like the HTML cleaner's: paragraphs separated by a blank line, a
    table one paragraph with a row per line and its cells separated by a TAB.  ``page_count``
    is the number of pages of a PDF or sheets of a workbook (0 where the format has none, as in
    DOCX and DOC).  ``scanned`` is true for a PDF whose pages are images without a text layer.
    ``error`` is ``""`` when text was extracted, else one line saying why there is none or why
    it is incomplete ("encrypted PDF: a password is needed to open it").  ``truncated`` says a
    limit (pages, characters, seconds) cut the text short.
    """

    kind: str
    text: str = ""
    page_count: int = 0
    scanned: bool = False
    title: str = ""
    error: str = ""
    truncated: bool = False

    @property
    def has_text_layer(self) -> bool:
        """Whether the document carries text at all (a scanned PDF does not)."""
        return bool(self.text)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps that keep one hostile file from taking the process's memory or time."""

    max_bytes: int = MAX_BYTES
    max_pages: int = MAX_PAGES
    max_chars: int = MAX_CHARS
    max_seconds: float = MAX_SECONDS

    @property
    def max_expanded(self) -> int:
        """Bytes a file's compressed parts may expand to in all."""
        return self.max_bytes * EXPANSION


class LimitExceeded(Exception):
    """Raised inside extraction when a limit is reached; turned into ``error`` by the caller."""
