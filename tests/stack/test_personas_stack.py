"""The persona table through the real gateway: the person presses the buttons a person would,
and the cards that come back from Rasa, the action server and the directory start with the
lines written out for them in tests/personas.py. One conversation per persona and area kind
(each pilot area and outside it): the full table runs through the API and the actions."""
from __future__ import annotations

import pytest

from tests.personas import (
    CHILDLINE,
    JUNIPER_LODGE,
    NHS_SARC_FINDER,
    PERSONAS,
    PLACES,
    SIX,
    STORIES,
    first_cards,
)
from tests.stack.driver import Conversation, questions, services_in

# The buttons for each answer the persona table records as a slot.
ABOUT = {"self": "/affirm", "someone_else": "/deny", "not_said": "/rather_not_say"}
AGE = {"under_18": "/affirm", "adult": "/deny", "not_said": "/rather_not_say"}
IDENTITY = {"male": '/inform{"identity": "male"}', "lgbt": '/inform{"identity": "lgbt"}',
            "neither": "/deny", "not_said": "/rather_not_say"}
RECENT = {"yes": "/affirm", "no": "/deny"}
OLDER = '/inform{"age_group": "60_or_over"}'


def converse(api: str, category: str, place: str, slots: dict) -> list[str]:
    """Press through the triage as this person; the names of the cards, in order."""
    chat = Conversation(api)
    chat.press(f"/disclose_{category}")
    try:
        for _ in range(8):
            found = services_in(chat.messages)
            if found:
                return [s["name"] for s in found]
            said = "\n".join(m.get("text") or "" for m in chat.messages)
            asked = [key for key in questions() if questions()[key] in said]
            assert asked, f"no question recognised in: {said[:400]}"
            key = asked[-1]
            if key.startswith("location"):
                chat.send(text=PLACES[place][1] or "I'd rather not say")
            elif key == "about_self":
                chat.press(ABOUT[slots["about_self"]])
            elif key.startswith("age_group"):
                older = slots.get("age", 0) >= 60
                chat.press(OLDER if older else AGE[slots["age_group"]])
            elif key.startswith("identity"):
                chat.press(IDENTITY[slots["identity"]])
            elif key == "recent_assault":
                chat.press(RECENT[slots.get("recent_assault", "no")])
            else:
                raise AssertionError(f"unexpected question {key}")
        raise AssertionError("no services after the triage questions")
    finally:
        chat.end()


# Each persona once in each kind of place: a pilot area of each of the three, and outside.
CASES = [
    (persona, category, place)
    for persona in PERSONAS if persona.name != "someone who would rather not say"
    for category, place in (("domestic_abuse", "Loughborough"), ("sexual_violence", "Nuneaton"),
                            ("domestic_abuse", "Chesterfield"), ("domestic_abuse", "Manchester"))
]


@pytest.mark.parametrize("persona, category, place", CASES,
                         ids=[f"{p.name}-{c}-{w}" for p, c, w in CASES])
def test_the_first_cards_fit_the_person_through_the_gateway(stack, persona, category, place):
    names = converse(stack.api, category, place, persona.slots)
    expected = first_cards(persona, category, place)
    assert names[: len(expected)] == expected, names
    assert len(names) <= SIX


# The stories from the issue that buttons alone can tell (the others need typed subjects).
BY_BUTTONS = [story for story in STORIES if not story.texts]


@pytest.mark.parametrize("story", BY_BUTTONS, ids=[s.name for s in BY_BUTTONS])
def test_the_stories_from_the_issue_through_the_gateway(stack, story):
    names = converse(stack.api, story.category, story.place, story.slots)
    assert names[: len(story.first)] == story.first, names
    assert set(story.among_six) <= set(names), names
    assert not set(story.never) & set(names), names


def test_no_child_is_shown_an_adult_sarc_through_the_gateway(stack):
    slots = {"about_self": "self", "age_group": "under_18", "identity": "neither", "recent_assault": "yes"}
    for place in ("Leicester", "Nuneaton", "Derby"):
        names = converse(stack.api, "sexual_violence", place, slots)
        assert names[0] == CHILDLINE, names
        assert JUNIPER_LODGE not in names and NHS_SARC_FINDER not in names, names
