"""Web-archive interchange and exports.

Modules, each private: ``_records`` (the frozen dataclasses that cross the boundary),
``_http`` (how stored headers and decoded bodies become valid HTTP messages and back),
``_warc_writer``, ``_warc_reader`` and ``_warc_seek`` (the only warcio users: writing,
reading in order, scanning and reading by offset), ``_export`` (JSON Lines and CSV),
``_markdown`` (one Markdown file per report), ``_errors``; and the import: ``_replay`` (an
offline fetcher answering from WARC files) and ``_import`` (WARC files into the archive
through the crawl's own session).

The writers know nothing of the archive's storage: ``store._exports`` supplies
:class:`CapturedResponse` and :class:`ReportSnapshot` objects and plain report dicts, and
everything streams, one record in memory at a time.
"""

from ._errors import WarcError
from ._export import write_csv, write_jsonl
from ._import import ImportSummary, import_warc, run_import_warc
from ._markdown import write_markdown
from ._records import CapturedResponse, ReportSnapshot, Skipped, WarcStats
from ._replay import CaptureIndex, WarcFetcher
from ._warc_appender import WarcAppender
from ._warc_reader import MAX_BODY_BYTES, read_archive
from ._warc_seek import ArchiveScan, CaptureRef, read_capture
from ._warc_writer import write_warc

__all__ = [
    "MAX_BODY_BYTES",
    "ArchiveScan",
    "CaptureIndex",
    "CaptureRef",
    "CapturedResponse",
    "ImportSummary",
    "ReportSnapshot",
    "Skipped",
    "WarcAppender",
    "WarcError",
    "WarcFetcher",
    "WarcStats",
    "import_warc",
    "read_archive",
    "read_capture",
    "run_import_warc",
    "write_csv",
    "write_jsonl",
    "write_markdown",
    "write_warc",
]
