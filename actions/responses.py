"""The fixed responses: which locale text and which buttons each one has.

`scripts/build_domain_responses.py` writes bot/domain/responses.yml from this
catalogue and the locale files (English as the default variation, other locales
as variations conditioned on the `language` slot); a test keeps the two in step.
Actions send these with `send()`: `dispatcher.utter_message(response=...)`,
except for the few whose buttons carry entities (`/inform{"identity": "male"}`).
Those cannot live in the domain: Rasa reads `{...}` in a response as a slot
placeholder, fails to fill it and logs an error holding the conversation's slot
values. Actions render them from the same locale text instead.

A response with a `kind` is sent as custom data ({"kind", "text", "buttons"}), as
the chat gateway and widget expect (docs/chat-gateway.md): "danger" marks the
emergency guidance, which the widget shows apart; "crisis" marks the crisis and medical words.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

from actions.i18n import t


class Button(NamedTuple):
    title_key: str
    payload: str


class FixedResponse(NamedTuple):
    text_key: str
    buttons: tuple[Button, ...] = ()
    kind: Optional[str] = None

    @property
    def in_domain(self) -> bool:
        return not any("{" in b.payload for b in self.buttons)


RATHER_NOT_SAY = Button("chat.button.rather_not_say", "/rather_not_say")
# "60 or over": Hourglass and other lines for older people (the age question's third band).
OLDER = Button("chat.button.older", '/inform{"age_group": "60_or_over"}')

CATEGORY_BUTTONS = (
    Button("chat.button.domestic_abuse", "/disclose_domestic_abuse"),
    Button("chat.button.sexual_violence", "/disclose_sexual_violence"),
    Button("chat.button.stalking", "/disclose_stalking"),
    Button("chat.button.fgm", "/disclose_fgm"),
    Button("chat.button.honour_based_abuse", "/disclose_honour_based_abuse"),
    Button("chat.button.forced_marriage", "/disclose_forced_marriage"),
)
DANGER_NOW = Button("chat.button.danger_now", "/immediate_danger")
OWN_BEHAVIOUR = Button("chat.button.own_behaviour", "/seek_help_own_behaviour")
SOMETHING_ELSE = Button("chat.button.something_else", "/something_else")

ASK_IDVA = Button("chat.button.ask_idva", "/ask_what_is_idva")
ASK_ISVA = Button("chat.button.ask_isva", "/ask_what_is_isva")
ASK_CALLING = Button("chat.button.ask_calling", "/ask_what_happens_when_i_call")
ASK_REPORTING = Button("chat.button.ask_reporting", "/ask_reporting_options")
ASK_SAFETY_PLANNING = Button("chat.button.ask_safety_planning", "/ask_safety_planning")
ASK_TECH_SAFETY = Button("chat.button.ask_tech_safety", "/ask_tech_safety")
ASK_SUPPORTING_SOMEONE = Button("chat.button.ask_supporting_someone", "/ask_supporting_someone")
SOMETHING_ELSE_TOO = Button("chat.button.something_else_too", "/something_else")
THATS_ALL = Button("chat.button.thats_all", "/goodbye")

RESPONSES: dict[str, FixedResponse] = {
    # Opening and conversation
    "utter_opening": FixedResponse(
        "chat.opening", CATEGORY_BUTTONS + (DANGER_NOW, OWN_BEHAVIOUR, SOMETHING_ELSE)
    ),
    "utter_something_else": FixedResponse(
        "chat.something_else", CATEGORY_BUTTONS + (OWN_BEHAVIOUR,)
    ),
    "utter_bot_challenge": FixedResponse("chat.bot_challenge"),
    "utter_youre_welcome": FixedResponse("chat.youre_welcome"),
    "utter_goodbye": FixedResponse("chat.goodbye"),
    "utter_end_chat": FixedResponse("chat.end_chat"),
    "utter_more_topics": FixedResponse(
        "chat.more_topics",
        (
            ASK_IDVA,
            ASK_ISVA,
            ASK_CALLING,
            ASK_REPORTING,
            ASK_SAFETY_PLANNING,
            ASK_TECH_SAFETY,
            ASK_SUPPORTING_SOMEONE,
            SOMETHING_ELSE_TOO,
            THATS_ALL,
        ),
    ),
    # Danger now
    "utter_emergency_guidance": FixedResponse("safety.emergency.guidance", kind="danger"),
    "utter_when_safe": FixedResponse(
        "safety.emergency.when_safe", CATEGORY_BUTTONS + (SOMETHING_ELSE,)
    ),
    # Suicidal feelings, self-harm, injuries, distress (the crisis lines themselves are
    # composed by actions/safety.py, which adds the lines that fit the person)
    "utter_injury_guidance": FixedResponse("safety.injury.guidance", kind="crisis"),
    "utter_distress_check_in": FixedResponse(
        "safety.distress.check_in",
        (Button("chat.button.keep_going", "/something_else"), Button("chat.button.stop_for_now", "/end_chat")),
    ),
    "utter_crisis_carry_on": FixedResponse("safety.crisis.carry_on", CATEGORY_BUTTONS + (SOMETHING_ELSE,)),
    # The triage questions
    "utter_ask_about_self": FixedResponse(
        "chat.ask.about_self",
        (
            Button("chat.button.about_me", "/affirm"),
            Button("chat.button.about_someone_else", "/deny"),
            RATHER_NOT_SAY,
        ),
    ),
    "utter_ask_age_group_self": FixedResponse(
        "chat.ask.age_group_self",
        (
            Button("chat.button.under_18_self", "/affirm"),
            Button("chat.button.adult_self", "/deny"),
            OLDER,
            RATHER_NOT_SAY,
        ),
    ),
    "utter_ask_age_group_other": FixedResponse(
        "chat.ask.age_group_other",
        (
            Button("chat.button.under_18_other", "/affirm"),
            Button("chat.button.adult_other", "/deny"),
            OLDER,
            RATHER_NOT_SAY,
        ),
    ),
    "utter_ask_identity_self": FixedResponse(
        "chat.ask.identity_self",
        (
            Button("chat.button.male_self", '/inform{"identity": "male"}'),
            Button("chat.button.lgbt_self", '/inform{"identity": "lgbt"}'),
            Button("chat.button.male_and_lgbt", '/inform{"identity": "male_lgbt"}'),
            Button("chat.button.neither", "/deny"),
            RATHER_NOT_SAY,
        ),
    ),
    "utter_ask_identity_other": FixedResponse(
        "chat.ask.identity_other",
        (
            Button("chat.button.male_other", '/inform{"identity": "male"}'),
            Button("chat.button.lgbt_other", '/inform{"identity": "lgbt"}'),
            Button("chat.button.male_and_lgbt", '/inform{"identity": "male_lgbt"}'),
            Button("chat.button.neither", "/deny"),
            RATHER_NOT_SAY,
        ),
    ),
    "utter_ask_location_self": FixedResponse("chat.ask.location_self", (RATHER_NOT_SAY,)),
    "utter_ask_location_other": FixedResponse("chat.ask.location_other", (RATHER_NOT_SAY,)),
    "utter_ask_recent_assault": FixedResponse(
        "chat.ask.recent_assault",
        (
            Button("chat.button.recent_yes", "/affirm"),
            Button("chat.button.recent_no", "/deny"),
            Button("chat.button.recent_unsure", '/inform{"recent_assault": "unsure"}'),
            RATHER_NOT_SAY,
        ),
    ),
    "utter_place_not_found": FixedResponse("chat.place.not_found", (RATHER_NOT_SAY,)),
    "utter_place_national_instead": FixedResponse("chat.place.national_instead"),
    "utter_outside_pilot": FixedResponse("chat.place.outside_pilot"),
    "utter_fallback_in_form": FixedResponse("chat.fallback.in_form"),
    # What people can ask about
    "utter_info_idva": FixedResponse("info.idva"),
    "utter_info_isva": FixedResponse("info.isva"),
    "utter_info_calling": FixedResponse("info.calling"),
    "utter_info_reporting": FixedResponse("info.reporting"),
    "utter_info_safety_planning": FixedResponse("info.safety_planning"),
    "utter_info_tech_safety": FixedResponse("info.tech_safety"),
    "utter_info_supporting_someone": FixedResponse("info.supporting_someone"),
    "utter_sarc_timing": FixedResponse("info.sarc"),
    "utter_sarc_maybe": FixedResponse("info.sarc_maybe"),
    # Worried about their own behaviour
    "utter_own_behaviour_intro": FixedResponse("chat.own_behaviour.intro"),
}


def render_buttons(buttons: tuple[Button, ...] | list[Button], locale: str) -> list[dict]:
    return [{"title": t(b.title_key, locale), "payload": b.payload} for b in buttons]


def send(dispatcher: Any, name: str, locale: str, from_domain: bool = True) -> None:
    """Send a fixed response: by name from the domain, or rendered here when its
    buttons carry entities, or when `from_domain` is False. Rasa renders a domain
    response with the `language` slot as it was before this action, so an action that
    changes the language renders its own words."""
    response = RESPONSES[name]
    if response.in_domain and from_domain:
        dispatcher.utter_message(response=name)
        return
    text, buttons = t(response.text_key, locale), render_buttons(response.buttons, locale)
    if response.kind:
        dispatcher.utter_message(json_message={"kind": response.kind, "text": text, "buttons": buttons})
    else:
        dispatcher.utter_message(text=text, buttons=buttons)
