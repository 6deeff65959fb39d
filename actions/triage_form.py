"""The triage form: only the questions that change the answer, each skippable.

- about_self: is it happening to them? (skipped when the message named who it is
  about, e.g. "my friend");
- age_group: under 18, 18 to 59, or 60 or over? (Childline and children's services;
  Hourglass and lines for older people);
- identity: a man or boy, or LGBT+? (their specialist lines alongside the general
  ones; only for categories that have such lines);
- location: a postcode or town, resolved by the directory (skipped when the page
  gave the area);
- recent_assault: for sexual violence, did it happen in the last 7 days? (the SARC).
"I'd rather not say" is an answer to every question, and still leads to help.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import national_helplines
from actions.api_client import directory
from actions.channel_context import context_slot_events
from actions.i18n import DEFAULT_LOCALE, locale_of, supported_locale, t
from actions.own_language import detected_language, language_events, switch_to
from actions.places import chosen_candidate, place_query, place_slots
from actions.responses import RATHER_NOT_SAY, Button, render_buttons, send
from vocabulary.areas import OUTSIDE as OUTSIDE_PILOT

FALLBACK_INTENT = "nlu_fallback"
logger = logging.getLogger(__name__)

FORM_NAME = "triage_form"
# The form's required_slots in bot/domain/triage.yml. Rasa sends this action no domain
# (encoding and parsing the whole domain, responses in every language, on each turn of the
# form was a tenth of Rasa's CPU under load, docs/benchmarks.md), so the action keeps its own
# copy; a test holds it to the domain file.
FORM_SLOTS = ["about_self", "age_group", "identity", "location", "recent_assault"]
NOT_SAID = "not_said"
SOMEONE_ELSE = "someone_else"
ABOUT_SELF_VALUES = {"self", SOMEONE_ELSE, NOT_SAID}
OLDER = "60_or_over"
AGE_GROUP_VALUES = {"under_18", "adult", OLDER, NOT_SAID}
IDENTITY_VALUES = {"male", "lgbt", "male_lgbt", "neither", NOT_SAID}
RECENT_ASSAULT_VALUES = {"yes", "no", "unsure", NOT_SAID}
# Markers kept in the `location` slot when no place was resolved.
NONE_OF_THESE = "none_of_these"
PLACE_NOT_FOUND = "not_found"
PLACE_UNRESOLVED = "unresolved"
MAX_PLACE_ATTEMPTS = 2
_AGE = re.compile(r"\b(\d{1,2})\b")
QUESTION_RESPONSES = {
    "about_self": {"self": "utter_ask_about_self", "other": "utter_ask_about_self"},
    "age_group": {"self": "utter_ask_age_group_self", "other": "utter_ask_age_group_other"},
    "identity": {"self": "utter_ask_identity_self", "other": "utter_ask_identity_other"},
    "location": {"self": "utter_ask_location_self", "other": "utter_ask_location_other"},
    "recent_assault": {"self": "utter_ask_recent_assault", "other": "utter_ask_recent_assault"},
}


def required_triage_slots(slots: Dict[Text, Any]) -> List[Text]:
    """The questions still worth asking, in order, given what we know."""
    categories = slots.get("categories") or []
    required = ["about_self", "age_group"]
    if any(national_helplines.specialist_audiences(c) for c in categories):
        required.append("identity")
    if not slots.get("area"):
        required.append("location")
    if "sexual_violence" in categories:
        required.append("recent_assault")
    return required


def pending_questions(slots: Dict[Text, Any]) -> List[Text]:
    return [slot for slot in required_triage_slots(slots) if slots.get(slot) is None]


def about_someone_else(tracker: Tracker) -> bool:
    return tracker.get_slot("about_self") == SOMEONE_ELSE


def ask_question(
    slot: Text, tracker: Tracker, dispatcher: CollectingDispatcher, locale: Optional[str] = None
) -> None:
    """Ask the triage question for `slot`, in the words that fit who it is about; in
    `locale` when the asking action is changing the conversation's language."""
    chosen = locale or locale_of(tracker)
    if slot == "location" and tracker.get_slot("place_candidates"):
        _ask_which_place(tracker.get_slot("place_candidates"), chosen, dispatcher)
        return
    if slot == "location" and (tracker.get_slot("location_attempts") or 0) > 0:
        send(dispatcher, "utter_place_not_found", chosen, from_domain=_domain_speaks(chosen, tracker))
        return
    variant = "other" if about_someone_else(tracker) else "self"
    send(dispatcher, QUESTION_RESPONSES[slot][variant], chosen, from_domain=_domain_speaks(chosen, tracker))


def _domain_speaks(locale: str, tracker: Tracker) -> bool:
    """Rasa renders a domain response in the `language` slot as it was before this turn:
    in another language (one just written in), the words are rendered here."""
    return locale == (supported_locale(tracker.get_slot("language")) or DEFAULT_LOCALE)


def _ask_which_place(candidates: List[dict], locale: str, dispatcher: CollectingDispatcher) -> None:
    buttons = [{"title": c["label"], "payload": c["label"]} for c in candidates]
    buttons += render_buttons(
        (Button("chat.button.none_of_these", "/deny"), RATHER_NOT_SAY), locale
    )
    dispatcher.utter_message(text=t("chat.place.choose", locale), buttons=buttons)


def _age_from_text(text: Any) -> Optional[int]:
    match = _AGE.search(text) if isinstance(text, str) else None
    return int(match.group(1)) if match else None


class ValidateTriageForm(FormValidationAction):
    def name(self) -> Text:
        return f"validate_{FORM_NAME}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        language = detected_language(tracker)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if language and intent == FALLBACK_INTENT:
            # Words in another language that were not understood as an answer: say so in
            # it, and the form asks its question again in that language.
            dispatcher.utter_message(text=t("chat.other_language.intro", language))
            requested = tracker.get_slot("requested_slot")
            return switch_to(language) + ([SlotSet(requested, None)] if requested else [])
        context_events = context_slot_events(tracker) + language_events(tracker)
        tracker.add_slots(context_events)
        return context_events + await super().run(dispatcher, tracker, domain)

    def domain_slots(self, domain: DomainDict) -> List[Text]:
        return list(FORM_SLOTS)

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        return required_triage_slots(tracker.slots)

    def validate_about_self(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value in ABOUT_SELF_VALUES:
            return {"about_self": value}
        # A `subject` entity ("my daughter") means it is about someone else.
        return {"about_self": SOMEONE_ELSE if isinstance(value, str) and value else None}

    def validate_age_group(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value in AGE_GROUP_VALUES:
            return {"age_group": value}
        if isinstance(value, str) and OLDER in value:
            # The "60 or over" button: /inform{"age_group": "60_or_over"}, read as text.
            return {"age_group": OLDER}
        age = _age_from_text(value)
        if age is None or age < 1:
            return {"age_group": None}
        group = "under_18" if age < 18 else OLDER if age >= 60 else "adult"
        return {"age_group": group, "age": age}

    def validate_identity(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"identity": value if value in IDENTITY_VALUES else None}

    def validate_recent_assault(self, value: Any, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return {"recent_assault": value if value in RECENT_ASSAULT_VALUES else None}

    async def validate_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        candidates = tracker.get_slot("place_candidates") or []
        if value == NOT_SAID or (value == NONE_OF_THESE and not candidates):
            return {"location": NOT_SAID, "place_candidates": None}
        if value == NONE_OF_THESE:
            return self._place_not_found(dispatcher, tracker)
        if not isinstance(value, str) or not value.strip() or value.startswith("/"):
            # Nothing, or a button from another question: ask again.
            return {"location": None}
        if candidates and (chosen := chosen_candidate(value, candidates)):
            if not chosen.get("area"):
                dispatcher.utter_message(response="utter_outside_pilot")
            return place_slots(chosen)

        resolution = await directory().resolve_area(place_query(value))
        if resolution is None:
            # The directory is unreachable: national services it is, without fuss.
            return {"location": PLACE_UNRESOLVED, "place_candidates": None}
        status = resolution["status"]
        logger.info("triage.place status=%s kind=%s", status, resolution.get("query_kind"))
        if status == "resolved":
            slots = place_slots({**resolution, "label": None})
            if resolution.get("query_kind") == "postcode" and resolution.get("postcode"):
                slots["postcode"] = resolution["postcode"]
            return slots
        if status == "ambiguous" and resolution.get("candidates"):
            return {"location": None, "place_candidates": resolution["candidates"]}
        if status == "outside_pilot":
            dispatcher.utter_message(response="utter_outside_pilot")
            return {"location": OUTSIDE_PILOT, "area": OUTSIDE_PILOT, "place_candidates": None}
        return self._place_not_found(dispatcher, tracker)

    @staticmethod
    def _place_not_found(dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        attempts = int(tracker.get_slot("location_attempts") or 0) + 1
        if attempts < MAX_PLACE_ATTEMPTS:
            # The question is asked again, as "try a postcode or a nearby town".
            return {"location": None, "location_attempts": attempts, "place_candidates": None}
        dispatcher.utter_message(response="utter_place_national_instead")
        return {
            "location": PLACE_NOT_FOUND,
            "location_attempts": attempts,
            "place_candidates": None,
        }


class _AskTriageQuestion(Action, ABC):
    """Asks a triage question in the words that fit: "Are you..." or "Are they..."."""

    @property
    @abstractmethod
    def slot(self) -> Text:
        """The form slot this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        ask_question(self.slot, tracker, dispatcher)
        return []


class ActionAskAgeGroup(_AskTriageQuestion):
    slot = "age_group"


class ActionAskIdentity(_AskTriageQuestion):
    slot = "identity"


class ActionAskLocation(_AskTriageQuestion):
    slot = "location"


class ActionAskRecentAssault(_AskTriageQuestion):
    slot = "recent_assault"
