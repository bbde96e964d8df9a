"""URL canonicalization, page-n detection and crawler-trap checks."""

from __future__ import annotations

import pytest

from reportarchiver._urls import canonicalize, first_page_of, listing_key, trap_reason
from reportarchiver.errors import InvalidURL


@pytest.mark.parametrize(("raw", "canonical"), [
    ("HTTP://Example.COM:80/a/./b/../c.html#top", "http://example.com/a/c.html"),
    ("https://example.com:443", "https://example.com/"),
    ("http://example.com:8080/x", "http://example.com:8080/x"),
    ("http://e.com/p?b=2&a=1&utm_source=feed&utm_medium=x", "http://e.com/p?a=1&b=2"),
    ("http://e.com/%7euser/%E4%B8%AD", "http://e.com/~user/%E4%B8%AD"),
    ("http://e.com/中文.html", "http://e.com/%E4%B8%AD%E6%96%87.html"),
    ("  http://e.com/a  ", "http://e.com/a"),
])
def test_equivalent_urls_canonicalize_alike(raw: str, canonical: str) -> None:
    assert canonicalize(raw) == canonical


def test_relative_links_resolve_against_the_base() -> None:
    assert canonicalize("../db/4633_2.html", "http://e.com/baogao/x/1.html") == \
        "http://e.com/baogao/db/4633_2.html"


@pytest.mark.parametrize("bad", ["ftp://e.com/", "mailto:a@e.com", "javascript:void(0)",
                                 "/relative/only", "http://", "http://e.com:99999/", ""])
def test_only_http_and_https_urls_are_accepted(bad: str) -> None:
    with pytest.raises(InvalidURL):
        canonicalize(bad)


def test_page_n_urls_point_at_page_one() -> None:
    assert first_page_of("http://e.com/baogao/db/4633_3.html") == (
        "http://e.com/baogao/db/4633.html", 3)
    assert first_page_of("http://e.com/baogao/db/4633.html") is None
    assert first_page_of("http://e.com/t20230110_4727722.html") is None  # a CMS id, not page n


@pytest.mark.parametrize(("url", "reason"), [
    ("http://e.com/a/b/a/b/a/b/x.html", "repeating path segments"),
    ("http://e.com/cal?month=5&year=2024", "calendar-like query"),
    ("http://e.com/p?" + "&".join(f"k{i}=v" for i in range(20)), "query string too long"),
    ("http://e.com/" + "/".join("abcdefghijklmn"), "path too deep"),
])
def test_crawler_traps_are_recognized(url: str, reason: str) -> None:
    assert trap_reason(url) == reason


def test_ordinary_report_urls_are_not_traps() -> None:
    assert trap_reason("http://e.com/baogao/db/4633.html") is None
    assert trap_reason("http://e.com/art/2024/2/18/art_123_456.html") is None


@pytest.mark.parametrize(("url", "key"), [
    ("http://a.cn/baogao/", "http://a.cn/baogao/"),
    ("http://a.cn/baogao/index.html", "http://a.cn/baogao/"),
    ("http://a.cn/baogao/index_2.html", "http://a.cn/baogao/"),
    ("http://a.cn/baogao/index_999.shtml", "http://a.cn/baogao/"),
    ("http://a.cn/cat/list_5_1.html", "http://a.cn/cat/list_5.html"),
    ("http://a.cn/cat/list_5_12.html", "http://a.cn/cat/list_5.html"),
    ("http://a.cn/cat/list_5.html", "http://a.cn/cat/list.html"),
    ("http://a.cn/cat/list_5_10_2.html", "http://a.cn/cat/list_5_10.html"),
    ("http://a.cn/cat/list_1000.html", "http://a.cn/cat/list_1000.html"),
    ("http://a.cn/news.php?page=2", "http://a.cn/news.php?page=2"),
    ("http://a.cn/r_1/4633.html", "http://a.cn/r_1/4633.html"),
])
def test_the_pages_of_one_listing_share_a_key(url, key):
    assert listing_key(url) == key


def test_a_url_pattern_generalises_digits_and_keeps_query_names():
    from reportarchiver._urls import url_pattern

    assert url_pattern("http://e.com/cal/2024-01-05.html") == "e.com/cal/#-#-#.html"
    assert url_pattern("http://e.com/list?page=3&cat=7") == "e.com/list?cat&page"


@pytest.mark.parametrize(("parent", "link", "walk"), [
    ("http://e.com/cal/2024-01-05.html", "http://e.com/cal/2024-01-06.html", True),
    ("http://e.com/cal/2024-01.html", "http://e.com/cal/2024-02.html", True),
    ("http://e.com/day/20240105", "http://e.com/day/20240104", True),
    ("http://e.com/cal/2024-01.html", "http://e.com/cal/2024-01-05.html", False),  # month: day
    ("http://e.com/", "http://e.com/cal/2024-01-05.html", False),  # into the calendar once
    ("http://e.com/list/index_2.html", "http://e.com/list/index_3.html", False),  # paging
    ("http://e.com/cal/2024-01-05.html", "http://e.com/cal/2024-01-05.html", False),
])
def test_a_date_walk_is_the_same_page_for_another_date(parent, link, walk):
    from reportarchiver._urls import date_walk

    assert date_walk(parent, link) is walk


def test_a_path_growing_one_numbered_segment_a_link_is_a_trap():
    assert trap_reason("http://e.com/list/1/2/3/4/5.html") == "ever-growing path"
    assert trap_reason("http://e.com/art/2024/01/05/art_1.html") is None
