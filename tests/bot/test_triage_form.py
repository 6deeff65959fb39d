"""The triage form: which questions are asked, how answers are read, and where
the person is (GET /areas/resolve), including every "I'd rather not say"."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.triage_form import (
    ActionAskAgeGroup,
    ActionAskIdentity,
    ActionAskLocation,
    ActionAskRecentAssault,
    FORM_SLOTS,
    ValidateTriageForm,
    required_triage_slots,
)
from tests.bot.helpers import down, json_response, make_tracker, responses


@pytest.fixture
def domain() -> dict:
    """What Rasa sends these actions for a domain: nothing (no action declares send_domain)."""
    return {}


def test_the_form_keeps_the_same_slots_as_the_domain():
    from rasa.shared.core.domain import Domain

    from tests.bot.conftest import BOT_DIR

    domain = Domain.load(str(BOT_DIR / "domain"))
    assert FORM_SLOTS == domain.as_dict()["forms"]["triage_form"]["required_slots"]
    assert domain.user_actions and not [
        action for action in domain.user_actions if domain.does_custom_action_explicitly_need_domain(action)
    ], "an action asks for the domain, which Rasa would then encode on every call (docs/benchmarks.md)"


def form_tracker(slots: dict, answered: dict, requested: str, **message):
    """The tracker the validation action receives: slots set this turn at the end."""
    events = [{"event": "action", "name": "triage_form"}]
    events += [{"event": "slot", "name": "requested_slot", "value": requested}]
    events += [{"event": "slot", "name": name, "value": value} for name, value in answered.items()]
    return make_tracker(
        slots={**slots, **answered, "requested_slot": requested},
        events=events,
        active_loop="triage_form",
        **message,
    )


async def validate(dispatcher, tracker, domain) -> dict:
    events = await ValidateTriageForm().run(dispatcher, tracker, domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def resolution(status: str, **fields) -> dict:
    body = {
        "query_kind": "place",
        "status": status,
        "area": None,
        "local_authority": None,
        "candidates": [],
        "postcode": None,
    }
    body.update(fields)
    return body


ANSWERED = {"about_self": "self", "age_group": "adult", "identity": "neither"}
WARWICKSHIRE = {"id": "warwickshire", "name": "Warwickshire"}
NUNEATON = {"code": "E07000219", "name": "Nuneaton and Bedworth"}
NEWTONS = [
    {
        "area": {"id": "derby-derbyshire", "name": "Derby and Derbyshire"},
        "local_authority": {"code": "E07000032", "name": "Amber Valley"},
        "label": "Newton, Amber Valley",
    },
    {
        "area": {
            "id": "leicester-leicestershire-rutland",
            "name": "Leicester, Leicestershire and Rutland",
        },
        "local_authority": {"code": "E07000132", "name": "Hinckley and Bosworth"},
        "label": "Newton, Hinckley and Bosworth",
    },
]


# Which questions


@pytest.mark.parametrize(
    "slots,expected",
    [
        ({"categories": ["domestic_abuse"]}, ["about_self", "age_group", "identity", "location"]),
        (
            {"categories": ["sexual_violence"]},
            ["about_self", "age_group", "identity", "location", "recent_assault"],
        ),
        # No national line for men or LGBT+ people about FGM: that question changes nothing.
        ({"categories": ["fgm"]}, ["about_self", "age_group", "location"]),
        (
            {"categories": ["fgm", "sexual_violence"]},
            ["about_self", "age_group", "identity", "location", "recent_assault"],
        ),
        # The page passed its area: no need to ask where.
        (
            {"categories": ["stalking"], "area": "warwickshire"},
            ["about_self", "age_group", "identity"],
        ),
    ],
)
def test_only_questions_that_change_the_answer_are_asked(slots, expected):
    assert required_triage_slots(slots) == expected


@pytest.mark.asyncio
async def test_the_area_from_the_page_metadata_skips_the_location_question(dispatcher, domain):
    tracker = form_tracker(
        {"categories": ["stalking"], "about_self": "self"},
        {"age_group": "adult"},
        "age_group",
        intent="deny",
        metadata={"area": "derby-derbyshire", "language": "en-GB"},
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["area"] == "derby-derbyshire"
    assert slots["requested_slot"] == "identity"


@pytest.mark.asyncio
async def test_an_unknown_area_in_the_metadata_is_ignored(dispatcher, domain):
    tracker = form_tracker(
        {"categories": ["fgm"], "about_self": "self"},
        {"age_group": "adult"},
        "age_group",
        intent="deny",
        metadata={"area": "atlantis"},
    )
    slots = await validate(dispatcher, tracker, domain)
    assert "area" not in slots
    assert slots["requested_slot"] == "location"


@pytest.mark.asyncio
async def test_when_everything_is_answered_the_form_ends(dispatcher, domain):
    tracker = form_tracker(
        {"categories": ["fgm"], "about_self": "self", "age_group": "adult"},
        {"location": "not_said"},
        "location",
        intent="rather_not_say",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["requested_slot"] is None


# Reading the answers


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "slot,value,expected",
    [
        ("about_self", "self", {"about_self": "self"}),
        ("about_self", "friend", {"about_self": "someone_else"}),  # a `subject` entity
        ("about_self", "not_said", {"about_self": "not_said"}),
        ("age_group", "under_18", {"age_group": "under_18"}),
        ("age_group", "I'm 15", {"age_group": "under_18", "age": 15}),
        ("age_group", "she's 12 years old", {"age_group": "under_18", "age": 12}),
        ("age_group", "34", {"age_group": "adult", "age": 34}),
        ("age_group", "not_said", {"age_group": "not_said"}),
        ("age_group", "a teenager", {"age_group": None}),
        ("identity", "male_lgbt", {"identity": "male_lgbt"}),
        ("identity", "neither", {"identity": "neither"}),
        ("identity", "not_said", {"identity": "not_said"}),
        ("identity", "martian", {"identity": None}),
        ("recent_assault", "yes", {"recent_assault": "yes"}),
        ("recent_assault", "unsure", {"recent_assault": "unsure"}),
        ("recent_assault", "not_said", {"recent_assault": "not_said"}),
    ],
)
async def test_answers_are_read_and_checked(slot, value, expected, dispatcher, domain):
    tracker = form_tracker(
        {"categories": ["sexual_violence"]}, {slot: value}, slot, intent="inform"
    )
    slots = await validate(dispatcher, tracker, domain)
    for name, wanted in expected.items():
        assert slots[name] == wanted


# Where the person is


@pytest.mark.asyncio
async def test_a_postcode_resolves_to_its_area_and_is_kept_for_the_answer(
    dispatcher, domain, directory_api
):
    api = directory_api(
        lambda request: json_response(
            resolution(
                "resolved",
                query_kind="postcode",
                area=WARWICKSHIRE,
                local_authority=NUNEATON,
                postcode="CV11 4HL",
            )
        )
    )
    tracker = form_tracker(
        {**ANSWERED, "categories": ["domestic_abuse"]},
        {"location": "cv11 4hl"},
        "location",
        intent="inform",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert api.params("/areas/resolve") == [{"q": "cv11 4hl"}]
    assert slots["area"] == "warwickshire" and slots["area_name"] == "Nuneaton and Bedworth"
    assert slots["postcode"] == "CV11 4HL"
    assert slots["requested_slot"] is None
    assert dispatcher.messages == []


@pytest.mark.asyncio
async def test_a_town_resolves_to_its_area_without_a_postcode(dispatcher, domain, directory_api):
    directory_api(
        lambda request: json_response(
            resolution("resolved", area=WARWICKSHIRE, local_authority=NUNEATON)
        )
    )
    tracker = form_tracker(
        {**ANSWERED, "categories": ["domestic_abuse"]},
        {"location": "Nuneaton"},
        "location",
        intent="inform",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["area"] == "warwickshire" and "postcode" not in slots


@pytest.mark.asyncio
async def test_an_ambiguous_place_asks_which_one_with_candidate_buttons(
    dispatcher, domain, directory_api
):
    directory_api(lambda request: json_response(resolution("ambiguous", candidates=NEWTONS)))
    tracker = form_tracker(
        {**ANSWERED, "categories": ["stalking"]},
        {"location": "Newton"},
        "location",
        intent="inform",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["location"] is None and slots["place_candidates"] == NEWTONS
    assert slots["requested_slot"] == "location"

    # The form then asks again: which one?
    ask = CollectingDispatcher()
    await ActionAskLocation().run(ask, make_tracker(slots={"place_candidates": NEWTONS}), domain)
    buttons = ask.messages[0]["buttons"]
    assert [b["title"] for b in buttons] == [
        "Newton, Amber Valley",
        "Newton, Hinckley and Bosworth",
        "None of these",
        "I'd rather not say",
    ]
    assert [b["payload"] for b in buttons][:2] == [
        "Newton, Amber Valley",
        "Newton, Hinckley and Bosworth",
    ]


@pytest.mark.asyncio
async def test_choosing_a_candidate_settles_the_place_without_asking_the_directory_again(
    dispatcher, domain, directory_api
):
    api = directory_api(down)
    tracker = form_tracker(
        {**ANSWERED, "categories": ["stalking"], "place_candidates": NEWTONS},
        {"location": "Newton, Hinckley and Bosworth"},
        "location",
        intent="inform",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["area"] == "leicester-leicestershire-rutland"
    assert slots["area_name"] == "Hinckley and Bosworth"
    assert slots["place_candidates"] is None
    assert api.requests == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "answer,area",
    [
        ("the first one", "derby-derbyshire"),
        ("2", "leicester-leicestershire-rutland"),
        ("the last one", "leicester-leicestershire-rutland"),
        ("hinckley", "leicester-leicestershire-rutland"),
    ],
)
async def test_a_candidate_can_be_chosen_in_words(answer, area, dispatcher, domain, directory_api):
    directory_api(down)
    tracker = form_tracker(
        {**ANSWERED, "categories": ["stalking"], "place_candidates": NEWTONS},
        {"location": answer},
        "location",
        intent="inform",
    )
    assert (await validate(dispatcher, tracker, domain))["area"] == area


@pytest.mark.asyncio
async def test_a_candidate_outside_the_pilot_means_national_services(
    dispatcher, domain, directory_api
):
    abbot = {
        "area": None,
        "local_authority": {"code": "E07000045", "name": "Teignbridge"},
        "label": "Newton Abbot",
    }
    directory_api(down)
    tracker = form_tracker(
        {**ANSWERED, "categories": ["stalking"], "place_candidates": [*NEWTONS, abbot]},
        {"location": "Newton Abbot"},
        "location",
        intent="inform",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["area"] == "outside"
    assert responses(dispatcher) == ["utter_outside_pilot"]


@pytest.mark.asyncio
async def test_none_of_the_candidates_asks_once_more(dispatcher, domain, directory_api):
    directory_api(down)
    tracker = form_tracker(
        {**ANSWERED, "categories": ["stalking"], "place_candidates": NEWTONS},
        {"location": "none_of_these"},
        "location",
        intent="deny",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["location"] is None and slots["location_attempts"] == 1


@pytest.mark.asyncio
async def test_a_button_from_another_question_is_not_taken_for_a_place(
    dispatcher, domain, directory_api
):
    api = directory_api(down)
    tracker = form_tracker(
        {**ANSWERED, "categories": ["stalking"]},
        {"location": '/inform{"recent_assault": "unsure"}'},
        "location",
        intent="inform",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["location"] is None and "location_attempts" not in slots
    assert api.requests == []


@pytest.mark.asyncio
async def test_outside_the_pilot_means_national_services_said_kindly(
    dispatcher, domain, directory_api
):
    directory_api(
        lambda request: json_response(
            resolution("outside_pilot", local_authority={"code": "E08000003", "name": "Manchester"})
        )
    )
    tracker = form_tracker(
        {**ANSWERED, "categories": ["domestic_abuse"]},
        {"location": "Manchester"},
        "location",
        intent="inform",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["area"] == "outside"
    assert responses(dispatcher) == ["utter_outside_pilot"]


@pytest.mark.asyncio
async def test_a_place_not_found_is_asked_for_once_more_then_national(
    dispatcher, domain, directory_api
):
    directory_api(lambda request: json_response(resolution("not_found", query_kind="unknown")))
    first = await validate(
        dispatcher,
        form_tracker(
            {**ANSWERED, "categories": ["fgm"]},
            {"location": "Smallvillage"},
            "location",
            intent="inform",
        ),
        domain,
    )
    assert (
        first["location"] is None
        and first["location_attempts"] == 1
        and first["requested_slot"] == "location"
    )
    assert dispatcher.messages == []  # the question itself says "try a postcode"

    ask = CollectingDispatcher()
    await ActionAskLocation().run(ask, make_tracker(slots={"location_attempts": 1}), domain)
    assert responses(ask) == ["utter_place_not_found"]

    second = await validate(
        dispatcher,
        form_tracker(
            {**ANSWERED, "categories": ["fgm"], "location_attempts": 1},
            {"location": "Littleplace"},
            "location",
            intent="inform",
        ),
        domain,
    )
    assert second["location"] == "not_found" and second["requested_slot"] is None
    assert responses(dispatcher) == ["utter_place_national_instead"]


@pytest.mark.asyncio
async def test_the_directory_down_means_national_services_without_an_error(
    dispatcher, domain, directory_api
):
    directory_api(down)
    tracker = form_tracker(
        {**ANSWERED, "categories": ["domestic_abuse"]},
        {"location": "Warwick"},
        "location",
        intent="inform",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["location"] == "unresolved" and slots["requested_slot"] is None
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize("value", ["not_said", "none_of_these"])
async def test_rather_not_say_where_still_leads_to_help(value, dispatcher, domain, directory_api):
    api = directory_api(down)
    tracker = form_tracker(
        {**ANSWERED, "categories": ["domestic_abuse"]},
        {"location": value},
        "location",
        intent="rather_not_say",
    )
    slots = await validate(dispatcher, tracker, domain)
    assert slots["location"] == "not_said" and slots["requested_slot"] is None
    assert api.requests == []


# Asking in the words that fit


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "action,about_self,expected",
    [
        (ActionAskLocation, "self", "utter_ask_location_self"),
        (ActionAskLocation, "someone_else", "utter_ask_location_other"),
    ],
)
async def test_questions_say_you_or_they(action, about_self, expected, dispatcher, domain):
    await action().run(dispatcher, make_tracker(slots={"about_self": about_self}), domain)
    assert responses(dispatcher) == [expected]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "action,about_self,text,first_button",
    [
        (ActionAskAgeGroup, "self", "How old are you?", "Under 18"),
        (ActionAskAgeGroup, "not_said", "How old are you?", "Under 18"),
        (ActionAskAgeGroup, "someone_else", "How old are they?", "Under 18"),
        (ActionAskIdentity, "self", "Would either fit you?", "I'm a man or boy"),
        (ActionAskIdentity, "someone_else", "Would either fit them?", "A man or boy"),
        (ActionAskRecentAssault, "self", "Did it happen in the last 7 days?", "Yes"),
    ],
)
async def test_questions_with_entity_buttons_are_rendered_by_the_action(
    action, about_self, text, first_button, dispatcher, domain
):
    """Their payloads (`/inform{"identity": "male"}`) cannot live in the domain."""
    await action().run(dispatcher, make_tracker(slots={"about_self": about_self}), domain)
    [message] = dispatcher.messages
    assert text in message["text"]
    assert message["buttons"][0]["title"] == first_button
    assert any("{" in b["payload"] for b in message["buttons"])
    assert message["buttons"][-1] == {"title": "I'd rather not say", "payload": "/rather_not_say"}


@pytest.mark.parametrize(
    "answer,query",
    [
        ("Rugby", "Rugby"),
        ("I live in Manchester", "Manchester"),
        ("im in derby now", "derby"),
        ("near chesterfield", "chesterfield"),
        ("she lives in hinckley", "hinckley"),
        ("a village near market harborough", "market harborough"),
        ("i'm staying in leamington at the moment", "leamington"),
        ("my postcode is le3 6rj", "le3 6rj"),
        ("I live at 12 High St, CV34 4RL", "CV34 4RL"),
        ("Stratford upon Avon", "Stratford upon Avon"),
        ("Ilkeston", "Ilkeston"),
    ],
)
def test_the_directory_is_asked_about_the_place_not_the_sentence(answer, query):
    from actions.places import place_query

    assert place_query(answer) == query


@pytest.mark.asyncio
async def test_the_age_question_offers_three_bands_and_still_can_be_skipped(dispatcher, domain):
    await ActionAskAgeGroup().run(dispatcher, make_tracker(slots={"about_self": "self"}), domain)
    [message] = dispatcher.messages
    assert [b["title"] for b in message["buttons"]] == ["Under 18", "18 to 59", "60 or over", "I'd rather not say"]
    assert message["buttons"][2]["payload"] == '/inform{"age_group": "60_or_over"}'


@pytest.mark.parametrize(
    "value,expected",
    [
        ('/inform{"age_group": "60_or_over"}', {"age_group": "60_or_over"}),
        ("60_or_over", {"age_group": "60_or_over"}),
        ("I'm 67", {"age_group": "60_or_over", "age": 67}),
        ("she's 15", {"age_group": "under_18", "age": 15}),
        ("34", {"age_group": "adult", "age": 34}),
    ],
)
def test_the_age_answer_is_read_as_a_band(value, expected, dispatcher, domain):
    form = ValidateTriageForm()
    assert form.validate_age_group(value, dispatcher, make_tracker(), domain) == expected
