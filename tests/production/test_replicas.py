"""Any API process and any Rasa replica can take any turn, and conversations expire."""
from __future__ import annotations

import time

from api.chat.sessions import conversation_key
from tests.production.conftest import CONVERSATION_TTL_SECONDS, rasa_ports_reached
from tests.stack.driver import Conversation
from tests.stack.harness import SESSION_SECRET, ProductionStack


def test_a_conversation_moves_across_api_processes_and_rasa_replicas(production: ProductionStack):
    chat = Conversation(production.apis)  # each request to the next API process
    chat.send(text="a man i met online raped me and i keep thinking about it")
    services = chat.answer_until_services(place="CV11 4HL")
    # The category, her answers and the place were kept across processes: a local answer
    # for sexual violence, the local centre before the national line.
    names = [s["name"] for s in services]
    assert "RoSA" in names
    assert names.index("RoSA") < names.index("Rape Crisis 24/7 Rape and Sexual Abuse Support Line")
    assert not chat.degraded
    # Both API processes sent turns to both Rasa replicas.
    for api in ("api-0", "api-1"):
        assert rasa_ports_reached(production, api) == set(production.rasa_ports), api
    chat.end()


def test_conversations_expire_from_redis(production: ProductionStack):
    chat = Conversation(production.apis)
    chat.press("/disclose_stalking")
    session_key = f"signpost:chat:{chat.session_id}"
    tracker_key = f"signpost:tracker:{conversation_key(chat.session_id, SESSION_SECRET.encode())}"
    # Gateway sessions live in Redis database 2, Rasa's trackers in database 0.
    assert 0 < int(production.redis_cli("-n", "2", "ttl", session_key)) <= CONVERSATION_TTL_SECONDS
    assert 0 < int(production.redis_cli("-n", "0", "ttl", tracker_key)) <= CONVERSATION_TTL_SECONDS

    deadline = time.monotonic() + CONVERSATION_TTL_SECONDS + 10
    while time.monotonic() < deadline:
        left = (production.redis_cli("-n", "2", "exists", session_key), production.redis_cli("-n", "0", "exists", tracker_key))
        if left == ("0", "0"):
            break
        time.sleep(1)
    assert left == ("0", "0")
    gone = chat.client.post(production.apis[1] + f"/chat/sessions/{chat.session_id}/messages", json={"text": "hello"})
    assert gone.status_code == 404 and gone.json()["error"] == "session_not_found"


def test_ending_a_conversation_deletes_it_from_redis_at_once(production: ProductionStack):
    chat = Conversation(production.apis)
    chat.press("/disclose_domestic_abuse")
    tracker_key = f"signpost:tracker:{conversation_key(chat.session_id, SESSION_SECRET.encode())}"
    assert production.redis_cli("-n", "0", "exists", tracker_key) == "1"
    chat.end()
    assert production.redis_cli("-n", "0", "exists", tracker_key) == "0"
    assert production.redis_cli("-n", "2", "exists", f"signpost:chat:{chat.session_id}") == "0"
