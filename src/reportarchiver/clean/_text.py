"""Text-level rules of the cleaner: whitespace normalization and boilerplate patterns.

Patterns are matched against one block (a paragraph, list item, cell or line) after
normalization. Colons and brackets come in both widths on real pages, so every pattern
accepts both. Nothing here touches the DOM.
"""

from __future__ import annotations

import re

# Zero-width and invisible format characters carry no text: delete them.  Every other
# whitespace (NBSP, U+3000 ideographic space used as paragraph indentation, thin spaces)
# is folded to one ASCII space by str.split(), which knows Unicode whitespace.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f]")
_SPACES_RE = re.compile(r"\s+")

# Sentence punctuation, full and half width; GNE's observation: body text is dense in it.
_PUNCT_RE = re.compile("[,。;:、!?,;:!?.…]")


def normalize(text: str) -> str:
    """Collapse whitespace runs to one space and drop invisible characters.

    The report's own characters (full-width punctuation, dashes) are kept as they are.
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        # most blocks are normalized already: every whitespace but the space and every
        # invisible character is unprintable (Unicode Z*, Cc, Cf), and these tests run in C
        return text
    if _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text)
    return " ".join(text.split())


def collapse_spaces(text: str) -> str:
    """Collapse whitespace runs to one space, keeping a leading or trailing one (inline runs)."""
    if text.isprintable() and "  " not in text:
        return text  # the usual run: nothing to collapse (see normalize)
    return _SPACES_RE.sub(" ", _INVISIBLE_RE.sub("", text))


def normalize_pre(text: str) -> str:
    """Normalize preformatted text line by line, keeping its line breaks."""
    lines = (normalize(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def punctuation_count(text: str) -> int:
    """How many sentence punctuation marks the text holds."""
    return len(_PUNCT_RE.findall(text))


_C = "[::]"  # a colon of either width


def _either_colon(words: str) -> list[str]:
    return [w + c for w in words.split() for c in ":："]


# Every pattern below either serves the project's own report pages (tests/fixtures/clean) or
# helped pages of at least two of the dev set's five site folds: patterns that helped only the
# one site they were written for were removed (benchmarks/README.md, "Cleaner quality").

# Boilerplate wherever it occurs in a short block.  A flat alternation of literals: the
# regex engine then scans for their first characters in C, 10x faster than a pattern with
# groups (this check runs on every block of every page).
_KEYWORDS = [
    # breadcrumbs
    "当前位置", "当前的位置", "现在的位置", "现在位置", "所在位置", "所在的位置", "您的位置",
    "你的位置",
    # footers
    "ICP备", "ICP证", "ICP 备", "公网安备", "网站标识码", "版权所有", "主办单位", "承办单位",
    "协办单位", "最佳浏览", "Copyright", "COPYRIGHT", "All rights reserved",
    "All Rights Reserved", "all rights reserved", "©",
    *_either_colon("技术支持"),
    # disclaimers and reprint notices
    "本文仅代表作者", "不代表本站", "不得转载", "转载请注明", "免责声明", "凡注明为",
    # permalinks
    "永久链接",
    # comments and captchas
    "留言与评论", "发表评论", "网友评论", "我要评论", "条评论", "验证码", "登录后评论",
    # share widgets
    "分享到", "分享至", "一键分享", "扫一扫", "扫描二维码", "扫码",
    # print / close / font size / counters
    "【打印", "【字体", "【字号", "【 打印", "【 关闭",
    "[打印", "[关闭", "[字体", "[字号",
    "打印本页", "关闭窗口", "收藏本页", "加入收藏", "设为首页", "返回顶部", "回到顶部",
    "返回列表", "返回首页",
    "浏览次数", "阅读次数", "访问次数",
    # photo credits (captions are not body text)
    "Getty Images", "iStock",
    *_either_colon("字体 字号 点击数 点击量 浏览量 阅读量 访问量 点击"),
]
_KEYWORD_RE = re.compile("|".join(re.escape(k) for k in _KEYWORDS))

_PAGER_WORDS = (
    r"分页|页码|页次|跳转到?|转到|[共第]\s*\d+\s*页|[上下前后]一?页|首页|尾页|末页|GO|Go|go"
)

_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_ONE_NAME = rf"{_NAME}(?:\s+{_NAME}){{0,3}}"
_NAMES = rf"{_ONE_NAME}(?:\s*(?:,|and|und|et|y|&)\s*{_ONE_NAME}){{0,5}}"

# Boilerplate when a block starts with it (checked with .match: costs nothing on prose).
_LEADING = [
    r"导航菜单\s*$", r"网站导航", r"分享\s*[::]?\s*$", r"举报\s*$",
    rf"(本文|原文|文章|本页)(地址|链接|网址)\s*{_C}",
    rf"(上一[篇页条]|下一[篇页条])\s*{_C}?", r"(首页|尾页|末页|上一页|下一页)$",
    r"共\s*\d+\s*页", r"第\s*\d+\s*页\s*$",
    # a pager line: nothing but its words, page numbers and punctuation ("分页: 共3页 上一页 1 2
    # 下一页 跳转到:", the DedeCMS default; its <select> of pages is pruned with the form controls)
    # (possessive: a long line of digits that fails must not be re-split in every way)
    rf"(?=.*(?:页|跳转|转到))(?:{_PAGER_WORDS}|\d+|[\s::|/.…·<>«»\[\]【】()()-])++$",
    # page metadata lines (kept in page_text for the metadata extractor, not body text)
    rf"(发布|发表|更新|上传)(日期|时间)\s*{_C}", rf"(本文|信息|文章|新闻|稿件)?来源\s*{_C}",
    rf"(责任)?编辑\s*{_C}",
    rf"(作者|责编|审核|校对|录入)\s*{_C}",
    # English widgets
    r"(?i:(share|share this|share on \w+|tweet|email|print|like this)\s*:?$)",
    r"(?i:(advertisement|sponsored|related:?|tags?\s*:.*|filed under.*|posted in.*)$)",
    r"(?i:(sign up|subscribe)\b.{0,80}(newsletter|email|inbox|edition)|follow us\b|"
    r"click here to\b|follow \w+( \w+)? on (twitter|facebook|instagram))",
    # bylines: "By" and names only ("By LISA MASCARO and ERIC TUCKER", "Von Claudia Lindner")
    rf"(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or)\s+{_NAMES}\s*$",
    # captions, credits and ad labels, in the languages of the usual article pages
    r"(?i:\(?\s*(bild|foto|fotos|photo|image|credit|credits|quelle|source|źródło|fuente)\s*:)",
    r"(?i:(diese )?seite teilen|tagged\s*:|themen\s*:|schlagworte\s*:|"
    r"(ist )?dieser (beitrag|artikel) hilfreich|wie bewerten sie|hier können sie den artikel)",
    # publication stamps ("Published Nov 18, 2019 at 4:07 PM | Updated ...")
    r"(?i:(first |last )?(published|updated|posted|veröffentlicht|aktualisiert|publié|"
    r"publicado)\b(?=.{0,100}$)(?=.*\d{4})(?=.{0,50}$|.*\d{1,2}:\d{2}))",
]
_LEADING_RE = re.compile("|".join(f"(?:{p})" for p in _LEADING))

# Lines that are only a date, a time or page numbers: boilerplate outside tables only
# (a table cell holding "2023-03-18" or "186.4" is data).
_STAMP_RE = re.compile(
    # a date or a time ("23.10.2018", "Nov 19, 2019 at 6:46 pm ET")
    r"(?i:(?=.{0,60}$)(?=\D*\d)(posted|published|updated|veröffentlicht|aktualisiert)?\s*"
    r"(on|am)?\s*"
    r"((\d{1,4}[./-]\d{1,2}[./-]\d{1,4})|(\d{1,2}\.? )?(jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|oktober|dezember)[a-zä]*\.?"
    r"( \d{1,2},?)? \d{4})?\s*((at|um|,|•|\|)?\s*\d{1,2}:\d{2}(:\d{2})?\s*(am|pm|uhr)?"
    r"( [a-z]{2,4})?)?\s*(•\s*\d+ min read)?\s*$)"
    # a source or byline ending in a date-time ("原创 南方都市报 2019-09-09 16:01:46")
    r"|.{0,40}\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(:\d{2})?\s*$"
    # breadcrumbs without a label ("网易娱乐 > 电影版区 > 留言板", "Home » News » Local")
    r"|[^>›»\n,。;,;]{1,24}(\s*(>|›|»|&gt;)\s*[^>›»\n,。;,;]{1,24}){2,}\s*$"
    # separator lines: no letter, digit or Han character at all
    r"|[^\w\u4e00-\u9fff]+$"
    # page numbers ("1 2 3 4 5 下一页" is caught by the keywords)
    r"|(?:\d{1,3}(?:\s+|\s*[|/]\s*)){2,}\d{1,3}\s*$"
)


_DATETIME_RE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}")
_STAMPED_LINE_CHARS = 80
_STAMP_CHARS = 160


# Picture agencies: a line that is only a credit ends in one ("praca / ShutterStock",
# "Patrick Semansky, ASSOCIATED PRESS", "AFP via Getty")
_AGENCIES = ("shutterstock", "getty", "istock", "istockphoto", "reuters", "afp", "dpa",
             "associated press", "ap photo", "picture alliance", "imago", "keystone")
_AGENCY_CHARS = max(len(a) for a in _AGENCIES)
_CREDIT_LEAD_CHARS = 40
_CREDIT_CHARS = _CREDIT_LEAD_CHARS + _AGENCY_CHARS + 1
_SENTENCE_END_RE = re.compile("[.!?。]")


def _is_credit(text: str) -> bool:
    """Whether the line is a picture credit alone: at most a short lead, then an agency.
    (Only the line's last characters are folded, and str.endswith with a tuple runs in C: a
    regex here cost 5% of the cleaner's time.)"""
    end = len(text) - 1 if text.endswith(")") else len(text)
    tail = text[max(0, end - _AGENCY_CHARS):end].lower()
    if not tail.endswith(_AGENCIES):
        return False
    agency = next(a for a in _AGENCIES if tail.endswith(a))
    lead = text[:end - len(agency)]
    return (len(lead) <= _CREDIT_LEAD_CHARS and not (lead and lead[-1].isalnum())
            and not _SENTENCE_END_RE.search(lead))


def is_boilerplate(text: str, in_table: bool = False) -> bool:
    """Whether a short block (or the start of a long one) is a boilerplate line."""
    if _KEYWORD_RE.search(text) or _LEADING_RE.match(text):
        return True
    if len(text) <= _CREDIT_CHARS and _is_credit(text):
        return True
    if in_table or len(text) > _STAMP_CHARS:
        return False  # (stamps, crumbs and separators are short lines: prose skips the regex)
    if _STAMP_RE.match(text):
        return True
    # a short line carrying a numeric date-time is a byline or a post header
    return len(text) < _STAMPED_LINE_CHARS and bool(_DATETIME_RE.search(text))


# Labels of government information-disclosure tables (索引号 / 发布机构 / 文号 ...): the
# table describes the document, it is not the report; kept in page_text for metadata.
INFO_LABEL_RE = re.compile(
    rf"^(索引号|发布机构|发文机关|发文单位|文号|发文字号|成文日期|发布日期|生成日期|主题分类|"
    rf"主题词|公开方式|公开范围|公开时限|有效性|信息分类|体裁分类|组配分类|服务对象|名称|时效)\s*{_C}?"
)

# Headings that open an end-of-article section (related links, comments): what follows
# them is not the article.
_MARKERS_ZH = (
    r"相关(阅读|链接|报告|文章|新闻|文档|推荐|信息)|热门(文章|推荐|新闻|阅读)|推荐阅读|猜你喜欢|"
    r"延伸阅读|最新(文章|报告)|点击排行|阅读排行|热点(文章|新闻)|留言与评论.*|"
    r"(发表|网友|最新|热门|精彩|全部|用户|读者|文章)?评论(列表|区)?|本文仅代表作者.*"
)
# The same sections in the languages of article pages met most (en, de, fr, es, pl).
_MARKERS_OTHER = (
    r"you (may|might) also (like|enjoy).*|more (stories|news|articles|from|on|in) ?.*|"
    r"recommended( for you| stories| articles)?|read (more|next|also)|also read|"
    r"most (read|popular|viewed|shared)|popular (posts|stories)|"
    r"(our )?latest (news|stories|posts|articles)|want more\??|"
    r"\d* ?comments?|leave a (reply|comment).*|join the (conversation|discussion)|"
    r"about the author|"
    r"mehr zum thema.*|weitere (artikel|beiträge|themen).*|"
    r"ähnliche (beiträge|artikel)|"
    r"das könnte sie auch interessieren|"
    r"aktuelle (news|nachrichten|beiträge|artikel)|\d* ?kommentare?|keine kommentare|"
    r"kommentieren|kommentare geschlossen|read the latest.*|"
    r"zum thema|meistgelesen.*|"
    r"(à )?lire aussi|sur le même sujet|articles similaires|voir aussi|\d* ?commentaires?|"
    r"te puede interesar|noticias relacionadas|lee también|más noticias|\d* ?comentarios?|"
    r"czytaj (także|też)|zobacz (także|też)|komentarze|polecane|"
    r"add (a )?comment|читайте также|похожие (статьи|записи)|"
    r"комментарии|добавить (отзыв|комментарий)"
)
SECTION_MARKER_RE = re.compile(
    rf"^\s*[【\[]?\s*({_MARKERS_ZH}|(?i:{_MARKERS_OTHER}))"
    r"\s*[】\]]?\s*[::]?\s*(\(\s*\d*\s*\)|\d+)?\s*$"
)

# class/id names that mark a region as page furniture (readability's idea, kept generic):
# a word starting with one of these stems ("comments", "sharedaddy", "navbar") ...
_FURNITURE_NAME_RE = re.compile(
    r"(?<![a-z])(?:comment|share|sharing|social|sidebar|footer|related|breadcrumb|crumb|nav|"
    r"menu|sponsor|advert|promo|newsletter|subscri|cookie|popup|modal|pagination|pager|paging|"
    r"disqus|respond|repl(?:y|ies)|toolbar|copyright|login|signin|banner|recommend|tagcloud|"
    r"jiathis|bshare|sns|author|byline)"
    # ... or one of these whole words
    r"|(?<![a-z])(?:ad|ads|adv|foot|hot|rank|ranking|tags)(?![a-z])"
)
# ... unless the names also say "content" (class="entry-content", id="article").
_CONTENT_NAME_RE = re.compile(
    r"(?<![a-z])(?:article|content|main|body|entry|story|text|detail|zoom|con)(?![a-z])"
)


def furniture_names(names: str) -> bool:
    """Whether a class + id string marks page furniture (and does not also say content)."""
    names = names.lower()
    return not _CONTENT_NAME_RE.search(names) and bool(_FURNITURE_NAME_RE.search(names))
