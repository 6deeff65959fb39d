"""The commissioners' write interface: create, replace, retire and assure services, and
import or export a whole ORUK 3.0 feed. Every change is written to the audit table."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Body, Path, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory import loader
from directory.ids import stable_id
from directory.models import AuditEntry, Organization, Service, ServiceStatus
from directory.oruk import feed_services, page_json, service_json, upsert_service
from directory.seed_schema import CONTROL_CHARACTERS
from directory.snapshot import bump_revision

from api.deps import CommissionerDep, SessionDep, SettingsDep
from api.errors import ApiError
from api.queries import PageQuery
from api.routers.services import FULL_SERVICE
from api.schemas import AssureBody, ImportFromUrl, RetireBody, ServiceWrite

router = APIRouter(prefix="/admin", tags=["Commissioners"])
ServiceId = Annotated[str, Path(max_length=64)]
MAX_FEED_PAGES = 200


def _audit(session: Session, actor: str, action: str, service_id: str, before: dict | None, after: dict | None) -> None:
    bump_revision(session)
    session.add(AuditEntry(actor=actor, action=action, entity_type="service", entity_id=service_id,
                           before=before, after=after))


def _load(session: Session, service_id: str) -> Service:
    service = session.scalar(select(Service).where(Service.id == service_id).options(*FULL_SERVICE))
    if service is None:
        raise ApiError(404, "not_found", "No service has that id.")
    return service


def _snapshot(session: Session, service_id: str) -> dict:
    session.flush()
    session.expire_all()
    return service_json(_load(session, service_id), full=True)


def _build(session: Session, write: ServiceWrite, service_id: str, actor: str) -> Service:
    groups = loader.term_groups(loader.read_taxonomy())
    loader.load_taxonomy(session, loader.read_taxonomy())
    unknown = [code for code in write.needs if groups.get(code) != "need"]
    unknown += [code for code in write.eligibility if groups.get(code) != "eligibility"]
    if unknown:
        raise ApiError(422, "invalid_request", f"unknown taxonomy terms: {', '.join(unknown[:5])}")
    organization_id = stable_id("organization", write.organization)
    if session.get(Organization, organization_id) is None:
        session.add(Organization(id=organization_id, name=write.organization, description=""))
    service = loader.build_service(write.area, write, groups, service_id=service_id)
    service.assured_date = dt.date.today() if write.assured else None
    service.assurer_email = actor if write.assured and "@" in actor else None
    service.last_modified = dt.datetime.now(dt.UTC)
    return service


@router.get("/services", summary="Every service, including those not yet assured")
def list_all_services(query: Annotated[PageQuery, Query()], session: SessionDep, _actor: CommissionerDep) -> dict:
    total = session.scalar(select(func.count(Service.id))) or 0
    services = session.scalars(
        select(Service).options(*FULL_SERVICE).order_by(Service.name, Service.id)
        .offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    return page_json([service_json(s) for s in services], total, query.page, query.per_page)


@router.post("/services", status_code=201, summary="Create a service")
def create_service(write: ServiceWrite, session: SessionDep, actor: CommissionerDep) -> dict:
    if write.slug and session.scalar(select(Service.id).where(Service.slug == write.slug)):
        raise ApiError(409, "conflict", "A service with that slug already exists.")
    service_id = str(uuid.uuid4())
    session.add(_build(session, write, service_id, actor))
    after = _snapshot(session, service_id)
    _audit(session, actor, "create", service_id, None, after)
    return after


@router.put("/services/{id}", summary="Replace a service's details")
def replace_service(id: ServiceId, write: ServiceWrite, session: SessionDep, actor: CommissionerDep) -> dict:
    before = service_json(_load(session, id), full=True)
    session.merge(_build(session, write, id, actor))
    after = _snapshot(session, id)
    _audit(session, actor, "update", id, before, after)
    return after


@router.post("/services/{id}/retire", summary="Mark a service inactive, defunct or temporarily closed")
def retire_service(id: ServiceId, body: RetireBody, session: SessionDep, actor: CommissionerDep) -> dict:
    service = _load(session, id)
    before = service_json(service, full=True)
    service.status = ServiceStatus(body.status)
    service.notes = "\n".join(filter(None, [service.notes, f"{dt.date.today()}: {body.status}: {body.reason}"]))
    service.last_modified = dt.datetime.now(dt.UTC)
    after = _snapshot(session, id)
    _audit(session, actor, "retire", id, before, after)
    return after


@router.post("/services/{id}/assure", summary="Record that a commissioner has checked this service")
def assure_service(
    id: ServiceId, session: SessionDep, actor: CommissionerDep, body: Annotated[AssureBody, Body()] = AssureBody()
) -> dict:
    service = _load(session, id)
    before = service_json(service, full=True)
    assured_on = body.assured_date or dt.date.today()
    if assured_on > dt.date.today():
        raise ApiError(422, "invalid_request", "assured_date cannot be in the future.")
    service.assured_date = assured_on
    service.assurer_email = body.assurer_email or (actor if "@" in actor else service.assurer_email)
    service.last_modified = dt.datetime.now(dt.UTC)
    after = _snapshot(session, id)
    _audit(session, actor, "assure", id, before, after)
    return after


@router.get("/audit", summary="The audit trail, newest first")
def audit_trail(
    query: Annotated[PageQuery, Query()], session: SessionDep, _actor: CommissionerDep
) -> dict:
    total = session.scalar(select(func.count(AuditEntry.id))) or 0
    rows = session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc())
        .offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    contents = [
        {"id": r.id, "at": r.at.isoformat(), "actor": r.actor, "action": r.action,
         "entity_type": r.entity_type, "entity_id": r.entity_id, "before": r.before, "after": r.after}
        for r in rows
    ]
    return page_json(contents, total, query.page, query.per_page)


@router.get("/export", summary="The whole directory as an ORUK 3.0 feed (every service, fully nested)")
def export_feed(session: SessionDep, _actor: CommissionerDep) -> dict:
    services = list(session.scalars(select(Service).options(*FULL_SERVICE).order_by(Service.id)))
    return page_json([service_json(s, full=True) for s in services], len(services), 1, max(1, len(services)))


def _has_control_characters(value: Any) -> bool:
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, dict):
        return any(_has_control_characters(k) or _has_control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_control_characters(item) for item in value)
    return False


def _import(session: Session, actor: str, records: list[dict[str, Any]]) -> dict:
    if _has_control_characters(records):
        raise ApiError(422, "invalid_feed", "The feed contains control characters.")
    created = updated = 0
    for position, record in enumerate(records):
        if not isinstance(record, dict) or not record.get("id") or not record.get("name"):
            raise ApiError(422, "invalid_feed", f"service {position}: id and name are required")
        existing = session.get(Service, str(record["id"]))
        before = service_json(_load(session, existing.id), full=True) if existing else None
        try:
            service, was_created = upsert_service(session, record)
        except (KeyError, ValueError, TypeError) as error:
            raise ApiError(422, "invalid_feed", f"service {position}: {type(error).__name__}: {error}"[:300])
        after = _snapshot(session, service.id)
        if before != after:
            _audit(session, actor, "import", service.id, before, after)
        created += was_created
        updated += (not was_created) and before != after
    return {"services": len(records), "created": created, "updated": updated}


@router.post("/import", summary="Import an ORUK 3.0 feed: a list of services, a page, or {\"url\": ...}")
def import_feed(
    session: SessionDep, actor: CommissionerDep, settings: SettingsDep, document: Annotated[Any, Body()]
) -> dict:
    if isinstance(document, dict) and set(document) == {"url"}:
        source = ImportFromUrl.model_validate(document)
        records = _fetch_feed(source.url, settings.import_timeout_seconds)
    else:
        try:
            records = feed_services(document)
        except ValueError as error:
            raise ApiError(422, "invalid_feed", str(error))
    return _import(session, actor, records)


def _fetch_feed(url: str, timeout: float) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            page, next_url = 1, url
            while next_url and page <= MAX_FEED_PAGES:
                response = client.get(next_url)
                response.raise_for_status()
                document = response.json()
                records.extend(feed_services(document))
                if isinstance(document, dict) and document.get("total_pages", 1) > page:
                    page += 1
                    next_url = str(httpx.URL(url).copy_merge_params({"page": page}))
                else:
                    next_url = None
    except (httpx.HTTPError, ValueError) as error:
        raise ApiError(422, "feed_unreachable", f"Could not read the feed: {type(error).__name__}")
    return records
