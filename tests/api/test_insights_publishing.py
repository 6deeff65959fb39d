"""Commissioner insights, publishing (docs/insights.md): small numbers suppressed and the
rest rounded, in every output; no difference of two outputs reveals a suppressed cell;
only settled weeks; and the page and exports only behind the commissioners' key."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import update

from api.insights import publish
from api.insights.counting import InsightCounter
from directory.models import InsightArea, InsightCategory, InsightCount, InsightOutcome
from tests.api.conftest import ADMIN_KEY

A = InsightArea
C = InsightCategory
O = InsightOutcome
TODAY = dt.datetime.now(dt.UTC).date()
W3 = publish.last_published_week(TODAY)
W2 = W3 - dt.timedelta(weeks=1)
W1 = W3 - dt.timedelta(weeks=2)
FORM = {"content-type": "application/x-www-form-urlencoded"}
BEARER = {"Authorization": f"Bearer {ADMIN_KEY}"}


def add(client, day: dt.date, outcome, area, category, times: int) -> None:
    counter = InsightCounter(client.app.state.sessionmaker, clock=lambda: day)
    for _ in range(times):
        assert counter.increment(outcome, area, category)


@pytest.fixture
def figures(client):
    """A few weeks of counts: some cells large enough to publish, some not."""
    add(client, W1, O.signposted_locally, A.warwickshire, C.domestic_abuse, 12)  # published as 10
    add(client, W1 + dt.timedelta(days=3), O.no_local_service, A.warwickshire, C.stalking, 3)  # suppressed
    add(client, W2, O.no_local_service, A.warwickshire, C.stalking, 4)
    add(client, W2 + dt.timedelta(days=6), O.no_local_service, A.warwickshire, C.stalking, 4)  # 8 in W2: 10
    add(client, W2, O.quick_exit_used, A.derby_derbyshire, C.not_recorded, 5)
    add(client, W3, O.danger_guidance_shown, A.unknown, C.not_recorded, 2)  # suppressed
    add(client, W3, O.national_only, A.outside, C.forced_marriage, 7)  # 5
    # This week and last week have not settled: never published, however large.
    add(client, TODAY, O.signposted_locally, A.warwickshire, C.domestic_abuse, 40)
    add(client, W3 + dt.timedelta(weeks=1), O.signposted_locally, A.warwickshire, C.domestic_abuse, 40)
    return client


def export(client, kind: str, **params) -> str:
    response = client.get(f"/insights/export.{kind}", params=params, headers=BEARER)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.text


def page(client, **fields) -> str:
    body = "&".join(f"{k}={v}" for k, v in {"key": ADMIN_KEY, **fields}.items())
    response = client.post("/insights", content=body, headers=FORM)
    assert response.status_code == 200, response.text
    return response.text.replace(ADMIN_KEY, "KEY")


def cell_counts(text: str) -> dict[tuple, str]:
    return {(r["week_starting"], r["area"], r["category"], r["outcome"]): r["count"]
            for r in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize("raw, shown", [(0, None), (1, None), (4, None), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15)])
def test_small_numbers_are_suppressed_and_the_rest_rounded_to_5(raw, shown):
    assert publish.published(raw) == shown


def test_the_export_shows_suppressed_and_rounded_cells(figures):
    cells = cell_counts(export(figures, "csv", **{"from": W1.isoformat(), "to": W3.isoformat()}))
    assert cells[(W1.isoformat(), "warwickshire", "domestic_abuse", "signposted_locally")] == "10"
    assert cells[(W1.isoformat(), "warwickshire", "stalking", "no_local_service")] == "fewer than 5"
    assert cells[(W2.isoformat(), "warwickshire", "stalking", "no_local_service")] == "10"
    assert cells[(W3.isoformat(), "unknown", "not_recorded", "danger_guidance_shown")] == "fewer than 5"
    # Nothing and a few look the same, and every combination is listed either way.
    assert cells[(W3.isoformat(), "warwickshire", "fgm", "quick_exit_used")] == "fewer than 5"
    assert len(cells) == 3 * len(A) * len(C) * len(O)
    assert set(cells.values()) <= {"fewer than 5", "5", "10", "15"}


def test_weeks_that_have_not_settled_are_never_published(figures):
    asked_for_today = export(figures, "json", **{"from": W1.isoformat(), "to": TODAY.isoformat()})
    assert f'"last_week":"{W3.isoformat()}"' in asked_for_today.replace(" ", "")
    assert TODAY.isoformat() not in asked_for_today
    assert (W3 + dt.timedelta(weeks=1)).isoformat() not in asked_for_today
    assert "40" not in re.findall(r'"count":\s*(\d+)', asked_for_today)


def _every_output(client) -> list[str]:
    outputs = []
    for first, last in ((W1, W3), (W2, W3), (W1, W1), (W3, W3), (W1, W2)):
        for area in (None, "warwickshire", "derby-derbyshire", "unknown"):
            params = {"from": first.isoformat(), "to": last.isoformat(), **({"area": area} if area else {})}
            outputs.append(export(client, "csv", **params))
            outputs.append(export(client, "json", **params))
            outputs.append(page(client, first_week=first.isoformat(), last_week=last.isoformat(),
                                **({"area": area} if area else {})))
    return outputs


def _set_raw(client, day, outcome, area, category, count):
    with client.app.state.sessionmaker.begin() as session:
        session.execute(update(InsightCount).where(
            InsightCount.day == day, InsightCount.outcome == outcome, InsightCount.area == area,
            InsightCount.category == category).values(count=count))


def test_no_difference_between_outputs_reveals_a_suppressed_cell(figures):
    """Every page and export, over overlapping ranges and filters, is the same whether a
    suppressed cell is really 1 or 4 (or its neighbour 0 or 3): so no subtraction of one
    output from another, or any other arithmetic on them, can tell what it is."""
    _set_raw(figures, W1 + dt.timedelta(days=3), O.no_local_service, A.warwickshire, C.stalking, 1)
    before = _every_output(figures)
    _set_raw(figures, W1 + dt.timedelta(days=3), O.no_local_service, A.warwickshire, C.stalking, 4)
    add(figures, W1, O.no_local_service, A.warwickshire, C.fgm, 3)
    after = _every_output(figures)
    assert before == after


def test_the_classic_attack_subtracting_two_date_ranges_finds_only_published_figures(figures):
    def area_total(first, last) -> int:
        text = export(figures, "csv", **{"from": first.isoformat(), "to": last.isoformat(), "area": "warwickshire"})
        return sum(int(v) for v in cell_counts(text).values() if v.isdigit())

    difference = area_total(W1, W3) - area_total(W2, W3)
    # Week 1 really had 12 + 3 = 15 in Warwickshire; the published figures say 10, and the
    # 3 behind "fewer than 5" stays hidden.
    assert difference == 10


def test_the_page_shows_trends_gaps_and_the_method(figures):
    html = page(figures, first_week=W1.isoformat(), last_week=W3.isoformat())
    assert "Gaps in local help" in html and "Stalking" in html
    gaps = html.split('id="gaps"')[1].split('id="trends"')[0]
    assert "Warwickshire" in gaps and ">10<" in gaps  # W2's published 10; W1's 3 is left out
    assert html.count("<svg") == len(O) and "<script" not in html
    assert "fewer than 5" in html and "nearest 5" in html


# ---- access ----

def test_the_sign_in_page_asks_for_the_key_in_a_post_form_and_shows_nothing(figures):
    response = figures.get("/insights")
    assert response.status_code == 200
    assert '<form method="post" action="/insights"' in response.text
    assert 'type="password"' in response.text and "Gaps in local help" not in response.text
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("body, status", [("key=wrong-key", 401), ("", 400), ("key=" + "x" * 600, 400)])
def test_the_page_refuses_a_wrong_or_missing_key(figures, body, status):
    response = figures.post("/insights", content=body, headers=FORM)
    assert response.status_code == status
    assert "Gaps in local help" not in response.text and "<svg" not in response.text


def test_the_key_never_goes_in_an_address_a_cookie_or_a_log(figures, capsys, caplog):
    assert figures.post(f"/insights?key={ADMIN_KEY}", content="", headers=FORM).status_code == 400
    assert figures.get(f"/insights/export.csv?key={ADMIN_KEY}").status_code in (401, 422)
    response = figures.post("/insights", content=f"key={ADMIN_KEY}", headers=FORM)
    assert response.status_code == 200
    assert "set-cookie" not in response.headers and response.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    for action in re.findall(r'action="([^"]*)"', response.text):
        assert action == "/insights"
    figures.post("/insights", content=f"key={ADMIN_KEY}&format=csv", headers=FORM)
    logged = capsys.readouterr().err + capsys.readouterr().out + caplog.text
    assert ADMIN_KEY not in logged


def test_exports_need_the_key_as_a_bearer_token(figures):
    assert figures.get("/insights/export.csv").status_code == 401
    assert figures.get("/insights/export.json", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert figures.get("/insights/export.json", headers={"X-API-Key": ADMIN_KEY}).status_code == 401
    response = figures.post("/insights", content=f"key={ADMIN_KEY}&format=json", headers=FORM)
    assert response.status_code == 200 and response.json()["method"]["threshold"] == 5
    assert "attachment" in response.headers["content-disposition"]


def test_prometheus_metrics_need_the_key_and_hold_counts_and_latencies_only(figures):
    assert figures.get("/metrics").status_code == 401
    response = figures.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert "signpost_http_request_duration_seconds_bucket" in response.text
    assert 'route="/insights/export.{kind}"' not in response.text  # route templates, never raw paths
    for sensitive in [*(a.value for a in A), *(c.value for c in C), *(o.value for o in O)]:
        assert sensitive not in response.text


def test_chart_axes_have_whole_numbers_and_bars_in_proportion():
    from api.insights.charts import bar_chart

    chart = bar_chart([(W1, 30), (W2, 0), (W3, 85)])
    assert [tick.label for tick in chart.ticks] == ["0", "20", "40", "60", "80", "100"]
    tallest = max(bar.height for bar in chart.bars)
    assert [round(bar.height / tallest, 2) for bar in chart.bars] == [0.35, 0.0, 1.0]
