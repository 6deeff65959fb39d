"""Staff sign-in with the organisation's account (OpenID Connect; api/oidc.py, docs/accounts.md),
against a real OpenID provider the tests start in its own process on this machine
(tests/api/identity_provider.py). No network, nothing mocked in Signpost: the API fetches the provider's discovery document and keys and exchanges the code
over HTTP exactly as it would with Microsoft Entra ID."""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.auth import SESSION_COOKIE
from api.oidc import STATE_COOKIE
from api.settings import Settings
from tests.api.identity_provider import person, running_identity_provider
from tests.api.test_accounts import DEV, account, audit, https_client

CLIENT = {"oidc_client_id": "signpost", "oidc_client_secret": "a client secret the provider accepts"}


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with running_identity_provider() as issuer:
        yield issuer


@pytest.fixture
def site(fresh_database_url, provider) -> Iterator[TestClient]:
    with https_client(fresh_database_url, oidc_issuer=provider, public_base_url="https://testserver",
                      oidc_provider_name="Warwickshire County Council", **CLIENT) as client:
        yield client


def to_provider(site: TestClient) -> httpx.Response:
    site.cookies.clear()
    started = site.get("/auth/oidc/sign-in", follow_redirects=False)
    assert started.status_code == 302, started.text
    return started


def at_provider(started: httpx.Response, sub: str, action: str = "authorize") -> str:
    """The person signs in at their provider; the address it sends them back to."""
    answer = httpx.post(started.headers["location"], data={"sub": sub, "action": action})
    assert answer.status_code in (302, 303), answer.text
    back = answer.headers["location"]
    assert back.startswith("https://testserver/auth/oidc/callback?")
    return back


def sign_in_as(site: TestClient, provider: str, sub: str) -> httpx.Response:
    back = at_provider(to_provider(site), sub)
    return site.get(back.removeprefix("https://testserver"), follow_redirects=False)


def staff_cookie(response: httpx.Response) -> str | None:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{SESSION_COOKIE}=") and "Max-Age=0" not in header:
            return header
    return None


def test_the_sign_in_page_offers_the_organisation_and_starts_with_pkce_state_and_nonce(site, provider):
    page = site.get("/accounts")
    assert 'href="/auth/oidc/sign-in"' in page.text and "Sign in with Warwickshire County Council" in page.text
    started = to_provider(site)
    target = urlsplit(started.headers["location"])
    asked = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}" == provider
    assert asked["response_type"] == ["code"] and asked["client_id"] == ["signpost"]
    assert asked["redirect_uri"] == ["https://testserver/auth/oidc/callback"]
    assert asked["code_challenge_method"] == ["S256"] and asked["state"][0] and asked["nonce"][0]
    assert set(asked["scope"][0].split()) == {"openid", "email", "profile"}
    # The state waits in a short-lived cookie only the two OpenID routes see; Lax so the
    # provider's redirect back brings it. No staff session yet.
    (state,) = started.headers.get_list("set-cookie")
    assert state.startswith(f"{STATE_COOKIE}=") and "Path=/auth/oidc/" in state and "Max-Age=600" in state
    assert "HttpOnly" in state and "Secure" in state and "SameSite=lax" in state
    assert started.headers["cache-control"] == "no-store"


def test_an_invited_administrator_signs_in_with_the_provider_and_the_audit_names_them(site, provider):
    account(site, "lead@warwickshire.example", "administrator")
    person(provider, "entra-object-id-1", email="Lead@Warwickshire.example", name="Lead")
    landed = sign_in_as(site, provider, "entra-object-id-1")
    assert landed.status_code == 200, landed.text
    cookie = staff_cookie(landed)
    assert cookie and "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie
    assert "Path=/" in cookie
    # The Strict cookie is not sent on a navigation that began at the provider, so the page
    # moves on by itself from Signpost, with a link for anyone whose browser does not.
    assert '<meta http-equiv="refresh" content="0; url=/accounts">' in landed.text
    assert 'href="/accounts"' in landed.text and "lead@warwickshire.example" in landed.text
    assert any(h.startswith(f"{STATE_COOKIE}=") and "Max-Age=0" in h for h in landed.headers.get_list("set-cookie"))
    page = site.get("/accounts")
    assert page.status_code == 200 and 'name="csrf"' in page.text and "lead@warwickshire.example" in page.text
    entries = {(e["action"], e["actor"]) for e in audit(site)}
    assert {("oidc_bind", "lead@warwickshire.example"), ("sign_in", "lead@warwickshire.example")} <= entries
    # The session works for the JSON routes too, as the administrator, not as a shared key.
    assert site.get("/admin/accounts").status_code == 200


def test_a_viewer_lands_on_the_insights_and_reads_them_with_the_session(site, provider):
    account(site, "analyst@warwickshire.example", "viewer")
    person(provider, "entra-object-id-2", email="analyst@warwickshire.example")
    landed = sign_in_as(site, provider, "entra-object-id-2")
    assert '<meta http-equiv="refresh" content="0; url=/insights">' in landed.text
    insights = site.get("/insights")
    assert insights.status_code == 200 and "<h1" in insights.text
    assert 'name="key"' not in insights.text  # the session, not a token, signs the page's forms
    assert site.get("/admin/accounts").status_code == 403


def test_an_editor_signed_in_is_told_the_accounts_page_is_not_theirs_and_can_sign_out(site, provider):
    account(site, "editor@warwickshire.example", "editor")
    person(provider, "entra-object-id-3", email="editor@warwickshire.example")
    sign_in_as(site, provider, "entra-object-id-3")
    page = site.get("/accounts")
    assert page.status_code == 403 and "does not allow managing accounts" in page.text
    assert 'action="/auth/sign-out/form"' in page.text and 'name="password"' not in page.text


def test_no_account_is_created_by_signing_in(site, provider):
    person(provider, "entra-object-id-4", email="stranger@elsewhere.example")
    refused = sign_in_as(site, provider, "entra-object-id-4")
    assert refused.status_code == 403 and staff_cookie(refused) is None
    assert "there is no Signpost account for you" in refused.text and "<title>Error: " in refused.text
    emails = {a["email"] for a in site.get("/admin/accounts", headers=DEV).json()["contents"]}
    assert "stranger@elsewhere.example" not in emails
    assert ("sign_in_failed", "anonymous") in {(e["action"], e["actor"]) for e in audit(site)}


def test_once_bound_only_that_subject_signs_in_as_the_account(site, provider):
    account(site, "idva.lead@warwickshire.example", "administrator")
    person(provider, "entra-object-id-5", email="idva.lead@warwickshire.example")
    assert staff_cookie(sign_in_as(site, provider, "entra-object-id-5"))
    # Someone else at the provider who comes to show the same email cannot take the account over...
    person(provider, "entra-object-id-6", email="idva.lead@warwickshire.example")
    taken = sign_in_as(site, provider, "entra-object-id-6")
    assert taken.status_code == 403 and staff_cookie(taken) is None
    # ...while the bound person still signs in after their email changes (a married name).
    person(provider, "entra-object-id-5", email="idva.newname@warwickshire.example")
    again = sign_in_as(site, provider, "entra-object-id-5")
    assert staff_cookie(again) and "idva.lead@warwickshire.example" in again.text


def test_an_unverified_email_does_not_bind_an_invited_account(site, provider):
    account(site, "assurer@warwickshire.example", "assurer")
    person(provider, "entra-object-id-7", email="assurer@warwickshire.example", email_verified=False)
    refused = sign_in_as(site, provider, "entra-object-id-7")
    assert refused.status_code == 403 and staff_cookie(refused) is None


def test_a_revoked_account_cannot_sign_in_with_the_provider(site, provider):
    account_id = account(site, "former@warwickshire.example", "editor")
    person(provider, "entra-object-id-8", email="former@warwickshire.example")
    assert staff_cookie(sign_in_as(site, provider, "entra-object-id-8"))
    assert site.patch(f"/admin/accounts/{account_id}", json={"active": False}, headers=DEV).status_code == 200
    refused = sign_in_as(site, provider, "entra-object-id-8")
    assert refused.status_code == 403 and staff_cookie(refused) is None and "revoked" in refused.text


def test_declining_at_the_provider_is_a_kind_message_not_a_failure(site, provider):
    back = at_provider(to_provider(site), "entra-object-id-9", action="deny")
    cancelled = site.get(back.removeprefix("https://testserver"), follow_redirects=False)
    assert cancelled.status_code == 400 and "was cancelled" in cancelled.text and staff_cookie(cancelled) is None


def test_a_callback_without_its_state_cookie_is_refused(site, provider):
    account(site, "lead@warwickshire.example", "administrator")
    person(provider, "entra-object-id-10", email="lead@warwickshire.example")
    back = at_provider(to_provider(site), "entra-object-id-10")
    # The code arrives in another browser (a link sent to someone, a forged request).
    site.cookies.clear()
    refused = site.get(back.removeprefix("https://testserver"), follow_redirects=False)
    assert refused.status_code == 400 and staff_cookie(refused) is None and "took too long" in refused.text


def test_a_callback_with_another_sign_ins_state_is_refused(site, provider):
    account(site, "lead@warwickshire.example", "administrator")
    person(provider, "entra-object-id-11", email="lead@warwickshire.example")
    first = to_provider(site)
    state_cookie = site.cookies.get(STATE_COOKIE)
    back = at_provider(first, "entra-object-id-11")
    tampered = re.sub(r"state=[^&]+", "state=not-the-state-this-browser-started", back)
    refused = site.get(tampered.removeprefix("https://testserver"), follow_redirects=False,
                       cookies={STATE_COOKIE: state_cookie})
    assert refused.status_code == 400 and staff_cookie(refused) is None
    assert "did not complete" in refused.text


def test_a_used_code_cannot_sign_in_twice(site, provider):
    account(site, "lead@warwickshire.example", "administrator")
    person(provider, "entra-object-id-12", email="lead@warwickshire.example")
    started = to_provider(site)
    state_cookie = site.cookies.get(STATE_COOKIE)
    back = at_provider(started, "entra-object-id-12").removeprefix("https://testserver")
    assert staff_cookie(site.get(back, follow_redirects=False))
    site.cookies.clear()
    replayed = site.get(back, follow_redirects=False, cookies={STATE_COOKIE: state_cookie})
    assert replayed.status_code == 400 and staff_cookie(replayed) is None


def test_repeated_forged_callbacks_lock_the_client_out(fresh_database_url, provider):
    with https_client(fresh_database_url, oidc_issuer=provider, public_base_url="https://testserver",
                      auth_failures_per_client="3 per 15 minutes", **CLIENT) as site:
        for _ in range(3):
            started = to_provider(site)
            forged = site.get("/auth/oidc/callback?code=guessed&state=guessed", follow_redirects=False,
                              cookies={STATE_COOKIE: site.cookies.get(STATE_COOKIE)})
            assert forged.status_code == 400
        locked = site.get("/auth/oidc/sign-in", follow_redirects=False)
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
        assert started.status_code == 302


def test_a_provider_that_cannot_be_reached_is_a_message_not_an_error(fresh_database_url):
    with https_client(fresh_database_url, oidc_issuer="http://127.0.0.1:9", **CLIENT) as site:
        page = site.get("/auth/oidc/sign-in", follow_redirects=False)
        assert page.status_code == 503 and "cannot be reached" in page.text
        assert staff_cookie(page) is None and 'name="password"' in page.text


def test_without_an_issuer_there_is_no_organisation_sign_in(fresh_database_url):
    with https_client(fresh_database_url) as site:
        assert "/auth/oidc/sign-in" not in site.get("/accounts").text
        assert site.get("/auth/oidc/sign-in", follow_redirects=False).status_code == 404
        assert site.get("/auth/oidc/callback?code=x&state=y", follow_redirects=False).status_code == 404


def test_settings_need_the_client_and_https_in_production():
    with pytest.raises(ValidationError, match="SIGNPOST_OIDC_CLIENT_ID"):
        Settings(environment="test", oidc_issuer="https://login.microsoftonline.com/tenant/v2.0")
    with pytest.raises(ValidationError, match="https address in production"):
        Settings(environment="production", database_url="postgresql+psycopg://db/signpost",
                 channel_token="c" * 40, session_secret="s" * 40,
                 oidc_issuer="http://login.example/tenant", **CLIENT)


def test_empty_variables_leave_it_off_as_compose_and_the_config_map_pass_them():
    settings = Settings(environment="test", oidc_issuer="", oidc_client_id="", oidc_client_secret="")
    assert settings.oidc_issuer is None and settings.oidc_client_secret is None
