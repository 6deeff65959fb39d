"""Whole conversations through the real stack: gateway, Rasa with the trained model, the
action server and the directory API, with Rasa's conversations in a real Redis."""
from __future__ import annotations

import re

import pytest

from api.chat.sessions import conversation_key
from api.settings import DEVELOPMENT_SESSION_SECRET
from tests.stack.driver import Conversation, services_in
from vocabulary.categories import CATEGORIES


def test_the_opening_explains_and_offers_every_category_by_button(stack):
    chat = Conversation(stack.api)
    opening = "\n".join(m["text"] for m in chat.messages)
    assert "not a person" in opening and "not an emergency service" in opening
    assert "Shift three times" in opening and "police" in opening
    payloads = {b["payload"] for b in chat.buttons}
    assert {f"/disclose_{c}" for c in CATEGORIES} | {"/immediate_danger"} <= payloads
    assert not chat.degraded


def test_typing_in_her_own_words_reaches_local_services(stack):
    chat = Conversation(stack.api)
    chat.send(text="a guy i met on a night out raped me a few months ago and i cant stop thinking about it")
    services = chat.answer_until_services(place="CV11 4HL", use_buttons=False)
    names = [s["name"] for s in services]
    assert "RoSA" in names
    assert names.index("RoSA") < names.index("Rape Crisis 24/7 Rape and Sexual Abuse Support Line")
    chat.end()


@pytest.mark.parametrize("category, local_service, place", [
    ("domestic_abuse", "Refuge - Warwickshire Domestic Violence and Abuse Service", "Nuneaton"),
    ("domestic_abuse", "Freeva (Free From Violence and Abuse)", "LE1 6ZG"),
    ("domestic_abuse", "Derbyshire Domestic Abuse Helpline (The Elm Foundation)", "S40 1LP"),
    ("sexual_violence", "Juniper Lodge Sexual Assault Referral Centre", "Leicester"),
])
def test_buttons_only_reach_the_local_service(stack, category, local_service, place):
    chat = Conversation(stack.api)
    chat.press(f"/disclose_{category}")
    services = chat.answer_until_services(place=place)
    assert local_service in [s["name"] for s in services]
    assert all(s["phones"] or s["url"] for s in services)
    chat.end()


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_answers_with_a_national_line_outside_the_pilot(stack, category):
    chat = Conversation(stack.api)
    chat.press(f"/disclose_{category}")
    services = chat.answer_until_services(place="Coventry" if category != "sexual_violence" else "Nottingham")
    assert any(s["scope"] == "national" and s["phones"] for s in services)
    chat.end()


def test_danger_comes_first_and_the_conversation_carries_on(stack):
    chat = Conversation(stack.api)
    first = chat.send(text="he raped me and hes outside the house now")
    assert first[0]["kind"] == "danger"
    assert "999" in first[0]["text"] and "55" in first[0]["text"]
    services = chat.answer_until_services(place="CV11 4HL")
    assert "RoSA" in [s["name"] for s in services]
    chat.end()


def test_danger_mid_triage_interrupts_the_question(stack):
    chat = Conversation(stack.api)
    chat.press("/disclose_domestic_abuse")
    reply = chat.send(text="hes coming back and he said hell kill me")
    assert reply[0]["kind"] == "danger"
    assert chat.answer_until_services(place="CV11 4HL")
    chat.end()


def test_a_partner_page_area_means_nobody_is_asked_where_they_are(stack):
    chat = Conversation(stack.api, area="derby-derbyshire")
    chat.press("/disclose_domestic_abuse")
    services = chat.answer_until_services(place="this should not be asked for")
    assert "Derbyshire Domestic Abuse Helpline (The Elm Foundation)" in [s["name"] for s in services]
    chat.end()


def test_own_behaviour_gets_the_respect_phoneline(stack):
    chat = Conversation(stack.api)
    reply = chat.send(text="i keep losing my temper and shouting at my partner and i want to stop")
    assert "Respect Phoneline" in [s["name"] for s in services_in(reply)] or any(
        "0808 802 4040" in (m.get("text") or "") for m in reply)
    chat.end()


def test_out_of_scope_points_to_the_council_not_a_helpline_list(stack):
    chat = Conversation(stack.api, council_url="https://www.example.gov.uk/")
    reply = chat.send(text="when is my bin collection day")
    said = "\n".join(m.get("text") or "" for m in reply)
    assert "https://www.example.gov.uk/" in said
    assert not services_in(reply) and "0808" not in said
    chat.end()


def test_ending_deletes_the_conversation_from_redis(stack):
    chat = Conversation(stack.api)
    chat.press("/disclose_stalking")
    key = "tracker:" + conversation_key(chat.session_id, DEVELOPMENT_SESSION_SECRET.encode())
    assert stack.redis_cli("-n", "0", "exists", key) == "1"
    ttl = int(stack.redis_cli("-n", "0", "ttl", key))
    assert 0 < ttl <= 1800  # conversations expire from Redis on their own too
    chat.end()
    assert stack.redis_cli("-n", "0", "exists", key) == "0"
    assert stack.redis_cli("-n", "1", "keys", "*" + key.split(":")[1] + "*") == ""


def test_no_message_text_postcode_or_address_in_any_log(stack):
    chat = Conversation(stack.api)
    chat.send(text="canary-pangolin-4417 my husband hits me")
    chat.answer_until_services(place="LE15 6RB")
    chat.end()
    for name in ("api", "actions", "rasa"):
        log = stack.log(name)
        assert log, f"{name} wrote no log at all"
        for secret in ("canary-pangolin-4417", "husband", "LE15 6RB", "LE15", chat.session_id):
            assert secret not in log, f"{secret!r} found in the {name} log"
        assert not re.search(r"127\.0\.0\.1:\d+ - \"", log)  # no access-log lines with client addresses
