"""The widget on the demo page, talking to the real gateway, Rasa and the action server."""
from __future__ import annotations

import time

from playwright.sync_api import Page, expect

from api.chat.sessions import conversation_key
from api.settings import DEVELOPMENT_SESSION_SECRET
from tests.browser.conftest import axe_violations, screenshot

BBC = "https://www.bbc.co.uk/weather"
STUB_PAGE = "<!DOCTYPE html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"
TRACES = """async () => ({
  session: Object.keys(sessionStorage), local: localStorage.length, cookie: document.cookie,
  databases: indexedDB.databases ? (await indexedDB.databases()).length : 0,
})"""


def open_chat(page: Page, base: str) -> None:
    page.route(BBC, lambda route: route.fulfill(status=200, content_type="text/html", body=STUB_PAGE))
    page.goto(base + "/demo")
    page.get_by_role("button", name="Get support").click()
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("I'm Signpost", timeout=20000)


def choose(page: Page, title: str) -> None:
    page.get_by_role("button", name=title, exact=True).click()


def type_message(page: Page, text: str) -> None:
    page.get_by_label("Type your message").fill(text)
    page.get_by_role("button", name="Send").click()


def cards(page: Page):
    return page.get_by_role("log").locator(".sp-card")


def tracker_key(page: Page) -> str:
    session = page.evaluate("JSON.parse(sessionStorage.getItem('signpost.chat')).id")
    return "tracker:" + conversation_key(session, DEVELOPMENT_SESSION_SECRET.encode())


def test_a_whole_conversation_by_typing(page: Page, stack):
    open_chat(page, stack.api)
    type_message(page, "my boyfriend checks my phone and wont let me see my friends")
    expect(page.get_by_role("button", name="Yes, it's happening to me")).to_be_visible()
    type_message(page, "yes its me")
    expect(page.get_by_role("button", name="18 to 59")).to_be_visible()
    type_message(page, "no im 29")
    expect(page.get_by_role("button", name="Neither")).to_be_visible()
    type_message(page, "neither")
    # The demo page passes data-area="warwickshire", so nobody is asked where they are.
    expect(cards(page).filter(has_text="Refuge - Warwickshire")).to_have_count(1)
    expect(cards(page).filter(has_text="Refuge - Warwickshire").get_by_role("link", name="0800 408 1552")).to_be_visible()
    screenshot(page, "widget-conversation-typed.png", full_page=False)


def test_a_whole_conversation_by_buttons_only(page: Page, stack):
    open_chat(page, stack.api)
    choose(page, "Rape or sexual violence")
    choose(page, "Yes, it's happening to me")
    choose(page, "18 to 59")
    choose(page, "Neither")
    choose(page, "No, longer ago")
    rosa = cards(page).filter(has_text="RoSA")
    expect(rosa.get_by_role("link", name="01788 551 151")).to_have_attribute("href", "tel:01788551151")
    expect(cards(page).filter(has_text="Safeline").get_by_role("link", name="07860 027 573")).to_have_attribute(
        "href", "sms:07860027573")
    assert axe_violations(page) == []


def test_danger_guidance_is_first_and_visually_distinct(page: Page, stack):
    open_chat(page, stack.api)
    type_message(page, "hes outside the door right now and im scared")
    danger = page.get_by_role("log").locator(".sp-danger").first
    expect(danger).to_contain_text("999")
    expect(danger).to_contain_text("55")


def test_quick_exit_deletes_the_conversation_everywhere(page: Page, stack):
    page.goto(stack.api + "/staff")  # the page she came from, as Back will find it
    open_chat(page, stack.api)
    choose(page, "Stalking")
    expect(page.get_by_role("button", name="Yes, it's happening to me")).to_be_visible()
    key = tracker_key(page)
    assert stack.redis_cli("exists", key) == "1"
    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url(BBC)
    deadline = time.monotonic() + 10
    while stack.redis_cli("exists", key) != "0":
        assert time.monotonic() < deadline, "the conversation is still in Redis"
        time.sleep(0.2)
    page.go_back()  # the chat page itself was replaced: Back finds the page before it
    expect(page).to_have_url(stack.api + "/staff")
    assert page.get_by_role("log").count() == 0  # no conversation anywhere on the page
    assert page.evaluate(TRACES) == {"session": [], "local": 0, "cookie": "", "databases": 0}
    assert page.context.cookies() == []


def test_quick_exit_by_shift_three_times(page: Page, stack):
    open_chat(page, stack.api)
    choose(page, "Domestic abuse")
    expect(page.get_by_role("button", name="Yes, it's happening to me")).to_be_visible()
    key = tracker_key(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(BBC)
    deadline = time.monotonic() + 10
    while stack.redis_cli("exists", key) != "0":
        assert time.monotonic() < deadline, "the conversation is still in Redis"
        time.sleep(0.2)


def test_keyboard_only_conversation(page: Page, stack):
    page.route(BBC, lambda route: route.fulfill(status=200, content_type="text/html", body=STUB_PAGE))
    page.goto(stack.api + "/demo")
    page.get_by_role("button", name="Get support").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("I'm Signpost", timeout=20000)
    page.get_by_label("Type your message").focus()
    page.keyboard.type("someone keeps following me and sending me messages from fake accounts")
    page.keyboard.press("Enter")
    button = page.get_by_role("button", name="Yes, it's happening to me")
    expect(button).to_be_visible()
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="18 to 59")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Get support")).to_be_focused()


def test_phone_sized_conversation(phone: Page, stack):
    open_chat(phone, stack.api)
    choose(phone, "Domestic abuse")
    choose(phone, "Yes, it's happening to me")
    choose(phone, "18 to 59")
    choose(phone, "Neither")
    expect(cards(phone).filter(has_text="Refuge - Warwickshire")).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
