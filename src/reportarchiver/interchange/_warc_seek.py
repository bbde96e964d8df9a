"""Random access to WARC/ARC files: a scan that notes where each response is, and a read of
one response by its offset.

An import first scans every file (framing and headers only, no body kept), then reads the
bodies it needs by offset, in the order it needs them: the memory used is one record and
the list of offsets, whatever the size of the files. Offsets are those ``warcio index``
prints: the start of a record's gzip member in a ``.warc.gz``, of the record otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

from warcio.recordloader import ArcWarcRecord

from ._errors import WarcError
from ._records import CapturedResponse, Headers, Skipped, iso_utc, to_utc
from ._warc_reader import _HTTP, MAX_BODY_BYTES, _field_values, _Reader, _request_headers


@dataclass(frozen=True, slots=True)
class CaptureRef:
    """Where one HTTP response is in a file, and what :meth:`ArchiveScan` could tell of it
    without reading its body."""

    url: str  # WARC-Target-URI as written
    fetched_at: str  # ISO 8601 UTC
    status: int
    content_type: str
    offset: int
    request_offset: int | None = None  # its request record, when next to it


class ArchiveScan:
    """The responses of one WARC or ARC file (a path), in file order, bodies unread.

    Iterating yields a :class:`CaptureRef` per ``response`` or ``resource`` record of an
    http(s) URL; ``revisit`` records and unreadable dates are passed to ``on_skip``.
    ``records`` counts every record read whole. A damaged file raises :class:`WarcError`
    after yielding every response before the damage; a ``.warc.gz`` that is one gzip
    stream raises one too (it cannot be read by offset: ``warcio recompress`` fixes it).
    """

    def __init__(self, path: str | os.PathLike[str],
                 on_skip: Callable[[Skipped], None] | None = None) -> None:
        self.name = os.fspath(path)
        self.on_skip = on_skip
        self.records = 0

    def __iter__(self) -> Iterator[CaptureRef]:
        try:
            stream = open(self.name, "rb")  # noqa: SIM115 -- closed below, across the yields
        except OSError as exc:
            raise WarcError(self.name, None, f"cannot open: {exc.strerror}") from None
        with stream:
            reader = _Reader(stream, self.name, None, MAX_BODY_BYTES, self.on_skip)
            try:
                yield from self._refs(reader)
            finally:
                self.records = reader.count

    def _refs(self, reader: _Reader) -> Iterator[CaptureRef]:
        """The responses, each paired with its request record when the two are neighbours
        (the same pairing as :func:`read_archive`)."""
        pending: tuple[CaptureRef, set[str]] | None = None
        request: tuple[set[str], int] | None = None
        try:
            for record, offset in reader._records():
                links = _field_values(record, "WARC-Record-ID") | _field_values(
                    record, "WARC-Concurrent-To")
                if pending and record.rec_type == "request" and pending[1] & links:
                    yield replace(pending[0], request_offset=offset)
                    pending = None
                    continue
                if pending:
                    yield pending[0]
                    pending = None
                if record.rec_type == "request":
                    request = (links, offset)
                    continue
                ref = _ref(reader, record, offset)
                reader._finish(record)  # a cut record raises here, before it is noted
                if ref and request and request[0] & links:
                    yield replace(ref, request_offset=request[1])
                elif ref:
                    pending = (ref, links)
                request = None
        except WarcError:
            if pending:
                yield pending[0]
            raise
        if pending:
            yield pending[0]


def _ref(reader: _Reader, record: ArcWarcRecord, offset: int) -> CaptureRef | None:
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    kind = record.rec_type
    if kind not in ("response", "revisit", "resource") or not url.startswith(_HTTP):
        return None
    if kind == "response" and not record.http_headers:
        return None
    if kind == "revisit":
        reader._skip(url, "revisit", "payload not in this record")
        return None
    date = record.rec_headers.get_header("WARC-Date") or ""
    try:
        fetched_at = iso_utc(to_utc(date, "WARC-Date"))
    except ValueError as exc:
        reader._skip(url, "malformed", str(exc))
        return None
    if kind == "resource":
        return CaptureRef(url, fetched_at, 200,
                          record.rec_headers.get_header("Content-Type") or "", offset)
    code = record.http_headers.statusline.partition(" ")[0]
    if not code.isdigit():
        reader._skip(url, "malformed", f"status line {record.http_headers.statusline!r}")
        return None
    content_type = record.http_headers.get_header("Content-Type") or ""
    return CaptureRef(url, fetched_at, int(code), content_type, offset)


def _record_at(stream: BinaryIO, name: str, offset: int,
               limit: int) -> tuple[_Reader, ArcWarcRecord]:
    stream.seek(offset)
    reader = _Reader(stream, name, None, limit, None, sized=False)
    try:
        for record, _ in reader._records():
            return reader, record
    except WarcError as exc:
        raise WarcError(name, offset, exc.message) from None
    raise WarcError(name, offset, "no record at this offset (the file has changed?)")


def read_capture(stream: BinaryIO, name: str, ref: CaptureRef,
                 max_body_bytes: int = MAX_BODY_BYTES) -> CapturedResponse:
    """The response ``ref`` points to in ``stream`` (the file ``name``, seekable), its body
    de-chunked and content-decoded as by :func:`read_archive`, with its request's headers.

    Raises :class:`WarcError` when there is no readable record at the offset, and
    ``_http.BodyError`` (its ``kind`` as in :class:`Skipped`) when the body is too large
    or cannot be decoded.
    """
    reader, record = _record_at(stream, name, ref.offset, max_body_bytes)
    response = reader._build(record, record.rec_headers.get_header("WARC-Target-URI") or "")
    if ref.request_offset is None:
        return response
    _, request = _record_at(stream, name, ref.request_offset, max_body_bytes)
    sent: Headers = _request_headers(request)
    return replace(response, request_headers=sent)

