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
# One scan finds the junk, the <style> blocks (junk too) and the <noscript>s: a scan of the
# page costs about as much as a list of 25 tags does, so three scans cost three times one.
_SCAN_SELECTOR = _JUNK_SELECTOR + ", noscript"
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
# Two patterns, not one alternation: a pattern starting with a literal is searched for in C,
# 4x faster over the 30 KB of CSS of a typical page.
_HIDING_DECL_RES = (re.compile(r"display\s*:\s*none"), re.compile(r"visibility\s*:\s*hidden"))
_HIDDEN_SHARE_CHARS = 2000  # a page with less text than this loses every hidden element
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


def _stylesheet_hidden(styles: list[LexborNode]) -> str:
    """Selectors of simple class/id rules that hide elements in the page's own <style> blocks.

    Some sites scatter invisible filler text into the body and hide it with a stylesheet
    class; only single ``.class``/``#id`` selectors are honoured (no cascade is computed).
    Only the few hiding declarations are visited, not every rule of a big stylesheet.
    """
    found: list[str] = []
    for style in styles:
        css = style.text()
        folded = css.lower()  # a case-sensitive search of lower case is 2x faster than re.I
        if len(folded) != len(css):
            css = folded
        for at in _hiding_declarations(folded):
            start = folded.rfind("{", 0, at)
            if start < 0 or folded.find("}", start, at) >= 0:
                continue  # not inside a rule's declarations
            head = max(folded.rfind("}", 0, start), folded.rfind("{", 0, start)) + 1
            found.extend(_SIMPLE_SELECTOR_RE.findall(css[head:start].strip()))
    return ", ".join(dict.fromkeys(found))


def _hiding_declarations(css: str) -> list[int]:
    """Where the hiding declarations start, in order (the two patterns never overlap)."""
    starts = [match.start() for regex in _HIDING_DECL_RES for match in regex.finditer(css)]
    starts.sort()
    return starts


def prune(tree: LexborHTMLParser, drop_selectors: tuple[str, ...] = ()) -> list[str]:
    """Remove junk and hidden elements in place; return the drop selectors that matched nothing."""
    found = tree.css(_SCAN_SELECTOR)  # in document order
    by_stylesheet = _stylesheet_hidden([node for node in found if node.tag == "style"])
    gone = _drop_noscripts([node for node in found if node.tag == "noscript"])
    # reversed document order removes nested matches (a <style> in an <svg>) before their
    # ancestors; what a removed <noscript> held went with it (ask it nothing, not even its tag)
    for node in reversed(found):
        if node.mem_id not in gone and node.tag != "noscript":
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


def _drop_noscripts(noscripts: list[LexborNode]) -> set[int]:
    """Remove the short <noscript>s; return the ``mem_id`` of every node removed with them.

    Blogger and some CMSs put the whole article in <noscript> for crawlers; the other
    noscripts hold tracking pixels and "enable JavaScript" notes.
    """
    gone: set[int] = set()
    for node in noscripts:
        if len(node.text(strip=True)) < _NOSCRIPT_BODY_CHARS:
            if node.mem_id not in gone:  # (a noscript inside a removed one went with it)
                gone.update(inner.mem_id for inner in node.css(_SCAN_SELECTOR))
            node.decompose()
    return gone


def _removable(node: LexborNode) -> bool:
    """Whether a node can be removed: not detached, and not the document element, which
    Lexbor refuses to remove (a hint or a hidden-style attribute on <html> must not fail
    the whole page)."""
    parent = node.parent
    return parent is not None and parent.tag != "-document"


def _decompose(node: LexborNode) -> None:
    """Remove a node if it can be removed (see ``_removable``)."""
    if _removable(node):
        node.decompose()


def _drop_hidden(tree: LexborHTMLParser, selector: str, share: int) -> None:
    """Decompose the matches of a hiding selector holding less than 1/share of the text.

    The page's text is measured only for a match big enough to fail that test: on a page
    with less than _HIDDEN_SHARE_CHARS of text every match goes, so a match with less than
    that (share included) goes either way, and most matches are a few words.  It is then
    the text before this pass: what is left plus what the pass removed so far (every match
    removed is in the body, whose text is additive over its text nodes).
    """
    nodes = _css(tree, selector)
    total = -1  # the body's text length before this pass, once measured
    removed = 0
    for node in reversed(nodes):  # nested matches first, while still attached
        if not _removable(node):
            continue  # (and it counts as nothing removed)
        chars = len(node.text(strip=True))
        if chars * share >= _HIDDEN_SHARE_CHARS:
            if total < 0:
                body = tree.body
                total = len(body.text(strip=True)) + removed if body is not None else 0
            if total >= _HIDDEN_SHARE_CHARS and chars * share >= total:
                continue
        node.decompose()
        removed += chars


def _css(tree: LexborHTMLParser, selector: str) -> list[LexborNode]:
    try:
        return tree.css(selector)
    except Exception:  # a malformed selector (from a hint or a stylesheet) matches nothing
        return []
