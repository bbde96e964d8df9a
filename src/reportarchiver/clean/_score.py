"""Scoring: which blocks are body text, and which box holds the body.

Every block gets a value: positive for text that reads like prose (long, punctuated, few
links), negative for boilerplate (link lists, furniture regions, boilerplate patterns).  A
box's score is the sum of the values below it; the box with the highest score is the body
container (a maximum-subtree-sum: it grows to take in sibling paragraphs as long as they add
more text than the furniture it would also take in).  Inside it, boilerplate blocks are
dropped one by one, and an end-of-article marker ("相关阅读", "Comments") cuts the rest.
"""

from __future__ import annotations

from itertools import pairwise

from ._dom import Block, Box
from ._text import (
    INFO_LABEL_RE,
    SECTION_MARKER_RE,
    is_boilerplate,
    normalize,
    normalize_pre,
    punctuation_count,
)

_LONG = 300  # characters: past this, a block is prose even if a footer word appears late
_CUT_AFTER = 0.4  # a section marker cuts only once this share of the body text is behind it
_CUT_AFTER_BYTES = 600  # ... or this many bytes, if less
_PEEL_SHARE = 0.75  # a child holding this share of the positive value ...
_PEEL_BEFORE = 0.03  # ... with at most this much before it, is the body
_LEAF_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 li td th tr pre blockquote dd dt".split())
_FURNITURE_SHARE = 0.5  # a "furniture" region holding more of the page's prose is the page
_PROSE_CHARS = 40
_MIN_PROSE_SHARE = 0.3  # a body container holding less of the page's prose is suspect ...
_COVER_SHARE = 0.6  # ... and gives way to the deepest box holding this share
# How much a boilerplate byte costs a container, relative to what a prose byte earns
_BAD_WEIGHT = 0.75
_UNPUNCTUATED_FACTOR = 0.3  # a line without sentence punctuation: a label, a heading, a menu
_CELL_FACTOR = 0.5
_AFTER_HEADING_BYTES = 2000  # text this long after the title heading ...
_AFTER_HEADING_FACTOR = 2.0  # ... has its prose count double
_FURNITURE_WEIGHT = 0.5  # what a byte in a furniture region costs, relative to a prose byte
_LINK_SHARE = 0.7  # a block with more of its text in links than this is a link list
_MIN_LABEL_CHARS = 10  # an unpunctuated line shorter than this counts nothing (a button)
_LABEL_CHARS = 50  # a line heading a list of links is at most this long
_TEASER_CHARS = 200  # a teaser's excerpt under its linked headline is at most this long ...
_CARD_BOXES = 6  # ... in a card of at most this many boxes, repeated at least twice


def measure(blocks: list[Block]) -> list[Block]:
    """Fill the text and sizes of the blocks; return those with any text."""
    kept = []
    for block in blocks:
        runs = block.runs
        raw = runs[0][0] if len(runs) == 1 else "".join([run[0] for run in runs])
        text = normalize_pre(raw) if block.box.kind == "pre" else normalize(raw)
        if not text:
            continue
        block.text = text
        block.chars = len(text)
        # UTF-8 length: a Han character (3 bytes) carries about as much as an English word
        block.weight = len(text.encode("utf-8", "surrogatepass"))
        kept.append(block)
    return kept


def judge(blocks: list[Block]) -> None:
    """Give every measured block its boilerplate verdict (``bad``) and punctuation count.

    Everything before this step is independent of the weights above (benchmarks/
    tune_cleaner.py reruns the cleaner from here with other weights).
    """
    for block in blocks:
        block.bad = _why_bad(block)
        # (punctuation only matters to blocks that may be prose)
        block.punct = 0 if block.bad else punctuation_count(block.text)


def _why_bad(block: Block) -> str:
    if block.link_chars > _LINK_SHARE * block.chars:
        return "links"  # checked first: it is arithmetic, and half the blocks of a page
    text = block.text
    if is_boilerplate(text if block.chars < _LONG else text[:80], block.box.kind == "cell"):
        return "pattern"
    if block.box.kind == "cell" and INFO_LABEL_RE.match(text):
        return "info"
    return ""


def _value(block: Block) -> float:
    if block.bad:
        return -_BAD_WEIGHT * block.weight
    if block.box.neg >= 0:
        return -_FURNITURE_WEIGHT * block.weight
    density = 1.0 - min(block.link_chars / block.chars, 1.0)
    value = block.weight * density * density
    if block.punct:
        return value
    if block.box.kind == "cell":
        return value * _CELL_FACTOR  # figures in a table are content, if not prose
    return value * _UNPUNCTUATED_FACTOR if block.chars >= _MIN_LABEL_CHARS else 0.0


def score(boxes: list[Box], blocks: list[Block], heading: Block | None = None) -> None:
    """Give every block its value and every box its sums (``prose``, ``neg``, ``score``,
    ``gain``).

    ``heading`` is the page's own title heading, if found: the body follows it.
    """
    _sum_prose(boxes, blocks)
    _resolve_furniture(boxes)
    for block in blocks:
        block.value = _value(block)
    if heading is not None:
        _favour_after_heading(blocks, heading)
    _sum_scores(boxes, blocks)


def choose_container(boxes: list[Box]) -> Box:
    """The scored box whose subtree has the highest total block value."""
    best = boxes[0]
    for box in boxes:
        if box.score > best.score:
            best = box
    total = boxes[0].prose
    if best.prose < _MIN_PROSE_SHARE * total:
        cover = _prose_cover(boxes, total)
        if cover is not None and cover.idx <= best.idx <= cover.end:
            best = cover  # the best box is an island inside the prose region
    return _peel(best, boxes)


def _peel(best: Box, boxes: list[Box]) -> Box:
    """Step down into a child container holding nearly all of the positive value, when what
    it leaves out comes after it.

    The highest sum takes in any sibling with a positive value, and a short prose column
    beside a long article is such a sibling.  A lead paragraph before the article's main
    container is not peeled away.
    """
    kids: dict[int, list[Box]] = {}
    for box in boxes[best.idx + 1:best.end + 1]:
        kids.setdefault(box.parent.idx, []).append(box)  # type: ignore[union-attr]
    while best.gain > 0:
        children = kids.get(best.idx, [])
        top = max(children, key=lambda b: b.gain, default=None)
        if top is None or top.tag in _LEAF_TAGS or top.gain < _PEEL_SHARE * best.gain:
            return best
        before = sum(b.gain for b in children if b.idx < top.idx)
        if before > _PEEL_BEFORE * best.gain:
            return best
        best = top
    return best


def _prose_cover(boxes: list[Box], total: int) -> Box | None:
    """The deepest box holding most of the page's prose.

    For pages where the article shares its container with many link lists (Wikipedia's
    navboxes, reference lists): the highest-sum box is then a small island of prose.
    """
    best = None
    for box in boxes:
        if box.prose >= _COVER_SHARE * total and (best is None or box.depth > best.depth):
            best = box
    return best


def _favour_after_heading(blocks: list[Block], heading: Block) -> None:
    """Prose right after the title heading is where a body starts: it counts double.

    The bonus fades after _AFTER_HEADING_BYTES of any text (link lists included), so a long
    footer far below the heading gets none.
    """
    budget = _AFTER_HEADING_BYTES
    for block in blocks[blocks.index(heading) + 1:]:
        if budget <= 0:
            break
        if block.value > 0:
            block.value *= _AFTER_HEADING_FACTOR
        budget -= block.weight


def _sum_prose(boxes: list[Box], blocks: list[Block]) -> None:
    """Sum the prose bytes into ``prose`` over every subtree: what a page wrapper holds and
    a sidebar does not."""
    for box in boxes:
        box.prose = 0
    for block in blocks:
        if not block.bad and block.punct and block.chars >= _PROSE_CHARS:
            block.box.prose += block.weight
    for box in reversed(boxes):  # children follow their parent: reversed, a post-order
        if box.parent is not None:
            box.parent.prose += box.prose


def _sum_scores(boxes: list[Box], blocks: list[Block]) -> None:
    """Sum block values into ``score`` and the positive ones into ``gain``, per subtree."""
    for box in boxes:
        box.score = box.gain = 0.0
    for block in blocks:
        block.box.score += block.value
        if block.value > 0:
            block.box.gain += block.value
    for box in reversed(boxes):
        parent = box.parent
        if parent is not None:
            parent.score += box.score
            parent.gain += box.gain


def _resolve_furniture(boxes: list[Box]) -> None:
    """Turn furniture flags into regions, ignoring flags on boxes holding much of the page.

    A class word such as "sidebar" on the page wrapper ("with-sidebar-right") must not turn
    the whole page into furniture.
    """
    limit = _FURNITURE_SHARE * (boxes[0].prose if boxes else 0)
    for box in boxes:  # parents come first: the region depth is inherited downwards
        parent = box.parent
        if box.flag and box.prose <= limit:
            box.neg = box.depth
        else:
            box.neg = parent.neg if parent is not None else -1


def select(container: Box, blocks: list[Block], heading: Block | None = None) -> list[Block]:
    """The blocks of the container that are body text, in document order.

    With a title heading inside or above the container, the body starts after it: what
    precedes the page's own title (menus, a left column, breadcrumbs) is not its body.
    """
    lo, hi = container.idx, container.end
    if heading is not None and heading.box.idx <= hi:
        blocks = blocks[blocks.index(heading) + 1:]
    inside = [b for b in blocks if lo <= b.box.idx <= hi]
    _drop_info_tables(inside)
    teasers = _teasers(inside)
    total = sum(b.weight for b in inside if not b.bad and b.box.neg <= container.depth)
    # a marker cuts once enough body is behind it: 40% of it, or 600 bytes when comments
    # longer than the article follow
    cut_after = min(_CUT_AFTER * total, _CUT_AFTER_BYTES)
    kept: list[Block] = []
    seen = 0
    skip_to = -1  # box index up to which a "related"/"comments" section is being skipped
    for i, block in enumerate(inside):
        if block.box.idx <= skip_to or block.box.neg > container.depth:
            # (a marker inside a furniture box, a teaser's "Read more", cuts nothing)
            label = kept[-1] if kept and kept[-1] is inside[i - 1] else None
            if label is not None and label.box.kind == "p" and _is_label(label):
                # "About the author" over the author box; a heading over a box that is not
                # furniture as a whole (a hatnote, a share bar) is not a label
                seen -= kept.pop().weight
            continue
        if block.chars < 40 and seen >= cut_after and SECTION_MARKER_RE.match(block.text):
            section = _section_of(block, inside[i + 1] if i + 1 < len(inside) else None)
            if section is None or section.depth <= container.depth:
                break  # the marker heads the rest of the container: the article is over
            skip_to = section.end
            continue
        if block.bad or block in teasers:
            if block.bad == "links" and kept and kept[-1] is inside[i - 1] and _is_label(kept[-1]):
                seen -= kept.pop().weight  # "Read also:" and its links: the label goes with them
            continue
        kept.append(block)
        seen += block.weight
    return kept


def _teasers(blocks: list[Block]) -> set[Block]:
    """The excerpts of teaser cards: a short paragraph right under a linked headline, the
    two alone in a small box, in at least two such boxes of one tag at one depth ("Next
    article: <a>title</a> / its standfirst", a grid of related stories).

    The headline is already dropped as a link line; its excerpt reads like prose and would
    stay.  List items and cells are not excerpts (a linked term and its description in a
    table or list is content).
    """
    cards: dict[tuple[str, int], list[Block]] = {}
    for prev, block in pairwise(blocks):
        if (prev.bad != "links" or block.bad or block.box.kind != "p"
                or block.chars > _TEASER_CHARS):
            continue
        card: Box | None = block.box
        while card is not None and card.idx > prev.box.idx:
            card = card.parent
        if card is not None and card.end - card.idx < _CARD_BOXES:
            cards.setdefault((card.tag, card.depth), []).append(block)
    return {b for group in cards.values() if len(group) >= 2 for b in group}


def _is_label(block: Block) -> bool:
    """A short line without sentence punctuation, or ending in its only colon or question
    mark: what heads a list ("Related stories", "Lesen Sie auch:", "Schon gelesen?").  Not a
    list item or a table cell: a row's label cell or an item before a linked one is content."""
    if block.chars > _LABEL_CHARS or block.box.kind in ("li", "cell"):
        return False
    return block.punct == 0 or (block.punct == 1 and block.text[-1] in ":：?？")


def _section_of(marker: Block, following: Block | None) -> Box | None:
    """The smallest box holding a section marker and the block after it: the section it heads.

    A "Related stories" box inside an article is skipped and the article resumes after it;
    a "相关阅读" heading placed directly in the body container ends the body.
    """
    if following is None:
        return None
    box: Box | None = marker.box
    target = following.box.idx
    while box is not None and not box.idx <= target <= box.end:
        box = box.parent
    return box


def _drop_info_tables(blocks: list[Block]) -> None:
    """A table with two or more disclosure labels (索引号, 文号...) is metadata: drop it whole."""
    labels: dict[int, int] = {}
    for block in blocks:
        table = block.box.table
        if block.bad == "info" and table is not None:
            labels[table.idx] = labels.get(table.idx, 0) + 1
    tables = {idx for idx, n in labels.items() if n >= 2}
    if not tables:
        return
    for block in blocks:
        table = block.box.table
        if table is not None and table.idx in tables:
            block.bad = block.bad or "info"
