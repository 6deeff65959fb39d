"""One set of rules: the action server orders its bundled national lines (for when the
directory cannot be reached) with the directory's own rules, vocabulary/ranking.py, and
never with a copy of them. This checks that, for every persona and kind of abuse, the bundle
gives exactly the national lines /signpost gives a person outside the pilot areas, in the
same order; and that the actions hold no eligibility rules of their own."""
from __future__ import annotations

import inspect

import pytest

from actions import national_helplines as bundle
from vocabulary import ranking
from directory.fallback import BUNDLE
from tests.personas import CATEGORIES, PERSONAS

NEEDS = (None, "sarc", "own_behaviour", "helpline")
TOPIC_SETS = (frozenset(), frozenset({"image_abuse", "exploitation", "anonymous_reporting"}))


@pytest.fixture(scope="module", autouse=True)
def real_bundle():
    bundle.use_file(BUNDLE)
    yield
    bundle.use_file(bundle.SETTINGS.national_helplines_file)


@pytest.mark.parametrize("category", CATEGORIES)
def test_bundle_and_directory_give_the_same_lines_in_the_same_order(read_client, category):
    differences = []
    for persona in PERSONAS:
        for need in NEEDS:
            for topics in TOPIC_SETS:
                query = {**persona.query(), **({"need": need} if need else {}),
                         **({"topics": ",".join(sorted(topics))} if topics else {})}
                directory = read_client.get("/signpost", params={"category": category, "area": "outside", **query})
                person = ranking.Person(age=persona.age, age_band=persona.age_band, gender=persona.gender,
                                        lgbt=persona.lgbt, about=persona.about, topics=topics)
                from_bundle = [s["name"] for s in bundle.for_category(category, person, need)]
                from_directory = [s["name"] for s in directory.json()["services"]]
                if from_bundle != from_directory:
                    differences.append((persona.name, need, sorted(topics), from_directory, from_bundle))
    assert not differences, differences[:3]


def test_the_actions_keep_no_eligibility_rules_of_their_own():
    source = inspect.getsource(bundle)
    for rule in ("minimum_age", "maximum_age", "women_only", "OLDER_PERSON_AGE"):
        assert rule not in source, rule
