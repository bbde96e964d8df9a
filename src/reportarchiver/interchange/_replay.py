"""An offline fetcher that answers from WARC files: what lets an import run the crawl's own
code (:meth:`Session.process`) with no network.

:class:`CaptureIndex` says where each URL's captures are (file, offset: a few numbers per
capture, never a body); :class:`WarcFetcher` has the :class:`~reportarchiver.fetch.Fetcher`
interface the session uses and serves, for a URL, the capture nearest in time to ``at``: the
time of the capture being imported. So a report captured twice is imported twice, each time
with the later pages captured with it, and each capture becomes a version.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import BinaryIO

from .._urls import canonicalize
from ..errors import FetchError, HTTPStatusError, InvalidURL, TooLargeError
from ..fetch._client import REDIRECT_STATUSES, HopCheck
from ..models import FetchResult
from . import _http as http
from ._records import CapturedResponse, to_utc
from ._warc_seek import CaptureRef, read_capture

#: Files kept open at once (an import may name thousands; the descriptors are limited).
OPEN_FILES = 32

# (when: epoch seconds, file number, offset, request offset or -1)
_Entry = tuple[int, int, int, int]


def epoch(timestamp: str) -> int:
    """An ISO 8601 time as whole seconds since 1970 (UTC)."""
    return int(to_utc(timestamp).timestamp())


def iso(seconds: int) -> str:
    """Whole seconds since 1970 as the archive's timestamp format."""
    return datetime.fromtimestamp(seconds, UTC).isoformat()


class CaptureIndex:
    """url -> where its captures are, in time order. Only numbers per capture: the memory is
    about 150 bytes a capture plus its URL."""

    def __init__(self, files: Sequence[str]) -> None:
        self.files = list(files)
        self._urls: dict[str, list[_Entry]] = {}
        self._sorted = True

    def add(self, url: str, file_no: int, ref: CaptureRef) -> None:
        """Note a capture of ``url`` (canonical) described by ``ref`` in file ``file_no``."""
        request = -1 if ref.request_offset is None else ref.request_offset
        self._urls.setdefault(url, []).append(
            (epoch(ref.fetched_at), file_no, ref.offset, request))
        self._sorted = False

    def __contains__(self, url: object) -> bool:
        return url in self._urls

    def __len__(self) -> int:
        return sum(map(len, self._urls.values()))

    def nearest(self, url: str, when: int) -> tuple[int, CaptureRef] | None:
        """The capture of ``url`` nearest in time to ``when`` (the earlier one of two as
        near) as (file number, ref); None when ``url`` was never captured."""
        if not self._sorted:
            for entries in self._urls.values():
                entries.sort()
            self._sorted = True
        entries = self._urls.get(url)
        if not entries:
            return None
        at = bisect.bisect_left(entries, (when,))
        candidates = entries[max(0, at - 1):at + 1]
        moment, file_no, offset, request = min(
            candidates, key=lambda e: (abs(e[0] - when), e[0]))
        return file_no, CaptureRef(url, iso(moment), 0, "", offset,
                                   None if request < 0 else request)


class _NoThrottle:
    """Nothing to pace: no request leaves the machine."""

    def set_min_delay(self, host: str, seconds: float) -> None:
        """Ignored (a robots.txt Crawl-delay means nothing offline)."""


class WarcFetcher:
    """The fetcher the crawl's session expects, answering from the files of a
    :class:`CaptureIndex` as they answered when captured.

    A 3xx capture with a ``Location`` is followed within the files (each hop checked like a
    live redirect); a 4xx/5xx capture raises :class:`HTTPStatusError` as the live fetcher
    does; a URL with no capture raises ``HTTPStatusError(url, "not in the WARC", 404)``.
    Validators (``etag``, ``last_modified``) are ignored: a capture is always served whole.
    """

    def __init__(self, index: CaptureIndex, *, max_body_bytes: int,
                 max_redirects: int = 10) -> None:
        self.index = index
        self.max_body_bytes, self.max_redirects = max_body_bytes, max_redirects
        self.requests = 0
        self.throttle = _NoThrottle()
        self.at = 0  # epoch seconds: serve the captures nearest to this time
        self._open: OrderedDict[int, BinaryIO] = OrderedDict()

    @property
    def now(self) -> str:
        """``at`` as an archive timestamp: the time the capture being imported was made."""
        return iso(self.at)

    def close(self) -> None:
        for stream in self._open.values():
            stream.close()
        self._open.clear()

    def __enter__(self) -> WarcFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def get(self, url: str, *, etag: str = "", last_modified: str = "",
                  accept_errors: bool = False, check: HopCheck | None = None,
                  max_bytes: int | None = None,
                  headers: Mapping[str, str] | None = None) -> FetchResult:
        """The capture of ``url`` nearest to ``at``, redirects followed, as a fetch result.
        ``max_bytes`` caps the body (default ``max_body_bytes``); ``headers`` (what a live
        request would send) change nothing in what was captured."""
        hop = url
        for _ in range(self.max_redirects + 1):
            capture = self.capture(hop, max_bytes)
            self.requests += 1
            location = capture.header("Location")
            if capture.status not in REDIRECT_STATUSES or not location:
                return self._judge(url, hop, capture, accept_errors)
            try:
                hop = canonicalize(location, hop)
            except InvalidURL as exc:
                raise InvalidURL(url, f"redirected to {location[:200]!r}, which cannot be "
                                      f"fetched ({exc.message})") from None
            if check is not None:
                await check(hop)
        raise HTTPStatusError(url, f"more than {self.max_redirects} redirects")

    def capture(self, url: str, max_bytes: int | None = None) -> CapturedResponse:
        """The capture of ``url`` nearest to ``at``, body decoded (at most ``max_bytes``)."""
        found = self.index.nearest(url, self.at)
        if found is None:
            raise HTTPStatusError(url, "not in the WARC", status=404)
        file_no, ref = found
        name = self.index.files[file_no]
        try:
            return read_capture(self._stream(file_no), name, ref,
                                max_bytes or self.max_body_bytes)
        except http.BodyError as exc:
            where = f"{name}: offset {ref.offset}"
            if exc.kind == "too_large":
                raise TooLargeError(url, f"{exc} ({where})") from None
            raise FetchError(url, f"{exc} ({where})") from None

    def _stream(self, file_no: int) -> BinaryIO:
        stream = self._open.get(file_no)
        if stream is not None:
            self._open.move_to_end(file_no)
            return stream
        if len(self._open) >= OPEN_FILES:
            self._open.popitem(last=False)[1].close()
        stream = self._open[file_no] = open(self.index.files[file_no], "rb")  # noqa: SIM115
        return stream

    @staticmethod
    def _judge(url: str, final: str, capture: CapturedResponse,
               accept_errors: bool) -> FetchResult:
        headers: dict[str, str] = {}
        for name, value in capture.headers:  # as httpx reads them: repeats comma-joined
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        result = FetchResult(url=url, final_url=final, status=capture.status, headers=headers,
                             body=capture.body, fetched_at=capture.fetched_at,
                             reason=capture.reason, header_list=capture.headers,
                             request_headers=capture.request_headers)
        if result.status >= 400 and not accept_errors:
            raise HTTPStatusError(url, f"HTTP {result.status}", status=result.status)
        return result
