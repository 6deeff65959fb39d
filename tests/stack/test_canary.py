"""A canary through the whole stack: a phrase nobody else would write, a pilot postcode and
a client address go in through the gateway at the most verbose log levels production allows,
and afterwards they are nowhere: not in any process's log, not in Redis once the conversation
has expired (Rasa's tracker and lock stores, the gateway's sessions and rate-limit counters),
not in the directory's database.

The most verbose levels production allows (docs/privacy.md):
- API and gateway: SIGNPOST_LOG_LEVEL=DEBUG (every level is safe: nothing personal is logged);
- Rasa and the action server: INFO (LOG_LEVEL=INFO, their default). At DEBUG Rasa itself
  logs every message and slot, so bot/run_rasa.py refuses DEBUG in production.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.stack.driver import Conversation
from tests.stack.harness import Stack

CANARY = "marmalade-heron-quietly-waltzes"
POSTCODE = "LE11 3TU"
CLIENT_ADDRESS = "203.0.113.77"  # TEST-NET-3: documentation only, never a real client
TRACKER_EXPIRY_SECONDS = 15
FORMS = [CANARY, CANARY.upper(), CANARY.replace("-", " "), POSTCODE, POSTCODE.lower(), POSTCODE.replace(" ", ""),
         POSTCODE.replace(" ", "+"), POSTCODE.replace(" ", "%20"), CLIENT_ADDRESS]


class CanaryStack(Stack):
    """The test stack, with a short tracker expiry and production's most verbose log levels."""

    def _spawn(self, name, command, cwd, env):
        if name.startswith("rasa"):
            endpoints = Path(command[command.index("--endpoints") + 1])
            text = endpoints.read_text()
            assert "record_exp: 1800" in text
            endpoints.write_text(text.replace("record_exp: 1800", f"record_exp: {TRACKER_EXPIRY_SECONDS}"))
            env = {**env, "LOG_LEVEL": "INFO", "SIGNPOST_ENVIRONMENT": "production"}
        if name.startswith("actions"):
            env = {**env, "LOG_LEVEL": "INFO"}
        return super()._spawn(name, command, cwd, env)


@pytest.fixture(scope="module")
def canary_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = CanaryStack(workdir=tmp_path_factory.mktemp("canary"), use_redis=True)
    running.extra_api_env = {
        "SIGNPOST_LOG_LEVEL": "DEBUG",
        # The gateway's sessions and rate-limit counters in the same Redis, as in production.
        "SIGNPOST_REDIS_URL": f"redis://127.0.0.1:{running.redis_port}/2",
    }
    try:
        yield running.start()
    finally:
        running.stop_all()


def _redis_contents(port: int) -> dict[str, str]:
    """Every key in every database, with its value whatever its type, as text."""
    found = {}
    for db in range(16):
        client = redis.Redis(port=port, db=db)
        for key in client.scan_iter(count=1000):
            kind = client.type(key).decode()
            value = {
                "string": lambda: client.get(key),
                "list": lambda: client.lrange(key, 0, -1),
                "hash": lambda: client.hgetall(key),
                "set": lambda: client.smembers(key),
                "zset": lambda: client.zrange(key, 0, -1, withscores=True),
                "stream": lambda: client.xrange(key),
            }.get(kind, lambda: kind)()
            found[f"{db}:{key.decode(errors='replace')}"] = repr(value)
    return found


def _leaks(text: str) -> list[str]:
    return [form for form in FORMS if form.lower() in text.lower()]


def test_the_canary_is_nowhere_once_the_conversation_has_expired(canary_stack):
    chat = Conversation(canary_stack.api)
    chat.client.headers["X-Forwarded-For"] = CLIENT_ADDRESS  # uvicorn trusts it from loopback
    chat.send(text=f"my ex keeps turning up outside my work {CANARY}")
    services = chat.answer_until_services(place=POSTCODE, use_buttons=False)
    assert services and not chat.degraded
    chat.send(text=f"thank you {CANARY} {POSTCODE}")
    # Not ended: left to expire, as when someone simply closes the page.

    contents = _redis_contents(canary_stack.redis_port)
    assert _leaks("\n".join(contents.values())), "the canary should be in the live tracker: the search is blind"
    deadline = time.monotonic() + TRACKER_EXPIRY_SECONDS + 10
    while time.monotonic() < deadline and _leaks("\n".join(contents.values())):
        time.sleep(1)
        contents = _redis_contents(canary_stack.redis_port)
    leaked = {key: _leaks(key + value) for key, value in contents.items() if _leaks(key + value)}
    assert not leaked, leaked
    # What is left is the gateway's session (area and language only) and counters keyed by HMACs.
    assert any(key.startswith("2:") for key in contents), contents.keys()

    canary_stack.stop_all()  # every log flushed and closed
    logs = {name: canary_stack.log(name) for name in ("api", "actions", "rasa", "redis")}
    assert '"route": "/chat/sessions/{session_id}/messages"' in logs["api"]  # the logs are there to search
    assert logs["rasa"] and logs["actions"]
    for name, text in logs.items():
        assert not _leaks(text), f"{name}.log contains {_leaks(text)}"
    for database in canary_stack.workdir.glob("signpost.db*"):
        data = database.read_bytes().decode("latin-1")
        assert not _leaks(data), f"{database.name} contains {_leaks(data)}"
