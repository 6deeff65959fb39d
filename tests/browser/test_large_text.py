"""Large text (WCAG 2.2 1.4.4 resize text, 1.4.10 reflow): the widget, the staff finder and the
insights page with the browser's text size at 200 % and 400 %, on every screen from a phone on
its side (320 x 256) to a desktop, under each font set the project installs (conftest.FONT_SETS),
so that the result does not depend on which fonts a machine happens to have.

A person who reads with large text must be able to hold a whole conversation by buttons, type a
message, and leave by Exit this page, which never leaves the screen.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import (
    TEXT_SIZES,
    VIEWPORTS,
    axe_violations,
    large_text_page,
    screenshot,
    used_font,
)
from tests.browser.test_insights_browser import sign_in
from tests.browser.test_widget_ui import BBC, STUB_PAGE, choose, events, exit_button, launcher, messages, wait_for
from tests.browser.widget_harness.server import HarnessServer

SIZES = [(viewport, text) for viewport in VIEWPORTS for text in TEXT_SIZES]


def size_id(case: tuple[tuple[int, int], str]) -> str:
    (width, height), text = case
    return f"{width}x{height}-{text}"


ON_SCREEN = """([e, whole]) => {
  const r = e.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  const inside = whole ? r.left >= 0 && r.top >= 0 && r.right <= innerWidth + 0.5 && r.bottom <= innerHeight + 0.5
                       : x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight;
  const hit = e.getRootNode().elementFromPoint(x, y);
  return [inside, Boolean(hit && (hit === e || e.contains(hit)))];
}"""


def assert_on_screen(target: Locator, what: str, whole: bool = False) -> None:
    """On screen (wholly, or its centre) and the topmost thing at its centre: nothing covers it."""
    assert target.evaluate(f"e => ({ON_SCREEN})([e, {str(whole).lower()}])") == [True, True], \
        f"{what} is off screen or covered"


def sideways_overflow(page: Page) -> list[str]:
    return page.evaluate("""() => {
      const root = document.querySelector('signpost-widget').shadowRoot;
      const wide = [...root.querySelectorAll('.sp-panel, .sp-head, .sp-log, .sp-form, .sp-msg, .sp-card, .sp-choices')]
        .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1).map(e => e.className);
      const page = [...document.querySelectorAll('body *'), ...root.querySelectorAll('*')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1).map(e => e.tagName + '.' + e.className);
      return document.documentElement.scrollWidth > innerWidth ? ['document', ...page, ...wide] : wide;
    }""")


@pytest.mark.parametrize("case", SIZES, ids=size_id)
def test_a_whole_conversation_by_buttons_and_quick_exit(font_browser: tuple[str, Browser], base: str,
                                                        harness: HarnessServer, case: tuple[tuple[int, int], str]):
    family, browser = font_browser
    viewport, text = case
    with large_text_page(browser, viewport, TEXT_SIZES[text]) as page:
        page.route(BBC, lambda route: route.fulfill(status=200, content_type="text/html", body=STUB_PAGE))
        page.goto(base + "/demo")
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == f"{TEXT_SIZES[text]}px"
        expect(launcher(page)).to_be_visible()
        assert used_font(page, ".sp-launcher") == family
        assert_on_screen(exit_button(page), "Exit this page (closed)", whole=True)
        assert_on_screen(launcher(page), "Get support", whole=True)

        launcher(page).click()
        expect(page.get_by_role("log", name="Conversation")).to_contain_text("Hello. I'm Signpost")
        page.locator(".sp-panel").evaluate("e => Promise.all(e.getAnimations().map(a => a.finished))")
        panel = page.locator(".sp-panel").bounding_box()
        assert [round(panel[k]) for k in ("x", "y", "width", "height")] == [0, 0, *viewport]  # the whole screen
        # At 200 % the conversation's text is never capped, on any of these screens (WCAG 1.4.4).
        if text == "200%":
            assert page.locator(".sp-msg .sp-text").first.evaluate("e => getComputedStyle(e).fontSize") == "32px"
        assert_on_screen(exit_button(page), "Exit this page (open)", whole=True)

        choose(page, "Rape or sexual violence")  # Playwright scrolls it into view and checks nothing covers it
        expect(page.locator(".sp-card")).to_have_count(3)
        assert_on_screen(exit_button(page), "Exit this page after a reply", whole=True)
        phone_link = page.locator(".sp-card").first.locator("a[href^='tel:']").first
        phone_link.scroll_into_view_if_needed()
        assert_on_screen(phone_link, "the first service's phone number")
        assert_on_screen(exit_button(page), "Exit this page beside the services", whole=True)

        choose(page, "What is an ISVA?")
        expect(messages(page)).to_have_count(7)
        assert_on_screen(exit_button(page), "Exit this page further down", whole=True)
        choose(page, "Stalking")
        expect(messages(page)).to_have_count(9)

        box = page.get_by_label("Type your message")
        box.click()  # reachable, not merely present
        page.keyboard.type("still here")
        page.get_by_role("button", name="Send").click()
        expect(messages(page).last).to_contain_text("You wrote: still here")
        assert_on_screen(exit_button(page), "Exit this page after typing", whole=True)

        wide = sideways_overflow(page)
        assert wide == [], " ".join(wide)
        assert axe_violations(page) == []
        if text == "200%" and family == "DejaVu Sans":
            page.locator(".sp-card").first.evaluate("e => e.scrollIntoView({block: 'start'})")
            screenshot(page, f"widget-text-200-{viewport[0]}x{viewport[1]}.png", full_page=False)

        chat = page.evaluate("JSON.parse(sessionStorage.getItem('signpost.chat')).id")
        exit_button(page).click()
        page.wait_for_url(BBC)
        wait_for(lambda: {e["kind"] for e in events(harness) if e["id"] == chat} >= {"delete", "end"})


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_staff_finder_at_200_percent(font_browser: tuple[str, Browser], api_server: str, viewport: tuple[int, int]):
    family, browser = font_browser
    with large_text_page(browser, viewport, TEXT_SIZES["200%"]) as page:
        page.goto(api_server + "/staff")
        assert used_font(page, "h1") == family
        page.get_by_label("Or a postcode or town").click()
        page.keyboard.type("CV11 4HL")
        page.get_by_label("Kind of abuse").select_option("sexual_violence")
        page.get_by_role("button", name="Find services").click()
        results = page.get_by_role("heading", level=2, name="services for Sexual violence in Nuneaton and Bedworth")
        expect(results).to_be_visible()
        results.scroll_into_view_if_needed()
        assert_on_screen(results, "the results heading")
        card_box = page.get_by_role("checkbox", name="Add to referral card RoSA")
        card_box.check()  # reachable: Playwright scrolls to it and checks nothing covers it
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
        assert axe_violations(page) == []
        if family == "DejaVu Sans" and viewport == (320, 568):
            results.scroll_into_view_if_needed()
            screenshot(page, "staff-finder-text-200-320x568.png", full_page=False)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_insights_page_at_200_percent(font_browser: tuple[str, Browser], insights_server: str,
                                         viewport: tuple[int, int]):
    family, browser = font_browser
    with large_text_page(browser, viewport, TEXT_SIZES["200%"]) as page:
        sign_in(page, insights_server)
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text("What people needed, and where help was missing")
        assert used_font(page, "h1") == family
        # Only the data tables may scroll sideways, inside their own region (WCAG 1.4.10).
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
        update = page.get_by_role("button", name="Update")
        update.scroll_into_view_if_needed()
        assert_on_screen(update, "the filters' Update button")
        assert axe_violations(page) == []
        if family == "DejaVu Sans" and viewport == (320, 568):
            screenshot(page, "insights-text-200-320x568.png", full_page=False)
