"""Text rules shared by the extractors: the cleaner's normalization, paragraph assembly, titles.

The output follows the HTML cleaner's shape so that a report read from a file and one read
from a page look alike in the archive: whitespace runs folded to one space, invisible
characters dropped, paragraphs separated by a blank line, a table one paragraph of rows whose
cells are separated by a TAB.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from ._model import LimitExceeded, Limits

# The same characters the cleaner deletes: zero-width and invisible format characters.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f]")
# Private-use characters: a PDF whose font has no Unicode map yields them for every glyph.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{CJK}]")


def normalize(text: str) -> str:
    """Fold whitespace runs to one space; drop invisible and control characters."""
    text = _CONTROL.sub(" ", _INVISIBLE.sub("", text))
    return " ".join(text.split())


def normalize_row(cells: Iterable[str]) -> str:
    """One table row: normalized cells joined by TABs, trailing empty cells dropped."""
    values = [normalize(cell) for cell in cells]
    while values and not values[-1]:
        values.pop()
    return "\t".join(values)


def join_lines(previous: str, line: str) -> str:
    """Join a wrapped line to its paragraph: no space between CJK characters."""
    if not previous:
        return line
    if not line:
        return previous
    if _CJK_CHAR.match(previous[-1]) or _CJK_CHAR.match(line[0]):
        return previous + line
    if previous.endswith("-"):
        return previous + line  # "self-" + "reliance": a hyphen at the line end stays
    return previous + " " + line


def is_cjk(char: str) -> bool:
    return bool(_CJK_CHAR.match(char))


def private_use_share(text: str) -> float:
    """The share of characters that are private-use code points (unmapped glyphs)."""
    compact = "".join(text.split())
    return len(_PRIVATE_USE.findall(compact)) / len(compact) if compact else 0.0


class TextBuilder:
    """Collects paragraphs under the character and time limits.

    ``add`` raises :class:`LimitExceeded` once ``max_chars`` are kept or ``max_seconds`` have
    passed; what was collected up to then is still there (``text``).
    """

    def __init__(self, limits: Limits, clock=time.monotonic) -> None:
        self._limits = limits
        self._clock = clock
        self._started = clock()
        self._blocks: list[str] = []
        self._chars = 0
        self.truncated = False

    def add(self, block: str) -> None:
        """Add one paragraph (or a table's rows joined by newlines); empty ones are skipped."""
        if not block:
            return
        room = self._limits.max_chars - self._chars
        if len(block) > room:
            self._blocks.append(block[: max(room, 0)])
            self._chars = self._limits.max_chars
            self.truncated = True
            raise LimitExceeded(f"text cut at {self._limits.max_chars:,} characters")
        self._blocks.append(block)
        self._chars += len(block) + 2
        self.check_time()

    @property
    def room(self) -> int:
        """Characters that can still be added."""
        return self._limits.max_chars - self._chars

    def check_time(self) -> None:
        """Raise :class:`LimitExceeded` when the time budget is spent."""
        if self._clock() - self._started > self._limits.max_seconds:
            self.truncated = True
            raise LimitExceeded(f"stopped after {self._limits.max_seconds:g} s")

    @property
    def text(self) -> str:
        return "\n\n".join(block for block in self._blocks if block)


# ------------------------------------------------------------------------------------ titles
TITLE_CHARS = 120
_TITLE_LINES = 6  # a title wrapped over more lines than this is not a title
# Lines above a report's title that are not the title: attachment labels, document numbers,
# classification and urgency marks, page numbers, dates alone.
_NOT_TITLE = re.compile(
    r"^(?:附件\s*[\d一二三四五六七八九十]*\s*[:：]?|附表\s*\d*|[\d\s.\-—–/·]+|"
    r"第?\s*\d+\s*页.*|.{0,12}〔\d{4}〕\s*\d+\s*号|.{0,12}\[\d{4}\]\s*\d+\s*号|"
    r"(?:公开|不予公开|依申请公开|内部|秘密|机密|特急|加急|平急)(?:\s.*)?|"
    r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)$"
)
# A line that continues a title broken over two lines starts like this ("的报告", "（草案）").
_TITLE_CONTINUES = re.compile(r"^(?:的|和|及|与|暨|（|\(|草案|报告|决议|公报|纲要|执行情况)")
_SENTENCE_END = re.compile(r"[。！？；：:!?;]$")
# Header lines that follow a title and are not part of it.
_AFTER_TITLE = re.compile(
    r"^(?:[—–-]{1,2}|（\d{4}|\(\d{4}|\d{4}\s*年\s*\d{1,2}\s*月|各位代表|[^，。]{0,20}[:：]$)"
)
_FILE_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|excel)\s*-\s*|wps\s*文字\s*-\s*)|\.(?:docx?|xlsx?|wps|et|pdf|rtf)$",
    re.IGNORECASE,
)
_PLACEHOLDER_TITLES = frozenset((
    "", "untitled", "无标题", "title", "document", "文档", "microsoft word", "slide 1", "sheet1",
    "工作表1", "pdf", "print", "打印",
))


def property_title(value: str) -> str:
    """A document property title, or ``""`` when it is a file name or a program's placeholder.

    "Microsoft Word - 2023年预算.doc" gives "2023年预算"; "untitled", "1" and "Sheet1" give "".
    """
    title = normalize(_FILE_TITLE.sub("", normalize(value)))
    title = _FILE_TITLE.sub("", title).strip()
    if title.lower() in _PLACEHOLDER_TITLES or len(title) > TITLE_CHARS:
        return ""
    if not any(c.isalpha() for c in title):
        return ""
    if re.fullmatch(r"[\w\-.]+", title, re.ASCII) and not re.search(r"\s", title):
        return ""  # "zsq_2023_budget", "ABC123": a file name, not a title
    return title


def first_lines_title(text: str) -> str:
    """The title a document's text opens with: its first real line, with the line that
    finishes it when the title wraps ("关于…预算执行情况" + "和2023年预算草案的报告")."""
    lines = ["\t".join(normalize(cell) for cell in line.split("\t"))
             for line in text[:4000].splitlines()]
    lines = [line for line in lines if line][: _TITLE_LINES + 4]
    start = next((i for i, line in enumerate(lines) if not _NOT_TITLE.match(line)), None)
    if start is None:
        return ""
    title = lines[start]
    if "\t" in title:
        return ""  # a table's header row names columns, not the document
    if len(title) > TITLE_CHARS or (_SENTENCE_END.search(title) and len(title) > 30):
        return ""
    for line in lines[start + 1 : start + _TITLE_LINES]:
        if "\t" in line or _AFTER_TITLE.match(line) or _SENTENCE_END.search(title):
            break
        if len(title) + len(line) > TITLE_CHARS or len(line) > 40:
            break
        if not (_TITLE_CONTINUES.match(line) or _ends_open(title)):
            break
        title = join_lines(title, line)
    return title


def _ends_open(title: str) -> bool:
    """A title line that cannot be the whole title: it ends in a joining word."""
    return bool(re.search(r"(?:的|和|及|与|暨|关于|年|在|对)$", title))
