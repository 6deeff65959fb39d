"""Someone worried about their own behaviour: the Respect Phoneline, warmly and
without judgement."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import national_helplines
from actions.api_client import directory
from actions.formatting import services_message
from actions.i18n import locale_of, t
from actions.own_language import language_events
from vocabulary.areas import OUTSIDE as OUTSIDE_PILOT, PILOT_AREA_IDS, UNKNOWN

OWN_BEHAVIOUR_NEED = "own_behaviour"


async def own_behaviour_services(language: str) -> List[dict]:
    answer = await directory().signpost(
        "domestic_abuse", need=OWN_BEHAVIOUR_NEED, language=language
    )
    if answer is not None:
        services = [s for s in answer["services"] if OWN_BEHAVIOUR_NEED in (s.get("needs") or [])]
        if services:
            return services
    return national_helplines.for_need(OWN_BEHAVIOUR_NEED)


class ActionOwnBehaviour(Action):
    def name(self) -> Text:
        return "action_own_behaviour"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        locale = locale_of(tracker)
        switched = language_events(tracker)
        if switched:
            dispatcher.utter_message(text=t("chat.own_behaviour.intro", locale))
        else:
            dispatcher.utter_message(response="utter_own_behaviour_intro")
        services = await own_behaviour_services(locale)
        if services:
            intro = t("chat.own_behaviour.services", locale)
            message = services_message(intro, services, locale)
            # Counted for the commissioners (docs/insights.md): the route, and the pilot area
            # the conversation knows, no finer.
            area = tracker.get_slot("area")
            message["signpost_route"] = {
                "route": OWN_BEHAVIOUR_NEED,
                "area": area if area in PILOT_AREA_IDS or area == OUTSIDE_PILOT else UNKNOWN,
            }
            dispatcher.utter_message(json_message=message)
        dispatcher.utter_message(text=t("chat.own_behaviour.danger", locale))
        return switched
