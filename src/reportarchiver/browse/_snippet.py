"""Search-result snippets cut from the original text (FTS5's own would show bigrams).

A hit is found the way the search matches it: a term occurs as a substring, ASCII letters
compared without case. Hits are marked with ``⟪`` and ``⟫`` so that the plain-text snippet
stays readable in JSON and CSV; :func:`highlight_html` turns the marks into ``<mark>``.
"""

from __future__ import annotations

import html
import re

__all__ = ["MARK_END", "MARK_START", "highlight_html", "make_snippet"]

MARK_START = "⟪"
MARK_END = "⟫"
_ASCII_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _hits(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of every term occurrence, earliest and longest first."""
    folded = text.translate(_ASCII_UPPER)
    spans = []
    for term in terms:
        needle = term.translate(_ASCII_UPPER)
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def make_snippet(text: str | None, terms: list[str], width: int = 80) -> str:
    """About ``width`` characters of ``text`` around the first hit, hits marked, lines joined.

    Without a hit in ``text`` (the match was in the title) the snippet is the text's start.
    """
    text = re.sub(r"\s+", " ", text or "").strip()
    terms = [t for t in terms if t]
    hits = _hits(text, terms)
    if not hits:
        return text[:width] + ("…" if len(text) > width else "")
    first_start, first_end = hits[0]
    start = max(0, first_start - max(0, width - (first_end - first_start)) // 3)
    end = min(len(text), start + width)
    pieces, cursor = [], start
    for hit_start, hit_end in hits:
        if hit_start < start or hit_start >= end:
            continue
        pieces += [text[cursor:hit_start], MARK_START, text[hit_start:hit_end], MARK_END]
        cursor = hit_end
    pieces.append(text[cursor:max(cursor, end)])
    return ("…" if start > 0 else "") + "".join(pieces) + ("…" if end < len(text) else "")


def highlight_html(snippet: str) -> str:
    """Escaped HTML of a snippet with its marks as ``<mark>`` elements."""
    escaped = html.escape(snippet, quote=False)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
