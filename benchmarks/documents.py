#!/usr/bin/env python3
"""Benchmark document text extraction: quality against the text each fixture was made from,
and speed, with pdfminer.six as the named peer for PDF.

    .venv/bin/python benchmarks/documents.py [--cases ../shared/devset] [--repeat 20]

Quality: for every fixture in ``tests/fixtures/documents`` with an ``*.expected.txt`` (the
text ``make_fixtures.py`` generated it from), token F1 by the dev set's reference scorer
(``score.py``'s ``tokens``/``token_prf``, imported, not copied) and "blocks exact": the share
of the expected paragraphs and tables that come back verbatim (layout: paragraphs rejoined,
table rows TAB-separated), which token F1 cannot see.

Speed: documents per second for each fixture (``--repeat`` timed runs after one warm-up), and
pages per second on a 60-page PDF assembled in memory from the fixture's page.  PDF is
extracted three ways in the same run: ours (pypdfium2 with paragraphs and table rows rebuilt
from character boxes), bare pypdfium2 (``get_text_range``, the floor of what PDFium costs), and
pdfminer.six's ``extract_text`` (pure Python, default layout analysis).  Ratios are to
pdfminer.six.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
DOCS = REPO / "tests" / "fixtures" / "documents"
FIXTURES = {  # fixture -> (kind, expected text file)
    "work_report.pdf": ("pdf", "work_report"),
    "seed_report_pages.pdf": ("pdf", "seed_report_pages"),
    "work_report.docx": ("docx", "work_report"),
    "work_report.doc": ("doc", "work_report"),
    "budget_tables.xlsx": ("xlsx", "budget_tables"),
    "budget_tables.xls": ("xls", "budget_tables"),
}
BASELINE = "pdfminer.six"

Extractor = Callable[[bytes], str]


def load_scorer(cases_arg: str) -> ModuleType:
    """Import the dev set's reference scorer (score.py) from its folder."""
    for folder in (Path(cases_arg), REPO / cases_arg):
        path = folder / "score.py"
        if path.is_file():
            spec = importlib.util.spec_from_file_location("devset_score", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise SystemExit(f"no score.py under {cases_arg} (looked in . and {REPO})")


# --------------------------------------------------------------------------- extractors
def ours(kind: str) -> Extractor:
    from reportarchiver.documents import extract_document

    return lambda body: extract_document(body, kind).text


def bare_pdfium(body: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(body)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(pages)
    finally:
        document.close()


def pdfminer(body: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(body))


PDF_EXTRACTORS: dict[str, Extractor] = {
    "ours (pypdfium2)": ours("pdf"),
    "bare pypdfium2": bare_pdfium,
    BASELINE: pdfminer,
}


# --------------------------------------------------------------------------- measuring
def f1(scorer: ModuleType, text: str, expected: str) -> float:
    gold = collections.Counter(scorer.tokens(expected))
    return scorer.token_prf(text, gold)[2]


def blocks_exact(text: str, expected: str) -> float:
    wanted = [b for b in expected.strip().split("\n\n") if b]
    got = set(text.strip().split("\n\n"))
    return sum(b in got for b in wanted) / len(wanted)


def per_second(fn: Extractor, body: bytes, repeat: int) -> float:
    fn(body)  # warm-up: imports, font caches
    started = time.perf_counter()
    for _ in range(repeat):
        fn(body)
    return repeat / (time.perf_counter() - started)


def long_pdf(body: bytes, pages: int) -> bytes:
    """A PDF of ``pages`` copies of the fixture's page, built in memory."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(body)
    target = pdfium.PdfDocument.new()
    for _ in range(pages):
        target.import_pages(source)
    out = io.BytesIO()
    target.save(out)
    return out.getvalue()


def ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}x" if base else "–"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="../shared/devset", help="folder holding score.py")
    ap.add_argument("--repeat", type=int, default=20, help="timed runs per fixture")
    ap.add_argument("--pages", type=int, default=60, help="pages of the long PDF")
    args = ap.parse_args(argv)
    scorer = load_scorer(args.cases)

    print("Quality and speed per fixture (expected = the text the fixture was made from)\n")
    print(f"| {'fixture':<20} | {'extractor':<18} | token F1 | blocks exact | docs/s "
          f"| vs {BASELINE} |")
    print("|---|---|---|---|---|---|")
    for name, (kind, expected_name) in FIXTURES.items():
        body = (DOCS / name).read_bytes()
        expected = (DOCS / f"{expected_name}.expected.txt").read_text(encoding="utf-8")
        extractors = PDF_EXTRACTORS if kind == "pdf" else {"ours": ours(kind)}
        base = per_second(pdfminer, body, args.repeat) if kind == "pdf" else None
        for label, fn in extractors.items():
            text = fn(body)
            speed = base if label == BASELINE else per_second(fn, body, args.repeat)
            print(f"| {name:<20} | {label:<18} | {f1(scorer, text, expected):.3f} "
                  f"| {blocks_exact(text, expected):.2f} | {speed:,.1f} "
                  f"| {ratio(speed, base)} |")

    body = long_pdf((DOCS / "work_report.pdf").read_bytes(), args.pages)
    print(f"\nA {args.pages}-page PDF ({len(body):,} bytes), pages per second\n")
    print(f"| extractor | pages/s | vs {BASELINE} |")
    print("|---|---|---|")
    speeds = {label: per_second(fn, body, max(1, args.repeat // 10)) * args.pages
              for label, fn in PDF_EXTRACTORS.items()}
    for label, speed in speeds.items():
        print(f"| {label} | {speed:,.0f} | {ratio(speed, speeds[BASELINE])} |")


if __name__ == "__main__":
    main()
