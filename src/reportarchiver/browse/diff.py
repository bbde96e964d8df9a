"""What changed between two versions of a report, paragraph by paragraph.

Report bodies are long runs of Chinese text without line breaks inside a paragraph, so a line
diff would mark whole paragraphs; changed paragraphs are therefore also diffed character by
character. The output is plain data (strings and kinds): templates escape it, so a diff of
hostile text is as inert as the text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

__all__ = ["Block", "diff_blocks", "unified_diff"]

_CONTEXT_CHARS = 60


@dataclass(frozen=True)
class Block:
    """One paragraph of the diff: ``kind`` is equal, insert, delete or replace.

    ``pieces`` are ``(kind, text)`` runs; for a replaced paragraph they interleave
    equal/delete/insert runs of characters.
    """

    kind: str
    pieces: list[tuple[str, str]] = field(default_factory=list)


def _paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


def _shorten(text: str) -> str:
    if len(text) <= 2 * _CONTEXT_CHARS:
        return text
    return text[:_CONTEXT_CHARS] + " … " + text[-_CONTEXT_CHARS:]


def _char_pieces(old: str, new: str) -> list[tuple[str, str]]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", _shorten(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("delete", old[i1:i2]))
        if op in ("insert", "replace"):
            pieces.append(("insert", new[j1:j2]))
    return pieces


def diff_blocks(old_text: str | None, new_text: str | None) -> list[Block]:
    """The paragraphs of both versions aligned; unchanged paragraphs are shortened."""
    old, new = _paragraphs(old_text), _paragraphs(new_text)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    blocks: list[Block] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            blocks += [Block("equal", [("equal", _shorten(p))]) for p in old[i1:i2]]
        elif op == "delete":
            blocks += [Block("delete", [("delete", p)]) for p in old[i1:i2]]
        elif op == "insert":
            blocks += [Block("insert", [("insert", p)]) for p in new[j1:j2]]
        else:
            pairs = list(zip(old[i1:i2], new[j1:j2], strict=False))
            blocks += [Block("replace", _char_pieces(a, b)) for a, b in pairs]
            blocks += [Block("delete", [("delete", p)]) for p in old[i1 + len(pairs):i2]]
            blocks += [Block("insert", [("insert", p)]) for p in new[j1 + len(pairs):j2]]
    return blocks


def unified_diff(old_text: str | None, new_text: str | None) -> str:
    """A unified diff of the two versions, one paragraph per line (for the canned query)."""
    lines = difflib.unified_diff(
        _paragraphs(old_text), _paragraphs(new_text), "old", "new", lineterm="", n=1
    )
    return "\n".join(lines)
