"""The commissioners' write interface: create, replace, retire and assure services, and
import or export a whole ORUK 3.0 feed. Every change is written to the audit table."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory import feeds, loader
from directory.ids import stable_id
from directory.models import AuditEntry, Organization, Service, ServiceStatus
from directory.oruk import page_json, service_json

from api.deps import CommissionerDep, SessionDep, SettingsDep
from api.errors import ApiError
from api.queries import PageQuery
from api.schemas import AssureBody, ImportFromUrl, RetireBody, ServiceWrite

router = APIRouter(prefix="/admin", tags=["Commissioners"])
ServiceId = Annotated[str, Path(max_length=64)]


def _load(session: Session, service_id: str) -> Service:
    service = feeds.load_full(session, service_id)
    if service is None:
        raise ApiError(404, "not_found", "No service has that id.")
    return service


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
        select(Service).options(*feeds.FULL_SERVICE).order_by(Service.name, Service.id)
        .offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    return page_json([service_json(s) for s in services], total, query.page, query.per_page)


@router.post("/services", status_code=201, summary="Create a service")
def create_service(write: ServiceWrite, session: SessionDep, actor: CommissionerDep) -> dict:
    if write.slug and session.scalar(select(Service.id).where(Service.slug == write.slug)):
        raise ApiError(409, "conflict", "A service with that slug already exists.")
    service_id = str(uuid.uuid4())
    session.add(_build(session, write, service_id, actor))
    after = feeds.snapshot(session, service_id)
    feeds.record_change(session, actor, "create", service_id, None, after)
    return after


@router.put("/services/{id}", summary="Replace a service's details")
def replace_service(id: ServiceId, write: ServiceWrite, session: SessionDep, actor: CommissionerDep) -> dict:
    before = service_json(_load(session, id), full=True)
    session.merge(_build(session, write, id, actor))
    after = feeds.snapshot(session, id)
    feeds.record_change(session, actor, "update", id, before, after)
    return after


@router.post("/services/{id}/retire", summary="Mark a service inactive, defunct or temporarily closed")
def retire_service(id: ServiceId, body: RetireBody, session: SessionDep, actor: CommissionerDep) -> dict:
    service = _load(session, id)
    before = service_json(service, full=True)
    service.status = ServiceStatus(body.status)
    service.notes = "\n".join(filter(None, [service.notes, f"{dt.date.today()}: {body.status}: {body.reason}"]))
    service.last_modified = dt.datetime.now(dt.UTC)
    after = feeds.snapshot(session, id)
    feeds.record_change(session, actor, "retire", id, before, after)
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
    after = feeds.snapshot(session, id)
    feeds.record_change(session, actor, "assure", id, before, after)
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
    return feeds.export_document(session)


@router.post("/import", summary="Import an ORUK 3.0 feed: a list of services, a page, or {\"url\": ...}")
def import_feed(
    session: SessionDep, actor: CommissionerDep, settings: SettingsDep, document: Annotated[Any, Body()]
) -> dict:
    try:
        if isinstance(document, dict) and set(document) == {"url"}:
            source = ImportFromUrl.model_validate(document)
            records = feeds.fetch_records(source.url, settings.import_timeout_seconds)
        else:
            records = feeds.parse_document(document)
        return feeds.import_records(session, actor, records)
    except feeds.FeedError as error:
        raise ApiError(422, error.code, error.detail) from error
