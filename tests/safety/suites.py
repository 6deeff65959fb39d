"""The held-out disclosure-safety suites: one list, read by the evaluation
(bot/eval/evaluate_safety.py), the training-data checks (tests/bot/test_nlu_data.py) and the
stack tests (tests/stack/test_disclosure_safety.py). None of them is ever trained on.

Each suite is a YAML file of `cases`, each with `text`, `language` (en, pl, ur, pa, gu, so, ar,
ur-latn, pa-latn) and `kind` (danger, crisis, injury, distress, none).
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import yaml

HERE = Path(__file__).resolve().parent

# In the order they were written. What each one can still tell is in WHAT_IT_MEASURES.
FILES: Dict[str, Path] = {
    "development": HERE / "heldout_safety.yml",
    "fresh": HERE / "heldout_safety_fresh.yml",
    "blind": HERE / "heldout_safety_blind.yml",
}
WHAT_IT_MEASURES: Dict[str, str] = {
    "development": (
        "Written first, independently of the training data, and measured once before anything changed. "
        "Its misses then guided general changes (thresholds, guards against past threats and questions about "
        "calling, examples of thanks, goodbyes and place names), so its figures are a development and "
        "regression measure, not an estimate."
    ),
    "fresh": (
        "Written second, by someone who had seen neither the training data nor the first suite. Nothing was "
        "tuned on it, but its misses were read (and published here) before the training data was expanded on "
        "2026-12-05; the people who expanded it were not shown them. A second estimate."
    ),
    "blind": (
        "Written third (2026-12-05), by someone who saw neither the training data, nor the other suites, nor "
        "this report, before the training data was expanded; measured first on the model as it was, then once "
        "on the new one. Never used to change anything: the honest estimate."
    ),
}
ESTIMATE = "blind"


def load(name: str) -> List[Dict[str, str]]:
    return yaml.safe_load(FILES[name].read_text(encoding="utf-8"))["cases"]


def load_all() -> Dict[str, List[Dict[str, str]]]:
    return {name: load(name) for name in FILES}
