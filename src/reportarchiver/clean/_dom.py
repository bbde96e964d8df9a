"""From the pruned page to a flat list of text blocks: the only walk over the DOM.

One pre-order pass (``linearize``) turns the tree into

* ``Box`` records, one per block-level element (div, p, li, td, ...), linked to their parent;
* ``Block`` records, one per run of inline text between block boundaries (a paragraph, a
  list item, a cell, a line ended by ``<br>``), each pointing at the box that holds it.

Scoring works on these records only, so no later stage pays for the size of the DOM.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from ._text import furniture_names

# Semantic page furniture; ARIA roles say the same on div-only sites.
_FURNITURE_TAGS = frozenset(("nav", "aside", "footer", "header", "menu"))
_FURNITURE_ROLES = frozenset(("navigation", "contentinfo", "complementary", "banner", "search"))
# Furniture is marked on containers; a class on a <li>, <td> or <p> rarely says more than its
# container's does, and reading attributes is the costliest step per element.
_HINTED_TAGS = frozenset(
    "div section article aside ul ol dl table form main header footer nav menu figure center "
    "blockquote details fieldset address".split()
)
BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section "
    "summary table tbody thead tfoot tr td th caption ul legend".split()
)
_TABLE_PARTS = frozenset(("table", "td", "th"))
# What linearize does with a node, by its tag; any other tag is an inline element, walked into.
# (selectolax names text "-text" and gives other node types a "-" name or None)
_TEXT, _BLOCK, _LINK, _BREAK, _SKIP = range(5)
_ROLE_OF: dict[str | None, int] = {
    **dict.fromkeys(BLOCK_TAGS, _BLOCK), "a": _LINK, "br": _BREAK, "-text": _TEXT,
    "-comment": _SKIP, "-doctype": _SKIP, "-document": _SKIP, None: _SKIP,
}
_KIND_OF = {
    **{f"h{i}": f"h{i}" for i in range(1, 7)},
    "li": "li", "dt": "li", "dd": "li", "td": "cell", "th": "cell", "pre": "pre",
}


class Box:
    """A block-level element: the unit that is scored and chosen as the body container.

    Set by ``linearize``: the tree (``parent``, ``depth``), the pre-order span ``idx``..``end``
    of the subtree, and what the element is (``kind``, ``cell``, ``table``).  Set by
    ``read_hints``: ``texty`` and ``flag``.  Set by scoring: ``prose``, ``neg``, ``score``,
    ``gain``.  Set by rendering: ``layout``.
    """

    __slots__ = ("cell", "depth", "end", "flag", "gain", "idx", "kind", "layout", "neg", "node",
                 "parent", "prose", "score", "table", "tag", "texty")

    def __init__(self, tag: str, parent: Box | None, node: LexborNode | None, idx: int) -> None:
        self.tag = tag
        self.parent = parent
        self.node = node  # for reading class/id hints later
        self.idx = self.end = idx  # pre-order index of the box and of its last descendant
        self.texty = False  # holds text somewhere below
        self.flag = tag in _FURNITURE_TAGS  # looks like furniture (nav, class="comments"...)
        self.layout = False  # tables: used for page layout, not data
        self.neg = -1  # depth of the nearest furniture region enclosing this box, -1: none
        self.prose = 0  # UTF-8 bytes of the prose blocks in the subtree
        self.score = 0.0  # sum of the block values of the subtree
        self.gain = 0.0  # sum of its positive block values
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
    """A run of inline text between two block boundaries.

    Set by ``linearize``: ``box``, ``runs``, ``link_chars``.  Set by measuring: ``text``,
    ``chars``, ``weight`` (UTF-8 bytes), ``punct``, ``bad``.  Set by scoring: ``value``.
    """

    __slots__ = ("bad", "box", "chars", "link_chars", "punct", "runs", "text", "value", "weight")

    def __init__(self, box: Box) -> None:
        self.box = box
        self.runs: list[tuple[str, LexborNode | None]] = []  # (text, the enclosing <a>)
        self.link_chars = 0
        self.text = ""
        self.chars = self.punct = self.weight = 0
        self.value = 0.0  # what the block adds to its container's score (< 0: boilerplate)
        self.bad = ""  # why the block is boilerplate, "" when it is not


def _is_furniture(node: LexborNode, verdicts: dict[str, bool]) -> bool:
    """Whether the role, class or id says the element is page furniture.

    ``verdicts`` holds the page's class + id strings already judged: a page repeats a few
    of them on many elements (menu items, cards), and the name patterns are the costly part.
    """
    attrs = node.attributes
    if not attrs:
        return False
    role = attrs.get("role")  # (most elements have neither a role nor an itemprop)
    if role:
        role = role.lower()
        if role in _FURNITURE_ROLES:
            return True
        if role == "main":
            return False
    itemprop = attrs.get("itemprop")
    if itemprop and "articlebody" in itemprop.lower():
        return False
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    verdict = verdicts.get(names)
    if verdict is None:
        verdict = verdicts[names] = not names.isspace() and furniture_names(names)
    return verdict


def read_hints(boxes: list[Box], blocks: list[Block]) -> None:
    """Flag furniture from the class/id/role hints of the boxes that hold text (reading
    attributes is the costliest step per element: empty wrappers and image boxes are skipped)."""
    for block in blocks:
        up: Box | None = block.box
        while up is not None and not up.texty:  # up to the first box known to hold text
            up.texty = True
            up = up.parent
    verdicts: dict[str, bool] = {}
    for box in boxes:
        if box.texty and box.tag in _HINTED_TAGS and not box.flag and box.node is not None:
            box.flag = _is_furniture(box.node, verdicts)


def linearize(root: LexborNode) -> tuple[list[Box], list[Block]]:
    """One pre-order pass over the DOM: the boxes and the text blocks, in document order,
    each box knowing the span of its subtree (``idx``..``end``).

    One loop on purpose: it runs once per node of every page, and a call per node would
    cost more than the rest of the work.  The walk follows ``first_child``/``next`` with a
    stack of the open elements, so the enclosing box and link of a node are at hand: asking
    every node for its parent and looking the parent up cost a fifth of the cleaner's time.
    """
    top = Box(root.tag or "body", None, root, 0)
    boxes, blocks = [top], []
    box, link = top, None  # the enclosing box and <a> (or None) of the node being walked
    stack: list[tuple[LexborNode, Box, LexborNode | None]] = []  # open elements, outer context
    cur: Block | None = None
    gap = False  # whitespace seen since the last run of the current block
    role_of = _ROLE_OF.get
    node = root.first_child
    while True:
        while node is not None:
            piece = node.text_content  # None but for a text node: asked first, as most are
            if piece is not None:
                if not piece or piece.isspace():
                    # Most text nodes are whitespace between blocks: only note the gap; if
                    # the next run lands in the same block, it was a space.
                    gap = cur is not None
                else:
                    if cur is None or cur.box is not box:
                        cur = Block(box)
                        blocks.append(cur)
                    elif gap:
                        cur.runs.append((" ", link))
                    gap = False
                    cur.runs.append((piece, link))
                    if link is not None:
                        cur.link_chars += len(piece.strip())
                node = node.next
                continue
            tag = node.tag
            role = role_of(tag)
            child = node.first_child
            if role is _TEXT:  # a text node without data
                gap = cur is not None
            elif role is _SKIP:  # comments, doctype, nameless nodes: not walked into
                if child is not None and _holds_blank_text(node):
                    gap = cur is not None
            elif role is _BREAK:
                cur = None
            elif child is not None:  # an element to walk into: remember where to resume
                stack.append((node, box, link))
                if role is _BLOCK:
                    cur = None
                    box = Box(tag, box, node, len(boxes))
                    boxes.append(box)
                elif role is _LINK:
                    link = node  # its href is read only if rendered
                node = child
                continue
            elif role is _BLOCK:  # an empty block element still ends the block
                cur = None
                boxes.append(Box(tag, box, node, len(boxes)))
            node = node.next
        if not stack:
            break
        # the element's subtree is done: the boxes made since are all below it (an inline
        # element sets its box's end early, and the box's own exit sets it again, later)
        box.end = len(boxes) - 1
        node, box, link = stack.pop()
        node = node.next
    top.end = len(boxes) - 1
    return boxes, blocks


def _holds_blank_text(node: LexborNode) -> bool:
    """Whether a node that is not walked into holds a whitespace text node (a gap)."""
    for inner in node.traverse(include_text=True):
        if inner.tag == "-text":
            piece = inner.text_content
            if not piece or piece.isspace():
                return True
    return False
