"""The production shape, for real, on loopback: PostgreSQL and Redis from Debian's packages,
two Rasa replicas on bot/endpoints.production.yml (Redis tracker and lock stores), one
action server and two API processes in production mode (tests/stack/harness.py).

Conversations expire after CONVERSATION_TTL_SECONDS here, so the tests can watch them go."""
from __future__ import annotations

from collections.abc import Iterator

import psutil
import pytest

from tests.stack.driver import services_in
from tests.stack.harness import ProductionStack

CONVERSATION_TTL_SECONDS = 15


@pytest.fixture(scope="session")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionStack]:
    stack = ProductionStack(workdir=tmp_path_factory.mktemp("production"),
                            conversation_ttl_seconds=CONVERSATION_TTL_SECONDS)
    try:
        yield stack.start()
    finally:
        stack.stop_all()


def rasa_ports_reached(stack: ProductionStack, api: str) -> set[int]:
    """The Rasa ports an API process holds connections to (its pooled keep-alive ones)."""
    process = psutil.Process(stack.processes[api].pid)
    return {c.raddr.port for c in process.net_connections(kind="tcp")
            if c.raddr and c.status == psutil.CONN_ESTABLISHED and c.raddr.port in stack.rasa_ports}


def has_emergency_guidance(messages: list[dict]) -> bool:
    return any(m.get("kind") == "danger" and "999" in m["text"] and "55" in m["text"] for m in messages)


def has_national_helplines(messages: list[dict]) -> bool:
    return any(s["scope"] == "national" and s["phones"] for s in services_in(messages))
