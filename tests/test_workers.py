"""Worker processes: same results as in-process cleaning, and none outlives a killed crawler."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from helpers import FIXTURES, alive, analyze_or_die, descendants
from reportarchiver._pipeline import analyze_page
from reportarchiver.crawl._workers import PageAnalyzer
from reportarchiver.errors import CleanerCrashed
from reportarchiver.models import FetchResult


def a_fetch() -> FetchResult:
    page = sorted((FIXTURES / "clean").glob("*.html"))[0]
    return FetchResult("http://127.0.0.1/r/1.html", "http://127.0.0.1/r/1.html", 200,
                       {"content-type": "text/html"}, page.read_bytes(), "2026-01-01T00:00:00Z")


def test_a_worker_gives_the_same_result_as_this_process():
    fetch = a_fetch()
    analyzer = PageAnalyzer(1)
    try:
        in_worker = asyncio.run(analyzer(fetch, None))
    finally:
        analyzer.close()
    assert in_worker == analyze_page(fetch, None)


def test_workers_and_fork_server_exit_when_the_crawler_is_killed(tmp_path):
    # busy workers: each page takes about 2 s to clean, and the queue holds more
    script = tmp_path / "crawler.py"
    script.write_text(textwrap.dedent("""
        import asyncio
        from reportarchiver.crawl import _workers as workers
        from reportarchiver.models import FetchResult

        if __name__ == "__main__":
            analyzer = workers.PageAnalyzer(2)
            body = b"<div>" * 30_000 + b"<p>" + "养老".encode() * 200_000
            url = "http://127.0.0.1/r/1.html"
            fetch = FetchResult(url, url, 200, {}, body, "2026-01-01T00:00:00Z")

            async def main():
                jobs = [asyncio.ensure_future(analyzer(fetch, None)) for _ in range(4)]
                await asyncio.sleep(0.5)
                print("busy", flush=True)
                await asyncio.gather(*jobs)

            asyncio.run(main())
        """), encoding="utf-8")
    crawler = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                               text=True, cwd=tmp_path)
    assert crawler.stdout is not None
    assert crawler.stdout.readline().strip() == "busy"
    children = descendants(crawler.pid)
    assert len(children) >= 3  # the fork server and two workers
    os.kill(crawler.pid, signal.SIGKILL)
    # no wait() yet: a zombie crawler must count as gone too
    deadline = time.monotonic() + 10
    while any(alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in children if alive(p)]
    crawler.wait()
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} of {len(children)} processes outlived the crawler"


def test_a_page_that_kills_its_worker_fails_alone_and_the_others_go_on():
    good = a_fetch()
    bad = FetchResult(good.url + "?crash", good.url + "?crash", 200, good.headers,
                      good.body.replace(b"<body", b"<body data-x='CRASH'", 1), good.fetched_at)
    assert b"CRASH" in bad.body
    analyzer = PageAnalyzer(1, analyze=analyze_or_die)

    async def main():
        return await asyncio.gather(*(analyzer(f, None) for f in (good, bad, good, good)),
                                    return_exceptions=True)

    try:
        results = asyncio.run(main())
        after = asyncio.run(analyzer(good, None))  # the analyzer still works afterwards
    finally:
        analyzer.close()
    expected = analyze_page(good, None)
    assert [r for i, r in enumerate(results) if i != 1] == [expected] * 3
    assert isinstance(results[1], CleanerCrashed) and results[1].url == bad.url
    assert after == expected


@pytest.mark.slow
def test_many_crashing_pages_among_many_fail_alone_and_the_process_exits(tmp_path):
    # pools breaking while pages keep arriving once orphaned workers and hung the exit
    script = tmp_path / "crashes.py"
    script.write_text(textwrap.dedent(f"""
        import asyncio, sys
        sys.path.insert(0, {str(FIXTURES.parent)!r})
        from helpers import FIXTURES, analyze_or_die
        from reportarchiver.errors import CleanerCrashed
        from reportarchiver.models import FetchResult
        from reportarchiver.crawl._workers import PageAnalyzer

        if __name__ == "__main__":
            body = sorted((FIXTURES / "clean").glob("*.html"))[0].read_bytes()
            crash = body.replace(b"<body", b"<body data-x='CRASH'", 1)
            pages = [FetchResult(f"http://127.0.0.1/r/{{i}}.html", "", 200, {{}},
                                 crash if i % 10 == 3 else body, "") for i in range(200)]
            analyzer = PageAnalyzer(4, analyze=analyze_or_die)
            slots = asyncio.Semaphore(12)

            async def one(page):
                async with slots:
                    try:
                        await analyzer(page, None)
                        return "ok"
                    except CleanerCrashed:
                        return "crash"

            async def main():
                return await asyncio.gather(*map(one, pages))

            outcomes = asyncio.run(main())
            analyzer.close()
            print(" ".join(str(i) for i, o in enumerate(outcomes) if o == "crash"))
        """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(i) for i in range(200) if i % 10 == 3]
    assert "leaked" not in done.stderr and "Traceback" not in done.stderr
