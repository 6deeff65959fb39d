"""The staff referral finder's server-rendered pages (browser behaviour is in tests/browser)."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def pages(read_client: TestClient) -> TestClient:
    read_client.follow_redirects = False
    yield read_client
    read_client.follow_redirects = True


def test_a_postcode_is_swapped_for_its_council_code(pages):
    response = pages.get("/staff", params={"place": "cv11 4hl", "category": "stalking", "age": "34"})
    assert response.status_code == 303
    assert response.headers["location"] == "/staff?la=E07000219&category=stalking&age=34"


def test_results_render_with_tappable_numbers_and_provenance(pages):
    html = pages.get("/staff", params={"la": "E07000219", "category": "sexual_violence"}).text
    assert "10 services for Sexual violence in Nuneaton and Bedworth" in html
    assert 'href="tel:01788551151"' in html and 'href="sms:07860027573"' in html
    assert "Last checked 23 November 2026" in html
    assert html.index("RoSA") < html.index("Rape Crisis 24/7")


def test_outside_the_pilot_says_so(pages):
    html = pages.get("/staff", params={"la": "E08000026", "category": "domestic_abuse"}).text
    assert "Coventry is outside the pilot areas" in html


def test_missing_local_need_is_flagged(pages):
    html = pages.get("/staff", params={"area": "derby-derbyshire", "category": "domestic_abuse", "need": "safe_accommodation"}).text
    assert "There is no local service for this need here" in html


def test_ambiguous_places_offer_choices(pages):
    response = pages.get("/staff", params={"place": "Stratford", "category": "stalking"})
    assert response.status_code == 200
    assert "That could be in more than one place" in response.text
    assert re.search(r'href="/staff\?la=E07000221&amp;category=stalking"', response.text)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"area": "warwickshire"}, "Choose the kind of abuse."),
        ({"place": "Narnia", "category": "fgm"}, "We could not find that postcode or town."),
        ({"area": "warwickshire", "category": "fgm", "age": "old"}, "Enter an age between 0 and 130"),
    ],
)
def test_errors_are_explained(pages, params, message):
    response = pages.get("/staff", params=params)
    assert response.status_code == 400
    assert message in response.text
    assert "<title>Error:" in response.text


def test_nothing_typed_is_echoed_back(pages):
    response = pages.get("/staff", params={"place": "<script>alert(1)</script>", "category": "fgm"})
    assert "<script>alert" not in response.text


def test_card_holds_only_chosen_published_services(pages):
    results = pages.get("/staff", params={"la": "E07000219", "category": "sexual_violence"}).text
    ids = re.findall(r'name="service" value="([^"]+)"', results)
    card = pages.get("/staff/card", params={"service": ids[:2] + ["not-a-uuid"]})
    assert card.status_code == 200
    assert card.text.count('class="service"') == 2
    assert "call 999" in card.text
    assert pages.get("/staff/card").status_code == 400


def test_pages_have_a_strict_content_security_policy(pages):
    headers = pages.get("/staff").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def _section(html: str, heading: str) -> str:
    start = html.index(heading)
    following = html.find('class="group-heading"', start)
    return html[start:following if following != -1 else len(html)]


def test_the_finder_ranks_as_the_assistant_does_and_keeps_referral_routes_beside(pages):
    # a man in Charnwood: the lines for men first, as the assistant shows them
    html = pages.get("/staff", params={"la": "E07000130", "category": "domestic_abuse", "gender": "male"}).text
    first = _section(html, "Best fit for this person")
    assert first.index("Men&#39;s Advice Line") < first.index("Mankind Initiative") < first.index("Living Without Abuse")
    assert first.count('class="service"') == 6
    # Warwickshire: the counselling only Refuge can refer to sits with the referral routes
    html = pages.get("/staff", params={"la": "E07000219", "category": "domestic_abuse"}).text
    referral = _section(html, "Professional referral routes")
    assert "Listening Ear - DiAmond Counselling and Therapy Service" in referral
    assert "Ask your Refuge worker" in referral
    assert "DiAmond" not in _section(html, "Best fit for this person")
    # a child: Childline first, never an adult-only SARC
    html = pages.get("/staff", params={"area": "leicester-leicestershire-rutland", "category": "sexual_violence",
                                       "need": "sarc", "age": "14"}).text
    first = _section(html, "Best fit for this person")
    assert first.index("Childline") < first.index("NSPCC Helpline")
    assert "Juniper Lodge" not in html
