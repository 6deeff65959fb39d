"""DangerFirstPolicy: the safety route before anything else, whenever a message shows danger
now, suicidal feelings or self-harm, an injury, or distress.

After every user message it reads the message's `safety_signals` (components.safety_signals:
the multilingual detector and the keyword nets), the classifier's intent (immediate_danger)
and, beside both, the English danger net on the text itself (components.danger_signs), so no
retraining can lose it. Danger now gets `action_emergency_guidance`; crisis, injury or distress
without danger now get `action_crisis_support`. Either is predicted with full confidence, ahead
of every other policy: ahead of rules, and ahead of an active form, whose next step Rasa marks
as a "no user" prediction; this one is marked the same way and has a higher priority. Both
actions then let the conversation carry on (actions/safety.py): distress never ends it.
It learns nothing from training data.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from components.safety_signals import SAFETY_SIGNALS, signals_from_words
from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


CRISIS_SIGNALS = {"crisis", "injury", "distress"}


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
            "crisis_action": "action_crisis_support",
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
        self.crisis_action = config["crisis_action"]

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        # Nothing to learn: the patterns are code, so no training data can change them.
        return self._resource

    def safety_action(self, tracker: DialogueStateTracker) -> Optional[Text]:
        """The safety action a user message that has just arrived (nothing has answered it yet)
        calls for, or None."""
        if tracker.latest_action_name != ACTION_LISTEN_NAME:
            return None
        message = tracker.latest_message
        if message is None:
            return None
        signals = set((message.parse_data or {}).get(SAFETY_SIGNALS) or [])
        signals.update(signals_from_words(message.text))  # the nets again: no model failure can lose them
        if "danger" in signals or message.intent_name == self.danger_intent:
            return self.guidance_action
        if signals & CRISIS_SIGNALS:
            return self.crisis_action
        return None

    def shows_danger_now(self, tracker: DialogueStateTracker) -> bool:
        return self.safety_action(tracker) == self.guidance_action

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        action = self.safety_action(tracker)
        if action is None:
            return self._prediction(self._default_predictions(domain))
        return self._prediction(confidence_scores_for(action, 1.0, domain), is_no_user_prediction=True)
