"""Security headers on every route the application serves, and on every kind of error.

Every answer: a Content-Security-Policy with frame-ancestors, X-Content-Type-Options nosniff
and Referrer-Policy no-referrer (so a partner's page never learns which page of ours a person
came from, and our pages never tell a partner). Pages may be framed only by the configured
partner origins (the demo and partner pages) or not at all (everything else)."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.api.app_routes import every_route
from tests.api.conftest import ADMIN_KEY, make_client

PARTNER = "https://partner.example"
ADMIN = {"X-API-Key": ADMIN_KEY, "X-Signpost-Actor": "headers@council.example"}
FRAMEABLE_BY_PARTNERS = {"/demo", "/partner"}


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    url = f"sqlite:///{tmp_path_factory.mktemp('headers') / 'headers.db'}"
    # No assistant listens at this address: the chat answers with its fallback.
    with make_client(url, partner_origins=[PARTNER], rasa_url="http://127.0.0.1:9", chat_timeout_seconds=1,
                     chat_rate_limit_client="3/minute") as client:
        yield client


def assert_secure(response, path: str) -> None:
    headers = response.headers
    where = f"{response.request.method} {path} -> {response.status_code}"
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "no-referrer", where
    csp = headers.get("content-security-policy", "")
    ancestors = re.search(r"frame-ancestors ([^;]+)", csp)
    assert ancestors, (where, csp)
    if path in FRAMEABLE_BY_PARTNERS and response.status_code == 200:
        assert ancestors.group(1).split() == ["'self'", PARTNER], where
        assert "x-frame-options" not in headers, where  # it would contradict frame-ancestors
    else:
        assert ancestors.group(1).strip() == "'none'", (where, csp)
        assert headers.get("x-frame-options") == "DENY", where
    assert "unsafe-inline" not in csp.split("script-src")[-1].split(";")[0] or "script-src" not in csp, where
    if not path.startswith("/auth/"):  # staff sign-in and sign-out alone set the session cookie
        assert "set-cookie" not in headers, where


def _concrete(path: str, service_id: str) -> str:
    return (path.replace("{id}", service_id).replace("{session_id}", "A" * 43)
            .replace("{path:path}", "staff.css").replace("/static", "/static/staff.css", 1 if path == "/static" else 0))


def test_every_route_sends_the_headers(app_client):
    service_id = app_client.get("/services").json()["contents"][0]["id"]
    seen = set()
    for methods, path, _route in every_route(app_client.app.routes):
        for method in sorted(methods - {"HEAD"}):
            concrete = _concrete(path, service_id)
            body = {} if method in ("POST", "PUT") else None
            response = app_client.request(method, concrete, json=body, headers=ADMIN if "/admin/" in path else {})
            assert response.status_code < 500, (method, concrete, response.status_code)
            assert_secure(response, path)
            seen.add((method, path))
    # The walk reached the public API, the pages, the widget's files, the admin API and the chat.
    assert {("GET", "/services"), ("GET", "/staff"), ("GET", "/demo"), ("GET", "/widget/signpost.js"),
            ("POST", "/admin/services"), ("POST", "/chat/sessions"), ("GET", "/static")} <= seen, seen


@pytest.mark.parametrize("method, path, kwargs, status", [
    ("GET", "/no-such-page", {}, 404),
    ("GET", "/services/no-such-id", {}, 404),
    ("DELETE", "/services", {}, 405),
    ("GET", "/services", {"params": {"per_page": "many"}}, 422),
    ("POST", "/admin/services", {"json": {"name": 1}, "headers": ADMIN}, 422),
    ("GET", "/admin/audit", {}, 401),
    ("POST", "/admin/services", {"content": b"{" + b" " * 70_000 + b"}",
                                 "headers": {**ADMIN, "content-type": "application/json"}}, 413),
    ("GET", "/services", {"params": {"search": "x" * 3000}}, 414),
    ("GET", "/services?search=a%00b", {}, 400),
    ("POST", "/chat/sessions", {"json": {}, "headers": {"Origin": "https://evil.example"}}, 403),
    ("OPTIONS", "/chat/sessions", {"headers": {"Origin": PARTNER, "Access-Control-Request-Method": "POST"}}, 204),
    ("OPTIONS", "/services", {"headers": {"Origin": PARTNER, "Access-Control-Request-Method": "GET"}}, 204),
    ("GET", "/static/no-such-file.css", {}, 404),
])
def test_error_and_preflight_answers_send_the_headers(app_client, method, path, kwargs, status):
    response = app_client.request(method, path, **kwargs)
    assert response.status_code == status
    assert_secure(response, path)


def test_too_many_requests_sends_the_headers(app_client):
    statuses = []
    for _ in range(5):
        response = app_client.post("/chat/sessions", json={})
        statuses.append(response.status_code)
        assert_secure(response, "/chat/sessions")
    assert 429 in statuses


def test_pages_allow_only_their_own_scripts_and_styles(app_client):
    for path in ("/staff", "/demo", "/partner"):
        csp = app_client.get(path).headers["content-security-policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if " " in part.strip())
        assert directives["default-src"] == "'none'"
        assert directives["script-src"] == "'self'" and directives["base-uri"] == "'none'"
        assert "unsafe" not in csp and "*" not in csp
