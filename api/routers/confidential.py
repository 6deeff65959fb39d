"""Confidential locations, for commissioners (docs/confidential-locations.md): the review
queue, and marking, unmarking and reviewing a service's withheld whereabouts. Every step
is audited with the service before and after. Editors change them; editors and assurers
see the queue (api.deps.may_see_confidential decides who sees withheld whereabouts).
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from directory import feeds
from directory.confidential import PENDING
from directory.models import Location, Service
from directory.oruk import page_json, service_json

from api.auth import Principal
from api.deps import EditorDep, ReaderDep, SessionDep
from api.errors import ApiError, responses
from api.queries import ConfidentialQuery
from api.routers.admin import ETAG_HEADER, IfMatch, ServiceId, _check_if_match, _load, _with_etag
from api.service_filters import withheld_service_ids
from api.schemas import MarkConfidential, ReviewConfidential, UnmarkConfidential

router = APIRouter(prefix="/admin", tags=["Confidential locations"], responses=responses(401, 403, 429))
CHANGED = {200: {"headers": ETAG_HEADER}, **responses(404, 412)}


def _withheld_or_pending():
    return or_(Service.confidentiality_review.is_not(None), Service.id.in_(withheld_service_ids()))


@router.get("/confidential", summary="Services with withheld whereabouts, or waiting for review")
def review_queue(query: Annotated[ConfidentialQuery, Query()], session: SessionDep,
                 _actor: ReaderDep) -> dict:
    condition = Service.confidentiality_review == PENDING if query.review == "pending" else _withheld_or_pending()
    total = session.scalar(select(func.count(Service.id)).where(condition)) or 0
    services = session.scalars(
        select(Service).where(condition).options(*feeds.FULL_SERVICE).order_by(Service.name, Service.id)
        .offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    return page_json([service_json(s, full=True, reveal=True) for s in services], total, query.page, query.per_page)


def _locations(service: Service, wanted: list[str] | None) -> list[Location]:
    """The service's locations named in `wanted` (all of them when None): a 422 for others."""
    own = {sal.location.id: sal.location for sal in service.service_at_locations}
    if wanted is None:
        return list(own.values())
    unknown = [location_id for location_id in wanted if location_id not in own]
    if unknown:
        raise ApiError(422, "invalid_request", f"locations: not locations of this service: {', '.join(unknown[:5])}")
    return [own[location_id] for location_id in dict.fromkeys(wanted)]


def _note(service: Service, actor: Principal, what: str, reason: str) -> None:
    line = f"{dt.date.today()}: {what} by {actor.label}: {reason}"
    service.confidentiality_note = "\n".join(filter(None, [service.confidentiality_note, line]))[-5000:]


def _change(session: Session, service: Service, actor: Principal, action: str, before: dict) -> JSONResponse:
    service.last_modified = dt.datetime.now(dt.UTC)
    after = feeds.snapshot(session, service.id)
    feeds.record_change(session, actor.label, action, service.id, before, after)
    return _with_etag(after)


def _begin(session: Session, id: str, if_match: str | None) -> tuple[Service, dict]:
    service = _load(session, id)
    before = service_json(service, full=True, reveal=True)
    _check_if_match(if_match, before)
    return service, before


@router.post("/services/{id}/confidential", summary="Withhold a service's whereabouts, or some locations'",
             responses=CHANGED)
def mark_confidential(id: ServiceId, body: Annotated[MarkConfidential, Body()], session: SessionDep,
                      actor: EditorDep, if_match: IfMatch = None) -> JSONResponse:
    service, before = _begin(session, id, if_match)
    locations = _locations(service, body.locations)
    front_door = body.front_door or service.front_door
    if not front_door and not service.phones:
        raise ApiError(422, "front_door_required", "front_door: say how people reach this service without its "
                                                   "address (a phone line or referral route); it has no phone.")
    if body.locations is None:
        service.confidential = True
    for location in locations:
        location.confidential, location.public_confirmed = True, False
    service.front_door = front_door
    service.confidentiality_review = None  # a commissioner has decided
    if service_json(service, full=True, reveal=True) == before:
        return _with_etag(before)  # already so: nothing to record
    _note(service, actor, "marked confidential", body.reason)
    return _change(session, service, actor, "mark_confidential", before)


@router.post("/services/{id}/confidential/unmark", summary="Publish withheld whereabouts again, with a reason",
             responses=CHANGED)
def unmark_confidential(id: ServiceId, body: Annotated[UnmarkConfidential, Body()], session: SessionDep,
                        actor: EditorDep, if_match: IfMatch = None) -> JSONResponse:
    service, before = _begin(session, id, if_match)
    locations = _locations(service, body.locations)
    if body.locations is None:
        service.confidential = False
    for location in locations:
        # Confirmed: a later import keeps it public only while the feed also marks it so.
        location.confidential, location.public_confirmed = False, True
    if not service.whereabouts_withheld:
        service.confidentiality_review = None
    if service_json(service, full=True, reveal=True) == before:
        return _with_etag(before)
    _note(service, actor, "unmarked", body.reason)
    return _change(session, service, actor, "unmark_confidential", before)


@router.post("/services/{id}/confidential/review", summary="Confirm that what an import withheld stays withheld",
             responses={**CHANGED, **responses(409)})
def review_confidential(id: ServiceId, body: Annotated[ReviewConfidential, Body()], session: SessionDep,
                        actor: EditorDep, if_match: IfMatch = None) -> JSONResponse:
    service, before = _begin(session, id, if_match)
    if service.confidentiality_review != PENDING:
        raise ApiError(409, "conflict", "Nothing of this service is waiting for review.")
    if body.front_door:
        service.front_door = body.front_door
    service.confidentiality_review = None
    _note(service, actor, "reviewed: kept withheld", body.reason)
    return _change(session, service, actor, "review_confidential", before)
