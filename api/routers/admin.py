"""The commissioners' write interface: create, replace, retire and assure services, and
import or export a whole ORUK 3.0 feed. Every change is written to the audit table.

A request sent twice (a double click, a retry after a lost answer, a replayed message) must
neither create a duplicate nor silently undo a newer edit:
- every service answer carries an ETag naming its revision; PUT, retire and assure accept
  If-Match and refuse with 412 when someone else changed the service in between;
- POST /admin/services accepts an Idempotency-Key: the same key always names the same new
  service, so sending it again with the same body answers with what the first request made
  (201, with Idempotent-Replayed: true) instead of creating a second one, and sending it
  with a different body is refused (422 idempotency_key_reused); a second service with
  the same name from the same organisation is refused even without a key;
- retiring or assuring again with the same values changes nothing and writes no audit row.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory import feeds, loader
from directory.ids import stable_id
from directory.models import AuditEntry, IdempotencyRecord, Organization, Service, ServiceStatus
from directory.oruk import page_json, service_json

from api.auth import Principal
from api.deps import AssurerDep, AuditReaderDep, EditorDep, ReaderDep, SessionDep, SettingsDep, may_see_confidential
from api.errors import ApiError, responses
from api.queries import PageQuery
from api.schemas import IMPORT_BODY_SCHEMA, AssureBody, ImportFromUrl, RetireBody, ServiceWrite

router = APIRouter(prefix="/admin", tags=["Commissioners"], responses=responses(401, 403, 429))
ServiceId = Annotated[str, Path(max_length=64)]
NEW_SERVICE_EXAMPLE = {
    "area": "warwickshire", "name": "Example Outreach Service", "organization": "Example Charity",
    "description": "One-to-one support for survivors of domestic abuse in Warwickshire.",
    "url": "https://example.org/outreach", "categories": ["domestic_abuse"], "needs": ["specialist_support"],
    "eligibility": ["self_referral"], "source": "Commissioning contract, Warwickshire County Council",
    "source_date": "2026-11-01", "assured": True,
}
IfMatch = Annotated[str | None, Header(max_length=512, description="The ETag the change was based on")]
IdempotencyKey = Annotated[str | None, Header(
    min_length=8, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$",
    description="A value unique to this creation, e.g. a UUID; resending it creates nothing new",
)]
ETAG_HEADER = {"ETag": {"description": "The service's revision, for If-Match", "schema": {"type": "string"}}}


def etag(service: dict) -> str:
    canonical = json.dumps(service, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def _with_etag(service: dict, status_code: int = 200, **headers: str) -> JSONResponse:
    return JSONResponse(service, status_code=status_code, headers={"ETag": etag(service), **headers})


def _check_if_match(if_match: str | None, current: dict) -> None:
    if if_match is None:
        return
    offered = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in offered and etag(current) not in offered:
        raise ApiError(412, "precondition_failed",
                       "This service has changed since you loaded it. Load it again and redo your change.")


def _view(service: Service, actor: Principal) -> dict:
    """A service as this caller may see it: withheld whereabouts only for those allowed."""
    return service_json(service, full=True, reveal=may_see_confidential(actor))


def _answer(session: Session, service_id: str, actor: Principal, after: dict) -> dict:
    """`after` is the audit trail's view; answer with the view this caller may see."""
    return after if may_see_confidential(actor) else feeds.snapshot(session, service_id, reveal=False)


def _load(session: Session, service_id: str) -> Service:
    service = feeds.load_full(session, service_id)
    if service is None:
        raise ApiError(404, "not_found", "No service has that id.")
    return service


def _build(session: Session, write: ServiceWrite, service_id: str, actor: Principal) -> Service:
    groups = loader.term_groups(loader.read_taxonomy())
    loader.load_taxonomy(session, loader.read_taxonomy())
    unknown = [code for code in write.needs if groups.get(code) != "need"]
    unknown += [code for code in write.eligibility if groups.get(code) != "eligibility"]
    if unknown:
        raise ApiError(422, "invalid_request", f"unknown taxonomy terms: {', '.join(unknown[:5])}")
    organization_id = stable_id("organization", write.organization)
    if session.get(Organization, organization_id) is None:
        session.add(Organization(id=organization_id, name=write.organization, description=""))
    existing = session.get(Service, service_id)
    # A replacement never publishes what is withheld now: that takes the unmark route.
    withheld = frozenset(location.id for location in existing.withheld_locations()) if existing else frozenset()
    service = loader.build_service(write.area, write, groups, service_id=service_id, already_withheld=withheld)
    service.assured_date = dt.date.today() if write.assured else None
    service.assurer_email = actor.email if write.assured else None
    service.last_modified = dt.datetime.now(dt.UTC)
    return service


def request_fingerprint(write: ServiceWrite) -> str:
    """The SHA-256 of the parsed body: the same request however its JSON is spaced or ordered."""
    canonical = json.dumps(write.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_replay(session: Session, service_id: str, write: ServiceWrite) -> None:
    """A key already used for another body names a service this request did not ask for.
    (A service made before keys were remembered has no record: its replay is answered as before.)"""
    record = session.get(IdempotencyRecord, service_id)
    if record is not None and not hmac.compare_digest(record.request_sha256, request_fingerprint(write)):
        raise ApiError(422, "idempotency_key_reused",
                       "That Idempotency-Key was already used for a different request. "
                       "Use a new key for a new service.")


def _no_self_assurance(write: ServiceWrite, actor: Principal) -> None:
    """Assurance is a second person's step (four eyes): an edit cannot assure itself."""
    if write.assured and not actor.exempt_from_four_eyes:
        raise ApiError(403, "four_eyes", "An edit cannot assure itself: send it unassured, and an assurer "
                                         "other than you assures it (POST /admin/services/{id}/assure).")


FOUR_EYES_EXEMPT_ACTIONS = ("assure", "token_use")


def _check_four_eyes(session: Session, service_id: str, actor: Principal) -> None:
    """Nobody assures a service whose latest change is their own."""
    if actor.exempt_from_four_eyes:
        return
    last_editor = session.scalar(
        select(AuditEntry.actor).where(AuditEntry.entity_type == "service", AuditEntry.entity_id == service_id,
                                       AuditEntry.action.not_in(FOUR_EYES_EXEMPT_ACTIONS))
        .order_by(AuditEntry.id.desc()).limit(1))
    if last_editor == actor.label:
        raise ApiError(403, "four_eyes", "You made the latest change to this service: someone else must assure it.")


@router.get("/services", summary="Every service, including those not yet assured")
def list_all_services(query: Annotated[PageQuery, Query()], session: SessionDep, actor: ReaderDep) -> dict:
    total = session.scalar(select(func.count(Service.id))) or 0
    services = session.scalars(
        select(Service).options(*feeds.FULL_SERVICE).order_by(Service.name, Service.id)
        .offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    reveal = may_see_confidential(actor)
    return page_json([service_json(s, reveal=reveal) for s in services], total, query.page, query.per_page)


@router.get("/services/{id}", summary="One service, including one not yet assured, with its ETag",
            responses={200: {"headers": ETAG_HEADER}, **responses(404)})
def get_any_service(id: ServiceId, session: SessionDep, actor: ReaderDep) -> JSONResponse:
    return _with_etag(_view(_load(session, id), actor))


@router.post("/services", status_code=201, summary="Create a service",
             responses={201: {"headers": ETAG_HEADER}, **responses(409)})
def create_service(
    write: Annotated[ServiceWrite, Body(openapi_examples={"outreach": {"value": NEW_SERVICE_EXAMPLE}})], session: SessionDep, actor: EditorDep, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    service_id = stable_id("idempotency-key", idempotency_key) if idempotency_key else str(uuid.uuid4())
    if idempotency_key and session.get(Service, service_id) is not None:
        _check_replay(session, service_id, write)
        return _with_etag(_answer(session, service_id, actor, feeds.snapshot(session, service_id)), 201,
                          **{"Idempotent-Replayed": "true"})
    if write.slug and session.scalar(select(Service.id).where(Service.slug == write.slug)):
        raise ApiError(409, "conflict", "A service with that slug already exists.")
    same_name = session.scalar(select(Service.id).where(
        Service.organization_id == stable_id("organization", write.organization),
        func.lower(Service.name) == write.name.lower()))
    if same_name:
        raise ApiError(409, "conflict", f"{write.organization} already has a service with that name: {same_name}. "
                                        "Change that one (PUT) instead of creating a second.")
    _no_self_assurance(write, actor)
    session.add(_build(session, write, service_id, actor))
    if idempotency_key:
        session.add(IdempotencyRecord(service_id=service_id, request_sha256=request_fingerprint(write)))
    after = feeds.snapshot(session, service_id)
    feeds.record_change(session, actor.label, "create", service_id, None, after)
    return _with_etag(_answer(session, service_id, actor, after), 201)


@router.put("/services/{id}", summary="Replace a service's details",
            responses={200: {"headers": ETAG_HEADER}, **responses(404, 412)})
def replace_service(
    id: ServiceId, write: Annotated[ServiceWrite, Body(openapi_examples={"outreach": {"value": NEW_SERVICE_EXAMPLE}})],
    session: SessionDep, actor: EditorDep, if_match: IfMatch = None
) -> JSONResponse:
    current = _load(session, id)
    _check_if_match(if_match, _view(current, actor))
    before = service_json(current, full=True, reveal=True)
    _no_self_assurance(write, actor)
    session.merge(_build(session, write, id, actor))
    after = feeds.snapshot(session, id)
    feeds.record_change(session, actor.label, "update", id, before, after)
    return _with_etag(_answer(session, id, actor, after))


@router.post("/services/{id}/retire", summary="Mark a service inactive, defunct or temporarily closed",
             responses={200: {"headers": ETAG_HEADER}, **responses(404, 412)})
def retire_service(
    id: ServiceId, body: RetireBody, session: SessionDep, actor: EditorDep, if_match: IfMatch = None
) -> JSONResponse:
    service = _load(session, id)
    _check_if_match(if_match, _view(service, actor))
    before = service_json(service, full=True, reveal=True)
    if service.status == ServiceStatus(body.status):
        return _with_etag(_view(service, actor))  # already so: a repeat changes nothing
    service.status = ServiceStatus(body.status)
    service.notes = "\n".join(filter(None, [service.notes, f"{dt.date.today()}: {body.status}: {body.reason}"]))
    service.last_modified = dt.datetime.now(dt.UTC)
    after = feeds.snapshot(session, id)
    feeds.record_change(session, actor.label, "retire", id, before, after)
    return _with_etag(_answer(session, id, actor, after))


@router.post("/services/{id}/assure", summary="Record that a commissioner has checked this service",
             responses={200: {"headers": ETAG_HEADER}, **responses(404, 412)})
def assure_service(
    id: ServiceId, session: SessionDep, actor: AssurerDep, body: Annotated[AssureBody, Body()] = AssureBody(),
    if_match: IfMatch = None,
) -> JSONResponse:
    service = _load(session, id)
    _check_if_match(if_match, _view(service, actor))
    before = service_json(service, full=True, reveal=True)
    assured_on = body.assured_date or dt.date.today()
    if assured_on > dt.date.today():
        raise ApiError(422, "invalid_request", "assured_date cannot be in the future.")
    _check_four_eyes(session, id, actor)
    # An account's own email; a token (an integration relaying a named officer) may say who.
    assurer = actor.email if actor.kind == "account" else (body.assurer_email or service.assurer_email)
    if service.assured_date == assured_on and service.assurer_email == assurer:
        return _with_etag(_view(service, actor))
    service.assured_date = assured_on
    service.assurer_email = assurer
    service.last_modified = dt.datetime.now(dt.UTC)
    after = feeds.snapshot(session, id)
    feeds.record_change(session, actor.label, "assure", id, before, after)
    return _with_etag(_answer(session, id, actor, after))


@router.get("/audit", summary="The audit trail, newest first", responses=responses(403))
def audit_trail(
    query: Annotated[PageQuery, Query()], session: SessionDep, _actor: AuditReaderDep
) -> dict:
    """Shows services as they were, whereabouts included, and every sign-in and account change:
    for assurers and administrators."""
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
def export_feed(session: SessionDep, _actor: ReaderDep) -> dict:
    return feeds.export_document(session)


@router.post("/import", summary="Import an ORUK 3.0 feed: a list of services, a page, or {\"url\": ...}",
             responses=responses(409),
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": IMPORT_BODY_SCHEMA}}}})
def import_feed(
    session: SessionDep, actor: EditorDep, settings: SettingsDep, document: Annotated[Any, Body()]
) -> dict:
    try:
        if isinstance(document, dict) and set(document) == {"url"}:
            source = ImportFromUrl.model_validate(document)
            records = feeds.fetch_records(source.url, settings.import_timeout_seconds)
        else:
            records = feeds.parse_document(document)
        return feeds.import_records(session, actor.label, records)
    except feeds.FeedError as error:
        raise ApiError(error.status, error.code, error.detail) from error
