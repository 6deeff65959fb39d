"""action_emergency_guidance: the guidance first, then the conversation carries on."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActionExecuted, SlotSet

from actions.safety import ActionEmergencyGuidance, carry_on_parse_data
from tests.bot.helpers import make_tracker, responses


async def run(dispatcher, tracker, domain):
    return await ActionEmergencyGuidance().run(dispatcher, tracker, domain)


@pytest.mark.asyncio
async def test_a_disclosure_with_danger_words_gets_guidance_then_goes_back_to_the_dialogue(
    dispatcher, domain
):
    tracker = make_tracker(
        intent="disclose_sexual_violence",
        text="he raped me and he's outside now",
        entities=[{"entity": "subject", "value": "friend"}],
        ranking=[
            {"name": "disclose_sexual_violence", "confidence": 0.7},
            {"name": "immediate_danger", "confidence": 0.3},
        ],
    )
    events = await run(dispatcher, tracker, domain)

    assert responses(dispatcher) == ["utter_emergency_guidance"]
    assert events[0] == ActionExecuted("action_listen")
    handed_back = events[1]
    assert handed_back["event"] == "user" and handed_back["text"] is None
    assert handed_back["parse_data"]["intent"]["name"] == "disclose_sexual_violence"
    assert handed_back["parse_data"]["entities"] == [{"entity": "subject", "value": "friend"}]
    assert all(r["name"] != "immediate_danger" for r in handed_back["parse_data"]["intent_ranking"])


@pytest.mark.asyncio
async def test_danger_classified_first_still_carries_on_with_the_disclosure_ranked_second(
    dispatcher, domain
):
    tracker = make_tracker(
        intent="immediate_danger",
        text="he raped me and he's outside now",
        ranking=[
            {"name": "immediate_danger", "confidence": 0.6},
            {"name": "disclose_sexual_violence", "confidence": 0.35},
            {"name": "greet", "confidence": 0.05},
        ],
    )
    events = await run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_emergency_guidance"]
    assert events[1]["parse_data"]["intent"] == {
        "name": "disclose_sexual_violence",
        "confidence": 1.0,
    }


@pytest.mark.asyncio
async def test_a_disclosure_the_classifier_filed_under_danger_is_found_in_the_words(
    dispatcher, domain
):
    """What the classifier really does with this message: danger, 0.99."""
    tracker = make_tracker(
        intent="immediate_danger",
        text="he raped me and he's outside now",
        ranking=[
            {"name": "immediate_danger", "confidence": 0.99},
            {"name": "disclose_sexual_violence", "confidence": 0.01},
        ],
    )
    events = await run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_emergency_guidance"]
    parse_data = events[1]["parse_data"]
    assert parse_data["intent"]["name"] == "disclose_sexual_violence"
    assert parse_data["intent_ranking"][0] == {
        "name": "disclose_sexual_violence",
        "confidence": 1.0,
    }


@pytest.mark.asyncio
async def test_two_kinds_of_abuse_named_with_danger_are_both_carried_on(dispatcher, domain):
    from actions.categories import categories_in_message

    tracker = make_tracker(
        intent="immediate_danger",
        text="my husband beats me and he raped me, he's coming back",
        ranking=[{"name": "immediate_danger", "confidence": 0.97}],
    )
    events = await run(dispatcher, tracker, domain)
    assert categories_in_message(events[1]["parse_data"]) == ["sexual_violence", "domestic_abuse"]


@pytest.mark.asyncio
async def test_danger_alone_gets_guidance_then_an_offer_of_support_when_safer(dispatcher, domain):
    tracker = make_tracker(
        intent="immediate_danger",
        text="he's got a knife",
        ranking=[
            {"name": "immediate_danger", "confidence": 0.95},
            {"name": "disclose_domestic_abuse", "confidence": 0.03},
        ],
    )
    events = await run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_emergency_guidance", "utter_when_safe"]
    assert events == []


@pytest.mark.asyncio
async def test_a_greeting_with_danger_words_gets_the_offer_not_the_greeting(dispatcher, domain):
    tracker = make_tracker(intent="greet", text="hi he's outside")
    events = await run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_emergency_guidance", "utter_when_safe"]
    assert events == []


@pytest.mark.asyncio
async def test_during_the_triage_the_form_carries_on_and_keeps_a_new_category(dispatcher, domain):
    tracker = make_tracker(
        slots={"categories": ["domestic_abuse"], "requested_slot": "age_group"},
        intent="disclose_sexual_violence",
        text="he raped me and he's here now",
        active_loop="triage_form",
    )
    events = await run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_emergency_guidance"]
    assert events == [SlotSet("categories", ["domestic_abuse", "sexual_violence"])]


@pytest.mark.asyncio
async def test_during_the_triage_a_kind_of_abuse_named_with_danger_is_kept(dispatcher, domain):
    tracker = make_tracker(
        slots={"categories": ["stalking"], "requested_slot": "age_group"},
        intent="immediate_danger",
        text="he raped me and hes outside",
        active_loop="triage_form",
    )
    assert await run(dispatcher, tracker, domain) == [
        SlotSet("categories", ["stalking", "sexual_violence"])
    ]


@pytest.mark.asyncio
async def test_during_the_triage_an_answer_with_danger_words_is_asked_again(dispatcher, domain):
    tracker = make_tracker(
        slots={"categories": ["stalking"], "requested_slot": "location"},
        intent="inform",
        text="im locked in the bathroom in rugby",
        active_loop="triage_form",
    )
    assert await run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_emergency_guidance"]


@pytest.mark.parametrize(
    "intent,carried",
    [
        ("ask_what_is_isva", "ask_what_is_isva"),
        ("seek_help_own_behaviour", "seek_help_own_behaviour"),
        ("something_else", "something_else"),
        ("disclose_fgm", "disclose_fgm"),
        ("out_of_scope", None),
        ("thank", None),
        ("affirm", None),
    ],
)
def test_what_is_worth_carrying_on_with(intent, carried):
    parse_data = {
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
    }
    result = carry_on_parse_data(parse_data)
    assert (result["intent"]["name"] if result else None) == carried
