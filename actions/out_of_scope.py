"""Not something Signpost helps with: a polite pointer to the council's own site
(the partner page's `council_url`, or SIGNPOST_COUNCIL_URL)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.channel_context import channel_context
from actions.i18n import locale_of, t
from actions.settings import SETTINGS


class ActionOutOfScope(Action):
    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        url = channel_context(tracker).council_url or SETTINGS.council_url
        dispatcher.utter_message(text=t("chat.out_of_scope", locale_of(tracker), url=url))
        return []
