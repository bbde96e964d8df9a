#!/usr/bin/env python3
"""Benchmark WARC export and import against warcio's own writer and reader, on one machine.

    .venv/bin/python benchmarks/warc.py                # 512 MB of pages out, a 1 GB WARC in
    .venv/bin/python benchmarks/warc.py --mb 64 --export-mb 32   # a quick run
    .venv/bin/python benchmarks/warc.py --skip-archive           # the file-level figures only
    .venv/bin/python benchmarks/warc.py --archive-only           # the archive-level ones only

Everything is generated here (nothing is downloaded) and cached under ``benchmarks/out/``
(git-ignored; ``--fresh`` rebuilds): a pool of 400 report pages of 20-80 KB made from the
project's seed text, cycled under distinct URLs.

* **export**: ``write_warc`` (ours: per-record gzip at level 4, header rewriting, request
  records) against warcio's ``WARCWriter`` writing the same decoded pages as bare response
  records (its default gzip level 9). Figure: MB of page bodies per second.
* **import**: a foreign-looking ``.warc.gz`` of ``--mb`` MB, written by warcio the way wget
  writes (request record, then the response as it came off the wire: half the HTML pages
  gzip-encoded, a quarter chunked, one response in ten a 50 KB incompressible image).
  ``read_archive`` (ours: de-chunk, decode, pair requests, check for truncation) against
  warcio's ``ArchiveIterator`` reading every response's ``content_stream()`` (de-chunked
  and decoded by warcio: the ceiling), and the ``warcio index`` CLI (framing only, bodies
  skipped). Figure: response records per second.

* **archive import**: the same file imported into an empty archive by ``run_import_warc``
  (ours: scan, then every page through the crawl's own session: cleaning, metadata, search
  index, versions) against the warcio loop above (reading only). Figure: records per second
  (every WARC record, requests included, as ``import warc`` prints it) and responses per
  second.
* **archive export**: that archive written out by ``export warc``'s code (page versions as
  request/response pairs, report versions as metadata records) against warcio's
  ``WARCWriter`` writing the same rows' bodies as bare responses. Figure: MB of page
  bodies per second.

Each contender runs in a subprocess of its own, so that its peak RSS (VmHWM) is its own;
CPU seconds of the timed part are given too, the figure to compare when other work shares the
machine (the ``warcio index`` CLI's CPU includes its start-up).
Memory flatness: the import child also samples its RSS after 10 % and 50 % of the records.
"""

from __future__ import annotations

import argparse
import gzip
import io
import itertools
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SEED = next((ROOT.parent / "shared" / "seeds").glob("*.txt"), None) if (
    ROOT.parent / "shared" / "seeds").is_dir() else None
POOL = 400
FALLBACK = ("深入实施城市更新行动。投入3.7亿元完成老旧小区改造77万平方米，惠及居民1万余户。"
            "完成13条背街小巷改造提升。维修养护市政排水管线283千米。")


def chain() -> dict[str, list[str]]:
    """Which character follows which in the seed text: a first-order Markov chain, so that
    the generated pages have the characters of real text without repeating its sentences."""
    text = SEED.read_text(encoding="utf-8") if SEED else FALLBACK * 50
    text = "".join(text.split())
    follows: dict[str, list[str]] = {}
    for a, b in itertools.pairwise(text):
        follows.setdefault(a, []).append(b)
    return follows


def pages() -> list[bytes]:
    """The pool of distinct HTML pages, GBK like many government sites (cached)."""
    cache = OUT / f"pages-{POOL}-v1.bin"
    if cache.exists():
        data = cache.read_bytes()
        out, at = [], 0
        while at < len(data):
            size = int.from_bytes(data[at:at + 4], "big")
            out.append(data[at + 4:at + 4 + size])
            at += 4 + size
        return out
    out = make_pages()
    OUT.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(b"".join(len(p).to_bytes(4, "big") + p for p in out))
    return out


def make_pages() -> list[bytes]:
    rng = random.Random(12)
    follows = chain()
    starts = list(follows)
    out = []
    for n in range(POOL):
        target = rng.randint(10_000, 40_000)  # characters: 20-80 KB in GBK
        paragraphs: list[str] = []
        size = 0
        while size < target:
            char = rng.choice(starts)
            chars = [char]
            for _ in range(rng.randint(60, 400)):
                # jumping elsewhere one time in four keeps the seed's short phrases but not
                # its long runs: gzip then shrinks the pages ~3.5x, as it does real ones
                jump = rng.random() < 0.25 or char not in follows
                char = rng.choice(starts) if jump else rng.choice(follows[char])
                chars.append(char)
            paragraphs.append(f"<p>{''.join(chars)}</p>")
            size += len(chars)
        html = (f"<html><head><meta charset='gbk'><title>政府工作报告 {n}</title></head>"
                f"<body><div class='nav'>首页 | 政务公开</div>{''.join(paragraphs)}"
                "<div class='foot'>版权所有</div></body></html>")
        out.append(html.encode("gbk", "replace"))
    return out


def url(n: int, kind: str = "html") -> str:
    return f"http://www.example.test/zwgk/{n // 1000}/{n}.{kind}"


HEADERS = (("Server", "nginx"), ("Date", "Mon, 02 Jan 2023 03:04:05 GMT"),
           ("Content-Type", "text/html; charset=GBK"))


# -- export ------------------------------------------------------------------------------

def export_count(export_mb: int, pool: list[bytes]) -> int:
    average = sum(map(len, pool)) / len(pool)
    return int(export_mb * 1_000_000 / average)


def run_export(which: str, count: int, path: Path) -> dict[str, float]:
    from reportarchiver.interchange import CapturedResponse, write_warc

    pool = pages()
    sent = (("Host", "www.example.test"), ("User-Agent", "reportarchiver/0.1"))

    def responses():
        for n in range(count):
            body = pool[n % POOL]
            yield CapturedResponse(url(n), "2023-01-02T03:04:05+00:00", 200, "OK",
                                   (*HEADERS, ("Content-Encoding", "gzip"),
                                    ("Content-Length", "12345")), body, sent)

    body_bytes = sum(len(pool[n % POOL]) for n in range(count))
    start, cpu = time.perf_counter(), time.process_time()
    if which == "ours":
        write_warc(path, responses())
    else:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        with path.open("wb") as stream:
            writer = WARCWriter(stream, gzip=True)
            for item in responses():
                headers = [*HEADERS, ("Content-Length", str(len(item.body)))]
                writer.write_record(writer.create_warc_record(
                    item.url, "response", payload=io.BytesIO(item.body),
                    length=len(item.body),
                    http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                    warc_headers_dict={"WARC-Date": "2023-01-02T03:04:05Z"}))
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "body_mb": body_bytes / 1e6, "file_mb": path.stat().st_size / 1e6}


# -- import ------------------------------------------------------------------------------

def build_import_file(path: Path, mb: int) -> int:
    """A wget-like .warc.gz of about ``mb`` MB: request, then the response as on the wire."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pool = pages()
    zipped = [gzip.compress(p, 6) for p in pool]
    image = random.Random(3).randbytes(50_000)
    part = path.with_name(path.name + ".part")
    with part.open("wb") as stream:
        record = io.BytesIO()
        writer = WARCWriter(record, gzip=False)

        def member() -> None:  # one gzip member per record, at a level that builds fast
            stream.write(gzip.compress(record.getvalue(), 4))
            record.seek(0)
            record.truncate()

        n = 0
        while stream.tell() < mb * 1_000_000:
            headers = list(HEADERS)
            if n % 10 == 9:
                target, body = url(n, "jpg"), image
                headers[2] = ("Content-Type", "image/jpeg")
            elif n % 2 == 0:
                target, body = url(n), zipped[n % POOL]
                headers.append(("Content-Encoding", "gzip"))
            else:
                target, body = url(n), pool[n % POOL]
            if n % 4 == 1:
                body = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 8192]), body[i:i + 8192])
                                for i in range(0, len(body), 8192)) + b"0\r\n\r\n"
                headers.append(("Transfer-Encoding", "chunked"))
            else:
                headers.append(("Content-Length", str(len(body))))
            request = writer.create_warc_record(
                target, "request", http_headers=StatusAndHeaders(
                    f"GET {target[25:]} HTTP/1.1", [("Host", "www.example.test"),
                                                    ("User-Agent", "Wget/1.21.3")],
                    is_http_request=True),
                warc_headers_dict={"WARC-Date": "2023-01-02T03:04:05Z"})
            response = writer.create_warc_record(
                target, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": "2023-01-02T03:04:05Z"})
            request.rec_headers.add_header(
                "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
            writer.write_record(request)
            member()
            writer.write_record(response)
            member()
            n += 1
    part.replace(path)
    path.with_suffix(".json").write_text(json.dumps({"responses": n}))
    return n


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), in MB. Read here
    rather than from wait4's ru_maxrss, which starts from the parent's size at fork."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1000
    return float("nan")


def run_import(which: str, path: Path, total: int) -> dict[str, float]:
    samples: dict[str, float] = {}
    marks = {max(1, total // 10): "rss_10pct_mb", max(1, total // 2): "rss_50pct_mb"}
    count = body_bytes = 0
    start, cpu = time.perf_counter(), time.process_time()
    if which == "ours":
        from reportarchiver.interchange import read_archive

        for response in read_archive(path):
            count += 1
            body_bytes += len(response.body)
            if count in marks:
                samples[marks[count]] = rss_mb()
    else:
        from warcio.archiveiterator import ArchiveIterator

        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                count += 1
                body_bytes += len(record.content_stream().read())
                if count in marks:
                    samples[marks[count]] = rss_mb()
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "records": count, "body_mb": body_bytes / 1e6, **samples}


# -- archive level -------------------------------------------------------------------------

ARCHIVE = OUT / "bench-archive.db"
SITE_PATTERN = r"/zwgk/\d+/\d+\.html$"


class RssSampler:
    """This process's RSS every 0.2 s in a thread: the figures at 10 % and 50 % of the run
    show whether memory grows with the records read."""

    def __init__(self) -> None:
        import threading

        self.samples: list[tuple[float, float]] = []
        self.stop = threading.Event()
        self.started = time.perf_counter()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            self.samples.append((time.perf_counter() - self.started, rss_mb()))

    def at(self, fraction: float, total: float) -> float:
        self.stop.set()
        self.thread.join()
        when = [rss for elapsed, rss in self.samples if elapsed >= fraction * total]
        return when[0] if when else float("nan")


def run_archive_import(path: Path) -> dict[str, float]:
    import re

    from reportarchiver.config import Config, CrawlerConfig, SiteConfig
    from reportarchiver.interchange import run_import_warc

    for leftover in OUT.glob(ARCHIVE.name + "*"):
        leftover.unlink()
    site = SiteConfig("bench", ("http://www.example.test/",),
                      (re.compile(r"^http://www\.example\.test/"),),
                      report_pattern=re.compile(SITE_PATTERN))
    config = Config(crawler=CrawlerConfig(), database=ARCHIVE, sites=(site,))
    sampler = RssSampler()
    start, cpu = time.perf_counter(), time.process_time()
    summary = run_import_warc(config, [path])
    seconds = time.perf_counter() - start
    if summary.status != "ok" or summary.counters["errors"]:
        raise SystemExit(f"import failed: {summary.line()}")
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "records": summary.records,
            "responses": summary.in_scope, "reports": summary.counters["new_reports"],
            "db_mb": ARCHIVE.stat().st_size / 1e6,
            "rss_10pct_mb": sampler.at(0.1, seconds), "rss_50pct_mb": sampler.at(0.5, seconds)}


def run_archive_export(which: str, path: Path) -> dict[str, float]:
    import zlib

    from reportarchiver.store import Archive

    start, cpu = time.perf_counter(), time.process_time()
    with Archive(ARCHIVE) as archive:
        body_bytes = archive.query("SELECT sum(raw_size) FROM page_versions")[0][0]
        if which.startswith("ours"):
            from reportarchiver.interchange import write_warc
            from reportarchiver.store._exports import page_captures, report_snapshots, snapshot

            with snapshot(archive):
                write_warc(path, page_captures(archive),
                           report_snapshots(archive) if which == "ours" else ())
        else:
            from warcio.statusandheaders import StatusAndHeaders
            from warcio.warcwriter import WARCWriter

            with path.open("wb") as stream:
                writer = WARCWriter(stream, gzip=True)
                for target, raw, kind in archive._conn.execute(
                        "SELECT url, raw, content_type FROM page_versions ORDER BY id"):
                    body = zlib.decompress(raw)
                    headers = [("Content-Type", kind or ""), ("Content-Length", str(len(body)))]
                    writer.write_record(writer.create_warc_record(
                        target, "response", payload=io.BytesIO(body), length=len(body),
                        http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                        warc_headers_dict={"WARC-Date": "2023-01-02T03:04:05Z"}))
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "body_mb": body_bytes / 1e6, "file_mb": path.stat().st_size / 1e6}


def run_scan(path: Path) -> dict[str, float]:
    """The import's first pass alone: every record framed, in-scope responses indexed."""
    from reportarchiver.interchange import ArchiveScan, CaptureIndex

    sampler = RssSampler()
    start, cpu = time.perf_counter(), time.process_time()
    index = CaptureIndex([str(path)])
    scan = ArchiveScan(path)
    for ref in scan:
        index.add(ref.url, 0, ref)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "records": scan.records,
            "captures": len(index), "rss_10pct_mb": sampler.at(0.1, seconds),
            "rss_50pct_mb": sampler.at(0.5, seconds)}


def source_file(mb: int, fresh: bool) -> tuple[Path, int]:
    """The wget-like import file of ``mb`` MB (built once, cached) and its response count."""
    source = OUT / f"import-{mb}mb.warc.gz"
    if fresh or not source.exists() or not source.with_suffix(".json").exists():
        print(f"\nbuilding {source.name} ...", flush=True)
        build_import_file(source, mb)
    return source, json.loads(source.with_suffix(".json").read_text())["responses"]


def _rss(result: dict[str, float], peak: float) -> str:
    return (f"{peak:7.0f}MB {result['rss_10pct_mb']:6.0f}MB {result['rss_50pct_mb']:6.0f}MB")


def archive_figures(big: Path, archive_mb: int, fresh: bool) -> None:
    """Import into an empty archive and export it again, against warcio reading and writing
    the same data; the first pass alone on the big file (its memory is the index's)."""
    scan, peak, cpu = child(["--child", "scan", "ours", str(big), "0"])
    print(f"\nimport, first pass alone (scan and index) on {big.name}")
    print(f"{'':30} {'seconds':>8} {'records/s':>9} {'rec/CPU-s':>9} "
          f"{'peak RSS':>9} {'RSS@10%':>8} {'RSS@50%':>8}")
    print(f"{'ArchiveScan + CaptureIndex':30} {scan['seconds']:8.1f} "
          f"{scan['records'] / scan['seconds']:9.0f} {scan['records'] / cpu:9.0f} "
          f"{_rss(scan, peak)}   ({int(scan['captures']):,} captures indexed)")

    source, total = source_file(archive_mb, fresh)
    ours, peak, cpu = child(["--child", "aimport", "ours", str(source), "0"])
    peer, peer_peak, peer_cpu = child(["--child", "import", "warcio", str(source), str(total)])
    print(f"\narchive import: {source.name} into an empty archive "
          f"({int(ours['reports']):,} reports; archive {ours['db_mb']:.0f} MB)")
    print(f"{'':30} {'seconds':>8} {'records/s':>9} {'resp./s':>8} {'resp/CPU-s':>10} "
          f"{'peak RSS':>9} {'RSS@10%':>8} {'RSS@50%':>8} {'ours/peer':>9}")
    mine = ours["responses"] / ours["seconds"]
    theirs = peer["records"] / peer["seconds"]
    print(f"{'import warc (ours, cleaning)':30} {ours['seconds']:8.1f} "
          f"{ours['records'] / ours['seconds']:9.0f} {mine:8.0f} {ours['responses'] / cpu:10.0f} "
          f"{_rss(ours, peak)} {mine / theirs:8.3f}x")
    print(f"{'warcio loop (reading only)':30} {peer['seconds']:8.1f} {'':>9} {theirs:8.0f} "
          f"{peer['records'] / peer_cpu:10.0f} {_rss(peer, peer_peak)}")

    rows = []
    for which, name in (("ours", "export warc (ours)"), ("ours-pages", "  its page records alone"),
                        ("warcio", "warcio WARCWriter (peer)")):
        result, peak, cpu = child(["--child", "aexport", which, "0"])
        rows.append((name, result, peak, cpu))
    peer_rate = rows[-1][1]["body_mb"] / rows[-1][1]["seconds"]
    print(f"\narchive export: that archive, {rows[0][1]['body_mb']:.0f} MB of page bodies")
    print(f"{'':30} {'seconds':>8} {'MB/s':>7} {'MB/CPU-s':>9} {'out MB':>7} {'peak RSS':>9}"
          f" {'row/peer':>9}")
    for name, result, peak, cpu in rows:
        rate = result["body_mb"] / result["seconds"]
        print(f"{name:30} {result['seconds']:8.1f} {rate:7.1f} "
              f"{result['body_mb'] / cpu:9.1f} {result['file_mb']:7.0f} {peak:7.0f}MB "
              f"{rate / peer_rate:8.2f}x")
    for leftover in OUT.glob(ARCHIVE.name + "*"):
        leftover.unlink()  # gigabytes: not worth keeping


# -- the parent ----------------------------------------------------------------------------

def child(args: list[str]) -> tuple[dict[str, float], float, float]:
    """Run this script as a child; its JSON result, its peak RSS (MB) and the CPU seconds
    of its timed part."""
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    output = proc.stdout.read()
    if proc.wait():
        raise SystemExit(f"child {args} failed with {proc.returncode}")
    result = json.loads(output)
    return result, result["peak_rss_mb"], result["cpu"]


def index_cli(path: Path) -> tuple[dict[str, float], float, float]:
    """warcio's CLI, timed from outside: its peak RSS is taken from /proc while it runs."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "warcio.cli", "index", "-f",
                             "warc-type,http:status", str(path)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    records = 0
    peak = 0.0
    for line in proc.stdout:
        records += b'"response"' in line
        if records % 200 == 0:
            peak = max(peak, _hwm(proc.pid))
    peak = max(peak, _hwm(proc.pid))
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit("warcio index failed")
    return ({"seconds": time.perf_counter() - start, "records": records}, peak,
            usage.ru_utime + usage.ru_stime)


def _hwm(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1000
    except OSError:
        pass
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=1024, help="size of the WARC to import (MB)")
    ap.add_argument("--export-mb", type=int, default=512, help="MB of page bodies to export")
    ap.add_argument("--fresh", action="store_true", help="rebuild the cached import file")
    ap.add_argument("--archive-mb", type=int, default=128,
                    help="size of the WARC imported into an archive (MB; the archive is "
                         "about 17 times larger)")
    ap.add_argument("--skip-archive", action="store_true",
                    help="skip the archive-level import and export")
    ap.add_argument("--archive-only", action="store_true",
                    help="only the archive-level import and export")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        phase, which, value, *rest = args.child
        path = OUT / f"export-{which}.warc.gz"
        if phase == "export":
            result = run_export(which, int(value), path)
            path.unlink()
        elif phase == "scan":
            result = run_scan(Path(value))
        elif phase == "aimport":
            result = run_archive_import(Path(value))
        elif phase == "aexport":
            result = run_archive_export(which, path)
            path.unlink()
        else:
            result = run_import(which, Path(value), int(rest[0]))
        print(json.dumps({**result, "peak_rss_mb": rss_mb("VmHWM")}))
        return

    OUT.mkdir(parents=True, exist_ok=True)
    from importlib.metadata import version

    print(f"warcio {version('warcio')}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs")
    if args.archive_only:
        archive_figures(source_file(args.mb, args.fresh)[0], args.archive_mb,
                        args.fresh and args.archive_mb != args.mb)
        return
    count = export_count(args.export_mb, pages())
    rows = []
    for which, name in (("ours", "write_warc (ours)"),
                        ("warcio", "warcio WARCWriter (peer)")):
        result, peak, cpu = child(["--child", "export", which, str(count)])
        rows.append((name, result, peak, cpu))
    ours_rate = rows[0][1]["body_mb"] / rows[0][1]["seconds"]
    print(f"\nexport: {count:,} pages, {rows[0][1]['body_mb']:.0f} MB of bodies")
    print(f"{'':28} {'seconds':>8} {'MB/s':>7} {'MB/CPU-s':>9} {'out MB':>7} {'peak RSS':>9}"
          f" {'ours/peer':>9}")
    for name, result, peak, cpu in rows:
        rate = result["body_mb"] / result["seconds"]
        print(f"{name:28} {result['seconds']:8.1f} {rate:7.1f} {result['body_mb'] / cpu:9.1f} "
              f"{result['file_mb']:7.0f} {peak:7.0f}MB {ours_rate / rate:8.2f}x")

    source, total = source_file(args.mb, args.fresh)
    rows = []
    for which, name in (("ours", "read_archive (ours)"),
                        ("warcio", "warcio ArchiveIterator (ceil.)")):
        result, peak, cpu = child(["--child", "import", which, str(source), str(total)])
        rows.append((name, result, peak, cpu))
    rows.append(("warcio index CLI (framing)", *index_cli(source)))
    size = source.stat().st_size / 1e6
    ours_rate = rows[0][1]["records"] / rows[0][1]["seconds"]
    print(f"\nimport: {source.name}, {size:.0f} MB, {int(rows[0][1]['records']):,} responses")
    print(f"{'':30} {'seconds':>8} {'records/s':>9} {'rec/CPU-s':>9} {'MB/s':>6} "
          f"{'peak RSS':>9} {'RSS@10%':>8} {'RSS@50%':>8} {'ours/peer':>9}")
    for name, result, peak, cpu in rows:
        rate = result["records"] / result["seconds"]
        at10 = f"{result['rss_10pct_mb']:6.0f}MB" if "rss_10pct_mb" in result else "       -"
        at50 = f"{result['rss_50pct_mb']:6.0f}MB" if "rss_50pct_mb" in result else "       -"
        print(f"{name:30} {result['seconds']:8.1f} {rate:9.0f} {result['records'] / cpu:9.0f} "
              f"{size / result['seconds']:6.1f} {peak:7.0f}MB {at10:>8} {at50:>8} "
              f"{ours_rate / rate:8.2f}x")
    if not args.skip_archive:
        archive_figures(source, args.archive_mb, args.fresh and args.archive_mb != args.mb)


if __name__ == "__main__":
    main()
