"""Pages that need JavaScript, rendered in a headless Chromium (a site's ``render = "browser"``).

The browser only renders: every request it makes (the page, its scripts, the JSON they load)
is intercepted and fetched by the crawler's own :class:`Fetcher`, so robots.txt, the site's
scope, the per-host delays, the retries and the size caps apply to it exactly as to any
page, and the requests count towards ``max_pages``. Images, fonts and media are not fetched
at all: they carry no text. Playwright drives Debian's ``chromium`` (no browser download);
both are optional (``pip install 'reportarchiver[browser]'``, ``apt-get install chromium``).
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from typing import Any

from .._urls import canonicalize
from ..errors import ConfigError, PageError
from ..models import FetchResult

#: Where Debian installs Chromium; a ``chromium`` on the PATH is used otherwise.
CHROMIUM = "/usr/bin/chromium"
_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_SKIPPED = frozenset({"image", "media", "font", "websocket", "eventsource", "manifest"})
#: Headers that describe the wire, not the body handed to the browser (it is decoded).
_WIRE = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})

#: Fetches one URL for the browser (the crawler's polite fetch, robots and scope checked).
FetchFn = Callable[[str], Awaitable[FetchResult]]


def chromium_path() -> str:
    """The Chromium executable, or a ConfigError saying how to get it."""
    found = shutil.which(CHROMIUM) or shutil.which("chromium")
    if not found:
        raise ConfigError("sites.render", 'render = "browser" needs Chromium '
                                          "(apt-get install chromium)")
    return found


class BrowserRenderer:
    """One headless Chromium for a run; :meth:`render` gives a page's HTML after its scripts
    ran. Use ``async with``."""

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_ms = timeout_seconds * 1000
        self._playwright: Any = None
        self._browser: Any = None

    async def __aenter__(self) -> BrowserRenderer:
        try:
            from playwright.async_api import async_playwright
        except ImportError as exc:
            raise ConfigError("sites.render", 'render = "browser" needs Playwright '
                                              "(pip install 'reportarchiver[browser]')") from exc
        executable = chromium_path()
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(executable_path=executable,
                                                               args=_ARGS)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()

    async def render(self, url: str, fetch: FetchFn, user_agent: str) -> FetchResult:
        """The page at ``url`` as the browser shows it once its scripts have run, every
        request made through ``fetch``. The result's body is the rendered HTML."""
        from playwright.async_api import Error as PlaywrightError

        context = await self._browser.new_context(user_agent=user_agent,
                                                  service_workers="block")
        main: list[FetchResult] = []
        failed: list[PageError] = []
        try:
            page = await context.new_page()
            await page.route("**/*", self._router(url, fetch, main, failed))
            try:
                await page.goto(url, wait_until="networkidle", timeout=self.timeout_ms)
            except PlaywrightError as exc:
                if failed:  # the page itself could not be had: the fetch says why
                    raise failed[0] from None
                if not main:
                    raise BrowserError(url, "the browser could not load the page: "
                                            f"{str(exc).splitlines()[0]}") from None
            html = await page.content()
        finally:
            await context.close()
        if not main:
            raise BrowserError(url, "the browser never asked for the page itself")
        first = main[0]
        return FetchResult(url=url, final_url=first.final_url, status=first.status,
                           headers={**first.headers,
                                    "content-type": "text/html; charset=utf-8"},
                           body=html.encode("utf-8"), fetched_at=first.fetched_at,
                           reason=first.reason, header_list=first.header_list,
                           request_headers=first.request_headers)

    def _router(self, url: str, fetch: FetchFn, main: list[FetchResult],
                failed: list[PageError]) -> Any:
        async def route(route: Any) -> None:
            request = route.request
            if request.resource_type in _SKIPPED or not request.url.startswith("http"):
                await route.abort()
                return
            is_page = _same(request.url, url)  # (Chromium escapes what canonicalize keeps)
            try:
                result = await fetch(url if is_page else request.url)
            except PageError as exc:  # robots.txt, a failing server: the browser goes without
                if is_page:
                    failed.append(exc)
                await route.abort()
                return
            if is_page and not main:
                main.append(result)
            await route.fulfill(status=result.status, body=result.body,
                                headers={k: v for k, v in result.headers.items()
                                         if k not in _WIRE})
        return route


def _same(a: str, b: str) -> bool:
    try:
        return canonicalize(a) == canonicalize(b)
    except PageError:
        return False


class BrowserError(PageError):
    """The browser could not render the page."""

    kind = "browser"
