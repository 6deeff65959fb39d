"""Open Referral UK 3.0: our records as ORUK JSON, and ORUK JSON back into records.

ORUK's schemata declare plain `string` types, so absent values are omitted rather
than sent as null. Signpost's own facts (source, confidence, scope...) travel in a
`signpost` extension object, and phones in HSDS 3.0's `service.phones`, which the
UK profile leaves open; a reader that does not know them can ignore them.

Confidential locations (docs/confidential-locations.md): the public view of a service
(`reveal=False`: every public route and the export) leaves out each withheld location
altogether and passes every text of the service through the redactor; only the
commissioners' own views (`reveal=True`) show the whereabouts, the review state and, on
each location, `signpost.confidential`.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import geography
from directory.confidential import Redactor, redactor_for
from directory.models import (
    Address,
    Attribute,
    Contact,
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
from vocabulary.areas import ENGLAND_GSS

HSDS_VERSION = "3.0"
PROFILE_URL = "https://openreferraluk.org/specifications/3.0"
GSS_AT_END = re.compile(r"([EWSNK]\d{8})$")


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value is not None}


def _iso(value: dt.date | dt.datetime | dt.time | None) -> str | None:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        # Stored in UTC; SQLite hands timestamps back without their zone, and ORUK's
        # date-time must carry one.
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat() if value is not None else None


def organization_json(org: Organization | None) -> dict[str, Any] | None:
    if org is None:
        return None
    return _clean(
        {"id": org.id, "name": org.name, "description": org.description or "", "email": org.email,
         "website": org.website, "uri": org.uri}
    )


def taxonomy_term_json(term: TaxonomyTerm) -> dict[str, Any]:
    return _clean(
        {"id": term.id, "name": term.name, "description": term.description, "parent_id": term.parent_id,
         "taxonomy_id": term.taxonomy_id, "taxonomy": term.taxonomy.name if term.taxonomy else None,
         "term_uri": term.term_uri, "term": term.code}
    )


def taxonomy_json(taxonomy: Taxonomy, with_terms: bool = False) -> dict[str, Any]:
    record = _clean(
        {"id": taxonomy.id, "name": taxonomy.name, "description": taxonomy.description,
         "uri": taxonomy.uri, "version": taxonomy.version}
    )
    if with_terms:
        record["taxonomy_terms"] = [taxonomy_term_json(term) for term in taxonomy.terms]
    return record


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    return _clean(
        {"id": schedule.id, "service_id": schedule.service_id,
         "service_at_location_id": schedule.service_at_location_id,
         "valid_from": _iso(schedule.valid_from), "valid_to": _iso(schedule.valid_to),
         "dtstart": _iso(schedule.dtstart), "freq": schedule.freq, "interval": schedule.interval,
         "byday": schedule.byday, "bymonthday": schedule.bymonthday, "description": schedule.description,
         "opens_at": _iso(schedule.opens_at), "closes_at": _iso(schedule.closes_at),
         "schedule_link": schedule.schedule_link, "attending_type": schedule.attending_type,
         "notes": schedule.notes}
    )


def location_json(location: Location, reveal: bool = False) -> dict[str, Any]:
    record = _clean(
        {"id": location.id, "location_type": location.location_type, "name": location.name,
         "description": location.description, "latitude": location.latitude,
         "longitude": location.longitude, "external_identifier": location.external_identifier,
         "external_identifier_type": location.external_identifier_type,
         "addresses": [
             _clean({"id": a.id, "location_id": a.location_id, "attention": a.attention,
                     "address_1": a.address_1, "city": a.city, "region": a.region,
                     "state_province": a.state_province, "postal_code": a.postal_code,
                     "country": a.country, "address_type": a.address_type})
             for a in location.addresses
         ]}
    )
    if reveal and (location.confidential or location.public_confirmed):
        record["signpost"] = {"confidential": location.confidential, "public_confirmed": location.public_confirmed}
    return record


def phone_json(phone: Phone) -> dict[str, Any]:
    return _clean(
        {"id": phone.id, "contact_id": phone.contact_id, "number": phone.number,
         "type": phone.type.value, "description": phone.description, "languages": []}
    )


def attribute_json(attribute: Attribute) -> dict[str, Any]:
    return {
        "id": attribute.id, "link_id": attribute.service_id, "link_type": attribute.link_type,
        "taxonomy_term_id": attribute.taxonomy_term_id,
        "taxonomy_term": taxonomy_term_json(attribute.taxonomy_term),
    }


# Never redacted: identifiers and codes (a redacted id would break every reference) and
# phone numbers (the front door itself).
KEEP_UNREDACTED = frozenset({
    "id", "service_id", "location_id", "organization_id", "link_id", "taxonomy_term_id", "taxonomy_id",
    "parent_id", "contact_id", "phone_id", "service_at_location_id", "number", "status", "type",
    "link_type", "location_type", "code", "term", "assured_date", "last_modified", "source_date",
    "confidence", "scope", "general", "audience", "freq", "byday", "opens_at", "closes_at",
})


def service_json(service: Service, full: bool = True, reveal: bool = False) -> dict[str, Any]:
    """A service as ORUK JSON: the public view, or with `reveal` the commissioners' view."""
    record = _clean(
        {"id": service.id, "organization_id": service.organization_id, "name": service.name,
         "description": service.description, "url": service.url, "email": service.email,
         "status": service.status.value, "fees": service.fees, "accreditations": service.accreditations,
         "minimum_age": service.minimum_age, "maximum_age": service.maximum_age,
         "assured_date": _iso(service.assured_date), "assurer_email": service.assurer_email,
         "alert": service.alert, "last_modified": _iso(service.last_modified)}
    )
    record["phones"] = [phone_json(phone) for phone in service.phones]
    record["schedules"] = [schedule_json(s) for s in service.schedules]
    record["service_areas"] = [
        _clean({"id": a.id, "service_id": a.service_id, "name": a.name, "extent": a.extent,
                "extent_type": a.extent_type, "uri": a.uri})
        for a in service.service_areas
    ]
    record["languages"] = [
        _clean({"id": lang.id, "service_id": lang.service_id, "phone_id": lang.phone_id,
                "name": lang.name, "code": lang.code, "note": lang.note})
        for lang in service.languages
    ]
    record["attributes"] = [attribute_json(a) for a in service.attributes]
    if full:
        record["organization"] = organization_json(service.organization)
        withheld = {location.id for location in service.withheld_locations()}
        record["service_at_locations"] = [
            {"id": sal.id, "service_id": sal.service_id, "location_id": sal.location_id,
             "location": location_json(sal.location, reveal)}
            for sal in service.service_at_locations
            if reveal or sal.location_id not in withheld
        ]
        record["contacts"] = [
            _clean({"id": c.id, "service_id": c.service_id, "name": c.name, "title": c.title})
            for c in service.contacts
        ]
        record["funding"] = []
        record["cost_options"] = []
    record["signpost"] = _clean(
        {"source": service.source, "source_date": _iso(service.source_date),
         "confidence": service.confidence, "scope": service.scope.value, "general": service.general,
         "audience": service.audience, "referral": service.referral, "hours_note": service.hours_note,
         "confidential": service.confidential or None, "front_door": service.front_door}
    )
    if reveal:
        record["signpost"].update(_clean({"confidentiality_review": service.confidentiality_review,
                                          "confidentiality_note": service.confidentiality_note}))
    elif service.whereabouts_withheld:
        redact = redactor_for(service)
        published = record.pop("service_at_locations", None)
        record = redact.walk(record, KEEP_UNREDACTED)
        if published is not None:
            # Published locations keep their own address; only the withheld ones go.
            record["service_at_locations"] = redact.exact().walk(published, KEEP_UNREDACTED)
    return _clean(record)


def is_withheld(sal: ServiceAtLocation) -> bool:
    return sal.service.confidential or sal.location.confidential


def service_at_location_json(sal: ServiceAtLocation) -> dict[str, Any]:
    """Public only: a withheld service at location is never listed (see the routers)."""
    assert not is_withheld(sal), "a withheld location never reaches a public answer"
    return {
        "id": sal.id, "service_id": sal.service_id, "location_id": sal.location_id,
        "location": location_json(sal.location),
        "service": service_json(sal.service, full=False),
    }


def page_json(contents: list[dict[str, Any]], total: int, page: int, per_page: int) -> dict[str, Any]:
    total_pages = max(1, -(-total // per_page))
    return {
        "total_items": total, "total_pages": total_pages, "page_number": page, "size": len(contents),
        "first_page": page == 1, "last_page": page >= total_pages, "empty": not contents,
        "contents": contents,
    }


# --- import -------------------------------------------------------------------------

def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def _time(value: Any) -> dt.time | None:
    if not value:
        return None
    return dt.time.fromisoformat(str(value)[:8])


def _datetime(value: Any) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _term_for(session: Session, attribute: dict[str, Any]) -> TaxonomyTerm:
    term_id = attribute["taxonomy_term_id"]
    term = session.get(TaxonomyTerm, term_id)
    if term is not None:
        return term
    embedded = attribute.get("taxonomy_term") or {}
    # Terms are published on their own (/taxonomy_terms), apart from any service: a feed's
    # term never brings an address or coordinates with it.
    redact = Redactor()
    term = TaxonomyTerm(
        id=term_id,
        code=f"ext-{term_id}"[:64],
        name=redact(embedded.get("name") or term_id),
        description=redact(embedded.get("description") or ""),
        term_uri=embedded.get("term_uri"),
    )
    session.add(term)
    session.flush()
    return term


def upsert_service(session: Session, record: dict[str, Any]) -> tuple[Service, bool]:
    """Create or replace one fully nested ORUK service (checked by directory.feed_schema and
    directory.feeds first); returns (service, created). An import only ever raises
    confidentiality: what a commissioner or an earlier import withheld stays withheld, and
    withheld locations the feed does not mention (it never saw them: exports leave them
    out) are kept."""
    org_record = record.get("organization")
    org_id = record.get("organization_id") or (org_record or {}).get("id")
    if org_record:
        session.merge(
            Organization(id=org_record["id"], name=org_record["name"],
                         description=org_record.get("description") or "",
                         email=org_record.get("email"), website=org_record.get("website"),
                         uri=org_record.get("uri"))
        )
    session.flush()

    service = session.get(Service, record["id"])
    created = service is None
    if created:
        service = Service(id=record["id"])
        session.add(service)
    extension = record.get("signpost") or {}
    areas = record.get("service_areas") or []
    area_codes = [_gss(area) for area in areas]
    scope = extension.get("scope") or ("national" if ENGLAND_GSS in area_codes else "local")

    service.organization_id = org_id
    service.name = record["name"]
    service.description = record.get("description")
    service.url = record.get("url")
    service.email = record.get("email")
    service.status = ServiceStatus(record.get("status", "active"))
    service.fees = record.get("fees")
    service.accreditations = record.get("accreditations")
    service.minimum_age = int(record["minimum_age"]) if record.get("minimum_age") is not None else None
    service.maximum_age = int(record["maximum_age"]) if record.get("maximum_age") is not None else None
    service.assured_date = _date(record.get("assured_date"))
    service.assurer_email = record.get("assurer_email")
    service.alert = record.get("alert")
    service.last_modified = _datetime(record.get("last_modified")) or dt.datetime.now(dt.UTC)
    service.source = extension.get("source") or "Imported Open Referral UK feed"
    service.source_date = _date(extension.get("source_date")) or service.assured_date
    service.confidence = extension.get("confidence")
    service.scope = Scope(scope)
    service.general = bool(extension.get("general", False))
    service.audience = extension.get("audience")
    service.referral = extension.get("referral")
    service.hours_note = extension.get("hours_note")
    if extension.get("confidential") is True:
        service.confidential = True
    if extension.get("front_door"):
        service.front_door = extension["front_door"]

    phones = list(record.get("phones") or [])
    for contact in record.get("contacts") or []:
        phones.extend(contact.get("phones") or [])
    service.phones = [
        Phone(id=p["id"], number=p["number"], type=PhoneType(p.get("type", "voice")),
              description=p.get("description"), position=position)
        for position, p in enumerate(phones)
    ]
    service.schedules = [
        Schedule(id=s["id"], valid_from=_date(s.get("valid_from")), valid_to=_date(s.get("valid_to")),
                 dtstart=_date(s.get("dtstart")), freq=s.get("freq"),
                 interval=int(s["interval"]) if s.get("interval") is not None else None,
                 byday=s.get("byday"), bymonthday=s.get("bymonthday"), description=s.get("description"),
                 opens_at=_time(s.get("opens_at")), closes_at=_time(s.get("closes_at")),
                 schedule_link=s.get("schedule_link"), attending_type=s.get("attending_type"),
                 notes=s.get("notes"))
        for s in record.get("schedules") or []
    ]
    service.service_areas = [
        ServiceArea(id=a["id"], name=a.get("name"), extent=a.get("extent"),
                    extent_type=a.get("extent_type"), uri=a.get("uri"), gss_code=code)
        for a, code in zip(areas, area_codes, strict=True)
    ]
    service.languages = [
        Language(id=lang["id"], name=lang.get("name"), code=lang.get("code"), note=lang.get("note"))
        for lang in record.get("languages") or []
    ]
    service.contacts = [
        Contact(id=c["id"], name=c.get("name"), title=c.get("title"))
        for c in record.get("contacts") or []
    ]
    service.attributes = [
        Attribute(id=a["id"], link_type=a.get("link_type") or "attribute", link_entity="service",
                  taxonomy_term=_term_for(session, a))
        for a in record.get("attributes") or []
    ]
    session.flush()
    in_feed = {sal["id"] for sal in record.get("service_at_locations") or []}
    kept = [sal for sal in service.service_at_locations
            if sal.id not in in_feed and (service.confidential or sal.location.confidential)]
    service.service_at_locations = [
        ServiceAtLocation(id=sal["id"], location=_upsert_location(session, sal["location"])
                          if sal.get("location") else session.get(Location, sal["location_id"]))
        for sal in record.get("service_at_locations") or []
    ] + kept
    session.flush()
    return service, created


def public_in_feed(record: dict[str, Any]) -> tuple[set[str], bool]:
    """The locations a feed explicitly marks public (`signpost.confidential: false`), and
    whether it marks the whole service so."""
    locations = {
        sal["location"]["id"] for sal in record.get("service_at_locations") or []
        if sal.get("location") and ((sal["location"].get("signpost") or {}).get("confidential") is False)
    }
    return locations, (record.get("signpost") or {}).get("confidential") is False


def _gss(area: dict[str, Any]) -> str | None:
    for candidate in (area.get("uri"), area.get("extent")):
        if candidate and (match := GSS_AT_END.search(str(candidate).strip().rstrip("/"))):
            return match.group(1)
    return None


def _upsert_location(session: Session, record: dict[str, Any]) -> Location:
    location = session.get(Location, record["id"]) or Location(id=record["id"])
    location.location_type = record.get("location_type", "physical")
    location.name = record.get("name")
    location.description = record.get("description")
    location.latitude = record.get("latitude")
    location.longitude = record.get("longitude")
    location.external_identifier = record.get("external_identifier")
    location.external_identifier_type = record.get("external_identifier_type")
    if (record.get("signpost") or {}).get("confidential") is True:
        location.confidential = True
    location.addresses = [
        Address(id=a["id"], attention=a.get("attention"), address_1=a["address_1"], city=a["city"],
                region=a.get("region"), state_province=a["state_province"],
                postal_code=a["postal_code"], country=a.get("country", "GB"),
                address_type=a.get("address_type", "physical"))
        for a in record.get("addresses") or []
    ]
    location.easting = location.northing = None
    for address in location.addresses:
        # Measured from the postcode, as the seed's are, so proximity search finds it.
        if centroid := geography.postcode_centroid(address.postal_code):
            location.easting, location.northing = centroid
            break
    session.add(location)
    return location


def feed_services(document: Any) -> list[dict[str, Any]]:
    """Accept a bare list of services, an ORUK page ({"contents": [...]}) or {"services": [...]}."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in ("contents", "services"):
            if isinstance(document.get(key), list):
                return document[key]
    raise ValueError("expected a list of ORUK services, or an object with `contents` or `services`")


def all_services(session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.name, Service.id)))
