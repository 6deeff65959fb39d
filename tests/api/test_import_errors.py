"""A feed of broken records: each is refused with a 4xx that names the record, the field and
the problem, and nothing at all is changed. Two of these (an id another service uses, an
organization_id with no organization) used to be 500 internal_error."""
from __future__ import annotations

import copy

import pytest

from directory.ids import stable_id
from tests.api.refuge_feed import refuge_feed

GOOD = refuge_feed()[-1]  # an ordinary, valid record


def _seed_child_id(client, admin_headers, kind: str) -> str:
    rosa = client.get(f"/admin/services/{stable_id('service', 'rosa')}", headers=admin_headers).json()
    return rosa[kind][0]["id"]


def _broken(change) -> dict:
    record = copy.deepcopy(GOOD)
    change(record)
    return record


def _set(path: list, value):
    def change(record):
        target = record
        for part in path[:-1]:
            target = target[part]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return change


_DELETE = object()
SCHEMA_VIOLATIONS = [
    ("name", _set(["name"], _DELETE), 422, "name: Field required"),
    ("status", _set(["status"], "open for business"), 422, "status: Input should be"),
    ("phone number", _set(["phones", 0, "number"], _DELETE), 422, "phones[0].number: Field required"),
    ("phone type", _set(["phones", 0, "type"], "fax"), 422, "phones[0].type"),
    ("postcode", _set(["service_at_locations", 0, "location", "addresses", 0, "postal_code"], "X" * 11), 422,
     "service_at_locations[0].location.addresses[0].postal_code: String should have at most 10 characters"),
    ("latitude", _set(["service_at_locations", 0, "location", "latitude"], 200), 422,
     "service_at_locations[0].location.latitude"),
    ("age", _set(["minimum_age"], -1), 422, "minimum_age: Input should be greater than or equal to 0"),
    ("extension", _set(["signpost", "secret"], True), 422, "signpost.secret: unknown field"),
    ("location extension", _set(["service_at_locations", 0, "location", "signpost"], {"hidden": 1}), 422,
     "service_at_locations[0].location.signpost.hidden: unknown field"),
    ("time", _set(["phones"], [{"id": "p", "number": "0800 1111"}]) , 200, None),
    ("opening time", _set(["schedules"], [{"id": "s1", "opens_at": "25:99"}]), 422, "schedules[0].opens_at"),
    ("date", _set(["assured_date"], "yesterday"), 422, "assured_date"),
    ("id length", _set(["id"], "x" * 37), 422, "id: String should have at most 36 characters"),
    ("a list", _set(["phones"], "0800 1111"), 422, "phones: Input should be a valid list"),
    ("extension type", _set(["signpost", "confidential"], "maybe"), 422, "signpost.confidential"),
]


@pytest.mark.parametrize(("label", "change", "status", "message"), SCHEMA_VIOLATIONS,
                         ids=[case[0] for case in SCHEMA_VIOLATIONS])
def test_a_schema_violation_names_the_record_and_field(client, admin_headers, label, change, status, message):
    record = _broken(change)
    response = client.post("/admin/import", json=[refuge_feed()[0], record], headers=admin_headers)
    assert response.status_code == status, response.text
    if status == 200:
        return  # the control case: a valid change goes through
    body = response.json()
    assert body["error"] == "invalid_feed"
    assert body["detail"].startswith("service 1")
    assert message in body["detail"], body["detail"]
    _assert_nothing_changed(client, admin_headers)


def _assert_nothing_changed(client, admin_headers):
    assert client.get("/admin/audit", headers=admin_headers).json()["total_items"] == 0
    assert client.get(f"/services/{refuge_feed()[0]['id']}").status_code == 404


def test_ids_another_service_uses_are_a_conflict(client, admin_headers):
    phone_id = _seed_child_id(client, admin_headers, "phones")
    attribute_id = _seed_child_id(client, admin_headers, "attributes")
    cases = [
        (_broken(_set(["phones", 0, "id"], phone_id)), "phones[0].id", phone_id),
        (_broken(_set(["attributes", 0, "id"], attribute_id)), "attributes[0].id", attribute_id),
    ]
    for record, field, used in cases:
        response = client.post("/admin/import", json=[refuge_feed()[0], record], headers=admin_headers)
        assert response.status_code == 409, response.text
        detail = response.json()["detail"]
        assert response.json()["error"] == "conflict"
        assert detail.startswith(f"service 1 (id {GOOD['id']!r}): {field}: ") and used in detail
        assert "already belongs to another service" in detail
    _assert_nothing_changed(client, admin_headers)


def test_ids_used_twice_in_one_feed_are_a_conflict(client, admin_headers):
    first, second = refuge_feed()[0], copy.deepcopy(GOOD)
    second["phones"][0]["id"] = first["phones"][0]["id"]
    response = client.post("/admin/import", json=[first, second], headers=admin_headers)
    assert response.status_code == 409
    assert "service 1" in response.json()["detail"] and "phones[0].id" in response.json()["detail"]
    assert "also used by service 0" in response.json()["detail"]
    twice = client.post("/admin/import", json=[first, GOOD, first], headers=admin_headers)
    assert twice.status_code == 409 and "service 2" in twice.json()["detail"]
    _assert_nothing_changed(client, admin_headers)


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: (r.pop("organization"), r.update(organization_id="no-such-organization")),
     "organization_id: no organization 'no-such-organization'"),
    (lambda r: r["organization"].update(id="another-organization"),
     "organization_id: "),
    (lambda r: r["attributes"][0].update(taxonomy_term_id="no-such-term"),
     "attributes[0].taxonomy_term_id: no taxonomy term 'no-such-term'"),
    (lambda r: r["service_at_locations"][0].pop("location"),
     "service_at_locations[0].location_id: no location"),
], ids=["organization", "organization mismatch", "taxonomy term", "location"])
def test_unknown_references_are_named(client, admin_headers, change, message):
    record = copy.deepcopy(GOOD)
    change(record)
    if record["service_at_locations"] and "location" not in record["service_at_locations"][0]:
        record["service_at_locations"][0]["location_id"] = "no-such-location"
    response = client.post("/admin/import", json=[refuge_feed()[0], record], headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(f"service 1 (id {GOOD['id']!r}): ")
    assert message in response.json()["detail"]
    _assert_nothing_changed(client, admin_headers)


def test_a_feed_of_broken_records_never_answers_5xx(client, admin_headers):
    phone_id = _seed_child_id(client, admin_headers, "phones")
    broken = [change for _label, change, status, _message in SCHEMA_VIOLATIONS if status != 200]
    records = [_broken(change) for change in broken]
    records += [_broken(_set(["phones", 0, "id"], phone_id)), _broken(_set(["organization_id"], "nobody"))]
    records += [None, "a service", 3, [], {}, {"id": 1, "name": 2}, {"id": "x", "name": "y", "phones": [None]}]
    for record in records:
        response = client.post("/admin/import", json=[record], headers=admin_headers)
        assert 400 <= response.status_code < 500, (record, response.text)
        assert response.json()["detail"].startswith("service 0")
    _assert_nothing_changed(client, admin_headers)
