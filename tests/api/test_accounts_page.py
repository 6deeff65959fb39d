"""The administrators' accounts page (docs/accounts.md): sign-in by form, a Strict session
cookie, CSRF on every change, only administrators, and the audit naming who signed in."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.auth import SESSION_COOKIE
from tests.api.test_accounts import DEV, PASSWORD, account, audit, https_client


@pytest.fixture
def site(fresh_database_url) -> Iterator[TestClient]:
    with https_client(fresh_database_url) as test_client:
        yield test_client


def form_sign_in(client: TestClient, email: str, password: str = PASSWORD):
    client.cookies.clear()
    return client.post("/auth/sign-in/form", data={"email": email, "password": password}, follow_redirects=False)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def signed_in_admin(client: TestClient, email: str = "lead@council.example") -> str:
    account(client, email, "administrator")
    assert form_sign_in(client, email).status_code == 303
    page = client.get("/accounts")
    assert page.status_code == 200
    return csrf_of(page.text)


def accounts_by_email(client: TestClient) -> dict[str, dict]:
    return {a["email"]: a for a in client.get("/admin/accounts?per_page=100", headers=DEV).json()["contents"]}


def test_without_a_session_the_page_asks_to_sign_in_and_sets_no_cookie(site):
    page = site.get("/accounts")
    assert page.status_code == 200 and 'action="/auth/sign-in/form"' in page.text
    assert '<label for="email">' in page.text and '<label for="password">' in page.text
    assert "set-cookie" not in page.headers and page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_a_wrong_password_is_an_error_summary_and_no_cookie(site):
    account(site, "lead@council.example", "administrator")
    refused = form_sign_in(site, "lead@council.example", "not the password at all")
    assert refused.status_code == 401 and "set-cookie" not in refused.headers
    assert "data-error-summary" in refused.text and 'href="#email"' in refused.text
    assert "<title>Error: " in refused.text
    assert "not the password at all" not in refused.text
    assert ("sign_in_failed", "lead@council.example") in {(e["action"], e["actor"]) for e in audit(site)}


def test_signing_in_sets_a_strict_session_cookie_and_shows_the_accounts(site):
    account(site, "lead@council.example", "administrator")
    account(site, "editor@council.example", "editor")
    signed_in = form_sign_in(site, "lead@council.example")
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/accounts"
    cookie = signed_in.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert flag.lower() in cookie.lower(), flag
    page = site.get("/accounts")
    assert page.status_code == 200 and "editor@council.example" in page.text
    assert "Signed in as lead@council.example" in page.text
    # No change form for one's own account: another administrator must do that.
    own_id = accounts_by_email(site)["lead@council.example"]["id"]
    assert f'action="/accounts/{own_id}"' not in page.text


def test_an_administrator_creates_changes_revokes_and_restores_audited_by_name(site):
    csrf = signed_in_admin(site)
    created = site.post("/accounts", follow_redirects=False, headers={"X-Signpost-Actor": "someone.else"},
                        data={"csrf": csrf, "email": "New.Person@council.example", "display_name": "New Person",
                              "role": "editor", "password": PASSWORD})
    assert created.status_code == 303
    shown = site.get(created.headers["location"])
    assert "Account created for new.person@council.example." in shown.text and 'role="status"' in shown.text
    person = accounts_by_email(site)["new.person@council.example"]
    assert (person["role"], person["active"], person["created_by"]) == ("editor", True, "lead@council.example")

    url = f"/accounts/{person['id']}"
    assert site.post(url, data={"csrf": csrf, "action": "role", "role": "assurer"},
                     follow_redirects=False).status_code == 303
    assert accounts_by_email(site)["new.person@council.example"]["role"] == "assurer"
    revoked = site.post(url, data={"csrf": csrf, "action": "revoke", "role": "assurer"})
    assert "new.person@council.example is revoked" in revoked.text
    assert accounts_by_email(site)["new.person@council.example"]["active"] is False
    assert site.post(url, data={"csrf": csrf, "action": "restore", "role": "assurer"},
                     follow_redirects=False).status_code == 303
    assert accounts_by_email(site)["new.person@council.example"]["active"] is True

    trail = [(e["action"], e["actor"]) for e in audit(site) if e["entity_type"] == "account"
             and e["entity_id"] == person["id"]]
    assert sorted(trail) == sorted([("account_create", "lead@council.example"), ("role_change", "lead@council.example"),
                                    ("account_revoke", "lead@council.example"),
                                    ("account_restore", "lead@council.example")])


def test_every_change_needs_the_sessions_csrf_token(site):
    csrf = signed_in_admin(site)
    target = account(site, "editor@council.example", "editor")
    new = {"email": "x.person@council.example", "display_name": "X", "role": "viewer"}
    for form in ({}, {"csrf": ""}, {"csrf": csrf[:-1] + ("A" if csrf[-1] != "A" else "B")}):
        refused = site.post("/accounts", data={**new, **form})
        assert refused.status_code == 403 and "data-error-summary" in refused.text
        assert site.post(f"/accounts/{target}", data={**form, "action": "revoke"}).status_code == 403
    assert "x.person@council.example" not in accounts_by_email(site)
    assert accounts_by_email(site)["editor@council.example"]["active"] is True


def test_mistakes_in_the_create_form_are_listed_and_linked_to_their_fields(site):
    csrf = signed_in_admin(site)
    answer = site.post("/accounts", data={"csrf": csrf, "email": "not an email", "display_name": "",
                                          "role": "viewer", "password": "short"})
    assert answer.status_code == 400 and "data-error-summary" in answer.text
    for field in ("email", "display_name", "password"):
        assert f'href="#{field}"' in answer.text, field
        assert f'aria-describedby="{field}-error" aria-invalid="true"' in answer.text or \
            f'aria-describedby="{field}-hint {field}-error" aria-invalid="true"' in answer.text, field
    assert 'value="not an email"' in answer.text and "short" not in re.findall(r'value="([^"]*)"', answer.text)
    taken = site.post("/accounts", data={"csrf": csrf, "email": "lead@council.example", "display_name": "Again",
                                         "role": "viewer"})
    assert taken.status_code == 400 and "An account with that email already exists." in taken.text


def test_an_administrator_cannot_change_their_own_account_here_either(site):
    csrf = signed_in_admin(site)
    own_id = accounts_by_email(site)["lead@council.example"]["id"]
    refused = site.post(f"/accounts/{own_id}", data={"csrf": csrf, "action": "role", "role": "viewer"})
    assert refused.status_code == 409 and "Another administrator must" in refused.text
    assert accounts_by_email(site)["lead@council.example"]["role"] == "administrator"


def test_other_roles_tokens_and_the_development_key_cannot_use_the_page(site):
    account(site, "editor@council.example", "editor")
    assert form_sign_in(site, "editor@council.example").status_code == 303
    page = site.get("/accounts")
    assert page.status_code == 403 and "Your role does not allow managing accounts" in page.text
    # Even with the editor's own, valid CSRF token (from the JSON sign-in), nothing is created.
    editor_csrf = site.post("/auth/sign-in", json={"email": "editor@council.example",
                                                   "password": PASSWORD}).json()["csrf_token"]
    created = site.post("/accounts", data={"csrf": editor_csrf, "email": "x@council.example", "display_name": "X",
                                           "role": "administrator"})
    assert created.status_code == 403
    editor_id = accounts_by_email(site)["editor@council.example"]["id"]
    assert site.post(f"/accounts/{editor_id}", data={"csrf": editor_csrf, "action": "role",
                                                     "role": "administrator"}).status_code == 403
    assert accounts_by_email(site)["editor@council.example"]["role"] == "editor"
    site.cookies.clear()
    for headers in (DEV, {"Authorization": "Bearer " + site.post(
            "/admin/tokens", json={"name": "admin script", "role": "administrator"}, headers=DEV).json()["token"]}):
        assert 'action="/auth/sign-in/form"' in site.get("/accounts", headers=headers).text
        assert site.post("/accounts", headers=headers, data={"csrf": "x", "email": "y@council.example",
                                                              "display_name": "Y", "role": "viewer"}).status_code == 401
    assert "x@council.example" not in accounts_by_email(site) and "y@council.example" not in accounts_by_email(site)


def test_a_revoked_administrators_session_ends_at_once(site):
    csrf = signed_in_admin(site)
    cookie = site.cookies.get(SESSION_COOKIE)
    other = account(site, "second@council.example", "administrator")
    assert site.post(f"/accounts/{other}", data={"csrf": csrf, "action": "revoke"},
                     follow_redirects=False).status_code == 303
    site.cookies.clear()
    assert form_sign_in(site, "second@council.example").status_code == 401
    site.cookies.set(SESSION_COOKIE, cookie)
    assert site.get("/accounts").status_code == 200  # the first administrator is still signed in


def test_signing_out_needs_the_csrf_token_and_clears_the_cookie(site):
    csrf = signed_in_admin(site)
    assert site.post("/auth/sign-out/form", data={"csrf": "wrong"}).status_code == 403
    assert "Signed in as" in site.get("/accounts").text
    out = site.post("/auth/sign-out/form", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303 and f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]
    assert 'action="/auth/sign-in/form"' in site.get("/accounts").text


def test_a_viewer_signed_in_with_a_password_reads_the_insights_with_the_session(site):
    account(site, "analyst@council.example", "viewer")
    landed = form_sign_in(site, "analyst@council.example")
    assert landed.status_code == 303 and landed.headers["location"] == "/insights"
    figures = site.get("/insights")
    assert figures.status_code == 200 and "What people needed" in figures.text
    assert 'name="key"' not in figures.text and "analyst@council.example" in figures.text
    csrf = csrf_of(figures.text)
    download = site.post("/insights", data={"csrf": csrf, "format": "csv"})
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    # Another site cannot make the signed-in viewer's browser fetch the figures: no CSRF token, no figures.
    forged = site.post("/insights", data={"csrf": "a guess", "format": "csv"})
    assert forged.status_code == 403 and "What people needed" not in forged.text
    # Signed out, the page asks to sign in again.
    assert site.post("/auth/sign-out/form", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    site.cookies.clear()
    assert "What people needed" not in site.get("/insights").text


def test_an_editors_session_does_not_open_the_insights(site):
    account(site, "editor@council.example", "editor")
    assert form_sign_in(site, "editor@council.example").headers["location"] == "/accounts"
    page = site.get("/insights")
    assert page.status_code == 200 and "What people needed" not in page.text and 'name="key"' in page.text


def test_an_administrator_issues_a_token_on_the_page_sees_it_once_and_revokes_it(site):
    csrf = signed_in_admin(site)
    issued = site.post("/accounts/tokens", data={"csrf": csrf, "token_name": "Prometheus scraper",
                                                 "token_role": "viewer"})
    assert issued.status_code == 201 and issued.headers["cache-control"] == "no-store"
    secret = re.search(r'id="new-token" class="token-secret" value="(sp_[^"]+)"', issued.text).group(1)
    assert site.get("/metrics", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listed = site.get("/accounts").text
    assert "Prometheus scraper" in listed and secret not in listed  # shown once, never again
    token_id = re.search(r'action="/accounts/tokens/([0-9a-f]+)/revoke"', listed).group(1)
    revoked = site.post(f"/accounts/tokens/{token_id}/revoke", data={"csrf": csrf}, follow_redirects=False)
    assert revoked.status_code == 303 and revoked.headers["location"].endswith("#tokens")
    assert "is revoked and no longer works" in site.get(revoked.headers["location"]).text
    assert site.get("/metrics", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    actions = {(e["action"], e["actor"]) for e in audit(site)}
    assert {("token_create", "lead@council.example"), ("token_revoke", "lead@council.example")} <= actions


def test_issuing_a_token_needs_the_csrf_token_and_a_good_name(site):
    csrf = signed_in_admin(site)
    forged = site.post("/accounts/tokens", data={"csrf": "a guess", "token_name": "x", "token_role": "editor"})
    assert forged.status_code == 403 and "sp_" not in forged.text
    bad = site.post("/accounts/tokens", data={"csrf": csrf, "token_name": "<script>", "token_role": "owner"})
    assert bad.status_code == 400 and 'href="#token_name"' in bad.text and 'href="#token_role"' in bad.text
    assert "sp_" not in bad.text
    assert site.get("/admin/tokens", headers=DEV).json()["contents"] == []
