"""A small threaded HTTP server for the bundled sample site (standard library only).

Used by ``reportarchiver demo`` and by the tests: it serves a directory of static files on
127.0.0.1 the way a plain web server in front of a CMS would, so that the crawler meets real
sockets, real conditional GETs and real encodings.

* Files are served as raw bytes, never re-encoded. ``.html`` goes out as ``text/html`` *without*
  a charset parameter: the GBK pages are declared by their ``<meta>`` only, as on real sites.
* ``robots.txt``, ``sitemap.xml`` and other ``.txt``/``.xml`` files may contain the placeholder
  ``{BASE}``, replaced by the server's ``http://127.0.0.1:PORT`` (the port is random).
* Every response carries ``ETag`` and ``Last-Modified``; ``If-None-Match`` and
  ``If-Modified-Since`` are answered with 304.
* Every request is appended to :attr:`SiteServer.requests`, so tests can check politeness
  (robots, delays, conditional GETs) from the server's side.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: The bundled sample site (package data).
SITE_DIR: Path = Path(__file__).resolve().parent / "site"

#: Content types by file suffix. HTML deliberately has no charset parameter.
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".css": "text/css",
    ".js": "application/javascript",
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
}

#: Suffixes whose ``{BASE}`` placeholder is replaced by the server's base URL.
TEMPLATED_SUFFIXES = frozenset({".txt", ".xml"})

BASE_PLACEHOLDER = b"{BASE}"


@dataclass
class RequestRecord:
    """One request as the server saw it."""

    method: str
    path: str  # the request target as sent, query string included
    headers: dict[str, str]
    at: float  # time.monotonic() when the request line was read


@dataclass(frozen=True)
class _Resource:
    """A file ready to be sent: its bytes after templating, and its validators."""

    body: bytes
    content_type: str
    etag: str
    mtime: float


class _SiteHTTPServer(ThreadingHTTPServer):
    """Carries the site root, the base URL and the request log for the handlers."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], root: Path) -> None:
        super().__init__(address, _Handler)
        self.root = root.resolve()
        self.requests: list[RequestRecord] = []
        self.lock = threading.Lock()
        host, port = self.server_address[:2]
        self.base_url = f"http://{host}:{port}"

    def record(self, record: RequestRecord) -> None:
        with self.lock:
            self.requests.append(record)


def resolve_path(root: Path, target: str) -> Path | None:
    """Map a request target to a file below ``root``; None when missing or outside ``root``.

    ``/`` and ``/dir/`` map to ``index.html``; the query string is ignored. A ``.`` or ``..``
    segment, percent-encoded or not, is refused outright rather than normalised, so a traversal
    attempt is a plain 404; a symlink out of ``root`` is refused too.
    """
    path = unquote(urlsplit(target).path)
    parts = [part for part in path.split("/") if part]
    if any(part in {".", ".."} or "\\" in part or "\x00" in part for part in parts):
        return None
    candidate = root.joinpath(*parts) if parts else root
    if candidate.is_dir():
        candidate = candidate / "index.html"
    try:
        resolved = candidate.resolve()
    except OSError:
        return None
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved


def load_resource(path: Path, base_url: str) -> _Resource:
    """Read a file, fill in ``{BASE}`` where templated, and compute its validators."""
    body = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in TEMPLATED_SUFFIXES:
        body = body.replace(BASE_PLACEHOLDER, base_url.encode("ascii"))
    # The ETag hashes the bytes actually sent, so a changed file or port gets a new tag.
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
    return _Resource(body, content_type, etag, path.stat().st_mtime)


def is_not_modified(headers: dict[str, str], resource: _Resource) -> bool:
    """Whether a conditional GET may be answered with 304 (RFC 9110 section 13.2.2).

    ``If-None-Match`` wins over ``If-Modified-Since`` when both are present.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    if_none_match = lowered.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or resource.etag in tags
    if_modified_since = lowered.get("if-modified-since")
    if if_modified_since:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        # HTTP dates have whole seconds: compare at that precision.
        return int(resource.mtime) <= int(since)
    return False


class _Handler(BaseHTTPRequestHandler):
    """Serves GET and HEAD from the site root; anything else gets 405."""

    server: _SiteHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, like real servers; every response has a length
    server_version = "DemoSite/1.0"
    timeout = 30  # an idle keep-alive connection must not hold a thread forever

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_POST(self) -> None:
        self._record()
        self._send_error(HTTPStatus.METHOD_NOT_ALLOWED, send_body=True, allow="GET, HEAD")

    do_PUT = do_DELETE = do_PATCH = do_POST

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: tests and the demo command print their own summaries."""

    def _record(self) -> dict[str, str]:
        headers = dict(self.headers.items())
        self.server.record(RequestRecord(self.command, self.path, headers, time.monotonic()))
        return headers

    def _serve(self, *, send_body: bool) -> None:
        headers = self._record()
        path = resolve_path(self.server.root, self.path)
        if path is None:
            self._send_error(HTTPStatus.NOT_FOUND, send_body=send_body)
            return
        resource = load_resource(path, self.server.base_url)
        if is_not_modified(headers, resource):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._send_validators(resource)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(resource.body)))
        self._send_validators(resource)
        self.end_headers()
        if send_body:
            self.wfile.write(resource.body)

    def _send_validators(self, resource: _Resource) -> None:
        self.send_header("ETag", resource.etag)
        self.send_header("Last-Modified", email.utils.formatdate(resource.mtime, usegmt=True))

    def _send_error(self, status: HTTPStatus, *, send_body: bool, allow: str = "") -> None:
        body = f"<html><body><h1>{status.value} {status.phrase}</h1></body></html>".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        if allow:
            self.send_header("Allow", allow)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class SiteServer:
    """A running sample-site server. Use :func:`serve_site` or :func:`start_site`."""

    def __init__(self, httpd: _SiteHTTPServer, thread: threading.Thread) -> None:
        self._httpd = httpd
        self._thread = thread
        self.base_url: str = httpd.base_url
        #: Every request received, in order (appended under a lock by the handler threads).
        self.requests: list[RequestRecord] = httpd.requests

    @property
    def root(self) -> Path:
        """The directory being served."""
        return self._httpd.root

    def url(self, path: str) -> str:
        """The absolute URL of a root-relative ``path`` on this server."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def close(self) -> None:
        """Stop serving and release the port. Safe to call twice."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def start_site(root: Path = SITE_DIR, host: str = "127.0.0.1", port: int = 0) -> SiteServer:
    """Serve ``root`` on ``host:port`` (port 0: a free one) from a daemon thread.

    The caller must call :meth:`SiteServer.close`; prefer :func:`serve_site` where a ``with``
    block fits.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"site directory not found: {root}")
    httpd = _SiteHTTPServer((host, port), root)
    thread = threading.Thread(
        target=httpd.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"demo-site:{httpd.base_url}",
        daemon=True,
    )
    thread.start()
    return SiteServer(httpd, thread)


@contextmanager
def serve_site(
    root: Path = SITE_DIR, host: str = "127.0.0.1", port: int = 0
) -> Iterator[SiteServer]:
    """Serve ``root`` for the duration of a ``with`` block and yield the running server."""
    server = start_site(root, host, port)
    try:
        yield server
    finally:
        server.close()
