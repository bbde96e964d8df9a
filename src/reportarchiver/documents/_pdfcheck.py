"""How far a PDF's Flate streams inflate, measured before PDFium opens the file.

PDFium inflates a page's content stream whole and without a cap: a 1 MB PDF whose content
inflates to 1 GB took 2 GB of memory and 10 s.  So every Flate stream that text extraction
makes PDFium inflate (content, object streams, fonts, CMaps: everything but images, which are
only decoded to render) is inflated here first, 64 KB at a time and thrown away, until the
total passes the budget.  Found by a scan of the raw bytes (``>> stream``), which is what a
PDF reader's fallback parser does too; a stream that does not inflate is left to PDFium.

Not covered (the worker process's memory limit is the backstop): streams of encrypted PDFs
(encrypted bytes do not inflate here) and the rare LZW filter.
"""

from __future__ import annotations

import re
import zlib

from ._model import LimitExceeded

CHUNK = 64 * 1024
DICT_WINDOW = 4096  # bytes before "stream" searched for the stream's dictionary
_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b|/DCTDecode\b|/JPXDecode\b|/JBIG2Decode\b|/CCITTFax")


def check_streams(body: bytes, budget: int, stream_budget: int) -> int:
    """Return the bytes the PDF's non-image Flate streams inflate to; raise
    :class:`LimitExceeded` as soon as that passes ``budget``, or one stream passes
    ``stream_budget`` (PDFium holds a stream whole, and its parse of it besides)."""
    total = 0
    for found in _STREAM.finditer(body):
        window = body[max(0, found.start() - DICT_WINDOW) : found.start()]
        header = window[window.rfind(b"obj") + 1 :]
        if not _FLATE.search(header) or _IMAGE.search(header):
            continue
        total += _inflated_size(body, found.end(), min(budget - total, stream_budget))
    return total


def _inflated_size(body: bytes, start: int, budget: int) -> int:
    size = _inflate(body, start, budget, zlib.decompressobj())
    if size < 0:  # not even a zlib header: some writers leave it out
        size = _inflate(body, start, budget, zlib.decompressobj(-zlib.MAX_WBITS))
    return max(size, 0)


def _inflate(body: bytes, start: int, budget: int, inflater) -> int:
    """Bytes inflated from ``start`` until the stream ends or breaks (PDFium keeps what it
    inflated before a break, so that counts too); -1 when nothing inflates at all."""
    size = 0
    pos = start
    try:
        while pos < len(body) and not inflater.eof:
            data = body[pos : pos + CHUNK]
            pos += CHUNK
            while data:
                size += len(inflater.decompress(data, CHUNK))
                if size > budget:
                    raise LimitExceeded("PDF streams expand past the byte limit")
                data = inflater.unconsumed_tail
                if inflater.eof:
                    break
    except zlib.error:
        return size if size or pos > start + CHUNK else -1
    return size
