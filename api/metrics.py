"""Operational metrics in Prometheus format: request counts and latencies by route template,
chat replies, and how counting insights is going. Nothing here is broken down by area,
category or outcome: those figures are published only with small numbers suppressed
(docs/insights.md).

One process: a scrape shows that process. Several processes (uvicorn --workers, or a
gunicorn pool): set PROMETHEUS_MULTIPROC_DIR to an empty directory shared by them before
they start, and a scrape of any one of them adds up all of them (prometheus_client's
multiprocess mode).
"""
from __future__ import annotations

import os
import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import REGISTRY, multiprocess
from starlette.types import ASGIApp, Receive, Scope, Send

REQUEST_SECONDS = Histogram(
    "signpost_http_request_duration_seconds", "Time to answer a request, by route template.",
    ["method", "route"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter("signpost_http_requests_total", "Requests answered, by route template and status class.",
                   ["method", "route", "status"])
CHAT_REPLIES = Counter("signpost_chat_replies_total", "Replies relayed by the chat gateway.", ["degraded"])
INSIGHT_COUNTS = Counter("signpost_insight_counts_total", "Insight counts written to the database.")
INSIGHT_COUNT_FAILURES = Counter("signpost_insight_count_failures_total",
                                 "Insight counts that could not be written (the reply was unaffected).")
INSIGHT_SWEEPS = Counter("signpost_insight_sweeps_total", "Sweeps for conversations that expired unanswered.")


def exposition() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Times every HTTP request by its route template (never its path or query)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_and_note(message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            REQUEST_SECONDS.labels(scope["method"], route).observe(time.perf_counter() - started)
            REQUESTS.labels(scope["method"], route, f"{status['code'] // 100}xx").inc()
