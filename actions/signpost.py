"""The answer: who can help, near here, now, for each kind of abuse disclosed;
then an offer to explain more."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import national_helplines
from actions.api_client import directory
from actions.categories import CATEGORY_NAME_KEYS, ordered_unique
from actions.channel_context import channel_context
from actions.disclosure_cues import needs_named_in, topics_named_in
from actions.formatting import services_message
from actions.i18n import locale_of, t
from actions.responses import (
    ASK_CALLING,
    ASK_IDVA,
    ASK_ISVA,
    ASK_REPORTING,
    ASK_SAFETY_PLANNING,
    ASK_SUPPORTING_SOMEONE,
    ASK_TECH_SAFETY,
    SOMETHING_ELSE_TOO,
    THATS_ALL,
    render_buttons,
)
from actions.settings import MAX_SERVICES_PER_CATEGORY
from vocabulary.areas import OUTSIDE, PILOT_AREA_IDS, UNKNOWN
from vocabulary.ranking import Person, local_help_shown

logger = logging.getLogger(__name__)

# The age question's answers as the directory's age bands (vocabulary/ranking.py): every
# service open to someone in the band, and none closed to all of it.
# "adult" is the "18 to 59" button (and a "no" to the age question: 18 or over).
AGE_BANDS = {"under_18": "under_18", "adult": "18_plus", "60_or_over": "60_plus"}
ABOUT = {"self": "self", "someone_else": "someone_else"}
RECENT_ENOUGH_FOR_SARC = {"yes", "unsure"}
IDVA_CATEGORIES = {"domestic_abuse", "honour_based_abuse", "forced_marriage", "stalking"}
SARC_NEED = "sarc"
SAFE_ACCOMMODATION = "safe_accommodation"
# Where a refuge is part of the answer: the line about somewhere safe tonight follows.
SAFE_TONIGHT_CATEGORIES = ("domestic_abuse", "honour_based_abuse", "forced_marriage", "stalking")


@dataclass(frozen=True)
class CategoryAnswer:
    category: str
    services: List[dict]
    place_name: Optional[str]
    # For the commissioners' counts (docs/insights.md): a pilot area, "outside" or "unknown".
    insight_area: str = UNKNOWN
    pilot_place_known: bool = False
    # The directory could not be reached: the bundled national lines stand in.
    from_bundle: bool = False
    # The need asked for, if any (a SARC, somewhere safe to stay).
    need: Optional[str] = None




def outcome_mark(answer: CategoryAnswer, shown: Optional[List[dict]] = None) -> dict:
    """What the chat gateway counts for an answer, and takes out before the browser sees
    it: the kind of abuse, the area no finer than a pilot area, and the outcome. Only the
    cards shown count: local help is local help for this kind of abuse and this need."""
    if local_help_shown(answer.category, answer.need, answer.services if shown is None else shown):
        outcome = "signposted_locally"
    elif answer.pilot_place_known:
        outcome = "no_local_service"
    else:
        outcome = "national_only"
    mark = {"category": answer.category, "area": answer.insight_area, "outcome": outcome}
    if answer.from_bundle:
        mark["from_bundle"] = True
    return mark


REACH_IDENTITY = {"male": "men", "lgbt": "lgbt", "male_lgbt": "men_and_lgbt", "neither": "neither"}


def reach_mark(slots: Dict[Text, Any], area: str, locale: str) -> dict:
    """Who an answer was for, as the commissioners' counts take it (docs/insights.md): an age
    band, not an age; never the kind of abuse beside it."""
    person = person_from_slots(slots)
    if person.child:
        age_band = "under_18"
    elif person.older:
        age_band = "60_or_over"
    elif person.ages() is not None:
        age_band = "adult"
    else:
        age_band = "not_said"
    return {
        "area": area,
        "age_band": age_band,
        "identity": REACH_IDENTITY.get(slots.get("identity") or "", "not_said"),
        "language": locale,
        "about": person.about or "not_said",
    }


def person_from_slots(slots: Dict[Text, Any], said: Iterable[Optional[str]] = ()) -> Person:
    """Who the help is for, from the triage answers; `said` is what the person wrote, for
    the subjects some lines are offered for (shared images, exploitation, ...)."""
    identity = slots.get("identity")
    age = slots.get("age")
    topics = frozenset(topic for text in said for topic in topics_named_in(text))
    return Person(
        age=int(age) if age is not None else None,
        age_band=AGE_BANDS.get(slots.get("age_group") or ""),
        gender="male" if identity in ("male", "male_lgbt") else None,
        lgbt=True if identity in ("lgbt", "male_lgbt") else None,
        language=slots.get("language"),
        about=ABOUT.get(slots.get("about_self") or ""),
        topics=topics,
    )


def what_was_said(tracker: Tracker) -> List[Optional[str]]:
    """The person's own messages in this session (never stored; read to rank only)."""
    said: List[Optional[str]] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            said = []
        elif event.get("event") == "user":
            said.append(event.get("text"))
    said.append((tracker.latest_message or {}).get("text"))
    return said


def place_query(slots: Dict[Text, Any]) -> Dict[Text, Any]:
    if slots.get("postcode"):
        return {"postcode": slots["postcode"]}
    if slots.get("area"):
        return {"area": slots["area"]}
    return {}


def need_for(
    category: str, slots: Dict[Text, Any], said: Iterable[Optional[str]] = ()
) -> Optional[str]:
    """A need that changes the order: a SARC inside the forensic window; somewhere safe to
    stay when the person says they have nowhere safe to go."""
    if category == "sexual_violence" and slots.get("recent_assault") in RECENT_ENOUGH_FOR_SARC:
        return "sarc"
    if category in SAFE_TONIGHT_CATEGORIES and any(
        SAFE_ACCOMMODATION in needs_named_in(text) for text in said
    ):
        return SAFE_ACCOMMODATION
    return None


async def find_services(
    category: str, slots: Dict[Text, Any], said: Iterable[Optional[str]] = ()
) -> CategoryAnswer:
    """The directory's answer, or the bundled national lines if it has none."""
    person = person_from_slots(slots, said)
    need = need_for(category, slots, said)
    answer = await directory().signpost(
        category,
        **place_query(slots),
        need=need,
        age=person.age,
        age_band=person.age_band if person.age is None else None,
        gender=person.gender,
        lgbt=person.lgbt,
        language=person.language,
        about=person.about,
        topics=",".join(sorted(person.topics)) or None,
    )
    if answer is not None:
        place_name = None
        if answer.get("area_status") == "resolved":
            # The council area the person chose, when the directory was asked by area.
            place_name = (
                (answer.get("local_authority") or {}).get("name")
                or slots.get("area_name")
                or (answer.get("area") or {}).get("name")
            )
        area_id = (answer.get("area") or {}).get("id")
        if area_id in PILOT_AREA_IDS:
            insight_area = area_id
        else:
            insight_area = OUTSIDE if answer.get("area_status") == "outside_pilot" else UNKNOWN
        return CategoryAnswer(
            category, answer["services"], place_name, insight_area, area_id in PILOT_AREA_IDS,
            need=need,
        )
    logger.info("signpost.answered_from_bundle")
    services = national_helplines.for_category(category, person, need)
    area = slots.get("area")
    return CategoryAnswer(
        category,
        services,
        None,
        area if area in (*PILOT_AREA_IDS, OUTSIDE) else UNKNOWN,
        from_bundle=True,
        need=need,
    )


def more_buttons(categories: List[str], locale: str) -> List[dict]:
    buttons = []
    if IDVA_CATEGORIES & set(categories):
        buttons.append(ASK_IDVA)
    if "sexual_violence" in categories:
        buttons.append(ASK_ISVA)
    buttons += [
        ASK_CALLING,
        ASK_REPORTING,
        ASK_SAFETY_PLANNING,
        ASK_TECH_SAFETY,
        ASK_SUPPORTING_SOMEONE,
        SOMETHING_ELSE_TOO,
        THATS_ALL,
    ]
    return render_buttons(buttons, locale)


def _service_key(service: dict) -> Any:
    return service.get("id") or service["name"]


def say_services(
    answer: CategoryAnswer,
    shown: set,
    locale: str,
    dispatcher: CollectingDispatcher,
    reach: Optional[dict] = None,
) -> None:
    name = t(CATEGORY_NAME_KEYS[answer.category], locale)
    if answer.place_name:
        heading = t("chat.answer.heading_local", locale, category=name, place=answer.place_name)
    else:
        heading = t("chat.answer.heading_national", locale, category=name)
        heading = f"{heading}\n{t('chat.answer.national_note', locale)}"
    fresh = [s for s in answer.services if _service_key(s) not in shown]
    chosen = fresh[:MAX_SERVICES_PER_CATEGORY]
    shown.update(_service_key(s) for s in chosen)
    message = services_message(heading, chosen, locale)
    message["signpost_outcome"] = outcome_mark(answer, chosen)
    if reach is not None:
        message["signpost_reach"] = reach
    dispatcher.utter_message(json_message=message)


def say_sarc_route(
    answer: CategoryAnswer, slots: Dict[Text, Any], locale: str, dispatcher: CollectingDispatcher
) -> None:
    """After a sexual assault, why time matters and where to go: a SARC that serves the
    place; where none is assured, the NHS SARC finder and the Rape Crisis line; for a child,
    the children's route, never an adult SARC."""
    recent = slots.get("recent_assault")
    if recent in RECENT_ENOUGH_FOR_SARC:
        if person_from_slots(slots).child:
            dispatcher.utter_message(text=t("info.sarc_child", locale))
            return
        dispatcher.utter_message(response="utter_sarc_timing")
        local_sarc = any(
            SARC_NEED in (s.get("needs") or []) and s.get("scope") == "local" for s in answer.services
        )
        if not local_sarc:
            dispatcher.utter_message(text=t("info.sarc_finder", locale))
    elif recent == "not_said":
        dispatcher.utter_message(response="utter_sarc_maybe")


def say_safe_tonight(tracker: Tracker, locale: str, dispatcher: CollectingDispatcher) -> None:
    """Somewhere safe tonight, in every area: the National Domestic Abuse Helpline's refuge
    referrals, day and night, and the council's housing help when the page gave its address."""
    text = t("info.safe_tonight", locale)
    council_url = channel_context(tracker).council_url
    if council_url:
        text = f"{text} {t('info.safe_tonight_council', locale, url=council_url)}"
    dispatcher.utter_message(text=text)


class ActionSignpost(Action):
    def name(self) -> Text:
        return "action_signpost"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        locale = locale_of(tracker)
        slots = tracker.slots
        categories = slots.get("categories") or []
        answered = slots.get("answered_categories") or []
        to_answer = [c for c in categories if c not in answered] or categories
        said = what_was_said(tracker)
        answers = await asyncio.gather(*(find_services(c, slots, said) for c in to_answer))

        shown: set = set()
        if any(answer.from_bundle for answer in answers):
            # Something is wrong behind the scenes: as the gateway does when the assistant
            # cannot answer, the emergency guidance comes before the national lines.
            dispatcher.utter_message(response="utter_emergency_guidance")
        reach = reach_mark(slots, answers[0].insight_area, locale) if answers else None
        for index, answer in enumerate(answers):
            if answer.category == "sexual_violence":
                say_sarc_route(answer, slots, locale, dispatcher)
            say_services(answer, shown, locale, dispatcher, reach if index == 0 else None)

        if any(answer.category in SAFE_TONIGHT_CATEGORIES for answer in answers):
            say_safe_tonight(tracker, locale, dispatcher)
        dispatcher.utter_message(
            text=t("chat.answer.more", locale), buttons=more_buttons(categories, locale)
        )
        return [SlotSet("answered_categories", ordered_unique(answered + to_answer))]
