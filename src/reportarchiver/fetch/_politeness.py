"""Per-host politeness: request spacing, Retry-After, adaptive slow-down, robots.txt rules.

The clock, the sleep function and the random source are injected so that tests can control
time. Nothing here does network I/O: robots.txt bodies are fetched by the crawler and parsed
here with protego (RFC 9309: longest match, wildcards, Allow/Disallow precedence).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from protego import Protego

# A repeated 429 doubles the host's delay; each success removes a tenth of the extra, so a host
# that pushed back once is treated gently for a while (AutoThrottle's idea, simpler).
_SLOWDOWN = 2.0
_RECOVERY = 0.9
_MAX_FACTOR = 32.0
# The delay a slowed-down host is spaced by at least, before the factor: a 429 must slow a
# crawl configured with no delay at all too (0 s times any factor is still 0 s).
_SLOW_FLOOR = 0.25
_JITTER = 0.1  # up to +10 % on each gap: never below the configured delay


@dataclass(slots=True)
class _Host:
    semaphore: asyncio.Semaphore
    delay: float
    per_host: int = 1
    factor: float = 1.0
    next_start: float = 0.0
    last_start: float | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class HostThrottle:
    """Spaces the starts of requests to one host by at least its delay, across all tasks."""

    def __init__(
        self,
        delay: float,
        per_host: int = 1,
        *,
        max_wait: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.delay = delay
        self.per_host = per_host
        self.max_wait = max_wait
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.Random()
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self.per_host), self.delay,
                                              self.per_host)
        return state

    def configure(self, host: str, *, delay: float | None = None,
                  per_host: int | None = None) -> None:
        """A host's own delay and concurrency (a site's overrides), before its first request."""
        state = self._host(host)
        if delay is not None:
            state.delay = delay
        if per_host is not None:
            state.semaphore, state.per_host = asyncio.Semaphore(per_host), per_host

    def per_host_of(self, host: str) -> int:
        """How many requests to ``host`` may be in flight (a site's own setting, if any)."""
        state = self._hosts.get(host)
        return state.per_host if state is not None else self.per_host

    def set_min_delay(self, host: str, seconds: float) -> None:
        """Raise a host's delay (robots.txt Crawl-delay): the larger of it and the config wins."""
        state = self._host(host)
        state.delay = max(state.delay, seconds)
        if state.last_start is not None:  # the robots.txt request itself counts
            state.next_start = max(state.next_start, state.last_start + state.delay)

    def delay_of(self, host: str) -> float:
        """The host's gap between request starts now (before jitter)."""
        return _gap(self._host(host))

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[Callable[[], None]]:
        """Hold one of the host's request slots, starting no sooner than its delay allows.

        Yields ``sent``, to call when the request actually goes out on the wire: the host's
        next start is counted from then, so the gap holds as the server sees it, however
        long the connection took (without a call, the end of the block counts). Until then
        no other request to the host may start.
        """
        state = self._host(host)
        async with state.semaphore:
            await state.lock.acquire()
            stamped = False

            def sent() -> None:
                nonlocal stamped
                if stamped:
                    return
                stamped = True
                gap = _gap(state)
                state.last_start = self.clock()
                state.next_start = max(
                    state.next_start,
                    state.last_start + gap * (1 + _JITTER * self.rng.random()))
                state.lock.release()

            try:
                wait = state.next_start - self.clock()
                if wait > 0:
                    await self.sleep(wait)
                yield sent
            finally:
                sent()

    def back_off(self, host: str, retry_after: float | None, *, slow_down: bool) -> float:
        """After a 429/503: no request to the host before ``retry_after`` (capped) seconds.

        ``slow_down`` (a 429) also multiplies the host's delay. Returns the wait imposed.
        """
        state = self._host(host)
        if slow_down:
            state.factor = min(_MAX_FACTOR, state.factor * _SLOWDOWN)
        wait = min(self.max_wait, retry_after if retry_after is not None else 0.0)
        wait = max(wait, _gap(state))
        state.next_start = max(state.next_start, self.clock() + wait)
        return wait

    def succeeded(self, host: str) -> None:
        state = self._host(host)
        if state.factor > 1.0:
            state.factor = max(1.0, state.factor * _RECOVERY)


def _gap(state: _Host) -> float:
    if state.factor > 1.0:
        return max(state.delay, _SLOW_FLOOR) * state.factor
    return state.delay


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one host's robots.txt says to our user agent."""

    parser: Protego | None  # None: no rules (4xx) or everything disallowed (see allow_all)
    allow_all: bool = True
    reason: str = ""

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        value = self.parser.crawl_delay(user_agent)
        return float(value) if value is not None else None

    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser is not None else []


def robots_rules(status: int | None, body: bytes, error: str = "") -> RobotsRules:
    """Rules from a robots.txt response, per RFC 9309.

    2xx: parse it. 4xx: no rules. 5xx or unreachable (``status`` None): the whole host is
    disallowed for this run, because the site may be failing and its rules are unknown.
    """
    if status is None or status >= 500:
        why = error or f"robots.txt answered {status}"
        return RobotsRules(None, allow_all=False, reason=f"{why}: host treated as disallowed")
    if status >= 400:
        return RobotsRules(None, allow_all=True, reason=f"robots.txt answered {status}")
    text = body[:500_000].decode("utf-8", errors="replace")
    return RobotsRules(Protego.parse(text))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = now if now is not None else time.time()
    return max(0.0, when.timestamp() - current)
