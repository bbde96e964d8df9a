"""The HTTP rules of the WARC interchange: stored headers and decoded bodies as valid HTTP."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportarchiver.interchange import _http as http

AS_RECEIVED = (("Content-Type", "text/html; charset=GBK"), ("Content-Encoding", "gzip"),
               ("Content-Length", "1234"), ("ETag", '"x"'))


def test_wire_headers_are_kept_under_the_x_archive_orig_prefix() -> None:
    written = http.headers_for_stored_body(200, AS_RECEIVED, 5000)
    assert ("X-Archive-Orig-Content-Encoding", "gzip") in written
    assert ("X-Archive-Orig-Content-Length", "1234") in written
    assert not any(name == "Content-Encoding" for name, _ in written)


def test_content_length_is_the_stored_body_length_where_the_original_stood() -> None:
    written = http.headers_for_stored_body(200, AS_RECEIVED, 5000)
    names = [name for name, _ in written]
    assert names.index("Content-Length") == names.index("X-Archive-Orig-Content-Length") + 1
    assert dict(written)["Content-Length"] == "5000"


def test_a_chunked_response_gets_a_content_length_after_its_headers() -> None:
    received = (("content-type", "text/html"), ("transfer-encoding", "chunked"))
    written = http.headers_for_stored_body(200, received, 42)
    assert written == (("content-type", "text/html"),
                       ("X-Archive-Orig-transfer-encoding", "chunked"),
                       ("Content-Length", "42"))


@pytest.mark.parametrize("status", [204, 304, 101])
def test_no_content_length_is_written_for_statuses_without_a_body(status: int) -> None:
    written = http.headers_for_stored_body(status, (("Content-Length", "10"),), 0)
    assert written == (("X-Archive-Orig-Content-Length", "10"),)


def test_line_breaks_in_values_become_spaces_and_invalid_names_are_dropped() -> None:
    written = http.headers_for_stored_body(
        200, (("X-Title", "a\r\nInjected: yes"), ("bad name", "v"), ("", "v")), 0)
    assert written == (("X-Title", "a Injected: yes"), ("Content-Length", "0"))


_names = st.from_regex(r"[A-Za-z][A-Za-z0-9\-]{0,15}", fullmatch=True).filter(
    lambda n: not n.lower().startswith("x-archive-orig-"))
_values = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
                  max_size=30)


@given(st.lists(st.tuples(st.one_of(_names, st.sampled_from(
    ["Content-Length", "content-encoding", "Transfer-Encoding"])), _values), max_size=12),
    st.integers(min_value=0, max_value=10**9))
def test_restoring_the_written_headers_gives_back_the_headers_as_received(
        received: list[tuple[str, str]], length: int) -> None:
    written = http.headers_for_stored_body(200, tuple(received), length)
    assert http.restore_headers(written) == tuple(received)


def test_the_empty_reason_is_replaced_by_the_standard_phrase() -> None:
    assert http.reason_phrase(404, "") == "Not Found"
    assert http.reason_phrase(200, "Fine") == "Fine"
    assert http.reason_phrase(799, "") == ""


def test_a_request_without_recorded_headers_gets_its_host() -> None:
    target, headers = http.request_headers_for("https://a.test:8443/r/1.html?x=1#frag", ())
    assert target == "/r/1.html?x=1"
    assert headers == (("Host", "a.test:8443"),)


def test_the_request_target_is_ascii_without_spaces() -> None:
    target, _ = http.request_headers_for("http://a.test/报告 2022.html?q=%E4%B8%AD&x=1", ())
    assert target == "/%E6%8A%A5%E5%91%8A%202022.html?q=%E4%B8%AD&x=1"


def test_a_recorded_host_header_is_not_doubled() -> None:
    _, headers = http.request_headers_for("http://a.test/", (("User-Agent", "u"),
                                                              ("host", "a.test")))
    assert headers == (("User-Agent", "u"), ("host", "a.test"))


BODY = "各位代表：现在，我代表区人民政府向大会报告工作。".encode() * 20


def _raw_deflate(data: bytes) -> bytes:
    engine = zlib.compressobj(6, zlib.DEFLATED, -15)
    return engine.compress(data) + engine.flush()


@pytest.mark.parametrize("coding,encoded", [
    ("gzip", gzip.compress(BODY)),
    ("x-gzip", gzip.compress(BODY)),
    ("deflate", zlib.compress(BODY)),
    ("deflate", _raw_deflate(BODY)),
    ("br", brotli.compress(BODY)),
    ("identity", BODY),
])
def test_each_supported_content_coding_is_removed(coding: str, encoded: bytes) -> None:
    codings = http.content_codings((("Content-Encoding", coding),))
    assert http.decode_body(encoded, codings, 10**6) == BODY


def test_stacked_codings_are_removed_last_applied_first() -> None:
    encoded = brotli.compress(gzip.compress(BODY))
    codings = http.content_codings((("Content-Encoding", "gzip, br"),))
    assert http.decode_body(encoded, codings, 10**6) == BODY


def test_a_gzip_body_of_several_members_is_decoded_whole() -> None:
    encoded = gzip.compress(BODY[:100]) + gzip.compress(BODY[100:])
    assert http.decode_body(encoded, ["gzip"], 10**6) == BODY


def test_a_body_labelled_gzip_but_already_decoded_is_kept() -> None:
    assert http.decode_body(BODY, ["gzip"], 10**6) == BODY


@pytest.mark.parametrize("coding,encoded,words", [
    ("gzip", gzip.compress(BODY)[:-30], "truncated"),
    ("gzip", gzip.compress(BODY)[:20] + b"\xff" * 40, "gzip"),
    ("br", b"\x1f\x00garbage", "br"),
    ("zstd", b"\x28\xb5\x2f\xfd", "'zstd' is not supported"),
    ("compress", b"\x1f\x9d", "not supported"),
])
def test_a_body_that_cannot_be_decoded_raises_an_undecodable_body_error(
        coding: str, encoded: bytes, words: str) -> None:
    with pytest.raises(http.BodyError, match=words) as caught:
        http.decode_body(encoded, [coding], 10**6)
    assert caught.value.kind == "undecodable"


def test_a_body_that_decodes_past_the_limit_is_too_large() -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    with pytest.raises(http.BodyError) as caught:
        http.decode_body(bomb, ["gzip"], 1_000_000)
    assert caught.value.kind == "too_large"
