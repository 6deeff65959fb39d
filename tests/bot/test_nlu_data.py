"""Checks on the triage NLU training data and the held-out evaluation set.

Run with the bot environment: .venv-bot/bin/python -m pytest tests/bot/test_nlu_data.py

* the nine triage intents carry exactly the required names, one topic file each;
* every disclosure intent (and immediate_danger) has at least 200 training examples;
* no held-out example appears in the training data (case-, whitespace- and
  punctuation-insensitive), so the evaluation in docs/nlu-evaluation.md stays honest;
* the held-out set covers each triage intent with at least 40 examples and each
  dialogue intent it evaluates with at least 10;
* `subject` annotations and synonyms only use the agreed values.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.safety import suites

REPO = Path(__file__).resolve().parents[2]
NLU_DIR = REPO / "bot" / "data" / "nlu"
HELDOUT = REPO / "bot" / "eval" / "heldout_nlu.yml"

TOPIC_FILES: dict[str, str] = {
    "domestic_abuse.yml": "disclose_domestic_abuse",
    "sexual_violence.yml": "disclose_sexual_violence",
    "stalking.yml": "disclose_stalking",
    "fgm.yml": "disclose_fgm",
    "honour_based_abuse.yml": "disclose_honour_based_abuse",
    "forced_marriage.yml": "disclose_forced_marriage",
    "immediate_danger.yml": "immediate_danger",
    "own_behaviour.yml": "seek_help_own_behaviour",
    "out_of_scope.yml": "out_of_scope",
}
# The crisis route's intents; their held-out set is the disclosure-safety suite.
SAFETY_TOPIC_FILES = {"suicidal_feelings.yml": "suicidal_feelings", "injury.yml": "injury", "distress.yml": "distress"}
REQUIRED_INTENTS = frozenset(TOPIC_FILES.values())
DISCLOSURE_INTENTS = sorted(i for i in REQUIRED_INTENTS if i.startswith("disclose_"))
MIN_DISCLOSURE_EXAMPLES = 200
MIN_OTHER_EXAMPLES = {"immediate_danger": 200, "seek_help_own_behaviour": 150, "out_of_scope": 150,
                      "suicidal_feelings": 100, "injury": 60, "distress": 40}
MIN_HELDOUT_TRIAGE = 40
MIN_HELDOUT_DIALOGUE = 10
SUBJECT_VALUES = frozenset(
    {"friend", "child", "family_member", "pupil", "client", "colleague", "neighbour"}
)
# Names that look like a triage intent; any of them must be spelled exactly as required.
TRIAGE_LOOKALIKE = re.compile(
    r"^(disclose|seek_help|immediate|danger|out_of|outofscope|own_behav)", re.I
)

ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<paren>[^)]*)\)|\{(?P<brace>[^}]*)\})")


def strip_annotations(example: str) -> str:
    return ANNOTATION.sub(lambda m: m.group("text"), example)


def normalise(example: str) -> str:
    """Lower case, single spaces, annotations removed."""
    return " ".join(strip_annotations(example).lower().split())


def normalise_loose(example: str) -> str:
    """As normalise(), and punctuation removed (catches near-copies like a dropped full stop)."""
    text = normalise(example).translate(str.maketrans("", "", string.punctuation + "’‘“”"))
    return " ".join(text.split())


def read_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, raw example) pairs from a Rasa 3 NLU YAML file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for block in document.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((str(block["intent"]), line[2:].strip()))
    return pairs


def subject_annotations(example: str) -> list[str]:
    values = []
    for match in ANNOTATION.finditer(example):
        if match.group("brace") is not None:
            attrs = yaml.safe_load("{" + match.group("brace") + "}")
            if attrs.get("entity") == "subject":
                values.append(str(attrs.get("value", match.group("text"))))
        elif (match.group("paren") or "").split(":")[0] == "subject":
            values.append(match.group("text"))
    return values


@pytest.fixture(scope="module")
def training() -> list[tuple[str, str, str]]:
    """(file name, intent, example) for every training example."""
    rows = []
    for path in sorted(NLU_DIR.rglob("*.yml")):  # languages/<code>.yml too
        rows += [(str(path.relative_to(NLU_DIR)), intent, example) for intent, example in read_examples(path)]
    return rows


@pytest.fixture(scope="module")
def heldout() -> list[tuple[str, str]]:
    return read_examples(HELDOUT)


def test_topic_files_exist_and_hold_exactly_their_intent() -> None:
    for file_name, intent in {**TOPIC_FILES, **SAFETY_TOPIC_FILES}.items():
        path = NLU_DIR / file_name
        assert path.exists(), f"missing {path.relative_to(REPO)}"
        intents = {i for i, _ in read_examples(path)}
        assert intents == {intent}, (
            f"{file_name} should define only {intent}, found {sorted(intents)}"
        )
        assert yaml.safe_load(path.read_text(encoding="utf-8")).get("version") == "3.1"


def test_triage_intent_names_are_exactly_the_required_ones(
    training: list[tuple[str, str, str]],
) -> None:
    intents = {intent for _, intent, _ in training}
    assert REQUIRED_INTENTS <= intents, f"missing: {sorted(REQUIRED_INTENTS - intents)}"
    deviating = sorted(i for i in intents - REQUIRED_INTENTS if TRIAGE_LOOKALIKE.match(i))
    assert not deviating, f"intent names deviate from the required ones: {deviating}"


def test_heldout_intent_names_are_known(
    training: list[tuple[str, str, str]], heldout: list[tuple[str, str]]
) -> None:
    trained = {intent for _, intent, _ in training}
    unknown = sorted({intent for intent, _ in heldout} - trained)
    assert not unknown, f"held-out intents with no training data: {unknown}"


@pytest.mark.parametrize("intent", DISCLOSURE_INTENTS)
def test_each_disclosure_intent_has_enough_examples(
    intent: str, training: list[tuple[str, str, str]]
) -> None:
    count = sum(1 for _, i, _ in training if i == intent)
    assert count >= MIN_DISCLOSURE_EXAMPLES, (
        f"{intent} has {count} examples, needs {MIN_DISCLOSURE_EXAMPLES}"
    )


@pytest.mark.parametrize("intent", sorted(MIN_OTHER_EXAMPLES))
def test_other_triage_intents_have_enough_examples(
    intent: str, training: list[tuple[str, str, str]]
) -> None:
    count = sum(1 for _, i, _ in training if i == intent)
    assert count >= MIN_OTHER_EXAMPLES[intent], f"{intent} has {count} examples"


def test_no_heldout_example_in_training_data(
    training: list[tuple[str, str, str]], heldout: list[tuple[str, str]]
) -> None:
    trained = {normalise(example) for _, _, example in training}
    trained_loose = {normalise_loose(example) for _, _, example in training}
    leaked = sorted(
        example
        for _, example in heldout
        if normalise(example) in trained or normalise_loose(example) in trained_loose
    )
    assert not leaked, f"held-out examples found in the training data: {leaked}"


def test_no_safety_suite_message_in_training_data(training: list[tuple[str, str, str]]) -> None:
    """The disclosure-safety suite is held out too (bot/eval/evaluate_safety.py)."""
    cases = [c for name in suites.FILES for c in suites.load(name)]
    assert len(cases) >= 500
    trained_loose = {normalise_loose(example) for _, _, example in training}
    # One- and two-word messages ("yes", "stop", "Leicester") cannot be told apart from the
    # training data's; every longer message must be new to the model.
    leaked = sorted(c["text"] for c in cases
                    if len(c["text"].split()) > 2 and normalise_loose(c["text"]) in trained_loose)
    assert not leaked, f"safety-suite messages found in the training data: {leaked}"


def test_every_language_file_says_whether_it_is_reviewed() -> None:
    files = sorted((NLU_DIR / "languages").glob("*.yml"))
    assert {f.stem for f in files} >= {"pl", "ur", "pa", "gu", "so", "ar", "ur_latn", "pa_latn"}
    for path in files:
        assert re.search(r"^# reviewed: (true|false)$", path.read_text(encoding="utf-8"), re.M), path.name


def test_no_example_is_labelled_with_two_intents(training: list[tuple[str, str, str]]) -> None:
    labels: dict[str, set[str]] = {}
    for _, intent, example in training:
        labels.setdefault(normalise(example), set()).add(intent)
    conflicts = sorted(
        f"{text!r}: {sorted(intents)}" for text, intents in labels.items() if len(intents) > 1
    )
    assert not conflicts, "examples with conflicting intents:\n" + "\n".join(conflicts)


def test_no_duplicate_examples_in_training_data(training: list[tuple[str, str, str]]) -> None:
    counts = Counter(
        normalise(example) for file_name, _, example in training if file_name in TOPIC_FILES
    )
    duplicates = sorted(text for text, n in counts.items() if n > 1)
    assert not duplicates, f"duplicate training examples: {duplicates}"


def test_heldout_has_no_duplicates(heldout: list[tuple[str, str]]) -> None:
    counts = Counter(normalise(example) for _, example in heldout)
    assert not [t for t, n in counts.items() if n > 1]


def test_heldout_covers_every_triage_intent(heldout: list[tuple[str, str]]) -> None:
    counts = Counter(intent for intent, _ in heldout)
    short = {i: counts.get(i, 0) for i in REQUIRED_INTENTS if counts.get(i, 0) < MIN_HELDOUT_TRIAGE}
    assert not short, f"held-out triage intents below {MIN_HELDOUT_TRIAGE}: {short}"


def test_heldout_dialogue_intents_have_enough_examples(heldout: list[tuple[str, str]]) -> None:
    counts = Counter(intent for intent, _ in heldout if intent not in REQUIRED_INTENTS)
    short = {i: n for i, n in counts.items() if n < MIN_HELDOUT_DIALOGUE}
    assert not short, f"held-out dialogue intents below {MIN_HELDOUT_DIALOGUE}: {short}"


def test_subject_annotations_use_agreed_values(
    training: list[tuple[str, str, str]], heldout: list[tuple[str, str]]
) -> None:
    examples = [example for _, _, example in training] + [example for _, example in heldout]
    bad = sorted(
        {v for example in examples for v in subject_annotations(example) if v not in SUBJECT_VALUES}
    )
    assert not bad, f"subject values outside {sorted(SUBJECT_VALUES)}: {bad}"


def test_subject_synonyms_use_agreed_values() -> None:
    document = yaml.safe_load((NLU_DIR / "subject.yml").read_text(encoding="utf-8"))
    blocks = [b for b in document["nlu"] if "synonym" in b]
    assert {b["synonym"] for b in blocks} <= SUBJECT_VALUES
    seen: dict[str, str] = {}
    for block in blocks:
        for line in block["examples"].splitlines():
            if line.strip().startswith("- "):
                text = line.strip()[2:].strip().lower()
                assert seen.setdefault(text, block["synonym"]) == block["synonym"], (
                    f"{text!r} maps to two values"
                )


def test_rasa_reads_the_training_and_heldout_files() -> None:
    rasa_loading = pytest.importorskip("rasa.shared.nlu.training_data.loading")
    data = rasa_loading.load_data(str(NLU_DIR))
    assert REQUIRED_INTENTS <= set(data.intents)
    assert data.entity_synonyms, "subject synonyms were not loaded"
    assert {e["entity"] for m in data.entity_examples for e in m.get("entities", [])} >= {"subject"}
    held = rasa_loading.load_data(str(HELDOUT))
    assert len(held.intent_examples) == len(read_examples(HELDOUT))


LANGUAGE_HELDOUT = REPO / "bot" / "eval" / "heldout_languages"


def test_each_language_has_a_held_out_triage_set_saying_whether_it_is_reviewed() -> None:
    files = sorted(LANGUAGE_HELDOUT.glob("*.yml"))
    assert {f.stem for f in files} == {"pl", "ur", "pa", "gu", "so", "ar", "ur_latn", "pa_latn"}
    for path in files:
        assert re.search(r"^# reviewed: (true|false)$", path.read_text(encoding="utf-8"), re.M), path.name
        assert len(read_examples(path)) >= 80, path.name


def test_no_language_held_out_message_in_training_data(training: list[tuple[str, str, str]]) -> None:
    trained_loose = {normalise_loose(example) for _, _, example in training}
    cases = [example for path in LANGUAGE_HELDOUT.glob("*.yml") for _, example in read_examples(path)]
    # As for the safety suites: short answers ("tak", "nahi") cannot be told apart.
    leaked = sorted(c for c in cases if len(c.split()) > 2 and normalise_loose(c) in trained_loose)
    assert not leaked, f"language held-out messages found in the training data: {leaked}"
