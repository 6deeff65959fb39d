"""The persona table (tests/personas.py) through the real actions: action_signpost asking a
real directory API (a separate process with the real seed directory, as in production), and,
with the directory down, ranking the real bundled national lines itself with the same rules.
The first cards must be the ones the table names, and nothing closed to the person may be
among the six."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from actions import api_client, national_helplines
from actions.settings import SETTINGS, load_settings
from actions.signpost import ActionSignpost
from tests.bot.helpers import make_tracker, service_lists, texts
from tests.personas import (
    NHS_SARC_FINDER,
    ONLY_WHEN_IT_COMES_UP,
    PERSONAS,
    PLACES,
    SIX,
    STORIES,
    first_cards,
    table,
)

REPO = Path(__file__).resolve().parents[2]
API_PYTHON = REPO / ".venv" / "bin" / "python"
OUTSIDE = "Manchester"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def real_directory(tmp_path_factory):
    """The directory API and its seed, in their own process and environment."""
    workdir = tmp_path_factory.mktemp("directory")
    port = _free_port()
    env = {
        **os.environ,
        "SIGNPOST_DATABASE_URL": f"sqlite:///{workdir / 'signpost.db'}",
        "SIGNPOST_ENVIRONMENT": "development",
        "SIGNPOST_INSIGHTS_SWEEP_SECONDS": "3600",
    }
    log = (workdir / "api.log").open("wb")
    process = subprocess.Popen(
        [str(API_PYTHON), "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, (workdir / "api.log").read_text()[-2000:]
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the directory API did not start"
        time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def directory_at():
    previous = api_client.directory()

    def use(url: str) -> None:
        api_client.use_directory(api_client.DirectoryClient(load_settings({"SIGNPOST_API_URL": url})))

    yield use
    api_client.use_directory(previous)


def slots_for(persona_slots: dict, category: str, place: str) -> dict:
    area, postcode = PLACES[place]
    slots = {**persona_slots, "categories": [category]}
    if postcode:
        slots.update({"postcode": postcode, "area": area, "location": postcode})
    else:
        slots["location"] = "not_said"
    if category == "sexual_violence":
        slots.setdefault("recent_assault", "no")
    return slots


async def shown(slots: dict, said: tuple = ()) -> tuple[list[str], list[dict], list[str]]:
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = [{"event": "user", "text": text} for text in said]
    tracker = make_tracker(slots=slots, events=events, text=said[-1] if said else None)
    await ActionSignpost().run(dispatcher, tracker, {})
    [answer] = service_lists(dispatcher)
    return [s["name"] for s in answer["services"]], answer["services"], texts(dispatcher)


def closed_to(persona_slots: dict, service: dict) -> bool:
    eligibility = service["eligibility"]
    child = persona_slots.get("age_group") == "under_18"
    if child and ((eligibility.get("minimum_age") or 0) >= 18 or service["name"] == NHS_SARC_FINDER):
        return True
    if persona_slots.get("identity") == "male" and "women_only" in eligibility.get("attributes", []):
        return True
    if eligibility.get("audience") in ("children", "worried_about_child") and not child:
        return True
    return eligibility.get("audience") == "men" and persona_slots.get("identity") != "male"


@pytest.mark.asyncio
async def test_the_table_through_the_actions_and_a_real_directory(real_directory, directory_at):
    directory_at(real_directory)
    wrong = []
    for persona, category, place in table():
        names, services, _ = await shown(slots_for(persona.slots, category, place))
        expected = first_cards(persona, category, place)
        if names[: len(expected)] != expected:
            wrong.append((persona.name, category, place, names[:3], expected))
        assert len(names) <= SIX
        for service in services:
            if closed_to(persona.slots, service) or service["name"] in ONLY_WHEN_IT_COMES_UP:
                wrong.append((persona.name, category, place, "shown", service["name"]))
    assert not wrong, wrong[:5]


@pytest.mark.asyncio
@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.name)
async def test_the_stories_through_the_actions_and_a_real_directory(real_directory, directory_at, story):
    directory_at(real_directory)
    names, _services, _ = await shown(slots_for(story.slots, story.category, story.place), story.texts)
    assert names[: len(story.first)] == story.first
    for wanted in story.among_six:
        assert wanted in names, (wanted, names)
    for unwanted in story.never:
        assert unwanted not in names, (unwanted, names)


@pytest.mark.asyncio
async def test_the_table_from_the_bundled_lines_when_the_directory_is_down(directory_at):
    directory_at(f"http://127.0.0.1:{_free_port()}")  # nothing listens there
    national_helplines.use_file(SETTINGS.national_helplines_file)  # the real bundle, not the sample
    wrong = []
    for persona in PERSONAS:
        for category in ("domestic_abuse", "sexual_violence", "stalking", "fgm",
                         "honour_based_abuse", "forced_marriage"):
            names, services, _ = await shown(slots_for(persona.slots, category, OUTSIDE))
            expected = first_cards(persona, category, OUTSIDE)
            if names[: len(expected)] != expected:
                wrong.append((persona.name, category, names[:3], expected))
            for service in services:
                if closed_to(persona.slots, service) or service["name"] in ONLY_WHEN_IT_COMES_UP:
                    wrong.append((persona.name, category, "shown", service["name"]))
    assert not wrong, wrong[:5]


@pytest.mark.asyncio
async def test_derbyshire_inside_the_forensic_window_is_pointed_kindly_to_a_sarc(real_directory, directory_at):
    directory_at(real_directory)
    slots = slots_for({"about_self": "self", "age_group": "adult", "identity": "neither",
                       "recent_assault": "yes"}, "sexual_violence", "Chesterfield")
    names, _services, said = await shown(slots)
    assert names[:2] == [NHS_SARC_FINDER, "Rape Crisis 24/7 Rape and Sexual Abuse Support Line"]
    assert any("nhs.uk/sarcs" in text and "Rape Crisis" in text for text in said)


@pytest.mark.asyncio
async def test_a_child_after_a_sexual_assault_gets_the_childrens_route(real_directory, directory_at):
    directory_at(real_directory)
    slots = slots_for({"about_self": "self", "age_group": "under_18", "identity": "neither",
                       "recent_assault": "yes"}, "sexual_violence", "Derby")
    names, services, said = await shown(slots)
    assert names[:3] == ["Childline", "NSPCC Helpline",
                         "East Midlands Children and Young People's Sexual Assault Service (Coral Cove)"]
    assert all((s["eligibility"].get("minimum_age") or 0) < 18 for s in services)
    assert any("999" in text and "Childline" in text for text in said)
    assert not any("nhs.uk/sarcs" in text for text in said)


@pytest.mark.asyncio
@pytest.mark.parametrize("place", ["Ilkeston", "Wigston", "Nuneaton", "Manchester", "not said"])
async def test_somewhere_safe_tonight_in_every_area_through_the_actions(real_directory, directory_at, place):
    directory_at(real_directory)
    slots = slots_for({"about_self": "self", "age_group": "adult", "identity": "neither"}, "domestic_abuse", place)
    names, services, said = await shown(slots, ("he kicked me out and I have nowhere to go tonight",))
    assert "safe_accommodation" in services[0]["needs"], names[0]
    assert any("somewhere safe to stay tonight" in text for text in said)
    assert not any("council's housing team" in text for text in said)  # the page gave no council


@pytest.mark.asyncio
async def test_the_council_housing_route_when_the_page_gives_its_address(real_directory, directory_at):
    from rasa_sdk.executor import CollectingDispatcher

    directory_at(real_directory)
    dispatcher = CollectingDispatcher()
    slots = slots_for({"about_self": "self", "age_group": "adult", "identity": "neither"},
                      "forced_marriage", "Derby")
    tracker = make_tracker(slots=slots, metadata={"council_url": "https://www.derby.gov.uk/"})
    await ActionSignpost().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert any("council's housing team can help too: https://www.derby.gov.uk/" in text for text in said)


ADULT = {"about_self": "self", "age_group": "adult", "identity": "neither"}
GAPS = [
    # (category, place, extra slots, the outcome the commissioners' counts get)
    ("stalking", "Nuneaton", {}, "no_local_service"),  # only domestic abuse services, and general ones
    ("stalking", "Chesterfield", {}, "no_local_service"),  # Derbyshire Victim Services is general
    ("fgm", "Leicester", {}, "no_local_service"),
    ("fgm", "Ilkeston", {}, "no_local_service"),
    ("fgm", "Leamington", {}, "no_local_service"),
    ("honour_based_abuse", "Nuneaton", {}, "no_local_service"),  # related domestic abuse help only
    ("forced_marriage", "Wigston", {}, "no_local_service"),
    ("sexual_violence", "Chesterfield", {"recent_assault": "yes"}, "no_local_service"),  # no assured SARC
    ("sexual_violence", "Derby", {"recent_assault": "yes"}, "no_local_service"),  # advocates, but no SARC
    ("sexual_violence", "Derby", {"recent_assault": "no"}, "signposted_locally"),
    ("sexual_violence", "Leicester", {"recent_assault": "yes"}, "signposted_locally"),  # Juniper Lodge
    ("sexual_violence", "Nuneaton", {"recent_assault": "yes"}, "signposted_locally"),  # the Blue Sky Centre
    ("domestic_abuse", "Hinckley", {}, "signposted_locally"),
    ("domestic_abuse", "Chesterfield", {}, "signposted_locally"),
    ("domestic_abuse", "Manchester", {}, "national_only"),
    ("domestic_abuse", "not said", {}, "national_only"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize("category,place,extra,outcome", GAPS, ids=lambda v: v if isinstance(v, str) else "")
async def test_insight_marks_from_the_real_seed_show_the_real_gaps(real_directory, directory_at, category,
                                                                     place, extra, outcome):
    from rasa_sdk.executor import CollectingDispatcher

    directory_at(real_directory)
    dispatcher = CollectingDispatcher()
    await ActionSignpost().run(dispatcher, make_tracker(slots=slots_for({**ADULT, **extra}, category, place)), {})
    [mark] = [m["custom"]["signpost_outcome"] for m in dispatcher.messages
              if "signpost_outcome" in (m.get("custom") or {})]
    assert mark == {"category": category, "area": PLACES[place][0] or "unknown", "outcome": outcome}


@pytest.mark.asyncio
async def test_a_child_in_derbyshire_after_an_assault_is_signposted_to_the_childrens_service(
    real_directory, directory_at
):
    from rasa_sdk.executor import CollectingDispatcher

    directory_at(real_directory)
    dispatcher = CollectingDispatcher()
    slots = slots_for({"about_self": "self", "age_group": "under_18", "identity": "neither",
                       "recent_assault": "yes"}, "sexual_violence", "Ilkeston")
    await ActionSignpost().run(dispatcher, make_tracker(slots=slots), {})
    [mark] = [m["custom"]["signpost_outcome"] for m in dispatcher.messages
              if "signpost_outcome" in (m.get("custom") or {})]
    assert mark["outcome"] == "signposted_locally"
