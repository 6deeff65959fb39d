"""The ordered answer to "who can help with this, near here, now".

Order: local services for the category (requested need first, then the most specific
help first), then national lines for the category (the general line before specialist
lines for men, LGBT+ people, children or older people, which appear alongside it
when the person says they apply), then general lines. Services are never shown
unless a commissioner's source has assured them and they are active.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from directory import geography, hours
from directory.confidential import front_door_and_referral, redactor_for
from directory.models import Service, ServiceStatus

CATEGORIES = (
    "domestic_abuse", "sexual_violence", "stalking", "fgm", "honour_based_abuse", "forced_marriage",
)
NEEDS = (
    "helpline", "specialist_support", "safe_accommodation", "advocacy", "idva", "isva", "chisva",
    "sarc", "counselling", "legal_advice", "children_young_people", "own_behaviour", "information",
)
# Most specific help first when nobody asked for a particular need.
NEED_SPECIFICITY = (
    "own_behaviour", "sarc", "idva", "isva", "chisva", "safe_accommodation", "advocacy",
    "specialist_support", "counselling", "legal_advice", "children_young_people", "helpline", "information",
)
NEED_PARENT = {"idva": "advocacy", "isva": "advocacy", "chisva": "advocacy"}
# Local services for a related kind of abuse are worth a call too: honour-based abuse and
# forced marriage are domestic abuse when family members commit them; much stalking is by an ex.
RELATED_CATEGORIES = {
    "honour_based_abuse": ("forced_marriage", "domestic_abuse"),
    "forced_marriage": ("honour_based_abuse", "domestic_abuse"),
    "stalking": ("domestic_abuse",),
    "domestic_abuse": (),
    "sexual_violence": (),
    "fgm": (),
}
ENGLAND_GSS = "E92000001"
OLDER_PERSON_AGE = 60
Gender = Literal["female", "male", "other"]
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


@dataclass(frozen=True)
class Person:
    age: int | None = None
    gender: Gender | None = None
    lgbt: bool | None = None
    language: str | None = None


@dataclass
class Ranked:
    service: Service
    group: Group
    key: tuple = field(default_factory=tuple)


def _terms(service: Service, link_type: str) -> set[str]:
    return {a.taxonomy_term.code for a in service.attributes if a.link_type == link_type}


def is_public(service: Service) -> bool:
    return service.assured_date is not None and service.status == ServiceStatus.active


def eligible(service: Service, person: Person, need: str | None) -> bool:
    audience = service.audience
    if audience == "men" and person.gender != "male":
        return False
    if audience == "lgbt" and not person.lgbt:
        return False
    if audience == "children" and (person.age is None or person.age >= 18):
        return False
    if audience == "older_people" and (person.age is None or person.age < OLDER_PERSON_AGE):
        return False
    if audience == "own_behaviour" and need != "own_behaviour":
        return False
    if "women_only" in _terms(service, "eligibility") and person.gender == "male":
        return False
    if person.age is not None:
        if service.minimum_age is not None and person.age < service.minimum_age:
            return False
        if service.maximum_age is not None and person.age > service.maximum_age:
            return False
    return True


def _need_rank(service: Service, need: str | None) -> tuple[int, int]:
    needs = _terms(service, "need")
    asked = 0
    if need is not None:
        wanted = {need} | {child for child, parent in NEED_PARENT.items() if parent == need}
        asked = 0 if needs & wanted else 1
    specificity = min((NEED_SPECIFICITY.index(n) for n in needs if n in NEED_SPECIFICITY), default=99)
    return asked, specificity


def _primary(code: str | None) -> str:
    return (code or "").split("-")[0].lower()


def _language_rank(service: Service, person: Person) -> int:
    """Asked in a language other than English: services that speak it, then services that
    arrange interpreters, then the rest. Nobody is hidden for their language."""
    wanted = _primary(person.language)
    if not wanted or wanted == "en":
        return 0
    if any(_primary(lang.code) == wanted for lang in service.languages):
        return 0
    return 1 if "interpreters" in _terms(service, "eligibility") else 2


def _covers(service: Service, codes: set[str]) -> bool:
    return any(area.gss_code in codes for area in service.service_areas)


def candidate_services(services: tuple[Service, ...] | list[Service], category: str, codes: set[str]) -> list[Service]:
    """Published services in the category (or a related one), or general, covering the place."""
    categories = {category, *RELATED_CATEGORIES[category]}
    wanted_codes = codes | {ENGLAND_GSS}
    return [
        service for service in services
        if (service.general or _terms(service, "category") & categories)
        and any(area.gss_code in wanted_codes for area in service.service_areas)
    ]


def rank(services: list[Service], category: str, place: Place, person: Person, need: str | None) -> list[Ranked]:
    codes = place.gss_codes()
    ranked: list[Ranked] = []
    for service in services:
        if not is_public(service) or not eligible(service, person, need):
            continue
        categories = _terms(service, "category")
        national = ENGLAND_GSS in {a.gss_code for a in service.service_areas}
        local = not national and _covers(service, codes)
        if need == "own_behaviour" and "own_behaviour" not in _terms(service, "need") and not service.general:
            continue
        if category in categories and local:
            group: Group = "local"
        elif category in categories and national:
            group = "national"
        elif service.general and (national or local):
            group = "general"
        elif local and categories & set(RELATED_CATEGORIES[category]):
            group = "general"
        else:
            continue
        asked, specificity = _need_rank(service, need)
        specialist = 1 if service.audience in {"men", "lgbt", "children", "older_people"} else 0
        # Nationally, the line dedicated to this kind of abuse comes before lines that
        # cover many (legal advice, exploitation), and general lines before specialist ones.
        dedication = len(categories) if group == "national" else 0
        key = (
            ("local", "national", "general").index(group),
            asked,
            _language_rank(service, person),
            0 if group != "general" or local else 1,
            specialist if group == "national" else 0,
            dedication,
            specificity,
            service.name.lower(),
        )
        ranked.append(Ranked(service=service, group=group, key=key))
    ranked.sort(key=lambda item: item.key)
    return ranked


def signpost(
    published: tuple[Service, ...] | list[Service],
    category: str,
    place: Place,
    person: Person = Person(),
    need: str | None = None,
) -> list[Ranked]:
    services = candidate_services(published, category, place.gss_codes())
    ranked = rank(services, category, place, person, need)
    if not ranked:
        # Nothing eligible (e.g. every line excluded by an unusual combination): never a
        # dead end, so show the category's national lines without the eligibility filter.
        ranked = [
            Ranked(service=s, group="national", key=(1, s.name.lower()))
            for s in services
            if is_public(s) and category in _terms(s, "category")
            and ENGLAND_GSS in {a.gss_code for a in s.service_areas}
        ]
        ranked.sort(key=lambda item: item.key)
    return ranked


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
