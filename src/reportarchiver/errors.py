"""The exception tree. Every error names what went wrong and where (URL, config key, path).

    ReportArchiverError
    ├── ConfigError          a bad config key or value (exit 2)
    ├── LockedError          another crawl holds the database (exit 75)
    ├── Interrupted          the run was stopped by a signal (exit 128 + the signal)
    ├── StoreError           the archive file cannot be opened, is not an archive, or a write
    │                        failed (exit 1; exit 2 when the file is not ours to touch)
    └── PageError            one URL could not be archived: ``url, kind, message, status,
        │                    attempts``; recorded in ``fetch_errors`` (``Archive.record_error``)
        │                    and retried on a later run, never fatal to the run
        ├── InvalidURL       not an http(s) URL with a valid host, or a redirect to one
        ├── OutOfScope       a redirect leaving the site's include/exclude scope
        ├── CleanerCrashed   the page killed the clean worker process each time it was tried
        └── FetchError       the HTTP exchange failed
            ├── RobotsDisallowed  robots.txt forbids it (or robots.txt itself failed: RFC 9309)
            ├── HTTPStatusError   the server answered with an error status
            ├── TooLargeError     the body exceeded max_response_bytes (checked while reading)
            └── NetworkError      connect/read failure, timeout or deadline, after all retries
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


class LockedError(ReportArchiverError):
    """Another crawl is running on the same database."""


class Interrupted(ReportArchiverError):
    """A run stopped by a signal (SIGTERM); it is recorded as interrupted and resumes."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__("interrupted: the next crawl resumes where this one stopped")


class StoreError(ReportArchiverError):
    """The archive database cannot be opened or written, or is not an archive.

    ``foreign`` is True when the file is not an archive this version may change (another
    program's SQLite file, a newer schema): nothing was written to it.
    """

    def __init__(self, message: str, *, foreign: bool = False) -> None:
        self.foreign = foreign
        super().__init__(message)


class PageError(ReportArchiverError):
    """One URL could not be archived.

    ``kind`` is a short stable word stored in ``fetch_errors.kind``; ``message`` says what
    happened in one line; ``status`` is the HTTP status when there was one; ``attempts`` how
    many requests were made.
    """

    kind = "page"

    def __init__(
        self, url: str, message: str, *, status: int | None = None, attempts: int = 1
    ) -> None:
        self.url = url
        self.message = message
        self.status = status
        self.attempts = attempts
        super().__init__(f"{url}: {message}")


class InvalidURL(PageError):
    """A URL that cannot be fetched: not http(s), no valid host, too long."""

    kind = "invalid_url"


class OutOfScope(PageError):
    """A redirect to a URL outside the site's scope (``include``/``exclude``)."""

    kind = "out_of_scope"


class CleanerCrashed(PageError):
    """The page killed the clean worker each time it was tried."""

    kind = "cleaner_crash"


class FetchError(PageError):
    """The HTTP exchange for a URL failed."""

    kind = "fetch"


class RobotsDisallowed(FetchError):
    """robots.txt forbids the URL, or robots.txt could not be read (the host is skipped).

    ``for_this_run``: the host is refused for this run only (robots.txt failed or asked for
    too long a Crawl-delay): the URL is tried again next run, never skipped for good.
    """

    kind = "robots"

    def __init__(self, url: str, message: str, *, for_this_run: bool = False) -> None:
        super().__init__(url, message)
        self.for_this_run = for_this_run


class HTTPStatusError(FetchError):
    """The server answered with an error status (after retries, for retryable ones)."""

    kind = "http"


class TooLargeError(FetchError):
    """The body (decoded, at every content-encoding layer) exceeded the size cap."""

    kind = "too_large"


class NetworkError(FetchError):
    """A connect or read failure, a timeout or the per-request deadline, after all retries."""

    kind = "network"
