"""The fetcher against hostile and careless servers on 127.0.0.1: every failure is one
PageError naming the URL, bounded in time and memory, and never a traceback."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import resource
import time

import pytest
from pytest_httpserver import HTTPServer

from helpers import RawServer, fast_crawler, http_response
from reportarchiver.errors import (
    HTTPStatusError,
    InvalidURL,
    NetworkError,
    OutOfScope,
    PageError,
    TooLargeError,
)
from reportarchiver.fetch import Fetcher


def get(url: str, check=None, **cfg: object):
    async def go():
        async with Fetcher(fast_crawler(**cfg), backoff_initial=0.01) as fetcher:
            return await fetcher.get(url, check=check)

    return asyncio.run(go())


@pytest.mark.parametrize("target", [
    "javascript:alert(1)", "mailto:someone@example.org", "data:text/html,<p>x</p>",
    "about:blank", "http://xn--/x", "http://" + "a" * 9000 + ".test/", "ftp://127.0.0.1/x",
])
def test_a_redirect_to_an_unfetchable_url_is_one_invalid_url_error(target: str) -> None:
    def redirect(path: str, conn) -> None:
        conn.sendall(http_response(status="302 Found", headers={"Location": target}))

    with RawServer(redirect) as server, pytest.raises(InvalidURL) as info:
        get(server.base_url + "/r")
    assert info.value.url == server.base_url + "/r"  # recorded for the URL asked for
    assert "\n" not in info.value.message and len(info.value.message) < 400
    assert server.requests == ["/r"]


def test_every_redirect_hop_is_checked_before_it_is_fetched(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", 301, {"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", 302, {"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data("<p>end</p>")
    checked: list[str] = []

    async def check(url: str) -> None:
        checked.append(url)
        if url.endswith("/c"):
            raise OutOfScope(url, "redirected out of scope")

    with pytest.raises(OutOfScope):
        get(httpserver.url_for("/a"), check=check)
    assert checked == [httpserver.url_for("/b"), httpserver.url_for("/c")]
    assert [r.path for r, _ in httpserver.log] == ["/a", "/b"]  # /c was never asked for


def test_a_redirect_chain_gives_the_final_url_and_counts_every_hop(httpserver: HTTPServer
                                                                   ) -> None:
    httpserver.expect_request("/a").respond_with_data("", 301, {"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("<p>here</p>")

    async def go():
        async with Fetcher(fast_crawler()) as fetcher:
            result = await fetcher.get(httpserver.url_for("/a"))
            return result, fetcher.requests

    result, requests = asyncio.run(go())
    assert result.url == httpserver.url_for("/a") and result.final_url.endswith("/b")
    assert result.body == b"<p>here</p>" and requests == 2


def test_a_redirect_loop_stops_at_max_redirects(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_data("", 302, {"Location": "/loop"})
    with pytest.raises(HTTPStatusError, match="more than 3 redirects"):
        get(httpserver.url_for("/loop"), max_redirects=3)
    assert len(httpserver.log) == 4


def drip(seconds_per_byte: float, headers_too: bool):
    def handler(path: str, conn) -> None:
        response = http_response(b"<p>" + b"x" * 200 + b"</p>")
        head, _, body = response.partition(b"\r\n\r\n")
        if not headers_too:
            conn.sendall(head + b"\r\n\r\n")
            response = body
        for i in range(len(response)):
            conn.sendall(response[i:i + 1])
            time.sleep(seconds_per_byte)
    return handler


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_server_dripping_a_byte_at_a_time_is_cut_off_at_the_deadline(headers_too) -> None:
    """Each byte arrives well within the read timeout; only the total deadline stops it."""
    with RawServer(drip(0.05, headers_too)) as server:
        started = time.monotonic()
        with pytest.raises(NetworkError, match="deadline_seconds") as info:
            get(server.base_url + "/drip", timeout_seconds=2, deadline_seconds=1,
                max_attempts=3)
        elapsed = time.monotonic() - started
    assert info.value.attempts == 1  # a dripping server is not tried again
    assert 1 <= elapsed < 6  # the drip would take 10+ s


def stacked_gzip(layers: int, size: int) -> bytes:
    data = b"\0" * size
    for _ in range(layers):
        data = gzip.compress(data, 9)
    return data


def test_stacked_gzip_bomb_stops_at_the_cap_without_using_the_memory(httpserver: HTTPServer
                                                                      ) -> None:
    """1 GB of zeros gzipped three times is a few hundred bytes on the wire."""
    bomb = stacked_gzip(3, 1_000_000_000)
    assert len(bomb) < 2000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip, gzip, gzip"})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(TooLargeError):
        get(httpserver.url_for("/bomb"), max_response_bytes=1_000_000)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 200_000  # peak RSS grew by less than 200 MB (the bomb is 1 GB)


def test_stacked_encodings_within_the_cap_are_decoded(httpserver: HTTPServer) -> None:
    body = "<p>各位代表：现在我代表区人民政府向大会报告工作。</p>".encode()
    httpserver.expect_request("/twice").respond_with_data(
        gzip.compress(gzip.compress(body)), headers={"Content-Encoding": "gzip, gzip"})
    assert get(httpserver.url_for("/twice")).body == body


def test_raw_deflate_is_decoded_too(httpserver: HTTPServer) -> None:
    import zlib

    body = b"<p>deflate without its zlib wrapper</p>"
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = compressor.compress(body) + compressor.flush()
    httpserver.expect_request("/raw").respond_with_data(raw,
                                                        headers={"Content-Encoding": "deflate"})
    assert get(httpserver.url_for("/raw")).body == body


@pytest.mark.parametrize(("encoding", "body"), [
    ("br", b"\x1b\x00\x00"), ("compress", b"x"),
    ("gzip", gzip.compress(bytes(range(256)) * 40)[:200]),  # cut off mid-stream
])
def test_an_unknown_or_truncated_encoding_is_one_network_error(httpserver: HTTPServer,
                                                              encoding: str, body: bytes) -> None:
    httpserver.expect_request("/e").respond_with_data(body,
                                                      headers={"Content-Encoding": encoding})
    with pytest.raises(NetworkError) as info:
        get(httpserver.url_for("/e"))
    assert encoding in info.value.message


def test_the_host_clock_is_stamped_when_the_request_is_sent() -> None:
    """The gap is counted from the moment a request goes out, not from when its slot was
    granted: a connection that takes long to open cannot shorten the next gap."""
    arrivals: list[float] = []

    def handler(path: str, conn) -> None:
        arrivals.append(time.monotonic())
        conn.sendall(http_response(b"<p>ok</p>"))

    with RawServer(handler) as server:
        async def go() -> None:
            async with Fetcher(fast_crawler(delay_seconds=0.3, per_host_concurrency=2)) as f:
                await asyncio.gather(*(f.get(f"{server.base_url}/{i}") for i in range(4)))

        asyncio.run(go())
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert len(arrivals) == 4 and min(gaps) >= 0.3, gaps


def test_every_failure_is_a_page_error() -> None:
    for error in (InvalidURL, OutOfScope, NetworkError, TooLargeError, HTTPStatusError):
        assert issubclass(error, PageError)
