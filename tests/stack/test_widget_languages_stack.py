"""Whole conversations in other languages, through the widget, the real gateway, Rasa and
the action server: by buttons in Urdu (right to left) and in Polish, free text in Somali
answered in Somali, quick exit, and axe."""
from __future__ import annotations

import time
from pathlib import Path

import yaml
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, screenshot
from tests.stack.test_widget_stack import BBC, STUB_PAGE, TRACES, cards, tracker_key

LOCALES = Path(__file__).resolve().parents[2] / "locales"


def words(namespace: str, locale: str) -> dict:
    return yaml.safe_load((LOCALES / f"{namespace}.{locale}.yml").read_text(encoding="utf-8"))[locale]


def chat_in(page: Page, base: str, locale: str) -> dict:
    """The demo page, its chat opened in English, then switched with the language picker."""
    page.route(BBC, lambda route: route.fulfill(status=200, content_type="text/html", body=STUB_PAGE))
    page.goto(base + "/demo")
    page.get_by_role("button", name="Get support").click()
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("I'm Signpost", timeout=20000)
    page.get_by_label("Language").select_option(locale)
    page.get_by_role("button", name="Change language").click()
    chat = words("chat", locale)
    opening = chat["opening"].splitlines()[0]
    expect(page.get_by_role("log", name=words("widget", locale)["log_label"])).to_contain_text(opening, timeout=20000)
    return chat


def choose(page: Page, title: str) -> None:
    page.get_by_role("button", name=title, exact=True).click()


def test_a_whole_conversation_by_buttons_in_urdu_right_to_left(page: Page, stack):
    chat = chat_in(page, stack.api, "ur")
    buttons = chat["button"]
    panel = page.locator(".sp-panel")
    assert panel.evaluate("e => getComputedStyle(e).direction") == "rtl"
    choose(page, buttons["domestic_abuse"])
    expect(page.get_by_role("log")).to_contain_text(chat["ask"]["about_self"])
    choose(page, buttons["about_me"])
    choose(page, buttons["adult_self"])
    choose(page, buttons["neither"])
    # The demo page is in Warwickshire: the county's service, its number as published.
    refuge = cards(page).filter(has_text="Refuge - Warwickshire")
    expect(refuge.get_by_role("link", name=words("widget", "ur")["call_number"].replace("%{number}", "0800 408 1552")))\
        .to_have_attribute("href", "tel:08004081552")
    expect(page.get_by_role("log")).to_contain_text(chat["answer"]["more"])
    assert axe_violations(page) == []
    screenshot(page, "widget-conversation-urdu.png", full_page=False)

    key = tracker_key(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(BBC)
    deadline = time.monotonic() + 10
    while stack.redis_cli("exists", key) != "0":
        assert time.monotonic() < deadline, "the conversation is still in Redis"
        time.sleep(0.2)
    assert page.evaluate(TRACES) == {"session": [], "local": 0, "cookie": "", "databases": 0}


def test_a_whole_conversation_by_buttons_in_polish(page: Page, stack):
    chat = chat_in(page, stack.api, "pl")
    buttons = chat["button"]
    assert page.locator(".sp-panel").evaluate("e => getComputedStyle(e).direction") == "ltr"
    choose(page, buttons["sexual_violence"])
    choose(page, buttons["about_me"])
    choose(page, buttons["adult_self"])
    choose(page, buttons["neither"])
    expect(page.get_by_role("log")).to_contain_text(chat["ask"]["recent_assault"].split("?")[0])
    choose(page, buttons["recent_no"])
    rosa = cards(page).filter(has_text="RoSA")
    expect(rosa.get_by_role("link", name="01788 551 151")).to_have_attribute("href", "tel:01788551151")
    expect(page.get_by_role("button", name=buttons["ask_isva"])).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name=words("widget", "pl")["exit"]).first.click()
    page.wait_for_url(BBC)


def test_a_somali_question_it_cannot_answer_is_answered_in_somali_with_buttons_and_helplines(page: Page, stack):
    page.route(BBC, lambda route: route.fulfill(status=200, content_type="text/html", body=STUB_PAGE))
    page.goto(stack.api + "/demo")
    page.get_by_role("button", name="Get support").click()
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("I'm Signpost", timeout=20000)
    page.get_by_label("Type your message").fill("Fadlan ii sheeg waxa uu yahay IDVA iyo sida uu ii caawin karo")
    page.get_by_role("button", name="Send").click()
    somali = words("chat", "so")
    log = page.get_by_role("log")
    expect(log).to_contain_text(somali["other_language"]["intro"].split(".")[0])
    expect(cards(page).filter(has_text="National Domestic Abuse Helpline")).to_have_count(1)
    # The conversation goes on in Somali, by buttons.
    choose(page, somali["button"]["forced_marriage"])
    expect(page.get_by_role("button", name=somali["button"]["about_me"])).to_be_visible()
    # English typing still works as before.
    page.get_by_label("Type your message").fill("yes its me")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("button", name=somali["button"]["adult_self"])).to_be_visible()
