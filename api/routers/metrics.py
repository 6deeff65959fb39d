"""Prometheus metrics for operations: counts and latencies only (api/metrics.py)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import Response

from api import metrics
from api.deps import SettingsDep
from api.errors import ApiError, responses
from api.routers.insights import key_matches

router = APIRouter(tags=["Operations"])


@router.get("/metrics", summary="Prometheus metrics (Authorization: Bearer <commissioners' key>)",
            response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "Prometheus text format: counts and latencies only"}, **responses(401)})
def prometheus_metrics(settings: SettingsDep,
                       authorization: Annotated[str | None, Header(max_length=600)] = None) -> Response:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key_matches(settings, token.strip()):
        raise ApiError(401, "unauthorised", "Send the key as `Authorization: Bearer <key>`.")
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)
