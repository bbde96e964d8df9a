"""What a response body is: the bytes decide, the Content-Type and the URL only break ties.

Servers lie in both directions: a PDF comes as ``text/html`` from a download script, an HTML
error page or a Word "web page" as ``application/octet-stream`` or ``application/msword``.  So the
order is: empty -> magic bytes (PDF, images, ZIP and OLE2 containers told apart by what they
hold) -> text with markup (HTML, XML) -> the declared type, for binary bodies only.  Whatever
looks binary is never ``"html"``: the cleaner and the search index only ever see text.

Kinds: ``html``, ``xml`` (sitemaps, RSS and Atom feeds: the crawler reads them itself),
``pdf``, ``docx``, ``doc``, ``xlsx``, ``xls``, ``wps`` (Kingsoft Writer), ``ofd`` (the Chinese
fixed-layout standard, GB/T 33190), ``image``, ``empty``, ``other``.
"""

from __future__ import annotations

import io
import re
import zipfile

import olefile

KINDS = (
    "html", "xml", "pdf", "docx", "doc", "xlsx", "xls", "wps", "ofd", "image", "empty", "other",
)
DOCUMENT_KINDS = frozenset(("pdf", "docx", "doc", "xlsx", "xls", "wps", "ofd"))

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
PDF_MAGIC = b"%PDF-"
PDF_HEADER_WINDOW = 1024  # readers accept the header anywhere in the first KB (ISO 32000 7.5.2)
SAMPLE = 4096  # bytes looked at to tell text from binary and to find markup

_IMAGE_MAGICS = (
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*",
    b"\x00\x00\x01\x00",  # .ico
)
_BINARY_MAGICS = (  # archives, media and the like: "other", however they are labelled
    b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"{\\rtf",
    b"%!PS", b"ID3", b"OggS", b"fLaC", b"\x1aE\xdf\xa3", b"MZ", b"\x7fELF", b"wOFF", b"wOF2",
)
_TRUNCATED_MAGICS = (OLE_MAGIC, PDF_MAGIC, *ZIP_MAGICS, *_IMAGE_MAGICS)
_EXTENSION = re.compile(r"\.([a-z0-9]{2,5})$")
_EXTENSION_KINDS = {
    "pdf": "pdf", "doc": "doc", "dot": "doc", "docx": "docx", "xls": "xls", "xlt": "xls",
    "et": "xls", "xlsx": "xlsx", "wps": "wps", "wpt": "wps", "ofd": "ofd",
}
_CONTENT_TYPE_KINDS = (  # substrings of a lower-cased media type, first match wins
    ("pdf", "pdf"),
    ("wordprocessingml", "docx"),
    ("spreadsheetml", "xlsx"),
    ("msword", "doc"),
    ("ms-excel", "xls"),
    ("ms-works", "wps"),
    ("kswps", "wps"),
    ("ofd", "ofd"),
)
# The first markup of an HTML document, after a BOM, whitespace and comments.
_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|script|style|link|div|p|table|center|"
    rb"frameset|iframe|br|h[1-6]|a\s|font|span|form|ul|img|noscript|base)\b",
    re.IGNORECASE,
)
_XML_ROOT = re.compile(rb"<(?:rss|feed|urlset|sitemapindex|rdf:RDF|channel)\b", re.IGNORECASE)
_XHTML = re.compile(rb"<!doctype\s+html|<html\b", re.IGNORECASE)
_SVG = re.compile(rb"<svg\b", re.IGNORECASE)
# C0 controls other than TAB, LF, FF, CR and ESC (old GBK pages carry stray ESC sequences)
_TEXT_CONTROL = bytes(c for c in range(32) if c not in b"\t\n\x0c\r\x1b")


def sniff(content_type: str, body: bytes, url: str = "") -> str:
    """Return what ``body`` is: one of :data:`KINDS`.

    ``content_type`` is the response's header (parameters allowed, may be empty) and ``url``
    the address it came from (its extension breaks ties only).  Never raises.
    """
    if not body or not body.strip():
        return "empty"
    declared = _declared_kind(content_type, url)
    head = body[:SAMPLE]
    magic = _magic_kind(body, head, declared)
    if magic:
        return magic
    text = _as_text(head)
    if text is not None:
        return _text_kind(text, content_type, declared)
    # Binary without a known signature: a truncated or damaged file is still the kind it was
    # announced as (its extraction will say what is wrong with it), but never html.
    if declared in DOCUMENT_KINDS:
        return declared
    return "image" if content_type.lower().startswith("image/") else "other"


def _magic_kind(body: bytes, head: bytes, declared: str) -> str:
    stripped = head.lstrip(b"\xef\xbb\xbf\r\n\t ")
    if stripped.startswith(PDF_MAGIC) or (
        not stripped.startswith(b"<") and PDF_MAGIC in head[:PDF_HEADER_WINDOW]
    ):
        return "pdf"
    if head.startswith(ZIP_MAGICS):
        return _zip_kind(body, declared)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(body, declared)
    if head.startswith(_IMAGE_MAGICS) or _is_riff_image(head) or _is_iso_image(head):
        return "image"
    if head.startswith(b"BM") and len(head) > 14 and head[6:10] == b"\x00\x00\x00\x00":
        return "image"  # BMP: the two reserved words after the size are zero
    if head.startswith(_BINARY_MAGICS):
        return "other"
    if len(head) < len(OLE_MAGIC) and any(m.startswith(head) for m in _TRUNCATED_MAGICS):
        return declared if declared in DOCUMENT_KINDS else "other"  # cut inside its signature
    return ""


def _is_riff_image(head: bytes) -> bool:
    return head.startswith(b"RIFF") and head[8:12] == b"WEBP"


def _is_iso_image(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis", b"heic", b"heix", b"mif1")


def _zip_kind(body: bytes, declared: str) -> str:
    """DOCX, XLSX and OFD are ZIP files told apart by their entries (the central directory
    only is read: nothing is decompressed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = archive.namelist()
    except Exception:  # truncated (no central directory) or damaged: the local headers tell
        names = [m.decode("latin-1") for m in re.findall(rb"PK\x03\x04.{26}([^\x00]{1,64})",
                                                          body[:1 << 20], re.DOTALL)]
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.lower() == "ofd.xml" for name in names):
        return "ofd"
    if not names and declared in ("docx", "xlsx", "ofd"):
        return declared
    return "other"


def _ole_kind(body: bytes, declared: str) -> str:
    """DOC, XLS and WPS share the OLE2 container; its streams say which one it is."""
    try:
        with olefile.OleFileIO(body) as ole:
            streams = {"/".join(path).lower() for path in ole.listdir(streams=True)}
    except Exception:
        streams = set()
    if "worddocument" in streams:
        # Kingsoft Writer saves .wps in Word's binary format; keep the name it was given.
        return "wps" if declared == "wps" else "doc"
    if "workbook" in streams or "book" in streams:
        return "xls"
    if "contents" in streams or any(s.startswith("mn0") for s in streams):
        return "wps"  # Microsoft Works word processor
    if "encryptedpackage" in streams and declared in ("docx", "xlsx"):
        return declared  # password-protected OOXML: extraction says it is encrypted
    if not streams and declared in ("doc", "xls", "wps"):
        return declared
    return "other"


def _as_text(head: bytes) -> bytes | None:
    """The sample as ASCII-compatible bytes if it is text, else ``None``."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head[2:].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be",
                                   "ignore").encode("utf-8", "ignore")
        except Exception:
            return None
    controls = sum(head.count(c) for c in _TEXT_CONTROL)
    return None if controls * 100 > len(head) else head


def _decodes(text: bytes) -> bool:
    """Whether the sample is UTF-8 or GB18030 (the encodings of nearly every Chinese page),
    allowing a character cut at the end of the sample."""
    for encoding in ("utf-8", "gb18030"):
        try:
            text[: len(text) - 4 if len(text) >= SAMPLE else len(text)].decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _text_kind(text: bytes, content_type: str, declared: str) -> str:
    start = _skip_prolog(text)
    if _HTML_START.match(start):
        return "html"
    if start.startswith(b"<?xml") or _XML_ROOT.match(start):
        if _XHTML.search(text):
            return "html"
        if _SVG.search(text):
            return "image"
        return "xml"
    if _SVG.match(start):
        return "image"
    media = content_type.lower()
    if ("html" in media or (not media and not declared and _HTML_START.search(text))) and (
        _decodes(text)
    ):
        return "html"  # text/html without markup at the top (a bare text page) is still html
    if "xml" in media and _XML_ROOT.search(text):
        return "xml"
    return "other"


_PROLOG = re.compile(rb"(?:\xef\xbb\xbf|\s+|<!--.*?-->)*", re.DOTALL)


def _skip_prolog(text: bytes) -> bytes:
    return text[_PROLOG.match(text).end():]


def _declared_kind(content_type: str, url: str) -> str:
    """The document kind the Content-Type or, failing that, the URL's extension announces."""
    media = content_type.split(";", 1)[0].strip().lower()
    for word, kind in _CONTENT_TYPE_KINDS:
        if word in media:
            return kind
    return extension_kind(url)


def extension_kind(url: str) -> str:
    """The document kind a URL's path extension names (``""`` for none)."""
    path = url.split("#", 1)[0].split("?", 1)[0].lower()
    found = _EXTENSION.search(path)
    return _EXTENSION_KINDS.get(found.group(1), "") if found else ""
