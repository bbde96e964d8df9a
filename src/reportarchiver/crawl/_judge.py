"""Is what a site serves now still the report we archived? Pure functions.

Sites change and vanish: a report page may later answer an error page with status 200 (a
"soft 404", "页面不存在"), an empty page, a domain parking page, the site's home page, or a
stub. Storing that as the report's new version would replace the archived text and its
search entry with rubbish. So a fetched report is first judged:

- :func:`not_a_report` says why a body is no report at all (empty, a soft 404 or parking
  page), for new URLs and known reports alike;
- :func:`judge_revision` decides whether a changed body of a known report is plainly a
  revision of it (same title and kind, and not shrunk to less than half; or, whatever the
  title says, nearly the same text), or a suspicious replacement to keep apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A report body shorter than this (characters) is no report: an empty or near-empty page.
MIN_REPORT_BODY = 40
#: Soft-404 and parking phrases only count on short pages: a long report may quote them.
_SOFT_404_MAX_CHARS = 600
_SOFT_404 = re.compile(
    r"页面不存在|网页不存在|页面未找到|找不到(?:该|此|您要的|您访问的)?(?:页面|网页|文章|信息)|"
    r"(?:文章|信息|内容|稿件|页面)(?:已|已经)?(?:被)?(?:删除|撤销|撤稿|下线|过期)|"
    r"(?:信息|文章|内容)不存在|无法找到(?:该|此)?(?:页面|网页)|访问的页面(?:不存在|出错)|"
    r"\b404\b|\bnot found\b|page (?:cannot be|could not be|can't be) found|"
    r"(?:this )?domain (?:name )?(?:is |may be )?for sale|buy this domain|parked (?:free|domain)|"
    r"域名(?:出售|转让|正在出售)",
    re.IGNORECASE)
#: A revision may shrink, but not to less than this share of the archived text.
MIN_KEPT_SHARE = 0.5
#: Text this similar (shared character bigrams, both ways) is the same report, retitled.
SAME_TEXT = 0.8


@dataclass(frozen=True, slots=True)
class Verdict:
    """``accept``: store the new body as the report's next version. Otherwise ``status``
    (``not_a_report`` or ``suspect``) and ``reason`` say why the archived body stays."""

    accept: bool
    status: str = "live"
    reason: str = ""


ACCEPT = Verdict(True)


def not_a_report(text: str, title: str = "", problem: str = "") -> str:
    """Why a page with this cleaned body (and title) is no report, or "" when it may be.
    ``problem``: why the body has no text (an image, a scanned PDF), when it has none."""
    if problem and len(text.strip()) < MIN_REPORT_BODY:
        return problem
    if len(text) <= _SOFT_404_MAX_CHARS:
        match = _SOFT_404.search(title + "\n" + text)
        if match:
            return f"the page says {match.group(0)!r} (an error or parking page)"
    if len(text.strip()) < MIN_REPORT_BODY:
        return f"the page has no report text ({len(text.strip())} characters)"
    return ""


def judge_revision(old_title: str, old_kind: str, old_text: str, new_title: str,
                   new_kind: str, new_text: str, new_problem: str = "") -> Verdict:
    """Whether the new body of a report may replace the archived one."""
    why = not_a_report(new_text, new_title, new_problem)
    if why:
        return Verdict(False, "not_a_report", why)
    if not_a_report(old_text, old_title):
        return ACCEPT  # what was archived was no report (an archive from before this check)
    changes = []
    if _norm(old_title) != _norm(new_title) and old_title and new_title:
        changes.append(f"title {old_title!r} became {new_title!r}")
    if old_kind != new_kind and old_kind and new_kind:
        changes.append(f"kind {old_kind} became {new_kind}")
    share = len(new_text) / max(1, len(old_text))
    if share < MIN_KEPT_SHARE:
        changes.append(f"text shrank to {share:.0%} of the archived {len(old_text)} "
                       "characters")
    if not changes:
        return ACCEPT
    kept, added = _overlap(old_text, new_text)
    if kept >= SAME_TEXT and added >= SAME_TEXT:
        return ACCEPT  # the same text: the page was retitled or reclassified
    return Verdict(False, "suspect", "; ".join(changes) + ": kept the archived report")


def _norm(title: str) -> str:
    return re.sub(r"\W+", "", title).lower()


def _overlap(old: str, new: str) -> tuple[float, float]:
    """(share of the old text's bigrams found in the new, share of the new's in the old)."""
    a, b = _bigrams(old), _bigrams(new)
    if not a or not b:
        return 0.0, 0.0
    common = len(a & b)
    return common / len(a), common / len(b)


def _bigrams(text: str) -> set[str]:
    squeezed = re.sub(r"\s+", "", text)
    return {squeezed[i:i + 2] for i in range(len(squeezed) - 1)}
