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

from .clean_text import furniture_names

# Removed with their content before anything else looks at the page.
JUNK_TAGS = [
    "script", "style", "iframe", "frame", "frameset", "template", "svg", "math",
    "canvas", "object", "embed", "video", "audio", "select", "button", "textarea", "input",
    "head", "map", "datalist", "dialog", "link", "meta", "rt", "rp",
]
_JUNK_SELECTOR = ", ".join(JUNK_TAGS)
_NOSCRIPT_BODY_CHARS = 200
_DEEP_SCAN_CHARS = 512 * 1024  # below this size even the worst nesting parses in about 1 s
_MAX_DEPTH = 1000
_NESTING_TAG_RE = re.compile(
    r"<(/?)(?:div|section|article|table|blockquote|ul|ol|dl|form|main|nav|aside|header|"
    r"footer|center|fieldset|figure|details)\b",
    re.IGNORECASE,
)
_HIDDEN = (
    '[hidden], [aria-hidden="true" i], [style*="display:none" i], [style*="display: none" i], '
    '[style*="visibility:hidden" i], [style*="visibility: hidden" i], [type="hidden" i]'
)
# Semantic page furniture; ARIA roles say the same on div-only sites.
_FURNITURE_TAGS = frozenset(("nav", "aside", "footer", "header", "menu"))
_FURNITURE_ROLES = frozenset(("navigation", "contentinfo", "complementary", "banner", "search"))
_CONTENT_TAGS = frozenset(("article", "main"))
# Furniture is marked on containers; a class on a <li>, <td> or <p> rarely says more than its
# container's does, and reading attributes is the costliest step per element.
_HINTED_TAGS = frozenset(
    "div section article aside ul ol dl table form main header footer nav menu figure center "
    "blockquote details fieldset address".split()
)
_HIDING_DECL_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_SIMPLE_SELECTOR_RE = re.compile(r"(?:^|,)\s*([.#][A-Za-z_][\w-]*)\s*(?=,|$)")

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section "
    "summary table tbody thead tfoot tr td th caption ul legend".split()
)
_TABLE_PARTS = frozenset(("table", "td", "th"))
_KIND_OF = {
    **{f"h{i}": f"h{i}" for i in range(1, 7)},
    "li": "li", "dt": "li", "dd": "li", "td": "cell", "th": "cell", "pre": "pre",
}


class Box:
    """A block-level element: the unit that is scored and chosen as the body container."""

    __slots__ = ("cell", "depth", "end", "flag", "idx", "kind", "layout", "neg", "node", "parent",
                 "pos", "score", "table", "tag", "texty", "weight")

    def __init__(self, tag: str, parent: Box | None, node: LexborNode | None, idx: int) -> None:
        self.tag = tag
        self.parent = parent
        self.node = node  # for reading class/id hints later
        self.idx = self.end = idx  # pre-order index of the box and of its last descendant
        self.texty = False  # holds text somewhere below
        self.flag = tag in _FURNITURE_TAGS  # looks like furniture (nav, class="comments"...)
        self.pos = False  # looks like content (article, class="entry-content"...)
        self.layout = False  # tables: used for page layout, not data
        self.neg = -1  # depth of the nearest furniture region enclosing this box, -1: none
        self.score = 0.0
        self.weight = 0  # text weight of the subtree
        if parent is None:
            self.depth, self.kind, self.cell, self.table = 0, "p", None, None
            return
        self.depth = parent.depth + 1
        self.kind = _KIND_OF.get(tag) or parent.kind  # a <p> in an <li> is part of the item
        self.cell: Box | None = parent.cell
        self.table: Box | None = parent.table
        if tag in _TABLE_PARTS:
            self._enter_table(tag, parent)

    def _enter_table(self, tag: str, parent: Box) -> None:
        if tag != "table":
            self.cell = self  # td, th
            return
        self.kind, self.cell, self.table = "p", None, self
        if parent.cell is not None and parent.table is not None:
            parent.table.layout = True  # a table inside a cell: the outer one is layout


class Block:
    """A run of inline text between two block boundaries."""

    __slots__ = ("bad", "box", "chars", "link_chars", "punct", "runs", "text", "value", "weight")

    def __init__(self, box: Box) -> None:
        self.box = box
        self.runs: list[tuple[str, LexborNode | None]] = []  # (text, the enclosing <a>)
        self.link_chars = 0
        self.text = ""
        self.chars = self.punct = self.weight = 0
        self.value = 0.0
        self.bad = ""  # why the block is boilerplate, "" when it is not


def parse(html: str) -> LexborHTMLParser:
    """Parse a decoded page (pathologically deep nesting flattened first)."""
    return LexborHTMLParser(limit_nesting(html))


def limit_nesting(html: str) -> str:
    """Drop opening block tags nested deeper than _MAX_DEPTH (big pages only).

    Lexbor, like browsers, checks the stack of open elements on every block tag: parsing
    is quadratic in nesting depth (10,000 levels: 0.06 s, 100,000: 6 s).  Browsers cap the
    depth for the same reason.  Only tags that are never closed implicitly count (an old
    page's thousand unclosed <p> are no nesting); small pages cannot be deep enough to hurt.
    """
    if len(html) < _DEEP_SCAN_CHARS:
        return html
    depth, cuts = 0, []
    for match in _NESTING_TAG_RE.finditer(html):
        if match.group(1):
            depth = depth - 1 if depth else 0
        elif depth >= _MAX_DEPTH:
            cuts.append(match.start())
        else:
            depth += 1
    if not cuts:
        return html
    pieces, pos = [], 0
    for start in cuts:
        end = html.find(">", start)
        pieces.append(html[pos:start])
        pos = end + 1 if end >= 0 else start
    pieces.append(html[pos:])
    return "".join(pieces)


def _stylesheet_hidden(tree: LexborHTMLParser) -> str:
    """Selectors of simple class/id rules that hide elements in the page's own <style> blocks.

    Some sites scatter invisible filler text into the body and hide it with a stylesheet
    class; only single ``.class``/``#id`` selectors are honoured (no cascade is computed).
    Only the few hiding declarations are visited, not every rule of a big stylesheet.
    """
    found: list[str] = []
    for style in tree.css("style"):
        css = style.text()
        folded = css.lower()  # a case-sensitive search of lower case is 2x faster than re.I
        if len(folded) != len(css):
            css = folded
        for match in _HIDING_DECL_RE.finditer(folded):
            start = folded.rfind("{", 0, match.start())
            if start < 0 or folded.find("}", start, match.start()) >= 0:
                continue  # not inside a rule's declarations
            head = max(folded.rfind("}", 0, start), folded.rfind("{", 0, start)) + 1
            found.extend(_SIMPLE_SELECTOR_RE.findall(css[head:start].strip()))
    return ", ".join(dict.fromkeys(found))


def prune(tree: LexborHTMLParser, drop_selectors: tuple[str, ...] = ()) -> list[str]:
    """Remove junk and hidden elements in place; return the drop selectors that matched nothing."""
    by_stylesheet = _stylesheet_hidden(tree)
    for node in tree.css("noscript"):
        # Blogger and some CMSs put the whole article in <noscript> for crawlers; the other
        # noscripts hold tracking pixels and "enable JavaScript" notes
        if len(node.text(strip=True)) < _NOSCRIPT_BODY_CHARS:
            node.decompose()
    # one selector scan instead of strip_tags' one per tag; reversed document order removes
    # nested matches (a <style> in an <svg>) before their ancestors
    for node in reversed(tree.css(_JUNK_SELECTOR)):
        node.decompose()
    # A hidden wrapper around much of the page is a script-driven reveal, not furniture:
    # inline hiding is trusted up to half the page's text, a stylesheet class (Blogger's
    # ".loading") only up to a third.
    _drop_hidden(tree, _HIDDEN, 2)
    if by_stylesheet:
        _drop_hidden(tree, by_stylesheet, 3)
    misses = []
    for selector in drop_selectors:
        nodes = _css(tree, selector)
        if not nodes:
            misses.append(selector)
        for node in nodes:
            node.decompose()
    return misses


def _drop_hidden(tree: LexborHTMLParser, selector: str, share: int) -> None:
    """Decompose the matches of a hiding selector holding less than 1/share of the text."""
    nodes = _css(tree, selector)
    if not nodes:
        return
    body = tree.body
    total = len(body.text(strip=True)) if body is not None else 0
    for node in nodes:
        if total < 2000 or len(node.text(strip=True)) * share < total:
            node.decompose()


def _css(tree: LexborHTMLParser, selector: str) -> list[LexborNode]:
    try:
        return tree.css(selector)
    except Exception:  # a malformed selector (from a hint or a stylesheet) matches nothing
        return []


def _hints(node: LexborNode, tag: str) -> tuple[bool, bool]:
    """(looks like furniture, looks like content) from the tag, role, class and id."""
    if tag in _FURNITURE_TAGS:
        return True, False
    attrs = node.attributes
    if not attrs:
        return False, tag in _CONTENT_TAGS
    role = (attrs.get("role") or "").lower()
    if role in _FURNITURE_ROLES:
        return True, False
    if role == "main" or "articlebody" in (attrs.get("itemprop") or "").lower():
        return False, True
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    if names.isspace():
        return False, tag in _CONTENT_TAGS
    return furniture_names(names)


def read_hints(boxes: list[Box], blocks: list[Block]) -> None:
    """Read class/id/role hints of the boxes that hold text (reading attributes is the
    costliest step per element: empty wrappers and image boxes are skipped)."""
    for block in blocks:
        block.box.texty = True
    for box in reversed(boxes):
        if box.texty and box.parent is not None:
            box.parent.texty = True
    for box in boxes:
        if box.texty and box.tag in _HINTED_TAGS and not box.flag and box.node is not None:
            box.flag, box.pos = _hints(box.node, box.tag)


def linearize(root: LexborNode) -> tuple[list[Box], list[Block], dict[int, Box]]:
    """One pre-order pass: boxes, text blocks and the mem_id -> box map."""
    top = Box(root.tag or "body", None, None, 0)
    boxes = [top]
    by_id = {root.mem_id: top}
    # per element: (enclosing box, enclosing <a> or None)
    state: dict[int, tuple[Box, LexborNode | None]] = {root.mem_id: (top, None)}
    blocks: list[Block] = []
    cur: Block | None = None
    gap = False  # whitespace seen since the last run of the current block
    nodes = root.traverse(include_text=True)
    next(nodes, None)  # the root itself
    for node in nodes:
        tag = node.tag
        if tag == "-text":
            piece = node.text_content or ""
            if not piece or piece.isspace():
                # Most text nodes of a page are whitespace between blocks: note the gap
                # without looking the parent up.  If the next run lands in the same block
                # (no block boundary came between), the gap was a word boundary.
                gap = cur is not None
                continue
            parent = node.parent
            info = state.get(parent.mem_id) if parent is not None else None
            if info is None:
                continue
            box, link = info
            if cur is None or cur.box is not box:
                cur = Block(box)
                blocks.append(cur)
            elif gap:
                cur.runs.append((" ", link))
            gap = False
            cur.runs.append((piece, link))
            if link is not None:
                cur.link_chars += len(piece.strip())
            continue
        if tag is None or tag[0] == "-":
            continue
        parent = node.parent
        info = state.get(parent.mem_id) if parent is not None else None
        if info is None:
            continue
        if tag in BLOCK_TAGS:
            cur = None
            nid = node.mem_id
            box = Box(tag, info[0], node, len(boxes))
            boxes.append(box)
            by_id[nid] = box
            state[nid] = (box, info[1])
        elif tag == "a":
            state[node.mem_id] = (info[0], node)  # its href is read only if rendered
        elif tag == "br" or tag == "hr":
            cur = None
        else:
            state[node.mem_id] = info
    return boxes, blocks, by_id
