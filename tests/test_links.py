"""Links of a page: resolution, in-article pagination, sitemaps and feeds."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from reportarchiver._urls import canonicalize
from reportarchiver.clean._links import (
    extract_links,
    feed_urls,
    report_page_links,
    sitemap_urls,
)

PAGE = "http://e.com/baogao/db/4633.html?from=list"


@pytest.mark.parametrize("href", ["/a/b.html", "c.html", "../d.html", "?p=2", "./e/f.html",
                                  "http://Other.com/x", "//cdn.e.com/y", "/baogao/db/4633_2.html"])
def test_links_resolve_as_the_standard_library_would(href: str) -> None:
    [link] = extract_links(f'<a href="{href}">x</a>', PAGE).links
    assert link == canonicalize(urljoin(PAGE, href))


def test_scripts_mail_and_fragments_are_not_links() -> None:
    html = '<a href="javascript:go()">a</a><a href="mailto:x@e.com">b</a><a href="#top">c</a>'
    assert extract_links(html, PAGE).links == ()


def test_a_base_element_changes_the_base() -> None:
    html = '<base href="http://e.com/other/"><a href="x.html">x</a>'
    assert extract_links(html, PAGE).links == ("http://e.com/other/x.html",)


def test_numbered_pages_and_next_links_are_found_in_order() -> None:
    html = ('<a href="4633.html">1</a><a href="4633_3.html">3</a><a href="4633_2.html">2</a>'
            '<a href="4634.html">下一篇</a><a href="/list_2.html">下一页</a>')
    links = extract_links(html, "http://e.com/baogao/db/4633.html")
    pages = report_page_links(links, "http://e.com/baogao/db/4633.html")
    assert pages == [(2, "http://e.com/baogao/db/4633_2.html"),
                     (3, "http://e.com/baogao/db/4633_3.html")]


def test_a_rel_next_link_without_numbering_is_the_next_page() -> None:
    html = '<link rel="next" href="4633-p2.html"><a href="x.html">x</a>'
    links = extract_links(html, "http://e.com/r/4633.html")
    assert report_page_links(links, "http://e.com/r/4633.html") == [
        (2, "http://e.com/r/4633-p2.html")]


@pytest.mark.parametrize("select", [
    '<select name="sldd" style="width:36px">',
    '<select onchange="location.href=this.options[this.selectedIndex].value;">',
])
def test_a_select_pager_gives_the_pages_in_order(select: str) -> None:
    """DedeCMS's "跳转到" box: the only place that names every page."""
    html = (f'分页: 共3页 跳转到: {select}<option value="4633.html">1</option>'
            '<option value="4633_2.html" selected>2</option><option value="4633-p3.html">3'
            '</option></select><select name="city"><option value="/bj/">北京</option></select>')
    links = extract_links(html, "http://e.com/r/4633.html")
    assert report_page_links(links, "http://e.com/r/4633.html") == [
        (2, "http://e.com/r/4633_2.html"), (3, "http://e.com/r/4633-p3.html")]
    assert "http://e.com/bj/" not in links.links  # a select that does not navigate


def test_sitemaps_and_feeds_give_their_urls() -> None:
    sitemap = b"<urlset><url><loc> http://e.com/a.html </loc></url><url><loc><![CDATA[http://e.com/b.html]]></loc></url></urlset>"
    assert sitemap_urls(sitemap) == ["http://e.com/a.html", "http://e.com/b.html"]
    rss = b"<rss><channel><item><link>http://e.com/c.html</link></item></channel></rss>"
    atom = b'<feed><entry><link href="http://e.com/d.html"/></entry></feed>'
    assert feed_urls(rss) == ["http://e.com/c.html"]
    assert feed_urls(atom) == ["http://e.com/d.html"]
