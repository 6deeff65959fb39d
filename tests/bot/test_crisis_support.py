"""The crisis route (actions/safety.py): suicidal feelings, self-harm, injuries and distress get
their words first, in the language the person wrote, with only the lines that fit them, and the
conversation carries on; distress gets a check-in, never a goodbye."""

from __future__ import annotations

import re

import pytest
from rasa_sdk.events import ActionExecuted, SlotSet

from actions.safety import ActionCrisisSupport, ActionEmergencyGuidance
from tests.bot.helpers import make_tracker, responses, texts

SAMARITANS, SHOUT, PAPYRUS, DERBYSHIRE_LINE = "116 123", "85258", "0800 068 4141", "0800 028 0077"


def safety_tracker(signals, **kwargs):
    tracker = make_tracker(**kwargs)
    tracker.latest_message["safety_signals"] = list(signals)
    return tracker


def custom(dispatcher, kind):
    return [m["custom"]["text"] for m in dispatcher.messages if (m.get("custom") or {}).get("kind") == kind]


@pytest.mark.asyncio
async def test_suicidal_feelings_get_warm_words_then_the_crisis_lines_and_999_if_acting_now(dispatcher, domain):
    tracker = safety_tracker(["crisis"], intent="suicidal_feelings", text="i dont want to be alive anymore")
    events = await ActionCrisisSupport().run(dispatcher, tracker, domain)

    [words] = custom(dispatcher, "crisis")
    assert words.startswith("I'm really glad you told me.")
    for needed in (SAMARITANS, SHOUT, "111", "mental health option", "999", "A&E"):
        assert needed in words
    assert PAPYRUS not in words and DERBYSHIRE_LINE not in words  # nothing said makes them fit
    assert responses(dispatcher)[-1] == "utter_crisis_carry_on"  # support is there when they want it
    assert events == []


@pytest.mark.asyncio
@pytest.mark.parametrize(("slots", "papyrus", "derbyshire"), [
    ({"age_group": "under_18"}, True, False),
    ({"age": 24}, True, False),
    ({"age": 40}, False, False),
    ({"area": "derby-derbyshire"}, False, True),
    ({"area": "warwickshire"}, False, False),
])
async def test_papyrus_for_under_35s_who_said_so_and_the_derbyshire_line_in_derbyshire(
        dispatcher, domain, slots, papyrus, derbyshire):
    tracker = safety_tracker(["crisis"], intent="suicidal_feelings", text="i want to end my life", slots=slots)
    await ActionCrisisSupport().run(dispatcher, tracker, domain)
    [words] = custom(dispatcher, "crisis")
    assert (PAPYRUS in words) is papyrus
    assert (DERBYSHIRE_LINE in words) is derbyshire


@pytest.mark.asyncio
async def test_a_disclosure_with_suicidal_thoughts_gets_the_lines_then_its_triage(dispatcher, domain):
    tracker = safety_tracker(
        ["crisis"], intent="suicidal_feelings", text="after what he did to me i keep thinking about ending my life",
        ranking=[{"name": "suicidal_feelings", "confidence": 0.6}, {"name": "disclose_domestic_abuse", "confidence": 0.35}])
    events = await ActionCrisisSupport().run(dispatcher, tracker, domain)
    assert len(custom(dispatcher, "crisis")) == 1
    assert events[0] == ActionExecuted("action_listen")
    assert events[1]["parse_data"]["intent"]["name"] == "disclose_domestic_abuse"
    assert all(r["name"] != "suicidal_feelings" for r in events[1]["parse_data"]["intent_ranking"])


@pytest.mark.asyncio
async def test_an_injury_gets_medical_guidance_with_strangulation_and_pregnancy_named(dispatcher, domain):
    tracker = safety_tracker(["injury"], intent="injury", text="he strangled me on sunday and i feel dizzy")
    await ActionCrisisSupport().run(dispatcher, tracker, domain)
    [guidance] = texts(dispatcher)[:1]
    assert responses(dispatcher)[0] == "utter_injury_guidance"
    from actions.i18n import t
    words = t("safety.injury.guidance", "en")
    for needed in ("999", "A&E", "NHS 111", "strangled", "pregnant", "hours or days later"):
        assert needed in words


@pytest.mark.asyncio
async def test_distress_gets_a_check_in_with_the_choice_to_keep_going_or_stop(dispatcher, domain):
    tracker = safety_tracker(["distress"], intent="end_chat", text="i can't do this anymore")
    events = await ActionCrisisSupport().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_distress_check_in"]
    assert events == []  # no ending, no goodbye
    from actions.responses import RESPONSES
    payloads = [b.payload for b in RESPONSES["utter_distress_check_in"].buttons]
    assert payloads == ["/something_else", "/end_chat"]


@pytest.mark.asyncio
async def test_inside_the_triage_the_form_carries_on(dispatcher, domain):
    tracker = safety_tracker(["crisis"], intent="suicidal_feelings", text="ive been cutting myself again",
                             active_loop="triage_form", slots={"categories": ["stalking"]})
    events = await ActionCrisisSupport().run(dispatcher, tracker, domain)
    assert len(custom(dispatcher, "crisis")) == 1
    assert "utter_crisis_carry_on" not in responses(dispatcher)
    assert events == []


@pytest.mark.asyncio
@pytest.mark.parametrize("language", ["pl", "ur", "pa", "gu", "so", "ar"])
async def test_the_words_come_in_the_language_the_person_wrote_and_the_conversation_keeps_it(
        dispatcher, domain, language):
    tracker = safety_tracker(["crisis"], intent="nlu_fallback", text="...")
    tracker.latest_message["language_detected"] = language
    events = await ActionCrisisSupport().run(dispatcher, tracker, domain)
    from actions.i18n import t
    [words] = custom(dispatcher, "crisis")
    assert words.startswith(t("safety.crisis.intro", language)) and t("safety.crisis.intro", language) != \
        t("safety.crisis.intro", "en")
    assert SAMARITANS in words and SHOUT in words
    assert responses(dispatcher) == [None, None]  # rendered here: the domain would use the old language
    assert SlotSet("language", language) in events and SlotSet("own_language", language) in events


@pytest.mark.asyncio
async def test_romanised_urdu_is_answered_in_urdu(dispatcher, domain):
    tracker = safety_tracker(["danger"], intent="immediate_danger", text="woh mujhe abhi maar raha hai")
    tracker.latest_message["safety_language"] = "ur"
    events = await ActionEmergencyGuidance().run(dispatcher, tracker, domain)
    from actions.i18n import t
    assert custom(dispatcher, "danger") == [t("safety.emergency.guidance", "ur")]
    assert SlotSet("language", "ur") in events


@pytest.mark.asyncio
async def test_danger_with_suicidal_words_and_an_injury_gets_all_three_in_order(dispatcher, domain):
    tracker = safety_tracker(["danger", "crisis", "injury"], intent="immediate_danger",
                             text="ive taken all my pills and hes cut me")
    await ActionEmergencyGuidance().run(dispatcher, tracker, domain)
    kinds = [(m.get("custom") or {}).get("kind") or m.get("response") for m in dispatcher.messages]
    assert kinds[:3] == ["utter_emergency_guidance", "crisis", "utter_injury_guidance"]
    [words] = custom(dispatcher, "crisis")
    assert SAMARITANS in words and "A&E now" not in words  # 999 was just said, first


@pytest.mark.asyncio
async def test_distress_beside_danger_gets_the_crisis_lines_after_the_emergency_guidance(dispatcher, domain):
    """Someone shaking and crying whose words also read as danger now: the emergency guidance
    cannot stop to ask the check-in's question, so the crisis lines come with it."""
    tracker = safety_tracker(["danger", "distress"], intent="immediate_danger",
                             text="i cant stop shaking and crying and cant breathe")
    await ActionEmergencyGuidance().run(dispatcher, tracker, domain)
    kinds = [(m.get("custom") or {}).get("kind") or m.get("response") for m in dispatcher.messages]
    assert kinds[:2] == ["utter_emergency_guidance", "crisis"]
    [words] = custom(dispatcher, "crisis")
    assert SAMARITANS in words and SHOUT in words


@pytest.mark.asyncio
@pytest.mark.parametrize(("signals", "lines"), [(["injury", "distress"], True), (["injury"], False)])
async def test_distress_beside_an_injury_gets_the_crisis_lines_with_the_medical_guidance(
        dispatcher, domain, signals, lines):
    tracker = safety_tracker(signals, intent="injury", text="panic attack, my chest hurts and im shaking")
    await ActionCrisisSupport().run(dispatcher, tracker, domain)
    assert "utter_injury_guidance" in responses(dispatcher)
    assert bool(custom(dispatcher, "crisis")) is lines
    assert "utter_distress_check_in" not in responses(dispatcher)


def test_every_number_in_the_crisis_words_is_in_the_reference_file():
    from actions.i18n import available_locales, t
    from tests.bot.helpers import FIXTURES
    reference = (FIXTURES.parents[2].parent / "shared" / "reference" / "helplines.md").read_text(encoding="utf-8")
    digits_in_reference = {re.sub(r"\D", "", n) for n in re.findall(r"\d[\d ]{2,}\d", reference)}
    for locale in available_locales():
        for key in ("safety.crisis.now", "safety.crisis.lines", "safety.crisis.young", "safety.crisis.derbyshire",
                    "safety.injury.guidance", "safety.distress.check_in"):
            for number in re.findall(r"(?<![A-Za-z\d])\d[\d ]{1,}\d", t(key, locale)):
                plain = re.sub(r"\D", "", number)
                if plain in {"24", "35", "55"}:  # hours, an age, the Silent Solution key
                    continue
                assert plain in digits_in_reference or plain in {"999", "111"}, (locale, key, number)
