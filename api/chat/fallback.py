"""What a person sees when the assistant cannot answer: emergency guidance first, then the
national helplines from the seed. Never an error message, never a dead end."""
from __future__ import annotations

from functools import lru_cache

import i18n as python_i18n

from directory.fallback import national_helplines
from directory.ids import stable_id

# The first lines anyone needs, whatever happened: one for each kind of abuse, and Samaritans.
FIRST_LINES = (
    "national-domestic-abuse-helpline", "rape-crisis-247-support-line", "national-stalking-helpline",
    "karma-nirvana", "forced-marriage-unit", "nspcc-fgm-helpline", "samaritans",
)


@lru_cache(maxsize=1)
def first_lines() -> tuple[dict, ...]:
    by_id = {service["id"]: service for service in national_helplines()}
    return tuple(by_id[stable_id("service", slug)] for slug in FIRST_LINES)


def _line(service: dict) -> str:
    return f"{service['name']}: " + ", ".join(phone["number"] for phone in service["phones"])


def degraded_messages(locale: str) -> list[dict]:
    services = list(first_lines())
    intro = python_i18n.t("gateway.degraded.intro", locale=locale)
    return [
        {"text": python_i18n.t("safety.emergency.guidance", locale=locale), "buttons": [], "kind": "danger"},
        {"text": intro + "\n\n" + "\n".join(_line(s) for s in services), "buttons": [], "kind": "services",
         "services": services},
    ]
