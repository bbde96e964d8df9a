#!/usr/bin/env python3
"""How fast metadata is read from a page, against trafilatura's metadata extraction.

    .venv/bin/python benchmarks/metadata.py [--cases ../shared/devset] [--repeat 3]

Both get the same pages: the project's report fixtures (tests/fixtures/clean) and the dev
set's Chinese pages (cwced, gne). Ours is timed from the HTML bytes through the cleaner (it
reads title, heading, header lines and page text the cleaner found) and alone on the
cleaner's output; trafilatura's ``extract_metadata`` from the HTML string. Prints pages per
second and the ratio; quality is not compared here (the fields differ: trafilatura knows no
kind, region or report date).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def pages(cases_dir: Path) -> list[tuple[bytes, str]]:
    out = [(p.read_bytes(), "") for p in sorted((REPO / "tests/fixtures/clean").glob("*.html"))]
    cases = cases_dir / "cases.jsonl"
    if cases.is_file():
        for line in cases.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            if case["dataset"] in ("cwced", "gne"):
                out.append(((cases_dir / case["html_path"]).read_bytes(), case["url"] or ""))
    return out


def timed(fn, items, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="../shared/devset")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from reportarchiver.clean import clean, decode_html
    from reportarchiver.metadata import extract_metadata as ours

    items = pages(Path(args.cases))
    decoded = [(decode_html(html).text, url) for html, url in items]
    # what the cleaner hands the metadata extractor, near enough: title, body, page text
    inputs = [{"title": c.title, "body_text": c.text, "page_text": c.text, "url": url}
              for c, url in ((clean(html, url), url) for html, url in items)]
    rates = {
        "ours: metadata alone (on the cleaned page)": timed(
            lambda kw: ours(**kw), inputs, args.repeat),
        "ours: whole clean() incl. metadata": timed(
            lambda hu: clean(hu[0], hu[1]), items, args.repeat),
    }
    try:
        from trafilatura import extract_metadata
    except ImportError:
        print("trafilatura is missing: pip install -e '.[bench]'")
    else:
        rates["trafilatura extract_metadata"] = timed(
            lambda tu: extract_metadata(tu[0], tu[1] or None), decoded, args.repeat)
    base = rates.get("trafilatura extract_metadata")
    print(f"{len(items)} pages (project fixtures + dev set zh), best of {args.repeat}")
    for name, rate in rates.items():
        ratio = f"{rate / base:6.1f}x trafilatura" if base else ""
        print(f"  {name:45} {rate:9.1f} pages/s {ratio}")


if __name__ == "__main__":
    main()
