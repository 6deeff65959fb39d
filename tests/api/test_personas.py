"""The persona table (tests/personas.py) through the real /signpost API and the real seed
directory: for every persona, kind of abuse and place, the first cards, and what must never
be among the six a person sees."""
from __future__ import annotations

import pytest

from tests.personas import (
    NHS_SARC_FINDER,
    ONLY_WHEN_IT_COMES_UP,
    PLACES,
    SIX,
    STORIES,
    first_cards,
    table,
)


def ask(client, category: str, place: str, **query) -> list[dict]:
    _area, postcode = PLACES[place]
    params = {"category": category, **({"postcode": postcode} if postcode else {}), **query}
    response = client.get("/signpost", params=params)
    assert response.status_code == 200, response.json()
    return response.json()["services"]


@pytest.fixture(scope="module")
def answers(read_client) -> dict:
    """Every row of the table asked once."""
    return {
        (persona.name, category, place): ask(read_client, category, place, **persona.query())
        for persona, category, place in table()
    }


@pytest.mark.parametrize("persona,category,place", table(), ids=lambda v: getattr(v, "name", v))
def test_the_first_cards_fit_the_person_then_the_need(answers, persona, category, place):
    services = answers[(persona.name, category, place)]
    expected = first_cards(persona, category, place)
    assert [s["name"] for s in services[: len(expected)]] == expected


@pytest.mark.parametrize("persona,category,place", table(), ids=lambda v: getattr(v, "name", v))
def test_nothing_among_the_six_is_closed_to_the_person(answers, persona, category, place):
    six = answers[(persona.name, category, place)][:SIX]
    for service in six:
        eligibility = service["eligibility"]
        assert service["name"] not in ONLY_WHEN_IT_COMES_UP, "nobody mentioned its subject"
        if persona.age_band == "under_18":
            # never an adult-only service (an adult SARC), nor the finder of adult SARCs
            assert (eligibility["minimum_age"] or 0) < 18, service["name"]
            assert service["name"] != NHS_SARC_FINDER
        if persona.gender == "male":
            assert "women_only" not in eligibility["attributes"], service["name"]
        if eligibility["audience"] == "children" or eligibility["audience"] == "worried_about_child":
            assert persona.age_band == "under_18", service["name"]
        if eligibility["audience"] == "men":
            assert persona.gender == "male", service["name"]


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.name)
def test_the_stories_from_the_issue(read_client, story):
    services = ask(read_client, story.category, story.place, **story.query)
    names = [s["name"] for s in services]
    six = names[:SIX]
    assert names[: len(story.first)] == story.first
    for wanted in story.among_six:
        assert wanted in six, (wanted, six)
    for unwanted in story.never:
        assert unwanted not in six, (unwanted, six)


@pytest.mark.parametrize("line,topic", ONLY_WHEN_IT_COMES_UP.items())
def test_a_line_for_a_subject_comes_when_the_subject_does(read_client, line, topic):
    category = "domestic_abuse"
    without = [s["name"] for s in ask(read_client, category, "Manchester", age_band="18_plus")]
    with_it = [s["name"] for s in ask(read_client, category, "Manchester", age_band="18_plus", topics=topic)]
    assert line not in without
    assert line in with_it[:SIX]


def test_an_unknown_subject_is_refused(read_client):
    response = read_client.get("/signpost", params={"category": "stalking", "topics": "astrology"})
    assert response.status_code == 422


@pytest.mark.parametrize("category", ["domestic_abuse", "stalking", "honour_based_abuse", "forced_marriage"])
@pytest.mark.parametrize("place", PLACES)
def test_somewhere_safe_tonight_in_every_area(read_client, category, place):
    services = ask(read_client, category, place, need="safe_accommodation")
    first = services[0]
    assert "safe_accommodation" in first["needs"], first["name"]
    area, _postcode = PLACES[place]
    if area == "warwickshire":
        assert first["name"] == "Refuge - Warwickshire Domestic Violence and Abuse Service"
    else:
        assert first["name"] == "National Domestic Abuse Helpline" and first["open_24_7"]
