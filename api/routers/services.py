from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import func, select

from directory.feeds import FULL_SERVICE
from directory.models import Service
from directory.oruk import page_json, service_json

from api.deps import SessionDep
from api.errors import ApiError, responses
from api.queries import ServiceQuery
from api.service_filters import apply_service_filters, public_services

router = APIRouter(tags=["Open Referral UK"])

ServiceId = Annotated[str, Path(max_length=64)]


@router.get("/services", summary="Paginated list of services (ORUK)", responses=responses(404))
def list_services(query: Annotated[ServiceQuery, Query()], session: SessionDep) -> dict:
    statement = apply_service_filters(public_services(), query, session)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    services = session.scalars(
        statement.options(*FULL_SERVICE)
        .order_by(Service.name, Service.id)
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
    )
    return page_json([service_json(s, full=False) for s in services], total, query.page, query.per_page)


@router.get("/services/{id}", summary="A fully nested service (ORUK)", responses=responses(404))
def get_service(id: ServiceId, session: SessionDep) -> dict:
    service = session.scalar(public_services().where(Service.id == id).options(*FULL_SERVICE))
    if service is None:
        raise ApiError(404, "not_found", "No published service has that id.")
    return service_json(service, full=True)
