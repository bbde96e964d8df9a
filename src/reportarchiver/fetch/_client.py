"""HTTP fetching: the only module that imports httpx and tenacity.

One :class:`Fetcher` per run builds one ``httpx.AsyncClient`` (the transport can be swapped in
tests), goes through the :class:`HostThrottle` for every request, caps the body while streaming
(decompressed bytes, so a gzip bomb stops at the cap too), and retries with exponential backoff
and jitter on connect errors, timeouts, 408, 429 and 5xx gateway errors, never on other 4xx.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from .._urls import host_of
from ..config import CrawlerConfig
from ..errors import FetchError, HTTPStatusError, InvalidURL, NetworkError, TooLargeError
from ..models import FetchResult
from ._politeness import HostThrottle, parse_retry_after

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class _Retryable(Exception):
    """Wraps a FetchError that another attempt may cure."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(str(error))
        self.error = error


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Fetcher:
    """Fetches URLs politely. Use ``async with Fetcher(...)``."""

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
        # the first retry waits about one host delay (at least 50 ms), doubling from there
        self.backoff_initial = backoff_initial if backoff_initial is not None else max(
            0.05, min(cfg.delay_seconds, 2.0))
        self.client = httpx.AsyncClient(
            headers={"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(cfg.timeout_seconds),
            follow_redirects=True,
            max_redirects=cfg.max_redirects,
            transport=transport,
            limits=httpx.Limits(max_connections=cfg.concurrency * 2,
                                max_keepalive_connections=cfg.concurrency * 2),
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def get(self, url: str, *, etag: str = "", last_modified: str = "",
                  accept_errors: bool = False) -> FetchResult:
        """GET ``url`` with retries. A 304 is returned as a result (status 304, empty body).

        Raises a :class:`FetchError` subclass after the last attempt, carrying the attempt
        count. With ``accept_errors`` a final 4xx/5xx response is returned instead (robots.txt).
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
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
                    return await self._once(url, headers, accept_errors, last)
        except _Retryable as exc:
            exc.error.attempts = attempts
            raise exc.error from None
        except FetchError as exc:
            exc.attempts = attempts
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(self, url: str, headers: dict[str, str], accept_errors: bool,
                    last: bool) -> FetchResult:
        host = host_of(url)
        started = time.monotonic()
        async with self.throttle.slot(host):
            try:
                async with self.client.stream("GET", url, headers=headers) as response:
                    body = await self._read_capped(url, response)
            except httpx.TooManyRedirects as exc:
                raise HTTPStatusError(url, f"more than {self.cfg.max_redirects} redirects") from exc
            except httpx.UnsupportedProtocol as exc:
                raise InvalidURL(url, f"redirected to an unsupported URL ({exc})") from exc
            except httpx.DecodingError as exc:
                raise NetworkError(url, f"bad content encoding: {exc}") from exc
            except httpx.TransportError as exc:
                message = f"{type(exc).__name__}: {exc}".rstrip(": ")
                raise _Retryable(NetworkError(url, message)) from exc
        result = FetchResult(
            url=url, final_url=str(response.url), status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()}, body=body,
            fetched_at=_now(), elapsed=time.monotonic() - started)
        return self._judge(result, accept_errors, last)

    def _judge(self, result: FetchResult, accept_errors: bool, last: bool) -> FetchResult:
        status, host = result.status, host_of(result.url)
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

    async def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        cap = self.cfg.max_response_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap and response.headers.get(
                "content-encoding") in (None, "", "identity"):
            raise TooLargeError(url, f"Content-Length {declared} exceeds {cap} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise TooLargeError(url, f"body exceeds {cap} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
