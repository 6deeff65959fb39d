"""The bundled national helplines (actions/data/national_helplines.json).

Generated from directory/seed/ by `.venv/bin/python -m directory.fallback`; the
answer whenever the directory API cannot give one.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

from actions.settings import SETTINGS

logger = logging.getLogger(__name__)

MEN_AUDIENCE = "men"
LGBT_AUDIENCE = "lgbt"
CHILDREN_AUDIENCE = "children"
OLDER_PEOPLE_AUDIENCE = "older_people"
OWN_BEHAVIOUR_AUDIENCE = "own_behaviour"
OLDER_PERSON_AGE = 60


_bundle_file = SETTINGS.national_helplines_file


def use_file(path: Path) -> None:
    """Read the bundle from another file (tests use a small sample)."""
    global _bundle_file
    _bundle_file = path
    _read.cache_clear()


def load() -> tuple[dict, ...]:
    return _read(_bundle_file)


@lru_cache(maxsize=1)
def _read(path: Path) -> tuple[dict, ...]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        services = tuple(s for s in document["services"] if isinstance(s, dict) and s.get("name"))
    except (OSError, ValueError, KeyError, TypeError):
        logger.error("national_helplines.unavailable")
        return ()
    return services


def _audience(service: dict) -> str | None:
    return (service.get("eligibility") or {}).get("audience")


def eligible(
    service: dict, *, gender: str | None, lgbt: bool | None, age: int | None, need: str | None
) -> bool:
    """The directory's eligibility rules (directory/signpost.py), for the bundled lines."""
    eligibility = service.get("eligibility") or {}
    audience = eligibility.get("audience")
    if audience == MEN_AUDIENCE and gender != "male":
        return False
    if audience == LGBT_AUDIENCE and not lgbt:
        return False
    if audience == CHILDREN_AUDIENCE and (age is None or age >= 18):
        return False
    if audience == OLDER_PEOPLE_AUDIENCE and (age is None or age < OLDER_PERSON_AGE):
        return False
    if audience == OWN_BEHAVIOUR_AUDIENCE and need != "own_behaviour":
        return False
    if "women_only" in (eligibility.get("attributes") or []) and gender == "male":
        return False
    if age is not None:
        if eligibility.get("minimum_age") is not None and age < eligibility["minimum_age"]:
            return False
        if eligibility.get("maximum_age") is not None and age > eligibility["maximum_age"]:
            return False
    return True


def for_category(
    category: str,
    *,
    gender: str | None = None,
    lgbt: bool | None = None,
    age: int | None = None,
    need: str | None = None,
) -> list[dict]:
    """The bundled lines for a category, in the directory's order: lines dedicated
    to the category before lines that cover many, helplines before information,
    general lines before specialist ones, and lines for everyone (Samaritans) last."""

    def fits(service: dict) -> bool:
        return eligible(service, gender=gender, lgbt=lgbt, age=age, need=need)

    dedicated = [s for s in load() if category in s.get("categories", []) and fits(s)]
    dedicated.sort(
        key=lambda s: (
            _audience(s) is not None,
            len(s.get("categories", [])),
            "helpline" not in s.get("needs", []),
            s["name"].lower(),
        )
    )
    general = [s for s in load() if not s.get("categories") and fits(s)]
    return dedicated + general


def for_need(need: str) -> list[dict]:
    return [s for s in load() if need in s.get("needs", [])]


def specialist_audiences(category: str) -> set[str]:
    """Which specialist audiences (men, LGBT+) have a national line for the category."""
    return {
        audience
        for s in load()
        if category in s.get("categories", [])
        and (audience := _audience(s)) in {MEN_AUDIENCE, LGBT_AUDIENCE}
    }


def in_language(locale: str) -> list[dict]:
    """National lines that speak `locale` or arrange interpreters, as the directory records
    them; the headline lines when none is recorded (someone can still ask)."""
    speaking = [
        s for s in load()
        if locale in (s.get("languages") or []) or s.get("interpreters") is True
    ]
    return speaking or headline_helplines()


def headline_helplines() -> list[dict]:
    """One national line per category, for the fallback message."""
    headline = []
    for category in ("domestic_abuse", "sexual_violence", "stalking", "honour_based_abuse", "fgm"):
        lines = for_category(category)
        if lines and lines[0] not in headline:
            headline.append(lines[0])
    return headline
