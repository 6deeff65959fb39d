"""A refuge in the staff finder and on a printed referral card, as a frontline worker sees
them in Chromium: the front door (a phone line) is there, the address is nowhere on the
page, on screen or in print."""
from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.api.refuge_feed import SECRETS, refuge_feed
from tests.browser.conftest import axe_violations, running_api

KEY = "browser-confidential-key-" + "x" * 32


@pytest.fixture(scope="module")
def refuge_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('confidential-db') / 'signpost.db'}"
    with running_api(database_url, SIGNPOST_ADMIN_API_KEY=KEY) as base:
        imported = httpx.post(base + "/admin/import", json=refuge_feed(), timeout=60,
                              headers={"X-API-Key": KEY, "X-Signpost-Actor": "data-team@warwickshire.example"})
        assert imported.status_code == 200 and imported.json()["withheld"], imported.text
        yield base


def _assert_no_address(text: str, where: str) -> None:
    flat = re.sub(r"\s+", " ", text).casefold()
    found = [secret for secret in SECRETS if re.sub(r"\s+", " ", secret).casefold() in flat]
    assert not found, f"{where} shows {found}"


def test_a_refuge_on_the_finder_and_the_printed_card_shows_its_phone_not_its_address(page: Page, refuge_server: str):
    page.goto(refuge_server + "/staff")
    page.get_by_label("Or a postcode or town").fill("CV11 6BU")
    page.get_by_label("Kind of abuse").select_option("domestic_abuse")
    page.get_by_label("Kind of help").select_option("safe_accommodation")
    page.get_by_role("button", name="Find services").click()
    names = page.locator("article.service .service-name").all_inner_texts()
    assert {"Amber House Refuge", "Rugby Safe House", "Willow Project"} <= set(names)
    _assert_no_address(page.locator("body").inner_text(), "the finder")
    amber = page.locator("article.service", has_text="Amber House Refuge")
    expect(amber.get_by_role("link", name="0800 408 1552")).to_have_attribute("href", "tel:08004081552")
    assert axe_violations(page) == []

    for name in ("Amber House Refuge", "Rugby Safe House", "Willow Project"):
        page.get_by_role("checkbox", name=f"Add to referral card {name}").check()
    page.get_by_role("button", name="Make a referral card").click()
    expect(page.get_by_role("heading", level=1, name="Support you can contact")).to_be_visible()
    card = page.locator("body").inner_text()
    assert "Call 0800 408 1552 and ask for the Willow Project." in card
    _assert_no_address(card, "the card")
    page.emulate_media(media="print")
    _assert_no_address(page.locator("body").inner_text(), "the printed card")
    _assert_no_address(page.content(), "the card's markup")
