"""Danger now: the emergency guidance first, then the conversation carries on.

DangerFirstPolicy (bot/components/) predicts `action_emergency_guidance` straight
after any message that shows danger, before any other action, even inside the
triage form. This action gives the guidance, then:
- inside the triage form: keeps any new abuse category, and the form asks its
  question again;
- otherwise, if the message also asked for something (a disclosure, a question,
  help with their own behaviour), hands that back to the dialogue as if it had
  just been said, so a disclosure still gets its triage;
- otherwise, offers to help find support when it's safer.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SlotSet, UserUttered
from rasa_sdk.executor import CollectingDispatcher

from actions.categories import (
    DANGER_INTENT,
    DISCLOSURE_PREFIX,
    categories_disclosed,
    ordered_unique,
)

logger = logging.getLogger(__name__)

# What else a message can ask for that is worth carrying on with after the
# guidance; anything else (a greeting, thanks, a yes) gets the offer to help instead.
CARRY_ON_PREFIXES = (DISCLOSURE_PREFIX, "ask_")
CARRY_ON_INTENTS = {"seek_help_own_behaviour", "something_else"}


def _worth_carrying_on(intent: Any) -> bool:
    return isinstance(intent, str) and (
        intent in CARRY_ON_INTENTS or intent.startswith(CARRY_ON_PREFIXES)
    )


def carry_on_parse_data(parse_data: dict) -> Optional[dict]:
    """What the message asked for besides help in danger, as a parse result, or None."""
    intent = (parse_data.get("intent") or {}).get("name")
    ranking = [r for r in parse_data.get("intent_ranking") or [] if r.get("name") != DANGER_INTENT]
    if _worth_carrying_on(intent):
        carried = parse_data.get("intent")
    else:
        categories = categories_disclosed(parse_data)
        if not categories:
            return None
        # Each kind of abuse found is handed back as certain, so the triage keeps
        # every one of them.
        disclosed = [{"name": DISCLOSURE_PREFIX + c, "confidence": 1.0} for c in categories]
        names = {d["name"] for d in disclosed}
        ranking = disclosed + [r for r in ranking if r.get("name") not in names]
        carried = disclosed[0]
    return {
        "intent": carried,
        "entities": parse_data.get("entities") or [],
        "intent_ranking": ranking,
    }


class ActionEmergencyGuidance(Action):
    def name(self) -> Text:
        return "action_emergency_guidance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_emergency_guidance")
        parse_data = tracker.latest_message or {}
        logger.info("emergency_guidance.given")

        if tracker.active_loop_name:
            known = tracker.get_slot("categories") or []
            categories = ordered_unique(known + categories_disclosed(parse_data))
            return [SlotSet("categories", categories)] if categories != known else []

        carried = carry_on_parse_data(parse_data)
        if carried is None:
            dispatcher.utter_message(response="utter_when_safe")
            return []
        # The rest of the message, handed back to the dialogue. No text: the words
        # are already in the conversation once, and the danger was answered.
        return [ActionExecuted("action_listen"), UserUttered(text=None, parse_data=carried)]
