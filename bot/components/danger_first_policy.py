"""DangerFirstPolicy: emergency guidance before anything else, whenever a message
shows danger now.

After every user message, it checks the classifier's intent (immediate_danger)
and, beside the model, the keyword safety net on the text itself
(components.danger_signs), so no retraining can lose it. On any sign it predicts
`action_emergency_guidance` with full confidence, ahead of every other policy:
ahead of rules, and ahead of an active form, whose next step Rasa marks as a "no
user" prediction; this one is marked the same way and has a higher priority.
The guidance action then lets the conversation carry on (see actions/safety.py).
It learns nothing from training data.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from components.danger_signs import danger_sign
from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class DangerFirstPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Above RulePolicy (6), so it also wins against an active form.
            "priority": 7,
            "danger_intent": "immediate_danger",
            "guidance_action": "action_emergency_guidance",
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Optional[Any] = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.danger_intent = config["danger_intent"]
        self.guidance_action = config["guidance_action"]

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        # Nothing to learn: the patterns are code, so no training data can change them.
        return self._resource

    def shows_danger_now(self, tracker: DialogueStateTracker) -> bool:
        """A user message has just arrived (nothing has answered it yet) and it
        shows danger, by its intent or by its words."""
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            return False
        message = tracker.latest_message
        if message is None:
            return False
        return message.intent_name == self.danger_intent or danger_sign(message.text) is not None

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        if not self.shows_danger_now(tracker):
            return self._prediction(self._default_predictions(domain))
        return self._prediction(
            confidence_scores_for(self.guidance_action, 1.0, domain),
            is_no_user_prediction=True,
        )
