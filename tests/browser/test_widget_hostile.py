"""Markup in anything the widget shows is text, never markup: what a person types, and every
field of a bot reply (text, button titles, service names, descriptions, numbers, hours, links,
kinds). The gateway's answers are replaced in the browser with hostile ones, so this holds
whatever the assistant, the directory or a compromised upstream sends."""
from __future__ import annotations

import json

from playwright.sync_api import Page, Route, expect

from tests.browser.widget_harness.server import HarnessServer

SCRIPT = "<script>window.__pwned = 'script'</script>"
IMAGE = "<img src=x onerror=\"window.__pwned = 'img'\">"
SVG = "<svg onload=\"window.__pwned = 'svg'\"></svg>"
TYPED = f"{SCRIPT} and {IMAGE} <b>bold</b>"


def hostile_reply() -> dict:
    return {"degraded": False, "messages": [
        {"text": f"Bot says {SCRIPT} {IMAGE} {SVG} javascript:window.__pwned='text-link'", "kind": None,
         "buttons": [{"title": f"Press {IMAGE}", "payload": "/something_else"}]},
        {"text": "Services near you", "kind": "services\" onmouseover=\"window.__pwned='kind'", "buttons": [],
         "services": [{
             "name": f"{SCRIPT}Evil Service", "description": f"{IMAGE}Helps. More words.",
             "phones": [{"number": "<b>0808</b>", "type": "voice"}],
             "url": "javascript:window.__pwned='url'", "hours": f"<i>{SVG}</i>",
             "categories": [], "eligibility": {"audience": None},
         }]},
    ]}


def _answer_with_hostile_replies(route: Route) -> None:
    route.fulfill(status=200, content_type="application/json", body=json.dumps(hostile_reply()))


def test_hostile_bot_replies_and_user_messages_render_as_text(page: Page, harness: HarnessServer):
    harness.gateway.reset()
    page.route("**/chat/sessions/*/messages", _answer_with_hostile_replies)
    page.goto(f"http://127.0.0.1:{harness.port}/demo")
    page.get_by_role("button", name="Get support").click()
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("Hello. I'm Signpost")
    page.get_by_label("Type your message").fill(TYPED)
    page.get_by_role("button", name="Send").click()

    expect(log).to_contain_text("Evil Service")
    expect(log).to_contain_text(TYPED)                      # the person's words, as typed
    expect(log).to_contain_text(f"Bot says {SCRIPT} {IMAGE} {SVG}")
    expect(log).to_contain_text(SCRIPT + "Evil Service")    # a service's name, as sent
    button = page.get_by_role("button", name=f"Press {IMAGE}")
    expect(button).to_be_visible()

    widget = page.locator("signpost-widget")
    assert widget.locator(".sp-log").count() == 1 and widget.locator(".sp-log h3").count() == 1  # not blind
    for tag in ("script", "img", "svg", "b", "i", "iframe", "object"):
        assert widget.locator(f".sp-log {tag}").count() == 0, tag
    assert widget.locator("a[href^='javascript' i]").count() == 0
    assert widget.locator("[onerror], [onload], [onmouseover]").count() == 0
    button.click()  # pressing a button with markup in its title runs nothing either
    expect(log).to_contain_text(f"Bot says {SCRIPT}")
    page.wait_for_timeout(300)  # an onerror would have fired by now
    assert page.evaluate("window.__pwned") is None
