r"""Chinese text helpers for metadata: folding for matching, numerals, and dates.

Everything here is pure and never raises on any ``str``. Dates come back as ISO 8601 strings,
or ``""`` when the text holds no valid date: a date that does not exist (2023-02-30) is not a date.

Long texts are matched as they are, with patterns that accept the variants (``\s`` and ``\d``
already match U+3000, NBSP and full-width digits): folding a whole page with ``str.translate``
costs more than all the matching. Short texts (titles) are folded with :func:`fold`.
"""

from __future__ import annotations

import re
from datetime import date

# One character in, one character out, so that folded titles keep their length and positions.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("—―─‒–━﹣－‐‑", "-"),
        **dict.fromkeys("\u3000\xa0\u2002\u2003\u2009\u200b\ufeff", " "),
        "（": "(",
        "）": ")",
        "：": ":",
        "，": ",",
        "；": ";",
        "／": "/",
        "○": "〇",
        "Ｏ": "〇",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
    }
)


def fold(text: str) -> str:
    """Fold dash variants, odd spaces, full-width parentheses/colons/digits (same length)."""
    return text.translate(_FOLD)


_CN_DIGIT = {"〇": 0, "○": 0, "Ｏ": 0, "零": 0, "两": 2}
_CN_DIGIT.update({c: i for i, c in enumerate("一二三四五六七八九", start=1)})

#: Regex fragments (no groups) for the parts of a Chinese date, Arabic or Chinese numerals.
YEAR = r"(?:\d{4}|[〇○Ｏ零一二三四五六七八九]{4})"
#: Every dash a meeting line starts with, before folding.
DASHES = "-—―─‒–━﹣－‐‑"
MONTH_DAY = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"

_CN_DATE = re.compile(
    rf"({YEAR})\s*年\s*({MONTH_DAY})\s*月\s*({MONTH_DAY})\s*日"
)


def cn_number(text: str) -> int | None:
    """Value of "2023", "二〇二三", "十二", "二十一", "三十"; None when it is not a number.

    Digit-by-digit numerals (年 style) and 十-style numerals (月/日 style) up to 99.
    """
    if not text:
        return None
    if text.isdecimal():  # also full-width digits, which int() reads
        return int(text)
    if "十" not in text:
        if all(c in _CN_DIGIT for c in text):
            return int("".join(str(_CN_DIGIT[c]) for c in text))
        return None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    try:
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)
    except KeyError:
        return None


def iso_date(year: int | None, month: int | None, day: int | None) -> str:
    """``YYYY-MM-DD`` for a real calendar date in 1900-2199, else ``""``."""
    if year is None or month is None or day is None or not 1900 <= year < 2200:
        return ""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def cn_year(text: str) -> int | None:
    """A plausible report year from "2022" or "二〇二二"; None otherwise."""
    value = cn_number(text)
    return value if value is not None and 1900 <= value < 2200 else None


def cn_date(text: str) -> str:
    """The first valid ``YYYY年M月D日`` date in folded text, as ISO; ``""`` if none."""
    for match in _CN_DATE.finditer(text):
        found = date_of(match, 1)
        if found:
            return found
    return ""


def date_of(match: re.Match[str], first: int) -> str:
    """ISO date from groups ``first``..``first + 2`` (year, month, day) of a match."""
    year, month, day = (cn_number(match.group(first + i) or "") for i in range(3))
    return iso_date(year, month, day)


# Publish dates, best first: an explicit 发布 label; then the news dateline "2019-09-07 13:43
# 来源: 新京报" (the date on the same line just before a 来源 label); then 更新时间 and the bare
# words 时间/日期, which also label other things. Every label ends in 时间, 日期 or 来源: each of
# those is found once with str.find and the label read from the characters before it, which is
# a dozen times cheaper than looking for each label or scanning with a regex.
_STRONG_PREFIXES = frozenset(("发布", "发表", "发文", "发稿"))
_SOURCE_PREFIXES = frozenset(("信息", "文章", "稿件"))
_DATETIME = (
    r"(\d{4})\s*[-/.年－／]\s*(\d{1,2})\s*[-/.月－／]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?"
)
_LABELLED_DATETIME = re.compile(r"\s*[:：]?\s*" + _DATETIME)
_DATELINE = re.compile(_DATETIME + r"[^\d\n]{0,20}$")  # room for " 字号：A- A A+ "
# The value runs to a separator; one that runs into '=' or a quote is markup (size="20").
_SOURCE_VALUE = re.compile(
    r"\s*[:：]\s*([^\s:：|｜【】\[\]<>=\"']{1,60})(?=[\s:：|｜【】\[\]<>]|$)"
)
_SOURCE_END = re.compile(r"(?:作者|编辑|责任编辑|浏览|点击|阅读|发布|时间|日期|字号|字体|【|\[).*")
_MAX_HITS = 100  # occurrences looked at per word: bounded for pathological input


def _starts(text: str, word: str) -> list[int]:
    """Offsets of ``word`` in ``text``, at most ``_MAX_HITS`` of them."""
    found: list[int] = []
    start = text.find(word)
    while start != -1 and len(found) < _MAX_HITS:
        found.append(start)
        start = text.find(word, start + len(word))
    return found


def _is_han(text: str, index: int) -> bool:
    return index >= 0 and "\u4e00" <= text[index] <= "\u9fff"


def _label_ends(text: str, word: str, prefixes: frozenset[str]) -> tuple[list[int], list[int]]:
    """Ends of ``word`` as a label: (after one of ``prefixes``, bare); 资金来源 is neither."""
    prefixed: list[int] = []
    bare: list[int] = []
    for start in _starts(text, word):
        if text[start - 2 : start] in prefixes:  # "信息发布时间" is a label too
            prefixed.append(start + len(word))
        elif not _is_han(text, start - 1) or (
            text[start - 2 : start] == "更新" and not _is_han(text, start - 3)
        ):
            bare.append(start + len(word))
    return prefixed, bare


def published_and_source(text: str) -> tuple[str, str]:
    """``(published_at, source)`` from a page's "发布日期:…" / "来源:…" lines or dateline."""
    strong_time, weak_time = _label_ends(text, "时间", _STRONG_PREFIXES)
    strong_date, weak_date = _label_ends(text, "日期", _STRONG_PREFIXES)
    named, bare = _label_ends(text, "来源", _SOURCE_PREFIXES)
    strong = sorted(strong_time + strong_date + [i + 3 for i in _starts(text, "发布于")])
    published = (
        _first_datetime(text, strong)
        or _dateline(text, bare)
        or _first_datetime(text, sorted(weak_time + weak_date))
    )
    return published, _source(text, sorted(named + bare))


def _first_datetime(text: str, ends: list[int]) -> str:
    for end in ends:
        found = _iso_datetime(_LABELLED_DATETIME.match(text, end))
        if found:
            return found
    return ""


def _dateline(text: str, source_ends: list[int]) -> str:
    """The date just before a 来源 label on the same line: "2022年02月13日07:48 | 来源:…"."""
    for end in source_ends:
        start = end - len("来源")
        line_start = max(text.rfind("\n", 0, start) + 1, start - 40)
        found = _iso_datetime(_DATELINE.search(text, line_start, start))
        if found:
            return found
    return ""


def _source(text: str, ends: list[int]) -> str:
    """The value of the first "来源:XX县人民政府" line, as the page writes it."""
    for end in ends:
        match = _SOURCE_VALUE.match(text, end)
        if match:
            value = _SOURCE_END.sub("", match.group(1)).strip(" ,.;、，；")
            if value:
                return value
    return ""


def _iso_datetime(match: re.Match[str] | None) -> str:
    day = date_of(match, 1) if match else ""
    return day + _clock(match) if day and match else day


def _clock(match: re.Match[str]) -> str:
    hour, minute, second = (int(g) if g else None for g in match.group(4, 5, 6))
    if hour is None or minute is None or not (hour < 24 and minute < 60):
        return ""
    clock = f"T{hour:02d}:{minute:02d}"
    if second is not None and second < 60:
        clock += f":{second:02d}"
    return clock


_MONTHS = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}
_MONTHS.update({name[:3]: num for name, num in _MONTHS.items()})
_MONTHS["sept"] = 9
ENGLISH_DATE_CHARS = 1500  # a page's own date stands near its title
# Month words are matched as plain letter runs and looked up: an alternation of month names
# under IGNORECASE made this scan the slowest step of the whole extractor.
_EN_DATE = re.compile(
    r"\b(?:([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
    r"|(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4}))\b"
)
_EN_LABELLED_ISO = re.compile(
    r"\b(?:[Pp]ublished|[Uu]pdated|[Pp]osted|[Rr]eleased|[Dd]ate)\b\s*(?:on)?\s*:?\s*"
    r"(\d{4})-(\d{2})-(\d{2})"
)


_EN_LABELS = ("Published", "published", "Updated", "updated", "Posted", "posted", "Date")
_EN_MONTH_WORDS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                   "Dec")


def english_date(text: str) -> str:
    """ISO date of "Published: January 5, 2024" / "5 Jan 2024" / "Updated 2024-01-05" in text.

    A labelled date wins; else the first date in the top of the page, where an article's own
    date stands. Dates are looked for only around capitalised month names found with str.find:
    a regex scan of the page costs far more.
    """
    for label in _EN_LABELS:
        start = text.find(label)
        if start != -1:
            found = _english_date_in(text[start : start + 60])
            if found:
                return found
    top = text[:ENGLISH_DATE_CHARS]
    # Every "Mar"/"May" counts ("Market" too): the pattern checks the words around it.
    for start in sorted(i for word in _EN_MONTH_WORDS for i in _starts(top, word)):
        found = _english_date_in(top[max(0, start - 6) : start + 24])
        if found:
            return found
    return ""


def _english_date_in(text: str) -> str:
    labelled = _EN_LABELLED_ISO.search(text)
    if labelled:
        found = date_of(labelled, 1)
        if found:
            return found
    for match in _EN_DATE.finditer(text):
        if match.group(1):
            month, day, year = match.group(1), match.group(2), match.group(3)
        else:
            day, month, year = match.group(4), match.group(5), match.group(6)
        found = iso_date(int(year), _MONTHS.get(month.lower()), int(day))
        if found:
            return found
    return ""
