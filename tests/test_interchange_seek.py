"""Random access to WARC files: a scan notes where each response is, a read by offset gives
it back exactly as reading the file in order does."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from helpers import FIXTURES
from reportarchiver.interchange import (
    ArchiveScan,
    CaptureRef,
    Skipped,
    WarcError,
    read_archive,
    read_capture,
)
from reportarchiver.interchange._http import BodyError

WARCS = FIXTURES / "warc"
WGET_GZ = WARCS / "wget_gzip_members.warc.gz"
WGET_PLAIN = WARCS / "wget_uncompressed.warc"
HERITRIX = WARCS / "heritrix_style.warc.gz"
ARC = WARCS / "legacy.arc"
BASE = "http://127.0.0.1:18347"


def offsets(path: Path, kind: str) -> list[int]:
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        return [records.offset for r in records if r.rec_type == kind]


def read_all(path: Path, refs: list[CaptureRef]):
    with path.open("rb") as stream:
        return [read_capture(stream, str(path), ref) for ref in refs]


@pytest.mark.parametrize("path", [WGET_GZ, WGET_PLAIN])
def test_the_scan_notes_each_response_at_the_offset_warcio_gives_it(path: Path) -> None:
    refs = list(ArchiveScan(path))
    assert [r.offset for r in refs] == offsets(path, "response")
    assert [(r.url, r.status) for r in refs][:3] == [
        (f"{BASE}/", 200), (f"{BASE}/robots.txt", 404), (f"{BASE}/report/1.html", 200)]


def test_the_scan_pairs_each_response_with_its_request_record() -> None:
    refs = list(ArchiveScan(WGET_GZ))
    assert [r.request_offset for r in refs] == offsets(WGET_GZ, "request")[:len(refs)]


def test_the_scan_counts_every_record_and_tells_the_content_type() -> None:
    scan = ArchiveScan(WGET_GZ)
    refs = list(scan)
    with WGET_GZ.open("rb") as stream:
        assert scan.records == sum(1 for _ in ArchiveIterator(stream))
    assert {r.url: r.content_type for r in refs}[f"{BASE}/logo.png"] == "image/png"


@pytest.mark.parametrize("path", [WGET_GZ, WGET_PLAIN, ARC])
def test_a_response_read_by_offset_is_the_one_read_in_order(path: Path) -> None:
    assert read_all(path, list(ArchiveScan(path))) == list(read_archive(path))


def test_a_response_read_by_offset_has_its_request_headers_when_they_follow_it() -> None:
    refs = [r for r in ArchiveScan(HERITRIX) if r.url.endswith("/report/1.html")]
    response = read_all(HERITRIX, refs[:1])[0]
    assert refs[0].request_offset is not None and response.request_headers


def test_revisits_are_passed_to_on_skip_and_not_noted() -> None:
    skipped: list[Skipped] = []
    refs = list(ArchiveScan(HERITRIX, on_skip=skipped.append))
    assert [s.kind for s in skipped] == ["revisit"]
    assert skipped[0].offset not in [r.offset for r in refs]


def test_a_body_that_cannot_be_decoded_raises_when_read_not_when_scanned() -> None:
    refs = list(ArchiveScan(HERITRIX))  # zstd and broken gzip bodies among them
    failures = []
    with HERITRIX.open("rb") as stream:
        for ref in refs:
            try:
                read_capture(stream, str(HERITRIX), ref)
            except BodyError as exc:
                failures.append(exc.kind)
    assert failures == ["undecodable", "undecodable"]


def test_a_body_over_the_limit_raises_as_too_large() -> None:
    ref = next(r for r in ArchiveScan(WGET_GZ) if r.url.endswith("/report/1.html"))
    with WGET_GZ.open("rb") as stream, pytest.raises(BodyError) as caught:
        read_capture(stream, str(WGET_GZ), ref, max_body_bytes=100)
    assert caught.value.kind == "too_large"


def test_a_cut_file_yields_what_came_before_then_names_the_offset(tmp_path: Path) -> None:
    at = offsets(WGET_GZ, "response")[3]
    damaged = tmp_path / "cut.warc.gz"
    damaged.write_bytes(WGET_GZ.read_bytes()[:at + 200])
    got: list[str] = []
    with pytest.raises(WarcError) as caught:
        got.extend(r.url for r in ArchiveScan(damaged))
    assert got == [f"{BASE}/", f"{BASE}/robots.txt", f"{BASE}/report/1.html"]
    assert str(caught.value).startswith(f"{damaged}: offset {at}: ")


def test_an_offset_where_no_record_starts_is_an_error_naming_it() -> None:
    ref = CaptureRef(f"{BASE}/", "2026-01-01T00:00:00+00:00", 200, "", offset=7)
    with WGET_PLAIN.open("rb") as stream, pytest.raises(WarcError, match="offset 7"):
        read_capture(stream, str(WGET_PLAIN), ref)


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(WarcError, match=r"nosuch\.warc: cannot open"):
        list(ArchiveScan(tmp_path / "nosuch.warc"))


def test_a_warc_gzipped_as_one_stream_is_an_error_saying_how_to_fix_it(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(WGET_PLAIN.read_bytes()))
    with pytest.raises(WarcError, match="warcio recompress"):
        list(ArchiveScan(whole))
