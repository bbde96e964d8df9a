#!/usr/bin/env python3
"""Tune the cleaner's numeric weights with nested cross-validation, and record the result.

    nice -n 19 .venv/bin/python benchmarks/tune_cleaner.py [--cases DIR] [--folds 5]

The dev set's pages are dealt to k folds by site (``extract.assign_folds``: a site's pages never
sit on two folds).  For each fold, a coordinate search over the grid below chooses the
weights on the *other* k-1 folds only; that fold is then scored with them.  Finally the same
search runs on all k folds: its result is what the cleaner ships as its defaults.

The search, fixed before the first run (but for two grids, widened once where that run's
choices on tuning folds sat at their edge: _LINK_SHARE and _AFTER_HEADING_FACTOR):

* objective: the mean, over the four labelled data sets, of their main figure on the tuning
  pages (token F1 for cwced, scrapinghub and htmltotext, snippet accuracy for trafilatura),
  each computed as the dev set's ``score.py`` computes it;
* start: the hand-set values (``Param.start``); one parameter at a time, every value of its grid
  is tried with the others held, and the best is taken if it beats the current setting by more
  than ``_MIN_GAIN`` (about two snippets of the trafilatura set: smaller gains are noise);
  sweeps repeat until one changes nothing (at most ``--sweeps``);
* constraint: a setting that changes the project's report fixtures (tests/fixtures/clean, which
  must stay exact) is never taken.

Each setting is run once over all pages and its per-page results are kept, so the k+1 searches
share their evaluations.  The result goes to ``benchmarks/tune_cleaner.json`` with a
fingerprint of the cleaner's source: ``benchmarks/extract.py`` scores each fold with the weights
tuned without it (the nested cross-validated figures) and says when the file is stale.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import importlib
import json
import os
import statistics
import sys
import time
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

import extract  # benchmarks/extract.py: the dev set loader, the folds and the scorer glue

from reportarchiver.models import SiteHints

REPO = Path(__file__).resolve().parent.parent
RESULT = Path(__file__).with_name("tune_cleaner.json")
CLEANER = REPO / "src" / "reportarchiver" / "clean"
PACKAGE = "reportarchiver.clean."
# Main figure of each labelled data set (gne has no labels)
MAIN_FIGURE = {"cwced": "tokF1", "scrapinghub": "tokF1", "htmltotext": "tokF1",
               "trafilatura": "snip_acc"}
_MIN_GAIN = 0.0005
_NO_HINTS = SiteHints()


@dataclass(frozen=True)
class Param:
    """One module-level constant of the cleaner and the values the search may give it."""

    module: str  # under reportarchiver.clean
    name: str
    start: float  # the hand-set value, where the search starts
    grid: tuple[float, ...]

    @property
    def key(self) -> str:
        return f"{self.module}.{self.name}"


# The weights and thresholds that decide which blocks are kept, with the values they had before
# any search (set by hand, with every page in view: the search starts there, so that a rerun
# gives the same result whatever the source holds now), and the grid each may take, spanning
# the plausible range around it.  (_render's cell limits are left out: they only change how
# table cells are joined, which no score sees.)
PARAMS = (
    Param("_score", "_LONG", 300, (150, 200, 300, 450, 600)),
    Param("_score", "_CUT_AFTER", 0.4, (0.2, 0.3, 0.4, 0.5, 0.6)),
    Param("_score", "_CUT_AFTER_BYTES", 600, (300, 600, 1000, 1500)),
    Param("_score", "_PEEL_SHARE", 0.75, (0.6, 0.7, 0.75, 0.8, 0.9)),
    Param("_score", "_PEEL_BEFORE", 0.03, (0.0, 0.01, 0.03, 0.06, 0.1)),
    Param("_score", "_FURNITURE_SHARE", 0.5, (0.3, 0.4, 0.5, 0.6, 0.7)),
    Param("_score", "_PROSE_CHARS", 40, (20, 30, 40, 60, 80)),
    Param("_score", "_MIN_PROSE_SHARE", 0.3, (0.2, 0.3, 0.4, 0.5)),
    Param("_score", "_COVER_SHARE", 0.6, (0.5, 0.6, 0.7, 0.8)),
    Param("_score", "_BAD_WEIGHT", 1.0, (0.5, 0.75, 1.0, 1.5, 2.0)),
    Param("_score", "_UNPUNCTUATED_FACTOR", 0.3, (0.0, 0.15, 0.3, 0.5, 0.7)),
    Param("_score", "_CELL_FACTOR", 0.5, (0.25, 0.5, 0.75, 1.0)),
    Param("_score", "_AFTER_HEADING_BYTES", 2000, (0, 1000, 2000, 4000)),
    Param("_score", "_AFTER_HEADING_FACTOR", 2.0, (1.0, 1.5, 2.0, 3.0, 4.0)),
    Param("_score", "_FURNITURE_WEIGHT", 0.5, (0.25, 0.5, 0.75, 1.0, 1.5)),
    Param("_score", "_LINK_SHARE", 0.5, (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)),
    Param("_score", "_MIN_LABEL_CHARS", 10, (0, 5, 10, 20)),
    Param("_score", "_LABEL_CHARS", 50, (0, 30, 50, 80)),
    Param("_text", "_STAMPED_LINE_CHARS", 80, (60, 80, 120)),
    Param("_text", "_STAMP_CHARS", 160, (100, 160, 240)),
    Param("_clean", "_HEADING_SHARE", 0.4, (0.2, 0.4, 0.6)),
    Param("_clean", "_TITLE_REPEAT_SHARE", 0.6, (0.4, 0.6, 0.8)),
)

Setting = tuple[float, ...]  # one value per PARAMS entry, in order
START: Setting = tuple(p.start for p in PARAMS)


def _module(param: Param) -> ModuleType:
    return importlib.import_module(PACKAGE + param.module)


def current_setting() -> Setting:
    """The values the cleaner's source holds now."""
    return tuple(getattr(_module(p), p.name) for p in PARAMS)


def apply(setting: Setting | dict[str, float]) -> None:
    """Set the cleaner's constants (a setting, or a {"module.NAME": value} dict)."""
    values = setting if isinstance(setting, dict) else {
        p.key: v for p, v in zip(PARAMS, setting, strict=True)}
    by_key = {p.key: p for p in PARAMS}
    for key, value in values.items():
        param = by_key[key]
        setattr(_module(param), param.name, value)


def as_dict(setting: Setting) -> dict[str, float]:
    return {p.key: v for p, v in zip(PARAMS, setting, strict=True)}


def from_dict(values: dict[str, float]) -> Setting:
    return tuple(values[p.key] for p in PARAMS)


def fingerprint() -> str:
    """A digest of the cleaner's code: when it changes, rules changed and the tuning is stale.

    Comments, blank lines and the tuned values' own assignments are left out, so rewording a
    comment or shipping newly tuned values does not make the record stale.
    """
    digest = hashlib.sha256()
    for path in sorted(CLEANER.glob("*.py")):
        tuned = {p.name for p in PARAMS if p.module == path.stem}
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as source:
            for line in _logical_lines(source):
                if not (len(line) > 1 and line[0] in tuned and line[1] == "="):
                    digest.update("\x1f".join(line).encode("utf-8") + b"\n")
    return digest.hexdigest()[:16]


def _logical_lines(source: BinaryIO) -> Iterator[list[str]]:
    """The token strings of each logical line of Python source, comments left out."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT}
    line: list[str] = []
    for token in tokenize.tokenize(source.readline):
        if token.type == tokenize.NEWLINE or token.type == tokenize.ENDMARKER:
            if line:
                yield line
            line = []
        elif token.type not in skip:
            line.append(token.string)


# --------------------------------------------------------------------------- evaluation
class Evaluator:
    """Runs the cleaner with a setting over every page (once per setting: results are kept).

    Parsing, pruning and measuring do not depend on the weights: each page is prepared once
    (``_clean._prepare``) and only the weighted half (``_clean._body``) runs per setting, 5x
    faster than whole runs.  The prepared records drop their DOM nodes, which only the HTML
    rendering needs, so the parsed trees are freed.
    """

    def __init__(self, scorer: ModuleType, cases: list[dict], fixtures: list[dict]) -> None:
        self.scorer = scorer
        self.cases = cases
        self.pages = [_prepare(case["_html"], None) for case in cases]
        self.fixtures = [(_prepare(f["_html"], f.get("http_charset")), f["expected_text"].strip())
                         for f in fixtures]
        self.memo: dict[Setting, tuple[list[dict], bool]] = {}
        self.seconds = 0.0

    def check(self) -> None:
        """The prepared path must give what clean() gives, page for page, or nothing holds."""
        from reportarchiver.clean import clean

        for case, page in zip(self.cases, self.pages, strict=True):
            if _text(page) != clean(case["_html"], case.get("url", "")).text:
                raise SystemExit(f"{case['id']}: the tuning path differs from clean()")

    def __call__(self, setting: Setting) -> tuple[list[dict], bool]:
        """Per-case records in score.py's shape, and whether the fixtures stay exact."""
        if setting not in self.memo:
            start = time.perf_counter()
            apply(setting)
            records = [extract.record(self.scorer, case, _text(page), None, 0.0)
                       for case, page in zip(self.cases, self.pages, strict=True)]
            exact = all(_text(page) == expected for page, expected in self.fixtures)
            self.memo[setting] = (records, exact)
            self.seconds += time.perf_counter() - start
        return self.memo[setting]


def _prepare(html: bytes, charset: str | None) -> tuple:
    from reportarchiver.clean import _clean
    from reportarchiver.clean._encoding import decode_html

    page, _, boxes, blocks = _clean._prepare(decode_html(html, charset).text, _NO_HINTS, None)
    for box in boxes:
        box.node = None
    for block in blocks:
        block.runs = []
    return page, boxes, blocks


def _text(prepared: tuple) -> str:
    from reportarchiver.clean import _clean
    from reportarchiver.clean._render import to_text

    page, boxes, blocks = prepared
    return to_text(_clean._body(page, None, boxes, blocks, _NO_HINTS)) if boxes else ""


def summary(scorer: ModuleType, cases: list[dict], records: list[dict],
            keep: Iterable[int]) -> dict[str, dict]:
    """Per-data-set summaries of the kept cases (indices), as score.py computes them."""
    groups: dict[str, object] = collections.defaultdict(scorer.Group)
    for i in keep:
        groups[cases[i]["dataset"]].add(records[i])
    return {name: group.summary() for name, group in groups.items()}


def objective(per_dataset: dict[str, dict]) -> float:
    """Mean of the labelled data sets' main figures."""
    values = [per_dataset[d][m] for d, m in MAIN_FIGURE.items()
              if d in per_dataset and per_dataset[d].get(m) is not None]
    return statistics.fmean(values) if values else 0.0


def search(evaluate: Evaluator, keep: Sequence[int], start: Setting, sweeps: int,
           log: str) -> tuple[Setting, float]:
    """Coordinate search of the grid on the kept cases only (see the module docstring)."""
    def value_of(setting: Setting) -> float | None:
        records, exact = evaluate(setting)
        if not exact:
            return None
        return objective(summary(evaluate.scorer, evaluate.cases, records, keep))

    current, best = start, value_of(start)
    if best is None:
        raise SystemExit("the starting setting changes the fixtures: fix the source first")
    for sweep in range(sweeps):
        changed = False
        for i, param in enumerate(PARAMS):
            tried = {}
            for value in param.grid:
                candidate = (*current[:i], value, *current[i + 1:])
                score = value_of(candidate)
                if score is not None:
                    tried[value] = score
            top = max(tried, key=lambda v: tried[v])
            if top != current[i] and tried[top] > best + _MIN_GAIN:
                print(f"  {log} sweep {sweep + 1}: {param.key} {current[i]} -> {top} "
                      f"({best:.4f} -> {tried[top]:.4f})", file=sys.stderr, flush=True)
                current, best, changed = (*current[:i], top, *current[i + 1:]), tried[top], True
        if not changed:
            break
    return current, best


# --------------------------------------------------------------------------- report
def report(held: dict[str, list[dict]]) -> None:
    """Held-out figures per data set: one value per fold, mean ± sd [min-max]."""
    for name, per_fold in held.items():
        print(f"\n{name}: each fold scored with the weights it was given")
        for dataset, figure in MAIN_FIGURE.items():
            second = "tokP" if figure == "tokF1" else "exc"
            for key in (figure, second):
                values = [s[dataset][key] for s in per_fold if dataset in s]
                print(f"  {dataset:12s} {key:8s} {extract.spread(values):34s} folds: "
                      + " ".join(f"{v:.3f}" for v in values))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=os.environ.get("RX_EVAL_DIR", "../shared/devset"),
                    help="folder holding cases.jsonl (default: $RX_EVAL_DIR or ../shared/devset)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--sweeps", type=int, default=3, help="most sweeps over the parameters")
    ap.add_argument("--out", default=str(RESULT), help="where the result is written")
    args = ap.parse_args(argv)

    cases_dir = extract.resolve_cases(args.cases)
    scorer = extract.load_scorer(cases_dir)
    cases = extract.load_cases(cases_dir, None, None)
    fixtures = extract.load_fixtures()
    fold_of_site = extract.assign_folds(cases, args.folds)
    folds_of = [fold_of_site[extract.site_of(case)] for case in cases]
    evaluate = Evaluator(scorer, cases, fixtures)
    evaluate.check()
    source = current_setting()
    everything = range(len(cases))
    print(f"{len(cases)} pages, {args.folds} folds, {len(PARAMS)} parameters", file=sys.stderr)

    tuned: dict[str, Setting] = {}
    held_tuned, held_start = [], []
    for fold in range(args.folds):
        train = [i for i in everything if folds_of[i] != fold]
        test = [i for i in everything if folds_of[i] == fold]
        tuned[str(fold)], _ = search(evaluate, train, START, args.sweeps, f"fold {fold}")
        held_tuned.append(summary(scorer, cases, evaluate(tuned[str(fold)])[0], test))
        held_start.append(summary(scorer, cases, evaluate(START)[0], test))
    tuned["all"], best = search(evaluate, everything, START, args.sweeps, "all folds")
    apply(source)

    print(f"\n{len(evaluate.memo)} settings evaluated in {evaluate.seconds:.0f} s")
    report({
        "nested: weights tuned on the other folds": held_tuned,
        "the hand-set weights (the search's start; set with all pages in view)": held_start,
    })
    print(f"\ntuned on all folds (objective {best:.4f}): the cleaner should ship")
    for param, now, new in zip(PARAMS, source, tuned["all"], strict=True):
        print(f"  {param.key} = {new}" + ("" if now == new else f"   (source now: {now})"))
    Path(args.out).write_text(json.dumps({
        "fingerprint": fingerprint(),
        "folds": args.folds,
        "objective": "mean of " + ", ".join(f"{d} {m}" for d, m in MAIN_FIGURE.items()),
        "start": as_dict(START),
        "tuned": {name: as_dict(setting) for name, setting in tuned.items()},
        "held_out": [{d: s[d].get(MAIN_FIGURE[d]) for d in MAIN_FIGURE if d in s}
                     for s in held_tuned],
    }, indent=1) + "\n")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
