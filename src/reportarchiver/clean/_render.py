"""Rendering the kept blocks as plain text and as small sanitized HTML.

Plain text: one paragraph per block, paragraphs separated by a blank line.  A data table is
one paragraph: one line per row, cells separated by a TAB (cells never contain tabs, since
whitespace is collapsed, so the rows split back into cells exactly).

HTML: only p, h2-h4, ul/li, table/tr/td/th and a[href]; no other attribute; all text escaped.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urljoin, urlsplit

from ._dom import Block, Box
from ._text import collapse_spaces

_MAX_CELL_BLOCKS = 4  # a "cell" holding more paragraphs than this is a layout column
_MAX_CELL_CHARS = 400
_HEADING = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
_SAFE_SCHEMES = frozenset(("http", "https", "mailto"))


def mark_layout_tables(blocks: list[Block]) -> None:
    """Flag tables whose cells hold long or many paragraphs: they lay out a page, not data."""
    per_cell: dict[int, list[int]] = {}
    for block in blocks:
        cell = block.box.cell
        if cell is None or cell.table is None:
            continue
        stats = per_cell.setdefault(cell.idx, [0, 0])
        stats[0] += 1
        stats[1] += block.chars
        if stats[0] > _MAX_CELL_BLOCKS or stats[1] > _MAX_CELL_CHARS:
            cell.table.layout = True


def _data_cell(block: Block) -> Box | None:
    cell = block.box.cell
    if cell is None or cell.table is None or cell.table.layout:
        return None
    return cell


def group(blocks: list[Block]) -> list[tuple[str, list]]:
    """Group blocks into ("p"|"hN"|"li"|"pre", [block]) and ("table", [[cells of a row]...])."""
    out: list[tuple[str, list]] = []
    for block in blocks:
        cell = _data_cell(block)
        if cell is None:
            out.append((block.box.kind if block.box.kind != "cell" else "p", [block]))
            continue
        row_box, table = cell.parent, cell.table
        if not out or out[-1][0] != "table" or out[-1][1][0] is not table:
            out.append(("table", [table]))
        rows = out[-1][1]
        if not rows[1:] or rows[-1][0] is not row_box:
            rows.append([row_box, []])
        cells = rows[-1][1]
        if cells and cells[-1][0] is cell:
            cells[-1][1].append(block)
        else:
            cells.append([cell, [block]])
    return out


def to_text(groups: list[tuple[str, list]]) -> str:
    """Plain text: paragraphs separated by a blank line, table rows as tab-separated cells."""
    paras = []
    for kind, items in groups:
        if kind == "table":
            rows = (
                "\t".join(" ".join(b.text for b in blocks) for _, blocks in cells)
                for _, cells in items[1:]
            )
            paras.append("\n".join(rows))
        else:
            paras.append(items[0].text)
    return "\n\n".join(p for p in paras if p)


def _inline_html(block: Block, base_url: str) -> str:
    if block.box.kind == "pre":
        return escape(block.text)
    parts = []
    for text, href in _merged_runs(block):
        url = _safe_url(href, base_url) if href else ""
        if url:
            parts.append(f'<a href="{escape(url, quote=True)}">{escape(text)}</a>')
        else:
            parts.append(escape(text))
    return "".join(parts).strip()


def _safe_url(href: str, base_url: str) -> str:
    """The link made absolute against the page, or "" for javascript:, data: and the like."""
    try:
        url = urljoin(base_url, href) if base_url else href
        scheme = urlsplit(url).scheme.lower() if ":" in url else ""
    except ValueError:  # "http://[broken" and the like: keep the text, drop the link
        return ""
    if scheme and scheme not in _SAFE_SCHEMES:
        return ""
    return url


def _merged_runs(block: Block) -> list[tuple[str, str]]:
    """(text, href) runs with whitespace collapsed, neighbours in the same link merged."""
    merged: list[tuple[str, str]] = []
    last = None
    for text, link in block.runs:
        text = collapse_spaces(text)
        if merged and link is last:
            merged[-1] = (merged[-1][0] + text, merged[-1][1])
        else:
            href = (link.attributes.get("href") or "").strip() if link is not None else ""
            merged.append((text, href))
        last = link
    return merged


def to_html(groups: list[tuple[str, list]], base_url: str = "") -> str:
    """Small sanitized HTML of the body; links are made absolute against ``base_url``."""
    out = []
    open_list: Box | None = None  # the <ul>/<ol> whose items are being written
    for kind, items in groups:
        list_box = _list_of(items[0]) if kind == "li" else None
        if open_list is not None and (kind != "li" or list_box is not open_list):
            out.append(f"</{_list_tag(open_list)}>")
            open_list = None
        if kind == "li" and open_list is None:
            open_list = list_box or items[0].box
            out.append(f"<{_list_tag(open_list)}>")
        if kind == "table":
            out.append(_table_html(items, base_url))
        elif kind == "li":
            out.append(f"<li>{_inline_html(items[0], base_url)}</li>")
        elif kind == "pre":  # one paragraph per line: <br> and <pre> are not in the tag set
            out.extend(f"<p>{escape(line)}</p>" for line in items[0].text.split("\n"))
        else:
            tag = _HEADING.get(kind, "p")
            out.append(f"<{tag}>{_inline_html(items[0], base_url)}</{tag}>")
    if open_list is not None:
        out.append(f"</{_list_tag(open_list)}>")
    return "\n".join(out)


def _list_of(block: Block) -> Box | None:
    """The <ul>, <ol> or <dl> holding a list item's block."""
    box = block.box
    while box is not None and box.tag not in ("ul", "ol", "dl"):
        box = box.parent
    return box


def _list_tag(box: Box) -> str:
    return "ol" if box.tag == "ol" else "ul"


def _table_html(items: list, base_url: str) -> str:
    rows = []
    for _, cells in items[1:]:
        tds = "".join(
            f"<{cell.tag}>{' '.join(_inline_html(b, base_url) for b in blocks)}</{cell.tag}>"
            for cell, blocks in cells
        )
        rows.append(f"<tr>{tds}</tr>")
    return "<table>" + "".join(rows) + "</table>"
