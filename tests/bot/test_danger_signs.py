"""The keyword safety net (bot/components/danger_signs.py): many ways of saying
"I'm in danger now", including misspellings and text-speak, and ordinary
messages that must not raise the alarm."""

from __future__ import annotations

import re

import pytest
import yaml
from components.danger_signs import danger_sign, normalise

from tests.bot.helpers import FIXTURES

REPO_ROOT = FIXTURES.parents[2]

DANGER_NOW = [
    # someone is here, or on the way
    ("he's outside", "someone_here"),
    ("he's outside my house", "someone_here"),
    ("HES OUTSIDE!!!", "someone_here"),
    ("hes outside rn", "someone_here"),
    ("he is outsdie", "someone_here"),
    ("hes ousdie the door", "someone_here"),
    ("hes outsideeee", "someone_here"),
    ("he’s outside the flat", "someone_here"),
    ("my ex is downstairs", "someone_here"),
    ("my brothers are outside and they've come to take me", "someone_here"),
    ("he's in the garden", "someone_here"),
    ("he's coming", "someone_coming"),
    ("hes comin back", "someone_coming"),
    ("he's on his way home", "someone_coming"),
    ("my family have found me and are on their way", "someone_coming"),
    ("he's banging on the door", "someone_coming"),
    ("hes bangin on the dorr", "someone_coming"),
    ("he's trying to break in", "someone_coming"),
    ("someone has broken into my flat", "someone_coming"),
    ("he just turned up", "someone_coming"),
    # weapons and fire
    ("he's got a knife", "weapon"),
    ("he has a nife", "weapon"),
    ("hes got a kinfe to my throat", "weapon"),
    ("he's got a gun", "weapon"),
    ("he's pouring petrol everywhere", "fire"),
    # threats to kill
    ("he's going to kill me", "threat_to_kill"),
    ("hes gna kil me", "threat_to_kill"),
    ("he's gonna kill us", "threat_to_kill"),
    ("he said he would kill me tonight", "threat_to_kill"),
    ("i think i'm going to die", "threat_to_kill"),
    ("he says he'll slit my throat", "threat_to_kill"),
    # attacked now
    ("he's hitting me right now", "attack_now"),
    ("hes hitin me now help", "attack_now"),
    ("he is attack me now", "attack_now"),
    ("he's strangling me", "attack_now"),
    ("i can't breathe", "attack_now"),
    ("cant breath", "attack_now"),
    ("i'm being attacked", "attack_now"),
    ("he just stabbed me", "attack_now"),
    ("im bleedin", "attack_now"),
    ("i can hear him hitting her downstairs", "attack_now"),
    # held, hiding
    ("he's locked me in", "held"),
    ("im lockd in", "held"),
    ("i've locked myself in the toilet", "held"),
    ("he won't let me out of the car", "held"),
    ("i'm hiding in the bathroom", "held"),
    ("i'm being held against my will", "held"),
    ("can't talk he's listening", "held"),
    # self-harm
    ("i've taken an overdose", "self_harm"),
    ("ive taken pills", "self_harm"),
    ("i took 2 many pills", "self_harm"),
    ("i took sum pills", "self_harm"),
    ("i od'd", "self_harm"),
    ("i took an od an hour ago", "self_harm"),
    ("im going to od tonight", "self_harm"),
    ("i wana die 2nite", "self_harm"),
    ("i'm going to kill myself", "self_harm"),
    ("i want to end it all tonight", "self_harm"),
    ("my friend says she's going to kill herself tonight", "self_harm"),
    # asking for help now
    ("help me now", "urgent"),
    ("i need help right now", "urgent"),
    ("pls help me nw", "urgent"),
    ("it's an emergency", "urgent"),
    ("emergancy", "urgent"),
    ("sos", "urgent"),
    ("call 999 for me", "urgent"),
    ("i'm in danger", "urgent"),
    ("i don't feel safe tonight", "urgent"),
    ("i'm scared for my life", "urgent"),
    # children, abroad, cutting
    ("he's taken the kids", "child_taken"),
    ("my flight is tomorrow and they're making me marry him", "taken_abroad"),
    ("they're taking me to pakistan next week to get married", "taken_abroad"),
    ("i'm at the airport and they're making me get married", "taken_abroad"),
    ("they're going to cut my little sister today", "cutting_soon"),
]

NOT_DANGER_NOW = [
    "hello",
    "thanks",
    "what is an IDVA",
    "what happens when i call",
    "my husband hits me",
    "he used to hit me years ago",
    "he checks my phone every night",
    "he controls all the money",
    "i was raped last year and never told anyone",
    "i need the morning after pill after being raped",
    "my ex keeps messaging me",
    "i'm worried about my daughter's boyfriend",
    "i live in Rugby",
    "CV11 4HL",
    "I'm 15",
    "he locked me out of my email",
    "my family want a shotgun wedding",
    "how do I report it to the police",
    "can you help me find support",
    "i'd rather not say",
    "he took my bank card",
    "will they take my kids away if i call",
    "my manager at work is on my case",
    "i'm not sure what counts as abuse",
    # suicidal feelings without a time or an act: the crisis route (components.crisis_signs)
    "i want to kill myself",
    "i keep thinking about ending my life",
    # threats and weapons told as the past, and questions: not danger now
    "years ago my ex used to threaten to kill me, i still think about it",
    "when we were together he threatened me with a knife",
    "how can i tell if my friend is in danger",
    "what happens if i press 55",
    "does the silent solution tell the police where i am",
    "what happens when i call 999",
    "i survived an attack in 2019 and i'd like counselling",
    "my ex threatened to set fire to my flat back in march, i've moved out now",
    "he held a knife to me in my last relationship, i'm safe now but i get flashbacks",
    "he threatened to kill me when i was 20, i'm 45 now",
    "he slapped me a few times this year, it's not happening right now, i just want advice",
    "not right now thanks",
    # hyperbole: British "dead" for "very", dying of boredom, a licence is not a weapon in the room
    "that double shift absolutely killed me, i'm dead on my feet",
    "i'll die of boredom in this meeting",
    "my partner has a shotgun licence, can the police take it off him",
    # Polish "od" is "from" or "since"
    "jak zlozyc wniosek o mieszkanie jak uciekam od partnera",
]


@pytest.mark.parametrize("text,kind", DANGER_NOW)
def test_danger_now_is_recognised(text, kind):
    assert danger_sign(text) == kind


STILL_DANGER_NOW = [
    # the past mentioned, but the danger placed now
    ("he used to threaten me with a knife and now he's outside", "someone_here"),
    ("years ago he hit me, tonight he says he will kill me", "threat_to_kill"),
    ("how do i call the police, he's got a knife", "weapon"),
    ("he used to threaten me and i'm not safe now, he's got a knife", "weapon"),
    ("i moved out last year but he's outside now", "someone_here"),
]


@pytest.mark.parametrize("text,kind", STILL_DANGER_NOW)
def test_the_false_alarm_guards_never_hide_danger_placed_now(text, kind):
    assert danger_sign(text) == kind


@pytest.mark.parametrize("text", NOT_DANGER_NOW)
def test_ordinary_messages_do_not_raise_the_alarm(text):
    assert danger_sign(text) is None


@pytest.mark.parametrize("text", ["", None, "   ", "!!!"])
def test_empty_messages_show_no_danger(text):
    assert danger_sign(text) is None


def test_text_speak_and_contractions_are_spelled_out():
    assert normalise("Hes gna kil me rn!!!") == "he is going to kill me right now"
    assert normalise("I can’t get out") == "i cannot get out"
    assert normalise("999") == "999"


def _examples(path, intent: str) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for item in data.get("nlu", []):
        if item.get("intent") != intent:
            continue
        for line in item["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                found.append(re.sub(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))", r"\1", line[2:]))
    return found


def test_the_net_catches_the_nlu_datas_immediate_danger_examples():
    """Beside the model, the net alone recognises most of the NLU training examples of
    danger now: 497 of 542 when last measured (2026-12-05). The 42 examples added then were
    written to be hard for keywords (long stories, a third person, a forced-marriage journey
    under way, text-speak), which is the model's and the intent's part; this floor keeps the
    net from losing what it reads."""
    examples = _examples(
        REPO_ROOT / "bot" / "data" / "nlu" / "immediate_danger.yml", "immediate_danger"
    )
    assert len(examples) > 100
    caught = [e for e in examples if danger_sign(e)]
    assert len(caught) / len(examples) >= 0.91, sorted(set(examples) - set(caught))[:20]


def test_the_net_rarely_fires_on_the_dialogue_intents():
    """Greetings, answers and questions (this work's NLU data) should almost never
    look like danger: a false alarm costs one extra message each time."""
    nlu = REPO_ROOT / "bot" / "data" / "nlu"
    by_intent = {
        intent: _examples(nlu / file, intent)
        for file, intents in (
            (
                "dialogue.yml",
                ("greet", "thank", "affirm", "deny", "rather_not_say", "inform", "bot_challenge"),
            ),
            (
                "questions.yml",
                (
                    "ask_what_is_idva",
                    "ask_what_is_isva",
                    "ask_reporting_options",
                    "ask_tech_safety",
                ),
            ),
        )
        for intent in intents
    }
    # A renamed intent or a moved file must fail here, not leave nothing to check.
    thin = {intent: len(found) for intent, found in by_intent.items() if len(found) < 20}
    assert not thin, f"too few examples to measure: {thin}"
    examples = [e for found in by_intent.values() for e in found]
    alarms = [e for e in examples if danger_sign(e)]
    assert len(alarms) <= len(examples) * 0.02, alarms
