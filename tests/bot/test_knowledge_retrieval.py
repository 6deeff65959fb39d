"""The knowledge base's held-out questions stay held out, and the retrieval finds topics.

bot/eval/heldout_knowledge.yml is never trained on: no held-out question may appear, even
with different case or punctuation, among the paraphrases in knowledge/topics/.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO)]

from knowledge import load_topics  # noqa: E402
from components.knowledge_retrieval import TopicRetriever  # noqa: E402

HELDOUT = REPO / "bot" / "eval" / "heldout_knowledge.yml"
LANGUAGES = ("en", "pl", "ur", "pa", "gu", "so", "ar")


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


@pytest.fixture(scope="module")
def heldout() -> dict:
    return yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))


def test_no_held_out_question_is_a_training_paraphrase(heldout):
    training = {_normal(p) for t in load_topics() for p in t.paraphrases}
    leaked = [q for topics in heldout.values() for qs in topics.values() for q in qs if _normal(q) in training]
    assert not leaked


def test_no_held_out_question_is_an_nlu_training_example(heldout):
    """The assistant's own training data (bot/data/nlu/, e.g. the ask_knowledge examples) must not
    hold a held-out question either: the figures measure the whole pipeline."""
    training = set()
    for path in (REPO / "bot" / "data" / "nlu").rglob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    training.add(_normal(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:])))
    leaked = [q for topics in heldout.values() for qs in topics.values() for q in qs if _normal(q) in training]
    assert not leaked, leaked


def test_the_leak_check_catches_a_copied_question(heldout):
    question = heldout["en"]["clares-law"][0]
    assert _normal(question.upper() + "?") == _normal(question)


def test_held_out_covers_every_topic_five_times_in_english_and_every_language(heldout):
    slugs = {t.slug for t in load_topics()}
    assert set(heldout) == set(LANGUAGES)
    assert set(heldout["en"]) == slugs
    assert all(len(qs) >= 5 for qs in heldout["en"].values())
    for language in LANGUAGES:
        assert set(heldout[language]) <= slugs and heldout[language], language


@pytest.fixture(scope="module")
def retriever() -> TopicRetriever:
    sys.path[:0] = [str(REPO / "bot")]
    from components.sentence_embeddings import embed

    return TopicRetriever(load_topics(), embed)


@pytest.mark.parametrize(
    "question, slug",
    [
        ("how can i check if my boyfriend has a history of violence", "clares-law"),
        ("i need to get a non molestation order", "non-molestation-orders"),
        ("هل ختان الإناث مسموح في بريطانيا", "fgm-law"),
    ],
)
def test_retrieval_ranks_the_right_topic_first(retriever, question, slug):
    assert retriever.rank(question)[0].slug == slug


def test_an_unclear_question_is_offered_as_choices_not_guessed(retriever):
    ranking = retriever.rank("protection order")
    decision = retriever.decide(ranking)
    assert not decision.confident and len(decision.slugs) == 3
