"""Bytes -> str for HTML pages, with the charset rules of real Chinese report sites.

Order of evidence (first that applies wins, with the corrections noted):

1. a byte-order mark (UTF-8, UTF-16): it beats every declaration, as in browsers;
2. the HTTP ``Content-Type`` charset and the ``<meta>`` declaration found in the first 4 KB;
   when both exist and disagree, the one that decodes with fewer errors wins (ties: HTTP);
3. a declaration is overruled by strictly valid UTF-8 that contains non-ASCII bytes: legacy
   text (GBK, Big5, Shift_JIS) is practically never valid UTF-8, while pages re-saved as UTF-8
   that kept their old ``charset=gb2312`` meta are common;
4. no declaration: strict UTF-8, then charset-normalizer, then GB18030, then windows-1252.

GB2312/GBK labels are decoded as GB18030, its superset: pages labelled gb2312 routinely contain
GBK-only characters (镕 堃 喆 昇 珺), and Python's ``gb2312`` codec also maps "——" to "――".
Decoding never raises: undecodable bytes become U+FFFD.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: Labels browsers treat as one encoding, mapped to the Python codec that decodes it.
_ALIASES = {
    **dict.fromkeys(
        ("gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "gb_2312-80", "gb_2312",
         "csgb2312", "chinese", "iso-ir-58", "euc-cn", "euccn", "gb18030", "hz-gb-2312x"),
        "gb18030",
    ),
    **dict.fromkeys(
        ("big5", "big5-hkscs", "big5hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950"), "big5hkscs"
    ),
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j",
         "cp932", "ms932"),
        "cp932",
    ),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "korean", "cp949", "windows-949"), "cp949"),
    **dict.fromkeys(("euc-jp", "x-euc-jp", "cseucpkdfmtjapanese"), "euc_jp"),
    **dict.fromkeys(("iso-8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii",
                     "windows-1252", "cp1252", "iso8859-1", "iso_8859-1"), "cp1252"),
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"), "utf-8"),
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# One pattern covers <meta charset=x>, http-equiv content="...; charset=x" and <?xml encoding=x?>.
_META_RE = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)"""
    rb"""|<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)""",
    re.IGNORECASE,
)
_PRESCAN_BYTES = 4096
_WRONG_LABEL_RATIO = 50  # over 1 replacement per 50 characters: the label is wrong
_DETECT_BYTES = 200_000  # charset-normalizer gets a bounded sample: detection cost stays flat


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded page and how the codec was chosen."""

    text: str
    encoding: str  # the Python codec used, e.g. "gb18030", "utf-8"
    declared: str | None  # the declaration that was followed (HTTP or meta label), if any
    http_charset: str | None = None  # label from the HTTP header, as given
    meta_charset: str | None = None  # label from <meta>/<?xml?>, as given
    source: str = ""  # "bom" | "http" | "meta" | "utf-8" | "detected" | "fallback"
    replacements: int = 0  # U+FFFD introduced by decoding


def codec_for(label: str | None) -> str | None:
    """Return the Python codec that decodes a charset label the way browsers do, or None."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    if key in _ALIASES:
        return _ALIASES[key]
    if key.startswith("utf-16") or key.startswith("utf-32"):
        return None  # an ASCII-compatible page cannot be UTF-16: the label is wrong
    try:
        info = codecs.lookup(key)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # base64, rot13 and other transforms are not charsets
    return _ALIASES.get(info.name, info.name)


def sniff_meta(data: bytes) -> str | None:
    """Return the charset label declared in the first 4 KB of the page, if any."""
    match = _META_RE.search(data, 0, _PRESCAN_BYTES)
    if not match:
        return None
    raw = match.group(1) or match.group(2)
    return raw.decode("ascii", "replace")


def _decode(data: bytes, codec: str) -> tuple[str, int]:
    """Decode with replacement and count the replacement characters it introduced."""
    text = data.decode(codec, "replace")
    errors = text.count("\ufffd")
    if errors and codec == "utf-8":
        errors -= data.count(b"\xef\xbf\xbd")  # U+FFFD written in the page is no error
    return text, errors


def _strict_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _detect(data: bytes) -> str | None:
    """charset-normalizer's best guess, mapped through the browser aliases."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:_DETECT_BYTES]).best()
    except Exception:  # the detector is a guess: its failure is not ours to raise
        return None
    if best is None:
        return None
    return codec_for(best.encoding) or None


def decode_html(data: bytes, http_charset: str | None = None) -> Decoded:
    """Decode the bytes of an HTML page; never raises (undecodable bytes become U+FFFD)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        data = str(data).encode("utf-8", "replace")
    data = bytes(data)
    meta = sniff_meta(data)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text, errors = _decode(data[len(bom):], codec)
            return Decoded(text, codec, None, http_charset, meta, "bom", errors)
    declared = [(label, codec_for(label), src) for label, src in
                ((http_charset, "http"), (meta, "meta")) if codec_for(label)]
    if declared:
        return _decode_declared(data, declared, http_charset, meta)
    return _decode_undeclared(data, http_charset, meta)


def _decode_declared(
    data: bytes, declared: list[tuple[str | None, str | None, str]],
    http_charset: str | None, meta: str | None,
) -> Decoded:
    """Follow the declaration(s), letting valid UTF-8 and fewer errors overrule them."""
    utf8 = _strict_utf8(data)
    if utf8 is not None and (not data.isascii() or declared[0][1] == "utf-8"):
        agree = [(lbl, src) for lbl, codec, src in declared if codec == "utf-8"]
        label, src = agree[0] if agree else (declared[0][0], "utf-8")
        return Decoded(utf8, "utf-8", label, http_charset, meta, src, 0)
    best: tuple[int, str, str, str | None, str] | None = None
    for label, codec, src in declared:
        text, errors = _decode(data, codec or "utf-8")
        if best is None or errors < best[0]:
            best = (errors, text, codec or "utf-8", label, src)
    errors, text, codec, label, src = best  # type: ignore[misc]
    if errors * _WRONG_LABEL_RATIO > len(text):
        # A declaration this wrong is worse than a guess.  Below the ratio it is a few
        # corrupt bytes: a single-byte guess would "decode" them without error and garble
        # every other character of the page instead.
        for guess in (_detect(data), "gb18030"):
            if guess and guess != codec:
                text2, errors2 = _decode(data, guess)
                if errors2 * 10 < errors:
                    return Decoded(text2, guess, label, http_charset, meta, "detected", errors2)
    return Decoded(text, codec, label, http_charset, meta, src, errors)


def _decode_undeclared(data: bytes, http_charset: str | None, meta: str | None) -> Decoded:
    """No usable declaration: UTF-8 if valid, else the detector, else GB18030 or windows-1252."""
    utf8 = _strict_utf8(data)
    if utf8 is not None:
        return Decoded(utf8, "utf-8", None, http_charset, meta, "utf-8", 0)
    guess = _detect(data)
    candidates = [(guess, "detected")] if guess else []
    candidates += [("gb18030", "fallback"), ("cp1252", "fallback")]
    best: tuple[int, str, str, str] | None = None
    for codec, source in candidates:
        text, errors = _decode(data, codec)
        if best is None or errors < best[0]:
            best = (errors, text, codec, source)
        if errors == 0:
            break
    errors, text, codec, source = best  # type: ignore[misc]
    return Decoded(text, codec, None, http_charset, meta, source, errors)
