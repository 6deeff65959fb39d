"""Import and export whole Open Referral UK 3.0 feeds, with an audit row per change.

Used by the API's write interface and by the command line:
    .venv/bin/python -m directory.feeds import FILE_OR_URL --actor NAME
    .venv/bin/python -m directory.feeds export FILE
(the database is SIGNPOST_DATABASE_URL, default sqlite:///var/signpost.db).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import FlushError
from sqlalchemy.orm import Session, selectinload

from directory.confidential import withhold_look_alikes
from directory.feed_schema import FeedService, has_control_characters, problems
from directory.models import (
    Address,
    Attribute,
    AuditEntry,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from directory.oruk import feed_services, page_json, public_in_feed, service_json, upsert_service
from directory.snapshot import bump_revision

MAX_FEED_PAGES = 200
FULL_SERVICE = (
    selectinload(Service.attributes).selectinload(Attribute.taxonomy_term),
    selectinload(Service.phones),
    selectinload(Service.schedules),
    selectinload(Service.service_areas),
    selectinload(Service.languages),
    selectinload(Service.contacts),
    selectinload(Service.organization),
    selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location)
    .selectinload(Location.addresses),
)


class FeedError(ValueError):
    """The feed could not be read or a record in it is invalid; nothing was changed.
    `status`: 422 for a record that is wrong in itself or points at nothing, 409 for an id
    that another record already uses."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def record_change(session: Session, actor: str, action: str, service_id: str,
                  before: dict | None, after: dict | None) -> None:
    bump_revision(session)
    session.add(AuditEntry(actor=actor, action=action, entity_type="service", entity_id=service_id,
                           before=before, after=after))


def load_full(session: Session, service_id: str) -> Service | None:
    return session.scalar(select(Service).where(Service.id == service_id).options(*FULL_SERVICE))


def snapshot(session: Session, service_id: str, reveal: bool = True) -> dict:
    """The service as it now stands; with `reveal` (the audit trail's view) its whereabouts too."""
    session.flush()
    session.expire_all()
    service = load_full(session, service_id)
    assert service is not None
    return service_json(service, full=True, reveal=reveal)


ImportReport = dict[str, Any]
# Child records whose ids must belong to one service only: (kind, model, the feed's lists).
OWNED = (
    ("phone", Phone), ("schedule", Schedule), ("service_area", ServiceArea), ("language", Language),
    ("contact", Contact), ("attribute", Attribute), ("service_at_location", ServiceAtLocation),
)


def _name(position: int, record: Any) -> str:
    identifier = record.get("id") if isinstance(record, dict) else None
    return f"service {position}" + (f" (id {str(identifier)[:64]!r})" if identifier else "")


def _validate(position: int, record: Any) -> FeedService:
    if not isinstance(record, dict):
        raise FeedError(422, "invalid_feed", f"{_name(position, record)}: expected an ORUK service object")
    try:
        return FeedService.model_validate(record)
    except ValidationError as error:
        found = problems(error)
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        raise FeedError(422, "invalid_feed", f"{_name(position, record)}: {'; '.join(found[:3])}{more}") from error


def _children(service: FeedService) -> dict[str, list[tuple[str, str]]]:
    """Every owned child id in a service, by kind, with where it sits in the record."""
    phones = [(p.id, f"phones[{i}].id") for i, p in enumerate(service.phones or [])]
    for c_index, contact in enumerate(service.contacts or []):
        phones += [(p.id, f"contacts[{c_index}].phones[{i}].id") for i, p in enumerate(contact.phones or [])]
    return {
        "phone": phones,
        "schedule": [(s.id, f"schedules[{i}].id") for i, s in enumerate(service.schedules or [])],
        "service_area": [(a.id, f"service_areas[{i}].id") for i, a in enumerate(service.service_areas or [])],
        "language": [(x.id, f"languages[{i}].id") for i, x in enumerate(service.languages or [])],
        "contact": [(c.id, f"contacts[{i}].id") for i, c in enumerate(service.contacts or [])],
        "attribute": [(a.id, f"attributes[{i}].id") for i, a in enumerate(service.attributes or [])],
        "service_at_location": [(sal.id, f"service_at_locations[{i}].id")
                                for i, sal in enumerate(service.service_at_locations or [])],
    }


def _check_ids(session: Session, services: list[FeedService]) -> None:
    """An id names one record: refuse a service twice in the feed, a child id used twice,
    or a child id that already belongs to another service in the directory."""
    seen_services: dict[str, int] = {}
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    for position, service in enumerate(services):
        if service.id in seen_services:
            raise FeedError(409, "conflict", f"service {position} (id {service.id!r}): id: the feed has this "
                                             f"service already, as service {seen_services[service.id]}")
        seen_services[service.id] = position
        for kind, ids in _children(service).items():
            for child_id, field in ids:
                if (kind, child_id) in seen:
                    other, other_field = seen[(kind, child_id)]
                    raise FeedError(409, "conflict", f"service {position} (id {service.id!r}): {field}: the "
                                                     f"{kind} id {child_id!r} is also used by service {other} "
                                                     f"at {other_field}; ids must be unique")
                seen[(kind, child_id)] = (position, field)
    _check_addresses(session, services)
    for kind, model in OWNED:
        wanted = {child_id: owner for (k, child_id), owner in seen.items() if k == kind}
        for chunk in _chunks(list(wanted)):
            for child_id, owner_id in session.execute(select(model.id, model.service_id).where(model.id.in_(chunk))):
                position, field = wanted[child_id]
                if owner_id != services[position].id:
                    raise FeedError(409, "conflict", f"service {position} (id {services[position].id!r}): {field}: "
                                                     f"the {kind} id {child_id!r} already belongs to another "
                                                     f"service in the directory ({owner_id})")


def _check_addresses(session: Session, services: list[FeedService]) -> None:
    """An address belongs to one location (a location may be shared by several services)."""
    owners: dict[str, tuple[str, int, str]] = {}
    for position, service in enumerate(services):
        for i, sal in enumerate(service.service_at_locations or []):
            for j, address in enumerate((sal.location.addresses or []) if sal.location else []):
                field = f"service_at_locations[{i}].location.addresses[{j}].id"
                owner = owners.setdefault(address.id, (sal.location.id, position, field))
                if owner[0] != sal.location.id:
                    raise FeedError(409, "conflict", f"service {position} (id {service.id!r}): {field}: the address "
                                                     f"id {address.id!r} is also used by another location "
                                                     f"(service {owner[1]} at {owner[2]})")
    for chunk in _chunks(list(owners)):
        for address_id, location_id in session.execute(
                select(Address.id, Address.location_id).where(Address.id.in_(chunk))):
            owner_location, position, field = owners[address_id]
            if location_id != owner_location:
                raise FeedError(409, "conflict", f"service {position} (id {services[position].id!r}): {field}: the "
                                                 f"address id {address_id!r} already belongs to another location in "
                                                 f"the directory ({location_id})")


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _check_references(session: Session, position: int, service: FeedService) -> None:
    """Every id a record points at must exist in the directory or come with the record."""
    name = f"service {position} (id {service.id!r})"
    if service.organization and service.organization_id and service.organization.id != service.organization_id:
        raise FeedError(422, "invalid_reference", f"{name}: organization_id: {service.organization_id!r} is not "
                                                  f"the id of the organization given ({service.organization.id!r})")
    if service.organization_id and not service.organization and \
            session.get(Organization, service.organization_id) is None:
        raise FeedError(422, "unknown_reference", f"{name}: organization_id: no organization "
                                                  f"{service.organization_id!r} in the directory or the record")
    for i, attribute in enumerate(service.attributes or []):
        if attribute.taxonomy_term is None and session.get(TaxonomyTerm, attribute.taxonomy_term_id) is None:
            raise FeedError(422, "unknown_reference", f"{name}: attributes[{i}].taxonomy_term_id: no taxonomy "
                                                      f"term {attribute.taxonomy_term_id!r} in the directory, "
                                                      "and the attribute does not describe it")
    for i, sal in enumerate(service.service_at_locations or []):
        if sal.location is None and (sal.location_id is None or session.get(Location, sal.location_id) is None):
            raise FeedError(422, "unknown_reference", f"{name}: service_at_locations[{i}].location_id: no "
                                                      "location with that id in the directory, and the "
                                                      "record does not describe it")


def import_records(session: Session, actor: str, records: list[dict[str, Any]]) -> ImportReport:
    """Create or update every service in the feed. A bad record raises FeedError (4xx, naming
    the record, the field and the problem) before or during the writes; the caller's
    transaction then rolls everything back. Look-alikes of safe accommodation have their
    whereabouts withheld and wait for review (directory.confidential); the report lists them."""
    if has_control_characters(records):
        raise FeedError(422, "invalid_feed", "The feed contains control characters.")
    services = [_validate(position, record) for position, record in enumerate(records)]
    _check_ids(session, services)
    created = updated = 0
    withheld: list[dict[str, Any]] = []
    for position, checked in enumerate(services):
        _check_references(session, position, checked)
        record = checked.model_dump(exclude_none=True)
        before = snapshot(session, checked.id) if session.get(Service, checked.id) else None
        try:
            service, was_created = upsert_service(session, record)
            public_locations, public_service = public_in_feed(record)
            withholding = withhold_look_alikes(service, (), public_locations, public_service)
            session.flush()
        except (IntegrityError, FlushError) as error:
            raise FeedError(409, "conflict", f"service {position} (id {checked.id!r}): a record in it conflicts "
                                             "with one already in the directory") from error
        except (KeyError, ValueError, TypeError) as error:
            raise FeedError(422, "invalid_feed", f"service {position} (id {checked.id!r}): {type(error).__name__}")\
                from error
        if withholding is not None:
            withheld.append(withholding.report())
        after = snapshot(session, service.id)
        if before != after:
            record_change(session, actor, "import", service.id, before, after)
        created += was_created
        updated += (not was_created) and before != after
    return {"services": len(records), "created": created, "updated": updated, "withheld": withheld}


def parse_document(document: Any) -> list[dict[str, Any]]:
    try:
        return feed_services(document)
    except ValueError as error:
        raise FeedError(422, "invalid_feed", str(error)) from error


def fetch_records(url: str, timeout: float) -> list[dict[str, Any]]:
    """Read a feed from a URL, following an ORUK API's pages."""
    records: list[dict[str, Any]] = []
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            page, next_url = 1, url
            while next_url and page <= MAX_FEED_PAGES:
                response = client.get(next_url)
                response.raise_for_status()
                document = response.json()
                records.extend(parse_document(document))
                if isinstance(document, dict) and document.get("total_pages", 1) > page:
                    page += 1
                    next_url = str(httpx.URL(url).copy_merge_params({"page": page}))
                else:
                    next_url = None
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
        if isinstance(error, FeedError):
            raise
        raise FeedError(422, "feed_unreachable", f"Could not read the feed: {type(error).__name__}") from error
    return records


def export_document(session: Session) -> dict:
    """The whole directory as a feed: the public view, so withheld whereabouts stay here."""
    services = list(session.scalars(select(Service).options(*FULL_SERVICE).order_by(Service.id)))
    return page_json([service_json(s, full=True) for s in services], len(services), 1, max(1, len(services)))


def main(argv: list[str] | None = None) -> int:
    from directory.db import make_engine, make_sessionmaker
    from directory.migrate import upgrade_to_head

    parser = argparse.ArgumentParser(prog="python -m directory.feeds", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="import an ORUK feed from a file or an http(s) URL")
    importing.add_argument("source")
    importing.add_argument("--actor", required=True, help="who is importing, for the audit trail")
    importing.add_argument("--timeout", type=float, default=20.0)
    exporting = commands.add_parser("export", help="write the whole directory as an ORUK feed")
    exporting.add_argument("target")
    args = parser.parse_args(argv)

    engine = make_engine(os.environ.get("SIGNPOST_DATABASE_URL", "sqlite:///var/signpost.db"))
    upgrade_to_head(engine)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as session:
            if args.command == "import":
                if args.source.startswith(("http://", "https://")):
                    records = fetch_records(args.source, args.timeout)
                else:
                    records = parse_document(json.loads(Path(args.source).read_text(encoding="utf-8")))
                print(json.dumps(import_records(session, args.actor, records)))
            else:
                Path(args.target).write_text(json.dumps(export_document(session), indent=2, ensure_ascii=False))
                print(f"wrote {args.target}")
    except FeedError as error:
        print(f"{error.code}: {error.detail}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
