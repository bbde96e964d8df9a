"""The exception tree. Every error names what went wrong and where (URL, config key, path).

    ReportArchiverError
    ├── ConfigError          a bad config key or value (exit 2)
    ├── InvalidURL           a URL that cannot be fetched (not http/https, no host, ...)
    ├── LockedError          another crawl holds the database (exit 75)
    ├── StoreError           the archive file cannot be opened or is not an archive
    └── FetchError           one URL could not be fetched; carries url, kind, status, attempts
        ├── RobotsDisallowed robots.txt forbids it (or robots.txt itself failed: RFC 9309)
        ├── HTTPStatusError  the server answered with an error status
        ├── TooLargeError    the body exceeded max_response_bytes (checked while streaming)
        ├── NetworkError     connect/read failure or timeout, after all retries
        └── CleanerCrashed   the page killed the clean worker process each time it was tried
                             (a per-URL failure like the others: recorded, retried next run)
"""

from __future__ import annotations


class ReportArchiverError(Exception):
    """Base class of every error the library raises on purpose."""


class ConfigError(ReportArchiverError):
    """A config key is unknown or its value is invalid."""

    def __init__(self, key: str, message: str, path: str = "config.toml") -> None:
        self.key = key
        self.path = path
        super().__init__(f"{path}: {key}: {message}")


class InvalidURL(ReportArchiverError):
    """A URL that cannot be fetched."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url!r}: {reason}")


class LockedError(ReportArchiverError):
    """Another crawl is running on the same database."""


class StoreError(ReportArchiverError):
    """The archive database cannot be opened, or is not a SQLite file."""


class FetchError(ReportArchiverError):
    """A URL could not be fetched. ``kind`` is a short stable word stored in ``fetch_errors``."""

    kind = "fetch"

    def __init__(
        self, url: str, message: str, *, status: int | None = None, attempts: int = 1
    ) -> None:
        self.url = url
        self.message = message
        self.status = status
        self.attempts = attempts
        super().__init__(f"{url}: {message}")


class RobotsDisallowed(FetchError):
    kind = "robots"


class HTTPStatusError(FetchError):
    kind = "http"


class TooLargeError(FetchError):
    kind = "too_large"


class NetworkError(FetchError):
    kind = "network"


class CleanerCrashed(FetchError):
    kind = "cleaner_crash"
