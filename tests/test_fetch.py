"""The fetcher against a real HTTP server on 127.0.0.1: retries, caps, headers, 304."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import socket
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from helpers import fast_crawler
from reportarchiver.errors import HTTPStatusError, NetworkError, TooLargeError
from reportarchiver.fetch._client import Fetcher


def get(url: str, **kw: object):
    cfg = fast_crawler(**{k: v for k, v in kw.items() if k != "etag"})

    async def go():
        async with Fetcher(cfg, backoff_initial=0.01) as fetcher:
            return await fetcher.get(url, etag=str(kw.get("etag", "")))

    return asyncio.run(go())


def sequence(httpserver: HTTPServer, path: str, responses: list[Response]) -> list[float]:
    """Serve ``responses`` in order on ``path``; returns the arrival times (monotonic)."""
    times: list[float] = []

    def handler(request: Request) -> Response:
        times.append(time.monotonic())
        return responses[min(len(times), len(responses)) - 1]

    httpserver.expect_request(path).respond_with_handler(handler)
    return times


def test_a_503_is_retried_until_success(httpserver: HTTPServer) -> None:
    times = sequence(httpserver, "/r", [Response("busy", 503), Response("ok", 200)])
    result = get(httpserver.url_for("/r"), max_attempts=3)
    assert result.status == 200 and result.body == b"ok"
    assert len(times) == 2


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_tried_max_attempts_times(httpserver: HTTPServer,
                                                         status: int) -> None:
    times = sequence(httpserver, "/r", [Response("no", status)])
    with pytest.raises(HTTPStatusError) as info:
        get(httpserver.url_for("/r"), max_attempts=3)
    assert len(times) == 3
    assert info.value.attempts == 3 and info.value.status == status


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 501])
def test_other_errors_are_never_retried(httpserver: HTTPServer, status: int) -> None:
    times = sequence(httpserver, "/r", [Response("no", status)])
    with pytest.raises(HTTPStatusError) as info:
        get(httpserver.url_for("/r"), max_attempts=3)
    assert len(times) == 1
    assert info.value.status == status and str(status) in str(info.value)


def test_retry_after_seconds_is_honoured(httpserver: HTTPServer) -> None:
    times = sequence(httpserver, "/r", [Response("slow down", 429, {"Retry-After": "1"}),
                                        Response("ok", 200)])
    get(httpserver.url_for("/r"), max_attempts=2)
    assert times[1] - times[0] >= 1.0


def test_retry_after_is_capped_by_config(httpserver: HTTPServer) -> None:
    times = sequence(httpserver, "/r", [Response("later", 503, {"Retry-After": "3600"}),
                                        Response("ok", 200)])
    get(httpserver.url_for("/r"), max_attempts=2, max_retry_after_seconds=0.3)
    assert 0.3 <= times[1] - times[0] < 5


def test_the_user_agent_is_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua", headers={"User-Agent": "test-agent/1"}).respond_with_data("ok")
    assert get(httpserver.url_for("/ua"), user_agent="test-agent/1").status == 200


def test_a_body_over_the_cap_is_refused_while_streaming(httpserver: HTTPServer) -> None:
    def chunks():
        for _ in range(100):
            yield b"x" * 10_000

    httpserver.expect_request("/big").respond_with_response(Response(chunks()))
    with pytest.raises(TooLargeError, match="exceeds 50000"):
        get(httpserver.url_for("/big"), max_response_bytes=50_000)


def test_a_gzip_bomb_stops_at_the_decompressed_cap(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    httpserver.expect_request("/bomb").respond_with_response(
        Response(bomb, headers={"Content-Encoding": "gzip"}))
    assert len(bomb) < 50_000
    with pytest.raises(TooLargeError):
        get(httpserver.url_for("/bomb"), max_response_bytes=1_000_000)


def test_a_conditional_get_returns_304(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/c", headers={"If-None-Match": '"v1"'}).respond_with_response(
        Response(status=304))
    assert get(httpserver.url_for("/c"), etag='"v1"').status == 304


def test_too_many_redirects_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_response(
        Response(status=302, headers={"Location": "/loop"}))
    with pytest.raises(HTTPStatusError, match="redirects"):
        get(httpserver.url_for("/loop"), max_redirects=3)


def test_a_refused_connection_is_a_network_error_after_retries() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkError) as info:
        get(f"http://127.0.0.1:{port}/", max_attempts=2)
    assert info.value.attempts == 2


def test_a_read_timeout_is_a_network_error(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(NetworkError, match="Timeout"):
        get(httpserver.url_for("/slow"), timeout_seconds=0.2, max_attempts=1)


RAW_RESPONSES = {
    # the server promises 1,000 bytes and hangs up after a few
    "/truncated": b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<p>short",
    "/garbage": b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
    "/bad-gzip": b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 8\r\n\r\nnot gzip",
    "/silent": b"",  # accepts and closes without a word
    "/bad-chunks": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n",
}


@pytest.fixture
def raw_server():
    """A socket server on 127.0.0.1 answering each path with the raw bytes above, then
    closing: what no well-behaved HTTP server library would send."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                request = conn.recv(65536).decode("latin-1")
                path = request.split(" ", 2)[1] if request.count(" ") >= 2 else "/"
                conn.sendall(RAW_RESPONSES.get(path, b""))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    listener.close()


@pytest.mark.parametrize("path", sorted(RAW_RESPONSES))
def test_a_broken_server_is_a_network_error_naming_the_url(raw_server, path: str) -> None:
    url = raw_server + path
    with pytest.raises(NetworkError) as info:
        get(url, max_attempts=2)
    assert info.value.url == url and info.value.message
    assert "\n" not in info.value.message  # one line for the error report


def test_a_read_timeout_is_retried() -> None:
    arrivals: list[float] = []

    def slow_once(request: Request) -> Response:
        arrivals.append(time.monotonic())
        if len(arrivals) == 1:
            time.sleep(1.0)
        return Response("<p>in time</p>")

    server = HTTPServer(host="127.0.0.1", threaded=True)  # the retry must not queue behind
    server.expect_request("/slow-once").respond_with_handler(slow_once)
    server.start()
    try:
        result = get(server.url_for("/slow-once"), timeout_seconds=0.3, max_attempts=2)
    finally:
        server.stop()
    assert result.body == b"<p>in time</p>" and len(arrivals) == 2


def test_retries_wait_longer_each_time_with_jitter(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("", status=502)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async def go() -> None:
        async with Fetcher(fast_crawler(max_attempts=5), sleep=record,
                           backoff_initial=0.1) as fetcher:
            with pytest.raises(HTTPStatusError):
                await fetcher.get(httpserver.url_for("/down"))

    asyncio.run(go())
    first = list(waits)
    waits.clear()
    asyncio.run(go())
    assert len(first) == 4 and all(b > a for a, b in itertools.pairwise(first))
    assert first[0] >= 0.1 and first[3] >= 0.8  # 0.1, 0.2, 0.4, 0.8, each plus jitter
    assert first != waits  # jitter: two clients failing together retry apart
