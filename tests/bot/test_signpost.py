"""action_signpost: the services for each category, as short cards, then more to
know; from the directory, or from the bundled national helplines when it fails."""

from __future__ import annotations

import pytest

from actions.signpost import ActionSignpost
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

WARWICKSHIRE = {"id": "warwickshire", "name": "Warwickshire"}
NUNEATON = {"code": "E07000219", "name": "Nuneaton and Bedworth"}

BLUE_SKY = service(
    "The Blue Sky Centre (Sexual Assault Referral Centre)",
    "01926 507 805",
    ["sexual_violence"],
    ["sarc"],
    open_now=True,
    open_24_7=False,
    hours="Every day",
    url="https://blueskycentre.org.uk/",
    description="Medical care, forensic examination and support after rape or sexual assault. Based in Nuneaton.",
)
ROSA = service(
    "RoSA",
    "01788 551 151",
    ["sexual_violence"],
    ["specialist_support"],
    open_now=False,
    hours="Monday to Friday 9am to 5pm",
    url="https://www.rosasupport.org/",
    description="Free, confidential support for anyone who has experienced rape or sexual abuse.",
)
RAPE_CRISIS = service(
    "Rape Crisis 24/7 Rape and Sexual Abuse Support Line",
    "0808 500 2222",
    ["sexual_violence"],
    ["helpline"],
    group="national",
    open_now=True,
    open_24_7=True,
    hours="24 hours a day, every day",
)
REFUGE = service(
    "Refuge - Warwickshire Domestic Violence and Abuse Service",
    "0800 408 1552",
    ["domestic_abuse"],
    ["helpline", "idva"],
    open_now=None,
    description="The county-wide service for domestic abuse.",
)
SAMARITANS = service(
    "Samaritans", "116 123", [], ["helpline"], group="general", open_now=True, open_24_7=True
)


def directory_answering(by_category: dict):
    def handler(request):
        category = request.url.params["category"]
        return json_response(
            signpost_answer(
                category, by_category[category], area=WARWICKSHIRE, local_authority=NUNEATON
            )
        )

    return handler


async def run(dispatcher, slots, domain):
    tracker = make_tracker(slots=slots)
    return await ActionSignpost().run(dispatcher, tracker, domain)


@pytest.mark.asyncio
async def test_a_recent_sexual_assault_gets_the_sarc_first_and_why_timing_matters(
    dispatcher, domain, directory_api
):
    api = directory_api(
        directory_answering({"sexual_violence": [BLUE_SKY, ROSA, RAPE_CRISIS, SAMARITANS]})
    )
    slots = {
        "categories": ["sexual_violence"],
        "about_self": "self",
        "age_group": "adult",
        "identity": "neither",
        "area": "warwickshire",
        "postcode": "CV11 4HL",
        "recent_assault": "yes",
    }
    events = await run(dispatcher, slots, domain)

    assert api.params("/signpost") == [
        {
            "category": "sexual_violence",
            "postcode": "CV11 4HL",
            "need": "sarc",
            "age_band": "18_plus",
            "about": "self",
            "language": "en",
        }
    ]
    assert responses(dispatcher)[0] == "utter_sarc_timing"
    # a SARC serves the place: no need to point to the NHS SARC finder
    assert not any("nhs.uk/sarcs" in text for text in texts(dispatcher))
    [answer] = service_lists(dispatcher)
    assert answer["heading"] == "Support with sexual violence near Nuneaton and Bedworth:"
    assert answer["services"] == [BLUE_SKY, ROSA, RAPE_CRISIS, SAMARITANS]
    assert answer["cards"][0].splitlines() == [
        "The Blue Sky Centre (Sexual Assault Referral Centre)",
        "Medical care, forensic examination and support after rape or sexual assault.",
        "Call: 01926 507 805",
        "Web: https://blueskycentre.org.uk",
        "Open now · Hours: Every day",
    ]
    assert "Closed now · Hours: Monday to Friday 9am to 5pm" in answer["cards"][1]
    assert answer["cards"][2].endswith("Open 24 hours, every day")
    more = dispatcher.messages[-1]
    assert more["text"] == "Would you like to know more? Choose below, or ask me anything."
    titles = [b["title"] for b in more["buttons"]]
    assert "What is an ISVA?" in titles and "What is an IDVA?" not in titles
    assert titles[-2:] == ["Something else is happening too", "That's all for now"]
    assert events == [
        {
            "event": "slot",
            "timestamp": None,
            "name": "answered_categories",
            "value": ["sexual_violence"],
        }
    ]


@pytest.mark.asyncio
async def test_the_query_says_who_the_services_are_for(dispatcher, domain, directory_api):
    api = directory_api(directory_answering({"domestic_abuse": [REFUGE]}))
    await run(
        dispatcher,
        {
            "categories": ["domestic_abuse"],
            "age_group": "under_18",
            "identity": "male_lgbt",
            "area": "warwickshire",
            "language": "en",
        },
        domain,
    )
    assert api.params("/signpost") == [
        {
            "category": "domestic_abuse",
            "area": "warwickshire",
            "age_band": "under_18",
            "gender": "male",
            "lgbt": "true",
            "language": "en",
        }
    ]


@pytest.mark.asyncio
async def test_an_exact_age_is_used_when_given(dispatcher, domain, directory_api):
    api = directory_api(directory_answering({"stalking": [REFUGE]}))
    await run(
        dispatcher,
        {"categories": ["stalking"], "age_group": "under_18", "age": 14.0, "location": "not_said"},
        domain,
    )
    assert api.params("/signpost") == [{"category": "stalking", "age": "14", "language": "en"}]


@pytest.mark.asyncio
async def test_several_categories_each_get_an_answer_and_a_service_is_shown_once(
    dispatcher, domain, directory_api
):
    api = directory_api(
        directory_answering(
            {
                "domestic_abuse": [REFUGE, SAMARITANS],
                "sexual_violence": [ROSA, RAPE_CRISIS, SAMARITANS],
            }
        )
    )
    events = await run(
        dispatcher,
        {
            "categories": ["domestic_abuse", "sexual_violence"],
            "area": "warwickshire",
            "recent_assault": "no",
        },
        domain,
    )
    answers = service_lists(dispatcher)
    assert [a["heading"] for a in answers] == [
        "Support with domestic abuse near Nuneaton and Bedworth:",
        "Support with sexual violence near Nuneaton and Bedworth:",
    ]
    names = [s["name"] for a in answers for s in a["services"]]
    assert names.count("Samaritans") == 1
    assert sorted(p["category"] for p in api.params("/signpost")) == [
        "domestic_abuse",
        "sexual_violence",
    ]
    assert "utter_sarc_timing" not in responses(dispatcher)
    titles = [b["title"] for b in dispatcher.messages[-1]["buttons"]]
    assert "What is an IDVA?" in titles and "What is an ISVA?" in titles
    assert events[0]["value"] == ["domestic_abuse", "sexual_violence"]


@pytest.mark.asyncio
async def test_only_the_new_category_is_answered_the_second_time(dispatcher, domain, directory_api):
    api = directory_api(directory_answering({"sexual_violence": [ROSA]}))
    events = await run(
        dispatcher,
        {
            "categories": ["stalking", "sexual_violence"],
            "answered_categories": ["stalking"],
            "recent_assault": "not_said",
        },
        domain,
    )
    assert [p["category"] for p in api.params("/signpost")] == ["sexual_violence"]
    assert responses(dispatcher)[0] == "utter_sarc_maybe"
    assert events[0]["value"] == ["stalking", "sexual_violence"]


@pytest.mark.asyncio
async def test_the_directory_down_still_gives_the_national_helplines_never_an_error(
    dispatcher, domain, directory_api
):
    directory_api(down)
    await run(
        dispatcher,
        {"categories": ["domestic_abuse"], "identity": "male", "area": "warwickshire"},
        domain,
    )
    [answer] = service_lists(dispatcher)
    assert answer["heading"] == (
        "Support with domestic abuse:\nThese services help wherever you are in England."
    )
    names = [s["name"] for s in answer["services"]]
    # the directory's own order (vocabulary/ranking.py): the line for men first
    assert names == ["Men's Advice Line", "National Domestic Abuse Helpline", "Samaritans"]
    assert "Call: 0808 2000 247" in answer["cards"][1]
    said = texts(dispatcher)
    assert not any("error" in text.lower() or "sorry" in text.lower() for text in said)
    # As when the assistant itself cannot answer: the emergency guidance first.
    assert responses(dispatcher)[0] == "utter_emergency_guidance"


@pytest.mark.asyncio
async def test_with_the_directory_up_no_emergency_guidance_is_added(dispatcher, domain, directory_api):
    directory_api(directory_answering({"stalking": [REFUGE]}))
    await run(dispatcher, {"categories": ["stalking"], "area": "warwickshire"}, domain)
    assert "utter_emergency_guidance" not in responses(dispatcher)


@pytest.mark.asyncio
async def test_asked_by_area_the_heading_names_the_council_area_the_person_chose(
    dispatcher, domain, directory_api
):
    def by_area(request):
        return json_response(signpost_answer("stalking", [ROSA], area=WARWICKSHIRE))

    directory_api(by_area)
    await run(
        dispatcher,
        {"categories": ["stalking"], "area": "warwickshire", "area_name": "Rugby"},
        domain,
    )
    assert service_lists(dispatcher)[0]["heading"] == "Support with stalking near Rugby:"


@pytest.mark.asyncio
async def test_outside_the_pilot_the_heading_says_the_services_help_everywhere(
    dispatcher, domain, directory_api
):
    def outside(request):
        return json_response(
            signpost_answer("stalking", [RAPE_CRISIS], area=None, area_status="outside_pilot")
        )

    api = directory_api(outside)
    await run(dispatcher, {"categories": ["stalking"], "area": "outside"}, domain)
    assert api.params("/signpost")[0]["area"] == "outside"
    assert (
        service_lists(dispatcher)[0]["heading"]
        == "Support with stalking:\nThese services help wherever you are in England."
    )


@pytest.mark.asyncio
async def test_at_most_six_services_per_category(dispatcher, domain, directory_api):
    many = [
        service(
            f"Service {n}", "0808 2000 247", ["domestic_abuse"], ["helpline"], service_id=f"s{n}"
        )
        for n in range(12)
    ]
    directory_api(directory_answering({"domestic_abuse": many}))
    await run(dispatcher, {"categories": ["domestic_abuse"], "area": "warwickshire"}, domain)
    [answer] = service_lists(dispatcher)
    assert len(answer["services"]) == len(answer["cards"]) == 6


@pytest.mark.parametrize(
    "description,summary",
    [
        (
            "Free, confidential support for anyone. Open day and night.",
            "Free, confidential support for anyone.",
        ),
        (
            "The county-wide service for women, men and children experiencing domestic abuse in Warwickshire: a single "
            "point of contact, outreach, Independent Domestic Violence Advisors (IDVAs), refuge accommodation for women "
            "and children, and the Sanctuary Scheme to help you stay safe at home. The adult service is for people aged 16.",
            "The county-wide service for women, men and children experiencing domestic abuse in Warwickshire.",
        ),
        ("word " * 60, ("word " * 40)[: ("word " * 40).rfind(" ", 0, 159)] + "…"),
        (None, ""),
    ],
)
def test_what_a_service_does_fits_in_one_sentence(description, summary):
    from actions.formatting import SUMMARY_MAX_CHARS, one_line_summary

    assert one_line_summary(description) == summary
    assert len(one_line_summary(description)) <= SUMMARY_MAX_CHARS


def test_a_website_only_service_has_no_opening_hours_line():
    from actions.formatting import service_card

    crimestoppers = {
        "name": "Crimestoppers",
        "description": "Tell Crimestoppers online without giving your name.",
        "phones": [],
        "url": "https://crimestoppers-uk.org/keeping-safe/personal-safety/domestic-abuse",
        "hours": None,
        "open_now": None,
    }
    assert service_card(crimestoppers, "en").splitlines() == [
        "Crimestoppers",
        "Tell Crimestoppers online without giving your name.",
        "Web: https://crimestoppers-uk.org/keeping-safe/personal-safety/domestic-abuse",
    ]
