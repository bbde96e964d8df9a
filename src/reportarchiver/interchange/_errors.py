"""The interchange's one error: a WARC/ARC file that cannot be read on."""

from __future__ import annotations

from ..errors import ReportArchiverError


class WarcError(ReportArchiverError):
    """A WARC or ARC file is damaged or unreadable at ``offset`` (None: before any record).

    For a ``.warc.gz`` the offset is that of the record's gzip member in the file, the
    number ``warcio index`` prints and ``warcio extract`` takes.
    """

    def __init__(self, path: str, offset: int | None, message: str) -> None:
        self.path, self.offset, self.message = path, offset, message
        where = path if offset is None else f"{path}: offset {offset}"
        super().__init__(f"{where}: {message}")
