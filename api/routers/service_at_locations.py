from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from directory.models import Attribute, Location, Service, ServiceAtLocation
from directory.oruk import page_json, service_at_location_json

from api.deps import SessionDep
from api.errors import ApiError, responses
from api.queries import ServiceQuery
from api.service_filters import apply_service_filters, public_services, published_locations

router = APIRouter(tags=["Open Referral UK"])

LOAD = (
    selectinload(ServiceAtLocation.location).selectinload(Location.addresses),
    selectinload(ServiceAtLocation.service).selectinload(Service.attributes).selectinload(Attribute.taxonomy_term),
    selectinload(ServiceAtLocation.service).selectinload(Service.phones),
    selectinload(ServiceAtLocation.service).selectinload(Service.schedules),
    selectinload(ServiceAtLocation.service).selectinload(Service.service_areas),
    selectinload(ServiceAtLocation.service).selectinload(Service.languages),
)


def _statement(query: ServiceQuery, session) -> object:
    services = apply_service_filters(public_services(), query, session).with_only_columns(Service.id)
    return select(ServiceAtLocation).where(ServiceAtLocation.service_id.in_(services),
                                           ServiceAtLocation.id.in_(published_locations()))


@router.get("/service_at_locations", summary="Paginated list of services at locations (ORUK)",
            responses=responses(404))
def list_service_at_locations(query: Annotated[ServiceQuery, Query()], session: SessionDep) -> dict:
    statement = _statement(query, session)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.scalars(
        statement.options(*LOAD).order_by(ServiceAtLocation.id)
        .offset((query.page - 1) * query.per_page).limit(query.per_page)
    )
    return page_json([service_at_location_json(r) for r in rows], total, query.page, query.per_page)


@router.get("/service_at_locations/{id}", summary="A service at a location, nested (ORUK)",
            responses=responses(404))
def get_service_at_location(id: Annotated[str, Path(max_length=64)], session: SessionDep) -> dict:
    public_ids = public_services().with_only_columns(Service.id)
    row = session.scalar(
        select(ServiceAtLocation)
        .where(ServiceAtLocation.id == id, ServiceAtLocation.service_id.in_(public_ids),
               ServiceAtLocation.id.in_(published_locations()))
        .options(*LOAD)
    )
    if row is None:
        raise ApiError(404, "not_found", "No published service at location has that id.")
    return service_at_location_json(row)
