"""A new session: nothing carried over, and the partner page's area and language kept."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.channel_context import channel_context
from actions.i18n import DEFAULT_LOCALE


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        context = channel_context(tracker, at_session_start=True)
        events: List[EventType] = [
            SessionStarted(),
            SlotSet("language", context.language or DEFAULT_LOCALE),
        ]
        if context.area:
            events.append(SlotSet("area", context.area))
        events.append(ActionExecuted("action_listen"))
        return events
