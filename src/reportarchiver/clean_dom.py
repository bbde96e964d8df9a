"""From parsed HTML to a flat list of text blocks, the only place the cleaner walks the DOM.

The page is first pruned in C (selectolax/Lexbor): scripts, styles, embedded objects, form
controls and hidden elements go.  One pre-order pass then turns the tree into

* ``Box`` records, one per block-level element (div, p, li, td, ...), linked to their parent;
* ``Block`` records, one per run of inline text between block boundaries (a paragraph, a
  list item, a cell, a line ended by ``<br>``), each pointing at the box that holds it.

Scoring works on these records only, so no later stage pays for the size of the DOM.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .clean_text import NEGATIVE_WORDS, POSITIVE_WORDS, class_words

# Removed with their content before anything else looks at the page.
JUNK_TAGS = [
    "script", "style", "noscript", "iframe", "frame", "frameset", "template", "svg", "math",
    "canvas", "object", "embed", "video", "audio", "select", "button", "textarea", "input",
    "head", "map", "datalist", "dialog", "link", "meta",
]
_HIDDEN = (
    '[hidden], [aria-hidden="true" i], [style*="display:none" i], [style*="display: none" i], '
    '[style*="visibility:hidden" i], [style*="visibility: hidden" i], [type="hidden" i]'
)
# Semantic page furniture; ARIA roles say the same on div-only sites.
_FURNITURE = (
    'nav, aside, footer, header, menu, [role="navigation" i], [role="contentinfo" i], '
    '[role="complementary" i], [role="banner" i], [role="search" i]'
)
_CLASS_SCAN = ", ".join(
    f'[class*="{w}" i], [id*="{w}" i]'
    for w in ("comment", "foot", "side", "crumb", "share", "social", "relat", "recommend",
              "nav", "menu", "pag", "adv", "ads", "banner", "sponsor", "promo", "subscri",
              "cookie", "popup", "modal", "copyright", "tag", "hot", "rank", "login", "toolbar",
              "reply", "respond", "disqus", "sns", "jiathis", "bshare")
)

_HIDING_RULE_RE = re.compile(
    r"([^{}]{1,300})\{[^{}]*?(?:display\s*:\s*none|visibility\s*:\s*hidden)[^{}]*\}", re.I
)
_SIMPLE_SELECTOR_RE = re.compile(r"(?:^|,)\s*([.#][A-Za-z_][\w-]*)\s*(?=,|$)")

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section "
    "summary table tbody thead tfoot tr td th caption ul legend".split()
)
_KIND_OF = {
    **{f"h{i}": f"h{i}" for i in range(1, 7)},
    "li": "li", "dt": "li", "dd": "li", "td": "cell", "th": "cell", "pre": "pre",
}


class Box:
    """A block-level element: the unit that is scored and chosen as the body container."""

    __slots__ = ("cell", "depth", "end", "flag", "idx", "kind", "layout", "neg", "nid", "parent",
                 "pos", "score", "table", "tag", "weight")

    def __init__(self, tag: str, parent: Box | None, nid: int) -> None:
        self.tag = tag
        self.parent = parent
        self.nid = nid
        self.depth = parent.depth + 1 if parent else 0
        self.flag = False  # looks like furniture (nav, footer, class="comments"...)
        self.neg = -1  # depth of the nearest furniture region enclosing this box, -1: none
        self.pos = False
        self.score = 0.0
        self.weight = 0  # text weight of the subtree
        self.idx = self.end = 0  # pre-order index of the box and of its last descendant
        self.layout = False  # tables: used for page layout, not data
        inherited = parent.kind if parent else "p"
        self.kind = _KIND_OF.get(tag) or (inherited if inherited != "p" else "p")
        if tag in ("td", "th"):
            self.cell: Box | None = self
        elif tag == "table" or parent is None:
            self.cell = None
        else:
            self.cell = parent.cell
        self.table: Box | None = self if tag == "table" else (parent.table if parent else None)
        if tag == "table":
            self.kind = "p"
            if parent is not None and parent.cell is not None and parent.table is not None:
                parent.table.layout = True  # a table inside a cell: the outer one is layout


class Block:
    """A run of inline text between two block boundaries."""

    __slots__ = ("bad", "box", "chars", "link_chars", "punct", "runs", "text", "value", "weight")

    def __init__(self, box: Box) -> None:
        self.box = box
        self.runs: list[tuple[str, str | None]] = []  # (text, href of the enclosing link)
        self.link_chars = 0
        self.text = ""
        self.chars = self.punct = self.weight = 0
        self.value = 0.0
        self.bad = ""  # why the block is boilerplate, "" when it is not


def parse(html: str) -> LexborHTMLParser:
    """Parse a decoded page."""
    return LexborHTMLParser(html)


def _stylesheet_hidden(tree: LexborHTMLParser) -> str:
    """Selectors of simple class/id rules that hide elements in the page's own <style> blocks.

    Some sites scatter invisible filler text into the body and hide it with a stylesheet
    class; only single ``.class``/``#id`` selectors are honoured (no cascade is computed).
    """
    found: list[str] = []
    for style in tree.css("style"):
        for match in _HIDING_RULE_RE.finditer(style.text()):
            found.extend(_SIMPLE_SELECTOR_RE.findall(match.group(1)))
    return ", ".join(dict.fromkeys(found))


def prune(tree: LexborHTMLParser, drop_selectors: tuple[str, ...] = ()) -> list[str]:
    """Remove junk and hidden elements in place; return the drop selectors that matched nothing."""
    hidden = _HIDDEN
    extra = _stylesheet_hidden(tree)
    if extra:
        hidden = f"{hidden}, {extra}"
    tree.strip_tags(JUNK_TAGS)
    body = tree.body
    total = len(body.text()) if body is not None else 0
    for node in _css(tree, hidden):
        # a "hidden" wrapper around most of the page is a script-driven reveal, not furniture
        if total < 2000 or len(node.text()) < total // 2:
            node.decompose()
    misses = []
    for selector in drop_selectors:
        nodes = _css(tree, selector)
        if not nodes:
            misses.append(selector)
        for node in nodes:
            node.decompose()
    return misses


def _css(tree: LexborHTMLParser, selector: str) -> list[LexborNode]:
    try:
        return tree.css(selector)
    except Exception:  # a malformed selector (from a hint or a stylesheet) matches nothing
        return []


def furniture_ids(tree: LexborHTMLParser) -> tuple[set[int], set[int]]:
    """mem_ids of elements that are page furniture, and of those that look like content."""
    negative = {n.mem_id for n in tree.css(_FURNITURE)}
    positive: set[int] = set()
    for node in tree.css(_CLASS_SCAN):
        attrs = node.attributes
        words = class_words(f"{attrs.get('class') or ''} {attrs.get('id') or ''}")
        if words & POSITIVE_WORDS:
            positive.add(node.mem_id)
        elif words & NEGATIVE_WORDS:
            negative.add(node.mem_id)
    for node in tree.css('article, main, [itemprop="articleBody" i], [role="main" i]'):
        positive.add(node.mem_id)
    negative -= positive
    return negative, positive


def linearize(
    root: LexborNode, negative: set[int], positive: set[int]
) -> tuple[list[Box], list[Block], dict[int, Box]]:
    """One pre-order pass: boxes, text blocks and the mem_id -> box map."""
    top = Box(root.tag or "body", None, root.mem_id)
    boxes = [top]
    by_id = {root.mem_id: top}
    state: dict[int, tuple[Box, str | None, bool]] = {root.mem_id: (top, None, False)}
    blocks: list[Block] = []
    cur: Block | None = None
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            parent = node.parent
            info = state.get(parent.mem_id) if parent is not None else None
            if info is None:
                continue
            box, link, pre = info
            piece = node.text_content or ""
            if not piece or (not pre and piece.isspace()):
                continue
            if cur is None or cur.box is not box:
                cur = Block(box)
                blocks.append(cur)
            cur.runs.append((piece, link))
            if link is not None:
                cur.link_chars += len(piece.strip())
            continue
        if tag is None or tag[0] == "-" or node is root:
            continue
        parent = node.parent
        info = state.get(parent.mem_id) if parent is not None else None
        if info is None:
            continue
        pbox, link, pre = info
        nid = node.mem_id
        if tag == "a":
            link = node.attributes.get("href") or ""
        if tag == "br" or tag == "hr":
            cur = None
            continue
        if tag in BLOCK_TAGS:
            cur = None
            box = Box(tag, pbox, nid)
            box.flag = nid in negative
            box.pos = nid in positive
            box.idx = box.end = len(boxes)
            boxes.append(box)
            by_id[nid] = box
            state[nid] = (box, link, pre or tag == "pre")
        else:
            state[nid] = (pbox, link, pre)
    return boxes, blocks, by_id
