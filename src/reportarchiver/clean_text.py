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
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"), None)

# Sentence punctuation, full and half width; GNE's observation: body text is dense in it.
_PUNCT = ",。;:、!?,;:!?.…"
_SPACES_RE = re.compile(r"\s+")
_PUNCT_DELETE = dict.fromkeys(map(ord, _PUNCT), None)


def normalize(text: str) -> str:
    """Collapse whitespace runs to one space and drop invisible characters.

    The report's own characters (full-width punctuation, dashes) are kept as they are.
    """
    return " ".join(text.translate(_INVISIBLE).split())


def collapse_spaces(text: str) -> str:
    """Collapse whitespace runs to one space, keeping a leading or trailing one (inline runs)."""
    return _SPACES_RE.sub(" ", text.translate(_INVISIBLE))


def normalize_pre(text: str) -> str:
    """Normalize preformatted text line by line, keeping its line breaks."""
    lines = (normalize(line) for line in text.translate(_INVISIBLE).splitlines())
    return "\n".join(line for line in lines if line)


def punctuation_count(text: str) -> int:
    """How many sentence punctuation marks the text holds."""
    return len(text) - len(text.translate(_PUNCT_DELETE))


_C = "[::]"  # a colon of either width

# Boilerplate wherever it occurs in a short block.
_BOILER_ANYWHERE = [
    # breadcrumbs
    rf"(当前|现在|所在|您的|你的)的?位置\s*{_C}?", r"^\s*导航菜单\s*$", r"^\s*网站导航",
    # footers
    r"ICP\s*备|ICP\s*证|公网安备|网站标识码|版权所有|主办单位|承办单位|协办单位|技术支持\s*[::]",
    r"建议使用.{0,20}浏览器|最佳浏览|分辨率.{0,8}浏览",
    r"(?i:copyright\s*(©|\(c\)|&copy;|\d{4})|all rights reserved|©\s*\d{4})",
    # disclaimers and reprint notices
    r"本文仅代表作者|不代表本站|未经(许可|授权|允许).{0,6}不得转载|转载请注明|免责声明|凡注明为",
    # permalinks
    rf"^(本文|原文|文章|本页)(地址|链接|网址)\s*{_C}|永久链接",
    # comments and captchas
    r"留言与评论|发表评论|网友评论|我要评论|条评论|验证码|评论\s*[((]共|登录后(评论|发表)",
    # share widgets
    r"分享到|分享至|一键分享|扫一扫|扫描二维码|^\s*分享\s*[::]?\s*$",
    # prev/next and page numbers
    rf"^(上一[篇页条]|下一[篇页条])\s*{_C}?|^(首页|尾页|末页|上一页|下一页)$",
    r"^共\s*\d+\s*页|^第\s*\d+\s*页\s*$",
    # print / close / font size and counters
    r"【\s*(打印|关闭|字[体号])|\[\s*(打印|关闭|字[体号])|打印本页|关闭窗口|收藏本页|加入收藏",
    r"设为首页|返回顶部|回到顶部|字[体号]\s*[::]?\s*[\[【]?\s*大\s*[\]】]?\s*[\[【]?\s*中",
    rf"(浏览|阅读|点击|访问)(次数|量|数|率)\s*{_C}?",
    # page metadata lines (kept for the metadata extractor, not body text)
    rf"^(发布|发表|更新|上传)(日期|时间)\s*{_C}|^(信息)?来源\s*{_C}|^(责任)?编辑\s*{_C}",
    rf"^(作者|责编|审核|校对|录入)\s*{_C}",
    # English widgets
    r"(?i:^(share|share this|share on \w+|tweet|email|print|like this)\s*:?$)",
    r"(?i:^(advertisement|sponsored|related:?|tags?\s*:.*|filed under.*|posted in.*)$)",
    r"(?i:^(sign up|subscribe)\b.{0,80}(newsletter|email|inbox)|^follow us\b|^click here to\b)",
]
BOILERPLATE_RE = re.compile("|".join(f"(?:{p})" for p in _BOILER_ANYWHERE))

# Labels of government information-disclosure tables (索引号 / 发布机构 / 文号 ...): the
# table describes the document, it is not the report; kept in page_text for metadata.
INFO_LABEL_RE = re.compile(
    rf"^(索引号|发布机构|发文机关|发文单位|文号|发文字号|成文日期|发布日期|生成日期|主题分类|"
    rf"主题词|公开方式|公开范围|公开时限|有效性|信息分类|体裁分类|组配分类|服务对象|名称|时效)\s*{_C}?"
)

# Headings that open an end-of-article section (related links, comments): what follows
# them is not the article.
SECTION_MARKER_RE = re.compile(
    r"^\s*[【\[]?\s*(相关(阅读|链接|报告|文章|新闻|文档|推荐|信息)|热门(文章|推荐|新闻|阅读)|"
    r"推荐阅读|猜你喜欢|延伸阅读|最新(文章|报告)|点击排行|阅读排行|热点(文章|新闻)|"
    r"留言与评论.*|(发表|网友|最新|热门|精彩|全部|用户|读者|文章)?评论(列表|区)?|本文仅代表作者.*|"
    r"(?i:related( (posts|articles|stories|content|news|reading))?|you (may|might) also like.*|"
    r"comments?|leave a (reply|comment).*|more (stories|from|on) .*|recommended( for you)?|"
    r"read (more|next)|most (read|popular)|trending( now)?|popular (posts|stories)))"
    r"\s*[】\]]?\s*[::]?\s*(\(\s*\d*\s*\))?\s*$"
)

# class/id words that mark a region as page furniture (readability's idea, kept generic).
NEGATIVE_WORDS = frozenset(
    "comment comments commentlist respond reply replies disqus footer foot sidebar aside "
    "breadcrumb breadcrumbs crumb crumbs share sharing social sns bshare jiathis related "
    "recommend recommended nav navbar navigation menu topnav subnav pager pagination paging "
    "advert advertisement ads adv banner sponsor promo newsletter subscribe cookie cookies "
    "popup modal copyright tags tagcloud hot rank ranking login signin toolbar".split()
)
POSITIVE_WORDS = frozenset(
    "article content body main post entry story text detail details news zoom con "
    "artical arti txt".split()
)
_WORD_RE = re.compile(r"[a-z]+")


def class_words(value: str) -> set[str]:
    """The lower-case words of a class or id ('post-comments_box' -> post, comments, box)."""
    return set(_WORD_RE.findall(value.lower()))
