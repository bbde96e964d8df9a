"""WARC export: valid records (warcio's own CLI checks them) that read back to what was stored."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

import reportarchiver.interchange as interchange
from reportarchiver.interchange import (
    CapturedResponse,
    ReportSnapshot,
    WarcStats,
    read_archive,
    write_warc,
)

TEXT = "各位代表：现在，我代表区人民政府向大会报告工作，请予审议，并请市政协委员提出意见。"
PAGE = f"<html><body><p>{TEXT}</p></body></html>".encode("gbk")
SENT = (("Host", "www.example.test"), ("User-Agent", "reportarchiver/0.1"),
        ("Accept-Encoding", "gzip, deflate"))


def page(n: int, **changes: object) -> CapturedResponse:
    values: dict[str, object] = dict(
        url=f"http://www.example.test/zwgk/{n}.html", fetched_at="2026-01-02T03:04:05+00:00",
        status=200, reason="OK",
        headers=(("content-type", "text/html; charset=GBK"), ("content-encoding", "gzip"),
                 ("content-length", "120"), ("set-cookie", "a=1"), ("set-cookie", "b=2")),
        body=PAGE, request_headers=SENT)
    values.update(changes)
    return CapturedResponse(**values)  # type: ignore[arg-type]


RESPONSES = [
    page(1),
    page(2, headers=(("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")),
         fetched_at="2026-01-03T00:00:00+00:00"),
    page(3, status=404, reason="Not Found", headers=(("Content-Type", "text/html"),),
         body=b"<h1>gone</h1>"),
    page(4, status=304, reason="Not Modified", headers=(("ETag", '"x"'),), body=b""),
    page(5, headers=(("Content-Type", "application/pdf"),
                     ("Content-Disposition", "attachment; filename=2022年报告.pdf")),
         body=bytes(range(256)) * 40),
]
REPORT = ReportSnapshot(url="http://www.example.test/zwgk/1.html",
                        captured_at="2026-01-02T03:04:05+00:00",
                        metadata={"title": "大连市中山区人民政府工作报告", "year": 2022},
                        text=TEXT, page_urls=("http://www.example.test/zwgk/1.html",
                                              "http://www.example.test/zwgk/1_2.html"))


def warcio_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "warcio.cli", *args], capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.fixture(params=[True, False], ids=["gzip", "plain"])
def exported(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / ("out.warc.gz" if request.param else "out.warc")
    write_warc(path, RESPONSES, [REPORT], gzip=request.param)
    return path


def test_the_public_api_is_exactly_this() -> None:
    assert set(interchange.__all__) == {
        "MAX_BODY_BYTES", "CapturedResponse", "ReportSnapshot", "Skipped", "WarcError",
        "WarcStats", "read_archive", "write_csv", "write_jsonl", "write_markdown",
        "write_warc", "ArchiveScan", "CaptureRef", "read_capture", "CaptureIndex",
        "WarcFetcher", "ImportSummary", "import_warc", "run_import_warc", "WarcAppender"}


def test_the_export_passes_warcio_check(exported: Path) -> None:
    result = warcio_cli("check", "-v", str(exported))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("digest pass") == 1 + 2 * len(RESPONSES) + 1


def test_warcio_index_lists_warcinfo_then_response_request_pairs_then_the_report(
        exported: Path) -> None:
    result = warcio_cli("index", "-f", "warc-type,warc-target-uri,http:status", str(exported))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["warc-type"] for r in rows] == (
        ["warcinfo"] + ["response", "request"] * len(RESPONSES) + ["metadata"])
    responses = [r for r in rows if r["warc-type"] == "response"]
    assert [(r["warc-target-uri"], int(r["http:status"])) for r in responses] == [
        (item.url, item.status) for item in RESPONSES]


def _records(path: Path) -> Iterator[tuple[object, bytes]]:
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            yield record, record.content_stream().read()


def test_warcio_reads_back_url_status_headers_and_body(exported: Path) -> None:
    responses = [(r, body) for r, body in _records(exported) if r.rec_type == "response"]
    for (record, body), item in zip(responses, RESPONSES, strict=True):
        assert record.rec_headers.get_header("WARC-Target-URI") == item.url
        assert int(record.http_headers.get_statuscode()) == item.status
        assert body == item.body
        assert record.http_headers.get_header("Content-Length") in (str(len(item.body)), None)
        kept = [(k, v) for k, v in record.http_headers.headers
                if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
                and not k.startswith("X-Archive-Orig-")]
        assert kept == [(k, v) for k, v in item.headers
                        if k.lower() not in ("content-length", "content-encoding",
                                             "transfer-encoding")]


def test_the_http_message_declares_no_coding_and_the_stored_length(exported: Path) -> None:
    record, body = next((r, b) for r, b in _records(exported) if r.rec_type == "response")
    assert record.http_headers.get_header("Content-Encoding") is None
    assert record.http_headers.get_header("X-Archive-Orig-content-encoding") == "gzip"
    assert record.http_headers.get_header("Content-Length") == str(len(body))
    assert record.http_headers.protocol == "HTTP/1.1"


def test_warc_date_is_the_fetch_time_and_the_payload_digest_is_the_bodys_sha1(
        exported: Path) -> None:
    record, body = next((r, b) for r, b in _records(exported) if r.rec_type == "response")
    assert record.rec_headers.get_header("WARC-Date") == "2026-01-02T03:04:05Z"
    sha1 = base64.b32encode(hashlib.sha1(body).digest()).decode()
    assert record.rec_headers.get_header("WARC-Payload-Digest") == f"sha1:{sha1}"


def test_each_request_is_concurrent_to_its_response_and_holds_what_was_sent(
        exported: Path) -> None:
    records = [r for r, _ in _records(exported) if r.rec_type in ("request", "response")]
    for response, request in zip(records[::2], records[1::2], strict=True):
        assert (request.rec_headers.get_header("WARC-Concurrent-To")
                == response.rec_headers.get_header("WARC-Record-ID"))
        assert request.http_headers.protocol == "GET"
        assert request.http_headers.headers == list(SENT)


def test_a_report_is_a_json_metadata_record_about_its_page_url(exported: Path) -> None:
    record, payload = next((r, b) for r, b in _records(exported) if r.rec_type == "metadata")
    assert record.rec_headers.get_header("WARC-Target-URI") == REPORT.url
    assert record.rec_headers.get_header("Content-Type") == "application/json"
    assert json.loads(payload) == {"url": REPORT.url, "captured_at": REPORT.captured_at,
                                   "metadata": REPORT.metadata, "text": TEXT,
                                   "page_urls": list(REPORT.page_urls)}


def test_the_warcinfo_record_names_the_file_and_the_header_convention(exported: Path) -> None:
    record, payload = next(_records(exported))
    assert record.rec_type == "warcinfo"
    assert record.rec_headers.get_header("WARC-Filename") == exported.name
    assert b"X-Archive-Orig-" in payload and b"software: reportarchiver/" in payload


def test_read_archive_gives_back_exactly_what_was_written(exported: Path) -> None:
    assert list(read_archive(exported)) == RESPONSES


@pytest.mark.parametrize("fetched_at", ["2026-01-02T11:04:05+08:00", "2026-01-02T03:04:05Z",
                                        "2026-01-02T03:04:05.999", "2026-01-02 03:04:05"])
def test_any_iso_8601_fetch_time_is_written_in_utc_and_read_back_in_the_archives_format(
        tmp_path: Path, fetched_at: str) -> None:
    path = tmp_path / "x.warc"
    write_warc(path, [page(1, fetched_at=fetched_at)], gzip=False)
    assert b"WARC-Date: 2026-01-02T03:04:05Z\r\n" in path.read_bytes()
    assert next(read_archive(path)).fetched_at == "2026-01-02T03:04:05+00:00"


def test_an_empty_reason_is_read_back_as_the_standard_phrase(tmp_path: Path) -> None:
    path = tmp_path / "x.warc.gz"
    write_warc(path, [page(1, reason="")])
    assert next(read_archive(path)).reason == "OK"


def test_every_record_is_its_own_gzip_member(tmp_path: Path) -> None:
    path = tmp_path / "out.warc.gz"
    write_warc(path, RESPONSES, [REPORT])
    data = path.read_bytes()
    offsets = [int(json.loads(line)["offset"])
               for line in warcio_cli("index", "-f", "offset", str(path)).stdout.splitlines()]
    for start, end in zip(offsets, [*offsets[1:], len(data)], strict=True):
        engine = zlib.decompressobj(31)
        member = engine.decompress(data[start:end])
        assert engine.eof and not engine.unused_data
        assert member.startswith(b"WARC/1.0\r\n")


def test_stats_count_the_records_and_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "out.warc.gz"
    stats = write_warc(path, RESPONSES, [REPORT, REPORT])
    assert stats == WarcStats(responses=len(RESPONSES), reports=2,
                              bytes_written=path.stat().st_size)


def test_writing_to_a_stream_gives_the_same_records(tmp_path: Path) -> None:
    out = io.BytesIO()
    write_warc(out, RESPONSES, gzip=False)
    assert list(read_archive(io.BytesIO(out.getvalue()))) == RESPONSES
    assert gzip.decompress(gzip.compress(out.getvalue())).startswith(b"WARC/1.0")


def test_a_bad_timestamp_names_the_url_and_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "out.warc.gz"
    with pytest.raises(ValueError, match=r"zwgk/2\.html: .*'yesterday'"):
        write_warc(path, [page(1), page(2, fetched_at="yesterday")])
    assert list(tmp_path.iterdir()) == []


def _many(count: int, size: int) -> Iterator[CapturedResponse]:
    body = (TEXT.encode() * (size // len(TEXT.encode()) + 1))[:size]
    for n in range(count):
        yield page(n, body=body)


def test_the_writer_holds_one_record_at_a_time(tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        write_warc(tmp_path / "big.warc.gz", _many(200, 100_000))  # 20 MB of bodies
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000


def test_the_reader_holds_one_record_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    write_warc(path, _many(200, 100_000))
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_archive(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200
    assert peak < 3_000_000
