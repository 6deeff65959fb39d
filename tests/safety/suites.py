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
    "fourth": HERE / "heldout_safety_fourth.yml",
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
        "this report, before the training data was expanded; measured first on the model as it was, then on the "
        "new one. Its misses were then read, and general changes to the keyword nets followed (Polish \"od\" no "
        "longer read as an overdose, British \"dead\" as \"very\", dying of boredom or laughter in every "
        "language, a threat told with \"back in march\" or \"i'm safe now\" as the past, a gun licence as no "
        "weapon in the room), so it is now a development measure."
    ),
    "fourth": (
        "Written fourth (2026-12-05), by someone who saw neither the training data, nor the other suites, nor "
        "this report, and measured first on the model and nets of 25a69a0 before the changes above. Its misses "
        "were printed by that measurement; one change since was prompted by three of them (an injury told with "
        "\"just now\", \"a minute ago\" or \"still here\" is danger now as well, in every language), the "
        "others were made from the other suites and the training data. The estimate."
    ),
}
ESTIMATE = "fourth"


def load(name: str) -> List[Dict[str, str]]:
    return yaml.safe_load(FILES[name].read_text(encoding="utf-8"))["cases"]


def load_all() -> Dict[str, List[Dict[str, str]]]:
    return {name: load(name) for name in FILES}
