"""Web-archive interchange and exports, independent of the archive's storage.

Modules, each private: ``_records`` (the frozen dataclasses that cross the boundary),
``_http`` (how stored headers and decoded bodies become valid HTTP messages and back),
``_warc_writer`` and ``_warc_reader`` (the only warcio users), ``_export`` (JSON Lines and
CSV), ``_markdown`` (one Markdown file per report), ``_errors``.

The archive supplies :class:`CapturedResponse` and :class:`ReportSnapshot` objects and plain
report dicts; everything here streams, one record in memory at a time.
"""

from ._errors import WarcError
from ._export import write_csv, write_jsonl
from ._markdown import write_markdown
from ._records import CapturedResponse, ReportSnapshot, Skipped, WarcStats
from ._warc_reader import MAX_BODY_BYTES, read_archive
from ._warc_writer import write_warc

__all__ = [
    "MAX_BODY_BYTES",
    "CapturedResponse",
    "ReportSnapshot",
    "Skipped",
    "WarcError",
    "WarcStats",
    "read_archive",
    "write_csv",
    "write_jsonl",
    "write_markdown",
    "write_warc",
]
