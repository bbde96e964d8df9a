"""Re-sanitize a stored report body before it is shown in a browser.

The cleaner already whitelists tags, but a stored body is untrusted: it may predate the cleaner's
rules or have been edited by hand. So the body is parsed again and *re-serialized* from a
whitelist: only the tags below survive, with no attributes except an ``http(s)``/relative
``href`` on links; every text node is escaped; the content of script-like elements is dropped.
Nothing from the input reaches the output without passing through :func:`html.escape`.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from urllib.parse import urlsplit

__all__ = ["paragraphs_html", "sanitize_html"]

ALLOWED_TAGS = frozenset(
    "p h2 h3 h4 ul ol li table thead tbody tr td th a br strong em b i blockquote".split()
)
VOID_TAGS = frozenset({"br"})
# Elements whose text is code or markup, never report prose: dropped with their content.
DROP_CONTENT = frozenset(
    "script style template iframe object embed noscript svg math textarea select head title".split()
)
SAFE_SCHEMES = frozenset({"http", "https", ""})


def _safe_href(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    # urlsplit ignores leading control characters that browsers also ignore ("\x01javascript:")
    cleaned = "".join(ch for ch in value if ch.isprintable() and not ch.isspace())
    if urlsplit(cleaned).scheme.lower() not in SAFE_SCHEMES or cleaned.startswith("//"):
        return None
    return cleaned


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            self.dropping += 1
        elif self.dropping or tag not in ALLOWED_TAGS:
            return
        elif tag in VOID_TAGS:
            self.out.append(f"<{tag}>")
        elif tag == "a":
            href = _safe_href(dict(attrs).get("href"))
            link = f' href="{html.escape(href)}" rel="nofollow noopener noreferrer"' if href else ""
            self.out.append(f"<a{link}>")
            self.open.append(tag)
        else:
            self.out.append(f"<{tag}>")
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in DROP_CONTENT:
            self.handle_starttag(tag, attrs)
            if tag in self.open and self.open[-1] == tag:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
        elif not self.dropping and tag in self.open:
            # Close everything opened inside it too, so the output is always well nested.
            while self.open:
                inner = self.open.pop()
                self.out.append(f"</{inner}>")
                if inner == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def sanitize_html(body_html: str | None) -> str:
    """The body reduced to whitelisted, attribute-free markup (see the module docstring)."""
    if not body_html:
        return ""
    parser = _Sanitizer()
    parser.feed(body_html)
    return parser.result()


def paragraphs_html(body_text: str | None) -> str:
    """Plain text with paragraphs separated by blank lines, as escaped ``<p>`` elements."""
    paragraphs = (p.strip() for p in (body_text or "").split("\n\n"))
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)
