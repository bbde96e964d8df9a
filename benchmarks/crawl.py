#!/usr/bin/env python3
"""Benchmark the crawler against Scrapy and a bare httpx loop on a local nginx site.

    .venv/bin/python benchmarks/crawl.py                 # 10,000 report pages, concurrency 16
    .venv/bin/python benchmarks/crawl.py --pages 1000    # a quick run
    .venv/bin/python benchmarks/crawl.py --big           # ... then the project alone at 100,000

Needs nginx (``apt-get install -y nginx``) and, unless ``--skip-scrapy``, Scrapy (the ``bench``
extra). The site (see ``crawl_site.py``) is generated into a temp dir and served by an nginx of
our own on 127.0.0.1 and a free port; the temp dir, databases included, is removed at the end.

With politeness off (delay 0, robots.txt not read) and the same concurrency, three contenders
crawl the same site, each in a subprocess of its own so that its peak RSS is its own:

* **reportarchiver**: the library's ``crawl()`` end to end (discover, fetch, clean, store into a
  fresh SQLite archive), ``per_host_concurrency`` = ``concurrency``;
* **scrapy**: a minimal spider (``scrapy_spider.py``) following links and extracting the body
  with CSS selectors, storing nothing;
* **bare httpx**: an async loop GETting the known URLs, the fetch ceiling.

Times are each contender's own crawl (interpreter and import start-up excluded); pages/s counts
every page fetched, list pages included. The contenders are CPU-bound, so the table also gives
pages per CPU-second (the project's CPU includes its clean workers'), the figure to compare
when other processes share the machine: wall-clock rates then drop, CPU rates much less.
Memory: each process's peak RSS, and for the project the peak PSS summed over its process
tree (crawler, clean workers, their fork server), which is what the crawl really holds.

The table is printed and written as JSON to ``--out`` (default ``benchmarks/out/``).
``--big`` then crawls a 100,000-page site with the project alone and reports its memory along
the way, to show whether it grows with the number of pages (1.5 GB of site and 5 GB of
archive in the temp dir; about 8 minutes on a 2-core machine). ``--concurrency`` (default 16)
applies to all three; ``--clean-workers N`` overrides the project's ``clean_workers``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportarchiver.config import Config

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from crawl_site import Nginx, Site, find_nginx, generate_site  # noqa: E402

OUT = HERE / "out"
BIG_PAGES = 100_000
REPORT_PATTERN = r"/(baogao|tjgongbao)/\w+/\d+\.html$"
TARGET_RSS_MB = 200


# -- measuring inside a child --------------------------------------------------------------------


def rss_mb() -> float:
    """The current resident set size of this process, from /proc (Linux)."""
    return _rss_of(os.getpid())


def own_usage() -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # ru_maxrss is in KB on Linux
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2)}


def project_config(base_url: str, database: Path, concurrency: int,
                   clean_workers: int | None = None) -> Config:
    """The project's config for the bench site: politeness off, depth unbounded in practice.

    Deep pagination (index_2 ... index_500, reachable a few pages at a time) is many hops from
    the start URL; Scrapy's default has no depth limit either.
    """
    from reportarchiver.config import Config, CrawlerConfig, SiteConfig

    site = SiteConfig(name="bench", start_urls=(base_url + "/",),
                      include=(re.compile("^" + re.escape(base_url) + "/"),),
                      report_pattern=re.compile(REPORT_PATTERN))
    # clean_workers is only passed when asked for: the default is what users get
    workers = {} if clean_workers is None else {"clean_workers": clean_workers}
    crawler = CrawlerConfig(delay_seconds=0.0, respect_robots=False, concurrency=concurrency,
                            per_host_concurrency=concurrency, max_depth=100_000,
                            timeout_seconds=30.0, **workers)
    return Config(crawler=crawler, database=database, sites=(site,))


def run_project(base_url: str, database: Path, concurrency: int, pages: int,
                clean_workers: int | None = None) -> dict[str, Any]:
    """The project's crawl of the whole site into a fresh archive, with RSS sampled on the way."""
    # imported here, not at the top: the other contenders' processes must not carry it
    from reportarchiver.crawl import crawl
    from reportarchiver.store import Archive

    every = max(1, pages // 20)
    samples: list[tuple[int, float]] = []
    fetched = [0]

    def progress(event: dict[str, Any]) -> None:
        fetched[0] = event["fetched"]
        if event["fetched"] >= (len(samples) + 1) * every:
            samples.append((event["fetched"], round(rss_mb(), 1)))

    for suffix in ("", "-wal", "-shm"):  # a fresh archive
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    config = project_config(base_url, database, concurrency, clean_workers)
    with Archive(database) as archive, TreeWatch(lambda: fetched[0]) as watch:
        started, cpu = time.perf_counter(), time.process_time()
        summary = asyncio.run(crawl(config, archive, progress=progress))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        stored = archive.count("reports")
    own = own_usage()
    return {"pages": summary.counters["fetched"], "items": stored,
            "errors": summary.counters["errors"], "seconds": round(seconds, 3),
            # CPU of the crawl: this process's and its clean workers'
            "crawl_cpu": round(cpu + watch.children_cpu, 3), "workers_cpu": watch.children_cpu,
            "clean_workers": getattr(config.crawler, "clean_workers", 0),
            "rss_samples": samples, "db_mb": round(database.stat().st_size / 2**20, 1),
            **own, "tree_pss_peak_mb": watch.peak[0],
            "tree_pss_peak_at_pages": watch.peak[1]}


class TreeWatch:
    """Polls the memory and CPU of this process and its descendants (the crawler's clean
    workers, their fork server and resource tracker) from a thread.

    ``peak`` is [MB, pages fetched then]: the largest PSS summed over the process tree (PSS
    splits a page shared by n processes n ways, so the sum is what the tree really holds),
    caught even when it falls between two progress events. ``children_cpu`` is the CPU
    seconds the descendants had used when last seen, which ``getrusage`` cannot tell for
    grandchildren.
    """

    def __init__(self, fetched: Callable[[], int], interval: float = 1.0) -> None:
        self.fetched, self.interval = fetched, interval
        self.peak: list[float] = [0.0, 0]
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def children_cpu(self) -> float:
        return round(sum(self._cpu.values()), 2)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        total = 0.0
        for pid in _descendants(os.getpid()):
            try:
                total += _pss_of(pid)
                if pid != os.getpid():
                    self._cpu[pid] = _cpu_of(pid)
            except (OSError, ValueError, IndexError):  # the process has just exited
                continue
        if total > self.peak[0]:
            self.peak = [round(total, 1), self.fetched()]

    def __enter__(self) -> TreeWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, from /proc/<pid>/task/<tid>/children."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(c) for c in task.read_text().split())
            except OSError:
                continue
    return found


def _rss_of(pid: int) -> float:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _pss_of(pid: int) -> float:
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _cpu_of(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # the name may contain spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def fetch_all(urls: list[str], concurrency: int) -> dict[str, Any]:
    """GET every URL with ``concurrency`` workers sharing one client: the fetch ceiling."""
    import httpx

    todo = iter(urls)
    counts = {"pages": 0, "errors": 0, "bytes": 0}

    async def worker(client: httpx.AsyncClient) -> None:
        for url in todo:  # one iterator shared by all workers: each URL is taken once
            response = await client.get(url)
            counts["pages"] += 1
            counts["bytes"] += len(response.content)
            counts["errors"] += response.status_code != 200

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30.0, trust_env=False) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return counts


def run_bare(base_url: str, urls_file: Path, concurrency: int) -> dict[str, Any]:
    urls = [base_url + line for line in urls_file.read_text(encoding="utf-8").split()]
    started, cpu = time.perf_counter(), time.process_time()
    counts = asyncio.run(fetch_all(urls, concurrency))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {**counts, "items": 0, "seconds": round(seconds, 3), "crawl_cpu": round(cpu, 3),
            **own_usage()}


def child_main(args: argparse.Namespace) -> None:
    """Run one contender in this (child) process and write its figures to ``--result``."""
    if args.child == "project":
        result = run_project(args.base, args.db, args.concurrency, args.pages,
                             args.clean_workers)
    else:
        result = run_bare(args.base, args.urls, args.concurrency)
    args.result.write_text(json.dumps(result), encoding="utf-8")


# -- the parent: site, server, contenders, table -------------------------------------------------


def run_child(argv: list[str], result: Path) -> dict[str, Any]:
    """Run a contender's process to the end and read the figures it wrote."""
    result.unlink(missing_ok=True)
    subprocess.run([sys.executable, *argv, "--result", str(result)], check=True)
    return json.loads(result.read_text(encoding="utf-8"))


def contenders(site: Site, base_url: str, work: Path, args: argparse.Namespace,
               names: list[str]) -> dict[str, dict[str, Any]]:
    """Each named contender's figures, one after the other against the same server."""
    common = ["--base", base_url, "--concurrency", str(args.concurrency)]
    argv = {
        "bare httpx": [__file__, "--child", "bare", "--urls", str(site.root / "urls.txt"),
                       *common],
        "scrapy": [str(HERE / "scrapy_spider.py"), base_url,
                   "--concurrency", str(args.concurrency)],
        "reportarchiver": [__file__, "--child", "project", "--db", str(work / "archive.db"),
                           "--pages", str(len(site.paths)), *common,
                           *([] if args.clean_workers is None else
                             ["--clean-workers", str(args.clean_workers)])],
    }
    results = {}
    for name in names:
        print(f"  {name} ...", flush=True)
        results[name] = run_child(argv[name], work / "result.json")
        results[name]["pages_per_second"] = round(
            results[name]["pages"] / max(results[name]["seconds"], 1e-9), 1)
    return results


def bench_site(work: Path, report_pages: int, args: argparse.Namespace,
               names: list[str]) -> dict[str, Any]:
    """Generate a site of ``report_pages``, serve it, run the contenders, stop the server."""
    started = time.perf_counter()
    site = generate_site(work / f"site-{report_pages}", report_pages)
    print(f"site: {len(site.paths):,} pages ({site.reports:,} reports in {report_pages:,} "
          f"report pages, {site.bytes / 2**20:.0f} MB) generated in "
          f"{time.perf_counter() - started:.1f}s", flush=True)
    with Nginx(site.root, work / "nginx") as nginx:
        results = contenders(site, nginx.base_url, work, args, names)
    return {"report_pages": report_pages, "reports": site.reports, "site_pages": len(site.paths),
            "site_mb": round(site.bytes / 2**20, 1), "results": results}


def ratios(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    ours = results["reportarchiver"]["pages_per_second"]
    return {f"reportarchiver/{name}": round(ours / r["pages_per_second"], 2)
            for name, r in results.items() if name != "reportarchiver" and r["pages_per_second"]}


def checks(run: dict[str, Any]) -> list[str]:
    """What looks wrong: a contender that did not fetch every page, or errors."""
    problems = []
    for name, r in run["results"].items():
        if r["pages"] != run["site_pages"]:
            problems.append(f"{name} fetched {r['pages']} of {run['site_pages']} pages")
        if r.get("errors"):
            problems.append(f"{name} had {r['errors']} errors")
    ours = run["results"].get("reportarchiver")
    if ours and ours["items"] != run["reports"]:
        problems.append(f"reportarchiver stored {ours['items']} of {run['reports']} reports")
    return problems


def table(run: dict[str, Any]) -> str:
    """One row per contender; "project/it" is the project's rate divided by the row's."""
    results = run["results"]
    ours = results.get("reportarchiver", {}).get("pages_per_second", 0)
    lines = [f"{'contender':<16}{'pages':>8}{'items':>8}{'seconds':>9}{'pages/s':>9}"
             f"{'project/it':>11}{'CPU s':>8}{'pages/CPU-s':>12}{'peak RSS':>10}"
             f"{'tree PSS':>10}"]
    for name, r in results.items():
        ratio = f"{ours / r['pages_per_second']:.2f}x" if name != "reportarchiver" else "-"
        cpu = r.get("crawl_cpu") or r["cpu_seconds"]
        pss = f"{r['tree_pss_peak_mb']:.0f} MB" if r.get("tree_pss_peak_mb") else "-"
        lines.append(f"{name:<16}{r['pages']:>8,}{r['items']:>8,}{r['seconds']:>9.1f}"
                     f"{r['pages_per_second']:>9.1f}{ratio:>11}{cpu:>8.1f}"
                     f"{r['pages'] / max(cpu, 1e-9):>12.1f}{r['peak_rss_mb']:>7.0f} MB"
                     f"{pss:>10}")
    return "\n".join(lines)


def verdict(main_run: dict[str, Any], big: dict[str, Any] | None) -> list[str]:
    """The issue's targets, each with its measured figure."""
    results = main_run["results"]
    ours = results["reportarchiver"]
    lines = []
    if "scrapy" in results:
        lines.append(_target("at least Scrapy's rate", ours["pages_per_second"],
                             results["scrapy"]["pages_per_second"], "pages/s"))
    lines.append(_target("at least half the bare-fetch rate", ours["pages_per_second"],
                         results["bare httpx"]["pages_per_second"] / 2, "pages/s"))
    for run in (main_run, big):
        if run:
            mb = _memory(run["results"]["reportarchiver"])
            lines.append(_target(f"peak memory under {TARGET_RSS_MB} MB at "
                                 f"{run['report_pages']:,} report pages", -mb,
                                 -TARGET_RSS_MB, "MB", sign=-1))
    if big:
        lines.append("crawler RSS along the crawls (pages fetched: MB): " + "; ".join(
            _rss_curve(run) for run in (main_run, big)))
    return lines


def _memory(figures: dict[str, Any]) -> float:
    """The crawl's memory: its process tree's PSS with clean workers, else its own peak RSS."""
    return max(figures["peak_rss_mb"], figures.get("tree_pss_peak_mb") or 0.0)


def _rss_curve(run: dict[str, Any]) -> str:
    samples = run["results"]["reportarchiver"].get("rss_samples") or []
    n = len(samples)
    picked = [samples[i] for i in sorted({0, n // 4, n // 2, 3 * n // 4, n - 1})] if n else []
    return ", ".join(f"{pages:,}: {mb:.0f}" for pages, mb in picked)


def _target(what: str, have: float, need: float, unit: str, sign: int = 1) -> str:
    """``have >= need`` passes; ``sign=-1`` prints both negated back (for upper bounds)."""
    mark = "ok  " if have >= need else "MISS"
    return f"{mark} {what}: {sign * have:.1f} vs {sign * need:.1f} {unit}"


def report(summary: dict[str, Any], out: Path) -> None:
    """Write everything as JSON under ``out``, and print the tables and the targets."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"crawl-{summary['main']['report_pages']}.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for run in (summary["main"], summary.get("big")):
        if run:
            print(f"\n{run['site_pages']:,} pages ({run['reports']:,} reports, "
                  f"{run['site_mb']:.0f} MB), concurrency {summary['concurrency']}, "
                  f"politeness off:")
            print(table(run))
            for problem in checks(run):
                print(f"WARNING: {problem}")
    print()
    print("\n".join(verdict(summary["main"], summary.get("big"))))
    print(f"\nwritten to {path}")


def environment() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return ""

    binary = find_nginx()
    nginx = subprocess.run([binary, "-v"], capture_output=True, text=True).stderr if binary else ""
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "machine": platform.machine(), "nginx": nginx.strip().split("/")[-1],
            **{name: v(name) for name in ("httpx", "scrapy", "selectolax", "sqlite-utils")}}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=10_000, help="report pages of the site")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--skip-scrapy", action="store_true")
    p.add_argument("--big", action="store_true",
                   help=f"then crawl a {BIG_PAGES:,}-page site with the project alone (peak RSS)")
    p.add_argument("--big-pages", type=int, default=BIG_PAGES, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, default=OUT, help="where the JSON goes")
    p.add_argument("--clean-workers", type=int, default=None,
                   help="the project's crawler.clean_workers (default: the config default)")
    # a contender's own process (see child_main)
    for flag, kind in (("--child", str), ("--base", str), ("--db", Path), ("--urls", Path),
                       ("--result", Path)):
        p.add_argument(flag, type=kind, help=argparse.SUPPRESS)
    return p.parse_args()


def main() -> None:
    args = parse_args()
    if args.child:
        child_main(args)
        return
    # a SIGTERM unwinds like an exception, so nginx stops and the temp dir is removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    names = ["bare httpx", "reportarchiver"] if args.skip_scrapy else [
        "bare httpx", "scrapy", "reportarchiver"]
    summary: dict[str, Any] = {"concurrency": args.concurrency, "environment": environment()}
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        summary["main"] = bench_site(Path(tmp), args.pages, args, names)
        if args.big:
            summary["big"] = bench_site(Path(tmp), args.big_pages, args, ["reportarchiver"])
    summary["ratios"] = ratios(summary["main"]["results"])
    report(summary, args.out)


if __name__ == "__main__":
    main()
