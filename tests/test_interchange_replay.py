"""The offline fetcher: URLs answered from WARC files as they were answered when captured."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reportarchiver.errors import HTTPStatusError, OutOfScope, TooLargeError
from reportarchiver.interchange import (
    ArchiveScan,
    CapturedResponse,
    CaptureIndex,
    WarcFetcher,
    write_warc,
)
from reportarchiver.interchange._replay import epoch

BASE = "http://www.example.test"
HTML = (("Content-Type", "text/html; charset=utf-8"),)


def capture(path: str, when: str, body: bytes = b"<p>page</p>", status: int = 200,
            headers: tuple[tuple[str, str], ...] = HTML) -> CapturedResponse:
    return CapturedResponse(BASE + path, when, status, "", headers, body,
                            (("User-Agent", "test"),))


def fetcher_for(tmp_path: Path, *captures: CapturedResponse, limit: int = 10_000
                ) -> WarcFetcher:
    warc = tmp_path / "site.warc.gz"
    write_warc(warc, captures)
    index = CaptureIndex([str(warc)])
    for ref in ArchiveScan(warc):
        index.add(ref.url, 0, ref)
    return WarcFetcher(index, max_body_bytes=limit)


def get(fetcher: WarcFetcher, url: str, when: str, **options: object):
    fetcher.at = epoch(when)
    return asyncio.run(fetcher.get(url, **options))  # type: ignore[arg-type]


def test_a_captured_page_is_served_with_its_headers_time_and_request(tmp_path: Path) -> None:
    fetcher = fetcher_for(tmp_path, capture("/a.html", "2023-01-02T03:04:05+00:00"))
    result = get(fetcher, BASE + "/a.html", "2023-01-02T03:04:05+00:00")
    assert (result.status, result.body, result.final_url) == (200, b"<p>page</p>",
                                                               BASE + "/a.html")
    assert result.fetched_at == "2023-01-02T03:04:05+00:00"
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.header_list == HTML and result.reason == "OK"
    assert ("User-Agent", "test") in result.request_headers
    assert fetcher.requests == 1


def test_of_several_captures_the_one_nearest_in_time_is_served(tmp_path: Path) -> None:
    fetcher = fetcher_for(tmp_path, capture("/a.html", "2023-01-01T00:00:00+00:00", b"old"),
                          capture("/a.html", "2024-01-01T00:00:00+00:00", b"new"))
    assert get(fetcher, BASE + "/a.html", "2023-01-01T00:00:05+00:00").body == b"old"
    assert get(fetcher, BASE + "/a.html", "2023-12-31T00:00:00+00:00").body == b"new"
    assert get(fetcher, BASE + "/a.html", "2030-01-01T00:00:00+00:00").body == b"new"
    assert get(fetcher, BASE + "/a.html", "2001-01-01T00:00:00+00:00").body == b"old"


def test_repeated_headers_are_joined_as_httpx_joins_them(tmp_path: Path) -> None:
    headers = (*HTML, ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"))
    fetcher = fetcher_for(tmp_path, capture("/a.html", "2023-01-01T00:00:00Z", headers=headers))
    result = get(fetcher, BASE + "/a.html", "2023-01-01T00:00:00Z")
    assert result.headers["set-cookie"] == "a=1, b=2"
    assert result.header_list == headers


def test_a_url_not_captured_is_a_404_saying_so(tmp_path: Path) -> None:
    fetcher = fetcher_for(tmp_path, capture("/a.html", "2023-01-01T00:00:00Z"))
    with pytest.raises(HTTPStatusError, match="not in the WARC") as caught:
        get(fetcher, BASE + "/b.html", "2023-01-01T00:00:00Z")
    assert caught.value.status == 404 and caught.value.url == BASE + "/b.html"


def test_an_error_status_captured_raises_as_the_live_fetcher_does(tmp_path: Path) -> None:
    fetcher = fetcher_for(tmp_path, capture("/gone.html", "2023-01-01T00:00:00Z",
                                            b"<h1>gone</h1>", status=410))
    with pytest.raises(HTTPStatusError, match="HTTP 410") as caught:
        get(fetcher, BASE + "/gone.html", "2023-01-01T00:00:00Z")
    assert caught.value.status == 410
    accepted = get(fetcher, BASE + "/gone.html", "2023-01-01T00:00:00Z", accept_errors=True)
    assert accepted.status == 410


def test_a_captured_redirect_is_followed_within_the_warc_and_each_hop_checked(
        tmp_path: Path) -> None:
    fetcher = fetcher_for(
        tmp_path,
        capture("/old.html", "2023-01-01T00:00:00Z", b"", 301,
                (("Location", "/new.html"),)),
        capture("/new.html", "2023-01-01T00:00:01Z", b"<p>moved</p>"))
    hops: list[str] = []

    async def check(url: str) -> None:
        hops.append(url)

    result = get(fetcher, BASE + "/old.html", "2023-01-01T00:00:00Z", check=check)
    assert (result.url, result.final_url, result.body) == (
        BASE + "/old.html", BASE + "/new.html", b"<p>moved</p>")
    assert hops == [BASE + "/new.html"] and fetcher.requests == 2


def test_a_redirect_the_check_refuses_is_not_followed(tmp_path: Path) -> None:
    fetcher = fetcher_for(tmp_path, capture("/old.html", "2023-01-01T00:00:00Z", b"", 302,
                                            (("Location", "http://elsewhere.test/"),)))

    async def check(url: str) -> None:
        raise OutOfScope(BASE + "/old.html", f"redirected out of the site's scope to {url}")

    with pytest.raises(OutOfScope):
        get(fetcher, BASE + "/old.html", "2023-01-01T00:00:00Z", check=check)


def test_a_redirect_to_a_page_not_captured_names_that_page(tmp_path: Path) -> None:
    fetcher = fetcher_for(tmp_path, capture("/old.html", "2023-01-01T00:00:00Z", b"", 301,
                                            (("Location", "/lost.html"),)))
    with pytest.raises(HTTPStatusError, match="not in the WARC") as caught:
        get(fetcher, BASE + "/old.html", "2023-01-01T00:00:00Z")
    assert caught.value.url == BASE + "/lost.html"


def test_a_body_over_the_size_cap_is_too_large(tmp_path: Path) -> None:
    fetcher = fetcher_for(tmp_path, capture("/big.html", "2023-01-01T00:00:00Z", b"x" * 500),
                          limit=100)
    with pytest.raises(TooLargeError, match=r"site\.warc\.gz: offset \d+"):
        get(fetcher, BASE + "/big.html", "2023-01-01T00:00:00Z")


def test_a_callers_size_cap_wins_and_its_headers_change_nothing(tmp_path: Path) -> None:
    fetcher = fetcher_for(tmp_path, capture("/file.pdf", "2023-01-01T00:00:00Z", b"x" * 500))
    with pytest.raises(TooLargeError):
        get(fetcher, BASE + "/file.pdf", "2023-01-01T00:00:00Z", max_bytes=100)
    result = get(fetcher, BASE + "/file.pdf", "2023-01-01T00:00:00Z",
                 headers={"User-Agent": "other", "Cookie": "a=1"})
    assert result.body == b"x" * 500


def test_nothing_is_paced_offline(tmp_path: Path) -> None:
    fetcher = fetcher_for(tmp_path, capture("/a.html", "2023-01-01T00:00:00Z"))
    fetcher.throttle.set_min_delay("www.example.test", 30)
    assert get(fetcher, BASE + "/a.html", "2023-01-01T00:00:00Z").status == 200


def test_the_index_keeps_numbers_not_bodies(tmp_path: Path) -> None:
    fetcher = fetcher_for(tmp_path, capture("/a.html", "2023-01-01T00:00:00Z", b"x" * 5000),
                          capture("/a.html", "2023-02-01T00:00:00Z", b"y" * 5000))
    entries = fetcher.index._urls[BASE + "/a.html"]
    assert len(entries) == 2 and all(isinstance(n, int) for e in entries for n in e)
    assert len(fetcher.index) == 2 and BASE + "/a.html" in fetcher.index
