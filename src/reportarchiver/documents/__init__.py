"""Reports published as files: what a body is, and the text of PDF, Word and Excel files."""

from ._extract import extract_document
from ._model import DocumentText
from ._sniff import sniff

__all__ = ["DocumentText", "extract_document", "sniff"]
