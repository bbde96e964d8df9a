"""HTTP fetching: the only module that imports httpx and tenacity.

One :class:`Fetcher` per run builds one ``httpx.AsyncClient`` (the transport can be swapped in
tests) and, for every request:

- follows redirects itself, one hop at a time: each target is checked (a valid http(s) URL,
  the caller's scope and robots check) and paced through its own host's slot of the
  :class:`HostThrottle`, so a redirect to another host is as polite as a link to it;
- holds each request to a total deadline (headers and body), so a server dripping a byte a
  second cannot hold the crawl;
- decodes the body itself, layer by layer (``Content-Encoding: gzip, gzip``), with the size
  cap applied after every layer, so no bomb gets further than the cap;
- retries with exponential backoff and jitter on connect errors, timeouts, 408, 429 and 5xx
  gateway errors, never on other 4xx.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from .._system import utcnow
from .._urls import canonicalize, host_of
from ..config import CrawlerConfig
from ..errors import (
    FetchError,
    HTTPStatusError,
    InvalidURL,
    NetworkError,
    PageError,
    TooLargeError,
)
from ..models import FetchResult
from ._politeness import HostThrottle, parse_retry_after
from ._proxy import proxy_transport

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: The events of httpcore's trace extension that mark the request going out on the wire.
_SENT_EVENTS = frozenset({"http11.send_request_headers.started",
                          "http2.send_request_headers.started"})

#: Called with each redirect target before it is fetched; raises a PageError to refuse it.
HopCheck = Callable[[str], Awaitable[None]]


_LOCATION = "reportarchiver.location"


async def _hold_location(response: httpx.Response) -> None:
    """Move a redirect's Location out of httpx's sight: even when it does not follow, httpx
    parses the target into ``next_request``, and a hostile one (``javascript:``, a bad IDN
    host, 10,000 characters) raises from inside ``send()``. It is checked here instead, as
    one :class:`InvalidURL` of the URL that redirected."""
    if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
        response.extensions[_LOCATION] = response.headers["location"]
        del response.headers["location"]


class _Retryable(Exception):
    """Wraps a FetchError that another attempt may cure."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(str(error))
        self.error = error


class Fetcher:
    """Fetches URLs politely. Use ``async with Fetcher(...)``.

    ``requests`` counts every request sent (each redirect hop, each retry, robots.txt).
    """

    def __init__(
        self,
        cfg: CrawlerConfig,
        throttle: HostThrottle | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        backoff_initial: float | None = None,
    ) -> None:
        self.cfg = cfg
        self.throttle = throttle or HostThrottle(cfg.delay_seconds, cfg.per_host_concurrency,
                                                 max_wait=cfg.max_retry_after_seconds)
        self.sleep = sleep
        self.requests = 0
        #: called with every response that is returned (a crawl's own WARC files)
        self.on_response: Callable[[FetchResult], None] | None = None
        # the first retry waits about one host delay (at least 50 ms), doubling from there
        self.backoff_initial = backoff_initial if backoff_initial is not None else max(
            0.05, min(cfg.delay_seconds, 2.0))
        limits = httpx.Limits(max_connections=cfg.concurrency * 2,
                              max_keepalive_connections=cfg.concurrency * 2)
        self.client = httpx.AsyncClient(
            headers={"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(cfg.timeout_seconds),
            follow_redirects=False,  # every hop is checked and paced here
            transport=transport or proxy_transport(cfg.proxy, limits),
            limits=limits,
            # the environment's proxies come through proxy_transport (loopback excepted);
            # nothing else of it (.netrc credentials, SSL_CERT_FILE) changes what is fetched
            trust_env=False,
            event_hooks={"response": [_hold_location]},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def get(self, url: str, *, etag: str = "", last_modified: str = "",
                  accept_errors: bool = False, check: HopCheck | None = None,
                  max_bytes: int | None = None,
                  headers: Mapping[str, str] | None = None) -> FetchResult:
        """GET ``url`` with retries. A 304 is returned as a result (status 304, empty body).

        ``check`` is awaited with every redirect target before it is fetched (robots.txt and
        scope) and may raise a :class:`PageError`. Raises a :class:`PageError` after the last
        attempt, carrying the attempt count. With ``accept_errors`` a final 4xx/5xx response
        is returned instead (robots.txt). ``max_bytes``: the body's size cap, if not
        ``max_response_bytes`` (attachments). ``headers``: a site's own (User-Agent,
        cookies), sent on every hop (each hop is in the site's scope: ``check`` sees to it).
        """
        cap = max_bytes or self.cfg.max_response_bytes
        extra = dict(headers or {})
        validators = {}
        if etag:
            validators["If-None-Match"] = etag
        if last_modified:
            validators["If-Modified-Since"] = last_modified
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.cfg.max_attempts),
            # doubling waits plus random jitter, so that clients failing together retry apart
            wait=wait_exponential(multiplier=self.backoff_initial, max=60)
            + wait_random(0, self.backoff_initial),
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            sleep=self.sleep,
            reraise=True,
        )
        attempts = 0
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    last = attempts >= self.cfg.max_attempts
                    result = await self._follow(url, extra, validators, accept_errors,
                                                last, check, cap)
                    if self.on_response is not None and result.status != 304:
                        self.on_response(result)
                    return result
        except _Retryable as exc:
            exc.error.attempts = attempts
            raise exc.error from None
        except PageError as exc:
            exc.attempts = attempts
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _follow(self, url: str, extra: dict[str, str], validators: dict[str, str],
                      accept_errors: bool, last: bool, check: HopCheck | None,
                      cap: int) -> FetchResult:
        """One attempt: the request and its redirects, each hop checked and paced."""
        started = time.monotonic()
        hop = url
        for hops in range(self.cfg.max_redirects + 1):
            # validators belong to the URL asked for, not to where it redirects
            response, body = await self._request(
                hop, {**extra, **validators} if hops == 0 else extra, cap)
            location = response.extensions.get(_LOCATION)
            if response.status_code not in REDIRECT_STATUSES or location is None:
                result = FetchResult(
                    url=url, final_url=hop, status=response.status_code,
                    headers={k.lower(): v for k, v in response.headers.items()}, body=body,
                    fetched_at=utcnow(), elapsed=time.monotonic() - started,
                    reason=response.reason_phrase, header_list=_pairs(response.headers.raw),
                    request_headers=_pairs(response.request.headers.raw))
                return self._judge(result, accept_errors, last)
            try:
                hop = canonicalize(location, hop)
            except InvalidURL as exc:  # javascript:, data:, a bad host: recorded for url
                raise InvalidURL(url, f"redirected to {location[:200]!r}, which cannot be "
                                      f"fetched ({exc.message})") from None
            if check is not None:
                await check(hop)
        raise HTTPStatusError(url, f"more than {self.cfg.max_redirects} redirects")

    async def _request(self, url: str, headers: dict[str, str],
                       cap: int) -> tuple[httpx.Response, bytes]:
        """Send one request through its host's slot; the response and its decoded body (empty
        for a redirect, whose body is never read)."""
        deadline = self.cfg.deadline_seconds
        async with self.throttle.slot(host_of(url)) as sent:

            async def trace(event: str, _info: dict[str, Any]) -> None:
                if event in _SENT_EVENTS:
                    sent()  # the host's clock is stamped when the request is on the wire

            self.requests += 1
            try:
                async with asyncio.timeout(deadline):
                    request = self.client.build_request("GET", url, headers=headers,
                                                        extensions={"trace": trace})
                    response = await self.client.send(request, stream=True)
                    try:
                        if response.status_code in REDIRECT_STATUSES:
                            return response, b""
                        return response, await self._read_capped(url, response, cap)
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise NetworkError(url, f"no complete response within deadline_seconds = "
                                        f"{deadline:g}") from None
            except httpx.InvalidURL as exc:  # what canonicalize let through, httpx refused
                raise NetworkError(url, f"invalid URL: {exc}") from exc
            except httpx.TransportError as exc:
                message = f"{type(exc).__name__}: {exc}".rstrip(": ")
                raise _Retryable(NetworkError(url, message)) from exc

    def _judge(self, result: FetchResult, accept_errors: bool, last: bool) -> FetchResult:
        status, host = result.status, host_of(result.final_url)
        if status in (429, 503):
            retry_after = parse_retry_after(result.headers.get("retry-after"))
            self.throttle.back_off(host, retry_after, slow_down=status == 429)
        if status < 400:
            self.throttle.succeeded(host)
            return result
        retryable = status in RETRY_STATUSES
        if accept_errors and (last or not retryable):
            return result
        error = HTTPStatusError(result.url, f"HTTP {status}", status=status)
        if retryable:
            raise _Retryable(error)
        raise error

    async def _read_capped(self, url: str, response: httpx.Response, cap: int) -> bytes:
        codings = _codings(url, response.headers.get("content-encoding", ""))
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap and not codings:
            raise TooLargeError(url, f"Content-Length {declared} exceeds {cap} bytes")
        decoder = _CappedDecoder(url, codings, cap)
        chunks: list[bytes] = []
        async for raw in response.aiter_raw():
            chunk = decoder.feed(raw)
            if chunk:
                chunks.append(chunk)
        chunks.append(decoder.finish())
        return b"".join(chunks)


def _pairs(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    """Header pairs as received: names ASCII, values UTF-8 where valid, else Latin-1."""
    out = []
    for name, value in raw:
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
        out.append((name.decode("latin-1"), text))
    return tuple(out)


_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


def _codings(url: str, header: str) -> list[str]:
    """The content codings of a response, in the order they were applied."""
    codings = [c.strip().lower() for c in header.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    for coding in codings:
        if coding not in _WBITS:
            raise NetworkError(url, f"unsupported Content-Encoding {coding!r}")
    return codings


class _CappedDecoder:
    """Undo the content codings incrementally, every layer's output capped.

    Each layer is asked for at most ``cap + 1`` bytes per input chunk (zlib's
    ``max_length``): a layer holding back input beyond that, or having produced more than the
    cap in all, is a body over the cap. So the memory used is bounded by the cap per layer,
    whatever the ratio of each layer (a 277-byte gzip of a gzip of a gzip is a bomb).
    """

    def __init__(self, url: str, codings: list[str], cap: int) -> None:
        self.url, self.cap = url, cap
        self.layers = [_Layer(coding) for coding in reversed(codings)]
        self.size = 0

    def feed(self, data: bytes) -> bytes:
        for layer in self.layers:
            data = layer.decompress(self, data)
        return self._count(data)

    def finish(self) -> bytes:
        """What the layers still hold: each flushed after all its input, in order."""
        out = []
        for i, layer in enumerate(self.layers):
            data = layer.flush(self)
            for later in self.layers[i + 1:]:
                data = later.decompress(self, data)
            out.append(data)
        return self._count(b"".join(out))

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.cap:
            raise TooLargeError(self.url, f"body exceeds {self.cap} bytes")
        return data

    def too_large(self) -> TooLargeError:
        return TooLargeError(self.url, f"body exceeds {self.cap} bytes (decoded)")


class _Layer:
    """One content coding being undone (gzip or deflate, raw or zlib-wrapped)."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.raw_deflate = False
        self.obj = zlib.decompressobj(_WBITS[coding])
        self.produced = self.consumed = 0

    def decompress(self, owner: _CappedDecoder, data: bytes) -> bytes:
        if not data:
            return b""
        self.consumed += len(data)
        try:
            out = self.obj.decompress(data, owner.cap + 1)
        except zlib.error as exc:
            if self.coding == "deflate" and not self.raw_deflate and self.produced == 0:
                # "deflate" is zlib-wrapped by the RFC, raw by many servers: try raw
                self.raw_deflate = True
                self.obj = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.decompress(owner, data)
            raise NetworkError(owner.url, f"bad content encoding ({self.coding}): {exc}") from exc
        if self.obj.unconsumed_tail:
            raise owner.too_large()
        self.produced += len(out)
        if self.produced > owner.cap:
            raise owner.too_large()
        return out

    def flush(self, owner: _CappedDecoder) -> bytes:
        try:
            out = self.obj.flush()
        except zlib.error as exc:
            raise NetworkError(owner.url, f"bad content encoding ({self.coding}): {exc}") from exc
        if self.consumed and not self.obj.eof:  # the stream stopped before its end
            raise NetworkError(owner.url, f"truncated {self.coding} stream")
        self.produced += len(out)
        if self.produced > owner.cap:
            raise owner.too_large()
        return out
