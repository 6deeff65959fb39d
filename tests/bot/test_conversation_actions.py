"""The other actions: a new session, a disclosure, own behaviour, out of scope, and
the fallback that is never a dead end."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.disclosure import ActionRegisterDisclosure
from actions.fallback import ActionDefaultFallback
from actions.out_of_scope import ActionOutOfScope
from actions.own_behaviour import ActionOwnBehaviour
from actions.session import ActionSessionStart
from tests.bot.helpers import (
    down,
    json_response,
    make_tracker,
    responses,
    service,
    service_lists,
    signpost_answer,
    texts,
)

# A new session


@pytest.mark.asyncio
async def test_a_session_keeps_the_pages_area_and_language_and_nothing_else(dispatcher, domain):
    tracker = make_tracker(
        slots={
            "session_started_metadata": {
                "area": "warwickshire",
                "language": "en-GB",
                "user_ip": "203.0.113.7",
            }
        }
    )
    events = await ActionSessionStart().run(dispatcher, tracker, domain)
    assert [e["event"] for e in events] == ["session_started", "slot", "slot", "action"]
    assert SlotSet("language", "en") in events and SlotSet("area", "warwickshire") in events
    assert "203.0.113.7" not in repr(events)
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_a_session_without_metadata_is_in_english_with_no_area(dispatcher, domain):
    events = await ActionSessionStart().run(
        dispatcher, make_tracker(slots={"language": "xx"}), domain
    )
    assert SlotSet("language", "en") in events
    assert not any(e.get("name") == "area" for e in events)


@pytest.mark.asyncio
async def test_an_unsupported_language_falls_back_to_english(dispatcher, domain):
    tracker = make_tracker(slots={"session_started_metadata": {"language": "tlh"}})
    events = await ActionSessionStart().run(dispatcher, tracker, domain)
    assert SlotSet("language", "en") in events


# A disclosure


@pytest.mark.asyncio
async def test_a_first_message_disclosure_is_believed_and_says_what_happens_next(
    dispatcher, domain
):
    tracker = make_tracker(
        intent="disclose_domestic_abuse",
        text="my husband hits me",
        events=[{"event": "session_started"}, {"event": "action", "name": "action_listen"}],
    )
    events = await ActionRegisterDisclosure().run(dispatcher, tracker, domain)
    said = texts(dispatcher)
    assert said[0].startswith(
        "I'm Signpost, an automated assistant, not a person or an emergency service."
    )
    assert "Shift three times" in said[0]
    assert (
        said[1]
        == "Thank you for telling me. What's happening is not your fault, and you deserve to be safe."
    )
    assert said[2].startswith("I'll look for support with domestic abuse.")
    assert SlotSet("categories", ["domestic_abuse"]) in events


@pytest.mark.asyncio
async def test_a_disclosure_about_a_friend_speaks_of_them_and_skips_the_question(
    dispatcher, domain
):
    tracker = make_tracker(
        intent="disclose_sexual_violence",
        entities=[{"entity": "subject", "value": "friend"}],
        events=[{"event": "session_started"}, {"event": "bot", "text": "Hello."}],
    )
    events = await ActionRegisterDisclosure().run(dispatcher, tracker, domain)
    said = texts(dispatcher)
    assert said[0].startswith(
        "Thank you for telling me. It's good that you're looking out for them."
    )
    assert SlotSet("about_self", "someone_else") in events


@pytest.mark.asyncio
async def test_two_kinds_of_abuse_in_one_message_are_both_kept(dispatcher, domain):
    tracker = make_tracker(
        intent="disclose_domestic_abuse",
        text="he hits me and he forces me to have sex",
        ranking=[
            {"name": "disclose_domestic_abuse", "confidence": 0.55},
            {"name": "disclose_sexual_violence", "confidence": 0.38},
            {"name": "disclose_stalking", "confidence": 0.04},
        ],
        events=[{"event": "bot", "text": "Hello."}],
    )
    events = await ActionRegisterDisclosure().run(dispatcher, tracker, domain)
    assert SlotSet("categories", ["domestic_abuse", "sexual_violence"]) in events
    assert "domestic abuse and sexual violence" in texts(dispatcher)[-1]


@pytest.mark.asyncio
async def test_a_second_kind_of_abuse_named_in_words_is_kept_even_if_ranked_low(dispatcher, domain):
    """What the classifier really gives this message: domestic abuse 0.83, sexual violence 0.15."""
    tracker = make_tracker(
        intent="disclose_domestic_abuse",
        text="my boyfriend hits me and he forces me to have sex",
        ranking=[
            {"name": "disclose_domestic_abuse", "confidence": 0.83},
            {"name": "disclose_sexual_violence", "confidence": 0.15},
        ],
        events=[{"event": "bot", "text": "Hello."}],
    )
    events = await ActionRegisterDisclosure().run(dispatcher, tracker, domain)
    assert SlotSet("categories", ["domestic_abuse", "sexual_violence"]) in events


@pytest.mark.asyncio
async def test_a_new_category_is_added_to_the_ones_already_known(dispatcher, domain):
    tracker = make_tracker(
        slots={"categories": ["stalking"], "answered_categories": ["stalking"]},
        intent="disclose_fgm",
        events=[{"event": "bot", "text": "Hello."}],
    )
    events = await ActionRegisterDisclosure().run(dispatcher, tracker, domain)
    assert SlotSet("categories", ["stalking", "fgm"]) in events
    assert "female genital mutilation (FGM)" in texts(dispatcher)[-1]


# Own behaviour


@pytest.mark.asyncio
async def test_own_behaviour_gets_the_respect_phoneline_warmly(dispatcher, domain, directory_api):
    respect = service(
        "Respect Phoneline",
        "0808 802 4040",
        ["domestic_abuse"],
        ["helpline", "own_behaviour"],
        group="national",
        open_now=None,
    )
    ndah = service(
        "National Domestic Abuse Helpline",
        "0808 2000 247",
        ["domestic_abuse"],
        ["helpline"],
        group="national",
    )
    api = directory_api(
        lambda request: json_response(
            signpost_answer("domestic_abuse", [respect, ndah], area_status="not_given")
        )
    )
    await ActionOwnBehaviour().run(dispatcher, make_tracker(), domain)
    assert api.params("/signpost") == [
        {"category": "domestic_abuse", "need": "own_behaviour", "language": "en"}
    ]
    assert responses(dispatcher)[0] == "utter_own_behaviour_intro"
    said = "\n".join(texts(dispatcher))
    assert "Respect Phoneline" in said and "0808 802 4040" in said
    assert [s["name"] for s in service_lists(dispatcher)[0]["services"]] == ["Respect Phoneline"]
    assert "National Domestic Abuse Helpline" not in said
    assert "They won't judge you." in said


@pytest.mark.asyncio
async def test_own_behaviour_with_the_directory_down_uses_the_bundled_line(
    dispatcher, domain, directory_api
):
    directory_api(down)
    await ActionOwnBehaviour().run(dispatcher, make_tracker(), domain)
    assert "Call: 0808 802 4040" in "\n".join(texts(dispatcher))


# Out of scope


@pytest.mark.asyncio
async def test_out_of_scope_points_to_the_council_not_to_helplines(dispatcher, domain):
    await ActionOutOfScope().run(dispatcher, make_tracker(intent="out_of_scope"), domain)
    said = texts(dispatcher)
    assert len(said) == 1
    assert "https://www.gov.uk/find-local-council" in said[0]
    assert "0808" not in said[0] and "Call:" not in said[0]


@pytest.mark.asyncio
async def test_out_of_scope_uses_the_partner_councils_site_when_the_page_gives_it(
    dispatcher, domain
):
    tracker = make_tracker(
        intent="out_of_scope", metadata={"council_url": "https://www.warwickshire.gov.uk/"}
    )
    await ActionOutOfScope().run(dispatcher, tracker, domain)
    assert "https://www.warwickshire.gov.uk/" in texts(dispatcher)[0]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "url", ["http://example.test/", "javascript:alert(1)", "https://a b.test/", 7]
)
async def test_a_council_address_that_is_not_a_plain_https_link_is_ignored(url, dispatcher, domain):
    await ActionOutOfScope().run(
        dispatcher, make_tracker(intent="out_of_scope", metadata={"council_url": url}), domain
    )
    assert "https://www.gov.uk/find-local-council" in texts(dispatcher)[0]


# The fallback


@pytest.mark.asyncio
async def test_the_fallback_offers_buttons_and_national_helplines(dispatcher, domain):
    events = await ActionDefaultFallback().run(
        dispatcher, make_tracker(intent="inform", text="blah"), domain
    )
    said = texts(dispatcher)
    assert said[0] == "Sorry, I didn't quite understand."
    assert "National Domestic Abuse Helpline: 0808 2000 247" in said[1]
    assert "Rape Crisis 24/7 Rape and Sexual Abuse Support Line: 0808 500 2222" in said[1]
    payloads = [b["payload"] for b in dispatcher.messages[-1]["buttons"]]
    assert "/disclose_domestic_abuse" in payloads and "/immediate_danger" in payloads
    assert events == [{"event": "rewind", "timestamp": None}]


@pytest.mark.asyncio
async def test_the_fallback_during_the_triage_asks_the_question_again(dispatcher, domain):
    tracker = make_tracker(
        slots={"requested_slot": "age_group", "about_self": "someone_else"},
        intent="greet",
        active_loop="triage_form",
    )
    await ActionDefaultFallback().run(dispatcher, tracker, domain)
    assert responses(dispatcher)[0] == "utter_fallback_in_form"
    assert dispatcher.messages[1]["text"].startswith("How old are they?")
