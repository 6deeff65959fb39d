"""Where someone is, from what they type: the words to ask the directory about,
which of several places they chose, and the slots for a place once it is settled."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from vocabulary.areas import OUTSIDE as OUTSIDE_PILOT

_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b", re.IGNORECASE)
_PLACE_LEAD_IN = re.compile(
    r"^(?:(?:my|the|our|her|his|their) postcode is|postcode|it is|it's|"
    r"(?:im|i|we|she|he|they)(?:'m|'re|'s| am| are| is)?(?: currently| now)?(?: living| live| lives| staying| stay| stays)?)?"
    r"\s*(?:in|at|near|around|from|just outside|outside|close to|somewhere in|a village near|a town near)?\s+",
    re.IGNORECASE,
)
_PLACE_TAIL = re.compile(r"(?:\s+(?:at the moment|right now|now|area))+$|[.!?,]+$", re.IGNORECASE)


def place_query(answer: str) -> str:
    """What to ask the directory about: the postcode in an answer, or the place
    without "I live in" around it."""
    answer = " ".join(answer.split())
    postcode = _POSTCODE.search(answer)
    if postcode:
        return postcode.group(0)
    place = _PLACE_TAIL.sub("", _PLACE_LEAD_IN.sub("", answer, count=1))
    return place or answer


def place_slots(candidate: dict) -> Dict[Text, Any]:
    """Slots for a place the person confirmed (a resolution or a chosen candidate)."""
    area = candidate.get("area") or {}
    local_authority = candidate.get("local_authority") or {}
    return {
        "location": candidate.get("label")
        or local_authority.get("name")
        or area.get("name")
        or OUTSIDE_PILOT,
        "area": area.get("id") or OUTSIDE_PILOT,
        "area_name": local_authority.get("name") or area.get("name"),
        "place_candidates": None,
    }


_ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "sixth": 5,
    "6th": 5,
    "last": -1,
}


def chosen_candidate(answer: str, candidates: List[dict]) -> Optional[dict]:
    """The candidate a person chose: by its label (the button), part of it, or its
    place in the list ("the first one", "2")."""
    wanted = " ".join(answer.lower().split())
    for candidate in candidates:
        if candidate["label"].lower() == wanted:
            return candidate
    matching = [c for c in candidates if wanted and wanted in c["label"].lower()]
    if len(matching) == 1:
        return matching[0]
    words = re.findall(r"[a-z0-9]+", wanted)
    positions = [_ORDINALS[w] for w in words if w in _ORDINALS]
    positions += [int(w) - 1 for w in words if w.isdigit() and 1 <= int(w) <= len(candidates)]
    return (
        candidates[positions[0]]
        if len(positions) == 1 and -len(candidates) <= positions[0] < len(candidates)
        else None
    )
