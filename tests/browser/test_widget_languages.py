"""The widget in the pilot areas' languages, against the harness's fake gateway: the
partner's data-language, right to left for Urdu and Arabic, the picker, the notice while a
translation is unreviewed, quick exit when the language's strings cannot be fetched, and
axe. Whole conversations through the real assistant: tests/stack/test_widget_languages_stack.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_widget_ui import BBC, STUB_PAGE, events, no_trace, wait_for
from tests.browser.widget_harness.server import HarnessServer

LOCALES = Path(__file__).resolve().parents[2] / "locales"


def words(locale: str) -> dict:
    return yaml.safe_load((LOCALES / f"widget.{locale}.yml").read_text(encoding="utf-8"))[locale]


@pytest.mark.parametrize(("locale", "direction"), [("ur", "rtl"), ("ar", "rtl"), ("pl", "ltr"), ("pa", "ltr")])
def test_the_partners_language_is_the_default_with_its_direction(page: Page, base: str, harness: HarnessServer,
                                                                 locale: str, direction: str):
    page.goto(f"{base}/harness/embed?area=leicester-leicestershire-rutland&language={locale}")
    ours = words(locale)
    launcher = page.get_by_role("button", name=ours["launcher"])
    expect(launcher).to_be_visible()
    root = page.locator("aside.sp")
    expect(root).to_have_attribute("lang", locale)
    expect(root).to_have_attribute("dir", direction)
    expect(page.get_by_role("button", name=ours["exit"])).to_be_visible()
    assert axe_violations(page) == []
    launcher.click()
    expect(page.get_by_role("heading", name=ours["title"])).to_be_visible()
    # Until a native speaker has reviewed it, the translation says it is a machine draft.
    expect(page.locator(".sp-unreviewed")).to_have_text(ours["unreviewed"])
    expect(page.get_by_label(ours["language_label"])).to_have_value(locale)
    assert page.locator(".sp-panel").evaluate("e => getComputedStyle(e).direction") == direction
    wait_for(lambda: bool(events(harness, "start")))
    assert events(harness, "start")[0]["language"] == locale
    assert events(harness, "strings") == [{"kind": "strings", "id": None, "language": locale}]
    assert axe_violations(page) == []
    if locale == "ur":
        screenshot(page, "widget-urdu.png", full_page=False)


def test_english_needs_no_extra_request_and_shows_no_machine_draft_notice(page: Page, base: str,
                                                                          harness: HarnessServer):
    page.goto(f"{base}/harness/embed?area=warwickshire")
    page.get_by_role("button", name="Get support").click()
    expect(page.get_by_label("Language")).to_have_value("en")
    assert page.locator(".sp-unreviewed").count() == 0
    assert events(harness, "strings") == []


def test_the_picker_starts_the_conversation_again_in_the_chosen_language(page: Page, base: str,
                                                                         harness: HarnessServer):
    page.goto(f"{base}/harness/embed?area=derby-derbyshire")
    page.get_by_role("button", name="Get support").click()
    expect(page.locator(".sp-log > .sp-msg")).to_have_count(1)  # the opening: the session is saved
    first = page.evaluate("JSON.parse(sessionStorage.getItem('signpost.chat')).id")
    # Each option is named in its own language, marked with that language for screen readers.
    option = page.locator("#sp-language option[value='so']")
    assert option.evaluate("o => [o.textContent, o.lang]") == ["Soomaali", "so"]
    page.get_by_label("Language").select_option("pl")
    page.get_by_role("button", name="Change language").click()
    polish = words("pl")
    expect(page.get_by_role("heading", name=polish["title"])).to_be_visible()
    expect(page.locator("aside.sp")).to_have_attribute("lang", "pl")
    expect(page.get_by_label(polish["language_label"] + " (Language)")).to_have_value("pl")
    wait_for(lambda: len(events(harness, "start")) == 2)
    assert events(harness, "start")[1]["language"] == "pl"
    wait_for(lambda: any(e["kind"] == "delete" and e["id"] == first for e in events(harness)))  # the old one deleted
    # The choice lasts for this tab: a reload carries on in Polish. (The tab saves the new
    # conversation when the gateway's answer arrives, a moment after the harness sees the start.)
    page.wait_for_function(
        "first => { const s = JSON.parse(sessionStorage.getItem('signpost.chat') || 'null');"
        " return s && s.id && s.id !== first && s.language === 'pl'; }", arg=first)
    page.reload()
    expect(page.get_by_role("button", name=polish["launcher"])).to_be_visible()
    assert axe_violations(page) == []


def test_quick_exit_works_when_the_languages_strings_cannot_be_fetched(page: Page, base: str,
                                                                       harness: HarnessServer):
    page.route("**/widget/strings/**", lambda route: route.abort("internetdisconnected"))
    page.route(BBC, lambda route: route.fulfill(status=200, content_type="text/html", body=STUB_PAGE))
    page.goto(f"{base}/harness/embed?area=warwickshire&language=ur")
    # English rather than nothing: the script carries it.
    expect(page.get_by_role("button", name="Get support")).to_be_visible()
    expect(page.locator("aside.sp")).to_have_attribute("dir", "ltr")
    page.locator("body").click()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(BBC)
    no_trace(page)


def test_quick_exit_in_urdu_with_the_network_gone(page: Page, base: str, harness: HarnessServer):
    # 204 keeps the browser on this page, to see what the person sees as it is replaced.
    page.route(BBC, lambda route: route.fulfill(status=204))
    page.goto(f"{base}/harness/embed?area=warwickshire&language=ur")
    urdu = words("ur")
    page.get_by_role("button", name=urdu["launcher"]).click()
    wait_for(lambda: bool(events(harness, "start")))
    page.context.set_offline(True)
    page.get_by_role("button", name=urdu["exit"]).first.click()
    overlay = page.locator("body > [data-signpost-overlay]")
    expect(overlay).to_have_text(urdu["exit_loading"])
    assert page.locator("signpost-widget").count() == 0
    no_trace(page)
    page.context.set_offline(False)


# Reading order of a number's digit groups on screen: the first group must be leftmost.
NUMBERS_READ_LEFT_TO_RIGHT = """host => {
  const out = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE && /\\d{3,} \\d/.test(node.data)) {
      const text = node.data, groups = [...text.matchAll(/\\d+/g)];
      const first = groups[0], last = groups[groups.length - 1];
      const rect = (m) => { const r = document.createRange(); r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length); return r.getBoundingClientRect(); };
      out.push([text.slice(first.index, last.index + last[0].length), rect(first).left < rect(last).left]);
    }
    for (const child of node.childNodes) walk(child);
  };
  walk(host.shadowRoot);
  return out;
}"""


def test_phone_numbers_read_left_to_right_in_urdu(page: Page, base: str, harness: HarnessServer):
    page.goto(f"{base}/harness/embed?area=warwickshire&language=ur")
    urdu = words("ur")
    page.get_by_role("button", name=urdu["launcher"]).click()
    page.get_by_role("button", name="Rape or sexual violence", exact=True).click()  # the harness's canned reply
    expect(page.locator(".sp-card")).to_have_count(3)
    page.get_by_label(urdu["input_label"]).fill("مدد")
    page.get_by_role("button", name=urdu["send"]).click()
    expect(page.locator(".sp-you")).to_have_count(2)
    expect(page.locator(".sp-msg").last).to_contain_text("0808 2000 247")
    numbers = page.locator("signpost-widget").evaluate(NUMBERS_READ_LEFT_TO_RIGHT)
    assert {text for text, _ in numbers} >= {"01788 551 151", "07860 027 573", "0808 2000 247"}
    assert [text for text, in_order in numbers if not in_order] == []


def test_the_staff_finder_in_arabic_reads_right_to_left_with_numbers_left_to_right(page: Page, api_server: str):
    page.goto(api_server + "/staff?lang=ar&area=leicester-leicestershire-rutland&category=honour_based_abuse")
    staff = yaml.safe_load((LOCALES / "staff.ar.yml").read_text(encoding="utf-8"))["ar"]
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_text(staff["language"]["unreviewed"])).to_be_visible()
    expect(page.get_by_label(staff["language"]["label"] + " (Language)")).to_have_value("ar")
    numbers = page.evaluate("() => (" + NUMBERS_READ_LEFT_TO_RIGHT + ")({shadowRoot: document.body})")
    assert "0800 5999 247" in {text for text, _ in numbers}  # Karma Nirvana
    assert [text for text, in_order in numbers if not in_order] == []
    assert axe_violations(page) == []
    screenshot(page, "staff-finder-arabic.png", full_page=False)
    # The picker asks the same search again, in another language.
    page.get_by_label(staff["language"]["label"] + " (Language)").select_option("gu")
    page.get_by_role("button", name=staff["language"]["submit"]).click()
    expect(page.locator("html")).to_have_attribute("lang", "gu")
    assert "category=honour_based_abuse" in page.url and "lang=gu" in page.url
    expect(page.locator(".service").filter(has_text="Karma Nirvana")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # nothing pushed off to one side


def test_coming_back_to_the_page_shows_its_own_language_not_the_one_chosen(page: Page, base: str,
                                                                          harness: HarnessServer):
    page.goto(f"{base}/harness/embed?area=warwickshire")
    page.get_by_role("button", name="Get support").click()
    page.get_by_label("Language").select_option("so")
    page.get_by_role("button", name="Change language").click()
    somali = words("so")
    expect(page.get_by_role("heading", name=somali["title"])).to_be_visible()
    expect(page.locator(".sp-log > .sp-msg")).to_have_count(1)
    page.goto(base + "/harness/start")
    page.go_back()
    expect(page.get_by_role("button", name="Get support")).to_be_visible()
    expect(page.locator("aside.sp")).to_have_attribute("lang", "en")
    no_trace(page)
