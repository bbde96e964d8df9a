"""A crawl's own WARC files (``[storage] warc_dir``): every response appended as it is fetched.

Files are named ``reportarchiver-<UTC time>-<n>.warc.gz`` and carry ``.open`` while being
written (the convention of Heritrix and wget): a file without it is complete. A new file is
begun when the current one reaches ``max_bytes``. Each record is its own gzip member, flushed
at once, so a crash loses at most the record being written and leaves a readable file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from warcio.warcwriter import WARCWriter

from ..models import FetchResult
from ._records import CapturedResponse
from ._warc_writer import GZIP_LEVEL, _Counting, _response_pair, _warcinfo


class WarcAppender:
    """Appends request/response record pairs to rotating WARC files in ``folder``."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.folder.mkdir(parents=True, exist_ok=True)
        self._stream = None
        self._sink: _Counting | None = None
        self._writer: WARCWriter | None = None
        self._path: Path | None = None
        self._files = 0
        self.records = 0

    def add(self, fetch: FetchResult) -> None:
        """Write one fetched response (and the request that asked for it)."""
        if self._sink is None or self._sink.count >= self.max_bytes:
            self._rotate()
        assert self._writer is not None and self._stream is not None
        item = CapturedResponse(
            fetch.final_url or fetch.url, fetch.fetched_at, fetch.status, fetch.reason,
            fetch.header_list or tuple(fetch.headers.items()), fetch.body,
            fetch.request_headers)
        _response_pair(self._writer, item)  # (warcio flushes each record: a gzip member)
        self._stream.flush()
        self.records += 1

    def _rotate(self) -> None:
        self.close()
        self._files += 1
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        name = f"reportarchiver-{stamp}-{self._files:05d}.warc.gz"
        self._path = self.folder / (name + ".open")
        self._stream = self._path.open("ab")
        self._sink = _Counting(self._stream, GZIP_LEVEL)
        self._writer = WARCWriter(self._sink, gzip=False)
        _warcinfo(self._writer, name)

    def close(self) -> None:
        """Finish the current file (drop its ``.open``)."""
        if self._stream is None or self._path is None:
            return
        self._stream.close()
        self._path.rename(self._path.with_name(self._path.name.removesuffix(".open")))
        self._stream = self._sink = self._writer = self._path = None

    def __enter__(self) -> WarcAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
