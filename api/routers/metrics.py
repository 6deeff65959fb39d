"""Prometheus metrics for operations: counts and latencies only (api/metrics.py)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import Response

from api import metrics
from api.auth import Principal
from api.deps import require
from api.errors import responses

router = APIRouter(tags=["Operations"])


@router.get("/metrics", summary="Prometheus metrics (Authorization: Bearer <a viewer's or administrator's token>)",
            response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "Prometheus text format: counts and latencies only"}, **responses(401, 403, 429)})
def prometheus_metrics(_reader: Annotated[Principal, Depends(require("metrics"))],
                       authorization: Annotated[str | None, Header(max_length=600)] = None) -> Response:
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)
