"""The ordered answer to "who can help with this, near here, now".

The order is vocabulary/ranking.py's, the one set of rules the action server uses too: the
person first (a child, an older person, LGBT+ people, men), then the need, local help before
national lines, general lines last. Services are never shown unless a commissioner's source
has assured them and they are active.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from directory import geography, hours
from directory.confidential import front_door_and_referral, redactor_for
from directory.models import Service, ServiceStatus
from vocabulary.ranking import (  # noqa: F401 - the vocabulary, re-exported for the API
    ABOUT,
    AGE_BANDS,
    CATEGORIES,
    ENGLAND_GSS,
    NEEDS,
    OLDER_PERSON_AGE,
    RELATED_CATEGORIES,
    TOPICS,
    Offer,
    Person,
    Ranked,
    never_empty,
    primary_language,
    rank,
)
from vocabulary.ranking import eligible as _eligible_offer

Group = Literal["local", "national", "general"]


@dataclass(frozen=True)
class Place:
    """Where the person is, as far as we know: an area, a local authority, or nothing."""

    status: Literal["resolved", "ambiguous", "outside_pilot", "not_given"]
    area: geography.PilotArea | None = None
    local_authority: geography.LocalAuthority | None = None
    # When a place could be in several authorities, local help for each of them.
    candidate_codes: frozenset[str] = frozenset()

    def gss_codes(self) -> set[str]:
        if self.local_authority is not None:
            return {self.local_authority.code}
        if self.area is not None:
            return set(self.area.gss_codes)
        return set(self.candidate_codes)


def _terms(service: Service, link_type: str) -> set[str]:
    return {a.taxonomy_term.code for a in service.attributes if a.link_type == link_type}


def is_public(service: Service) -> bool:
    return service.assured_date is not None and service.status == ServiceStatus.active


def offer(service: Service) -> Offer:
    """A directory service as the ranking rules see it."""
    terms: dict[str, set[str]] = {}
    for attribute in service.attributes:
        terms.setdefault(attribute.link_type, set()).add(attribute.taxonomy_term.code)
    areas = frozenset(area.gss_code for area in service.service_areas if area.gss_code)
    return Offer(
        name=service.name,
        categories=frozenset(terms.get("category", ())),
        needs=frozenset(terms.get("need", ())),
        eligibility=frozenset(terms.get("eligibility", ())),
        topics=frozenset(terms.get("topic", ())),
        audience=service.audience,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        languages=frozenset(primary_language(lang.code) for lang in service.languages if lang.code),
        general=service.general,
        national=ENGLAND_GSS in areas,
        areas=areas,
        item=service,
    )


def eligible(service: Service, person: Person, need: str | None) -> bool:
    return _eligible_offer(offer(service), person, need)


def signpost(
    published: tuple[Service, ...] | list[Service],
    category: str,
    place: Place,
    person: Person = Person(),
    need: str | None = None,
) -> list[Ranked]:
    """The ranked services; each one's `service` is the database row. Never empty while any national
    line for the category is published."""
    offers = [offer(service) for service in published if is_public(service)]
    return rank(offers, category, place.gss_codes(), person, need) or never_empty(offers, category)


def phone_uri(number: str, phone_type: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"sms:{digits}" if phone_type == "text" else f"tel:{digits}"


# Codes and phone numbers: never redacted (the phone line is the front door).
ANSWER_CODES = frozenset({"id", "number", "uri", "type", "scope", "group", "categories", "needs", "audience",
                          "attributes", "languages", "assured_date"})


def service_answer(service: Service, group: Group, now: dt.datetime | None = None) -> dict:
    """One service as the bot, the widget and staff show it (see docs/api-contract.md).
    A service with a withheld location shows its front door, and no text of it carries an
    address, a postcode or coordinates (docs/confidential-locations.md)."""
    eligibility_terms = sorted(_terms(service, "eligibility"))
    answer = {
        "id": service.id,
        "name": service.name,
        "organization": service.organization.name if service.organization else None,
        "description": service.description,
        "scope": service.scope.value,
        "group": group,
        "categories": sorted(_terms(service, "category")),
        "needs": sorted(_terms(service, "need")),
        "phones": [
            {"number": p.number, "type": p.type.value, "description": p.description,
             "uri": phone_uri(p.number, p.type.value)}
            for p in service.phones
        ],
        "url": service.url,
        "email": service.email,
        "hours": hours.describe(service.schedules, service.hours_note),
        "open_now": hours.open_now(service.schedules, now),
        "open_24_7": hours.is_24_7(service.schedules),
        "topics": sorted(_terms(service, "topic")),
        "general": service.general,
        "eligibility": {
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "audience": service.audience,
            "attributes": eligibility_terms,
        },
        "referral": front_door_and_referral(service),
        "free_to_call": "free_to_call" in eligibility_terms,
        "languages": sorted(lang.code for lang in service.languages if lang.code),
        "interpreters": "interpreters" in eligibility_terms,
        "source": service.source,
        "assured_date": service.assured_date.isoformat() if service.assured_date else None,
    }
    if service.whereabouts_withheld:
        answer = redactor_for(service).walk(answer, ANSWER_CODES)
    return answer
