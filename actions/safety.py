"""The safety route: emergency guidance for danger now; crisis, medical and check-in words for
suicidal feelings, self-harm, injuries and distress; then the conversation carries on.

DangerFirstPolicy (bot/components/) predicts `action_emergency_guidance` straight after any
message that shows danger now, and `action_crisis_support` after one that shows suicidal
feelings or self-harm, an injury or distress (the message's `safety_signals`, from
components.safety_signals), before any other action, even inside the triage form. Both speak in
the language the message was written in (its detected language, Urdu or Punjabi typed in Latin
letters included), which the conversation then keeps, and then:
- inside the triage form: keep any new abuse category, and the form asks its question again;
- otherwise, if the message also asked for something (a disclosure, a question, help with their
  own behaviour), hand that back to the dialogue as if it had just been said, so a disclosure
  still gets its triage (after a sexual assault, the SARC route);
- otherwise, say that support is here when they want it, with the choices.
Distress never ends the conversation: it gets a gentle check-in with the crisis lines and the
choice to keep going or stop.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SlotSet, UserUttered
from rasa_sdk.executor import CollectingDispatcher

from actions.categories import (
    DANGER_INTENT,
    DISCLOSURE_PREFIX,
    categories_disclosed,
    ordered_unique,
)
from actions.channel_context import channel_context
from actions.knowledge import answered_question, say_answer
from actions.i18n import DEFAULT_LOCALE, locale_of, supported_locale, t
from actions.own_language import detected_language, switch_to
from actions.responses import send

logger = logging.getLogger(__name__)

# What else a message can ask for that is worth carrying on with after the
# guidance; anything else (a greeting, thanks, a yes) gets the offer to help instead.
CARRY_ON_PREFIXES = (DISCLOSURE_PREFIX, "ask_")
CARRY_ON_INTENTS = {"seek_help_own_behaviour", "something_else"}
SAFETY_INTENTS = {DANGER_INTENT, "suicidal_feelings", "injury", "distress"}


def _worth_carrying_on(intent: Any) -> bool:
    return isinstance(intent, str) and (
        intent in CARRY_ON_INTENTS or intent.startswith(CARRY_ON_PREFIXES)
    )


def carry_on_parse_data(parse_data: dict) -> Optional[dict]:
    """What the message asked for besides help in danger, as a parse result, or None."""
    intent = (parse_data.get("intent") or {}).get("name")
    ranking = [r for r in parse_data.get("intent_ranking") or [] if r.get("name") not in SAFETY_INTENTS]
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


CRISIS, INJURY, DISTRESS = "crisis", "injury", "distress"
SAFETY_SIGNALS = "safety_signals"
SAFETY_LANGUAGE = "safety_language"
DERBYSHIRE = "derby-derbyshire"


def signals_of(parse_data: dict) -> set:
    return set(parse_data.get(SAFETY_SIGNALS) or [])


def safety_locale(tracker: Tracker) -> Tuple[str, List[EventType]]:
    """The language to answer in (the message's own, when it is another offered language), and
    the events that make the conversation keep it."""
    language = detected_language(tracker) or supported_locale((tracker.latest_message or {}).get(SAFETY_LANGUAGE))
    if language and language != DEFAULT_LOCALE and language != tracker.get_slot("language"):
        return language, switch_to(language)
    return locale_of(tracker), []


def crisis_words(tracker: Tracker, locale: str, after_emergency_guidance: bool) -> str:
    """Warm words, 999 or A&E when someone has acted or may act now (unless the emergency
    guidance has just said 999), the crisis lines, and the lines that fit this person: Papyrus
    for under-35s who said so, the Derbyshire helpline in Derby and Derbyshire."""
    parts = [t("safety.crisis.intro", locale)]
    if not after_emergency_guidance:
        parts.append(t("safety.crisis.now", locale))
    parts.append(t("safety.crisis.lines", locale))
    if tracker.get_slot("age_group") == "under_18" or _said_age_under(tracker, 35):
        parts.append(t("safety.crisis.young", locale))
    if (tracker.get_slot("area") or channel_context(tracker).area) == DERBYSHIRE:
        parts.append(t("safety.crisis.derbyshire", locale))
    return "\n\n".join(parts)


def _said_age_under(tracker: Tracker, limit: int) -> bool:
    try:
        age = tracker.get_slot("age")
        return age is not None and float(age) < limit
    except (TypeError, ValueError):
        return False


def carry_on(dispatcher: CollectingDispatcher, tracker: Tracker, locale: str, offer: str,
             from_domain: bool) -> List[EventType]:
    """Back to where the conversation was, after the safety words."""
    parse_data = tracker.latest_message or {}
    if tracker.active_loop_name:
        known = tracker.get_slot("categories") or []
        categories = ordered_unique(known + categories_disclosed(parse_data))
        return [SlotSet("categories", categories)] if categories != known else []
    carried = carry_on_parse_data(parse_data)
    if carried is None:
        send(dispatcher, offer, locale, from_domain)
        return []
    # The rest of the message, handed back to the dialogue. No text: the words are already in
    # the conversation once, and the safety words came first.
    return [ActionExecuted("action_listen"), UserUttered(text=None, parse_data=carried)]


class ActionEmergencyGuidance(Action):
    def name(self) -> Text:
        return "action_emergency_guidance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        locale, language_events = safety_locale(tracker)
        from_domain = not language_events  # Rasa would render the domain's words in the old language
        signals = signals_of(tracker.latest_message or {})
        send(dispatcher, "utter_emergency_guidance", locale, from_domain)
        # Distress beside danger: no room for the check-in's question, so the crisis lines instead.
        if signals & {CRISIS, DISTRESS}:
            dispatcher.utter_message(json_message={"kind": "crisis", "text": crisis_words(tracker, locale, True),
                                                   "buttons": []})
        if INJURY in signals:
            send(dispatcher, "utter_injury_guidance", locale, from_domain)
        # "where can me and my kids go tonight, i cant stay here": after the guidance, the answer.
        question = answered_question(tracker.latest_message or {})
        if question is not None:
            say_answer(question, locale, dispatcher, in_form=True)
        logger.info("emergency_guidance.given")
        return language_events + carry_on(dispatcher, tracker, locale, "utter_when_safe", from_domain)


class ActionCrisisSupport(Action):
    def name(self) -> Text:
        return "action_crisis_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        locale, language_events = safety_locale(tracker)
        from_domain = not language_events
        signals = signals_of(tracker.latest_message or {})
        if CRISIS in signals or {DISTRESS, INJURY} <= signals:  # distress beside an injury: the lines too
            dispatcher.utter_message(json_message={"kind": "crisis", "text": crisis_words(tracker, locale, False),
                                                   "buttons": []})
        if INJURY in signals:
            send(dispatcher, "utter_injury_guidance", locale, from_domain)
        if not signals & {CRISIS, INJURY}:  # distress alone (or words only the nets read): check in
            logger.info("crisis_support.check_in")
            send(dispatcher, "utter_distress_check_in", locale, from_domain)
            known = tracker.get_slot("categories") or []
            categories = ordered_unique(known + categories_disclosed(tracker.latest_message or {}))
            return language_events + ([SlotSet("categories", categories)] if categories != known else [])
        logger.info("crisis_support.given")
        return language_events + carry_on(dispatcher, tracker, locale, "utter_crisis_carry_on", from_domain)
