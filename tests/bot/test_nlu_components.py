"""The NLU pipeline's own components (bot/components): TfidfIntentClassifier and
DangerPriority. Run with the bot environment:

    .venv-bot/bin/python -m pytest tests/bot/test_nlu_components.py
"""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import skops.io
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.danger_priority import DangerPriority
from components.tfidf_intent_classifier import Scorer, TfidfIntentClassifier
from tests.bot.conftest import REPO_ROOT

CONTEXT = ExecutionContext(GraphSchema({}), "test")

TRAINING: dict[str, list[str]] = {
    "immediate_danger": [
        "he's outside the door right now",
        "he has a knife and he's here",
        "i've taken pills",
        "he's hitting me right now",
        "help he is breaking in",
        "i'm locked in and he's coming back",
    ],
    "disclose_stalking": [
        "my ex keeps following me",
        "he keeps messaging me from new numbers",
        "someone keeps turning up at my work",
        "he made fake accounts to watch me",
        "i found a tracker on my car",
        "my ex keeps driving past my house",
    ],
    "out_of_scope": [
        "when is my bin collection",
        "how do i pay council tax",
        "there's a pothole on my road",
        "what time does the library open",
        "i need a parking permit",
        "tell me a joke",
    ],
}


def message(intent: str, ranking: list[tuple[str, float]]) -> Message:
    return Message(
        data={
            "text": "some text",
            "intent": {"name": intent, "confidence": dict(ranking).get(intent, ranking[0][1])},
            "intent_ranking": [{"name": name, "confidence": conf} for name, conf in ranking],
        }
    )


def danger_rule(threshold: float = 0.25) -> DangerPriority:
    return DangerPriority.create(
        {**DangerPriority.get_default_config(), "threshold": threshold},
        LocalModelStorage(Path("/nonexistent")),
        Resource("danger_priority"),
        CONTEXT,
    )


def test_danger_wins_when_probable_enough() -> None:
    msg = message("disclose_domestic_abuse", [("disclose_domestic_abuse", 0.5), ("immediate_danger", 0.3)])
    danger_rule().process([msg])
    assert msg.get("intent") == {"name": "immediate_danger", "confidence": 0.3}
    assert [r["name"] for r in msg.get("intent_ranking")] == ["immediate_danger", "disclose_domestic_abuse"]


def test_unlikely_danger_does_not_win() -> None:
    msg = message("disclose_domestic_abuse", [("disclose_domestic_abuse", 0.8), ("immediate_danger", 0.1)])
    danger_rule().process([msg])
    assert msg.get("intent")["name"] == "disclose_domestic_abuse"


def test_fallback_never_swallows_a_top_danger_prediction() -> None:
    msg = message(
        "nlu_fallback",
        [("nlu_fallback", 0.25), ("immediate_danger", 0.22), ("disclose_stalking", 0.2), ("out_of_scope", 0.1)],
    )
    danger_rule().process([msg])
    assert msg.get("intent")["name"] == "immediate_danger"


def test_fallback_stays_when_danger_is_neither_top_nor_probable() -> None:
    msg = message("nlu_fallback", [("nlu_fallback", 0.25), ("disclose_stalking", 0.22), ("immediate_danger", 0.2)])
    danger_rule().process([msg])
    assert msg.get("intent")["name"] == "nlu_fallback"


def test_danger_already_chosen_is_left_alone() -> None:
    msg = message("immediate_danger", [("immediate_danger", 0.9), ("out_of_scope", 0.1)])
    ranking_before = msg.get("intent_ranking")
    danger_rule().process([msg])
    assert msg.get("intent")["name"] == "immediate_danger"
    assert msg.get("intent_ranking") == ranking_before


def training_data(examples: dict[str, list[str]]) -> TrainingData:
    return TrainingData(
        [Message(data={"text": text, "intent": intent}) for intent, texts in examples.items() for text in texts]
    )


def classifier(tmp_path: Path, config: dict[str, Any] | None = None) -> tuple[TfidfIntentClassifier, LocalModelStorage]:
    storage = LocalModelStorage(tmp_path)
    component = TfidfIntentClassifier.create(
        {**TfidfIntentClassifier.get_default_config(), "calibration_folds": 3, **(config or {})},
        storage,
        Resource("tfidf"),
        CONTEXT,
    )
    return component, storage


def test_classifier_ranks_intents_with_probabilities(tmp_path: Path) -> None:
    component, _ = classifier(tmp_path)
    component.train(training_data(TRAINING))
    msg = Message(data={"text": "he keeps following me and messaging from new numbers"})
    component.process([msg])
    ranking = msg.get("intent_ranking")
    assert msg.get("intent")["name"] == "disclose_stalking"
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert {r["name"] for r in ranking} == set(TRAINING)


def test_classifier_survives_persist_and_load(tmp_path: Path) -> None:
    component, storage = classifier(tmp_path)
    component.train(training_data(TRAINING))
    loaded = TfidfIntentClassifier.load(component.config, storage, Resource("tfidf"), CONTEXT)
    texts = ["when is bin day", "he's outside with a knife", "my ex follows me"]
    before = [Message(data={"text": t}) for t in texts]
    after = [Message(data={"text": t}) for t in texts]
    component.process(before)
    loaded.process(after)
    assert [m.get("intent_ranking") for m in before] == [m.get("intent_ranking") for m in after]


def test_classifier_without_a_model_leaves_messages_alone(tmp_path: Path) -> None:
    component, storage = classifier(tmp_path)
    loaded = TfidfIntentClassifier.load(component.config, storage, Resource("never-trained"), CONTEXT)
    msg = Message(data={"text": "hello"})
    loaded.process([msg])
    assert msg.get("intent") is None


def test_classifier_refuses_intents_too_small_to_calibrate(tmp_path: Path) -> None:
    component, _ = classifier(tmp_path, {"calibration_folds": 5})
    small = {intent: texts[:3] for intent, texts in TRAINING.items()}
    with pytest.raises(ValueError, match="at least 5 examples"):
        component.train(training_data(small))


SCORED_TEXTS = [
    "he keeps following me and messaging from new numbers",
    "he's outside with a knife",
    "when is bin day",
    "zzzz qqqq",  # nothing the vectorizers know
    "i",
    "MY EX FOLLOWS ME!!! 😢",
]


def test_the_scorer_gives_the_pipelines_own_probabilities(tmp_path: Path) -> None:
    component, _ = classifier(tmp_path)
    component.train(training_data(TRAINING))
    expected = component.model.predict_proba(SCORED_TEXTS)
    assert list(component.scorer.classes_) == list(component.model.classes_)
    np.testing.assert_allclose(component.scorer.predict_proba(SCORED_TEXTS), expected, rtol=0, atol=1e-12)


def test_the_shipped_models_scorer_agrees_with_scikit_learn_on_the_held_out_set(tmp_path: Path) -> None:
    model = REPO_ROOT / "bot" / "models" / "signpost.tar.gz"
    if not model.exists():
        pytest.skip("no trained model (scripts/test-bot.sh trains one first)")
    with tarfile.open(model) as archive:
        archive.extractall(tmp_path)
    (stored,) = tmp_path.glob("**/tfidf_intent_classifier.skops")
    pipeline = skops.io.load(stored, trusted=True)
    held_out = yaml.safe_load((REPO_ROOT / "bot" / "eval" / "heldout_nlu.yml").read_text(encoding="utf-8"))
    texts = [
        line[2:].strip()
        for block in held_out["nlu"]
        for line in block["examples"].splitlines()
        if line.startswith("- ")
    ]
    assert len(texts) > 200
    np.testing.assert_allclose(
        Scorer(pipeline).predict_proba(texts), pipeline.predict_proba(texts), rtol=0, atol=1e-12
    )


def test_a_button_payload_for_a_known_intent_is_not_scored(tmp_path: Path) -> None:
    component, _ = classifier(tmp_path)
    component.train(training_data(TRAINING))
    payloads = [Message(data={"text": t}) for t in ("/disclose_stalking", ' /out_of_scope{"x": 1}', "/immediate_danger@0.4")]
    component.process(payloads)
    assert [m.get("intent") for m in payloads] == [
        {"name": "disclose_stalking", "confidence": 1.0},
        {"name": "out_of_scope", "confidence": 1.0},
        {"name": "immediate_danger", "confidence": 1.0},
    ]


@pytest.mark.parametrize("text", ["/not_an_intent", "/", "he keeps following me / messaging", "/{}"])
def test_anything_else_starting_with_a_slash_is_scored_as_words(tmp_path: Path, text: str) -> None:
    component, _ = classifier(tmp_path)
    component.train(training_data(TRAINING))
    msg = Message(data={"text": text})
    component.process([msg])
    assert len(msg.get("intent_ranking")) == len(TRAINING)
    assert msg.get("intent")["confidence"] < 1.0


def test_the_pipeline_turns_each_payload_into_the_intent_it_names() -> None:
    """What makes skipping safe: RegexMessageHandler, last in the pipeline, sets every
    payload's intent itself, whatever the classifier said."""
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler

    handler = RegexMessageHandler.create({}, LocalModelStorage(Path("/nonexistent")), Resource("regex"), CONTEXT)
    scored_wrongly = Message(data={"text": "/disclose_stalking", "intent": {"name": "out_of_scope", "confidence": 0.9}})
    (handled,) = handler.process([scored_wrongly])
    assert handled.get("intent") == {"name": "disclose_stalking", "confidence": 1.0}


def _safety_signals(tmp_path: Path) -> Any:
    from components.safety_signals import SafetySignals

    storage = LocalModelStorage(tmp_path)
    return SafetySignals.create({}, storage, Resource("safety"), CONTEXT)


def _said(text: str, intent: str = "out_of_scope") -> Message:
    return Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9}})


def test_the_model_alone_needs_more_to_raise_danger_now(tmp_path: Path) -> None:
    """An idiom or a past threat the model half-reads as danger (0.4 to 0.6) with no word from
    the nets or the intent raises no alarm; the same probability beside any other sign does."""
    detector = _safety_signals(tmp_path)
    unsure = {"danger": 0.55, "crisis": 0.05, "injury": 0.05, "distress": 0.05, "none": 0.3}
    assert detector.signals(_said("this queue is doing my head in"), unsure) == []
    assert detector.signals(_said("this queue is doing my head in"), {**unsure, "danger": 0.65}) == ["danger"]
    # beside the intent's own safety signal, the usual threshold stands
    assert "danger" in detector.signals(_said("he is doing my head in", "injury"), unsure)
    # and the other signals keep theirs
    assert detector.signals(_said("this queue is doing my head in"),
                            {**unsure, "danger": 0.1, "crisis": 0.45}) == ["crisis"]


@pytest.mark.parametrize("text", ["i'm dying to know if they take cats", "hass hass ke mar gaye assi",
                                  "متت من الضحك على المقطع"])
def test_dying_of_something_harmless_needs_more_than_the_model(tmp_path: Path, text: str) -> None:
    """Dying to know, or of laughter: however sure the model alone is, no alarm; with the nets
    or the intent showing a signal, the usual thresholds stand."""
    detector = _safety_signals(tmp_path)
    sure = {"danger": 0.9, "crisis": 0.9, "injury": 0.05, "distress": 0.05, "none": 0.05}
    assert detector.signals(_said(text), sure) == []
    assert detector.signals(_said(text, "suicidal_feelings"), sure) == ["danger", "crisis"]
