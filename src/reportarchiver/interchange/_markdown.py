"""Write each report as a Markdown file: YAML front matter of its metadata, then its text.

The front matter is written here rather than by PyYAML: PyYAML's emitter puts line
separators (U+0085, U+2028) raw inside single-quoted scalars, where its own parser reads
U+0085 back as a space. Every string is written double-quoted with the characters YAML does
not allow raw escaped, which every YAML 1.1 and 1.2 parser reads back exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

#: Row keys that are the body, not metadata.
BODY_KEYS = ("body_text", "body_html")
#: File names are cut to this many UTF-8 bytes before the suffix (ext4 allows 255).
NAME_BYTES = 150

# YAML's printable set is TAB, LF, CR, 0x20-0x7E, 0x85, 0xA0-0xD7FF, 0xE000-0xFFFD and
# above 0xFFFF; escape everything else, and also the line breaks (LF, CR, NEL, LS, PS) and
# TAB, so that a value is always one line.
_YAML_ESCAPE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff\"\\\\]")
_YAML_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x00": "\\0",
               "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# words YAML 1.1 reads as null or booleans when unquoted
_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}
# characters no file name may hold on Windows, macOS or Linux, and controls
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_PARAGRAPHS = re.compile(r"\n[ \t\u3000]*\n+")
# what starts a Markdown block (heading, quote, list, fence, table, setext line, HTML)
_BLOCK_START = re.compile(r"([#>*+=|`~<_-])")
_ORDERED = re.compile(r"(\d{1,9})([.)])")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    named = _YAML_NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"


def yaml_scalar(value: Any) -> str:
    """``value`` as a one-line YAML scalar: strings always double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return json.dumps(value)  # NaN and infinities are not in report rows
    text = value if isinstance(value, str) else str(value)
    return '"' + _YAML_ESCAPE.sub(_escape_char, text) + '"'


def front_matter(row: Mapping[str, Any]) -> str:
    """The YAML front matter of a row: every key except the body, in row order."""
    lines = ["---"]
    for key, value in row.items():
        if key in BODY_KEYS:
            continue
        plain = _PLAIN_KEY.match(key) and key.lower() not in _YAML_WORDS
        name = key if plain else yaml_scalar(key)
        if isinstance(value, list | tuple):
            lines.append(f"{name}:" if value else f"{name}: []")
            lines += [f"  - {yaml_scalar(item)}" for item in value]
        elif isinstance(value, Mapping):
            lines.append(f"{name}: {yaml_scalar(json.dumps(value, ensure_ascii=False))}")
        else:
            lines.append(f"{name}: {yaml_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _markdown_line(line: str) -> str:
    line = line.strip(" \t").replace("<", "\\<")  # raw HTML would be rendered, scripts too
    ordered = _ORDERED.match(line)
    if ordered:
        return ordered.group(1) + "\\" + line[len(ordered.group(1)):]
    return _BLOCK_START.sub(r"\\\1", line, count=1) if _BLOCK_START.match(line) else line


def markdown_body(text: str) -> str:
    """Plain text as Markdown paragraphs that render as the same text: paragraphs stay
    separated by a blank line, and what would start a heading, list, quote, code block or
    HTML is backslash-escaped (one backslash, before the first character)."""
    paragraphs = []
    for block in _PARAGRAPHS.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [_markdown_line(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) + ("\n" if paragraphs else "")


def file_name(row: Mapping[str, Any]) -> str:
    """A safe, stable, unique file name: the title (else the URL's last path part) cut to
    :data:`NAME_BYTES`, then a hash of the URL, so reports with the same title (every city
    has a 政府工作报告) do not collide and a second export overwrites the same files."""
    url = str(row.get("url") or "")
    stem = str(row.get("title") or "").strip()
    if not stem:
        path = urlsplit(url).path.rstrip("/")
        stem = unquote(path.rsplit("/", 1)[-1]).rsplit(".", 1)[0] or urlsplit(url).netloc
    stem = unicodedata.normalize("NFC", stem)
    stem = _UNSAFE_NAME.sub(" ", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .")
    stem = stem.encode("utf-8")[:NAME_BYTES].decode("utf-8", "ignore").strip(" .")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]
    return f"{stem or 'report'}-{digest}.md"


def write_markdown(folder: str | os.PathLike[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write one ``.md`` file per row into ``folder`` (created if needed): YAML front
    matter of every key but ``body_text``/``body_html``, then ``body_text`` as Markdown
    paragraphs. Return the number of files written."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for row in rows:
        document = front_matter(row) + "\n" + markdown_body(str(row.get("body_text") or ""))
        path = target / file_name(row)
        part = path.with_name(path.name + ".part")
        part.write_text(document, encoding="utf-8", newline="\n")
        part.replace(path)
        count += 1
    return count
