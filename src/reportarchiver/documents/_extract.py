"""One entry point for every document kind: bytes and a kind in, :class:`DocumentText` out.

Never raises.  A library's exception on a damaged file becomes ``error`` (one line, naming the
kind and what went wrong).  Bounded before a library sees the bytes: a file larger than
``max_bytes`` is refused; what its compressed parts expand to is measured under a budget of
``EXPANSION`` times ``max_bytes`` (ZIP entries of DOCX/XLSX in ``_zipcheck``, PDF Flate streams
in ``_pdfcheck``, one PDF stream at most ``max_bytes``); pages, sheets, characters and seconds
are checked as the text is read.  What no check here can bound (PDFium's own parse of a
hostile file) is left to the worker process's memory limit and the crawl's crash containment.
"""

from __future__ import annotations

import olefile

from ._model import MAX_BYTES, MAX_CHARS, MAX_PAGES, MAX_SECONDS, DocumentText, Limits
from ._sniff import OLE_MAGIC

_NO_TEXT = {
    "ofd": "no text extractor for OFD",
    "image": "an image has no text layer (no OCR)",
    "html": "HTML goes to the cleaner, not to document extraction",
    "xml": "XML goes to the crawler's sitemap and feed reader",
    "empty": "empty body",
    "other": "not a document kind with text",
}


def extract_document(
    body: bytes,
    kind: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_pages: int = MAX_PAGES,
    max_chars: int = MAX_CHARS,
    max_seconds: float = MAX_SECONDS,
) -> DocumentText:
    """Return the text of a document file of ``kind`` (as :func:`sniff` names it).

    ``max_bytes`` caps the file (and, times ``EXPANSION``, what its compressed parts expand
    to), ``max_pages`` the PDF pages or workbook sheets read, ``max_chars`` the text kept,
    ``max_seconds`` the time spent (checked between pages, sheets and rows).  Never raises: a
    damaged, encrypted, truncated or oversized file gives ``DocumentText(error=...)`` with
    whatever text was read before.
    """
    limits = Limits(max_bytes, max_pages, max_chars, max_seconds)
    if len(body) > max_bytes:
        return DocumentText(kind, error=f"{kind.upper()} file of {len(body):,} bytes is over "
                                        f"the {max_bytes:,}-byte limit")
    if not body.strip():
        return DocumentText(kind, error="empty body")
    if kind in ("docx", "xlsx") and body.startswith(OLE_MAGIC):
        return DocumentText(kind, error=_ole_ooxml(body, kind))
    reader = _READERS.get(kind)
    if reader is None:
        return DocumentText(kind, error=_NO_TEXT.get(kind, f"unknown document kind {kind!r}"))
    try:
        return reader(body, limits)
    except MemoryError:
        return DocumentText(kind, error=f"{kind.upper()} needs more memory than allowed")
    except RecursionError:
        return DocumentText(kind, error=f"{kind.upper()} is nested too deeply to read")
    except Exception as exc:  # a library's own exception on a damaged file
        return DocumentText(kind, error=f"damaged {kind.upper()}: {_one_line(exc)}")


def _ole_ooxml(body: bytes, kind: str) -> str:
    """Why an OLE2 file announced as DOCX/XLSX has no text: Office keeps a password-protected
    OOXML file as an ``EncryptedPackage`` stream inside an OLE2 container."""
    try:
        with olefile.OleFileIO(body) as ole:
            encrypted = ole.exists("EncryptedPackage")
    except Exception:
        encrypted = False
    if encrypted:
        return f"encrypted {kind.upper()}: a password is needed to open it"
    return f"not a {kind.upper()}: an OLE2 (Office 97-2003) file"


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _pdf(body: bytes, limits: Limits) -> DocumentText:
    from ._pdf import extract_pdf

    return extract_pdf(body, limits)


def _docx(body: bytes, limits: Limits) -> DocumentText:
    from ._docx import extract_docx

    return extract_docx(body, limits)


def _xlsx(body: bytes, limits: Limits) -> DocumentText:
    from ._sheets import extract_xlsx

    return extract_xlsx(body, limits)


def _xls(body: bytes, limits: Limits) -> DocumentText:
    from ._sheets import extract_xls

    return extract_xls(body, limits)


def _word97(kind: str):
    def read(body: bytes, limits: Limits) -> DocumentText:
        from ._word97 import extract_word97

        return extract_word97(body, limits, kind)

    return read


# Libraries are imported on first use: a crawl of HTML pages never loads PDFium or openpyxl.
_READERS = {
    "pdf": _pdf,
    "docx": _docx,
    "xlsx": _xlsx,
    "xls": _xls,
    "doc": _word97("doc"),
    "wps": _word97("wps"),
}
