"""Report metadata from a page's title, main heading, report header lines and page text.

Pure and fast: every pattern is compiled once, only the first few thousand characters of the body
(where the report's own header lines stand) and the head and tail of the page text are read, and no
input makes it raise. Unknown fields stay empty: nothing is guessed.

``kind`` — the first rule that matches the title (then the main heading, then the body's own
header lines) wins:

- 其他: commentary about a report (解读, 图解, 一图读懂, 答记者问) is not the report.
- 决议: "…的决议", a resolution about a report, not the report itself.
- 政府信息公开工作年度报告: 政府信息公开…年度报告.
- 政府工作报告: 政府工作报告; from the body's header only with "各位代表" near the top.
- 国民经济和社会发展统计公报: 国民经济和社会发展统计公报.
- 统计公报: any other 统计公报 (教育, 卫生健康, 水利 …).
- 计划报告: 计划执行情况 / 计划草案 / 计划的报告.
- 决算报告: 决算; tested before 预算, as in "2022年决算和2023年上半年预算执行情况".
- 预算报告: 预算执行情况 / 预算草案 / 预算报告 / 预算的报告.
- 规划: 规划 (五年规划纲要 and the like), not 规划局.
- 人大常委会工作报告: 人大常委会 / 人民代表大会常务委员会 … 工作报告.
- 法院工作报告, 检察院工作报告.
- 其他: anything else with some text; ``""`` only when title, heading and body are all empty.

English translations use the same kinds ("Report on the Work of the Government" -> 政府工作报告).

``year`` — the year the report covers:

- work reports (政府, 人大常委会, 法院, 检察院): "YYYY年…回顾" in the body's first pages
  ("一、2022年工作回顾"); else from ``report_date``: a meeting in October–December reviews that
  same year (中山区, 2022-12-23 -> 2022), one in January–June the year before, one in
  July–September is not decided. A title's "(2023年)" alone decides nothing: a 2023 session can be
  January's (reviewing 2022) or December's (reviewing 2023).
- bulletins and information-disclosure reports: the year before the keyword ("2022年国民经济…").
- budget, plan reports and resolutions: the execution year ("2022年预算执行情况和2023年预算草案"
  -> 2022); 决算 reports: the year of the accounts.
- 规划 and 其他: none.

``meeting`` is the session without the place ("第十九届人民代表大会第二次会议"): the place is in
province/city/county. ``speaker`` is the bare name ("李井山", "代" and the office dropped).
"""

from __future__ import annotations

import re

from ..models import Metadata
from ._dates import (
    DASHES,
    MONTH_DAY,
    YEAR,
    cn_date,
    cn_year,
    date_of,
    english_date,
    fold,
    published_and_source,
)
from ._regions import Place, parse_place

HEAD_CHARS = 3000  # the report header and the opening "一、2022年工作回顾" sit well inside this
PAGE_HEAD_CHARS = 6000  # "发布日期"/"来源" lines are above the body on nearly every template...
PAGE_TAIL_CHARS = 2000  # ...or in the footer of the article
TITLE_CHARS = 1000
HEADER_CHARS = 1500  # the report's own header lines: title, meeting, speaker, 各位代表
LANGUAGE_SAMPLE = 400  # characters of body: a paragraph tells the script

WORK_REPORT_KINDS = ("政府工作报告", "人大常委会工作报告", "法院工作报告", "检察院工作报告")
# Matched against text with all whitespace removed, English included ("reportonthework...").
_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("其他", r"解读|图解|一图读懂|答记者问"),
        ("决议", r"决议"),
        ("政府信息公开工作年度报告", r"政府信息公开.{0,8}年度报告"),
        ("政府工作报告", r"政府工作报告|reportontheworkofthegovernment"),
        ("国民经济和社会发展统计公报",
         r"国民经济和社会发展.{0,4}统计公报|statisticalcommuniqu.{1,80}economicandsocial"),
        ("统计公报", r"统计公报|statisticalcommuniqu"),
        ("计划报告", r"计划(?:执行情况|草案|的报告)"),
        ("决算报告", r"决算"),
        ("预算报告", r"预算(?:执行情况|草案|报告|的报告)"),
        ("规划", r"规划(?!局|和自然|和国土|委|院|处|科|馆|展|设计|许可|审批|分局)"),
        ("人大常委会工作报告", r"(?:人大常委会|人民代表大会常务委员会).{0,6}工作报告"),
        ("法院工作报告", r"法院工作报告"),
        ("检察院工作报告", r"检察院工作报告"),
    )
)

_KIND_WORD = re.compile(
    r"报告|公报|规划|决议|决算|预算|计划|解读|图解|一图读懂|答记者问|report|communiqu", re.I
)
_SPACES = re.compile(r"\s+")
# Runs, not single characters: counting run lengths makes a few dozen matches, not hundreds.
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_KANA_RE = re.compile(r"[\u3040-\u30ff]+")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af]+")
_KANA_OR_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_EN_WORDS = frozenset(("the", "and", "of", "to", "in", "is", "for", "with", "on", "that"))
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))

# Title separators before a site name; a bare "-" only between Han characters, so "2021-2025"
# and "Long-term" stay whole, and "--" not before a digit ("报告--2023年1月6日在…" is a subtitle).
_TITLE_SEP = re.compile(
    r"\s*(?:_|\||｜|\s[-–—]\s|--(?=[^\d-])|(?<=[\u4e00-\u9fff)）])-(?=[\u4e00-\u9fff]))\s*"
)
_REPORT_WORD = re.compile(r"报告|公报|规划|纲要|决议|决算|预算|计划|report|communiqu", re.I)


def extract_metadata(
    *,
    title: str,
    h1: str = "",
    body_text: str = "",
    page_text: str = "",
    url: str = "",
    lang: str = "",
) -> Metadata:
    """Return the metadata of a report page. Unknown fields stay empty.

    ``title`` is the ``<title>`` text, ``h1`` the main heading, ``body_text`` the cleaned body
    (its first lines are the report's own header), ``page_text`` the whole visible page (for
    发布日期/来源 lines), ``lang`` the ``<html lang>`` attribute. ``url`` is accepted for callers'
    symmetry and not read: no field is taken from URL shapes, which vary by CMS.
    """
    title, h1 = (title or "")[:TITLE_CHARS], (h1 or "")[:TITLE_CHARS]
    head = body_text[:HEAD_CHARS] if body_text else ""
    best = best_title(title, h1)
    compact = _compact(best)
    language = detect_language(best, head or (page_text or "")[:HEAD_CHARS], lang or "")
    header = _Header(head)
    kind = _kind(compact, title, h1, header)
    place = _place(compact, h1, header.meeting_place)
    report_date = header.date or cn_date(compact)
    if not report_date and language not in ("zh", "ja", "ko"):
        report_date = _delivered_on(head)
    page = _page_slice(page_text or "")
    published, source = published_and_source(page)
    if not published and language not in ("zh", "ja", "ko"):
        published = english_date(page)
    return Metadata(
        title=best,
        kind=kind,
        province=place.province,
        city=place.city,
        county=place.county,
        report_date=report_date,
        year=_year(kind, compact, head, report_date),
        speaker=header.speaker,
        meeting=header.meeting,
        published_at=published,
        source=source,
        language=language,
    )


_DELIVERED = re.compile(r"\b(?:Delivered|Presented|Speech|Address)\b[^.]{0,200}?\bon\b")


def _delivered_on(head: str) -> str:
    """The date of an English report's "Delivered at … on March 5, 2024" line."""
    found = _DELIVERED.search(head[:1000])
    return english_date(head[found.end() : found.end() + 40]) if found else ""


def _compact(text: str) -> str:
    """Folded text without any whitespace, for matching titles and header words."""
    return _SPACES.sub("", fold(text))


def _page_slice(page_text: str) -> str:
    """The head and tail of the page, where 发布日期/来源 lines stand, joined by a newline."""
    if len(page_text) > PAGE_HEAD_CHARS + PAGE_TAIL_CHARS:
        return page_text[:PAGE_HEAD_CHARS] + "\n" + page_text[-PAGE_TAIL_CHARS:]
    return page_text


def best_title(title: str, h1: str) -> str:
    """The page's title: the heading when it says more, else ``<title>`` without the site name."""
    stripped = strip_site_suffix(title)
    heading = _SPACES.sub(" ", h1).strip()
    if not heading:
        return stripped
    if not stripped:
        return heading
    fh, ft = _compact(heading), _compact(stripped)
    if ft in fh:
        return heading
    if fh in ft:
        return stripped
    if _REPORT_WORD.search(heading) and not _REPORT_WORD.search(stripped):
        return heading
    return stripped


def strip_site_suffix(title: str) -> str:
    """Drop "_博县网", " - 中国政府网", "| Site" and breadcrumb parts from a ``<title>``.

    The part naming a report is kept (titles put the site after it, and some before it);
    without one, the first part is the article's.
    """
    title = _SPACES.sub(" ", title).strip()
    parts = [p for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) <= 1:
        return title
    for part in parts:
        if _REPORT_WORD.search(part):
            return part.strip()
    return parts[0].strip()


def _kind(compact: str, title: str, h1: str, header: _Header) -> str:
    """The report kind (see the module docstring); "" only when there is no text at all.

    ``compact`` is the chosen title, folded and without spaces; the others are raw.
    """
    kind = classify(compact) or classify(_compact(title)) or classify(_compact(h1))
    if kind:
        return kind
    kind = classify(header.title_lines)
    if kind and (kind != "政府工作报告" or "各位代表" in header.text):
        return kind
    return "其他" if (compact or header.text.strip()) else ""


def classify(text: str) -> str:
    """The kind named by a title-like text, or "" when it names none."""
    if not _KIND_WORD.search(text):  # one scan instead of a dozen on most non-report pages
        return ""
    for kind, pattern in _KIND_RULES:
        if pattern.search(text):
            return kind
    return ""


def _place(compact: str, h1: str, meeting_place: str) -> Place:
    """The place from the title, else the heading, else the meeting line's "在旅顺口区第…";
    a later source fills the levels an earlier one left empty when no level disagrees
    ("(辽宁省)政府工作报告" with "在旅顺口区第十九届…会议上": 辽宁省 … 旅顺口区)."""
    place = Place()
    for found in (parse_place(compact), parse_place(_compact(h1)), parse_place(meeting_place)):
        if not place:
            place = found
        elif found and _agree(place, found):
            place = Place(place.province or found.province, place.city or found.city,
                          place.county or found.county)
    return place


def _agree(one: Place, other: Place) -> bool:
    return all(not a or not b or a == b for a, b in (
        (one.province, other.province), (one.city, other.city), (one.county, other.county)))


_MEETING = re.compile(
    rf"(?:({YEAR})\s*年\s*({MONTH_DAY})\s*月\s*({MONTH_DAY})\s*日\s*|[{DASHES}(（]\s*)"
    r"[在于]\s*([\u4e00-\u9fff\d\s]{2,80}?会议)\s*上"
)
_SESSION = re.compile(r"第?[一二三四五六七八九十\d]+届")
_OFFICES = "省长|主席|市长|区长|县长|旗长|州长|盟长|专员|局长|主任|院长|检察长"
_NAME = (
    r"[\u4e00-\u9fff]{1,10}(?:\s*[·•・]\s*[\u4e00-\u9fff]{1,10}){1,3}"
    r"|[\u4e00-\u9fff](?:[^\S\n]*[\u4e00-\u9fff]){1,3}"
)
_SPEAKER = re.compile(
    rf"(?P<org>[\u4e00-\u9fff()（）]{{0,40}}?)(?:代理?)?(?:{_OFFICES})(?P<gap>\s*)(?P<name>{_NAME})"
)
_SPEAKER_ORG = re.compile(r"(?:政府|法院|检察院|常委会|委员会|局|公署)$")
_MEETING_SPAN = 120  # characters from the dash of a meeting line to its 会议
_SPEAKER_LINES = 3  # the speaker line follows the meeting line, maybe after a blank or two
_HEADER_LINES = 8  # without a meeting line, the speaker is looked for among the first lines


class _Header:
    """The report's own header lines at the top of the body: meeting, date, speaker, title."""

    __slots__ = ("date", "meeting", "meeting_place", "speaker", "text", "title_lines")

    def __init__(self, head: str) -> None:
        self.text = head
        # Only the first lines are ever read: bound the split, not just the slice.
        first = head[:HEADER_CHARS].split("\n", _HEADER_LINES * 3)[: _HEADER_LINES * 3]
        lines = [line.strip() for line in first if line.strip()]
        self.title_lines = "|".join(_compact(line) for line in lines[:5] if len(line) <= 40)
        self.date = self.meeting = self.meeting_place = self.speaker = ""
        match = _meeting_line(head)
        if match:
            if match.group(1):
                self.date = date_of(match, 1)
            self._set_meeting(_SPACES.sub("", match.group(4)))
            after = head[match.end() : match.end() + 200].split("\n")
            self.speaker = _speaker([line for line in after if line.strip()][:_SPEAKER_LINES])
        # Some templates put the speaker above the meeting line, or have no meeting line.
        if not self.speaker:
            self.speaker = _speaker(lines[:_HEADER_LINES], need_org=True)

    def _set_meeting(self, text: str) -> None:
        """Split "旅顺口区第十九届人民代表大会第二次会议" into place and session."""
        session = _SESSION.search(text)
        cut = session.start() if session else 0
        self.meeting_place, self.meeting = text[:cut], text[cut:]


def _meeting_line(head: str) -> re.Match[str] | None:
    """The "——2022年12月24日在…会议上" match among the header lines, if any.

    Found from its literal end "会议" backwards: scanning the whole header with the pattern,
    whose start is an alternation, costs ten times more on page 2+ where there is none.
    """
    end = head.find("会议", 0, HEADER_CHARS)
    while end != -1:
        match = _MEETING.search(head, max(0, end - _MEETING_SPAN), end + 8)
        if match:
            return match
        end = head.find("会议", end + 2, HEADER_CHARS)
    return None


def _speaker(lines: list[str], *, need_org: bool = False) -> str:
    """The name on a "旅顺口区人民政府区长 李井山" line: spaces inside removed, "·" kept."""
    for line in lines:
        match = _SPEAKER.fullmatch(line.strip())
        if not match:
            continue
        org, gap = match.group("org"), match.group("gap")
        # "区长 李井山" and "…人民政府区长李井山" name a person; "市长热线" does not.
        if (org or gap) and (not need_org or _SPEAKER_ORG.search(org)):
            return _SPACES.sub("", match.group("name"))
    return ""


_REVIEWED = re.compile(rf"({YEAR})\s*年[^\d。,，;；]{{0,8}}?回顾")
_DATA_YEAR = re.compile(rf"({YEAR})\s*年度?[^\d年]{{0,40}}?(?:统计公报|政府信息公开)")
_EXECUTION_YEAR = re.compile(rf"({YEAR})\s*年度?[^\d年]{{0,24}}?执行情况")
_ACCOUNTS_YEAR = re.compile(rf"({YEAR})\s*年度?[^\d年]{{0,16}}?决算")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})")


def _year(kind: str, title: str, head: str, report_date: str) -> int | None:
    """The year the report covers, by the rules in the module docstring."""
    if kind in WORK_REPORT_KINDS:
        return _reviewed_year(head) or _year_reviewed_at(report_date)
    if kind in ("国民经济和社会发展统计公报", "统计公报", "政府信息公开工作年度报告"):
        return _first_year(_DATA_YEAR, title) or _first_year(_DATA_YEAR, head[:300])
    if kind in ("预算报告", "计划报告", "决议"):
        return _first_year(_EXECUTION_YEAR, title) or _first_year(_EXECUTION_YEAR, head[:600])
    if kind == "决算报告":
        return _first_year(_ACCOUNTS_YEAR, title) or _first_year(_ACCOUNTS_YEAR, head[:600])
    return None


def _reviewed_year(head: str) -> int | None:
    """The year of a "一、2022年工作回顾" heading: looked up from its literal 回顾."""
    end = head.find("回顾")
    while end != -1:
        found = _first_year(_REVIEWED, head[max(0, end - 20) : end + 2])
        if found:
            return found
        end = head.find("回顾", end + 2)
    return None


def _first_year(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    return cn_year(match.group(1)) if match else None


def _year_reviewed_at(report_date: str) -> int | None:
    """Oct–Dec sessions review their own year, Jan–Jun the year before; Jul–Sep: unknown."""
    match = _ISO_MONTH.match(report_date)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if month >= 10:
        return year
    if month <= 6:
        return year - 1
    return None


def detect_language(title: str, text: str, lang: str) -> str:
    """"zh" when Han characters dominate, "en" for English prose, else the ``lang`` attribute."""
    sample = title[:100] + "\n" + text[:LANGUAGE_SAMPLE]
    declared = lang.strip().lower().replace("_", "-").split("-")[0]
    han = 0
    if not sample.isascii():  # the common English page skips every CJK scan
        han = _count(_HAN_RE, sample)
        if _KANA_OR_HANGUL.search(sample):
            if _count(_KANA_RE, sample) >= 5:
                return "ja"
            if _count(_HANGUL_RE, sample) > max(han, 5):
                return "ko"
    # Mostly Han already decides; counting letters is only needed when it might not.
    latin = _ascii_letters(sample) if han * 5 < len(sample) else 0
    # A Han character carries about what a short word does: weigh it like four letters.
    if han and han * 4 >= latin:
        return "zh"
    if latin >= 20 and sum(w in _EN_WORDS for w in sample.lower().split()) * 40 >= latin:
        return "en"
    if latin and declared in ("zh", "ja", "ko"):
        return ""
    return declared if declared.isalpha() and len(declared) <= 3 else ""


def _ascii_letters(text: str) -> int:
    """How many ASCII letters ``text`` has (bytes.translate: no per-character Python work)."""
    raw = text.encode("ascii", "ignore")
    return len(raw) - len(raw.translate(None, _ASCII_LETTERS))


def _count(pattern: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` the run pattern covers."""
    return sum(map(len, pattern.findall(text)))
