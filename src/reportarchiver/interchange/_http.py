"""HTTP message rules shared by the WARC writer and reader.

The archive keeps response bodies de-chunked and content-decoded (httpx decoded them on the
way in), with the headers as the server sent them. A WARC ``response`` record must be an HTTP
message whose headers describe its body, so the writer rewrites the three headers that
describe the bytes on the wire, following the ``X-Archive-Orig-`` convention of Wayback and
pywb for original headers:

* ``Content-Encoding``, ``Transfer-Encoding`` and ``Content-Length`` are renamed
  ``X-Archive-Orig-<name>`` (name case and position kept), so nothing is lost;
* one ``Content-Length`` equal to the stored body's length is written where the original
  ``Content-Length`` stood, or after the last header (not for 1xx, 204 and 304, which have
  no body);
* the record carries the WARC field ``ReportArchiver-Body: content-decoded``, which tells a
  reader that every plain ``Content-Length`` in it is the writer's, and lets
  :func:`restore_headers` give back the headers exactly as received.

Header values are written as UTF-8 (warcio and pywb read header lines as UTF-8 first), so any
``str`` value survives a round trip; CR and LF inside a value become spaces, and a header
whose name is not an HTTP token is dropped: it could not be written as a valid header line.
"""

from __future__ import annotations

import re
import zlib
from http import HTTPStatus
from urllib.parse import quote, urlsplit

from ._records import Headers

ORIG_PREFIX = "X-Archive-Orig-"
#: Headers that describe the bytes on the wire rather than the stored body.
WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
#: The WARC field marking records written by :func:`headers_for_stored_body`.
BODY_FIELD = "ReportArchiver-Body"
BODY_DECODED = "content-decoded"

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_LINE_BREAKS = re.compile(r"[\r\n]+")


class BodyError(Exception):
    """A body that cannot be turned into its stored form; ``kind`` as in ``Skipped``."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


def reason_phrase(status: int, reason: str) -> str:
    """The reason phrase to write: the one received, or the standard one when it is empty."""
    if reason:
        return _LINE_BREAKS.sub(" ", reason)
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def has_body(status: int) -> bool:
    """False for the statuses that never carry a body (RFC 9110, section 6.4.1)."""
    return not (100 <= status < 200 or status in (204, 304))


def _valid(headers: Headers) -> list[tuple[str, str]]:
    return [(name, _LINE_BREAKS.sub(" ", value)) for name, value in headers
            if _TOKEN.match(name)]


def headers_for_stored_body(status: int, headers: Headers, body_length: int) -> Headers:
    """The response headers to write in front of a stored (decoded) body of ``body_length``."""
    out: list[tuple[str, str]] = []
    length_due = has_body(status)
    for name, value in _valid(headers):
        lowered = name.lower()
        if lowered not in WIRE_HEADERS:
            out.append((name, value))
            continue
        out.append((ORIG_PREFIX + name, value))
        if lowered == "content-length" and length_due:
            out.append(("Content-Length", str(body_length)))
            length_due = False
    if length_due:
        out.append(("Content-Length", str(body_length)))
    return tuple(out)


def restore_headers(headers: Headers) -> Headers:
    """Undo :func:`headers_for_stored_body`: the headers as the server sent them."""
    out: list[tuple[str, str]] = []
    cut = len(ORIG_PREFIX)
    for name, value in headers:
        lowered = name.lower()
        if lowered == "content-length":
            continue  # the writer's own: every original one was renamed
        if lowered.startswith(ORIG_PREFIX.lower()) and lowered[cut:] in WIRE_HEADERS:
            out.append((name[cut:], value))
        else:
            out.append((name, value))
    return tuple(out)


def request_headers_for(url: str, headers: Headers) -> tuple[str, Headers]:
    """The request target (path and query) and the request headers to write for ``url``.

    A ``Host`` header is put first when the recorded request headers lack one: HTTP/1.1
    requires it, and it is the only header that every request for ``url`` had.
    """
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # a request line is ASCII without spaces: escape the rest as a client would (UTF-8),
    # leaving existing %-escapes alone
    target = quote(target, safe="!#$%&'()*+,/:;=?@[]~")
    out = _valid(headers)
    if not any(name.lower() == "host" for name, _ in out):
        out.insert(0, ("Host", parts.netloc))
    return target, tuple(out)


def content_codings(headers: Headers) -> list[str]:
    """The content codings applied to the body, in the order they were applied."""
    codings: list[str] = []
    for name, value in headers:
        if name.lower() == "content-encoding":
            codings += [c.strip().lower() for c in value.split(",") if c.strip()]
    return [c for c in codings if c != "identity"]


def decode_body(body: bytes, codings: list[str], limit: int) -> bytes:
    """Remove the content codings from ``body``; raise :class:`BodyError` if that fails.

    A ``gzip`` or ``deflate`` body that does not start like one is taken as already decoded:
    several WARC writers decode bodies but keep the header (warcio reads them the same way).
    """
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            body = _gunzip(body, limit) if body[:2] == b"\x1f\x8b" else body
        elif coding == "deflate":
            body = _inflate(body, limit)
        elif coding == "br":
            body = _unbrotli(body, limit)
        else:
            raise BodyError("undecodable", f"Content-Encoding {coding!r} is not supported")
    return body


def _zlib(body: bytes, wbits: int, limit: int, what: str) -> bytes:
    out: list[bytes] = []
    size = 0
    while body:
        engine = zlib.decompressobj(wbits)
        try:
            chunk = engine.decompress(body, limit + 1 - size)
        except zlib.error as exc:
            raise BodyError("undecodable", f"{what}: {exc}") from None
        size += len(chunk)
        out.append(chunk)
        if size > limit:
            raise BodyError("too_large", f"decoded body exceeds {limit} bytes")
        if not engine.eof:
            raise BodyError("undecodable", f"{what}: the compressed body is truncated")
        body = engine.unused_data
        # another gzip member may follow (rare, but legal); other trailing bytes are
        # ignored, as browsers do
        if wbits != 31 or body[:2] != b"\x1f\x8b":
            break
    return b"".join(out)


def _gunzip(body: bytes, limit: int) -> bytes:
    return _zlib(body, 31, limit, "gzip")


def _inflate(body: bytes, limit: int) -> bytes:
    # "deflate" is meant to be zlib-wrapped, but some servers send a raw deflate stream
    try:
        return _zlib(body, 15, limit, "deflate")
    except BodyError as first:
        if first.kind == "too_large":
            raise
        try:
            return _zlib(body, -15, limit, "deflate")
        except BodyError:
            raise first from None


def _unbrotli(body: bytes, limit: int) -> bytes:
    try:
        import brotli
    except ImportError:
        raise BodyError("undecodable", "Content-Encoding br needs the brotli package") from None
    engine = brotli.Decompressor()
    try:
        out = engine.process(body)
    except brotli.error as exc:
        raise BodyError("undecodable", f"br: {exc}") from None
    if len(out) > limit:
        raise BodyError("too_large", f"decoded body exceeds {limit} bytes")
    if not engine.is_finished():
        raise BodyError("undecodable", "br: the compressed body is truncated")
    return out
