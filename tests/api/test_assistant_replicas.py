"""The gateway spreads turns over several Rasa replicas and steps round one that fails.

Stand-ins for Rasa's channel are real HTTP servers on loopback (tests/api/test_chat_gateway.py);
a replica that "hangs" is a listening socket that never answers, a dead one a closed port."""
from __future__ import annotations

import asyncio
import socket
import time

import pytest
from pydantic import ValidationError

from api.chat.rasa import AssistantClient, AssistantUnavailable
from api.settings import Settings
from tests.api.test_chat_gateway import TOKEN, FakeAssistant
from tests.stack.harness import free_port


@pytest.fixture
def replicas():
    fakes = [FakeAssistant(), FakeAssistant()]
    yield fakes
    for fake in fakes:
        fake.server.shutdown()


@pytest.fixture
def hanging_url():
    """Accepts connections (the kernel does, from the backlog) and never replies."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def run(coroutine):
    return asyncio.run(coroutine)


async def send_turns(client: AssistantClient, turns: int) -> list[list[dict]]:
    try:
        return [await client.send("conversation-a", f"turn {n}", {}) for n in range(turns)]
    finally:
        await client.close()


def test_turns_are_spread_over_the_replicas(replicas):
    client = AssistantClient([fake.url for fake in replicas], TOKEN, timeout_seconds=2)
    replies = run(send_turns(client, 6))
    assert [r[0]["text"] for r in replies] == [f"echo turn {n}" for n in range(6)]
    assert [len(fake.received) for fake in replicas] == [3, 3]


def test_a_refusing_replica_is_stepped_round_without_losing_the_turn(replicas):
    dead = f"http://127.0.0.1:{free_port()}"
    client = AssistantClient([dead, replicas[0].url], TOKEN, timeout_seconds=2, rest_seconds=60)
    replies = run(send_turns(client, 4))
    assert [r[0]["text"] for r in replies] == [f"echo turn {n}" for n in range(4)]
    assert [body["message"] for body in replicas[0].received] == [f"turn {n}" for n in range(4)]


def test_a_hanging_replica_costs_one_turn_then_rests(replicas, hanging_url):
    client = AssistantClient([hanging_url, replicas[0].url], TOKEN, timeout_seconds=1, rest_seconds=60)

    async def scenario():
        started = time.monotonic()
        with pytest.raises(AssistantUnavailable):
            await client.send("conversation-a", "turn 0", {})  # accepted by the hanging one: not resent
        waited = time.monotonic() - started
        later = [await client.send("conversation-a", f"turn {n}", {}) for n in (1, 2, 3)]
        await client.close()
        return waited, later

    waited, later = run(scenario())
    assert waited < 1.5
    assert [r[0]["text"] for r in later] == ["echo turn 1", "echo turn 2", "echo turn 3"]
    assert [body["message"] for body in replicas[0].received] == ["turn 1", "turn 2", "turn 3"]


def test_a_rested_replica_is_used_again(replicas):
    now = [0.0]
    client = AssistantClient([replicas[0].url, replicas[1].url], TOKEN, timeout_seconds=2, rest_seconds=5,
                             clock=lambda: now[0])
    replicas[0].mode = "error"

    async def scenario():
        with pytest.raises(AssistantUnavailable):
            await client.send("c", "fails on the first", {})
        replicas[0].mode = "ok"
        await client.send("c", "rested: the second takes it", {})
        await client.send("c", "still resting: the second again", {})
        now[0] += 6
        await client.send("c", "the second's turn", {})
        await client.send("c", "rested long enough: the first's turn again", {})
        await client.close()

    run(scenario())
    assert [b["message"] for b in replicas[0].received] == [
        "fails on the first", "rested long enough: the first's turn again"]
    assert [b["message"] for b in replicas[1].received] == [
        "rested: the second takes it", "still resting: the second again", "the second's turn"]


def test_every_replica_down_is_unavailable_within_the_bound():
    client = AssistantClient([f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"], TOKEN,
                             timeout_seconds=2)
    started = time.monotonic()
    with pytest.raises(AssistantUnavailable):
        run(send_turns(client, 1))
    assert time.monotonic() - started < 2.5


def test_ending_is_sent_to_a_replica_that_answers(replicas):
    client = AssistantClient([f"http://127.0.0.1:{free_port()}", replicas[1].url], TOKEN, timeout_seconds=2)

    async def scenario():
        ended = await client.end("conversation-a")
        await client.close()
        return ended

    assert run(scenario()) is True
    assert replicas[1].ended == ["conversation-a"]


def test_replica_urls_come_from_a_json_list(monkeypatch):
    monkeypatch.setenv("SIGNPOST_RASA_URLS", '["http://rasa-1:5005", "http://rasa-2:5005"]')
    assert Settings().assistant_urls == ["http://rasa-1:5005", "http://rasa-2:5005"]
    monkeypatch.delenv("SIGNPOST_RASA_URLS")
    assert Settings(rasa_url="http://rasa:5005").assistant_urls == ["http://rasa:5005"]


@pytest.mark.parametrize("bad", ["rasa-1:5005", "ftp://rasa", "http://rasa 1"])
def test_replica_urls_must_be_http(bad):
    with pytest.raises(ValidationError):
        Settings(rasa_urls=[bad])


def test_with_the_session_store_down_every_message_gets_the_helplines_at_once(replicas, fresh_database_url):
    """Redis refusing connections (a closed port): no 500s, no wait, and nothing sent to Rasa."""
    from tests.api.conftest import make_client

    dead_redis = f"redis://127.0.0.1:{free_port()}/2"
    with make_client(fresh_database_url, rasa_urls=[replicas[0].url], channel_token=TOKEN, redis_url=dead_redis,
                     chat_timeout_seconds=2) as gateway:
        started = time.monotonic()
        opened = gateway.post("/chat/sessions", json={"language": "en"})
        sent = gateway.post(f"/chat/sessions/{'a' * 43}/messages", json={"text": "he hits me"})
        ended = gateway.delete(f"/chat/sessions/{'a' * 43}")
        assert time.monotonic() - started < 5
    assert opened.status_code == 201 and sent.status_code == 200 and ended.status_code == 204
    for body in (opened.json(), sent.json()):
        danger, services = body["messages"]
        assert body["degraded"] is True
        assert danger["kind"] == "danger" and "999" in danger["text"]
        assert "National Domestic Abuse Helpline" in {s["name"] for s in services["services"]}
    assert replicas[0].received == []


def test_the_assistant_client_asks_which_async_library_without_a_failing_import():
    """httpcore imports sniffio on every request to tell asyncio from trio; when sniffio is
    missing that import fails, and is retried (searching sys.path) on every request."""
    import sys

    from httpcore._synchronization import current_async_library

    async def ask() -> str:
        return current_async_library()

    assert asyncio.run(ask()) == "asyncio"
    assert "sniffio" in sys.modules
