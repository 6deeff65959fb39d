"""When the assistant is down, the person still gets the national helplines and the
emergency guidance, in the widget and through the gateway. This module stops Rasa, so it
runs on a stack of its own."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.stack.driver import Conversation, services_in
from tests.stack.harness import Stack


@pytest.fixture(scope="module")
def broken_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(workdir=tmp_path_factory.mktemp("stack-down"))
    running.start()
    try:
        yield running
    finally:
        running.stop_all()


def test_directory_down_still_gives_national_helplines(tmp_path_factory: pytest.TempPathFactory):
    # The action server is pointed at a port where no directory answers.
    stack = Stack(workdir=tmp_path_factory.mktemp("stack-no-directory"), actions_api_url="http://127.0.0.1:9")
    stack.start()
    try:
        chat = Conversation(stack.api)
        chat.press("/disclose_sexual_violence")
        services = chat.answer_until_services(place="CV11 4HL")
        names = [s["name"] for s in services]
        assert "Rape Crisis 24/7 Rape and Sexual Abuse Support Line" in names
        assert all(s["scope"] == "national" for s in services)
        chat.end()
    finally:
        stack.stop_all()


def test_rasa_down_the_gateway_answers_with_helplines(broken_stack: Stack):
    chat = Conversation(broken_stack.api)
    assert not chat.degraded
    broken_stack.stop("rasa")
    reply = chat.send(text="my husband hurts me")
    assert chat.degraded
    assert reply[0]["kind"] == "danger" and "999" in reply[0]["text"]
    assert "National Domestic Abuse Helpline" in [s["name"] for s in services_in(reply)]


def test_rasa_down_the_widget_shows_helplines(page: Page, broken_stack: Stack):
    broken_stack.stop("rasa")
    page.goto(broken_stack.api + "/demo")
    page.get_by_role("button", name="Get support").click()
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("999")
    expect(log.locator(".sp-card").filter(has_text="National Domestic Abuse Helpline")
           .get_by_role("link", name="0808 2000 247")).to_have_attribute("href", "tel:08082000247")


def test_everything_down_the_widget_still_shows_helplines(page: Page, broken_stack: Stack):
    page.goto(broken_stack.api + "/demo")
    expect(page.get_by_role("button", name="Get support")).to_be_visible()
    broken_stack.stop("api")
    page.get_by_role("button", name="Get support").click()
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("0808 2000 247", timeout=15000)
    expect(log).to_contain_text("999")
