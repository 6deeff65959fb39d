"""Load the taxonomy and the seed services from directory/seed/ into the database.

Loading is idempotent: records are keyed by stable ids, and a service that already
exists is left alone so a commissioner's edits are never overwritten by a restart.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import geography
from directory.confidential import withhold_look_alikes
from directory.ids import stable_id
from directory.models import (
    Address,
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    PhoneType,
    Schedule,
    Scope,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from directory.seed_schema import SeedFile, SeedService, SeedTerm, TaxonomyFile
from directory.snapshot import bump_revision
from vocabulary.areas import ENGLAND_GSS, PILOT_AREAS

SEED_DIR = Path(__file__).parent / "seed"
TAXONOMY_FILE = "taxonomy.yaml"
STATISTICAL_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"
STATE_PROVINCE = {area.id: area.state_province for area in PILOT_AREAS}


def read_taxonomy(seed_dir: Path = SEED_DIR) -> TaxonomyFile:
    return TaxonomyFile.model_validate(yaml.safe_load((seed_dir / TAXONOMY_FILE).read_text()))


def read_seed_files(seed_dir: Path = SEED_DIR) -> list[SeedFile]:
    return [
        SeedFile.model_validate(yaml.safe_load(path.read_text()))
        for path in sorted(seed_dir.glob("*.yaml"))
        if path.name != TAXONOMY_FILE
    ]


def term_id(code: str) -> str:
    return stable_id("taxonomy_term", code)


def taxonomy_id(code: str) -> str:
    return stable_id("taxonomy", code)


def walk_terms(terms: Iterable[SeedTerm], parent: SeedTerm | None = None) -> Iterator[tuple[SeedTerm, SeedTerm | None]]:
    for term in terms:
        yield term, parent
        yield from walk_terms(term.children, term)


def term_groups(taxonomy: TaxonomyFile) -> dict[str, str]:
    """Map every leaf term code to its top-level group: category, need, eligibility or topic."""
    groups: dict[str, str] = {}
    for top in taxonomy.terms:
        for term, _parent in walk_terms(top.children):
            groups[term.code] = top.code
    return groups


def load_taxonomy(session: Session, taxonomy: TaxonomyFile) -> None:
    tax_id = taxonomy_id(taxonomy.taxonomy.code)
    session.merge(
        Taxonomy(
            id=tax_id,
            name=taxonomy.taxonomy.name,
            description=taxonomy.taxonomy.description,
            version=taxonomy.taxonomy.version,
            uri=None,
        )
    )
    for position, (term, parent) in enumerate(walk_terms(taxonomy.terms)):
        session.merge(
            TaxonomyTerm(
                id=term_id(term.code),
                code=term.code,
                name=term.name,
                description=term.description,
                parent_id=term_id(parent.code) if parent else None,
                taxonomy_id=tax_id,
                position=position,
            )
        )
    session.flush()


def _time(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def _service_areas(service_id: str, area: str, seed: SeedService) -> list[ServiceArea]:
    if area == "national":
        return [
            ServiceArea(
                id=stable_id(service_id, "area", ENGLAND_GSS),
                name="England",
                gss_code=ENGLAND_GSS,
                uri=STATISTICAL_GEOGRAPHY + ENGLAND_GSS,
            )
        ]
    codes = list(seed.local_authorities or sorted(geography.PILOT_AREAS[area].gss_codes))
    codes += [code for code in seed.extra_local_authorities if code not in codes]
    return [
        ServiceArea(
            id=stable_id(service_id, "area", code),
            name=geography.local_authority_name(code) or code,
            gss_code=code,
            uri=STATISTICAL_GEOGRAPHY + code,
        )
        for code in codes
    ]


def _location(service_id: str, area: str, seed: SeedService) -> ServiceAtLocation | None:
    if seed.location is None:
        return None
    location_id = stable_id(service_id, "location")
    location = Location(id=location_id, location_type="physical", name=seed.location.name)
    if seed.location.confidential:
        location.confidential = True  # only ever raised here: a merge must not clear it
    if seed.location.postal_code:
        centroid = geography.postcode_centroid(seed.location.postal_code)
        if centroid:
            location.easting, location.northing = centroid
    if seed.location.address_1 and seed.location.city and seed.location.postal_code:
        location.addresses.append(
            Address(
                id=stable_id(location_id, "address"),
                address_1=seed.location.address_1,
                city=seed.location.city,
                state_province=STATE_PROVINCE.get(area, "England"),
                postal_code=seed.location.postal_code,
                country="GB",
                address_type="physical",
            )
        )
    elif seed.location.city:
        location.description = seed.location.city
    return ServiceAtLocation(id=stable_id(service_id, "at", location_id), location=location)


def build_service(area: str, seed: SeedService, groups: dict[str, str], service_id: str | None = None,
                  already_withheld: frozenset[str] = frozenset()) -> Service:
    """A service from a seed entry or a commissioner's write. A look-alike of safe
    accommodation with an address has it withheld for review, as an import would;
    `already_withheld`: ids of locations that are confidential now and stay so."""
    service_id = service_id or stable_id("service", seed.slug)
    assured = seed.confidence != "U"
    service = Service(
        id=service_id,
        slug=seed.slug or None,
        organization_id=stable_id("organization", seed.organization),
        name=seed.name,
        description=seed.description.strip(),
        url=seed.url if assured else None,
        email=seed.email,
        status=ServiceStatus.active,
        minimum_age=seed.minimum_age,
        maximum_age=seed.maximum_age,
        assured_date=(seed.checked or seed.source_date) if assured else None,
        source=seed.source,
        source_date=seed.source_date,
        confidence=seed.confidence,
        scope=Scope.national if area == "national" else Scope.local,
        general=seed.general,
        audience=seed.audience,
        referral=seed.referral,
        hours_note=seed.hours_note,
        notes=seed.notes,
    )
    service.phones = [
        Phone(
            id=stable_id(service_id, "phone", position),
            number=phone.number,
            type=PhoneType(phone.type),
            description=phone.description,
            position=position,
        )
        for position, phone in enumerate(seed.phones)
    ]
    service.schedules = [
        Schedule(
            id=stable_id(service_id, "schedule", index),
            freq="WEEKLY",
            interval=1,
            byday=schedule.byday,
            opens_at=_time(schedule.opens_at),
            closes_at=_time(schedule.closes_at),
            description=schedule.description or seed.hours_note,
        )
        for index, schedule in enumerate(seed.schedules)
    ]
    service.service_areas = _service_areas(service_id, area, seed)
    at_location = _location(service_id, area, seed)
    if at_location:
        service.service_at_locations = [at_location]
        if at_location.location.id in already_withheld:
            at_location.location.confidential = True
    if seed.front_door:
        service.front_door = seed.front_door
    attributes = [("category", code) for code in seed.categories]
    attributes += [("need", code) for code in seed.needs]
    attributes += [("eligibility", code) for code in seed.eligibility]
    attributes += [("topic", code) for code in seed.topics]
    for link_type, code in attributes:
        if groups.get(code) != link_type:
            raise ValueError(f"{seed.slug}: {code!r} is not a {link_type} term in the taxonomy")
    service.attributes = [
        Attribute(
            id=stable_id(service_id, "attribute", code),
            link_type=link_type,
            link_entity="service",
            taxonomy_term_id=term_id(code),
        )
        for link_type, code in attributes
    ]
    service.languages = [
        Language(id=stable_id(service_id, "language", lang.code), code=lang.code, name=lang.name, note=lang.note)
        for lang in seed.languages
    ]
    public = {at_location.location.id} if at_location and seed.location.confidential is False else set()
    withhold_look_alikes(service, [*seed.categories, *seed.needs], public, when="when written")
    return service


def load_seed(session: Session, seed_dir: Path = SEED_DIR) -> int:
    """Load everything under seed_dir; returns how many services were added."""
    taxonomy = read_taxonomy(seed_dir)
    load_taxonomy(session, taxonomy)
    groups = term_groups(taxonomy)
    existing = set(session.scalars(select(Service.id)))
    added = 0
    for seed_file in read_seed_files(seed_dir):
        for seed in seed_file.services:
            organization_id = stable_id("organization", seed.organization)
            if session.get(Organization, organization_id) is None:
                session.add(Organization(id=organization_id, name=seed.organization, description=""))
                session.flush()
            service = build_service(seed_file.area, seed, groups)
            if service.id in existing:
                continue
            session.add(service)
            added += 1
    session.flush()
    if added:
        bump_revision(session)
    return added


def directory_is_empty(session: Session) -> bool:
    return session.scalar(select(Service.id).limit(1)) is None
