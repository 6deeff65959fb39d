"""The administrators' accounts page in a real browser, by keyboard: sign in, create an
account, change its role, revoke it; the error summary takes focus; axe finds nothing
(WCAG 2.2 AA); the session cookie is HttpOnly, Secure and SameSite=Strict."""
from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from api.auth import SESSION_COOKIE
from tests.api.identity_provider import person, running_identity_provider
from tests.browser.conftest import axe_violations, free_port, running_api

KEY = "browser-test-accounts-key-" + "k" * 16
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('accounts-db') / 'signpost.db'}"
    with running_api(database_url, SIGNPOST_ADMIN_API_KEY=KEY, SIGNPOST_LOAD_SEED_ON_EMPTY="false") as base:
        made = httpx.post(base + "/admin/accounts", headers={"X-API-Key": KEY},
                          json={"email": "lead@council.example", "display_name": "Lead Admin",
                                "role": "administrator", "password": PASSWORD})
        assert made.status_code == 201, made.text
        # localhost, not 127.0.0.1: the browser keeps a Secure __Host- cookie from a loopback
        # origin only under the name localhost.
        yield base.replace("127.0.0.1", "localhost")


def _focused(page: Page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.getAttribute('name') || ''")


def test_an_administrator_manages_accounts_by_keyboard(page: Page, accounts_server: str):
    page.goto(accounts_server + "/accounts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to manage accounts")
    assert axe_violations(page) == []
    assert page.context.cookies() == []  # the sign-in page sets nothing

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    assert _focused(page) == "email"
    page.keyboard.type("lead@council.example")
    page.keyboard.press("Tab")
    page.keyboard.type("not the password at all")
    page.keyboard.press("Enter")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert page.title().startswith("Error: ")

    page.fill("#password", PASSWORD)
    page.focus("#password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts")
    cookies = {c["name"]: c for c in page.context.cookies()}
    staff = cookies[SESSION_COOKIE]
    assert (staff["httpOnly"], staff["secure"], staff["sameSite"]) == (True, True, "Strict")
    assert axe_violations(page) == []

    # A mistake: the summary takes focus and links to the field.
    page.focus("#email")
    page.keyboard.type("not an email")
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Enter an email address").press("Enter")
    expect(page.locator("#email")).to_be_focused()
    assert axe_violations(page) == []

    page.fill("#email", "new.editor@council.example")
    page.fill("#display_name", "New Editor")
    page.select_option("#role", "editor")
    page.fill("#password", PASSWORD)
    page.focus("#password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Account created for new.editor@council.example.")
    row = page.get_by_role("row", name="New Editor")
    expect(row).to_contain_text("editor")

    role = row.get_by_role("combobox", name="New role for new.editor@council.example")
    role.select_option("assurer")
    row.get_by_role("button", name="Change role").press("Enter")
    expect(page.get_by_role("status")).to_have_text("new.editor@council.example is now assurer.")

    page.get_by_role("button", name="Revoke new.editor@council.example").press("Enter")
    expect(page.get_by_role("status")).to_have_text("new.editor@council.example is revoked and cannot sign in.")
    expect(page.get_by_role("row", name="New Editor")).to_contain_text("Revoked")
    assert axe_violations(page) == []

    # An API token for another system: shown once, in a read-only field, then revocable.
    page.fill("#token_name", "Prometheus scraper")
    page.select_option("#token_role", "viewer")
    page.get_by_role("button", name="Issue token").press("Enter")
    secret = page.get_by_label("The token", exact=True)
    expect(secret).to_have_value(re.compile(r"^sp_[0-9a-f]{16}\."))
    assert httpx.get(accounts_server + "/metrics",
                     headers={"Authorization": f"Bearer {secret.input_value()}"}).status_code == 200
    assert axe_violations(page) == []
    page.get_by_role("button", name="Revoke the token Prometheus scraper").press("Enter")
    expect(page.get_by_role("status")).to_have_text("The token “Prometheus scraper” is revoked and no longer works.")
    assert page.get_by_label("The token", exact=True).count() == 0

    trail = httpx.get(accounts_server + "/admin/audit?per_page=100", headers={"X-API-Key": KEY}).json()["contents"]
    mine = {(e["action"], e["actor"]) for e in trail if e["entity_type"] == "account"}
    assert {("account_create", "lead@council.example"), ("role_change", "lead@council.example"),
            ("account_revoke", "lead@council.example")} <= mine

    page.get_by_role("button", name="Sign out").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to manage accounts")
    assert SESSION_COOKIE not in {c["name"] for c in page.context.cookies()}


@pytest.fixture(scope="module")
def organisation_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The API with OpenID sign-in, and a real provider on another site (127.0.0.1 against
    localhost), so the browser treats the provider's redirect back as cross-site."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('oidc-db') / 'signpost.db'}"
    with running_identity_provider() as issuer:
        port = free_port()
        base = f"http://localhost:{port}"
        with running_api(database_url, port=port, SIGNPOST_ADMIN_API_KEY=KEY, SIGNPOST_LOAD_SEED_ON_EMPTY="false",
                         SIGNPOST_OIDC_ISSUER=issuer, SIGNPOST_OIDC_CLIENT_ID="signpost",
                         SIGNPOST_OIDC_CLIENT_SECRET="a client secret the provider accepts",
                         SIGNPOST_OIDC_PROVIDER_NAME="Warwickshire County Council",
                         SIGNPOST_PUBLIC_BASE_URL=base):
            made = httpx.post(base + "/admin/accounts", headers={"X-API-Key": KEY},
                              json={"email": "lead@warwickshire.example", "display_name": "Lead Admin",
                                    "role": "administrator"})
            assert made.status_code == 201, made.text
            person(issuer, "entra-object-id-1", email="lead@warwickshire.example")
            yield base, issuer


def test_an_invited_administrator_signs_in_with_the_organisation_in_a_real_browser(page: Page, organisation_server):
    base, issuer = organisation_server
    page.goto(base + "/accounts")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Sign in with Warwickshire County Council").click()
    page.wait_for_url(issuer + "/**")
    page.get_by_placeholder("sub").fill("entra-object-id-1")
    page.get_by_role("button", name="Authorize").click()
    # The callback sets the Strict session, then moves on from Signpost itself, so the
    # accounts page arrives signed in: a plain redirect would arrive without the cookie.
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts")
    assert page.url == base + "/accounts"
    expect(page.get_by_text("Signed in as lead@warwickshire.example")).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert set(cookies) == {SESSION_COOKIE}  # the sign-in's own state cookie is gone
    staff = cookies[SESSION_COOKIE]
    assert (staff["httpOnly"], staff["secure"], staff["sameSite"]) == (True, True, "Strict")
    assert axe_violations(page) == []
