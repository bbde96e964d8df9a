"""Chinese text helpers for metadata: folding for matching, numerals, and dates.

Everything here is pure and never raises on any ``str``. Dates come back as ISO 8601 strings,
or ``""`` when the text holds no valid date: a date that does not exist (2023-02-30) is not a date.
"""

from __future__ import annotations

import re
from datetime import date

# One character in, one character out: folded text keeps the offsets of the original, so a
# match found in the folded text slices the original and the stored value keeps its characters.
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


_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}

#: Regex fragments (no groups) for the parts of a Chinese date, Arabic or Chinese numerals.
YEAR = r"(?:\d{4}|[〇零一二三四五六七八九]{4})"
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
    if text.isascii() and text.isdigit():
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


# Publish dates are labelled; the bare word 时间/日期 counts only when nothing better is there.
_PUBLISH_LABELS = ("发布日期", "发布时间", "发表时间", "发文日期", "发稿时间", "更新时间",
                   "时间", "日期")
_NUMERIC_DATETIME = re.compile(
    r"\s*:\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2}))?)?"
)
_SOURCE_LABELS = ("信息来源", "文章来源", "稿件来源", "来源")
_SOURCE_VALUE = re.compile(r"\s*:\s*([^\s:|｜【】\[\]<>]{1,60})")
_SOURCE_END = re.compile(r"(?:作者|编辑|责任编辑|浏览|点击|阅读|发布|时间|日期|字号|字体|【|\[).*")
_MAX_HITS = 20  # per label: enough for a page's own lines, bounded for pathological input


def _labelled(text: str, label: str) -> list[int]:
    """Offsets just after ``label`` where it stands as a word (not the tail of 资金来源)."""
    ends: list[int] = []
    start = text.find(label)
    while start != -1 and len(ends) < _MAX_HITS:
        before = text[start - 1] if start else " "
        if not "\u4e00" <= before <= "\u9fff":
            ends.append(start + len(label))
        start = text.find(label, start + len(label))
    return ends


def published_at(text: str) -> str:
    """ISO date or date-time from a "发布日期:2023-01-31 18:42"-style line in folded text."""
    for label in _PUBLISH_LABELS:
        for end in _labelled(text, label):
            match = _NUMERIC_DATETIME.match(text, end)
            if not match:
                continue
            day = date_of(match, 1)
            if day:
                return day + _clock(match)
    return ""


def _clock(match: re.Match[str]) -> str:
    hour, minute, second = match.group(4), match.group(5), match.group(6)
    if hour is None or not (int(hour) < 24 and int(minute) < 60):
        return ""
    clock = f"T{int(hour):02d}:{minute}"
    if second is not None and int(second) < 60:
        clock += f":{second}"
    return clock


def source_of(folded: str, original: str) -> str:
    """The value of a "来源:XX县人民政府" line; offsets of ``folded`` index ``original``."""
    for label in _SOURCE_LABELS:
        for end in _labelled(folded, label):
            match = _SOURCE_VALUE.match(folded, end)
            if not match:
                continue
            value = original[match.start(1) : match.end(1)]
            value = _SOURCE_END.sub("", value).strip(" ,.;、")
            if value:
                return value
    return ""


_MONTHS = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}
_MONTHS.update({name[:3]: num for name, num in _MONTHS.items()})
_MONTHS["sept"] = 9
_MONTH_RE = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_EN_DATE = re.compile(
    rf"\b(?:{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"
    rf"|(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_RE},?\s+(\d{{4}}))\b",
    re.IGNORECASE,
)
_EN_LABELLED_ISO = re.compile(
    r"\b(?:published|updated|posted|released|date)\b\s*(?:on)?\s*:?\s*(\d{4})-(\d{2})-(\d{2})",
    re.IGNORECASE,
)


def english_date(text: str) -> str:
    """ISO date of the first "January 5, 2024" / "5 Jan 2024" / "Published: 2024-01-05" in text."""
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
        found = iso_date(int(year), _MONTHS.get(month.lower().rstrip(".")), int(day))
        if found:
            return found
    return ""
