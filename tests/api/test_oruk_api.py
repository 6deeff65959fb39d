"""Every ORUK endpoint's output validates against the shipped ORUK 3.0 schemata."""
from __future__ import annotations

import pytest

from tests.api.oruk_schemas import assert_page, assert_valid


def test_the_schema_check_rejects_a_broken_service(read_client):
    service = read_client.get("/services", params={"per_page": 1}).json()["contents"][0]
    broken = {**service, "status": "open for business"}
    with pytest.raises(AssertionError):
        assert_valid(broken, "service.json")


def test_meta(read_client):
    response = read_client.get("/")
    assert response.status_code == 200
    assert response.json()["version"] == "3.0"
    assert response.headers["access-control-allow-origin"] == "*"


def test_services_pages_and_every_full_service(read_client):
    first = read_client.get("/services", params={"per_page": 10}).json()
    assert_page(first, "service.json")
    assert first["first_page"] and not first["last_page"] and first["size"] == 10
    total = first["total_items"]
    seen = []
    for page in range(1, first["total_pages"] + 1):
        document = read_client.get("/services", params={"per_page": 10, "page": page}).json()
        assert_page(document, "service.json")
        seen += [s["id"] for s in document["contents"]]
    assert len(seen) == len(set(seen)) == total
    for service_id in seen:
        response = read_client.get(f"/services/{service_id}")
        assert response.status_code == 200
        assert_valid(response.json(), "service.json")


def test_unassured_services_are_never_published(read_client):
    names = {s["name"] for s in read_client.get("/services", params={"per_page": 100}).json()["contents"]}
    assert not any("SV2" in n or "Millfield" in n for n in names)
    assert "RoSA" in names


def test_taxonomies_and_terms(read_client):
    taxonomies = read_client.get("/taxonomies").json()
    assert_page(taxonomies, "taxonomy.json")
    taxonomy = read_client.get(f"/taxonomies/{taxonomies['contents'][0]['id']}").json()
    assert_valid(taxonomy, "taxonomy.json")
    codes = {t["term"] for t in taxonomy["taxonomy_terms"]}
    assert {"domestic_abuse", "sexual_violence", "stalking", "fgm", "honour_based_abuse", "forced_marriage",
            "isva", "idva", "chisva", "sarc", "own_behaviour", "lgbt", "open_24_7"} <= codes
    terms = read_client.get("/taxonomy_terms", params={"per_page": 100}).json()
    assert_page(terms, "taxonomy_term.json")
    term = read_client.get(f"/taxonomy_terms/{terms['contents'][0]['id']}").json()
    assert_valid(term, "taxonomy_term.json")
    assert read_client.get("/taxonomy_terms/stalking").json()["term"] == "stalking"


def test_service_at_locations(read_client):
    document = read_client.get("/service_at_locations").json()
    assert_page(document, "service_at_location.json")
    assert document["total_items"] >= 2
    for item in document["contents"]:
        one = read_client.get(f"/service_at_locations/{item['id']}")
        assert one.status_code == 200
        assert_valid(one.json(), "service_at_location.json")
        assert_valid(one.json()["location"], "location.json")


def test_service_at_locations_near_a_postcode(read_client):
    # Juniper Lodge SARC is at LE3 6RJ; LE1 (city centre) is within 5 km, Oakham is not.
    near = read_client.get("/service_at_locations", params={"postcode": "LE1 6ZG", "proximity": 5000}).json()
    assert "Juniper Lodge" in {i["location"]["name"] for i in near["contents"]}
    far = read_client.get("/service_at_locations", params={"postcode": "LE15 6RB", "proximity": 5000}).json()
    assert "Juniper Lodge" not in {i["location"]["name"] for i in far["contents"]}


@pytest.mark.parametrize(
    ("params", "must_include", "must_exclude"),
    [
        ({"taxonomy_term_id": "sarc"}, {"Juniper Lodge Sexual Assault Referral Centre"}, {"RoSA"}),
        ({"search": "rosa"}, {"RoSA"}, {"Safeline"}),
        ({"search": "100%"}, set(), {"RoSA"}),
        ({"postcode": "CV11 4HL"}, {"RoSA", "Childline"}, {"Freeva (Free From Violence and Abuse)"}),
        ({"area": "leicester-leicestershire-rutland"}, {"Freeva (Free From Violence and Abuse)"}, {"RoSA"}),
        ({"minimum_age": 18}, {"Juniper Lodge Sexual Assault Referral Centre"}, {"RoSA"}),
        ({"maximum_age": 18}, {"Childline"}, {"RoSA"}),
        ({"day": "SA", "start_time": "10:00"}, {"Karma Nirvana Honour-Based Abuse Helpline"}, {"RoSA"}),
    ],
)
def test_service_filters(read_client, params, must_include, must_exclude):
    response = read_client.get("/services", params={"per_page": 100, **params})
    assert response.status_code == 200, response.json()
    names = {s["name"] for s in response.json()["contents"]}
    assert must_include <= names
    assert not (must_exclude & names)


def test_services_by_taxonomy_term_uuid(read_client):
    term = read_client.get("/taxonomy_terms/stalking").json()
    names = {s["name"] for s in read_client.get("/services", params={"taxonomy_term_id": term["id"]}).json()["contents"]}
    assert "National Stalking Helpline" in names


def test_unknown_ids_are_json_404s(read_client):
    for path in ("/services/nope", "/taxonomies/nope", "/taxonomy_terms/nope", "/service_at_locations/nope"):
        response = read_client.get(path)
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
