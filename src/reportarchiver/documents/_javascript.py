"""Pages that need JavaScript to show their text: app shells and ``document.write`` pages.

The definition, in order (all regular expressions over the raw HTML, bounded in size):

1. A page whose cleaned body has ``MIN_BODY_CHARS`` characters or more does not need it:
   whatever scripts it runs, there is a report to archive.
2. A page without a ``<script>`` does not need it: there is nothing to run.
3. Otherwise it needs JavaScript when any of these holds:
   - a ``<noscript>`` asks for JavaScript ("请启用JavaScript", "enable JavaScript");
   - an inline script writes the page (``document.write``, ``.innerHTML =``,
     ``insertAdjacentHTML``);
   - an app mount point is empty (``<div id="app"></div>``, ``#root``, ``#__next``,
     ``#__nuxt``, ``ng-app``, ``ng-view``);
   - the page shows (almost) nothing at all: under ``MIN_VISIBLE_CHARS`` characters of text
     outside the head, scripts, styles, comments and ``<noscript>``.

A real short page (a two-line notice with an analytics script) has no such sign and enough
visible text, so it is not flagged.
"""

from __future__ import annotations

import re

MIN_BODY_CHARS = 50  # about one sentence of report text
MIN_VISIBLE_CHARS = 20  # a heading and one line, or a site's menu, already pass this
MAX_HTML_CHARS = 2_000_000  # signs are near the top; huge pages are not app shells

# Elements whose content no reader sees; found by str.find, so that an unclosed one costs
# one scan to the end of the page (a regular expression would rescan from each opening).
_HIDDEN_OPEN = re.compile(r"<(script|style|noscript|template|svg|head)\b|<!--", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")  # [^<>]: a stray "<" never makes a scan run to the end
_ENTITY = re.compile(r"&#?\w{1,8};")
_ASKS_FOR_JS = re.compile(
    r"javascript|java\s*script|启用\s*js|开启\s*js|脚本", re.IGNORECASE,
)
_WRITES_PAGE = re.compile(
    r"document\s*\.\s*write(?:ln)?\s*\(|\.innerHTML\s*\+?=|insertAdjacentHTML\s*\(",
)
_EMPTY_MOUNT = re.compile(
    r"<(?:div|main|section|app-root)\b[^>]*\b(?:id\s*=\s*[\"']?(?:app|root|__next|__nuxt|"
    r"main-app|application)[\"'\s>]|ng-app\b|ng-view\b|data-reactroot\b)[^>]*>\s*"
    r"</(?:div|main|section|app-root)\s*>",
    re.IGNORECASE,
)


def needs_javascript(html: bytes | str, cleaned_text_chars: int) -> bool:
    """Whether a page needs JavaScript to show its text (see the module's definition).

    ``cleaned_text_chars`` is the length of the body the cleaner found.  Never raises.
    """
    if cleaned_text_chars >= MIN_BODY_CHARS:
        return False
    if isinstance(html, bytes | bytearray):
        # only ASCII markup and a character count are read: undecodable bytes do no harm
        html = bytes(html[: MAX_HTML_CHARS * 2]).decode("utf-8", "replace")
    html = html[:MAX_HTML_CHARS]
    if "<script" not in html.lower():
        return False
    hidden, visible = _split(html)
    if any(tag == "noscript" and _ASKS_FOR_JS.search(body) for tag, body in hidden):
        return True
    if any(tag == "script" and _WRITES_PAGE.search(body) for tag, body in hidden):
        return True
    if _EMPTY_MOUNT.search(html):
        return True
    return visible_chars(visible) < MIN_VISIBLE_CHARS


def _split(html: str) -> tuple[list[tuple[str, str]], str]:
    """The hidden elements (tag, content) and the rest of the page, in one linear pass."""
    lower = html.lower()
    hidden: list[tuple[str, str]] = []
    visible: list[str] = []
    pos = 0
    while found := _HIDDEN_OPEN.search(html, pos):
        visible.append(html[pos : found.start()])
        tag = (found.group(1) or "!--").lower()
        closing = "-->" if tag == "!--" else f"</{tag}"
        end = lower.find(closing, found.end())
        if end < 0:
            hidden.append((tag, html[found.end() :]))
            return hidden, "".join(visible)
        body_start = html.find(">", found.end(), end) + 1 if tag != "!--" else found.end()
        hidden.append((tag, html[body_start or found.end() : end]))
        pos = end + len(closing)
    visible.append(html[pos:])
    return hidden, "".join(visible)


def visible_chars(text: str) -> int:
    """Characters of text left once tags and entities are gone, whitespace not counted."""
    text = _ENTITY.sub(" ", _TAG.sub(" ", text))
    return sum(len(word) for word in text.split())
