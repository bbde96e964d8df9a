"""Checking the CSS selectors of site hints once, when the config is loaded."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

_PROBE = LexborHTMLParser("<html><body><p>x</p></body></html>")


def selector_error(selector: str) -> str:
    """Why Lexbor, the cleaner's parser, cannot use ``selector``; "" when it can."""
    try:
        _PROBE.css(selector)
    except Exception as exc:  # selectolax raises its own error type, or ValueError
        return str(exc) or type(exc).__name__
    return ""
