"""The commissioners' insights page in a real browser: signing in with the key in a form,
the charts and tables, axe (WCAG 2.2 AA), and the screenshot in docs/ (sample figures)."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from playwright.sync_api import Page

from api.insights import publish
from api.insights.counting import InsightCounter
from directory.db import make_engine, make_sessionmaker
from directory.migrate import upgrade_to_head
from directory.models import InsightArea, InsightCategory, InsightOutcome
from tests.browser.conftest import axe_violations, screenshot

KEY = "browser-test-commissioners-key-" + "k" * 16
AREAS = [InsightArea.leicester_leicestershire_rutland, InsightArea.derby_derbyshire, InsightArea.warwickshire]


def seed_sample_counts(database_url: str, weeks: int = 12) -> None:
    """Made-up figures of a plausible shape, for the screenshot: not real demand."""
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    sessions = make_sessionmaker(engine)
    rng = random.Random(7)
    newest = publish.last_published_week(dt.datetime.now(dt.UTC).date())
    rows = []
    for w in range(weeks):
        week = newest - dt.timedelta(weeks=weeks - 1 - w)
        for area in AREAS:
            for category, scale in ((InsightCategory.domestic_abuse, 9), (InsightCategory.sexual_violence, 4),
                                    (InsightCategory.stalking, 2)):
                rows.append((week, InsightOutcome.signposted_locally, area, category, rng.randint(scale, scale * 2)))
            rows.append((week, InsightOutcome.danger_guidance_shown, area, InsightCategory.not_recorded, rng.randint(2, 7)))
            rows.append((week, InsightOutcome.quick_exit_used, area, InsightCategory.not_recorded, rng.randint(3, 8)))
            rows.append((week, InsightOutcome.left_before_answer, area, InsightCategory.not_recorded, rng.randint(4, 10)))
        rows.append((week, InsightOutcome.no_local_service, InsightArea.warwickshire, InsightCategory.stalking,
                     rng.randint(4, 9)))
        rows.append((week, InsightOutcome.no_local_service, InsightArea.derby_derbyshire, InsightCategory.fgm,
                     rng.randint(0, 6)))
        rows.append((week, InsightOutcome.national_only, InsightArea.outside, InsightCategory.domestic_abuse,
                     rng.randint(5, 12)))
    for day, outcome, area, category, times in rows:
        counter = InsightCounter(sessions, clock=lambda day=day: day + dt.timedelta(days=rng.randint(0, 6)))
        for _ in range(times):
            counter.increment(outcome, area, category)
    engine.dispose()


def sign_in(page: Page, base: str, key: str = KEY) -> None:
    page.goto(base + "/insights")
    page.get_by_label("Commissioners' key").fill(key)
    with page.expect_navigation():
        page.get_by_role("button", name="Show the figures").click()


def test_a_wrong_key_shows_an_error_and_no_figures(page: Page, insights_server: str):
    sign_in(page, insights_server, key="not-the-key")
    assert page.get_by_role("alert").inner_text().startswith("That key is not right")
    assert page.locator("svg").count() == 0
    assert axe_violations(page) == []


def test_the_page_signs_in_by_form_and_leaves_no_key_behind(page: Page, insights_server: str):
    sign_in(page, insights_server)
    assert page.get_by_role("heading", level=1).inner_text() == "What people needed, and where help was missing"
    assert page.url == insights_server + "/insights"  # the key is in no address
    assert page.context.cookies() == []
    assert page.evaluate("window.sessionStorage.length + window.localStorage.length") == 0
    assert page.locator("figure.chart svg").count() == len(InsightOutcome)
    gaps = page.locator("#gaps + p + .table-scroll table")
    assert "Warwickshire" in gaps.inner_text() and "Stalking" in gaps.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "insights.png")


def test_the_filters_keep_working_from_the_keyboard(page: Page, insights_server: str):
    sign_in(page, insights_server)
    page.get_by_label("Area", exact=True).select_option("warwickshire")
    page.get_by_role("button", name="Update").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Warwickshire." in page.locator(".lead").inner_text()
    assert page.url == insights_server + "/insights"
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    path = Path(download.value.path())
    assert path.read_text().startswith("week_starting,area,category,outcome,count\n")
    assert ",warwickshire," in path.read_text() and ",derby-derbyshire," not in path.read_text()


def test_the_page_reflows_on_a_small_phone(phone: Page, insights_server: str):
    sign_in(phone, insights_server)
    # Nothing but the scrollable tables is wider than the screen (WCAG 1.4.10 reflow).
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(phone) == []
