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

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import REGISTRY, multiprocess

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


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """One request, by its route template (never its path or query): api/middleware.py's
    AccessLog calls this beside its log line, so both see the same status and time."""
    REQUEST_SECONDS.labels(method, route).observe(seconds)
    REQUESTS.labels(method, route, f"{status // 100}xx").inc()
