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
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from directory import geography
from directory.loader import load_seed
from directory.models import (
    Attribute,
    InsightArea,
    InsightCategory,
    InsightDimension,
    InsightOutcome,
    InsightReachValue,
    Service,
)
from vocabulary.ranking import local_help_shown
from directory.signpost import Person, Place, is_public, service_answer, signpost
from tests.browser.conftest import axe_violations, screenshot
from vocabulary.areas import PILOT_AREA_IDS

KEY = "browser-test-commissioners-key-" + "k" * 16
AREAS = [InsightArea(area_id) for area_id in PILOT_AREA_IDS]
# Sample demand per week and area: (kind of abuse, need asked, smallest weekly count).
# Weekly cells under 5 are suppressed, so the rarer requests are drawn large enough to show.
DEMAND = (("domestic_abuse", None, 9), ("sexual_violence", None, 5), ("sexual_violence", "sarc", 5),
          ("stalking", None, 5), ("fgm", None, 5), ("honour_based_abuse", None, 5), ("forced_marriage", None, 5))
REACH_SAMPLE = ((InsightDimension.age_band, InsightReachValue.adult, 12),
                (InsightDimension.age_band, InsightReachValue.under_18, 3),
                (InsightDimension.age_band, InsightReachValue.older, 4),
                (InsightDimension.identity, InsightReachValue.men, 4),
                (InsightDimension.identity, InsightReachValue.lgbt, 4),
                (InsightDimension.language, InsightReachValue.en, 14),
                (InsightDimension.language, InsightReachValue.ur, 2),
                (InsightDimension.about, InsightReachValue.self, 11),
                (InsightDimension.about, InsightReachValue.someone_else, 4),
                (InsightDimension.route, InsightReachValue.own_behaviour, 3))


def real_outcome(published, area: InsightArea, category: str, need: str | None) -> InsightOutcome:
    """What the real seed directory gives an adult asking in a pilot area: local help for this
    kind of abuse and need among the six cards, or a gap (the actions' own rule)."""
    place = Place(status="resolved", area=geography.PILOT_AREAS[area.value])
    ranked = signpost(published, category, place, Person(age_band="18_plus"), need)
    six = [service_answer(item.service, item.group) for item in ranked[:6]]
    return InsightOutcome.signposted_locally if local_help_shown(category, need, six) else InsightOutcome.no_local_service


def seed_sample_counts(database_url: str, weeks: int = 12) -> None:
    """Made-up demand of a plausible shape, for the screenshot: not real demand. Whether each
    request found local help is real: the real seed directory through the real ranking, so
    the gaps shown are the directory's real gaps (stalking in Warwickshire, FGM everywhere,
    a SARC in Derbyshire)."""
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        load_seed(session)
        published = [s for s in session.scalars(select(Service)
                     .options(selectinload(Service.attributes).selectinload(Attribute.taxonomy_term),
                              selectinload(Service.service_areas), selectinload(Service.languages),
                              selectinload(Service.phones), selectinload(Service.schedules),
                              selectinload(Service.organization))) if is_public(s)]
        outcomes = {(area, category, need): real_outcome(published, area, category, need)
                    for area in AREAS for category, need, _scale in DEMAND}
    rng = random.Random(7)
    newest = publish.last_published_week(dt.datetime.now(dt.UTC).date())
    rows = []
    reach = []
    for w in range(weeks):
        week = newest - dt.timedelta(weeks=weeks - 1 - w)
        for area in AREAS:
            for category, need, scale in DEMAND:
                rows.append((week, outcomes[(area, category, need)], area, InsightCategory(category),
                             rng.randint(scale, scale * 2)))
            rows.append((week, InsightOutcome.danger_guidance_shown, area, InsightCategory.not_recorded, rng.randint(2, 7)))
            rows.append((week, InsightOutcome.quick_exit_used, area, InsightCategory.not_recorded, rng.randint(3, 8)))
            rows.append((week, InsightOutcome.left_before_answer, area, InsightCategory.not_recorded, rng.randint(4, 10)))
            for dimension, value, scale in REACH_SAMPLE:
                reach.append((week, area, dimension, value, rng.randint(scale, scale * 2)))
        rows.append((week, InsightOutcome.national_only, InsightArea.outside, InsightCategory.domestic_abuse,
                     rng.randint(5, 12)))
    for day, outcome, area, category, times in rows:
        counter = InsightCounter(sessions, clock=lambda day=day: day + dt.timedelta(days=rng.randint(0, 6)))
        for _ in range(times):
            counter.increment(outcome, area, category)
    for day, area, dimension, value, times in reach:
        counter = InsightCounter(sessions, clock=lambda day=day: day + dt.timedelta(days=rng.randint(0, 6)))
        for _ in range(times):
            counter.increment_reach(area, dimension, value)
    engine.dispose()


def sign_in(page: Page, base: str, key: str = KEY) -> None:
    page.goto(base + "/insights")
    page.get_by_label("API token").fill(key)
    with page.expect_navigation():
        page.get_by_role("button", name="Show the figures").click()


def test_a_wrong_key_shows_an_error_and_no_figures(page: Page, insights_server: str):
    sign_in(page, insights_server, key="not-the-key")
    assert page.get_by_role("alert").inner_text().startswith("That token is not right")
    assert page.locator("svg").count() == 0
    assert axe_violations(page) == []


def test_the_page_signs_in_by_form_and_leaves_no_key_behind(page: Page, insights_server: str):
    sign_in(page, insights_server)
    assert page.get_by_role("heading", level=1).inner_text() == "What people needed, and where help was missing"
    assert page.url == insights_server + "/insights"  # the key is in no address
    assert page.context.cookies() == []
    assert page.evaluate("window.sessionStorage.length + window.localStorage.length") == 0
    assert page.locator("figure.chart svg").count() == len(InsightOutcome)
    gaps = page.locator("#gaps + p + .table-scroll table").inner_text()
    # the real seed's gaps: stalking in Warwickshire, FGM everywhere, a SARC in Derbyshire
    assert "Warwickshire\tStalking" in gaps and "Derby and Derbyshire\tFGM" in gaps
    assert "Derby and Derbyshire\tRape or sexual violence" in gaps
    assert "Leicester, Leicestershire and Rutland\tDomestic abuse" not in gaps
    reached = page.locator("#reached + p + .table-scroll table").inner_text()
    assert "Under 18" in reached and "Worried about their own behaviour" in reached
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
