"""The kinds of abuse a message names in words, for the turn after the guidance."""

from __future__ import annotations

import pytest

from actions.disclosure_cues import categories_named_in, needs_named_in, topics_named_in


@pytest.mark.parametrize(
    "text,categories",
    [
        ("he raped me and he's outside now", ["sexual_violence"]),
        ("i was sexually assaulted and hes coming back", ["sexual_violence"]),
        ("he forced me to have sex and he's got a knife", ["sexual_violence"]),
        ("my drink was spiked and i dont know where i am", ["sexual_violence"]),
        ("my husband hits me and he's outside now", ["domestic_abuse"]),
        ("im hiding from my boyfriend he beat me", ["domestic_abuse"]),
        ("my dad is hitting my mum right now", ["domestic_abuse"]),
        ("my partner is controlling and he's locked me in", ["domestic_abuse"]),
        (
            "my husband beats me and he raped me, he's coming back",
            ["sexual_violence", "domestic_abuse"],
        ),
        ("my ex is stalking me and hes outside", ["stalking"]),
        ("he keeps following me and he's at my door", ["stalking"]),
        ("they are taking me to pakistan to marry me off tomorrow", ["forced_marriage"]),
        ("i'm being forced to marry and the flight is tonight", ["forced_marriage"]),
        (
            "my family say i brought shame on the family and they will kill me",
            ["honour_based_abuse"],
        ),
        ("it's about honour, my brothers are outside", ["honour_based_abuse"]),
        ("they are going to cut my daughter today", ["fgm"]),
        ("the cutter is here for my sister", ["fgm"]),
    ],
)
def test_kinds_of_abuse_named_in_words(text, categories):
    assert categories_named_in(text) == categories


@pytest.mark.parametrize(
    "text",
    [
        "he's got a knife",
        "hes outsde rn",
        "i took pills",
        "help me now",
        "i'm locked in",
        "someone is following me now",
        "",
        None,
    ],
)
def test_danger_alone_names_no_kind_of_abuse(text):
    assert categories_named_in(text) == []


@pytest.mark.parametrize(
    "text,topics",
    [
        ("my ex keeps sharing my nudes online", ["image_abuse"]),
        ("he posted naked pictures of me", ["image_abuse"]),
        ("my boyfriend pressured me into sex and shared pictures of me", ["image_abuse"]),
        ("he's threatening to send my photos to my family", ["image_abuse"]),
        ("they took my passport and make me work for nothing", ["exploitation"]),
        ("I think I've been trafficked", ["exploitation"]),
        ("can I report it anonymously?", ["anonymous_reporting"]),
        ("I want to tell the police without giving my name", ["anonymous_reporting"]),
        ("he controls all my money and takes my wages", ["economic_abuse"]),
        ("he put a tracker on my car and reads my messages", ["tech_abuse"]),
        ("he hits me", []),
        ("my husband raped me", []),
        ("I took a picture of the bruise", []),
        ("", []),
        (None, []),
    ],
)
def test_subjects_named_in_words(text, topics):
    assert topics_named_in(text) == topics


@pytest.mark.parametrize(
    "text,needs",
    [
        ("I have nowhere to go tonight", ["safe_accommodation"]),
        ("he kicked me out and I've got the kids", ["safe_accommodation"]),
        ("can I get into a refuge?", ["safe_accommodation"]),
        ("I can't go back home, he'll kill me", ["safe_accommodation"]),
        ("I need to leave tonight", ["safe_accommodation"]),
        ("he hits me", []),
        ("I'm going home now", []),
        (None, []),
    ],
)
def test_needs_named_in_words(text, needs):
    assert needs_named_in(text) == needs
