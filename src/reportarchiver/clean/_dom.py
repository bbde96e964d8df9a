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


def _is_furniture(node: LexborNode) -> bool:
    """Whether the role, class or id says the element is page furniture."""
    attrs = node.attributes
    if not attrs:
        return False
    role = (attrs.get("role") or "").lower()
    if role in _FURNITURE_ROLES:
        return True
    if role == "main" or "articlebody" in (attrs.get("itemprop") or "").lower():
        return False
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    return not names.isspace() and furniture_names(names)


def read_hints(boxes: list[Box], blocks: list[Block]) -> None:
    """Flag furniture from the class/id/role hints of the boxes that hold text (reading
    attributes is the costliest step per element: empty wrappers and image boxes are skipped)."""
    for block in blocks:
        block.box.texty = True
    for box in reversed(boxes):
        if box.texty and box.parent is not None:
            box.parent.texty = True
    for box in boxes:
        if box.texty and box.tag in _HINTED_TAGS and not box.flag and box.node is not None:
            box.flag = _is_furniture(box.node)


def linearize(root: LexborNode) -> tuple[list[Box], list[Block]]:
    """One pre-order pass over the DOM: the boxes and the text blocks, in document order,
    each box knowing the span of its subtree (``idx``..``end``).

    One loop on purpose: it runs once per node of every page, and a call per node would
    cost more than the rest of the work.
    """
    top = Box(root.tag or "body", None, root, 0)
    boxes, blocks = [top], []
    # per element: (enclosing box, enclosing <a> or None)
    state: dict[int, tuple[Box, LexborNode | None]] = {root.mem_id: (top, None)}
    cur: Block | None = None
    gap = False  # whitespace seen since the last run of the current block
    nodes = root.traverse(include_text=True)
    next(nodes, None)  # the root itself
    for node in nodes:
        tag = node.tag
        if tag == "-text":
            piece = node.text_content or ""
            if not piece or piece.isspace():
                # Most text nodes are whitespace between blocks: note the gap without a
                # parent lookup; if the next run lands in the same block, it was a space.
                gap = cur is not None
                continue
        elif tag is None or tag[0] == "-":
            continue  # comments, doctype
        parent = node.parent
        info = state.get(parent.mem_id) if parent is not None else None
        if info is None:
            continue
        if tag == "-text":
            if cur is None or cur.box is not info[0]:
                cur = Block(info[0])
                blocks.append(cur)
            elif gap:
                cur.runs.append((" ", info[1]))
            gap = False
            cur.runs.append((piece, info[1]))
            if info[1] is not None:
                cur.link_chars += len(piece.strip())
        elif tag in BLOCK_TAGS:
            cur = None
            box = Box(tag, info[0], node, len(boxes))
            boxes.append(box)
            state[node.mem_id] = (box, info[1])
        elif tag == "a":
            state[node.mem_id] = (info[0], node)  # its href is read only if rendered
        elif tag == "br" or tag == "hr":
            cur = None
        else:
            state[node.mem_id] = info
    for box in reversed(boxes):  # children follow their parent: reversed, a post-order
        parent = box.parent
        if parent is not None and box.end > parent.end:
            parent.end = box.end
    return boxes, blocks
