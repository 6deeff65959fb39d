"""Which knowledge-base topic a question is about: nearest neighbours over the topics' paraphrases.

Two views of similarity, combined: the multilingual sentence embedding (multilingual-e5-small,
the assistant's own featurizer, so "ਕੀ ਸੋਸ਼ਲ ਸਰਵਿਸਿਜ਼ ਮੇਰੇ ਬੱਚੇ ਲੈ ਜਾਣਗੀਆਂ" finds the English
paraphrases of "will social services take my children") and character 2-5-grams (typos,
text-speak, names such as "Clare's Law" or "DAPO" that an embedding blurs). A topic's score is
its best paraphrase's. The choice of weights and thresholds is measured, on questions never
used here, by bot/eval/evaluate_knowledge.py (docs/nlu-evaluation.md).

The caller supplies the embedding function (components.sentence_embeddings.embed in the
assistant), so this module needs only numpy and scikit-learn. The fitted arrays are stored with the
Rasa model (components.knowledge_topics), so answering needs neither the topic files nor
re-embedding their paraphrases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Protocol, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


class HasParaphrases(Protocol):
    slug: str
    paraphrases: Sequence[str]


Embed = Callable[[list[str]], np.ndarray]

# Chosen on the held-out questions (docs/nlu-evaluation.md, "Knowledge base").
EMBEDDING_WEIGHT = 0.9
# Answer straight away only when the best topic is at least this good and this far ahead of
# the next; otherwise offer the likeliest topics as buttons.
CONFIDENT_SCORE = 0.60
CONFIDENT_MARGIN = 0.04
MAX_CHOICES = 3


@dataclass(frozen=True)
class Match:
    slug: str
    score: float


@dataclass(frozen=True)
class Decision:
    """Either one topic to answer, or two or three to offer."""

    matches: tuple[Match, ...]

    @property
    def confident(self) -> bool:
        return len(self.matches) == 1

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(m.slug for m in self.matches)


class TopicRetriever:
    def __init__(
        self,
        topics: Sequence[HasParaphrases],
        embed: Embed,
        embedding_weight: float = EMBEDDING_WEIGHT,
        confident_score: float = CONFIDENT_SCORE,
        confident_margin: float = CONFIDENT_MARGIN,
    ) -> None:
        self.embed = embed
        self.embedding_weight = embedding_weight
        self.confident_score = confident_score
        self.confident_margin = confident_margin
        self.slugs = [t.slug for t in topics]
        texts: list[str] = []
        owners: list[int] = []
        for i, topic in enumerate(topics):
            texts.extend(topic.paraphrases)
            owners.extend([i] * len(topic.paraphrases))
        self.owners = np.asarray(owners)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)
        self.char_matrix = self.chars.fit_transform(texts)
        self.embeddings = np.asarray(embed(texts), dtype=np.float32)

    def state(self) -> Dict[str, Any]:
        """What a trained retriever needs to answer, for storing with the model (skops)."""
        return {
            "slugs": list(self.slugs), "owners": self.owners, "embeddings": self.embeddings,
            "chars": self.chars, "char_matrix": self.char_matrix,
            "embedding_weight": self.embedding_weight, "confident_score": self.confident_score,
            "confident_margin": self.confident_margin,
        }

    @classmethod
    def from_state(cls, state: Dict[str, Any], embed: Embed) -> "TopicRetriever":
        retriever = cls.__new__(cls)
        retriever.embed = embed
        retriever.slugs = list(state["slugs"])
        retriever.owners = np.asarray(state["owners"])
        retriever.embeddings = np.asarray(state["embeddings"], dtype=np.float32)
        retriever.chars = state["chars"]
        retriever.char_matrix = state["char_matrix"]
        retriever.embedding_weight = float(state["embedding_weight"])
        retriever.confident_score = float(state["confident_score"])
        retriever.confident_margin = float(state["confident_margin"])
        return retriever

    def _per_topic(self, similarities: np.ndarray) -> np.ndarray:
        best = np.full(len(self.slugs), -1.0, dtype=np.float32)
        np.maximum.at(best, self.owners, similarities.astype(np.float32))
        return best

    def scores(self, text: str, embedding: np.ndarray | None = None) -> np.ndarray:
        """Each topic's score for `text`, in topic order (embedding: the message's own, if known)."""
        vector = np.asarray(embedding if embedding is not None else self.embed([text])[0], dtype=np.float32)
        by_meaning = self._per_topic(self.embeddings @ vector.reshape(-1))
        by_letters = self._per_topic((self.char_matrix @ self.chars.transform([text]).T).toarray().ravel())
        return self.embedding_weight * by_meaning + (1 - self.embedding_weight) * by_letters

    def rank(self, text: str, embedding: np.ndarray | None = None) -> list[Match]:
        scores = self.scores(text, embedding)
        order = np.argsort(-scores, kind="stable")
        return [Match(self.slugs[i], float(scores[i])) for i in order]

    def decide(self, ranking: Sequence[Match]) -> Decision:
        """Answer the best topic when it is clear; else offer the two or three likeliest."""
        top, second = ranking[0], ranking[1]
        if top.score >= self.confident_score and top.score - second.score >= self.confident_margin:
            return Decision((top,))
        return Decision(tuple(ranking[:MAX_CHOICES]))
