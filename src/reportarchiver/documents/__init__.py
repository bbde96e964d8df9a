"""Reports published as files: what a response body is, and the text and metadata of PDF,
Word and Excel files.

Pure functions, bytes in and frozen dataclasses out, none of which raises on bad input:

- :func:`sniff` tells HTML, XML, PDF, DOCX, DOC, XLSX, XLS, WPS, OFD, images and empty bodies
  apart by their bytes (``_sniff``);
- :func:`extract_document` reads a document's text under byte, page, character and time
  limits (``_extract``, one module per format: ``_pdf``, ``_docx``, ``_sheets``, ``_word97``;
  ``_zipcheck`` guards ZIP containers, ``_text`` holds the shared text rules);
- :func:`document_metadata` gives a file the metadata a report page would get (``_metadata``);
- :func:`attachment_kind` tells which links of a page are attachments (``_links``);
- :func:`needs_javascript` tells pages that show nothing without scripts (``_javascript``).
"""

from ._extract import extract_document
from ._javascript import needs_javascript
from ._links import attachment_kind
from ._metadata import document_metadata
from ._model import DocumentText
from ._sniff import DOCUMENT_KINDS, KINDS, sniff

__all__ = [
    "DOCUMENT_KINDS",
    "KINDS",
    "DocumentText",
    "attachment_kind",
    "document_metadata",
    "extract_document",
    "needs_javascript",
    "sniff",
]
