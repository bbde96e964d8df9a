"""Per-host throttle with a controlled clock, robots rules, Retry-After parsing."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from reportarchiver.fetch._politeness import HostThrottle, parse_retry_after, robots_rules


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def starts(throttle: HostThrottle, clock: FakeClock, hosts: list[str]) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []

    async def one(host: str) -> None:
        async with throttle.slot(host):
            out.append((host, clock.now))

    async def main() -> None:
        await asyncio.gather(*(one(h) for h in hosts))

    asyncio.run(main())
    return out


def test_requests_to_one_host_are_spaced_by_at_least_the_delay() -> None:
    clock = FakeClock()
    throttle = HostThrottle(2.0, clock=clock, sleep=clock.sleep)
    times = [t for _, t in starts(throttle, clock, ["a"] * 5)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap >= 2.0 for gap in gaps)
    assert all(gap <= 2.0 * 1.1 + 1e-9 for gap in gaps)  # jitter is small


def test_different_hosts_do_not_wait_for_each_other() -> None:
    clock = FakeClock()
    throttle = HostThrottle(5.0, clock=clock, sleep=clock.sleep)
    times = dict(starts(throttle, clock, ["a", "b", "c"]))
    assert set(times.values()) == {0.0}


def test_crawl_delay_raises_the_delay_but_never_lowers_it() -> None:
    throttle = HostThrottle(2.0)
    throttle.set_min_delay("a", 5.0)
    throttle.set_min_delay("b", 0.5)
    assert throttle.delay_of("a") == 5.0
    assert throttle.delay_of("b") == 2.0


def test_a_429_slows_the_host_down_and_it_recovers_slowly() -> None:
    clock = FakeClock()
    throttle = HostThrottle(1.0, clock=clock, sleep=clock.sleep)
    throttle.back_off("a", None, slow_down=True)
    throttle.back_off("a", None, slow_down=True)
    assert throttle.delay_of("a") == 4.0
    throttle.succeeded("a")
    assert 3.0 < throttle.delay_of("a") < 4.0


def test_a_429_slows_down_a_host_crawled_without_any_delay_too() -> None:
    clock = FakeClock()
    throttle = HostThrottle(0.0, clock=clock, sleep=clock.sleep)
    assert throttle.delay_of("a") == 0.0
    throttle.back_off("a", None, slow_down=True)
    assert throttle.delay_of("a") >= 0.5
    for _ in range(20):
        throttle.succeeded("a")
    assert throttle.delay_of("a") == 0.0  # recovered


def test_retry_after_blocks_the_host_until_it_passes_capped() -> None:
    clock = FakeClock()
    throttle = HostThrottle(0.0, clock=clock, sleep=clock.sleep, max_wait=30.0)
    assert throttle.back_off("a", 10.0, slow_down=False) == 10.0
    assert throttle.back_off("b", 999.0, slow_down=False) == 30.0
    times = dict(starts(throttle, clock, ["a"]))
    assert times["a"] >= 10.0


def test_robots_4xx_means_no_rules() -> None:
    rules = robots_rules(404, b"")
    assert rules.allowed("http://a/x", "bot")


def test_robots_5xx_or_unreachable_disallows_the_whole_host() -> None:
    assert not robots_rules(503, b"").allowed("http://a/x", "bot")
    assert not robots_rules(None, b"", "connection refused").allowed("http://a/", "bot")


def test_robots_rules_apply_to_our_agent() -> None:
    body = (b"User-agent: reportarchiver\nDisallow: /private/\nCrawl-delay: 4\n\n"
            b"User-agent: *\nDisallow: /\n\nSitemap: http://a/sitemap.xml\n")
    rules = robots_rules(200, body)
    ua = "reportarchiver/0.1 (+mailto:x@example.org)"
    assert rules.allowed("http://a/report.html", ua)
    assert not rules.allowed("http://a/private/1.html", ua)
    assert not rules.allowed("http://a/report.html", "otherbot")
    assert rules.crawl_delay(ua) == 4.0
    assert rules.sitemaps() == ["http://a/sitemap.xml"]


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("120") == 120.0
    now = datetime(2026, 1, 1, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now=now.timestamp()) == 90.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_the_gaps_carry_random_jitter() -> None:
    clock = FakeClock()
    throttle = HostThrottle(1.0, clock=clock, sleep=clock.sleep)
    times = [t for _, t in starts(throttle, clock, ["a"] * 10)]
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(times)}
    assert len(gaps) > 5  # not one fixed interval a server could lock onto
