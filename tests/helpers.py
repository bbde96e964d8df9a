"""Helpers shared by the tests (importable as ``helpers``: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import re
from pathlib import Path

from reportarchiver.config import Config, CrawlerConfig, SiteConfig
from reportarchiver.demo.run import DEMO_REPORT_PATTERN

FIXTURES = Path(__file__).parent / "fixtures"


def fast_crawler(**overrides: object) -> CrawlerConfig:
    """Politeness scaled down for tests (the tests that measure it set their own delays)."""
    values: dict[str, object] = {"delay_seconds": 0.0, "concurrency": 8,
                                 "per_host_concurrency": 4, "timeout_seconds": 5,
                                 "max_attempts": 2, "clean_workers": 0}
    values.update(overrides)
    return CrawlerConfig(**values)  # type: ignore[arg-type]


def site_config(base_url: str, db: Path, name: str = "demo", **crawler: object) -> Config:
    """A config crawling the sample site served at ``base_url``."""
    site = SiteConfig(name=name, start_urls=(base_url + "/",),
                      include=(re.compile("^" + re.escape(base_url) + "/"),),
                      report_pattern=re.compile(DEMO_REPORT_PATTERN))
    return Config(crawler=fast_crawler(**crawler), database=db, sites=(site,))


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def analyze_or_die(fetch, hints, *, body=True):
    """A clean worker's job that kills its process on pages containing ``CRASH`` (as a crash
    in a C parser would); importable by worker processes."""
    import os

    from reportarchiver._pipeline import analyze_page

    if b"CRASH" in fetch.body:
        os._exit(70)
    return analyze_page(fetch, hints, body=body)


class RawServer:
    """A socket server on 127.0.0.1 whose handler writes raw bytes (with any timing) to each
    connection: what no well-behaved HTTP server library would send. ``handler(path, conn)``
    runs in a thread per connection; ``requests`` lists the paths asked for, in order."""

    def __init__(self, handler, host: str = "127.0.0.1") -> None:
        import socket
        import threading

        self.handler = handler
        self.requests: list[str] = []
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, 0))
        self.listener.listen(64)
        self.listener.settimeout(0.1)
        self.base_url = f"http://{host}:{self.listener.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import threading

        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn) -> None:
        with conn:
            conn.settimeout(5)
            try:
                request = conn.recv(65536).decode("latin-1")
                path = request.split(" ", 2)[1] if request.count(" ") >= 2 else "/"
                self.requests.append(path)
                self.handler(path, conn)
            except OSError:
                pass  # the client gave up (a deadline): nothing to do

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.listener.close()

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def http_response(body: bytes = b"", status: str = "200 OK",
                  headers: dict[str, str] | None = None) -> bytes:
    """The bytes of an HTTP/1.1 response with a Content-Length, closing the connection."""
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close",
             *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def wait_until_up(url: str, process, timeout: float = 30) -> None:
    """Wait until ``url`` answers, or fail when the server ``process`` has exited."""
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Datasette exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(url)
