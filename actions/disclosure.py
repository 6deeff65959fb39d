"""Someone has told us what is happening: thank them, believe them, and note which
kinds of abuse to find support for."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.categories import CATEGORY_NAME_KEYS, categories_disclosed, ordered_unique
from actions.channel_context import context_slot_events
from actions.i18n import join_list, locale_of, t
from actions.own_language import language_events
from actions.triage_form import SOMEONE_ELSE, pending_questions


def _subject_entity(parse_data: dict) -> Any:
    return next(
        (e.get("value") for e in parse_data.get("entities") or [] if e.get("entity") == "subject"),
        None,
    )


def _bot_has_spoken_this_session(tracker: Tracker) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return True
        if event.get("event") == "session_started":
            return False
    return False


class ActionRegisterDisclosure(Action):
    def name(self) -> Text:
        return "action_register_disclosure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        events: List[EventType] = context_slot_events(tracker) + language_events(tracker)
        tracker.add_slots(events)
        locale = locale_of(tracker)
        parse_data = tracker.latest_message or {}

        known = tracker.get_slot("categories") or []
        categories = ordered_unique(known + categories_disclosed(parse_data))
        events.append(SlotSet("categories", categories))
        if _subject_entity(parse_data) and tracker.get_slot("about_self") is None:
            events.append(SlotSet("about_self", SOMEONE_ELSE))
        tracker.add_slots(events)

        if not _bot_has_spoken_this_session(tracker):
            dispatcher.utter_message(text=t("chat.first_message_notice", locale))
        about_other = tracker.get_slot("about_self") == SOMEONE_ELSE
        dispatcher.utter_message(
            text=t(
                "chat.acknowledge.someone_else" if about_other else "chat.acknowledge.self", locale
            )
        )

        answered = tracker.get_slot("answered_categories") or []
        to_find = [c for c in categories if c not in answered] or categories
        if pending_questions(tracker.slots):
            names = [t(CATEGORY_NAME_KEYS[c], locale) for c in to_find]
            dispatcher.utter_message(
                text=t("chat.acknowledge.categories", locale, categories=join_list(names, locale))
            )
        return events
