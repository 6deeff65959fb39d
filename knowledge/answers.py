"""A topic's answer as the assistant and the staff finder show it: the locale's words, then the
national helplines the topic names, with their numbers taken from the directory's own data (the
action server's bundle, actions/data/national_helplines.json, or the API's database), never
typed into the answer."""

from __future__ import annotations

import uuid
from typing import Callable, Iterable, Mapping

from knowledge.base import Topic

# directory/ids.py: a seeded service's id is uuid5(SIGNPOST_NAMESPACE, "service:<slug>").
# Repeated here because the action server ships without directory/; a test keeps them equal.
SIGNPOST_NAMESPACE = uuid.UUID("5e1c9a53-6c0f-4b7e-9d3a-2f4b8c1d0e71")


def service_id(slug: str) -> str:
    return str(uuid.uuid5(SIGNPOST_NAMESPACE, f"service:{slug}"))


def helplines(topic: Topic, services: Iterable[Mapping]) -> list[Mapping]:
    """The topic's helplines, in the topic's order, from services shaped like /signpost's."""
    by_id = {s.get("id"): s for s in services}
    return [by_id[service_id(slug)] for slug in topic.helplines if service_id(slug) in by_id]


def helpline_line(service: Mapping) -> str:
    numbers = ", ".join(p["number"] for p in service.get("phones") or () if p.get("number"))
    parts = [service["name"]]
    if numbers:
        parts.append(numbers)
    if service.get("url"):
        parts.append(service["url"])
    return " · ".join(parts)


def answer_text(topic: Topic, locale: str, translate: Callable[..., str], services: Iterable[Mapping]) -> str:
    """The answer in `locale` followed by one line per helpline the topic names."""
    text = translate(topic.answer_key, locale)
    lines = [f"- {helpline_line(s)}" for s in helplines(topic, services)]
    return text + ("\n\n" + "\n".join(lines) if lines else "")
