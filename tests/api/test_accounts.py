"""Named accounts, roles, four eyes, the audit naming who signed in, and lock-out (docs/accounts.md)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.auth import DEVELOPMENT_KEY_LABEL, SESSION_COOKIE, _development_key
from api.cli import main as cli
from api.main import create_app
from api.settings import Settings
from tests.api.conftest import ADMIN_KEY, REPO
from tests.api.test_admin import NEW_SERVICE as ASSURED_SERVICE
from tests.api.test_insights_counting import _free_port, redis_url  # noqa: F401 (a fixture)

DEV = {"X-API-Key": ADMIN_KEY}
NEW_SERVICE = {**ASSURED_SERVICE, "assured": False}  # an edit cannot assure itself
PASSWORD = "correct horse battery staple"
SEED_SERVICE_QUERY = "/admin/services?per_page=1"


def https_client(database_url: str, **overrides) -> TestClient:
    """Over https, so the Secure session cookie is sent back as a browser would."""
    settings = Settings(environment="test", database_url=database_url, admin_api_key=ADMIN_KEY, **overrides)
    return TestClient(create_app(settings), base_url="https://testserver")


@pytest.fixture
def site(fresh_database_url) -> Iterator[TestClient]:
    with https_client(fresh_database_url) as test_client:
        yield test_client


def token_for(client: TestClient, role: str, name: str | None = None) -> dict[str, str]:
    response = client.post("/admin/tokens", json={"name": name or f"{role} integration", "role": role}, headers=DEV)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def account(client: TestClient, email: str, role: str, admin: dict[str, str] = DEV) -> str:
    response = client.post("/admin/accounts", headers=admin,
                           json={"email": email, "display_name": email.split("@")[0], "role": role,
                                 "password": PASSWORD})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    client.cookies.clear()
    return client.post("/auth/sign-in", json={"email": email, "password": password})


def audit(client: TestClient) -> list[dict]:
    return client.get("/admin/audit?per_page=100", headers=DEV).json()["contents"]


def _some_service(client: TestClient) -> str:
    return client.get(SEED_SERVICE_QUERY, headers=DEV).json()["contents"][0]["id"]


# Each action, and the roles that may take it: every other role must get 403.
ACTIONS = {
    "read any service": (["editor", "assurer"], lambda c, h, s: c.get(f"/admin/services/{s}", headers=h)),
    "create a service": (["editor"], lambda c, h, s: c.post(
        "/admin/services", headers=h, json={**NEW_SERVICE, "name": f"Made by {h['Authorization'][-6:]}"})),
    "retire a service": (["editor"], lambda c, h, s: c.post(
        f"/admin/services/{s}/retire", headers=h, json={"status": "temporarily closed", "reason": "Staff on leave"})),
    "assure a service": (["assurer"], lambda c, h, s: c.post(f"/admin/services/{s}/assure", headers=h, json={})),
    "confidential queue": (["editor", "assurer"], lambda c, h, s: c.get("/admin/confidential", headers=h)),
    "read the audit trail": (["assurer", "administrator"], lambda c, h, s: c.get("/admin/audit", headers=h)),
    "list accounts": (["administrator"], lambda c, h, s: c.get("/admin/accounts", headers=h)),
    "issue a token": (["administrator"], lambda c, h, s: c.post(
        "/admin/tokens", headers=h, json={"name": "another", "role": "viewer"})),
    "insights export": (["viewer"], lambda c, h, s: c.get("/insights/export.json", headers=h)),
    "metrics": (["viewer", "administrator"], lambda c, h, s: c.get("/metrics", headers=h)),
}


def test_each_role_can_do_exactly_its_own_actions(site):
    service = _some_service(site)
    tokens = {role: token_for(site, role) for role in ("viewer", "editor", "assurer", "administrator")}
    outcomes = {}
    for action, (allowed, call) in ACTIONS.items():
        for role, headers in tokens.items():
            status = call(site, headers, service).status_code
            outcomes[action, role] = status
            expected = "allowed" if role in allowed else "forbidden"
            assert (status < 300 if expected == "allowed" else status == 403), (action, role, status)
        assert call(site, {"Authorization": "Bearer nothing-at-all"}, service).status_code == 401, action
    assert len(outcomes) == len(ACTIONS) * 4


def test_an_edit_is_assured_by_someone_else_four_eyes(site):
    account(site, "editor@council.example", "editor")
    admin_id = account(site, "admin@council.example", "administrator")
    assert admin_id
    assurer_b = token_for(site, "assurer", "second pair of eyes")

    editor = sign_in(site, "editor@council.example").json()
    csrf = {"X-CSRF-Token": editor["csrf_token"]}
    refused = site.post("/admin/services", json={**NEW_SERVICE, "assured": True}, headers=csrf)
    assert (refused.status_code, refused.json()["error"]) == (403, "four_eyes")
    created = site.post("/admin/services", json=NEW_SERVICE, headers=csrf)
    assert created.status_code == 201, created.text
    service_id = created.json()["id"]

    # The editor becomes an assurer, and still may not assure their own edit.
    admin_session = sign_in(site, "admin@council.example").json()
    editor_id = editor["account"]["id"]
    changed = site.patch(f"/admin/accounts/{editor_id}", json={"role": "assurer"},
                         headers={"X-CSRF-Token": admin_session["csrf_token"]})
    assert changed.json()["role"] == "assurer"
    again = sign_in(site, "editor@council.example").json()
    own = site.post(f"/admin/services/{service_id}/assure", json={}, headers={"X-CSRF-Token": again["csrf_token"]})
    assert (own.status_code, own.json()["error"]) == (403, "four_eyes")

    site.cookies.clear()
    assured = site.post(f"/admin/services/{service_id}/assure", json={}, headers=assurer_b)
    assert assured.status_code == 200, assured.text

    trail = audit(site)
    by_action = {(e["action"], e["entity_id"]): e["actor"] for e in trail}
    assert by_action["create", service_id] == "editor@council.example"
    assert by_action["assure", service_id] == "token:second pair of eyes"
    role_change = next(e for e in trail if e["action"] == "role_change")
    assert role_change["actor"] == "admin@council.example"
    assert (role_change["before"]["role"], role_change["after"]["role"]) == ("editor", "assurer")


def test_the_session_cookie_is_strict_and_changes_need_the_csrf_token(site):
    account(site, "editor@council.example", "editor")
    response = sign_in(site, "editor@council.example")
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert flag.lower() in cookie.lower(), flag
    assert site.get(SEED_SERVICE_QUERY).status_code == 200  # reading needs only the cookie
    without = site.post("/admin/services", json=NEW_SERVICE)
    assert (without.status_code, without.json()["error"]) == (403, "csrf")
    wrong = site.post("/admin/services", json=NEW_SERVICE, headers={"X-CSRF-Token": "guessed"})
    assert wrong.status_code == 403
    value = site.cookies.get(SESSION_COOKIE)
    site.cookies.clear()
    payload, _, signature = value.partition(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    assert site.get(SEED_SERVICE_QUERY, headers={"Cookie": f"{SESSION_COOKIE}={value}"}).status_code == 200
    assert site.get(SEED_SERVICE_QUERY, headers={"Cookie": f"{SESSION_COOKIE}={forged}"}).status_code == 401


def test_revoking_an_account_or_a_token_takes_effect_at_once(site):
    editor_id = account(site, "editor@council.example", "editor")
    assert sign_in(site, "editor@council.example").status_code == 200
    assert site.get(SEED_SERVICE_QUERY).status_code == 200
    assert site.patch(f"/admin/accounts/{editor_id}", json={"active": False}, headers=DEV).json()["active"] is False
    assert site.get(SEED_SERVICE_QUERY).status_code == 401
    assert sign_in(site, "editor@council.example").status_code == 401

    created = site.post("/admin/tokens", json={"name": "feed sync", "role": "editor"}, headers=DEV).json()
    bearer = {"Authorization": f"Bearer {created['token']}"}
    site.cookies.clear()
    assert site.get(SEED_SERVICE_QUERY, headers=bearer).status_code == 200
    assert site.post(f"/admin/tokens/{created['id']}/revoke", headers=DEV).json()["revoked"] is True
    assert site.get(SEED_SERVICE_QUERY, headers=bearer).status_code == 401
    actions = [e["action"] for e in audit(site)]
    assert {"account_revoke", "token_create", "token_revoke", "token_use", "bad_credential"} <= set(actions)


def test_sign_ins_and_token_use_are_audited_without_secrets(site):
    account(site, "viewer@council.example", "viewer")
    assert sign_in(site, "viewer@council.example", "not the password").status_code == 401
    assert sign_in(site, "nobody@council.example", "hunter2hunter2").status_code == 401
    assert sign_in(site, "viewer@council.example").status_code == 200
    created = site.post("/admin/tokens", json={"name": "dashboards", "role": "viewer"}, headers=DEV).json()
    assert site.get("/insights/export.json", headers={"Authorization": f"Bearer {created['token']}"}).status_code == 200
    trail = audit(site)
    seen = [(e["action"], e["actor"]) for e in trail]
    assert ("sign_in_failed", "viewer@council.example") in seen
    assert ("sign_in_failed", "anonymous") in seen  # an unknown email is not written down
    assert ("sign_in", "viewer@council.example") in seen
    assert ("token_use", "token:dashboards") in seen
    text = json.dumps(trail)
    for secret in (PASSWORD, "not the password", "hunter2hunter2", "nobody@council.example", created["token"],
                   created["token"].split(".")[1]):
        assert secret not in text


def test_failed_sign_ins_lock_the_account_with_retry_after(fresh_database_url):
    with https_client(fresh_database_url, auth_failures_per_account="3 per 15 minutes",
                      auth_failures_per_client="100 per 15 minutes") as site:
        account(site, "editor@council.example", "editor")
        for _ in range(3):
            assert sign_in(site, "editor@council.example", "wrong password").status_code == 401
        locked = sign_in(site, "editor@council.example")  # even the right password now waits
        assert locked.status_code == 429
        assert locked.json()["error"] == "too_many_requests"
        assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
        account(site, "other@council.example", "editor")
        assert sign_in(site, "other@council.example").status_code == 200  # another account is not locked


def test_bad_tokens_lock_out_the_client(fresh_database_url):
    with https_client(fresh_database_url, auth_failures_per_client="4 per 15 minutes") as site:
        good = token_for(site, "editor")
        for _ in range(4):
            assert site.get(SEED_SERVICE_QUERY, headers={"Authorization": "Bearer sp_0000.wrong"}).status_code == 401
        locked = site.get(SEED_SERVICE_QUERY, headers=good)
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0


def test_production_never_accepts_the_shared_key():
    production = Settings(environment="production", database_url="postgresql+psycopg://signpost@db/signpost",
                          admin_api_key=ADMIN_KEY, channel_token="c" * 40, session_secret="s" * 40)
    assert not _development_key(production, ADMIN_KEY)
    assert _development_key(Settings(environment="test", admin_api_key=ADMIN_KEY), ADMIN_KEY)
    assert DEVELOPMENT_KEY_LABEL == "development-key"


def test_the_command_line_creates_the_first_administrator(fresh_database_url, monkeypatch):
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("SIGNPOST_NEW_PASSWORD", PASSWORD)
    assert cli(["create-administrator", "--email", "Lead@Council.example", "--name", "Information lead"]) == 0
    assert cli(["create-administrator", "--email", "lead@council.example", "--name", "Twice"]) == 1
    monkeypatch.setenv("SIGNPOST_NEW_PASSWORD", "short")
    assert cli(["create-administrator", "--email", "weak@council.example", "--name", "Weak"]) == 1
    with https_client(fresh_database_url) as site:
        session = sign_in(site, "lead@council.example").json()
        assert session["account"]["role"] == "administrator"
        made = site.post("/admin/accounts", headers={"X-CSRF-Token": session["csrf_token"]},
                         json={"email": "editor@council.example", "display_name": "Editor", "role": "editor"})
        assert made.status_code == 201
        assert audit(site)[0]["actor"] == "lead@council.example"


# Two API processes sharing Redis: failures counted by one lock the account on the other.

def _start_api(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the API exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    pytest.fail(f"the API did not start: {log.read_text()[-2000:]}")


def test_lock_out_is_shared_by_two_api_processes(fresh_database_url, redis_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("SIGNPOST_NEW_PASSWORD", PASSWORD)
    assert cli(["create-administrator", "--email", "lead@council.example", "--name", "Lead"]) == 0
    env = {**os.environ, "SIGNPOST_ENVIRONMENT": "test", "SIGNPOST_DATABASE_URL": fresh_database_url,
           "SIGNPOST_REDIS_URL": redis_url, "SIGNPOST_ADMIN_API_KEY": ADMIN_KEY,
           "SIGNPOST_SESSION_SECRET": "shared-session-secret-" + "s" * 20, "SIGNPOST_LOAD_SEED_ON_EMPTY": "false",
           "SIGNPOST_AUTH_FAILURES_PER_ACCOUNT": "4 per 15 minutes",
           "SIGNPOST_AUTH_FAILURES_PER_CLIENT": "100 per 15 minutes"}
    env.pop("SIGNPOST_NEW_PASSWORD", None)
    ports = [_free_port(), _free_port()]
    logs = [tmp_path / "api-a.log", tmp_path / "api-b.log"]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    processes = []
    try:
        # One after the other: on SQLite nothing stops two processes refreshing the vocabulary
        # at once at start-up (PostgreSQL takes an advisory lock, directory/migrate.py).
        for port, url, log in zip(ports, urls, logs):
            processes.append(_start_api(port, env, log))
            _wait_until_up(url, processes[-1], log)

        def attempt(url: str, password: str) -> httpx.Response:
            return httpx.post(f"{url}/auth/sign-in", json={"email": "lead@council.example", "password": password},
                              timeout=10)

        assert [attempt(urls[i % 2], "wrong password").status_code for i in range(4)] == [401] * 4
        for url in urls:  # two failures on each: neither process alone has seen four
            locked = attempt(url, PASSWORD)
            assert locked.status_code == 429, locked.text
            assert int(locked.headers["Retry-After"]) > 0
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def test_survivor_and_partner_pages_set_no_cookie_even_for_a_signed_in_member_of_staff(site):
    account(site, "viewer@council.example", "viewer")
    assert "set-cookie" in sign_in(site, "viewer@council.example").headers  # the one place that sets one
    for path in ("/demo", "/partner", "/widget/signpost.js", "/widget/signpost.css", "/widget/strings/en.json",
                 "/staff", "/signpost?postcode=CV11%204HL&category=sexual_violence", "/insights"):
        response = site.get(path)
        assert response.status_code == 200, path
        assert "set-cookie" not in response.headers, path
    started = site.post("/chat/sessions", json={})
    assert "set-cookie" not in started.headers
    signed_out = site.post("/auth/sign-out").headers["set-cookie"]
    assert signed_out.startswith(f'{SESSION_COOKIE}=""') and "max-age=0" in signed_out.lower()
