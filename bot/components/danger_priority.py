"""DangerPriority: a cost-sensitive decision rule for the `immediate_danger` intent.

Part of the NLU pipeline (bot/config.yml), placed after the intent classifier and
after any FallbackClassifier. Missing a message from someone in danger now costs far
more than a false alarm (the dialogue shows emergency guidance and then carries on),
so the most probable intent is not always the right decision: whenever the
classifier gives `immediate_danger` at least `threshold` probability, the message is
classified as `immediate_danger`, even if another intent (or `nlu_fallback`) ranks
higher; and a FallbackClassifier placed before it can never turn a message whose
most probable intent is `immediate_danger` into `nlu_fallback`. The ranking itself
is kept, with `immediate_danger` moved to the top.

The threshold is chosen by cross-validation on the training data only
(`bot/eval/evaluate_nlu.py --tune-danger-threshold`), never on the held-out set; the
effect on held-out precision and recall is reported in docs/nlu-evaluation.md.
It learns nothing and needs no training data.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK_INTENT
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DangerPriority(GraphComponent, IntentClassifier):
    """Prefers `intent` whenever its probability reaches `threshold`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent": "immediate_danger", "threshold": 0.2}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.intent: Text = config["intent"]
        self.threshold: float = float(config["threshold"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DangerPriority:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._prefer_danger(message)
        return messages

    def _prefer_danger(self, message: Message) -> None:
        current = message.get(INTENT) or {}
        if current.get(INTENT_NAME_KEY) == self.intent:
            return
        ranking: List[Dict[Text, Any]] = list(message.get(INTENT_RANKING_KEY) or [])
        danger: Optional[Dict[Text, Any]] = next(
            (entry for entry in ranking if entry.get(INTENT_NAME_KEY) == self.intent), None
        )
        if danger is None:
            return
        best_real = next((entry for entry in ranking if entry.get(INTENT_NAME_KEY) != FALLBACK_INTENT), None)
        probable = float(danger.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self.threshold
        # A FallbackClassifier never swallows a message whose best intent is danger.
        if not probable and best_real is not danger:
            return
        ranking.remove(danger)
        ranking.insert(0, danger)
        message.set(INTENT, dict(danger), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
