"""ORUK list filters shared by /services and /service_at_locations."""
from __future__ import annotations

import math

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from directory.confidential import redactor_for
from directory.models import (
    Attribute,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from directory.signpost import ENGLAND_GSS

from api.errors import ApiError
from api.places import place_for, place_from_postcode
from api.queries import DAY_CODES, ServiceQuery

DAY_NAMES = {"MONDAY": "MO", "TUESDAY": "TU", "WEDNESDAY": "WE", "THURSDAY": "TH", "FRIDAY": "FR",
             "SATURDAY": "SA", "SUNDAY": "SU"}


def public_services() -> Select:
    return select(Service).where(Service.assured_date.is_not(None))


def published_locations() -> Select:
    """Ids of services at locations whose whereabouts may be published: neither the location
    nor its service is confidential (docs/confidential-locations.md)."""
    return (
        select(ServiceAtLocation.id)
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .join(Service, ServiceAtLocation.service_id == Service.id)
        .where(Location.confidential.is_(False), Service.confidential.is_(False))
    )


def withheld_service_ids() -> Select:
    """Services with withheld whereabouts: confidential, or with a confidential location."""
    return select(Service.id).where(or_(
        Service.confidential.is_(True),
        Service.id.in_(select(ServiceAtLocation.service_id)
                       .join(Location, ServiceAtLocation.location_id == Location.id)
                       .where(Location.confidential.is_(True))),
    ))


def _withheld_matching(session: Session, withheld: Select, needle: str) -> list[str]:
    services = session.scalars(
        select(Service).where(Service.id.in_(withheld)).options(
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location)
            .selectinload(Location.addresses))
    )
    matching = []
    for service in services:
        redact = redactor_for(service)
        if any(needle in redact(text or "").lower() for text in (service.name, service.description)):
            matching.append(service.id)
    return matching


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _day_code(day: str) -> str:
    code = day.strip().upper()
    code = DAY_NAMES.get(code, code)
    if code not in DAY_CODES:
        raise ApiError(422, "invalid_request", "day: use MO, TU, WE, TH, FR, SA, SU or a day name")
    return code


def apply_service_filters(statement: Select, query: ServiceQuery, session: Session) -> Select:
    if query.search:
        needle = query.search.strip().lower()
        pattern = f"%{_escape_like(needle)}%"
        withheld = withheld_service_ids()
        # A service with withheld whereabouts is searched in its public (redacted) texts only:
        # otherwise searching for a street would say which refuge is on it.
        statement = statement.where(or_(
            and_(Service.id.not_in(withheld),
                 or_(func.lower(Service.name).like(pattern, escape="\\"),
                     func.lower(Service.description).like(pattern, escape="\\"))),
            Service.id.in_(_withheld_matching(session, withheld, needle)),
        ))
    if query.taxonomy_term_id:
        term_ids = select(TaxonomyTerm.id).where(
            or_(TaxonomyTerm.id == query.taxonomy_term_id, TaxonomyTerm.code == query.taxonomy_term_id)
        )
        statement = statement.where(
            Service.id.in_(select(Attribute.service_id).where(Attribute.taxonomy_term_id.in_(term_ids)))
        )
    if query.taxonomy_id:
        statement = statement.where(
            Service.id.in_(
                select(Attribute.service_id)
                .join(TaxonomyTerm, Attribute.taxonomy_term_id == TaxonomyTerm.id)
                .where(TaxonomyTerm.taxonomy_id == query.taxonomy_id)
            )
        )
    if query.organization_id:
        statement = statement.where(Service.organization_id == query.organization_id)
    if query.minimum_age is not None:
        statement = statement.where(Service.minimum_age >= query.minimum_age)
    if query.maximum_age is not None:
        statement = statement.where(Service.maximum_age <= query.maximum_age)
    if query.modified_after is not None:
        statement = statement.where(Service.last_modified >= query.modified_after)
    schedule_conditions = []
    if query.day:
        schedule_conditions.append(Schedule.byday.contains(_day_code(query.day)))
    if query.start_time:
        schedule_conditions.append(Schedule.opens_at >= query.start_time)
    if query.end_time:
        schedule_conditions.append(Schedule.closes_at <= query.end_time)
    if schedule_conditions:
        statement = statement.where(
            Service.id.in_(select(Schedule.service_id).where(and_(*schedule_conditions)))
        )
    if query.postcode is not None or query.area is not None:
        place = place_for(query.postcode, query.area)
        codes = place.gss_codes() | {ENGLAND_GSS}
        statement = statement.where(
            Service.id.in_(select(ServiceArea.service_id).where(ServiceArea.gss_code.in_(codes)))
        )
    if query.proximity is not None:
        if query.postcode is None:
            raise ApiError(422, "invalid_request", "proximity needs a postcode")
        statement = statement.where(Service.id.in_(services_near(session, query.postcode, query.proximity)))
    return statement


def services_near(session: Session, postcode: str, metres: int) -> list[str]:
    _place, resolution = place_from_postcode(postcode)
    if resolution.easting is None or resolution.northing is None:
        return []
    # A withheld location is never measured: were it, asking from enough postcodes with
    # shrinking distances would find it.
    rows = session.execute(
        select(ServiceAtLocation.service_id, Location.easting, Location.northing)
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .where(Location.easting.is_not(None), Location.northing.is_not(None),
               ServiceAtLocation.id.in_(published_locations()))
    )
    return [
        service_id for service_id, easting, northing in rows
        if math.hypot(easting - resolution.easting, northing - resolution.northing) <= metres
    ]
