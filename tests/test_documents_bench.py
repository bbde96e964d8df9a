"""The documents benchmark runs end to end (it is not a test of speed)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks" / "documents.py"
DEVSET = next((p for p in (REPO.parent / "shared" / "devset", Path("/work/shared/devset"))
               if (p / "score.py").is_file()), None)

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("pdfminer") is None,
                       reason="needs the bench extra (pip install -e '.[bench]')"),
    pytest.mark.skipif(DEVSET is None, reason="needs shared/devset/score.py beside the repo"),
]


def test_benchmark_scores_every_fixture_and_compares_pdf_extractors() -> None:
    run = subprocess.run([sys.executable, str(BENCH), "--cases", str(DEVSET), "--repeat", "1",
                          "--pages", "2"], check=True, capture_output=True, text=True,
                         timeout=120)
    rows = [line.split("|")[1:-1] for line in run.stdout.splitlines() if line.startswith("| ")]
    fixtures = [[cell.strip() for cell in row] for row in rows
                if row[0].strip().endswith((".pdf", ".docx", ".doc", ".xlsx", ".xls"))]
    ours = [row for row in fixtures if row[1].startswith("ours")]
    assert len(ours) == 6  # two PDFs, a DOCX, a DOC, an XLSX, an XLS
    assert all(row[2] == "1.000" for row in ours)  # token F1
    assert sum(row[1] == "pdfminer.six" for row in fixtures) == 2
