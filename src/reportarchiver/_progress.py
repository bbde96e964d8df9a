"""What a run shows: a live status line on a terminal, nothing but a summary under cron."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class LiveStatus:
    """A one-line live display on a TTY: pages fetched and queued, outcomes, errors, the
    busiest hosts' rates. Off a TTY it shows nothing but, with ``verbose``, one line per URL."""

    def __init__(self, stream: TextIO | None = None, verbose: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.verbose = verbose
        self.started = time.monotonic()
        self.per_host: dict[str, int] = {}
        self._last_draw = 0.0

    def __call__(self, event: dict[str, Any]) -> None:
        host = event.get("host", "")
        self.per_host[host] = self.per_host.get(host, 0) + 1
        if self.verbose or (event["state"] == "failed" and self.tty):
            self._clear()
            print(f"{event['state']:8} {event['url']} {event.get('detail', '')}".rstrip(),
                  file=self.stream)
        if self.tty and time.monotonic() - self._last_draw > 0.1:
            self._draw(event)

    def _draw(self, event: dict[str, Any]) -> None:
        self._last_draw = time.monotonic()
        elapsed = max(0.001, self._last_draw - self.started)
        rates = ", ".join(f"{h} {n / elapsed:.1f}/s" for h, n in
                          sorted(self.per_host.items(), key=lambda kv: -kv[1])[:3])
        line = (f"\r{event['fetched']} pages fetched, {event.get('queued', 0)} queued, "
                f"{event['in_flight']} in flight | "
                f"new {event['new_reports']} changed {event['changed_reports']} unchanged "
                f"{event['unchanged']} | errors {event['errors']} skipped {event['skipped']} | "
                f"{rates}")
        self.stream.write(line[:200] + "\x1b[K")
        self.stream.flush()

    def _clear(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K")

    def __enter__(self) -> LiveStatus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._clear()
        if self.tty:
            self.stream.flush()
