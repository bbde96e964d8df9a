"""Which links of a report page are its attachments (附件), and of what kind.

A link is an attachment when the file it names is a document: its path ends in a document
extension (``/uploads/2023/budget.pdf``), a query value does
(``downfile.jsp?filename=1234.pdf``), or, for a download script (a path that is not a static
page: ``download.jsp?id=9``, ``/attach/9``), the anchor text names such a file
("附件：2023年预算.xlsx（120KB）").  A static page (``.html``) titled "报告.pdf" is a page.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from ._sniff import extension_kind

# Extensions of pages and of files that are not documents: never attachments by anchor text.
_NOT_SCRIPT = re.compile(
    r"\.(?:s?html?|xhtml|xml|rss|txt|css|js|json|jpe?g|png|gif|bmp|webp|svg|ico|zip|rar|7z|"
    r"gz|mp4|mp3|avi|flv|wmv|swf|apk|exe)$"
)
_TEXT_FILE = re.compile(
    r"[^\s/\\]\.(pdf|docx?|wps|xlsx?|et|ofd)(?![a-z0-9])", re.IGNORECASE,
)
_QUERY_VALUE = re.compile(r"[=/]([^&=#]*\.(?:pdf|docx?|dot|wps|wpt|xlsx?|xlt|et|ofd))(?:&|$)",
                          re.IGNORECASE)


def attachment_kind(url: str, link_text: str = "") -> str | None:
    """The document kind a link leads to ("pdf", "docx", "doc", "xlsx", "xls", "wps",
    "ofd"), or ``None`` when it is not an attachment.  Pure: nothing is fetched.

    The kind is what the link promises; the fetched bytes decide in the end (:func:`sniff`).
    WPS Spreadsheets' ``.et`` is "xls" (the same binary format).
    """
    if not url or url.lstrip().lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    address = url.split("#", 1)[0]
    path, _, query = address.partition("?")
    path = unquote(path.split(";", 1)[0]).lower()
    kind = extension_kind(path)
    if kind:
        return kind
    for value in _QUERY_VALUE.findall(unquote(query)):
        kind = extension_kind(value)
        if kind:
            return kind
    if link_text and not _NOT_SCRIPT.search(path):
        names = _TEXT_FILE.findall(link_text)
        if names:
            return extension_kind("." + names[-1].lower())
    return None
