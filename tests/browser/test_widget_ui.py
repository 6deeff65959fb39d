"""The chat widget as a person meets it, against the harness's fake gateway
(tests/browser/widget_harness/): quick exit, no trace, keyboard, screen readers, phone
screens, large text, partner colours, failures. Chromium via Playwright, axe for WCAG 2.2 AA.

Run: cd /work/main && .venv/bin/python -m pytest tests/browser/test_widget_ui.py -q
"""
from __future__ import annotations

import gzip
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.widget_harness.server import HarnessServer

REPO = Path(__file__).resolve().parents[2]
WIDGET = REPO / "api" / "static" / "widget"
BBC = "https://www.bbc.co.uk/weather"
KEY = "signpost.chat"
YELLOW = "rgb(255, 221, 0)"
STUB_PAGE = "<!DOCTYPE html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"

# The deepest focused element, through shadow roots, and whether it is inside the widget.
FOCUSED = """() => {
  let a = document.activeElement;
  const inWidget = Boolean(a && a.tagName === 'SIGNPOST-WIDGET');
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a || a === document.body) return {inWidget, tag: 'BODY', name: ''};
  const style = getComputedStyle(a);
  return {inWidget, tag: a.tagName, name: (a.getAttribute('aria-label') || a.textContent || '').trim(),
          background: style.backgroundColor, outline: style.outlineColor + ' ' + style.outlineStyle};
}"""
TRACES = """async () => ({
  session: Object.keys(sessionStorage), local: localStorage.length, cookie: document.cookie,
  databases: indexedDB.databases ? (await indexedDB.databases()).length : 0,
})"""


# ---- fixtures and helpers ----
@pytest.fixture
def csp_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def events(harness: HarnessServer, kind: str | None = None) -> list[dict]:
    with harness.gateway.lock:
        return [e for e in harness.gateway.events if kind is None or e["kind"] == kind]


def wait_for(check: Callable[[], bool], seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def session_id(page: Page) -> str:
    return page.evaluate(f"JSON.parse(sessionStorage.getItem('{KEY}')).id")


def messages(page: Page) -> Locator:
    return page.locator(".sp-log > .sp-msg")


def launcher(page: Page) -> Locator:
    return page.get_by_role("button", name="Get support")


def exit_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Exit this page")


def open_chat(page: Page) -> None:
    launcher(page).click()
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("Hello. I'm Signpost")


def choose(page: Page, title: str) -> None:
    page.get_by_role("button", name=title, exact=True).click()


def type_message(page: Page, text: str) -> None:
    page.get_by_label("Type your message").fill(text)
    page.get_by_role("button", name="Send").click()


def hold(page: Page, pattern: str) -> list[Route]:
    """Requests to `pattern` never get an answer (the page's own timeout has to act)."""
    held: list[Route] = []
    page.route(pattern, lambda route: held.append(route))
    return held


def no_trace(page: Page) -> None:
    traces = page.evaluate(TRACES)
    assert traces == {"session": [], "local": 0, "cookie": "", "databases": 0}, traces
    assert page.context.cookies() == []


# ---- static checks ----
def test_every_string_the_widget_uses_is_in_the_locale_file():
    script = (WIDGET / "signpost.js").read_text(encoding="utf-8")
    strings = yaml.safe_load((REPO / "locales" / "widget.en.yml").read_text(encoding="utf-8"))["en"]
    used = set(re.findall(r"\bt\('([a-z_]+)'", script)) | set(re.findall(r"'([a-z_]+_(?:number|more|now))'", script))
    assert used, "no strings found"
    assert sorted(used - set(strings)) == []
    assert script.count("/*SIGNPOST_STRINGS*/{}") == 1 and script.count("/*SIGNPOST_NATIONAL_HELPLINES*/[]") == 1
    code = re.sub(r"/\*.*?\*/|(?<=\s)//.*", "", script, flags=re.DOTALL)  # without comments
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "localStorage", "indexedDB",
                      "document.cookie", "pushState", "replaceState", "location.hash", "setAttribute('style'", "eval("):
        assert forbidden not in code, forbidden


def test_widget_is_small():
    js = gzip.compress((WIDGET / "signpost.js").read_bytes(), compresslevel=9)
    css = gzip.compress((WIDGET / "signpost.css").read_bytes(), compresslevel=9)
    assert len(js) + len(css) < 12 * 1024, (len(js), len(css))


# ---- opening ----
def test_launcher_opens_the_chat_without_touching_the_host_page(page: Page, base: str, harness: HarnessServer,
                                                                 csp_errors: list[str]):
    page.add_init_script("window.__globalsBefore = Object.getOwnPropertyNames(window)")
    page.goto(base + "/demo")
    expect(exit_button(page)).to_be_visible()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    title, url, length = page.title(), page.url, page.evaluate("history.length")

    open_chat(page)
    expect(page.get_by_role("heading", name="Chat to Signpost")).to_be_focused()
    expect(exit_button(page)).to_be_visible()  # in the panel's header now
    notice = page.locator(".sp-notice")
    expect(notice).to_have_text("The Exit button does not clear your browser history. How to cover your tracks online")
    link = notice.get_by_role("link", name="How to cover your tracks online")
    expect(link).to_have_attribute("href", "https://www.nationaldahelpline.org.uk/")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(page.get_by_role("group", name="Choose an answer").get_by_role("button")).to_have_count(4)

    choose(page, "Stalking")
    expect(messages(page)).to_have_count(3)
    expect(notice).to_be_hidden()  # said once, before first use
    assert (page.title(), page.url, page.evaluate("history.length")) == (title, url, length)
    added = page.evaluate("Object.getOwnPropertyNames(window).filter(n => !window.__globalsBefore.includes(n))")
    assert [name for name in added if name != "__globalsBefore"] == []
    assert csp_errors == []

    start = events(harness, "start")
    assert len(start) == 1 and start[0]["area"] == "warwickshire" and start[0]["language"] == "en"
    assert start[0]["cookie"] is None and start[0]["referer"] is None
    assert events(harness, "message")[0]["payload"] == "/stalking"


def test_server_text_is_shown_as_text_never_html(page: Page, base: str):
    page.goto(base + "/demo")
    open_chat(page)
    attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>'
    type_message(page, attack)
    reply = messages(page).last
    expect(reply).to_contain_text("You wrote: " + attack)
    expect(messages(page).nth(-2)).to_contain_text(attack)  # what the person typed, as typed
    assert page.locator(".sp-log img, .sp-log script, .sp-log b").count() == 0
    assert page.evaluate("window.__pwned") is None
    # Plain numbers and addresses in server text become links, nothing else does.
    expect(reply.get_by_role("link", name="0808 2000 247")).to_have_attribute("href", "tel:08082000247")
    web = reply.get_by_role("link", name="https://www.nationaldahelpline.org.uk/")
    expect(web).to_have_attribute("href", "https://www.nationaldahelpline.org.uk/")  # the full stop is left out
    expect(web).to_have_attribute("target", "_blank")
    expect(web).to_have_attribute("rel", "noopener noreferrer")


def test_buttons_only_flow_with_service_cards_and_danger(page: Page, base: str, harness: HarnessServer):
    page.goto(base + "/demo")
    open_chat(page)
    choose(page, "Rape or sexual violence")
    log = page.get_by_role("log")
    expect(log.locator(".sp-you")).to_have_text(["You: Rape or sexual violence"])
    expect(page.get_by_role("button", name="Domestic abuse")).to_have_count(0)  # the choices were replaced

    rosa = log.locator(".sp-card", has=page.get_by_role("heading", name="RoSA"))
    expect(rosa.get_by_role("link", name="Call 01788 551 151")).to_have_attribute("href", "tel:01788551151")
    expect(rosa.get_by_role("link", name="rosasupport.org")).to_have_attribute("href", "https://www.rosasupport.org/")
    safeline = log.locator(".sp-card", has=page.get_by_role("heading", name="Safeline"))
    expect(safeline.get_by_role("link", name="Text 07860 027 573")).to_have_attribute("href", "sms:07860027573")
    rape_crisis = log.locator(".sp-card", has_text="Rape Crisis 24/7")
    expect(rape_crisis.locator(".sp-tag")).to_have_text("Open now")
    expect(rape_crisis).to_contain_text("24 hours a day, every day")
    services_message = log.locator(".sp-msg", has=page.locator(".sp-cards"))
    expect(services_message.locator(".sp-text")).to_have_text("Support with rape and sexual violence near Rugby:")

    choose(page, "What is an ISVA?")
    choose(page, "I'm in danger now")
    danger = log.locator(".sp-danger")
    expect(danger.get_by_role("heading", name="If you are in danger now")).to_be_visible()
    expect(danger.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")  # the first 999 only
    assert danger.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(212, 53, 28)"
    assert [e["payload"] for e in events(harness, "message")] == ["/sexual_violence", "/explain_isva", "/danger_now"]
    assert page.locator(".sp-choices").count() == 1  # only the latest choices remain


# ---- keyboard and screen readers ----
def test_keyboard_only_with_visible_focus_and_no_trap(page: Page, base: str):
    page.goto(base + "/demo")
    expect(launcher(page)).to_be_visible()
    order = []
    for _ in range(30):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        order.append(now["name"])
        if now["name"] == "Get support":
            break
    assert order[-2:] == ["Exit this page", "Get support"], order
    assert now["inWidget"] and now["background"] == YELLOW and now["outline"].startswith(YELLOW)

    page.keyboard.press("Enter")
    expect(page.get_by_role("log")).to_contain_text("Hello. I'm Signpost")
    assert page.evaluate(FOCUSED)["name"] == "Chat to Signpost"
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["name"] == "Exit this page" and focused["background"] == YELLOW
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED)["name"] == "Rape or sexual violence":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("log")).to_contain_text("Support with rape and sexual violence near Rugby")
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] == "INPUT" and focused["outline"].startswith(YELLOW)
    page.keyboard.type("thank you")
    page.keyboard.press("Enter")
    expect(messages(page).last).to_contain_text("You wrote: thank you")

    page.keyboard.press("Escape")
    expect(page.locator(".sp-panel")).to_be_hidden()
    assert page.evaluate(FOCUSED)["name"] == "Get support"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED)["name"] == "Exit this page"
    page.keyboard.press("Shift+Tab")  # back out into the host page
    focused = page.evaluate(FOCUSED)
    assert not focused["inWidget"] and focused["name"] == order[-3]
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == "Get support"
    page.keyboard.press("Tab")  # and forward out of it: no trap
    assert not page.evaluate(FOCUSED)["inWidget"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # reopens with the conversation as it was
    expect(messages(page).last).to_contain_text("You wrote: thank you")


def test_the_log_announces_each_message_once(page: Page, base: str):
    page.goto(base + "/demo")
    expect(launcher(page)).to_be_visible()
    log = page.locator(".sp-log")  # hidden until the chat opens
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-label", "Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_have_attribute("aria-relevant", "additions")
    log.evaluate("""log => {
      window.__mutations = [];
      new MutationObserver(records => {
        for (const r of records) window.__mutations.push({
          type: r.type, onLog: r.target === log,
          added: [...r.addedNodes].map(n => n.nodeType === 1 ? n.className + '|' + n.textContent.length : '#text'),
          removedMessages: [...r.removedNodes].filter(n => n.nodeType === 1 && n.classList.contains('sp-msg')).length,
        });
      }).observe(log, {childList: true, subtree: true, characterData: true});
    }""")
    open_chat(page)
    choose(page, "Rape or sexual violence")
    type_message(page, "hello")
    expect(messages(page).last).to_contain_text("You wrote: hello")
    records = page.evaluate("window.__mutations")
    additions = [a for r in records for a in r["added"]]
    assert all(r["type"] == "childList" for r in records)  # text is never changed in place
    assert all(r["onLog"] for r in records if r["added"])  # whole messages, appended to the log itself
    assert all(a.startswith("sp-msg ") and int(a.split("|")[1]) > 0 for a in additions), additions
    assert sum(r["removedMessages"] for r in records) == 0
    # The opening, the choice, three replies, the typed message and its echo: each once.
    assert len(additions) == messages(page).count() == 7


# ---- quick exit ----
def test_quick_exit_covers_the_page_wipes_and_tells_the_server(page: Page, base: str, harness: HarnessServer):
    page.goto(base + "/demo")
    open_chat(page)
    choose(page, "Rape or sexual violence")
    expect(messages(page)).to_have_count(5)
    chat = session_id(page)
    # Answer the exit's navigation with 204 No Content, so the browser stays on this page and
    # the test can see what the person would see in the moment before the page is replaced.
    exits: list[str] = []
    page.route(BBC, lambda route: (exits.append(route.request.url), route.fulfill(status=204)))
    exit_button(page).click()
    overlay = page.locator("body > [data-signpost-overlay]")
    expect(overlay).to_be_visible()
    expect(overlay).to_have_text("Loading.")
    assert overlay.bounding_box() == {"x": 0, "y": 0, "width": 1280, "height": 900}
    assert overlay.evaluate("e => [getComputedStyle(e).zIndex, getComputedStyle(e).backgroundColor]") == \
        ["2147483647", "rgb(255, 255, 255)"]
    assert page.evaluate("document.elementFromPoint(640, 450).hasAttribute('data-signpost-overlay')")
    assert page.locator("signpost-widget").count() == 0  # the transcript is gone from the page
    no_trace(page)
    assert exits == [BBC]
    wait_for(lambda: {e["kind"] for e in events(harness) if e["id"] == chat} >= {"delete", "end"})


def test_quick_exit_replaces_the_page_and_back_shows_no_trace(page: Page, base: str, harness: HarnessServer):
    page.route(BBC, lambda route: route.fulfill(status=200, content_type="text/html", body=STUB_PAGE))
    page.goto(base + "/harness/start")
    page.get_by_role("link", name="Kestrelford Borough Council").click()
    expect(launcher(page)).to_be_visible()
    length = page.evaluate("history.length")
    open_chat(page)
    choose(page, "Rape or sexual violence")
    expect(messages(page)).to_have_count(5)
    chat = session_id(page)
    assert page.evaluate("history.length") == length  # the chat added no history entries

    exit_button(page).click()
    page.wait_for_url(BBC)
    assert page.evaluate("history.length") == length  # replaced, not added
    wait_for(lambda: {e["kind"] for e in events(harness) if e["id"] == chat} >= {"delete", "end"})
    page.go_back()
    expect(page).to_have_url(base + "/harness/start")  # the council page itself was replaced
    no_trace(page)
    page.get_by_role("link", name="Kestrelford Borough Council").click()
    expect(launcher(page)).to_be_visible()
    assert messages(page).count() == 0
    no_trace(page)


def test_quick_exit_with_shift_three_times_then_back(page: Page, base: str, harness: HarnessServer):
    page.route(BBC, lambda route: route.fulfill(status=200, content_type="text/html", body=STUB_PAGE))
    page.goto(base + "/demo")
    open_chat(page)
    choose(page, "Domestic abuse")
    expect(messages(page)).to_have_count(3)
    chat = session_id(page)
    page.goto(base + "/demo?page=2")  # another council page in the same tab: the conversation continues
    expect(messages(page)).to_have_count(3)
    expect(page.locator(".sp-notice")).to_be_hidden()
    launcher(page).click()

    page.locator("h1").click()  # focus on the host page, not the widget
    page.keyboard.press("Shift")
    expect(page.locator(".sp")).to_have_class(re.compile(r"\bsp-p1\b"))
    expect(page.locator(".sp > .sp-vh")).to_have_text("Shift, press 2 more times to exit.")
    page.keyboard.press("Shift")
    expect(page.locator(".sp")).to_have_class(re.compile(r"\bsp-p2\b"))
    expect(page.locator(".sp > .sp-vh")).to_have_text("Shift, press 1 more time to exit.")
    screenshot(page, "quick-exit.png", full_page=False)

    page.keyboard.press("Shift")
    page.wait_for_url(BBC)
    wait_for(lambda: {e["kind"] for e in events(harness) if e["id"] == chat} >= {"delete", "end"})
    page.go_back()  # to the first council page: from the back/forward cache or loaded afresh
    expect(page).to_have_url(base + "/demo")
    expect(launcher(page)).to_be_visible()
    expect(page.locator("[data-signpost-overlay]")).to_have_count(0)
    assert messages(page).count() == 0
    no_trace(page)


def test_back_forward_cache_restore_wipes_the_chat(page: Page, base: str, harness: HarnessServer):
    page.goto(base + "/demo")
    open_chat(page)
    chat = session_id(page)
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    expect(launcher(page)).to_be_visible()
    assert messages(page).count() == 0 and page.locator(".sp-panel").is_hidden()
    no_trace(page)
    wait_for(lambda: {e["kind"] for e in events(harness) if e["id"] == chat} >= {"delete", "end"})


def test_back_to_a_page_never_brings_the_conversation_back(page: Page, base: str, harness: HarnessServer):
    page.goto(base + "/demo")
    open_chat(page)
    choose(page, "Stalking")
    expect(messages(page)).to_have_count(3)
    chat = session_id(page)
    page.goto(base + "/demo?page=2")  # another page: the chat carries on
    expect(messages(page)).to_have_count(3)
    page.reload()  # so does a reload
    expect(messages(page)).to_have_count(3)
    page.go_back()  # but not Back, whether the page comes from the back/forward cache or not
    expect(launcher(page)).to_be_visible()
    assert messages(page).count() == 0
    no_trace(page)
    wait_for(lambda: "end" in {e["kind"] for e in events(harness) if e["id"] == chat})


def test_shift_presses_that_are_not_an_exit(page: Page, base: str):
    page.clock.install()
    page.goto(base + "/harness/embed?area=warwickshire&exit-url=/exited")
    expect(launcher(page)).to_be_visible()
    page.get_by_label("Search this site").click()
    for letter in "ABC":  # typing capitals holds Shift: not an exit
        page.keyboard.press(f"Shift+{letter}")
    page.evaluate("""() => { for (let i = 0; i < 3; i++)
      window.dispatchEvent(new KeyboardEvent('keydown', {key: 'Shift', repeat: true})); }""")  # held down
    assert page.locator("[data-signpost-overlay]").count() == 0
    assert page.get_by_label("Search this site").input_value() == "ABC"

    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.fast_forward(5100)  # too slow: the count starts again
    expect(page.locator(".sp > .sp-vh")).to_have_text("Exit this page expired.")
    expect(page.locator(".sp")).not_to_have_class(re.compile(r"sp-p\d"))
    page.keyboard.press("Shift")
    expect(page.locator(".sp")).to_have_class(re.compile(r"\bsp-p1\b"))
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_url(base + "/exited")


# ---- no trace ----
def test_only_session_storage_and_end_chat_deletes(page: Page, base: str, harness: HarnessServer):
    page.goto(base + "/demo")
    open_chat(page)
    choose(page, "Stalking")
    expect(messages(page)).to_have_count(3)
    traces = page.evaluate(TRACES)
    assert traces == {"session": [KEY], "local": 0, "cookie": "", "databases": 0}
    assert page.context.cookies() == []

    page.reload()  # a reload in the same tab carries on
    expect(messages(page)).to_have_count(3)
    chat = session_id(page)
    launcher(page).click()
    page.get_by_role("button", name="End chat").click()
    expect(page.get_by_role("group", name="End this chat? The conversation will be deleted.")).to_be_focused()
    page.get_by_role("button", name="No, keep chatting").click()
    expect(page.get_by_role("button", name="End chat")).to_be_focused()
    page.get_by_role("button", name="End chat").click()
    page.get_by_role("button", name="Yes, end chat").click()
    goodbye = page.locator(".sp-goodbye .sp-text")
    expect(goodbye).to_be_focused()
    expect(goodbye).to_contain_text("Chat ended. This conversation has been deleted.")
    assert messages(page).count() == 0
    no_trace(page)
    wait_for(lambda: [e["id"] for e in events(harness, "delete")] == [chat])

    page.get_by_role("button", name="Start a new chat").click()
    expect(page.get_by_role("log")).to_contain_text("Hello. I'm Signpost")
    assert session_id(page) != chat


# ---- failures ----
def test_unreachable_gateway_shows_national_helplines(page: Page, base: str):
    page.route("**/chat/**", lambda route: route.abort())
    page.goto(base + "/demo")
    launcher(page).click()
    fallback = page.locator(".sp-fallback")
    expect(fallback).to_contain_text("I can't reply just now, but you can still talk to someone.")
    expect(fallback.get_by_role("link", name="999", exact=True)).to_have_attribute("href", "tel:999")
    ndah = fallback.locator(".sp-card", has=page.get_by_role("heading", name="National Domestic Abuse Helpline"))
    expect(ndah.get_by_role("link", name="Call 0808 2000 247")).to_have_attribute("href", "tel:08082000247")
    expect(ndah).to_contain_text("24 hours a day, every day")
    names = fallback.locator(".sp-card-name").all_inner_texts()
    assert names[:2] == ["National Domestic Abuse Helpline", "Rape Crisis 24/7 Rape and Sexual Abuse Support Line"]
    assert "Samaritans" in names and len(names) <= 7
    assert "error" not in fallback.inner_text().lower()

    page.unroute("**/chat/**")
    type_message(page, "are you there?")  # the gateway is back: a session starts then
    expect(messages(page).last).to_contain_text("You wrote: are you there?")


def test_server_errors_and_degraded_answers_show_helplines(page: Page, base: str, harness: HarnessServer):
    page.goto(base + "/demo")
    open_chat(page)
    type_message(page, "server error")  # 500
    expect(messages(page).last).to_have_class(re.compile(r"\bsp-fallback\b"))
    harness.gateway.mode = "down"  # 503
    type_message(page, "hello")
    expect(messages(page)).to_have_count(5)
    expect(messages(page).last).to_have_class(re.compile(r"\bsp-fallback\b"))
    harness.gateway.mode = "degraded"  # the gateway's own fallback: emergency guidance and national lines
    type_message(page, "hello again")
    expect(messages(page).last.get_by_role("heading", name="National Domestic Abuse Helpline")).to_be_visible()
    expect(messages(page).nth(-2).get_by_role("heading", name="If you are in danger now")).to_be_visible()


def test_a_slow_gateway_times_out_after_8_seconds(page: Page, base: str):
    page.clock.install()
    hold(page, "**/chat/sessions")
    page.goto(base + "/demo")
    launcher(page).click()
    expect(page.locator(".sp-status")).to_be_visible()
    page.clock.fast_forward(7000)
    assert page.locator(".sp-fallback").count() == 0
    page.clock.fast_forward(1100)
    expect(page.locator(".sp-fallback")).to_be_visible()
    expect(page.locator(".sp-status")).to_be_hidden()


def test_an_expired_session_starts_again_transparently(page: Page, base: str, harness: HarnessServer):
    page.goto(base + "/demo")
    open_chat(page)
    first = session_id(page)
    with harness.gateway.lock:
        harness.gateway.sessions.clear()  # expired on the server
    type_message(page, "still there?")
    expect(messages(page).last).to_contain_text("You wrote: still there?")
    assert page.locator(".sp-fallback").count() == 0
    assert session_id(page) != first and len(events(harness, "start")) == 2


def test_a_misconfigured_area_still_gets_a_conversation(page: Page, base: str, harness: HarnessServer):
    page.goto(base + "/harness/embed?area=narnia&language=en")
    open_chat(page)  # the gateway refused the area (422): the widget started without it
    assert [(e["area"], e["language"]) for e in events(harness, "start")] == [(None, None)]


def test_the_tab_forgets_a_conversation_the_gateway_has_forgotten(page: Page, base: str):
    page.goto(base + "/demo")
    open_chat(page)
    expires = page.evaluate(f"JSON.parse(sessionStorage.getItem('{KEY}')).expires")
    assert 1790 < (expires - page.evaluate("Date.now()")) / 1000 <= 1800  # the gateway's expires_in
    page.evaluate(f"""() => {{ const saved = JSON.parse(sessionStorage.getItem('{KEY}'));
      saved.expires = Date.now() - 1; sessionStorage.setItem('{KEY}', JSON.stringify(saved)); }}""")
    page.reload()
    expect(launcher(page)).to_be_visible()
    assert messages(page).count() == 0
    no_trace(page)


# ---- screens, text size, colours ----
def test_phone_screen_is_full_screen_without_sideways_scrolling(phone: Page, base: str):
    phone.emulate_media(reduced_motion="reduce")
    phone.goto(base + "/demo")
    for button in (exit_button(phone), launcher(phone)):
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 320
    open_chat(phone)
    assert phone.locator(".sp-panel").bounding_box() == {"x": 0, "y": 0, "width": 320, "height": 640}
    choose(phone, "Rape or sexual violence")
    expect(phone.locator(".sp-card")).to_have_count(3)
    overflow = phone.evaluate("""() => {
      const root = document.querySelector('signpost-widget').shadowRoot;
      return [document.documentElement.scrollWidth, ...[...root.querySelectorAll('.sp-panel, .sp-log, .sp-card')]
        .filter(e => e.scrollWidth > e.clientWidth).map(e => e.className)];
    }""")
    assert overflow == [320], overflow
    small = phone.evaluate("""() => [...document.querySelector('signpost-widget').shadowRoot.querySelectorAll('button, a')]
      .filter(e => e.offsetParent).map(e => [e.textContent.trim(), e.getBoundingClientRect()])
      .filter(([, r]) => r.width < 24 || r.height < 24).map(([name]) => name)""")
    assert small == []
    assert phone.locator(".sp-panel").evaluate("e => getComputedStyle(e).animationName") == "none"  # reduced motion
    phone.locator(".sp-card").first.evaluate("card => card.closest('.sp-msg').scrollIntoView()")
    screenshot(phone, "widget-phone.png", full_page=False)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 640, "height": 450}])
def test_text_at_200_percent_reflows(browser: Browser, base: str, viewport: dict):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})  # the browser's text size, doubled
    page.goto(base + "/demo")
    assert launcher(page).evaluate("e => getComputedStyle(e).fontSize") == "32px"
    open_chat(page)
    choose(page, "Rape or sexual violence")
    expect(page.locator(".sp-card")).to_have_count(3)
    assert page.locator(".sp-panel").bounding_box() == {"x": 0, "y": 0, **viewport}  # full screen
    overflow = page.evaluate("""() => [...document.querySelector('signpost-widget').shadowRoot
      .querySelectorAll('.sp-panel, .sp-head, .sp-log, .sp-form, .sp-card, .sp-choices')]
      .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className)""")
    assert overflow == []
    context.close()


def test_demo_page_passes_axe_with_the_widget_closed_and_open(page: Page, base: str):
    page.goto(base + "/demo")
    expect(launcher(page)).to_be_visible()
    assert axe_violations(page) == []
    open_chat(page)
    assert axe_violations(page) == []
    choose(page, "Rape or sexual violence")
    expect(page.locator(".sp-card")).to_have_count(3)
    page.mouse.move(0, 0)
    page.locator(".sp-card").first.evaluate("card => card.closest('.sp-msg').scrollIntoView()")
    screenshot(page, "widget-desktop.png", full_page=False)
    choose(page, "What is an ISVA?")
    choose(page, "I'm in danger now")
    expect(page.locator(".sp-danger")).to_be_visible()
    assert axe_violations(page) == []


def test_partner_page_colours_position_and_axe(page: Page, base: str, harness: HarnessServer):
    page.goto(base + "/partner")
    expect(launcher(page)).to_be_visible()
    assert launcher(page).evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 115, 107)"
    assert launcher(page).bounding_box()["x"] < 640 and exit_button(page).bounding_box()["x"] < 640  # on the left
    assert axe_violations(page) == []
    open_chat(page)
    assert axe_violations(page) == []
    assert events(harness, "start")[0]["area"] == "derby-derbyshire"
    assert page.context.cookies() == []  # staff sessions (docs/accounts.md) never reach a partner page


@pytest.mark.parametrize(("query", "background", "text"), [
    ("colour=%23ffdd00", "rgb(255, 221, 0)", "rgb(11, 12, 12)"),  # white fails on yellow: dark text
    ("colour=%235f2d91&text-colour=%23777777", "rgb(95, 45, 145)", "rgb(255, 255, 255)"),  # their text colour fails
    ("colour=%23777", "rgb(119, 119, 119)", "rgb(0, 0, 0)"),  # white 4.48:1, near-black 4.36:1, black 4.69:1
    ("colour=red", "rgb(95, 45, 145)", "rgb(255, 255, 255)"),  # not a colour: the default
])
def test_partner_colours_keep_text_contrast(page: Page, base: str, query: str, background: str, text: str):
    page.goto(f"{base}/harness/embed?area=warwickshire&{query}")
    expect(launcher(page)).to_be_visible()
    assert launcher(page).evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]") == \
        [background, text]
    open_chat(page)
    assert [v for v in axe_violations(page) if v.startswith("color-contrast")] == []


def test_language_sets_lang_and_direction(page: Page, base: str, harness: HarnessServer):
    page.goto(base + "/harness/embed?area=warwickshire&language=ur")
    root = page.locator("aside.sp")
    expect(root).to_have_attribute("lang", "ur")
    expect(root).to_have_attribute("dir", "rtl")
    page.get_by_role("button", name="مدد حاصل کریں").click()  # "Get support", in Urdu
    wait_for(lambda: bool(events(harness, "start")))
    assert events(harness, "start")[0]["language"] == "ur"


def test_cross_origin_embed_talks_to_the_script_origin(page: Page, base: str, harness: HarnessServer,
                                                       csp_errors: list[str]):
    partner = f"http://localhost:{harness.port}"
    page.goto(f"{partner}/harness/embed?area=derby-derbyshire&exit-url=/exited&script_origin={quote(base, safe='')}")
    expect(launcher(page)).to_be_visible()
    open_chat(page)
    choose(page, "Stalking")
    expect(messages(page)).to_have_count(3)
    chat = session_id(page)
    assert events(harness, "start")[0]["origin"] == partner
    assert page.context.cookies() == []
    exit_button(page).click()
    page.wait_for_url(partner + "/exited")
    wait_for(lambda: {e["kind"] for e in events(harness) if e["id"] == chat} >= {"delete", "end"})
    assert csp_errors == []


def test_host_page_styles_do_not_leak_in(page: Page, base: str):
    page.goto(base + "/harness/embed?area=warwickshire&hostile=1")
    expect(launcher(page)).to_be_visible()
    style = launcher(page).evaluate("""e => { const s = getComputedStyle(e), r = e.getBoundingClientRect();
      return [s.fontSize, s.color, s.position, r.height >= 44]; }""")
    assert style == ["16px", "rgb(255, 255, 255)", "static", True]
    assert page.locator(".sp-bar").evaluate("e => getComputedStyle(e).position") == "fixed"
