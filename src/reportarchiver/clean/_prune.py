"""Parsing and pruning: the page as Lexbor sees it, minus what no reader sees.

Scripts, styles, embedded objects, form controls, ruby annotations and hidden elements go
before anything looks at the text.  Every step here runs in C through selectolax selectors;
the one Python loop (``limit_nesting``) runs only on pages big enough to be dangerous.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

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
_HIDING_DECL_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_SIMPLE_SELECTOR_RE = re.compile(r"(?:^|,)\s*([.#][A-Za-z_][\w-]*)\s*(?=,|$)")


def parse(html: str, utf8: bytes | None = None) -> LexborHTMLParser:
    """Parse a decoded page (pathologically deep nesting flattened first).

    ``utf8``, when given, is the same page as valid UTF-8 bytes: Lexbor parses UTF-8, so
    handing it the bytes skips re-encoding the text (a fifth of the parse time).
    """
    if utf8 is not None and len(html) < _DEEP_SCAN_CHARS:
        return LexborHTMLParser(utf8)
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
        # reversed document order: a match inside another match goes first, while it is
        # still attached (a detached subtree's top is a root, which cannot be decomposed)
        for node in reversed(nodes):
            _decompose(node)
    return misses


def _decompose(node: LexborNode) -> None:
    """Remove a node, unless it is the document element: Lexbor refuses to remove <html>
    (a hint or a hidden-style attribute on it must not fail the whole page)."""
    parent = node.parent
    if parent is not None and parent.tag != "-document":
        node.decompose()


def _drop_hidden(tree: LexborHTMLParser, selector: str, share: int) -> None:
    """Decompose the matches of a hiding selector holding less than 1/share of the text."""
    nodes = _css(tree, selector)
    if not nodes:
        return
    body = tree.body
    total = len(body.text(strip=True)) if body is not None else 0
    for node in reversed(nodes):  # nested matches first, while still attached
        if total < 2000 or len(node.text(strip=True)) * share < total:
            _decompose(node)


def _css(tree: LexborHTMLParser, selector: str) -> list[LexborNode]:
    try:
        return tree.css(selector)
    except Exception:  # a malformed selector (from a hint or a stylesheet) matches nothing
        return []
