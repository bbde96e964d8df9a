"""Report metadata from a page's title and header lines (placeholder: being written)."""

from __future__ import annotations

from .models import Metadata


def extract_metadata(
    *,
    title: str,
    h1: str = "",
    body_text: str = "",
    page_text: str = "",
    url: str = "",
    lang: str = "",
) -> Metadata:
    """Return the metadata of a report page. Unknown fields stay empty."""
    return Metadata(title=(h1 or title).strip())
