"""Hostile input at the two doors that accept writes: the chat gateway and the commissioners'
interface. Oversized, malformed and marked-up messages, floods, forged and other people's
session ids, unconfigured origins; directory writes without the key, with a wrong one, too
big, or replayed. (Well-formed use is in test_chat_gateway.py and test_admin.py.)"""
from __future__ import annotations

import json
import string

import pytest

from api.chat.sessions import conversation_key
from api.settings import DEVELOPMENT_SESSION_SECRET
from tests.api.app_routes import every_route
from tests.api.conftest import ADMIN_KEY, make_client
from tests.api.test_admin import NEW_SERVICE
from tests.api.test_chat_gateway import TOKEN, FakeAssistant, start


URL_SAFE = set(string.ascii_letters + string.digits + "-_")


@pytest.fixture
def assistant():
    fake = FakeAssistant()
    yield fake
    fake.server.shutdown()


def _gateway(assistant, database_url, **overrides):
    settings = {"rasa_url": assistant.url, "channel_token": TOKEN, "partner_origins": ["https://partner.example"],
                "chat_timeout_seconds": 2, **overrides}
    return make_client(database_url, **settings)


@pytest.fixture
def gateway(assistant, fresh_database_url):
    with _gateway(assistant, fresh_database_url) as client:
        yield client


def _send(client, session_id: str, **body):
    return client.post(f"/chat/sessions/{session_id}/messages", json=body)


# --- the chat gateway -----------------------------------------------------------------------

@pytest.mark.parametrize("size, status, error", [
    (1000, 200, None),
    (1001, 422, "message_too_long"),
    (5001, 422, "invalid_request"),
    (70_000, 413, "body_too_large"),   # past the body limit: refused before it is parsed
])
def test_oversized_messages_never_reach_the_assistant(gateway, assistant, size, status, error):
    session = start(gateway)
    response = _send(gateway, session["session_id"], text="a" * size)
    assert response.status_code == status
    if error:
        assert response.json()["error"] == error
        assert [body["message"] for body in assistant.received] == ["/greet"]
    else:
        assert assistant.received[-1]["message"] == "a" * size


def test_a_thousand_characters_of_four_byte_emoji_are_still_one_message(gateway, assistant):
    session = start(gateway)
    assert _send(gateway, session["session_id"], text="\U0001F49C" * 1000).status_code == 200


@pytest.mark.parametrize("text", [
    "bell\x07", "escape \x1b[31mred", "back\x08space", "delete\x7f", "next line\x85", "c1\x9b31m",
    "vertical\x0btab", "form\x0cfeed",
])
def test_control_characters_are_refused(gateway, assistant, text):
    session = start(gateway)
    response = _send(gateway, session["session_id"], text=text)
    assert response.status_code == 422, text
    assert len(assistant.received) == 1


@pytest.mark.parametrize("text", [
    "line one\nline two\r\n\ttabbed",
    "\u0645\u0631\u062d\u0628\u0627 \u200f(right to left mark)",   # Arabic, with the marks RTL writers use
    "\u0a38\u0a24 \u0a38\u0a4d\u0a30\u0a40 \u0a05\u0a15\u0a3e\u0a32",  # Punjabi in Gurmukhi
    "zero\u200bwidth and \u2028 line separator",
])
def test_real_writing_is_not_mistaken_for_control_characters(gateway, assistant, text):
    session = start(gateway)
    response = _send(gateway, session["session_id"], text=text)
    assert response.status_code == 200
    assert assistant.received[-1]["message"] == text


@pytest.mark.parametrize("markup", [
    "<script>alert(document.cookie)</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg/onload=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}} ${7*7} <%= 7*7 %>",
])
def test_markup_goes_through_as_inert_json_text(gateway, assistant, markup):
    session = start(gateway)
    response = _send(gateway, session["session_id"], text=markup)
    assert response.status_code == 200
    assert assistant.received[-1]["message"] == markup          # not escaped, stripped or evaluated
    assert response.json()["messages"][0]["text"] == f"echo {markup}"
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_a_flood_from_one_client_is_limited_across_sessions(assistant, fresh_database_url):
    with _gateway(assistant, fresh_database_url, chat_rate_limit_client="4/minute") as client:
        statuses = [client.post("/chat/sessions", json={}).status_code for _ in range(6)]
        assert statuses == [201] * 4 + [429] * 2
        refused = client.post("/chat/sessions", json={})
        assert refused.json()["error"] == "too_many_requests"
        assert int(refused.headers["retry-after"]) >= 1
        assert len(assistant.received) == 4  # the refused ones did no work


def test_a_flood_of_messages_counts_against_the_client_too(assistant, fresh_database_url):
    with _gateway(assistant, fresh_database_url, chat_rate_limit_client="3/minute",
                  chat_rate_limit_session="100/minute") as client:
        session = start(client)
        statuses = [_send(client, session["session_id"], text="hi").status_code for _ in range(4)]
        assert statuses == [200, 200, 429, 429]


def test_session_ids_are_unguessable_and_never_repeat(gateway):
    ids = {start(gateway)["session_id"] for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 43 and set(i) <= URL_SAFE
               for i in ids)


@pytest.mark.parametrize("forged", [
    "A" * 42 + "=", "%2e%2e%2f" * 5, "A" * 42 + "\u00e9", "' OR '1'='1" + "A" * 32, "A" * 43 + "%2F..",
])
def test_forged_session_ids_do_no_work(gateway, assistant, forged):
    for method, path in (("POST", f"/chat/sessions/{forged}/messages"), ("DELETE", f"/chat/sessions/{forged}"),
                         ("POST", f"/chat/sessions/{forged}/end")):
        response = gateway.request(method, path, json={"text": "hi"} if path.endswith("messages") else None)
        assert response.status_code in (404, 422), (path, response.status_code)
    assert assistant.received == [] and assistant.ended == []


def test_someone_elses_session_id_reaches_only_their_own_conversation(gateway, assistant):
    mine, theirs = start(gateway), start(gateway)
    # An id is a bearer secret: whoever holds it is in that conversation, so it is never put
    # anywhere but the page's memory (no URL, cookie or storage; see tests/browser).
    _send(gateway, theirs["session_id"], text="to them")
    assert assistant.received[-1]["sender"] == conversation_key(theirs["session_id"], DEVELOPMENT_SESSION_SECRET.encode())
    # Nothing answers with what was said before: there is no read or history endpoint.
    chat_routes = [(methods, path) for methods, path, _ in every_route(gateway.app.routes) if path.startswith("/chat/")]
    assert ({"DELETE"}, "/chat/sessions/{session_id}") in chat_routes
    assert not any("GET" in methods for methods, _ in chat_routes)
    # Once they end it, their id is worthless to anyone.
    gateway.delete(f"/chat/sessions/{theirs['session_id']}")
    assert _send(gateway, theirs["session_id"], text="anyone there?").status_code == 404
    assert _send(gateway, mine["session_id"], text="still mine").status_code == 200


def test_the_conversation_key_depends_on_the_servers_secret(gateway):
    session_id = start(gateway)["session_id"]
    assert conversation_key(session_id, b"another deployment's secret") != conversation_key(
        session_id, DEVELOPMENT_SESSION_SECRET.encode())


def test_session_ids_are_not_taken_from_cookies_or_the_query(gateway, assistant):
    session_id = start(gateway)["session_id"]
    response = gateway.post("/chat/sessions/messages", json={"text": "hi"},
                            params={"session_id": session_id}, cookies={"session_id": session_id})
    assert response.status_code in (404, 405, 422)
    assert "set-cookie" not in start(gateway) and "set-cookie" not in gateway.post("/chat/sessions", json={}).headers


@pytest.mark.parametrize("origin", [
    "https://evil.example", "null", "http://partner.example", "https://partner.example.evil.example",
    "https://evil.example/https://partner.example", "https://partner.example:8443",
])
def test_unconfigured_origins_can_neither_start_nor_send_nor_end(gateway, assistant, origin):
    session_id = start(gateway)["session_id"]
    headers = {"Origin": origin}
    assert gateway.post("/chat/sessions", json={}, headers=headers).status_code == 403
    assert gateway.post(f"/chat/sessions/{session_id}/messages", json={"text": "hi"}, headers=headers).status_code == 403
    assert gateway.delete(f"/chat/sessions/{session_id}", headers=headers).status_code == 403
    assert gateway.post(f"/chat/sessions/{session_id}/end", headers=headers).status_code == 403
    refused = gateway.options("/chat/sessions", headers={**headers, "Access-Control-Request-Method": "POST"})
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
    assert [body["message"] for body in assistant.received] == ["/greet"] and assistant.ended == []
    assert _send(gateway, session_id, text="still here").status_code == 200


# --- the commissioners' interface -------------------------------------------------------------

def _admin_operations(client) -> list[tuple[str, str]]:
    operations = []
    for methods, path, _ in every_route(client.app.routes):
        if path.startswith("/admin/"):
            operations += [(method, path.replace("{id}", "00000000-0000-0000-0000-000000000000"))
                           for method in methods]
    return operations


@pytest.mark.parametrize("headers", [
    {},
    {"X-API-Key": "wrong", "X-Signpost-Actor": "someone"},
    {"X-API-Key": ADMIN_KEY[:-1], "X-Signpost-Actor": "someone"},         # one character short
    {"X-API-Key": ADMIN_KEY + "x", "X-Signpost-Actor": "someone"},        # one too many
    {"X-API-Key": ADMIN_KEY.upper(), "X-Signpost-Actor": "someone"},
    {"Authorization": "Bearer sp_feedfacedeadbeef.not-a-real-secret"},  # a made-up API token
    {"X-API-Key": "k" * 600, "X-Signpost-Actor": "someone"},
])
def test_every_admin_operation_refuses_a_missing_or_wrong_key(client, headers):
    operations = _admin_operations(client)
    assert len(operations) >= 9
    for method, path in operations:
        response = client.request(method, path, json={}, headers=headers)
        assert response.status_code in (401, 422), (method, path, response.status_code)
        if response.status_code == 422:  # only the oversized header, refused before the key is compared
            assert len(headers.get("X-API-Key", "")) > 512
    trail = client.get("/admin/audit", params={"per_page": 100}, headers={"X-API-Key": ADMIN_KEY}).json()["contents"]
    assert [entry for entry in trail if entry["entity_type"] != "api_token"] == []  # nothing changed
    assert all(entry["action"] == "bad_credential" for entry in trail)  # each bad key is audited, without the key
    assert not any(headers.get("X-API-Key", "@@") in str(entry) for entry in trail)


def test_the_key_is_never_accepted_from_the_query_string(client):
    response = client.get("/admin/audit", params={"x_api_key": ADMIN_KEY, "X-API-Key": ADMIN_KEY})
    assert response.status_code == 401


def test_oversized_admin_bodies_are_refused_before_the_key_or_the_body_is_read(client, admin_headers):
    big = {**NEW_SERVICE, "description": "x" * 70_000}
    for headers in (admin_headers, {}):
        response = client.post("/admin/services", json=big, headers=headers)
        assert response.status_code == 413 and response.json()["error"] == "body_too_large"
    assert client.post("/admin/import", content=b"[" + b" " * (11 * 1024 * 1024) + b"]",
                       headers={**admin_headers, "content-type": "application/json"}).status_code == 413
    assert client.get("/admin/audit", headers=admin_headers).json()["total_items"] == 0


def _audit(client, admin_headers) -> list[dict]:
    return client.get("/admin/audit", params={"per_page": 100}, headers=admin_headers).json()["contents"]


def test_a_replayed_create_with_an_idempotency_key_makes_one_service(client, admin_headers):
    headers = {**admin_headers, "Idempotency-Key": "create-outreach-2026-11-23-a"}
    first = client.post("/admin/services", json=NEW_SERVICE, headers=headers)
    again = client.post("/admin/services", json=NEW_SERVICE, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert [a["action"] for a in _audit(client, admin_headers)] == ["create"]


def test_a_reused_idempotency_key_with_another_body_is_refused(client, admin_headers):
    headers = {**admin_headers, "Idempotency-Key": "create-outreach-2026-12-06-b"}
    first = client.post("/admin/services", json=NEW_SERVICE, headers=headers)
    other = client.post("/admin/services", json={**NEW_SERVICE, "name": "A Different Service"}, headers=headers)
    assert first.status_code == 201
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"
    assert "idempotent-replayed" not in other.headers
    stored = client.get(f"/admin/services/{first.json()['id']}", headers=admin_headers).json()
    assert stored["name"] == NEW_SERVICE["name"]
    assert [a["action"] for a in _audit(client, admin_headers)] == ["create"]


def test_a_replay_is_the_same_request_however_its_json_is_laid_out(client, admin_headers):
    headers = {**admin_headers, "Idempotency-Key": "create-outreach-2026-12-06-c", "Content-Type": "application/json"}
    first = client.post("/admin/services", json=NEW_SERVICE, headers=headers)
    reordered = json.dumps(dict(reversed(list(NEW_SERVICE.items()))), indent=2)
    again = client.post("/admin/services", content=reordered, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true" and again.json()["id"] == first.json()["id"]


def test_a_replayed_create_without_a_key_is_refused_as_a_duplicate(client, admin_headers):
    assert client.post("/admin/services", json=NEW_SERVICE, headers=admin_headers).status_code == 201
    again = client.post("/admin/services", json={**NEW_SERVICE, "name": NEW_SERVICE["name"].upper()},
                        headers=admin_headers)
    assert again.status_code == 409 and again.json()["error"] == "conflict"
    assert len(_audit(client, admin_headers)) == 1


@pytest.mark.parametrize("key", ["short", "has space in it", "x" * 129, "k\u00e9y-with-accent".encode()])
def test_malformed_idempotency_keys_are_refused(client, admin_headers, key):
    response = client.post("/admin/services", json=NEW_SERVICE, headers={**admin_headers, "Idempotency-Key": key})
    assert response.status_code == 422
    assert _audit(client, admin_headers) == []


def test_a_stale_edit_cannot_overwrite_a_newer_one(client, admin_headers):
    created = client.post("/admin/services", json=NEW_SERVICE, headers=admin_headers)
    service_id, loaded_etag = created.json()["id"], created.headers["etag"]
    fetched = client.get(f"/admin/services/{service_id}", headers=admin_headers)
    assert fetched.headers["etag"] == loaded_etag  # the same revision, however it is read

    newer = client.put(f"/admin/services/{service_id}", json={**NEW_SERVICE, "description": "Newer edit."},
                       headers={**admin_headers, "If-Match": loaded_etag})
    assert newer.status_code == 200 and newer.headers["etag"] != loaded_etag
    # The same request again (a replay, or a second person's form loaded before the edit).
    stale = client.put(f"/admin/services/{service_id}", json={**NEW_SERVICE, "description": "Older edit."},
                       headers={**admin_headers, "If-Match": loaded_etag})
    assert stale.status_code == 412 and stale.json()["error"] == "precondition_failed"
    for stale_write in (("retire", {"status": "defunct", "reason": "Closed"}), ("assure", {})):
        refused = client.post(f"/admin/services/{service_id}/{stale_write[0]}", json=stale_write[1],
                              headers={**admin_headers, "If-Match": loaded_etag})
        assert refused.status_code == 412
    current = client.get(f"/admin/services/{service_id}", headers=admin_headers)
    assert current.json()["description"] == "Newer edit." and current.json()["status"] == "active"
    assert [a["action"] for a in _audit(client, admin_headers)] == ["update", "create"]
    weak_and_listed = f'"other", W/{newer.headers["etag"]}'
    assert client.post(f"/admin/services/{service_id}/retire", json={"status": "inactive", "reason": "Paused"},
                       headers={**admin_headers, "If-Match": weak_and_listed}).status_code == 200


def test_retiring_or_assuring_twice_changes_nothing_the_second_time(client, admin_headers):
    service_id = client.post("/admin/services", json=NEW_SERVICE, headers=admin_headers).json()["id"]
    retire = {"status": "temporarily closed", "reason": "Staff shortage"}
    first = client.post(f"/admin/services/{service_id}/retire", json=retire, headers=admin_headers)
    second = client.post(f"/admin/services/{service_id}/retire", json=retire, headers=admin_headers)
    assert first.json() == second.json() and first.headers["etag"] == second.headers["etag"]
    assure = {"assured_date": "2026-11-20", "assurer_email": "officer@warwickshire.example"}
    client.post(f"/admin/services/{service_id}/assure", json=assure, headers=admin_headers)
    client.post(f"/admin/services/{service_id}/assure", json=assure, headers=admin_headers)
    assert [a["action"] for a in _audit(client, admin_headers)] == ["assure", "retire", "create"]
