"""action_signpost marks each answer for the commissioners' counts (docs/insights.md):
the kind of abuse, the area no finer than a pilot area, and one of three outcomes."""

from __future__ import annotations

import pytest

from actions.signpost import ActionSignpost
from tests.bot.helpers import down, json_response, make_tracker, signpost_answer
from tests.bot.test_signpost import RAPE_CRISIS, REFUGE, ROSA, WARWICKSHIRE

NATIONAL_DA = {**REFUGE, "id": "ndah", "name": "National Domestic Abuse Helpline", "scope": "national",
               "group": "national"}


def marks(dispatcher) -> list[dict]:
    return [
        (m.get("custom") or {})["signpost_outcome"]
        for m in dispatcher.messages
        if "signpost_outcome" in (m.get("custom") or {})
    ]


async def answer(dispatcher, domain, directory_api, slots, by_category, **where):
    def handler(request):
        category = request.url.params["category"]
        return json_response(signpost_answer(category, by_category[category], **where))

    directory_api(handler)
    await ActionSignpost().run(dispatcher, make_tracker(slots=slots), domain)
    return marks(dispatcher)


@pytest.mark.asyncio
async def test_local_help_in_a_pilot_area_is_signposted_locally(dispatcher, domain, directory_api):
    found = await answer(
        dispatcher, domain, directory_api,
        {"categories": ["sexual_violence"], "area": "warwickshire", "postcode": "CV11 4HL"},
        {"sexual_violence": [ROSA, RAPE_CRISIS]}, area=WARWICKSHIRE,
    )
    assert found == [{"category": "sexual_violence", "area": "warwickshire", "outcome": "signposted_locally"}]
    assert "CV11" not in repr(found)


@pytest.mark.asyncio
async def test_no_local_service_in_a_pilot_area_is_a_gap(dispatcher, domain, directory_api):
    found = await answer(
        dispatcher, domain, directory_api,
        {"categories": ["stalking", "domestic_abuse"], "area": "warwickshire"},
        {"stalking": [NATIONAL_DA], "domestic_abuse": [REFUGE, NATIONAL_DA]}, area=WARWICKSHIRE,
    )
    assert found == [
        {"category": "stalking", "area": "warwickshire", "outcome": "no_local_service"},
        {"category": "domestic_abuse", "area": "warwickshire", "outcome": "signposted_locally"},
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize("status, area", [("outside_pilot", "outside"), ("not_given", "unknown")])
async def test_outside_the_pilot_or_nowhere_given_is_national_only(dispatcher, domain, directory_api, status, area):
    found = await answer(
        dispatcher, domain, directory_api, {"categories": ["domestic_abuse"]},
        {"domestic_abuse": [NATIONAL_DA]}, area_status=status,
    )
    assert found == [{"category": "domestic_abuse", "area": area, "outcome": "national_only"}]


@pytest.mark.asyncio
async def test_with_the_directory_down_the_bundled_lines_are_national_only(dispatcher, domain, directory_api):
    directory_api(down)
    slots = {"categories": ["fgm"], "area": "derby-derbyshire"}
    await ActionSignpost().run(dispatcher, make_tracker(slots=slots), domain)
    # Marked as from the bundle: the emergency guidance shown first is a precaution, not danger.
    assert marks(dispatcher) == [
        {"category": "fgm", "area": "derby-derbyshire", "outcome": "national_only", "from_bundle": True}
    ]


def reach_marks(dispatcher) -> list[dict]:
    return [
        (m.get("custom") or {})["signpost_reach"]
        for m in dispatcher.messages
        if "signpost_reach" in (m.get("custom") or {})
    ]


@pytest.mark.asyncio
async def test_who_the_answer_was_for_goes_once_with_the_first_answer(dispatcher, domain, directory_api):
    await answer(
        dispatcher, domain, directory_api,
        {"categories": ["stalking", "domestic_abuse"], "area": "warwickshire", "age_group": "adult",
         "age": 64.0, "identity": "male_lgbt", "about_self": "someone_else", "language": "ur"},
        {"stalking": [NATIONAL_DA], "domestic_abuse": [REFUGE, NATIONAL_DA]}, area=WARWICKSHIRE,
    )
    assert reach_marks(dispatcher) == [{"area": "warwickshire", "age_band": "60_or_over",
                                        "identity": "men_and_lgbt", "language": "ur", "about": "someone_else"}]


@pytest.mark.asyncio
@pytest.mark.parametrize("slots,age_band,identity,about", [
    ({"age_group": "under_18", "identity": "neither", "about_self": "self"}, "under_18", "neither", "self"),
    ({"age_group": "adult", "identity": "lgbt"}, "adult", "lgbt", "not_said"),
    ({"age_group": "not_said", "identity": "not_said", "about_self": "not_said"}, "not_said", "not_said", "not_said"),
    ({}, "not_said", "not_said", "not_said"),
])
async def test_the_reach_mark_has_bands_never_ages(dispatcher, domain, directory_api, slots, age_band, identity,
                                                   about):
    await answer(dispatcher, domain, directory_api, {"categories": ["stalking"], **slots},
                 {"stalking": [NATIONAL_DA]}, area_status="not_given")
    [mark] = reach_marks(dispatcher)
    assert mark == {"area": "unknown", "age_band": age_band, "identity": identity, "language": "en",
                    "about": about}


@pytest.mark.asyncio
async def test_the_own_behaviour_route_is_marked(dispatcher, domain, directory_api):
    from actions.own_behaviour import ActionOwnBehaviour

    directory_api(down)
    await ActionOwnBehaviour().run(dispatcher, make_tracker(slots={"area": "derby-derbyshire"}), domain)
    routes = [(m.get("custom") or {}).get("signpost_route") for m in dispatcher.messages
              if "signpost_route" in (m.get("custom") or {})]
    assert routes == [{"route": "own_behaviour", "area": "derby-derbyshire"}]
