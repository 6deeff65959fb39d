"""Trying to find a refuge's address: a feed with refuge addresses in every shape is
imported, then every public route, the export, the widget's cards, the staff finder's page
and printable card, and proximity searches from many postcodes are searched for them.

The control service's address is public and is found by the same searches, so a search
that could not see an address would fail here rather than pass blind.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from actions.formatting import services_message
from directory.signpost import CATEGORIES
from tests.api.app_routes import every_route
from tests.api.oruk_schemas import assert_page, assert_valid
from tests.api.refuge_feed import (
    CONTROL,
    CONTROL_ADDRESS,
    SECRETS,
    WARWICKSHIRE,
    WITHHELD_AT_LOCATIONS,
    WITHHELD_LOCATIONS,
    WITHHELD_SERVICES,
    _id,
    refuge_feed,
)

POSTCODES = [
    "CV11 4HL", "CV11 6BU", "CV11 6LN", "CV11 5TY", "CV11 4AA", "CV10 7DJ", "CV10 0AA", "CV12 8NF", "CV12 9AA",
    "CV21 2DN", "CV21 3AA", "CV21 1AA", "CV34 4RR", "CV31 1AA", "CV32 5AA", "CV35 9AA", "CV37 6HB", "CV9 1AA",
    "B49 5AA", "LE1 6ZG", "DE1 2AA",
]
PROXIMITIES = [25, 100, 500, 1000, 2500, 5000, 10_000, 25_000, 100_000, 500_000]
# Public routes with no path parameters that read no directory data; every other public GET
# route must be searched below, so a new one cannot be added without a leak check.
# /auth: sign-in only (api/routers/oidc.py), no directory data; the staff pages are signed in.
PUBLIC_PREFIXES_SKIPPED = ("/admin", "/accounts", "/auth", "/insights", "/metrics", "/chat", "/static", "/docs", "/redoc",
                           "/widget")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).casefold()


SEARCHED = [_normalise(secret) for secret in SECRETS]


def assert_no_secret(where: str, body: str) -> None:
    text = _normalise(body)
    found = [secret for secret in SEARCHED if secret in text]
    assert not found, f"{where} leaks {found}"
    assert '"distance"' not in text, f"{where} carries a distance"


@pytest.fixture(scope="module")
def directory(read_client: TestClient) -> Iterator[tuple[TestClient, dict]]:
    headers = {"X-API-Key": read_client.app.state.settings.admin_api_key.get_secret_value(),
               "X-Signpost-Actor": "data-team@warwickshire.example"}
    response = read_client.post("/admin/import", json=refuge_feed(), headers=headers)
    assert response.status_code == 200, response.text
    yield read_client, response.json()


@pytest.fixture(scope="module")
def admin(directory) -> dict[str, str]:
    client, _report = directory
    return {"X-API-Key": client.app.state.settings.admin_api_key.get_secret_value(),
            "X-Signpost-Actor": "commissioner@warwickshire.example"}


def test_the_import_report_says_what_was_withheld_and_why(directory):
    _client, report = directory
    assert report["created"] == len(refuge_feed())
    by_id = {entry["service_id"]: entry for entry in report["withheld"]}
    look_alikes = ["in-location", "in-description", "in-service-at-location", "coordinates-only", "need-only",
                   "urdu", "feed-says-public"]
    assert sorted(by_id) == sorted(_id(key) for key in look_alikes)
    assert all(entry["review"] == "pending" and entry["detail"].startswith("Withheld") for entry in by_id.values())
    assert "safe house" in by_id[_id("in-description")]["reason"]
    assert by_id[_id("in-description")]["service_texts"] is True
    assert "'safe_accommodation'" in by_id[_id("need-only")]["reason"]
    assert "پناہ گاہ" in by_id[_id("urdu")]["reason"]
    assert "schronisk" in by_id[_id("coordinates-only")]["reason"]
    assert by_id[_id("feed-says-public")]["feed_marked_public"] is True
    assert "a commissioner must confirm" in by_id[_id("feed-says-public")]["detail"]
    assert by_id[_id("in-location")]["locations"] == [_id("in-location", "location", 0)]
    assert not any(secret in json.dumps(report, ensure_ascii=False) for secret in SECRETS)


def test_the_control_address_is_public_so_the_search_can_see_one(directory):
    client, _report = directory
    body = client.get(f"/services/{CONTROL}").text
    assert CONTROL_ADDRESS in body and "CV11 4HL" in body
    with pytest.raises(AssertionError):
        assert_no_secret("a planted leak", body + " 14 Sycamore  crescent")


def _pages(client: TestClient, path: str, **params) -> list[dict]:
    pages, page = [], 1
    while True:
        document = client.get(path, params={"per_page": 100, "page": page, **params}).json()
        pages.append(document)
        if document["last_page"]:
            return pages
        page += 1


def test_no_oruk_route_carries_a_withheld_address(directory):
    client, _report = directory
    for params in ({}, {"search": "refuge"}, {"search": "sycamore"}, {"taxonomy_term_id": "safe_accommodation"},
                   {"postcode": "CV11 6BU"}, {"area": "warwickshire"}, {"organization_id": _id("org")}):
        for document in _pages(client, "/services", **params):
            assert_page(document, "service.json")
            assert_no_secret(f"/services {params}", json.dumps(document, ensure_ascii=False))
        for document in _pages(client, "/service_at_locations", **params):
            assert_page(document, "service_at_location.json")
            assert_no_secret(f"/service_at_locations {params}", json.dumps(document, ensure_ascii=False))
            listed = {item["id"] for item in document["contents"]}
            assert not listed & set(WITHHELD_AT_LOCATIONS)
    for service_id in WITHHELD_SERVICES + [CONTROL]:
        response = client.get(f"/services/{service_id}")
        assert response.status_code == 200
        assert_valid(response.json(), "service.json")
        assert_no_secret(f"/services/{service_id}", response.text)
        located = {sal["location_id"] for sal in response.json().get("service_at_locations", [])}
        assert not located & set(WITHHELD_LOCATIONS)
    for sal_id in WITHHELD_AT_LOCATIONS:
        response = client.get(f"/service_at_locations/{sal_id}")
        assert response.status_code == 404, sal_id
    assert client.get(f"/service_at_locations/{_id('control', 'sal', 0)}").status_code == 200


def test_searching_for_an_address_finds_no_withheld_service(directory):
    """Search reads names and descriptions: for a withheld service, only as published, so
    that searching for a street cannot say which refuge is on it."""
    client, _report = directory
    for secret in SECRETS + ["larch", "rugby cv21", "52.37"]:
        found = client.get("/services", params={"search": secret[:200], "per_page": 100}).json()
        assert not {s["id"] for s in found["contents"]} & set(WITHHELD_SERVICES), secret
    # What is published is still found.
    for words, service_id in [("safe house", _id("in-description")), ("call first", _id("in-description")),
                              ("amber house", _id("in-location")), ("drop-in", CONTROL)]:
        found = client.get("/services", params={"search": words, "per_page": 100}).json()
        assert service_id in {s["id"] for s in found["contents"]}, words


def test_withheld_services_still_answer_with_their_front_door(directory):
    client, _report = directory
    answer = client.get("/signpost", params={"area": "warwickshire", "category": "domestic_abuse",
                                             "need": "safe_accommodation"}).json()
    by_name = {service["name"]: service for service in answer["services"]}
    assert {"Amber House Refuge", "Rugby Safe House", "Willow Project", "Women's Housing Project"} <= set(by_name)
    assert by_name["Amber House Refuge"]["phones"][0]["uri"] == "tel:08004081552"
    assert by_name["Willow Project"]["referral"] == "Call 0800 408 1552 and ask for the Willow Project."
    safe_house = client.get(f"/services/{_id('in-description')}").json()
    assert safe_house["description"].startswith("Our safe house is at [address withheld]")
    assert safe_house["signpost"]["confidential"] is True


def test_signpost_the_widget_cards_and_the_staff_finder_carry_no_withheld_address(directory):
    client, _report = directory
    withheld_names = 0
    for category in CATEGORIES:
        for place in [{"area": "warwickshire"}, *({"postcode": p} for p in POSTCODES[:10])]:
            for extra in ({}, {"need": "safe_accommodation"}, {"language": "pl"}, {"language": "ur"}):
                response = client.get("/signpost", params={"category": category, **place, **extra})
                assert response.status_code == 200
                assert_no_secret(f"/signpost {category} {place} {extra}", response.text)
                services = response.json()["services"]
                withheld_names += sum(s["id"] in WITHHELD_SERVICES for s in services)
                # The widget draws its cards from these; other clients show the text.
                for locale in ("en", "pl", "ur"):
                    card = services_message("Services", services, locale)
                    assert_no_secret(f"widget cards {category} {place}", json.dumps(card, ensure_ascii=False))
    assert withheld_names > 0  # they were there to leak
    for code in WARWICKSHIRE:
        page = client.get("/staff", params={"la": code, "category": "domestic_abuse", "need": "safe_accommodation"})
        assert page.status_code == 200 and "Amber House Refuge" in page.text
        assert_no_secret(f"/staff la={code}", page.text)
    card = client.get("/staff/card", params={"service": WITHHELD_SERVICES})
    assert card.status_code == 200 and "Rugby Safe House" in card.text
    assert_no_secret("/staff/card", card.text)


def test_the_export_carries_no_withheld_address(directory, admin):
    client, _report = directory
    exported = client.get("/admin/export", headers=admin)
    assert exported.status_code == 200
    assert_no_secret("/admin/export", exported.text)
    by_id = {service["id"]: service for service in exported.json()["contents"]}
    assert CONTROL_ADDRESS in json.dumps(by_id[CONTROL])
    assert by_id[_id("feed-says-confidential")]["signpost"]["confidential"] is True
    for service_id in WITHHELD_SERVICES:
        assert_valid(by_id[service_id], "service.json")


def test_proximity_search_never_measures_a_withheld_location(directory):
    """From many postcodes and distances, down to 25 m from a refuge's own postcode: a
    service whose only locations are withheld never appears, so no set of answers can
    narrow down where it is. The control shows that these searches do find locations."""
    client, _report = directory
    found_control = set()
    for postcode in POSTCODES:
        for metres in PROXIMITIES:
            params = {"postcode": postcode, "proximity": metres, "per_page": 100}
            services = client.get("/services", params=params)
            at_locations = client.get("/service_at_locations", params=params)
            assert services.status_code == at_locations.status_code == 200
            ids = {service["id"] for service in services.json()["contents"]}
            assert not ids & set(WITHHELD_SERVICES), (postcode, metres)
            assert not {s["id"] for s in at_locations.json()["contents"]} & set(WITHHELD_AT_LOCATIONS)
            assert_no_secret(f"proximity {postcode} {metres}", services.text + at_locations.text)
            if CONTROL in ids:
                found_control.add((postcode, metres))
    assert ("CV11 4HL", 25) in found_control
    assert ("CV37 6HB", 1000) not in found_control


def test_every_public_route_was_searched(directory):
    client, _report = directory
    searched = {"/", "/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}",
                "/signpost", "/staff", "/staff/card", "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms",
                "/taxonomy_terms/{id}", "/areas/resolve", "/openapi.json", "/demo", "/partner",
                "/healthz"}
    public = {path for methods, path, _ in every_route(client.app.routes)
              if "GET" in methods and not path.startswith(PUBLIC_PREFIXES_SKIPPED)}
    assert public <= searched, f"public routes not searched for leaks: {sorted(public - searched)}"
    for path in ("/", "/taxonomies", "/demo", "/partner"):
        response = client.get(path)
        assert_no_secret(path, response.text)
    terms = _pages(client, "/taxonomy_terms")
    assert_no_secret("/taxonomy_terms", json.dumps(terms, ensure_ascii=False))
    assert any(term["id"] == _id("own-term") for page in terms for term in page["contents"])
    for path in (f"/taxonomy_terms/{_id('own-term')}", f"/taxonomies/{terms[0]['contents'][0]['taxonomy_id']}"):
        response = client.get(path)
        assert response.status_code == 200
        assert_no_secret(path, response.text)


def test_logs_hold_no_withheld_address(client, admin_headers, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    feed = refuge_feed()
    assert client.post("/admin/import", json=feed, headers=admin_headers).status_code == 200
    for postcode in POSTCODES[:5]:
        client.get("/services", params={"postcode": postcode, "proximity": 1000})
        client.get("/signpost", params={"postcode": postcode, "category": "domestic_abuse"})
    client.get("/staff/card", params={"service": WITHHELD_SERVICES})
    # A refuge record that fails: the error names the field, never the value.
    broken = refuge_feed()[:1]
    broken[0]["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "CV11 6BU 14 Sycamore Crescent"
    refused = client.post("/admin/import", json=broken, headers=admin_headers)
    assert refused.status_code == 422
    assert "addresses[0].postal_code" in refused.json()["detail"]
    assert_no_secret("the refusal", refused.text)
    captured = capsys.readouterr()
    logs = captured.err + captured.out + "\n".join(r.getMessage() for r in caplog.records if r.name != "httpx")
    assert '"route": "/admin/import"' in logs  # the access log did run
    assert_no_secret("the logs", logs)
