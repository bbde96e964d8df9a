"""Links of a page: what the crawler follows, and the later pages of a multi-page report.

In-article pagination is found without site configuration: links numbered on the report's own
stem (``4633_2.html``), ``rel="next"`` and "下一页"/"next" links, and the options of a
``<select>`` pager (DedeCMS's "跳转到" box).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser

from .._urls import canonicalize, first_page_of
from ..documents import attachment_kind
from ..errors import InvalidURL

_NEXT_TEXT = re.compile(r"^\s*(下一页|下页|后一页|next(\s+page)?|›|»|>)\s*$", re.IGNORECASE)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")
_LOC = re.compile(rb"<loc>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)", re.IGNORECASE)
_FEED_LINK = re.compile(rb"<link>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)|<link[^>]+href=[\"']([^\"']+)",
                        re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageLinks:
    """The links of one page, canonical and absolute, in document order, no duplicates."""

    links: tuple[str, ...]
    next_links: tuple[str, ...]  # rel=next or "下一页" targets
    feeds: tuple[str, ...]  # RSS/Atom alternates
    #: links to documents (附件: PDF, Word, Excel...): (url, anchor text, promised kind)
    attachments: tuple[tuple[str, str, str], ...] = ()


def extract_links(html: str, url: str) -> PageLinks:
    """All followable links of a page, canonicalized against its base URL."""
    tree = LexborHTMLParser(html)
    base_node = tree.css_first("base[href]")
    base = url
    if base_node is not None:
        try:
            base = canonicalize(base_node.attributes.get("href") or "", url)
        except InvalidURL:
            base = url
    seen: dict[str, None] = {}
    nexts: dict[str, None] = {}
    attachments: dict[str, tuple[str, str, str]] = {}
    for node in tree.css("a[href], area[href]"):
        target = _resolve(node.attributes.get("href"), base)
        if target is None:
            continue
        seen.setdefault(target)
        text = node.text(deep=True) or ""
        rel = (node.attributes.get("rel") or "").lower()
        if "next" in rel.split() or _NEXT_TEXT.match(text):
            nexts.setdefault(target)
        kind = attachment_kind(target, text)
        if kind is not None and target not in attachments:
            attachments[target] = (target, " ".join(text.split())[:200], kind)
    for target in _pager_options(tree, base):
        seen.setdefault(target)
        nexts.setdefault(target)
    feeds: dict[str, None] = {}
    for node in tree.css("link[href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        kind = (node.attributes.get("type") or "").lower()
        target = _resolve(node.attributes.get("href"), base)
        if target is None:
            continue
        if "next" in rel:
            nexts.setdefault(target)
        elif "alternate" in rel and ("rss" in kind or "atom" in kind):
            feeds.setdefault(target)
    return PageLinks(tuple(seen), tuple(nexts), tuple(feeds), tuple(attachments.values()))


def _pager_options(tree: LexborHTMLParser, base: str) -> list[str]:
    """The pages of a ``<select>`` pager, in order: DedeCMS's default "跳转到" box
    (``name="sldd"``) and any select that navigates with ``location`` on change lists every
    page of the article as an option value, often with no plain link to the later pages."""
    found: list[str] = []
    for select in tree.css("select"):
        attrs = select.attributes
        navigates = "location" in (attrs.get("onchange") or "").lower()
        if not navigates and (attrs.get("name") or "").lower() != "sldd":
            continue
        for option in select.css("option[value]"):
            target = _resolve(option.attributes.get("value"), base)
            if target is not None:
                found.append(target)
    return found


def _resolve(href: str | None, base: str) -> str | None:
    if not href:
        return None
    href = href.strip()
    if not href or href.lower().startswith(_SKIP_SCHEMES):
        return None
    # Menus, footers and related lists repeat on every page of a site: resolve each link once.
    # A root-relative link depends only on the base's origin, an absolute one on nothing, a
    # relative one on the base's folder (unless it is a bare query string).
    if href.startswith("/") and not href.startswith("//"):
        base = base[: base.find("/", base.find("//") + 2)] + "/" if base.count("/") > 2 else base
    elif "://" in href[:12]:
        base = ""
    elif not href.startswith("?"):  # a relative path depends only on the base's folder
        path = base.split("?", 1)[0]
        base = path[: path.rfind("/") + 1]
    return _canonical(href, base)


@lru_cache(maxsize=4096)
def _canonical(href: str, base: str) -> str | None:
    try:
        return canonicalize(href, base or None)
    except InvalidURL:
        return None


def report_page_links(links: PageLinks, first_page: str) -> list[tuple[int, str]]:
    """The later pages of the report whose page 1 is ``first_page``, as (page_no, url).

    Numbered siblings give their number; a "next" link that is not numbered on the stem gets
    the number after the current highest, so stitching keeps the document's order.
    """
    pages: dict[str, int] = {}
    for link in links.links:
        found = first_page_of(link)
        if found and found[0] == first_page:
            pages[link] = found[1]
    for link in links.next_links:
        if link not in pages and link != first_page and _same_folder(link, first_page):
            pages[link] = 0  # numbered below
    top = max((n for n in pages.values() if n), default=1)
    ordered: list[tuple[int, str]] = []
    for link, number in pages.items():
        if number == 0:
            top += 1
            number = top
        ordered.append((number, link))
    return sorted(ordered)


def _same_folder(a: str, b: str) -> bool:
    return a.rsplit("/", 1)[0] == b.rsplit("/", 1)[0]


def sitemap_urls(body: bytes) -> list[str]:
    """``<loc>`` URLs of a sitemap or sitemap index; tolerant of broken XML."""
    return [m.decode("utf-8", "replace") for m in _LOC.findall(body[:50_000_000])]


def feed_urls(body: bytes) -> list[str]:
    """Item links of an RSS or Atom feed."""
    return [(a or b).decode("utf-8", "replace") for a, b in _FEED_LINK.findall(body)]
