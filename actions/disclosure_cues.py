"""Which kinds of abuse a message names in so many words.

Beside the classifier, which gives each message one intent: it files "he raped me
and he's outside now" under immediate_danger with near certainty, and keeps only
domestic abuse from "my boyfriend hits me and forces me to have sex". These plain
cues find the other kinds again, so the person gets every triage and answer.
"""

from __future__ import annotations

import re
from typing import Optional

PARTNER_OR_FAMILY = (
    r"(?:husband|wife|partner|boyfriend|girlfriend|bf|gf|ex|fiance|dad|father|stepdad|mum|mother|"
    r"brother|sister|son|daughter|uncle|in laws|in-laws|family)"
)
HURTS = r"(?:hits|hit|hitting|beats|beat|beating|hurts|hurt|hurting|punched|punches|kicked|kicks|slapped|slaps|strangled|choked|abuses|abused|controls|controlling)"

CUES: tuple[tuple[str, re.Pattern], ...] = tuple(
    (category, re.compile(pattern, re.IGNORECASE))
    for category, pattern in (
        (
            "sexual_violence",
            r"\b(?:rape[ds]?|raping|rapist|sexual(?:ly)? (?:assault\w*|abuse\w*|violence)|"
            r"(?:forced|forces|forcing|made|makes) me (?:to )?(?:have sex|do sexual)|spiked|molest\w*)\b",
        ),
        (
            "domestic_abuse",
            rf"\b(?:domestic (?:abuse|violence)|abusive (?:relationship|partner|husband|boyfriend)|"
            rf"{PARTNER_OR_FAMILY}\b[^.!?]{{0,30}}\b{HURTS}|{HURTS} me\b[^.!?]{{0,20}}\b{PARTNER_OR_FAMILY})\b",
        ),
        (
            "stalking",
            r"\b(?:stalk\w*|keeps? following me|follows me everywhere|keeps? turning up)\b",
        ),
        (
            "forced_marriage",
            r"\b(?:forced (?:to )?marr\w*|forc\w* me to marry|make me marry|marry me off|married off|"
            r"(?:marriage|wedding) (?:i|that i) (?:do not|don't) want)\b",
        ),
        (
            "honour_based_abuse",
            r"\b(?:honour|izzat|dishonou?r\w*|shame on (?:the|my|our) family)\b",
        ),
        (
            "fgm",
            r"\b(?:fgm|female genital|circumcis\w*|khatna|sunna|cutter|cut (?:her|my (?:daughter|sister|niece|cousin)))\b",
        ),
    )
)


def categories_named_in(text: Optional[str]) -> list[str]:
    if not text:
        return []
    return [category for category, cue in CUES if cue.search(text)]


# Subjects some lines are offered for only when they come up (vocabulary/ranking.py, TOPICS):
# the Revenge Porn Helpline for shared images, the Modern Slavery helpline for exploitation,
# Crimestoppers for telling without giving a name, and so on.
TOPIC_CUES: tuple[tuple[str, re.Pattern], ...] = tuple(
    (topic, re.compile(pattern, re.IGNORECASE))
    for topic, pattern in (
        (
            "image_abuse",
            r"\b(?:nudes?|naked (?:photos?|pictures?|pics?|videos?|images?)|intimate (?:photos?|pictures?|images?|videos?)|"
            r"revenge porn|sextort\w*|"
            r"(?:shar\w+|post\w*|sen[dt]\w*|leak\w*|upload\w*|spread\w*|show\w*) (?:my |our |the |her |his )?"
            r"(?:private |sexual |sexy |explicit )?(?:photos?|pictures?|pics?|videos?|images?)|"
            r"(?:photos?|pictures?|pics?|videos?|images?) (?:of me )?(?:online|around|to everyone))\b",
        ),
        (
            "exploitation",
            r"\b(?:traffick\w*|modern slavery|slave\w*|exploit\w*|(?:made|make|makes|forced|forces) (?:me )?to work|"
            r"work(?:ing)? for (?:nothing|no money|free)|took my passport|(?:has|have|kept|keeps|took) my passport|"
            r"sold me|pimp\w*|county lines)\b",
        ),
        (
            "anonymous_reporting",
            r"\b(?:anonymous\w*|without (?:giving |saying |telling them )?my name|"
            r"(?:don'?t|do not) want (?:them|him|her|anyone|people) to know (?:it was|it's) me|crimestoppers)\b",
        ),
        (
            "economic_abuse",
            r"\b(?:economic abuse|financial abuse|controls? (?:all )?(?:my|our|the) (?:money|bank|finances|wages|benefits)|"
            r"takes? my (?:money|wages|benefits|card)|debts? in my name|won'?t let me (?:work|have money))\b",
        ),
        (
            "tech_abuse",
            r"\b(?:track\w* (?:my|me)|tracker|spyware|stalkerware|(?:hacked|hacks|hacking) (?:my|into)|"
            r"reads? my (?:messages|texts|emails)|(?:location|gps) (?:on|sharing)|airtag|"
            r"(?:into|on) my (?:phone|accounts?|laptop|email))\b",
        ),
    )
)


def topics_named_in(text: Optional[str]) -> list[str]:
    if not text:
        return []
    return [topic for topic, cue in TOPIC_CUES if cue.search(text)]


# Needs named in words: someone with nowhere safe to stay tonight gets the refuge route first.
NEED_CUES: tuple[tuple[str, re.Pattern], ...] = tuple(
    (need, re.compile(pattern, re.IGNORECASE))
    for need, pattern in (
        (
            "safe_accommodation",
            r"\b(?:nowhere (?:safe )?to (?:go|stay|sleep|live)|somewhere (?:safe )?to (?:stay|go|sleep|live)|"
            r"(?:a )?refuge|kicked (?:me|us) out|thr[eo]w\w* (?:me|us) out|homeless|"
            r"(?:can'?t|cannot|can not) (?:go|stay) (?:back )?(?:home|there)|"
            r"(?:need|have|want) to (?:leave|get out) (?:tonight|now|today|home|the house))\b",
        ),
    )
)


def needs_named_in(text: Optional[str]) -> list[str]:
    if not text:
        return []
    return [need for need, cue in NEED_CUES if cue.search(text)]
