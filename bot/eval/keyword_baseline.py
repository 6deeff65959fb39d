"""A plain keyword/regex intent classifier, used only as a baseline in the NLU evaluation.

It is deliberately simple: an ordered list of hand-written patterns per intent, the
first intent with a matching pattern wins, and anything unmatched is out_of_scope.
It shows how much the trained model adds over keyword spotting. Pure Python, no Rasa.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FALLBACK_INTENT = "out_of_scope"


@dataclass(frozen=True)
class Rule:
    intent: str
    pattern: re.Pattern[str]


def _rule(intent: str, *alternatives: str) -> Rule:
    joined = "|".join(f"(?:{alt})" for alt in alternatives)
    return Rule(intent, re.compile(rf"\b(?:{joined})", re.IGNORECASE))


# Order matters: the first rule that matches decides. Danger is checked first so a
# message that mentions both a past and a present threat is treated as urgent.
RULES: tuple[Rule, ...] = (
    _rule(
        "immediate_danger",
        r"right now",
        r"(?:he|she|they|ex|husband|partner)(?: is|'s|s| are|'re)? (?:outside|here|back|coming|on (?:his|her|their) way)",
        r"(?:got|has|have|holding) (?:a )?(?:knife|gun|blade|weapon)",
        r"lock(?:ed|d) (?:me )?in",
        r"(?:taken|took|swallowed) (?:\w+ )?(?:pills|tablets|overdose)",
        r"overdos",
        r"kill (?:my ?self|me) (?:tonight|tonite|2nite|now)",
        r"(?:end it|die) (?:tonight|tonite|2nite|now)",
        r"emergency",
        r"in danger",
        r"not safe",
        r"bleeding",
        r"can'?t breathe?",
        r"break(?:ing)? (?:in|the door|my door)",
        r"kick(?:ing)? the door",
        r"999",
    ),
    _rule(
        "disclose_fgm",
        r"fgm",
        r"genital mutilation",
        r"female circumcision",
        r"circumci[sz]",
        r"\bcut(?:ting|ter)?\b",
        r"khatna",
        r"sunnah?",
        r"khitan",
        r"infibulat",
        r"deinfibulat",
        r"type [1234]",
    ),
    _rule(
        "disclose_forced_marriage",
        r"forced (?:in ?to )?marri",
        r"force[ds]? (?:me )?to (?:get )?marr",
        r"marr(?:y|ied|iage) (?:me )?off",
        r"rishta",
        r"nikah",
        r"(?:arranged?|planned?|fixed?) (?:my |a )?(?:marriage|wedding|engagement)",
        r"marry (?:my|a|the|him|her|someone|sum1)",
        r"wedding",
    ),
    _rule(
        "disclose_honour_based_abuse",
        r"honou?r",
        r"izzat",
        r"sharam",
        r"shame",
        r"shamed",
        r"dishonou?r",
        r"disgrace",
        r"family name",
    ),
    _rule(
        "seek_help_own_behaviour",
        r"i (?:hit|hurt|push(?:ed)?|slapped|shoved|strangled|abuse|control) my",
        r"i(?:'m| am) (?:the )?(?:abus(?:er|ive)|violent|controlling|perpetrator)",
        r"(?:my|with my) (?:anger|temper)",
        r"anger (?:management|issues|problems)",
        r"perpetrator",
        r"stop (?:being|hurting|hitting|abusing|controlling)",
    ),
    _rule(
        "disclose_sexual_violence",
        r"rap(?:e|ed|ist)",
        r"sexual",
        r"sexually",
        r"spik(?:ed|ing)",
        r"grop(?:ed|ing)",
        r"touch(?:ed|es|ing)? me",
        r"nudes?",
        r"molest",
        r"groom",
        r"upskirt",
        r"flash(?:ed|ing)",
        r"forced (?:me|himself)",
        r"intimate (?:images?|photos?|pictures?|videos?)",
    ),
    _rule(
        "disclose_stalking",
        r"stalk",
        r"follow(?:ing|ed|s)? me",
        r"harass",
        r"turn(?:s|ing)? up",
        r"fake (?:accounts?|profiles?|accs?)",
        r"new numbers?",
        r"air ?tag",
        r"tracker",
        r"won'?t (?:leave me alone|stop (?:messaging|contacting|calling|texting))",
    ),
    _rule(
        "disclose_domestic_abuse",
        r"abus",
        r"violen",
        r"hits? me",
        r"hit me",
        r"beat(?:s|ing)? me",
        r"hurts? me",
        r"controll?",
        r"coercive",
        r"push(?:ed|es)? me",
        r"slap",
        r"punch",
        r"kick(?:ed|s)? me",
        r"strangl",
        r"chok",
        r"scared of (?:my|him|her)",
        r"frightened of",
        r"(?:husband|wife|partner|boyfriend|girlfriend|bf|gf|ex)\b.*\b(?:money|phone|passport|bank)",
    ),
)


def classify(text: str) -> str:
    """Return the first intent whose pattern matches ``text``, else out_of_scope."""
    for rule in RULES:
        if rule.pattern.search(text):
            return rule.intent
    return FALLBACK_INTENT


def intents() -> list[str]:
    """Every intent this baseline can predict."""
    seen: list[str] = []
    for rule in RULES:
        if rule.intent not in seen:
            seen.append(rule.intent)
    seen.append(FALLBACK_INTENT)
    return seen
