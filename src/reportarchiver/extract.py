"""``reportarchiver extract``: clean one page from a file, a URL or stdin, without storing."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from ._pipeline import clean_page
from ._urls import canonicalize
from .config import Config
from .errors import InvalidURL, PageError, ReportArchiverError
from .models import Cleaned, FetchResult


class ExtractError(ReportArchiverError):
    """The source could not be read or fetched."""


def extract_text(html: bytes, url: str = "") -> str:
    """The cleaned body of one page as plain text: ``clean(html, url).text``.

    The shape a text-extraction benchmark expects (``score.py --extractor
    reportarchiver.extract:extract_text``).
    """
    from .clean import clean

    return clean(html, url).text


def extract_source(source: str, url: str, config: Config) -> tuple[Cleaned, str]:
    """Clean ``source`` ('-', a file path or an http(s) URL); returns (cleaned, page URL).

    HTML pages are cleaned; PDF, Word and Excel files are read for their text and metadata
    (the bytes decide, not the name); anything without text gives ``Cleaned.problem``.
    """
    if source.lower().startswith(("http://", "https://")):
        return _extract_url(source, config)
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise ExtractError(f"{source}: cannot read ({exc.strerror or exc})") from exc
    fetch = FetchResult(url=url, final_url=url, status=200, headers={}, body=data,
                        fetched_at="")
    return clean_page(fetch, config.hints_for(url)), url


def _extract_url(source: str, config: Config) -> tuple[Cleaned, str]:
    from .fetch import Fetcher

    try:
        url = canonicalize(source)
    except InvalidURL as exc:
        raise ExtractError(str(exc)) from exc

    async def fetch() -> Cleaned:
        async with Fetcher(config.crawler) as fetcher:
            result = await fetcher.get(url)
        return clean_page(result, config.hints_for(url))

    try:
        return asyncio.run(fetch()), url
    except PageError as exc:  # a fetch that failed, a redirect to javascript:
        raise ExtractError(str(exc)) from exc
