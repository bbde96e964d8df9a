"""WARC/ARC import: responses from other crawlers' files, decoded; damage named by offset."""

from __future__ import annotations

import gzip
import io
import shutil
from pathlib import Path

import pytest

from helpers import FIXTURES
from reportarchiver.interchange import CapturedResponse, Skipped, WarcError, read_archive

WARCS = FIXTURES / "warc"
WGET_GZ = WARCS / "wget_gzip_members.warc.gz"
WGET_PLAIN = WARCS / "wget_uncompressed.warc"
HERITRIX = WARCS / "heritrix_style.warc.gz"
ARC = WARCS / "legacy.arc"
BASE = "http://127.0.0.1:18347"
TEXT = "深入实施城市更新行动。投入3.7亿元完成老旧小区改造77万平方米"


def read(source: object, **options: object) -> tuple[list[CapturedResponse], list[Skipped]]:
    skipped: list[Skipped] = []
    responses = list(read_archive(source, on_skip=skipped.append, **options))  # type: ignore[arg-type]
    return responses, skipped


def by_url(responses: list[CapturedResponse]) -> dict[str, CapturedResponse]:
    return {r.url: r for r in responses}


def test_wget_responses_are_read_in_order_with_their_statuses() -> None:
    responses, skipped = read(WGET_GZ)
    assert [(r.url, r.status) for r in responses] == [
        (f"{BASE}/", 200), (f"{BASE}/robots.txt", 404), (f"{BASE}/report/1.html", 200),
        (f"{BASE}/report/2.html", 200), (f"{BASE}/logo.png", 200), (f"{BASE}/gone.html", 404)]
    assert skipped == []


def test_a_gzip_chunked_body_is_dechunked_and_decoded_with_headers_as_received() -> None:
    report = by_url(read(WGET_GZ)[0])[f"{BASE}/report/1.html"]
    assert TEXT in report.body.decode("gbk")
    assert report.header("Content-Encoding") == "gzip"
    assert report.header("Transfer-Encoding") == "chunked"
    assert report.reason == "OK"


def test_wget_request_records_become_the_request_headers() -> None:
    report = by_url(read(WGET_GZ)[0])[f"{BASE}/report/1.html"]
    assert ("Referer", f"{BASE}/") in report.request_headers
    assert any(name == "User-Agent" and value.startswith("Wget/")
               for name, value in report.request_headers)


def test_an_uncompressed_warc_reads_the_same_as_a_gzipped_one() -> None:
    def key(r: CapturedResponse) -> tuple[str, int, bytes]:
        return r.url, r.status, r.body

    assert [key(r) for r in read(WGET_PLAIN)[0]] == [key(r) for r in read(WGET_GZ)[0]]


def test_a_binary_body_is_read_unchanged() -> None:
    logo = by_url(read(WGET_GZ)[0])[f"{BASE}/logo.png"]
    assert logo.body.startswith(b"\x89PNG\r\n\x1a\n")
    assert int(logo.header("Content-Length")) == len(logo.body)


def test_a_request_after_its_response_becomes_its_request_headers() -> None:
    report = by_url(read(HERITRIX)[0])["http://example.test/report/1.html"]
    assert report.request_headers == (("User-Agent", "heritrix-style"),
                                      ("Host", "example.test"))


def test_repeated_headers_are_all_kept_in_order() -> None:
    report = by_url(read(HERITRIX)[0])["http://example.test/report/1.html"]
    assert [v for k, v in report.headers if k == "Set-Cookie"] == ["a=1", "b=2"]


def test_br_and_raw_deflate_bodies_are_decoded() -> None:
    responses = by_url(read(HERITRIX)[0])
    for url in ("https://example.test/report/2.html", "http://example.test/report/3.html"):
        assert TEXT in responses[url].body.decode()


def test_a_revisit_is_skipped_and_says_where_its_payload_is() -> None:
    _, skipped = read(HERITRIX)
    revisit = next(s for s in skipped if s.kind == "revisit")
    assert revisit.url == "http://example.test/report/1.html"
    assert "2023-03-01T08:00:01Z" in revisit.message
    assert revisit.source == str(HERITRIX) and revisit.offset > 0


def test_undecodable_bodies_are_reported_and_reading_goes_on() -> None:
    responses, skipped = read(HERITRIX)
    undecodable = {s.url: s.message for s in skipped if s.kind == "undecodable"}
    assert set(undecodable) == {"http://example.test/report/4.html",
                                "http://example.test/report/5.html"}
    assert "zstd" in undecodable["http://example.test/report/4.html"]
    assert responses[-1].url == "http://example.test/files/notice.txt"


def test_without_on_skip_problems_are_logged_as_warnings(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="reportarchiver.interchange"):
        list(read_archive(HERITRIX, accept=lambda url: "report/" in url))
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3  # the revisit and the two undecodable bodies, not the scope
    assert all(m.startswith(f"{HERITRIX}: offset ") for m in messages)
    assert any("(undecodable): Content-Encoding 'zstd'" in m for m in messages)


def test_an_http_resource_record_is_a_200_with_its_content_type() -> None:
    notice = by_url(read(HERITRIX)[0])["http://example.test/files/notice.txt"]
    assert (notice.status, notice.headers) == (
        200, (("Content-Type", "text/plain; charset=utf-8"),))
    assert notice.body.decode().startswith(TEXT)


def test_dns_urn_metadata_and_warcinfo_records_are_not_responses() -> None:
    urls = {r.url for r in read(HERITRIX)[0]}
    assert urls == {"http://example.test/report/1.html", "https://example.test/report/2.html",
                    "http://example.test/report/3.html", "http://example.test/files/notice.txt"}


def test_an_arc_file_is_read_with_its_dates_in_utc() -> None:
    responses, _ = read(ARC)
    assert [(r.url, r.status, r.fetched_at) for r in responses] == [
        ("http://old.example.test/report/2.html", 200, "2005-06-14T07:01:45+00:00"),
        ("http://old.example.test/gone.html", 404, "2005-06-14T07:01:46+00:00")]
    assert TEXT in responses[0].body.decode()


def test_accept_picks_the_responses_in_scope_and_reports_the_rest() -> None:
    responses, skipped = read(WGET_GZ, accept=lambda url: "/report/" in url)
    assert [r.url for r in responses] == [f"{BASE}/report/1.html", f"{BASE}/report/2.html"]
    assert {s.kind for s in skipped} == {"out_of_scope"}
    assert len(skipped) == 4


def test_a_body_over_the_limit_is_skipped_as_too_large() -> None:
    responses, skipped = read(WGET_GZ, max_body_bytes=150)
    assert {s.url for s in skipped if s.kind == "too_large"} == {
        f"{BASE}/report/1.html", f"{BASE}/report/2.html"}
    assert len(responses) == 4


def test_a_stream_is_read_like_a_file() -> None:
    responses, _ = read(io.BytesIO(WGET_GZ.read_bytes()))
    assert len(responses) == 6


def _cut(source: Path, at: int, tmp_path: Path) -> Path:
    damaged = tmp_path / f"cut_{source.name}"
    damaged.write_bytes(source.read_bytes()[:at])
    return damaged


@pytest.mark.parametrize("source", [WGET_GZ, WGET_PLAIN])
@pytest.mark.parametrize("into", [10, 200, 600])  # WARC header, HTTP header, body
def test_a_cut_file_names_the_file_and_offset_after_yielding_what_came_before(
        tmp_path: Path, source: Path, into: int) -> None:
    offsets = _response_offsets(source)
    damaged = _cut(source, offsets[3] + into, tmp_path)  # inside the 4th response
    got: list[str] = []
    with pytest.raises(WarcError) as caught:
        got.extend(r.url for r in read_archive(damaged))
    assert got == [f"{BASE}/", f"{BASE}/robots.txt", f"{BASE}/report/1.html"]
    assert caught.value.path == str(damaged)
    assert caught.value.offset == offsets[3]
    assert str(caught.value).startswith(f"{damaged}: offset {offsets[3]}: ")


def _response_offsets(path: Path) -> list[int]:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        return [records.offset for r in records if r.rec_type == "response"]


def test_garbage_between_records_is_an_error_at_its_offset(tmp_path: Path) -> None:
    data = WGET_PLAIN.read_bytes()
    at = _response_offsets(WGET_PLAIN)[2]
    damaged = tmp_path / "junk.warc"
    junk = b"this is not a record\r\n"
    damaged.write_bytes(data[:at] + junk + data[at:])
    got: list[str] = []
    # (warcio takes a line of five words for an ARC header: its length tells it is not one)
    with pytest.raises(WarcError, match=r"junk\.warc: offset \d+: not a WARC or ARC record "
                                        r"\(length 'record' is not a number\)") as e:
        got.extend(r.url for r in read_archive(damaged))
    assert got == [f"{BASE}/", f"{BASE}/robots.txt"]
    assert e.value.offset == at


def test_a_line_of_five_words_is_no_arc_record(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("this is no WARC file\n")
    with pytest.raises(WarcError, match=r"notes\.txt: offset 0: not a WARC or ARC record"):
        list(read_archive(text))


def test_a_file_that_is_not_an_archive_is_an_error_at_offset_zero(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body>hello</body></html>\n")
    with pytest.raises(WarcError, match=r"page\.html: offset 0: Unknown archive format"):
        list(read_archive(page))


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(WarcError, match=r"nosuch\.warc: cannot open"):
        list(read_archive(tmp_path / "nosuch.warc"))


def test_an_empty_file_has_no_responses(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    assert read(empty) == ([], [])


def test_a_warc_gzipped_as_one_stream_is_read_whole(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    with WGET_PLAIN.open("rb") as plain, gzip.open(whole, "wb") as out:
        shutil.copyfileobj(plain, out)
    assert [r.url for r in read(whole)[0]] == [r.url for r in read(WGET_PLAIN)[0]]


def test_a_stream_gzipped_as_one_stream_is_an_error_saying_how_to_fix_it() -> None:
    data = gzip.compress(WGET_PLAIN.read_bytes())
    with pytest.raises(WarcError, match="warcio recompress"):
        list(read_archive(io.BytesIO(data)))
