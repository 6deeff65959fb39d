"""The chat gateway against a stand-in for the assistant's channel (the real Rasa is exercised
by the full-stack tests): sessions, forwarding, deletion, limits, origins, and degraded answers."""
from __future__ import annotations

import logging

import pytest

from api.chat.sessions import conversation_key
from api.settings import DEVELOPMENT_SESSION_SECRET
from tests.api.channel_stub import ChannelStub
from tests.api.conftest import make_client

TOKEN = "test-channel-token-abcdefghijk"


class FakeAssistant(ChannelStub):
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.ended: list[str] = []
        self.mode = "ok"
        super().__init__(self._answer)

    def _answer(self, path: str, headers, body: dict) -> tuple[int, object]:
        if headers.get("X-Signpost-Channel-Token") != TOKEN:
            return 401, {"error": "unauthorised"}
        if path.endswith("/end"):
            self.ended.append(body["sender"])
            return 200, {"ended": True}
        self.received.append(body)
        if self.mode == "error":
            return 500, {"error": "failed"}
        if self.mode == "empty":
            return 200, []
        return 200, [
            {"recipient_id": body["sender"], "text": f"echo {body['message']}",
             "buttons": [{"title": "Stalking", "payload": "/disclose_stalking"}]},
            {"recipient_id": body["sender"], "custom": {"kind": "danger", "text": "Call 999"}},
        ]


@pytest.fixture
def assistant():
    fake = FakeAssistant()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def gateway(assistant, fresh_database_url):
    with make_client(fresh_database_url, rasa_url=assistant.url, channel_token=TOKEN,
                     partner_origins=["https://partner.example"], chat_rate_limit_session="5/minute",
                     chat_timeout_seconds=2) as client:
        yield client


def start(client, **body):
    response = client.post("/chat/sessions", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_session_is_minted_and_the_opening_comes_back(gateway, assistant):
    session = start(gateway, area="warwickshire", language="en")
    assert len(session["session_id"]) == 43 and session["expires_in"] == 1800
    assert session["messages"][0] == {"text": "echo /greet", "buttons": [{"title": "Stalking", "payload": "/disclose_stalking"}], "kind": None}
    assert session["messages"][1]["kind"] == "danger"
    assert assistant.received[0]["metadata"] == {"area": "warwickshire", "language": "en"}


def test_rasa_never_sees_the_browser_session_id(gateway, assistant):
    session = start(gateway)
    gateway.post(f"/chat/sessions/{session['session_id']}/messages", json={"text": "hello"})
    senders = {body["sender"] for body in assistant.received}
    expected = conversation_key(session["session_id"], DEVELOPMENT_SESSION_SECRET.encode())
    assert senders == {expected} and session["session_id"] not in senders


def test_two_sessions_never_share_a_conversation(gateway, assistant):
    first, second = start(gateway), start(gateway)
    assert first["session_id"] != second["session_id"]
    gateway.post(f"/chat/sessions/{first['session_id']}/messages", json={"text": "one"})
    gateway.post(f"/chat/sessions/{second['session_id']}/messages", json={"text": "two"})
    by_sender = {}
    for body in assistant.received:
        by_sender.setdefault(body["sender"], []).append(body["message"])
    assert sorted(by_sender.values()) == [["/greet", "one"], ["/greet", "two"]]


@pytest.mark.parametrize("forged", ["A" * 43, "x" * 10, "../../etc/passwd", "A" * 44])
def test_forged_or_unknown_ids_are_refused(gateway, assistant, forged):
    response = gateway.post(f"/chat/sessions/{forged}/messages", json={"text": "hi"})
    assert response.status_code in (404, 422)
    assert assistant.received == []


def test_ending_deletes_the_conversation_everywhere(gateway, assistant):
    session = start(gateway)
    session_id = session["session_id"]
    assert gateway.delete(f"/chat/sessions/{session_id}").status_code == 204
    assert assistant.ended == [conversation_key(session_id, DEVELOPMENT_SESSION_SECRET.encode())]
    after = gateway.post(f"/chat/sessions/{session_id}/messages", json={"text": "still there?"})
    assert after.status_code == 404 and after.json()["error"] == "session_not_found"
    assert gateway.post(f"/chat/sessions/{session_id}/end").status_code == 204  # the beacon, twice: harmless


@pytest.mark.parametrize(
    "body",
    [{"text": "x" * 1001}, {"text": "bad\u0000byte"}, {"text": "   "}, {"payload": "javascript:alert(1)"},
     {"payload": "/<script>"}, {"text": "a", "payload": "/greet"}, {}, {"text": "hi", "extra": 1}],
)
def test_bad_messages_are_refused(gateway, assistant, body):
    session = start(gateway)
    response = gateway.post(f"/chat/sessions/{session['session_id']}/messages", json=body)
    assert response.status_code == 422, body
    assert len(assistant.received) == 1  # only the opening


def test_markup_is_carried_as_text(gateway, assistant):
    session = start(gateway)
    reply = gateway.post(f"/chat/sessions/{session['session_id']}/messages", json={"text": "<script>alert(1)</script>"})
    assert reply.json()["messages"][0]["text"] == "echo <script>alert(1)</script>"
    assert reply.headers["content-type"] == "application/json"


def test_a_flood_from_one_session_is_limited(gateway):
    session = start(gateway)
    statuses = [gateway.post(f"/chat/sessions/{session['session_id']}/messages", json={"text": "hi"}).status_code
                for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    limited = gateway.post(f"/chat/sessions/{session['session_id']}/messages", json={"text": "hi"})
    assert int(limited.headers["retry-after"]) >= 1


def test_only_configured_origins_may_chat(gateway, assistant):
    refused = gateway.post("/chat/sessions", json={}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and refused.json()["error"] == "origin_not_allowed"
    allowed = gateway.post("/chat/sessions", json={}, headers={"Origin": "https://partner.example"})
    assert allowed.status_code == 201
    assert allowed.headers["access-control-allow-origin"] == "https://partner.example"
    preflight = gateway.options("/chat/sessions", headers={"Origin": "https://partner.example",
                                                          "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert gateway.options("/chat/sessions", headers={"Origin": "https://evil.example"}).status_code == 403


@pytest.mark.parametrize("mode", ["error", "empty", "down"])
def test_when_the_assistant_fails_the_person_still_gets_help(gateway, assistant, mode):
    if mode == "down":
        assistant.server.shutdown()
        assistant.server.server_close()
    else:
        assistant.mode = mode
    response = gateway.post("/chat/sessions", json={"language": "en"})
    assert response.status_code == 201
    body = response.json()
    assert body["degraded"] is True
    danger, services = body["messages"]
    assert danger["kind"] == "danger" and "999" in danger["text"] and "55" in danger["text"]
    assert "0808 2000 247" in services["text"] and "0808 500 2222" in services["text"]
    assert {s["name"] for s in services["services"]} >= {"National Domestic Abuse Helpline", "Samaritans"}


def test_nothing_personal_reaches_the_logs(gateway, assistant, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    session = start(gateway)
    gateway.post(f"/chat/sessions/{session['session_id']}/messages", json={"text": "canary-okapi-5521 CV11 4HL"})
    assistant.mode = "error"
    gateway.post(f"/chat/sessions/{session['session_id']}/messages", json={"text": "canary-okapi-5521"})
    gateway.delete(f"/chat/sessions/{session['session_id']}")
    captured = capsys.readouterr()
    logs = captured.err + captured.out + "\n".join(r.getMessage() for r in caplog.records if r.name != "httpx")
    assert '"route": "/chat/sessions/{session_id}/messages"' in logs
    for secret in ("canary-okapi-5521", "CV11", session["session_id"], "testclient"):
        assert secret not in logs
