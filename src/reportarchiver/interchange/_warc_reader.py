"""Read the HTTP responses out of WARC and ARC files written by any crawler.

warcio does the framing: WARC or ARC, one gzip member per record or none. Of the record types:

* ``response`` with an http(s) target: yielded, body de-chunked and content-decoded;
* ``request``: its headers become the ``request_headers`` of the response it is
  concurrent with, when the two records are neighbours (wget writes the request first,
  Heritrix and warcio after the response); otherwise it is ignored;
* ``revisit``: skipped and reported. Its payload lives in another record: if that record is
  in the files being read it is yielded from there, and a revisit adds only "seen again,
  unchanged" (a new version is stored only when a report's text changes); if it is not,
  there is nothing to archive. Resolving it would need a digest index over every file;
* ``resource`` with an http(s) target (the document without HTTP headers, as written by
  tools that package files): yielded as a 200 response whose only header is its
  ``Content-Type``;
* ``warcinfo``, ``metadata``, ``conversion``, and records of other schemes (dns:, urn:):
  ignored.

Memory is one record: a body is held only if it is wanted and at most ``max_body_bytes``;
the others pass through in 64 KB blocks (read, to check the file, and dropped).
"""

from __future__ import annotations

import gzip
import io
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

from . import _http as http
from ._errors import WarcError
from ._records import CapturedResponse, Headers, Skipped, iso_utc, to_utc

log = logging.getLogger(__name__)

#: The default cap on one body, stored or decoded (the crawler's max_response_bytes).
MAX_BODY_BYTES = 10_000_000
_HTTP = ("http:", "https:")
_BLOCK = 1 << 16


def read_archive(source: str | os.PathLike[str] | BinaryIO, *,
                 accept: Callable[[str], bool] | None = None,
                 max_body_bytes: int = MAX_BODY_BYTES,
                 on_skip: Callable[[Skipped], None] | None = None,
                 ) -> Iterator[CapturedResponse]:
    """Yield every HTTP response in a WARC or ARC file (path or binary stream), in order.

    ``accept(url)`` picks the responses wanted (site scope) before their bodies are read.
    A response read but not yielded is passed to ``on_skip`` as a :class:`Skipped`
    (``out_of_scope``, ``revisit``, ``too_large``, ``undecodable``, ``malformed``); without
    ``on_skip``, all but ``out_of_scope`` are logged as warnings.
    A damaged file raises :class:`WarcError` naming the file and the record's offset, after
    yielding every response before the damage. A ``.warc.gz`` compressed as one gzip stream
    (``gzip file.warc``) instead of one member per record is read too, when given by path.
    """
    options = (accept, max_body_bytes, on_skip)
    if not isinstance(source, str | os.PathLike):
        name = getattr(source, "name", None)
        yield from _Reader(source, name if isinstance(name, str) else "<stream>",
                           *options).responses()
        return
    name = os.fspath(source)
    try:
        stream = open(name, "rb")  # noqa: SIM115 -- closed below, across the yields
    except OSError as exc:
        raise WarcError(name, None, f"cannot open: {exc.strerror}") from None
    with stream:
        reader = _Reader(stream, name, *options)
        try:
            yield from reader.responses()
            return
        except _OneGzipStream:
            done = reader.count
    # Python's gzip reads the one stream; offsets are then in the uncompressed data
    with gzip.open(name, "rb") as unzipped:
        yield from _Reader(unzipped, f"{name} (uncompressed)", *options, skip=done,
                           sized=False).responses()


class _OneGzipStream(WarcError):
    """The file is one gzip stream holding several records."""


class _StrictParser(StatusAndHeadersParser):
    """warcio's HTTP header parser, except that no data at all where a record promised an
    HTTP message means the file was cut there: warcio takes that EOFError for the end of
    the archive and stops without a word."""

    def parse(self, stream: BinaryIO, full_statusline: str | None = None) -> StatusAndHeaders:
        try:
            return super().parse(stream, full_statusline)
        except EOFError:
            raise ArchiveLoadFailed("the file ends inside the record") from None


def _field_values(record: ArcWarcRecord, name: str) -> set[str]:
    lowered = name.lower()
    return {v for k, v in record.rec_headers.headers if k.lower() == lowered}


class _Reader:
    def __init__(self, stream: BinaryIO, name: str, accept: Callable[[str], bool] | None,
                 limit: int, on_skip: Callable[[Skipped], None] | None, *,
                 skip: int = 0, sized: bool = True) -> None:
        self.name, self.accept, self.limit, self.on_skip = name, accept, limit, on_skip
        self.records = ArchiveIterator(stream, arc2warc=True)
        loader = self.records.loader
        for attr in ("http_parser", "http_req_parser"):
            parser = getattr(loader, attr)
            setattr(loader, attr, _StrictParser(parser.statuslist, parser.verify))
        self.offset = 0
        self.count = 0  # records read whole
        self.skip = skip  # records to pass over unread (a restart after _OneGzipStream)
        self.size = _size(stream) if sized else None

    def responses(self) -> Iterator[CapturedResponse]:
        """The responses, each held back for one record in case its request follows."""
        pending: tuple[CapturedResponse, set[str]] | None = None
        request: tuple[set[str], Headers] | None = None  # the previous record, if a request
        try:
            for record, offset in self._records():
                links = _field_values(record, "WARC-Record-ID") | _field_values(
                    record, "WARC-Concurrent-To")
                if pending and record.rec_type == "request" and pending[1] & links:
                    yield replace(pending[0], request_headers=_request_headers(record))
                    pending = None
                    continue
                if pending:
                    yield pending[0]
                    pending = None
                if record.rec_type == "request":
                    request = (links, _request_headers(record))
                    continue
                response = self._response(record, offset)
                self._finish(record)  # a cut body raises here, before it is yielded
                if response and request and request[0] & links:
                    yield replace(response, request_headers=request[1])
                elif response:
                    pending = (response, links)
                request = None
        except WarcError:
            if pending:  # the response before the damage is whole: yield it first
                yield pending[0]
            raise
        if pending:
            yield pending[0]

    def _records(self) -> Iterator[tuple[ArcWarcRecord, int]]:
        """Each record with its offset; its payload is checked for truncation after use."""
        records = iter(self.records)
        while True:
            try:
                record = next(records)
            except StopIteration:
                self._check_end()
                return
            except Exception as exc:
                # whatever warcio's parser raises on a damaged file (even AttributeError)
                # is a fact about the file; warcio has moved its offset to the start of
                # the record it failed on
                self.offset = self.records.offset
                raise self._damaged(exc) from None
            self.offset = self.records.offset  # the start of the record just parsed
            if record.length is None:
                raise WarcError(self.name, self.offset, "the record has no Content-Length "
                                "(its header is cut or damaged)")
            declared = str(record.rec_headers.get_header("Content-Length") or "").strip()
            if not declared.isdigit():
                # warcio takes any line of five words for an ARC record header, and a
                # length it cannot read for 0: a text file would pass for an empty archive
                raise WarcError(self.name, self.offset, f"not a WARC or ARC record (length "
                                f"{declared[:40]!r} is not a number)")
            if self.count >= self.skip:
                yield record, self.offset
            self._finish(record)
            self.count += 1

    def _check_end(self) -> None:
        """warcio ends quietly when the last gzip member is cut before any data or a
        record's header is cut short; the bytes left over tell."""
        end = self.records.offset
        if self.size is not None and end < self.size:
            raise WarcError(self.name, end, f"the {self.size - end} bytes after the last "
                            "record are not a record (the file is cut or damaged)")

    def _damaged(self, exc: BaseException) -> WarcError:
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        if any("non-chunked gzip" in line for line in lines):
            return _OneGzipStream(self.name, None, "the file is one gzip stream, not one gzip "
                                  "member per record; fix it with: warcio recompress IN OUT")
        if isinstance(exc, ArchiveLoadFailed):
            text = " ".join(lines)
        else:  # warcio tripped over a damaged record (AttributeError, ValueError, ...)
            text = f"damaged or cut record ({type(exc).__name__}: {' '.join(lines)})"
        return WarcError(self.name, self.offset, text if len(text) <= 160 else text[:157] + "...")

    def _finish(self, record: ArcWarcRecord) -> None:
        """Read the rest of the record; fewer bytes than its length means the file is cut."""
        stream = record.raw_stream
        try:
            while stream.read(_BLOCK):
                pass
        except Exception as exc:
            raise self._damaged(exc) from None
        if isinstance(stream, LimitReader) and stream.limit > 0:
            raise WarcError(self.name, self.offset,
                            f"the record is truncated ({stream.limit} bytes missing)")

    def _skip(self, url: str, kind: str, message: str) -> None:
        skipped = Skipped(self.name, self.offset, url, kind, message)
        if self.on_skip:
            self.on_skip(skipped)
        elif kind != "out_of_scope":
            log.warning("%s: offset %d: %s skipped (%s): %s", self.name, self.offset, url,
                        kind, message)

    def _response(self, record: ArcWarcRecord, offset: int) -> CapturedResponse | None:
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        kind = record.rec_type
        if kind not in ("response", "revisit", "resource") or not url.startswith(_HTTP):
            return None
        if kind == "response" and not record.http_headers:
            return None  # an empty record, or a non-HTTP one under an http URL
        if self.accept and not self.accept(url):
            self._skip(url, "out_of_scope", "not accepted")
            return None
        if kind == "revisit":
            refers = record.rec_headers.get_header("WARC-Refers-To-Target-URI") or url
            when = record.rec_headers.get_header("WARC-Refers-To-Date") or "an earlier capture"
            self._skip(url, "revisit", f"payload not in this record (same as {refers} "
                                       f"at {when})")
            return None
        try:
            return self._build(record, url)
        except http.BodyError as exc:
            self._skip(url, exc.kind, str(exc))
            return None

    def _build(self, record: ArcWarcRecord, url: str) -> CapturedResponse:
        date = record.rec_headers.get_header("WARC-Date") or ""
        try:
            fetched_at = iso_utc(to_utc(date, "WARC-Date"))
        except ValueError as exc:
            raise http.BodyError("malformed", str(exc)) from None
        if record.rec_type == "resource":
            content_type = record.rec_headers.get_header("Content-Type")
            headers: Headers = (("Content-Type", content_type),) if content_type else ()
            return CapturedResponse(url, fetched_at, 200, "OK", headers,
                                    self._read(record.raw_stream))
        status_line = record.http_headers.statusline
        code, _, reason = status_line.partition(" ")
        if not code.isdigit():
            raise http.BodyError("malformed", f"status line {status_line!r}")
        headers = tuple(record.http_headers.headers)
        if record.rec_headers.get_header(http.BODY_FIELD) == http.BODY_DECODED:
            headers = http.restore_headers(headers)
            body = self._read(record.raw_stream)  # written by us: already decoded
        else:
            body = self._decoded(record, headers)
        return CapturedResponse(url, fetched_at, int(code), reason.strip(), headers, body)

    def _read(self, stream: BinaryIO) -> bytes:
        body = stream.read(self.limit + 1)
        if len(body) > self.limit:
            raise http.BodyError("too_large", f"body exceeds {self.limit} bytes")
        return body

    def _decoded(self, record: ArcWarcRecord, headers: Headers) -> bytes:
        stream = record.raw_stream
        chunked = any(k.lower() == "transfer-encoding" and "chunked" in v.lower()
                      for k, v in headers)
        if chunked:
            # warcio falls back to the plain bytes when they are not chunked after all:
            # several crawlers de-chunk the body but keep the header
            stream = ChunkedDataReader(stream)
        return http.decode_body(self._read(stream), http.content_codings(headers), self.limit)


def _size(stream: BinaryIO) -> int | None:
    """The size of a file or an in-memory stream; None for a pipe."""
    if isinstance(stream, io.BytesIO):
        return len(stream.getbuffer())
    try:
        return os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return None


def _request_headers(record: ArcWarcRecord) -> Headers:
    return tuple(record.http_headers.headers) if record.http_headers else ()
