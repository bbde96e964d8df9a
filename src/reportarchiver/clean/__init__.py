"""The cleaner: one HTML page in, its body as text and sanitized HTML out.

Stages, each in its own private module, in the order they run: ``_encoding`` (bytes -> str)
-> ``_prune`` (parse, drop what no reader sees) -> ``_dom`` (one walk: boxes and text
blocks) -> ``_score`` (which blocks are body, which box holds it) -> ``_render`` (text and
HTML); ``_text`` holds the text-level rules they share, ``_links`` the page's links.
"""

from ._clean import clean
from ._encoding import Decoded, decode_html
from ._links import PageLinks, extract_links
from ._selectors import selector_error

__all__ = ["Decoded", "PageLinks", "clean", "decode_html", "extract_links", "selector_error"]
