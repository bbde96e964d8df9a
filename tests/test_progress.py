"""What a person sees: a live status line on a terminal, one line per URL with -v, else nothing."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time

from reportarchiver._progress import LiveStatus
from test_cli import write_config


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def event(**changes: object) -> dict:
    base = {"url": "http://127.0.0.1/r/1.html", "kind": "report", "state": "done",
            "detail": "new", "host": "127.0.0.1", "fetched": 3, "new_reports": 2,
            "changed_reports": 0, "unchanged": 1, "errors": 0, "skipped": 1, "in_flight": 2,
            "queued": 41}
    return {**base, **changes}


def test_on_a_terminal_the_status_line_shows_progress_outcomes_errors_and_host_rates():
    screen = Terminal()
    status = LiveStatus(screen)
    status(event())
    line = screen.getvalue()
    assert line.startswith("\r") and line.endswith("\x1b[K")
    for part in ("3 pages fetched", "41 queued", "2 in flight", "new 2", "unchanged 1",
                 "errors 0", "skipped 1", "127.0.0.1 "):
        assert part in line, part


def test_a_failure_gets_a_line_of_its_own_on_a_terminal():
    screen = Terminal()
    status = LiveStatus(screen)
    status(event(state="failed", detail="HTTP 503", url="http://127.0.0.1/r/9.html"))
    assert "failed   http://127.0.0.1/r/9.html HTTP 503\n" in screen.getvalue()


def test_off_a_terminal_nothing_is_shown_unless_verbose():
    quiet, chatty = io.StringIO(), io.StringIO()
    LiveStatus(quiet)(event(state="failed", detail="HTTP 503"))
    LiveStatus(chatty, verbose=True)(event())
    assert quiet.getvalue() == ""
    assert chatty.getvalue() == "done     http://127.0.0.1/r/1.html new\n"


def test_a_crawl_on_a_real_terminal_draws_live_status_lines(site, tmp_path, expected_site):
    config = write_config(tmp_path, site.base_url)
    # slow enough for several redraws (one every 0.1 s)
    config.write_text(config.read_text().replace("delay_seconds = 0", "delay_seconds = 0.05"))
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "reportarchiver", "crawl", "--config",
                             str(config)], stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    screen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the crawl closed the terminal
                break
            if not chunk:
                break
            screen += chunk
        elif proc.poll() is not None:
            break
    out, _ = proc.communicate(timeout=30)
    os.close(leader)
    assert proc.returncode == 0
    lines = [part for part in screen.decode().split("\r") if "pages fetched" in part]
    assert len(lines) >= 2  # redrawn as the crawl goes
    queued = [int(m[1]) for line in lines if (m := re.search(r"(\d+) queued", line))]
    assert queued and max(queued) > 0  # the demo site has more URLs than fit in flight
    assert f"{len(expected_site['reports'])} new" in out  # the summary still goes to stdout
