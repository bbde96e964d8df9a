"""Write captured responses and report snapshots as a WARC file (ISO 28500, WARC/1.0).

Layout: one ``warcinfo`` record, then per response a ``response`` record followed by its
``request`` record (linked by ``WARC-Concurrent-To``), then one ``metadata`` record per
report. One record is in memory at a time, whatever the number of records.

Reports go in ``metadata`` records, not ``resource`` records: the WARC standard defines
``metadata`` as content created to describe a harvested resource, which is what cleaned text
and extracted metadata are; a ``resource`` record claims to be a harvested resource itself,
and replay tools would serve the JSON as if it had been on the site.
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from . import _http as http
from ._records import CapturedResponse, ReportSnapshot, WarcStats, to_utc

#: zlib level of each gzip member. Measured per page on 200 dev-set pages: level 4 compresses
#: 106 MB per CPU-second to 1/4.94, level 6 (gzip's default) 62 MB/s to 1/5.19, level 9
#: (warcio's) 35 MB/s to 1/5.22; on text-heavy pages level 6 falls to 16 MB/s. Level 4 buys
#: 1.7-4.5x the speed for files 5 % larger.
GZIP_LEVEL = 4

_DESCRIPTION = (
    "HTTP response bodies are stored content-decoded and de-chunked; the original "
    "Content-Encoding, Transfer-Encoding and Content-Length headers are kept as "
    "X-Archive-Orig-* headers and Content-Length is the stored body's length (records "
    f"marked {http.BODY_FIELD}: {http.BODY_DECODED}). Reports are metadata records with "
    "Content-Type application/json."
)


class _Utf8Headers(StatusAndHeaders):
    """warcio percent-encodes non-ASCII header values (RFC 8187), which changes them; the
    bytes written here are the UTF-8 of the values, which warcio's reader decodes back."""

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        self.headers_buff = self.to_bytes(header_filter, encoding="utf-8")


class _Counting:
    """The output stream, counting bytes; with ``level``, each record a gzip member.

    warcio's writer flushes after every record: that is where a member ends, which keeps
    every record separately readable (what ``.warc.gz`` means, and what indexes rely on).
    """

    def __init__(self, out: BinaryIO, level: int | None) -> None:
        self.out, self.level, self.count = out, level, 0
        self._engine = self._new()

    def _new(self) -> zlib._Compress | None:
        if self.level is None:
            return None
        return zlib.compressobj(self.level, zlib.DEFLATED, 31)

    def _emit(self, data: bytes) -> None:
        if data:
            self.out.write(data)
            self.count += len(data)

    def write(self, data: bytes) -> None:
        self._emit(self._engine.compress(data) if self._engine else data)

    def flush(self) -> None:
        if self._engine:
            self._emit(self._engine.flush())
            self._engine = self._new()
        self.out.flush()


def warc_date(timestamp: str) -> str:
    """An ISO 8601 time as a WARC/1.0 date: UTC, whole seconds, ``Z``."""
    return to_utc(timestamp).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fields(kind: str, url: str, date: str, **extra: str) -> dict[str, str]:
    """The WARC fields in the customary order (warcio would put ``WARC-Type`` after any
    field given to it)."""
    return {"WARC-Type": kind, "WARC-Record-ID": StatusAndHeadersParser.make_warc_id(),
            "WARC-Date": date, "WARC-Target-URI": url, **extra}


def _software() -> str:
    try:
        ours = version("reportarchiver")
    except PackageNotFoundError:  # running from a source tree that is not installed
        ours = "unknown"
    return f"reportarchiver/{ours} (warcio/{version('warcio')})"


def _warcinfo(writer: WARCWriter, filename: str) -> None:
    writer.write_record(writer.create_warcinfo_record(filename, {
        "software": _software(), "format": "WARC File Format 1.0",
        "conformsTo": "http://iipc.github.io/warc-specifications/specifications/"
                      "warc-format/warc-1.0/",
        "description": _DESCRIPTION}))


def _response_pair(writer: WARCWriter, item: CapturedResponse) -> None:
    date = warc_date(item.fetched_at)
    headers = http.headers_for_stored_body(item.status, item.headers, len(item.body))
    status = f"{item.status} {http.reason_phrase(item.status, item.reason)}".rstrip()
    response = writer.create_warc_record(
        item.url, "response", payload=BytesIO(item.body), length=len(item.body),
        http_headers=_Utf8Headers(status, list(headers), protocol="HTTP/1.1"),
        warc_headers_dict=_fields("response", item.url, date,
                                  **{http.BODY_FIELD: http.BODY_DECODED}))
    target, sent = http.request_headers_for(item.url, item.request_headers)
    request = writer.create_warc_record(
        item.url, "request",
        http_headers=_Utf8Headers(f"{target} HTTP/1.1", list(sent), protocol="GET"),
        warc_headers_dict=_fields("request", item.url, date))
    writer.write_request_response_pair(request, response)


def _report(writer: WARCWriter, report: ReportSnapshot) -> None:
    document = {"url": report.url, "captured_at": report.captured_at,
                "metadata": report.metadata, "page_urls": list(report.page_urls),
                "text": report.text}
    payload = json.dumps(document, ensure_ascii=False, default=str).encode("utf-8")
    record = writer.create_warc_record(
        report.url, "metadata", payload=BytesIO(payload), length=len(payload),
        warc_content_type="application/json",
        warc_headers_dict=_fields("metadata", report.url, warc_date(report.captured_at)))
    writer.write_record(record)


@contextlib.contextmanager
def _destination(out: BinaryIO | str | os.PathLike[str]) -> Iterator[tuple[BinaryIO, str]]:
    """A stream to write to; a path is written under a temporary name and renamed at the end,
    so a failed export never leaves a file that looks complete."""
    if not isinstance(out, str | os.PathLike):
        yield out, ""
        return
    path = Path(out)
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as stream:
            yield stream, path.name
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)


def write_warc(out: BinaryIO | str | os.PathLike[str],
               responses: Iterable[CapturedResponse],
               reports: Iterable[ReportSnapshot] = (), *, gzip: bool = True) -> WarcStats:
    """Write ``responses`` then ``reports`` to ``out`` (a path or a binary stream) as WARC.

    With ``gzip`` each record is its own gzip member (a ``.warc.gz``). Response headers are
    rewritten to match the stored, decoded body as described in ``_http``; each request
    record holds the request line, a ``Host`` header and the recorded request headers.
    ``WARC-Date`` is the fetch time (report: capture time) in whole seconds. Raises
    ``ValueError`` naming the URL for a record with an unreadable timestamp.
    """
    n_responses = n_reports = 0
    with _destination(out) as (stream, filename):
        sink = _Counting(stream, GZIP_LEVEL if gzip else None)
        writer = WARCWriter(sink, gzip=False)
        _warcinfo(writer, filename)
        for item in responses:
            try:
                _response_pair(writer, item)
            except ValueError as exc:
                raise ValueError(f"{item.url}: {exc}") from None
            n_responses += 1
        for report in reports:
            try:
                _report(writer, report)
            except ValueError as exc:
                raise ValueError(f"{report.url}: {exc}") from None
            n_reports += 1
    return WarcStats(responses=n_responses, reports=n_reports, bytes_written=sink.count)
