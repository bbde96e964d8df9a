"""Metadata of a report that is only a file, through the same extractor as a page's."""

from __future__ import annotations

import re

from ..metadata import extract_metadata
from ..models import Metadata
from ._model import DocumentText
from ._text import first_lines_title, normalize

# "附件1：", "1.", "（二）" before an attachment's name, and the file's extension and size after it
_LINK_PREFIX = re.compile(r"^(?:附件\s*[\d一二三四五六七八九十]*\s*[:：.、]?\s*)?"
                          r"(?:[\d一二三四五六七八九十]{1,3}\s*[.、．]\s*|[（(][\d一二三四五六七八九十]{1,3}[）)]\s*)?")
_LINK_SUFFIX = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|et|ofd)\s*(?:[（(][^）)]*[）)])?\s*$",
                          re.IGNORECASE)


def document_metadata(doc: DocumentText, url: str = "", *, link_text: str = "") -> Metadata:
    """The metadata of a report published as a file: title, kind, region, dates, year.

    The document's title (from its properties or first lines) stands for the page's
    ``<title>``, its first lines for the main heading, its text for the body and the page.
    ``link_text`` is the anchor text of the link that led to the file ("附件1：关于…的报告.pdf");
    it names the report when the document itself does not (a scanned PDF).
    """
    heading = first_lines_title(doc.text)
    title = doc.title or heading or link_title(link_text)
    return extract_metadata(title=title, h1=heading if heading != title else "",
                            body_text=doc.text, page_text=doc.text, url=url)


def link_title(link_text: str) -> str:
    """The report's name in an attachment link's text: numbering, "附件：", the extension and
    the size dropped ("附件2：2023年预算.xlsx（120KB）" -> "2023年预算")."""
    text = normalize(link_text)
    text = _LINK_SUFFIX.sub("", text)
    return _LINK_PREFIX.sub("", text, count=1).strip()
