"""The documents name only what exists: every test the fault catalogue cites is a test."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_every_test_named_in_the_fault_catalogue_exists() -> None:
    catalogue = (ROOT / "docs" / "faults.md").read_text(encoding="utf-8")
    defined = {m for path in (ROOT / "tests").glob("test_*.py")
               for m in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"),
                                   re.MULTILINE)}
    cited = set(re.findall(r"\b(test_\w+)\b", catalogue)) - {
        name for name in re.findall(r"tests/(test_\w+)\.py", catalogue)}
    cited = {name for name in cited if not (ROOT / "tests" / f"{name}.py").exists()}
    assert cited and cited <= defined, sorted(cited - defined)
