"""The cleaner: one HTML page in, its body as text and sanitized HTML out (:class:`Cleaned`).

Pipeline (each step in its own module):

``decode_html`` (_encoding) -> parse and prune (_prune) -> linearize into boxes and blocks
(_dom) -> measure and score blocks, choose the body container (_score) -> render text and
HTML (_render) -> metadata (..metadata).

Site hints refine the generic layer: ``drop_selectors`` are removed before scoring,
``drop_text`` patterns drop blocks, ``body_selector`` replaces the container choice.  A hint
that matches nothing is ignored and listed in ``Cleaned.hint_misses``.
"""

from __future__ import annotations

import codecs
import gc
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Cleaned, Metadata, SiteHints
from ._dom import Block, Box, linearize, read_hints
from ._encoding import decode_html
from ._prune import parse, prune
from ._render import group, mark_layout_tables, to_html, to_text
from ._score import choose_container, judge, measure, score, select
from ._text import normalize

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser

logger = logging.getLogger(__name__)

_NO_HINTS = SiteHints()
_HEADING_SHARE = 0.4  # an h1 inside the title agrees with it when it holds this share of it
_TITLE_REPEAT_SHARE = 0.6  # a body line starting the title repeats it when this long


@dataclass(slots=True)
class _Page:
    """What the cleaner learned about one page, before metadata."""

    text: str = ""
    html: str = ""
    title: str = ""
    h1: str = ""
    page_text: str = ""
    lang: str = ""
    hint_misses: list[str] = field(default_factory=list)  # site hints that matched nothing


def clean(
    html: bytes | str,
    url: str = "",
    *,
    hints: SiteHints | None = None,
    http_charset: str | None = None,
) -> Cleaned:
    """Extract the body of one HTML page (bytes are decoded by :func:`decode_html`).

    ``text``: one paragraph per block (headings, list items and the report's own header
    lines included, the page title not), separated by a blank line; a data table is one
    paragraph of rows, its cells separated by a TAB.  ``html``: the same body as p, h2-h4,
    ul/ol/li, table/tr/td/th and a[href] (absolute against ``url``) only.  ``encoding`` is
    the codec used, "" for str input.  Never raises: hopeless input gives empty text.
    """
    encoding = ""
    try:
        utf8 = None
        if isinstance(html, str):
            source = html
        else:
            data = bytes(html or b"")
            decoded = decode_html(data, http_charset)
            source, encoding = decoded.text, decoded.encoding
            if encoding == "utf-8" and not decoded.replacements:
                utf8 = data[3:] if data.startswith(codecs.BOM_UTF8) else data
        with _gc_paused():
            page = _extract(source, hints or _NO_HINTS, utf8, url)
    except Exception:  # the contract is "never raise": log the bug, return an empty result
        logger.warning("cleaner failed on %r", url, exc_info=True)
        return Cleaned(text="", html="", title="", encoding=encoding)
    meta = _call_metadata(page, url)
    return Cleaned(
        text=page.text,
        html=page.html,
        title=meta.title or page.title,
        encoding=encoding,
        metadata=meta,
        hint_misses=tuple(page.hint_misses),
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while one page is cleaned.

    Cleaning allocates a record per element and per text run and frees them all at the
    end; meanwhile the collector would rescan the growing heap again and again, which
    made a page of 100,000 links 4x slower per link than one of 25,000.  The pause lasts
    one page; the few cycles the records hold are collected after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _call_metadata(page: _Page, url: str) -> Metadata:
    try:
        # imported here so that a broken metadata module costs the metadata, not the body
        from ..metadata._extract import extract_metadata

        return extract_metadata(
            title=page.title, h1=page.h1, body_text=page.text, page_text=page.page_text,
            url=url, lang=page.lang,
        )
    except Exception:  # metadata is best effort: a bug there must not lose the body
        logger.warning("metadata extraction failed on %r", url, exc_info=True)
        return Metadata(title=page.h1 or page.title)


def _extract(source: str, hints: SiteHints, utf8: bytes | None, base_url: str) -> _Page:
    page, tree, boxes, blocks = _prepare(source, hints, utf8)
    if boxes:
        groups = _body(page, tree, boxes, blocks, hints)
        page.text = to_text(groups)
        page.html = to_html(groups, base_url)
    return page


def _prepare(
    source: str, hints: SiteHints, utf8: bytes | None
) -> tuple[_Page, LexborHTMLParser, list[Box], list[Block]]:
    """Parse, prune, linearize and measure: the half of the work no weight changes."""
    tree = parse(source, utf8)
    page = _Page()
    title_node = tree.css_first("title")
    page.title = normalize(title_node.text()) if title_node is not None else ""
    html_node = tree.css_first("html")
    page.lang = (html_node.attributes.get("lang") or "").strip() if html_node else ""
    page.hint_misses.extend(prune(tree, hints.drop_selectors))
    body = tree.body
    if body is None:
        return page, tree, [], []
    boxes, raw_blocks = linearize(body)
    blocks = measure(raw_blocks)
    read_hints(boxes, blocks)
    page.page_text = "\n".join(b.text for b in blocks)
    return page, tree, boxes, blocks


def _body(
    page: _Page, tree: LexborHTMLParser | None, boxes: list[Box], blocks: list[Block],
    hints: SiteHints,
) -> list[tuple[str, list]]:
    """Judge and score the measured blocks and group the body's (the weighted half).

    Safe to run again on the same boxes and blocks: every verdict and sum is reset.
    """
    judge(blocks)
    heading, agrees = _main_heading(blocks, page.title)
    page.h1 = heading.text if heading is not None else ""
    _apply_drop_text(blocks, hints.drop_text, page.hint_misses)
    score(boxes, blocks, heading)
    container = None
    if tree is not None:
        container = _hinted_container(tree, hints.body_selector, boxes, page.hint_misses)
    if container is None:
        container = choose_container(boxes)
    kept = select(container, blocks, heading if agrees else None)
    kept = _drop_title(kept, page.title, heading)
    mark_layout_tables(blocks)
    return group(kept)


def _main_heading(blocks: list[Block], title: str) -> tuple[Block | None, bool]:
    """The page's own heading, and whether it agrees with <title>.

    An h1 agrees when one of the two holds most of the other's text (a section h1 such as
    "Reviews" that merely occurs in the title does not); else the first sizeable h1 is the
    heading, as weaker evidence.
    """
    h1s = [b for b in blocks if b.box.kind == "h1" and not b.bad]
    for block in h1s:
        text = block.text
        if len(text) >= 2 and ((text in title and len(text) >= _HEADING_SHARE * len(title))
                               or (title and title in text)):
            return block, True
    return next((b for b in h1s if b.chars >= 6), None), False


def _drop_title(kept: list[Block], title: str, heading: Block | None) -> list[Block]:
    """The title is metadata, not body: drop the page heading, and a repetition of the
    title at the top of the body (the title minus its site suffix; a header line such as
    "政府工作报告" that merely starts the title stays)."""
    h1 = heading.text if heading is not None else ""
    top = kept[:3]

    def is_title(block: Block) -> bool:
        text = block.text
        if text in (h1, title):
            return True
        return title.startswith(text) and len(text) >= _TITLE_REPEAT_SHARE * len(title)

    return [b for b in kept if b is not heading and not (b in top and is_title(b))]


def _apply_drop_text(blocks: list[Block], patterns: tuple[str, ...], misses: list[str]) -> None:
    for pattern in patterns:
        try:
            regex = re.compile(pattern)
        except re.error:
            misses.append(pattern)
            continue
        hit = False
        for block in blocks:
            if regex.search(block.text):
                block.bad, hit = "hint", True
        if not hit:
            misses.append(pattern)


def _hinted_container(
    tree: LexborHTMLParser, selector: str, boxes: list[Box], misses: list[str]
) -> Box | None:
    if not selector:
        return None
    try:
        node = tree.css_first(selector)
    except Exception:  # a malformed selector is a miss
        node = None
    by_id = {box.node.mem_id: box for box in boxes if box.node is not None}
    while node is not None and node.mem_id not in by_id:
        node = node.parent  # an inline element: its block-level ancestor holds it
    if node is None:
        misses.append(selector)
        return None
    return by_id[node.mem_id]
