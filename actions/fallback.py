"""When the assistant doesn't understand: never a dead end.

During the triage, the question is asked again (every question can be skipped).
Otherwise: the categories as buttons, and national helplines to call now.

Text in another offered language (marked `language_detected` by the NLU pipeline's
LanguageIdentification) is answered in that language, which the conversation keeps from
then on: what the assistant can read, the buttons, and the national helplines, with how
to ask them for an interpreter.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import national_helplines
from actions.formatting import helpline_line
from actions.knowledge import offer_likely_topics
from actions.i18n import locale_of, t
from actions.own_language import detected_language, switch_to
from actions.responses import CATEGORY_BUTTONS, DANGER_NOW, OWN_BEHAVIOUR, render_buttons
from actions.triage_form import FORM_NAME, ask_question


class ActionDefaultFallback(Action):
    def name(self) -> Text:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        in_form = tracker.active_loop_name == FORM_NAME and bool(requested)
        language = detected_language(tracker)
        if language:
            self._other_language(dispatcher, tracker, language, requested if in_form else None)
            # Forget the message; the conversation carries on in the person's language.
            return [UserUtteranceReverted(), *switch_to(language)]
        locale = locale_of(tracker)
        if in_form:
            dispatcher.utter_message(response="utter_fallback_in_form")
            ask_question(requested, tracker, dispatcher)
        else:
            dispatcher.utter_message(text=t("chat.fallback.not_understood", locale))
            offer_likely_topics(tracker.latest_message or {}, locale, dispatcher)
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

    @staticmethod
    def _other_language(
        dispatcher: CollectingDispatcher, tracker: Tracker, locale: str, question: str | None
    ) -> None:
        """What the assistant can do in `locale`; the words are rendered here, since the
        domain's responses would still follow the old `language` slot this turn."""
        dispatcher.utter_message(text=t("chat.other_language.intro", locale))
        if question:
            ask_question(question, tracker, dispatcher, locale=locale)
            return
        offer_likely_topics(tracker.latest_message or {}, locale, dispatcher)
        helplines = national_helplines.in_language(locale)
        lines = [line for s in helplines if (line := helpline_line(s, locale))]
        if lines:
            text = "\n".join([t("chat.other_language.helplines", locale), *lines])
            dispatcher.utter_message(json_message={"kind": "services", "text": text, "services": helplines})
        dispatcher.utter_message(
            text=t("chat.other_language.choose", locale),
            buttons=render_buttons(CATEGORY_BUTTONS + (DANGER_NOW, OWN_BEHAVIOUR), locale),
        )
