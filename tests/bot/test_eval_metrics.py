"""The NLU evaluation's scores (bot/eval/evaluate_nlu.py) on a case worked by hand: they come
from scikit-learn now, and must say what the report's readers think they say."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bot" / "eval"))
import evaluate_nlu  # noqa: E402


def test_precision_recall_and_f1_per_intent_as_worked_by_hand():
    gold = ["danger", "danger", "danger", "da", "da", "greet"]
    predicted = ["danger", "danger", "da", "da", "danger", "nlu_fallback"]
    scores = {s.intent: s for s in evaluate_nlu.intent_scores(gold, predicted, ["danger", "da", "greet", "never"])}
    # danger: 2 of 3 found, 2 of 3 predictions right
    assert scores["danger"].recall == pytest.approx(2 / 3) and scores["danger"].precision == pytest.approx(2 / 3)
    assert scores["da"].recall == pytest.approx(1 / 2) and scores["da"].precision == pytest.approx(1 / 2)
    assert scores["greet"].recall == 0 and scores["greet"].f1 == 0 and scores["greet"].support == 1
    assert scores["never"].support == 0 and scores["never"].f1 == 0
    assert evaluate_nlu.macro_f1(list(scores.values()), ("danger", "da")) == pytest.approx((2 / 3 + 1 / 2) / 2)
