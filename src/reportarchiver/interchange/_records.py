"""The records that cross the interchange boundary: plain frozen dataclasses, no SQLite.

The archive turns its rows into these for export, and the WARC reader turns foreign records
into these for import; neither side knows the other's storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: A header list as received: (name, value) pairs in their original order and case.
#: A list, not a dict: ``Set-Cookie`` and friends repeat, and the order is part of the message.
Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class CapturedResponse:
    """One HTTP response as archived.

    ``headers`` are the response headers as the server sent them (``Content-Encoding``,
    ``Content-Length`` and ``Transfer-Encoding`` included), while ``body`` is the body as
    stored: de-chunked and content-decoded. The WARC writer reconciles the two (see
    :func:`write_warc`); the reader produces exactly this shape from any WARC or ARC.
    """

    url: str
    fetched_at: str  # ISO 8601 UTC, e.g. "2026-01-02T03:04:05+00:00"
    status: int
    reason: str
    headers: Headers
    body: bytes
    request_headers: Headers = ()  # what was sent, when known

    def header(self, name: str, default: str = "") -> str:
        """The first value of header ``name`` (case-insensitive), or ``default``."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return default


@dataclass(frozen=True, slots=True)
class ReportSnapshot:
    """A cleaned report at one point in time: what the archive derived from its pages."""

    url: str  # the report's canonical URL (its page 1)
    captured_at: str  # ISO 8601 UTC
    metadata: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    page_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WarcStats:
    """What :func:`write_warc` wrote."""

    responses: int  # request/response record pairs
    reports: int  # metadata records
    bytes_written: int  # size of the output, compressed when gzip=True


@dataclass(frozen=True, slots=True)
class Skipped:
    """A response record that :func:`read_archive` read but did not yield, and why.

    ``kind`` is a short stable word: ``out_of_scope`` (the ``accept`` predicate said no),
    ``revisit`` (the payload is in another record), ``too_large``, ``undecodable`` (an
    unknown or broken ``Content-Encoding``).
    """

    source: str  # the file name, or "<stream>"
    offset: int  # of the record in the file (compressed offset for .warc.gz)
    url: str
    kind: str
    message: str


def to_utc(value: str, what: str = "timestamp") -> datetime:
    """Parse an ISO 8601 time; a time without an offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {value!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    """The archive's timestamp format: UTC, whole seconds, ``+00:00``."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()
