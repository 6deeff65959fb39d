"""The bundled national helplines (actions/data/national_helplines.json).

Generated from directory/seed/ by `.venv/bin/python -m directory.fallback`; the
answer whenever the directory API cannot give one. Who sees which line, and in what order,
is decided by vocabulary/ranking.py, the directory's own rules (the action server's image
carries that one file), never by a copy of them here.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

from actions.settings import SETTINGS
from vocabulary import ranking

logger = logging.getLogger(__name__)

MEN_AUDIENCE = "men"
LGBT_AUDIENCE = "lgbt"


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


def for_category(category: str, person: ranking.Person = ranking.Person(), need: str | None = None) -> list[dict]:
    """The bundled lines for a category, for this person, in the directory's own order:
    the same rules (vocabulary/ranking.py), applied to the lines the bundle carries."""
    offers = [ranking.offer_from_answer(s) for s in load()]
    ranked = ranking.rank(offers, category, (), person, need) or ranking.never_empty(offers, category)
    return [item.item for item in ranked]


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
