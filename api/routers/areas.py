from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from directory import geography

from api.places import area_json, local_authority_json
from api.queries import ResolveQuery

router = APIRouter(tags=["Areas"])


@router.get("/areas/resolve", summary="Resolve a postcode, outward code or place to a pilot area")
async def resolve_area(query: Annotated[ResolveQuery, Query()]) -> dict:
    resolution = await run_in_threadpool(geography.resolve, query.q)
    return {
        "query_kind": resolution.query_kind,
        "status": resolution.status,
        "area": area_json(resolution.area),
        "local_authority": local_authority_json(resolution.local_authority),
        "candidates": [
            {
                "area": {"id": c.area_id, "name": c.area_name} if c.area_id else None,
                "local_authority": local_authority_json(c.local_authority),
                "label": c.label,
            }
            for c in resolution.candidates
        ],
        "postcode": resolution.postcode,
    }
