"""The cleaner ships the weights benchmarks/tune_cleaner.py chose on all folds of the dev set."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def _tuner() -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))  # tune_cleaner imports its neighbour extract.py
    try:
        return importlib.import_module("tune_cleaner")
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_shipped_weights_are_those_tuned_on_all_folds():
    tuner = _tuner()
    record = json.loads((BENCHMARKS / "tune_cleaner.json").read_text(encoding="utf-8"))
    assert tuner.as_dict(tuner.current_setting()) == record["tuned"]["all"]


def test_every_tuned_weight_lies_on_its_grid():
    tuner = _tuner()
    record = json.loads((BENCHMARKS / "tune_cleaner.json").read_text(encoding="utf-8"))
    for setting in record["tuned"].values():
        assert all(setting[p.key] in p.grid for p in tuner.PARAMS)
    assert all(p.start in p.grid for p in tuner.PARAMS)
