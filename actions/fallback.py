"""When the assistant doesn't understand: never a dead end.

During the triage, the question is asked again (every question can be skipped).
Otherwise: the categories as buttons, and national helplines to call now.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import national_helplines
from actions.formatting import helpline_line
from actions.i18n import locale_of, t
from actions.responses import CATEGORY_BUTTONS, DANGER_NOW, OWN_BEHAVIOUR, render_buttons
from actions.triage_form import FORM_NAME, ask_question


class ActionDefaultFallback(Action):
    def name(self) -> Text:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        locale = locale_of(tracker)
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop_name == FORM_NAME and requested:
            dispatcher.utter_message(response="utter_fallback_in_form")
            ask_question(requested, tracker, dispatcher)
        else:
            dispatcher.utter_message(text=t("chat.fallback.not_understood", locale))
            helplines = national_helplines.headline_helplines()
            lines = [line for s in helplines if (line := helpline_line(s, locale))]
            if lines:
                text = "\n".join([t("chat.fallback.helplines", locale), *lines])
                dispatcher.utter_message(
                    json_message={"kind": "services", "text": text, "services": helplines}
                )
            dispatcher.utter_message(
                text=t("chat.fallback.choose", locale),
                buttons=render_buttons(CATEGORY_BUTTONS + (DANGER_NOW, OWN_BEHAVIOUR), locale),
            )
        # Forget the message that wasn't understood, so the conversation carries on
        # from where it was.
        return [UserUtteranceReverted()]
