"""SafetySignals: the dedicated detector for danger now, suicidal feelings and self-harm,
injuries and distress, in every offered language.

Last in the NLU pipeline (bot/config.yml). For each message it sets `safety_signals`, a list of
"danger", "crisis", "injury" and "distress" (usually empty), which travels with the message in
the parse data: DangerFirstPolicy answers on it before anything else, and the safety actions
(actions/safety.py) choose their words from it. Three sources, any of which is enough:

1. A multilingual model: logistic regression on the message's multilingual-e5-small sentence
   embedding (components.sentence_embeddings) beside TF-IDF character 2-5-grams (which carry
   across scripts and romanised spellings), trained on the NLU data with each example's intent
   mapped to a signal (immediate_danger: danger, suicidal_feelings: crisis, injury: injury,
   distress: distress, every other intent: none). A signal fires when its probability reaches
   its threshold, chosen by cross-validation on the training data only
   (`bot/eval/evaluate_safety.py --tune`); missing someone in crisis costs far more than one
   extra message, so the thresholds are low.
2. The keyword nets that no retraining can lose: components.danger_signs (English danger now)
   and components.crisis_signs (crisis, injury and distress in every language, danger now in the
   other languages).
3. The intent classifier's own decision, when it is one of those four intents.

It also sets `safety_language` when the nets recognise Urdu or Punjabi typed in Latin letters,
so the guidance can be given in that language (the language identifier cannot see it).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
import skops.io as sio
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from components.crisis_signs import SIGNALS, hyperbole, romanised_language, signs
from components.model_files import load_trusted
from components.danger_signs import danger_signs
from components.sentence_embeddings import DIMENSIONS, embed, is_payload, sentence_embedding, worth_embedding

logger = logging.getLogger(__name__)

SAFETY_SIGNALS = "safety_signals"
SAFETY_LANGUAGE = "safety_language"
SAFETY_SCORES = "safety_scores"
NONE = "none"
SIGNAL_OF_INTENT = {
    "immediate_danger": "danger",
    "suicidal_feelings": "crisis",
    "injury": "injury",
    "distress": "distress",
}
MODEL_FILE = "safety_signals.skops"
TRUSTED_TYPES = ["scipy.sparse._csr.csr_matrix"]


class SignalModel:
    """Embedding and character n-grams side by side, one multinomial logistic regression."""

    def __init__(self, vectorizer: TfidfVectorizer, classifier: LogisticRegression, embedding_weight: float) -> None:
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.embedding_weight = embedding_weight
        self.columns = {str(label): i for i, label in enumerate(classifier.classes_)}

    @classmethod
    def fit(cls, texts: List[Text], embeddings: np.ndarray, labels: List[Text], config: Dict[Text, Any]) -> "SignalModel":
        low, high = config["char_ngrams"]
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(low, high), sublinear_tf=True,
                                     lowercase=True, min_df=2)
        characters = vectorizer.fit_transform(texts)
        features = sparse.hstack([characters, sparse.csr_matrix(embeddings * config["embedding_weight"])]).tocsr()
        classifier = LogisticRegression(C=config["C"], class_weight="balanced", max_iter=3000,
                                        random_state=config["random_state"])
        classifier.fit(features, np.asarray(labels))
        return cls(vectorizer, classifier, config["embedding_weight"])

    def probabilities(self, texts: List[Text], embeddings: np.ndarray) -> List[Dict[Text, float]]:
        features = sparse.hstack([self.vectorizer.transform(texts),
                                  sparse.csr_matrix(embeddings * self.embedding_weight)]).tocsr()
        rows = self.classifier.predict_proba(features)
        return [{label: float(row[i]) for label, i in self.columns.items()} for row in rows]


def signals_from_words(text: Text) -> List[Text]:
    found = set(signs(text))
    danger = danger_signs(text)
    if danger:
        found.add("danger")
    if "self_harm" in danger:  # an overdose taken, a rope, a bridge: the crisis lines too
        found.add("crisis")
    return [s for s in SIGNALS if s in found]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafetySignals(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Per signal, the probability at which the model raises it.
            "thresholds": {"danger": 0.4, "crisis": 0.4, "injury": 0.4, "distress": 0.4},
            # When neither the nets nor the intent show any signal, the model alone needs this much
            # (held-out development suites, 2026-12-05: every model-alone danger below 0.6 was an idiom,
            # a past threat or a question, and the danger in messages of the other kinds came with
            # their own signal).
            "alone_thresholds": {"danger": 0.6},
            # With danger now found, the crisis lines come too from this much crisis probability.
            "crisis_beside_danger": 0.15,

            "char_ngrams": [2, 5],
            "embedding_weight": 2.0,
            "C": 4.0,
            "random_state": 42,
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[SignalModel] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self.thresholds = {**self.get_default_config()["thresholds"], **self.config["thresholds"]}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SafetySignals:
        return cls(config, model_storage, resource)

    @staticmethod
    def _embeddings(messages: List[Message]) -> np.ndarray:
        found = [sentence_embedding(m) for m in messages]
        missing = [i for i, vector in enumerate(found) if vector is None]
        if missing:  # no featurizer before this component: embed here
            for i, vector in zip(missing, embed([messages[i].get(TEXT) for i in missing])):
                found[i] = vector
        return np.vstack(found) if found else np.zeros((0, DIMENSIONS))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and not is_payload(m.get(TEXT))]
        labels = [SIGNAL_OF_INTENT.get(m.get(INTENT), NONE) for m in examples]
        if len(set(labels)) < 2:
            logger.warning("SafetySignals needs examples of at least one signal and of none; skipping training.")
            return self._resource
        self.model = SignalModel.fit([m.get(TEXT) for m in examples], self._embeddings(examples), labels, self.config)
        with self._model_storage.write_to(self._resource) as directory:
            sio.dump({"vectorizer": self.model.vectorizer, "classifier": self.model.classifier,
                      "embedding_weight": self.model.embedding_weight}, directory / MODEL_FILE)
        return self._resource

    def signals(self, message: Message, probabilities: Optional[Dict[Text, float]]) -> List[Text]:
        text = message.get(TEXT)
        found = set(signals_from_words(text))
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent in SIGNAL_OF_INTENT:
            found.add(SIGNAL_OF_INTENT[intent])
        alone = {} if found else self.config["alone_thresholds"]
        if not found and hyperbole(text):  # "dying to know", "died laughing": the model alone is not enough
            alone = {signal: float("inf") for signal in self.thresholds}
        for signal, threshold in self.thresholds.items():
            if (probabilities or {}).get(signal, 0.0) >= alone.get(signal, threshold):
                found.add(signal)
        if "danger" in found and (probabilities or {}).get("crisis", 0.0) >= self.config["crisis_beside_danger"]:
            found.add("crisis")
        return [s for s in SIGNALS if s in found]

    def process(self, messages: List[Message]) -> List[Message]:
        texts = [m for m in messages if not is_payload(m.get(TEXT))]
        # Messages of one or two words: the nets and the intent decide (sentence_embeddings.MIN_WORDS).
        modelled = [m for m in texts if worth_embedding(m.get(TEXT))]
        scored: Dict[int, Dict[Text, float]] = {}
        if self.model is not None and modelled:
            try:
                rows = self.model.probabilities([m.get(TEXT) for m in modelled], self._embeddings(modelled))
                scored = {id(m): row for m, row in zip(modelled, rows)}
            except Exception:  # the nets and the intent still decide: safety never waits on the model
                logger.exception("safety_signals.model_failed")
        for message in texts:
            scores = scored.get(id(message))
            message.set(SAFETY_SIGNALS, self.signals(message, scores), add_to_output=True)
            if scores:  # the model's own figures, for the evaluation (numbers only, never text)
                message.set(SAFETY_SCORES, {k: round(v, 4) for k, v in scores.items()}, add_to_output=True)
            language = romanised_language(message.get(TEXT))
            if language:
                message.set(SAFETY_LANGUAGE, language, add_to_output=True)
        return messages

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> SafetySignals:
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                if path.exists():
                    stored = load_trusted(path, TRUSTED_TYPES)
                    model = SignalModel(stored["vectorizer"], stored["classifier"], stored["embedding_weight"])
        except ValueError:
            logger.warning("SafetySignals: no trained model in '%s'; the keyword nets still run.", resource.name)
        return cls(config, model_storage, resource, model)
