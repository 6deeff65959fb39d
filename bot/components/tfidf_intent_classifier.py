"""TfidfIntentClassifier: a fast linear intent classifier on TF-IDF n-grams.

A Rasa 3.6 pipeline component (bot/config.yml). It featurizes the text itself with
scikit-learn: word 1-2-grams (single-letter words such as "i" kept, so "i hit my
partner" and "my partner hit me" differ) and character 2-5-grams within word
boundaries (robust to misspellings and text-speak), both TF-IDF weighted with
sublinear term frequency, and classifies with a linear SVM (class-balanced), whose
scores are turned into probabilities by sigmoid calibration on internal
cross-validation folds, so the intent ranking and the confidence are meaningful
for FallbackClassifier and DangerPriority.

Why not Rasa's own classifiers: on this data it scored higher on the held-out set
and in cross-validation than Rasa's LogisticRegressionClassifier (raw counts) and
than DIET, and it trains in seconds on 2 cores where DIET takes many minutes; see
docs/nlu-evaluation.md. Entities are left to CRFEntityExtractor.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
import skops.io as sio
from scipy import sparse
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC

from components.model_files import UntrustedModelError, load_trusted  # noqa: F401 (re-exported)
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

MODEL_FILE = "tfidf_intent_classifier.skops"
# Types skops does not trust by default but that this component writes itself.
TRUSTED_TYPES = [
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
]

# The pattern RegexMessageHandler reads payloads with (Rasa 3.6).
BUTTON_PAYLOAD = YAMLStoryReader._regex_message_pattern()


class Scorer:
    """The fitted pipeline's `predict_proba`, the same figures computed with a few array
    operations. scikit-learn 1.1 scores one message through joblib (the feature union),
    five calibrated SVMs and a Python call per intent in each (26 x 5 sigmoid calibrators,
    each re-validating its input): 5 ms a message, of which under 1 ms is arithmetic.
    Under load that was a sixth of Rasa's CPU (docs/benchmarks.md)."""

    def __init__(self, pipeline: Pipeline) -> None:
        union = pipeline.named_steps["features"]
        calibrated = pipeline.named_steps["classifier"]
        if union.transformer_weights is not None or calibrated.method != "sigmoid":
            raise ValueError("Scorer reproduces unweighted features and sigmoid calibration only")
        self.vectorizers = [vectorizer for _, vectorizer in union.transformer_list]
        self.classes_ = calibrated.classes_
        self.intents = {str(intent) for intent in self.classes_}
        # Per calibrated SVM: weights, intercepts, the column of each of its classes, and
        # each class's sigmoid (sklearn: proba = expit(-(a * score + b))).
        self.members = []
        for member in calibrated.calibrated_classifiers_:
            svm = member.base_estimator
            columns = np.searchsorted(np.unique(member.classes), svm.classes_)
            slopes = np.array([calibrator.a_ for calibrator in member.calibrators])
            offsets = np.array([calibrator.b_ for calibrator in member.calibrators])
            self.members.append((svm.coef_.T, svm.intercept_, columns, slopes, offsets))

    def features(self, texts: List[Text]) -> sparse.csr_matrix:
        return sparse.hstack([vectorizer.transform(texts) for vectorizer in self.vectorizers]).tocsr()

    def predict_proba(self, texts: List[Text]) -> np.ndarray:
        features = self.features(texts)
        n_classes = len(self.classes_)
        mean = np.zeros((len(texts), n_classes))
        for weights, intercepts, columns, slopes, offsets in self.members:
            scores = np.asarray(features @ weights) + intercepts
            proba = np.zeros((len(texts), n_classes))
            proba[:, columns] = expit(-(slopes * scores + offsets))
            denominator = proba.sum(axis=1, keepdims=True)
            proba = np.divide(proba, denominator, out=np.full_like(proba, 1 / n_classes), where=denominator != 0)
            proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
            mean += proba
        return mean / len(self.members)


def button_intent(text: Text, known_intents: set) -> Optional[Text]:
    """The intent a button's payload ("/affirm", '/inform{"x": 1}') names, if it is one the
    model knows. RegexMessageHandler, last in the pipeline, replaces whatever this
    classifier says for such a message with exactly that intent, so scoring it is wasted."""
    text = text.strip()
    if not text.startswith(INTENT_MESSAGE_PREFIX):
        return None
    match = BUTTON_PAYLOAD.match(text)
    if match is None:
        return None
    name = match.group(INTENT_NAME_KEY).strip()
    return name if name in known_intents else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    """Linear SVM on TF-IDF word and character n-grams, with calibrated probabilities."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            # Inverse regularisation strength of the linear SVM.
            "C": 1.0,
            # Internal folds used to calibrate probabilities.
            "calibration_folds": 5,
            # How many intents to list in the ranking (0: all).
            "ranking_length": 10,
            "random_state": 42,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[Pipeline] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.scorer = Scorer(model) if model is not None else None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TfidfIntentClassifier:
        return cls(config, model_storage, resource)

    def _new_model(self) -> Pipeline:
        word_min, word_max = self.config["word_ngrams"]
        char_min, char_max = self.config["char_ngrams"]
        features = make_union(
            TfidfVectorizer(
                ngram_range=(word_min, word_max), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
            ),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(char_min, char_max), sublinear_tf=True),
        )
        svm = LinearSVC(C=self.config["C"], class_weight="balanced", random_state=self.config["random_state"])
        classifier = CalibratedClassifierCV(svm, cv=self.config["calibration_folds"], method="sigmoid")
        return Pipeline([("features", features), ("classifier", classifier)])

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            logger.warning("TfidfIntentClassifier needs at least two intents; skipping training.")
            return self._resource
        texts = [m.get(TEXT) for m in examples]
        labels = [m.get(INTENT) for m in examples]
        smallest = min(labels.count(label) for label in set(labels))
        if smallest < self.config["calibration_folds"]:
            raise ValueError(
                f"Every intent needs at least {self.config['calibration_folds']} examples to calibrate "
                f"TfidfIntentClassifier; one has {smallest}."
            )
        # (an array, not a list: CalibratedClassifierCV in scikit-learn 1.1 counts classes with `y == c`)
        self.model = self._new_model().fit(texts, np.asarray(labels))
        self.scorer = Scorer(self.model)
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None or self.scorer is None:
            return messages
        scored = []
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            named = button_intent(text, self.scorer.intents)
            if named is None:
                scored.append(message)
            else:
                # A placeholder until RegexMessageHandler sets the payload's own intent.
                chosen = {INTENT_NAME_KEY: named, PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, chosen, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [chosen], add_to_output=True)
        if not scored:
            return messages
        probabilities = self.scorer.predict_proba([m.get(TEXT) for m in scored])
        intents = self.scorer.classes_
        for message, row in zip(scored, probabilities):
            order = np.argsort(-row)
            ranking = [{"name": str(intents[i]), "confidence": float(row[i])} for i in order]
            if self.config["ranking_length"] > 0:
                ranking = ranking[: self.config["ranking_length"]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        if self.model is None:
            return
        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self.model, directory / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfIntentClassifier:
        model: Optional[Pipeline] = None
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                if path.exists():
                    model = load_trusted(path, TRUSTED_TYPES)
        except ValueError:
            logger.warning(f"TfidfIntentClassifier: no trained model in '{resource.name}'.")
        return cls(config, model_storage, resource, model)
