"""The six kinds of abuse the directory knows, and how a message names them."""

from __future__ import annotations

from typing import Any, Iterable

from actions.disclosure_cues import categories_named_in
from actions.settings import SECOND_CATEGORY_MIN_CONFIDENCE
from vocabulary.categories import CATEGORIES

__all__ = ["CATEGORIES"]

DISCLOSURE_PREFIX = "disclose_"
DANGER_INTENT = "immediate_danger"

CATEGORY_NAME_KEYS = {
    "domestic_abuse": "chat.category.domestic_abuse",
    "sexual_violence": "chat.category.sexual_violence",
    "stalking": "chat.category.stalking",
    "fgm": "chat.category.fgm",
    "honour_based_abuse": "chat.category.honour_based_abuse",
    "forced_marriage": "chat.category.forced_marriage",
}


def categories_of_intent(intent_name: Any) -> list[str]:
    """disclose_stalking -> [stalking]; a multi-intent "a+b" names both."""
    if not isinstance(intent_name, str):
        return []
    found = []
    for part in intent_name.split("+"):
        category = part[len(DISCLOSURE_PREFIX) :] if part.startswith(DISCLOSURE_PREFIX) else None
        if category in CATEGORIES:
            found.append(category)
    return found


def categories_in_message(parse_data: dict) -> list[str]:
    """Every category a message discloses: its intent, and any other disclosure the
    classifier ranks with real confidence ("he hits me and he raped me")."""
    found = categories_of_intent((parse_data.get("intent") or {}).get("name"))
    for ranked in parse_data.get("intent_ranking") or []:
        if (ranked.get("confidence") or 0) >= SECOND_CATEGORY_MIN_CONFIDENCE:
            found.extend(categories_of_intent(ranked.get("name")))
    return ordered_unique(found)


def categories_disclosed(parse_data: dict) -> list[str]:
    """What the classifier finds, and what the words name: a single-label classifier
    keeps one kind of abuse from "my boyfriend hits me and forces me to have sex",
    and files "he raped me and he's outside now" under danger alone."""
    return ordered_unique(
        categories_in_message(parse_data) + categories_named_in(parse_data.get("text"))
    )


def ordered_unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
