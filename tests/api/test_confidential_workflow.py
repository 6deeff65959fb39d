"""A commissioner's work with confidential records: the review queue, marking, unmarking
with a reason and reviewing, each audited; and what later imports and edits may not undo."""
from __future__ import annotations

from tests.api.refuge_feed import CONTROL, CONTROL_ADDRESS, _id, refuge_feed
from tests.api.test_admin import NEW_SERVICE

AMBER = _id("in-location")
AMBER_LOCATION = _id("in-location", "location", 0)
BEECH = _id("feed-says-public")
BEECH_LOCATION = _id("feed-says-public", "location", 0)


def _import(client, headers, feed=None) -> dict:
    response = client.post("/admin/import", json=feed if feed is not None else refuge_feed(), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _public_addresses(client, service_id: str) -> list[str]:
    service = client.get(f"/services/{service_id}").json()
    return [address["address_1"] for sal in service.get("service_at_locations", [])
            for address in sal["location"].get("addresses", [])]


def _audit(client, headers) -> list[dict]:
    return client.get("/admin/audit", params={"per_page": 100}, headers=headers).json()["contents"]


def test_the_review_queue_and_the_commissioners_view_show_what_is_withheld(client, admin_headers):
    _import(client, admin_headers)
    pending = client.get("/admin/confidential", params={"review": "pending"}, headers=admin_headers).json()
    assert pending["total_items"] == 7
    everything = client.get("/admin/confidential", headers=admin_headers).json()
    assert everything["total_items"] == 9  # and the two the feed itself marked confidential
    assert CONTROL not in {s["id"] for s in everything["contents"]}
    amber = client.get(f"/admin/services/{AMBER}", headers=admin_headers).json()
    location = amber["service_at_locations"][0]["location"]
    assert location["addresses"][0]["address_1"] == "14 Sycamore Crescent"
    assert location["signpost"] == {"confidential": True, "public_confirmed": False}
    assert amber["signpost"]["confidentiality_review"] == "pending"
    assert "Withheld on import because the service's name contains 'refuge'" in amber["signpost"]["confidentiality_note"]
    assert _public_addresses(client, AMBER) == []
    assert client.get("/admin/confidential", params={"review": "maybe"}, headers=admin_headers).status_code == 422


def test_unmarking_needs_a_reason_and_is_audited(client, admin_headers):
    _import(client, admin_headers)
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        refused = client.post(f"/admin/services/{BEECH}/confidential/unmark", json=body, headers=admin_headers)
        assert refused.status_code == 422, body
    assert _public_addresses(client, BEECH) == []
    response = client.post(f"/admin/services/{BEECH}/confidential/unmark",
                           json={"reason": "A drop-in office, not the refuge: the manager confirmed by phone."},
                           headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.headers["etag"]
    assert response.json()["signpost"].get("confidentiality_review") is None
    assert _public_addresses(client, BEECH) == ["11 Beech Grove"]
    entry = _audit(client, admin_headers)[0]
    assert (entry["action"], entry["actor"], entry["entity_id"]) == ("unmark_confidential", "development-key", BEECH)
    assert entry["before"]["service_at_locations"][0]["location"]["signpost"]["confidential"] is True
    assert entry["after"]["service_at_locations"][0]["location"]["signpost"] == {
        "confidential": False, "public_confirmed": True}
    assert "manager confirmed by phone" in entry["after"]["signpost"]["confidentiality_note"]
    # Unmarking again changes nothing and writes nothing.
    again = client.post(f"/admin/services/{BEECH}/confidential/unmark", json={"reason": "again"}, headers=admin_headers)
    assert again.status_code == 200 and _audit(client, admin_headers)[0]["id"] == entry["id"]


def test_a_confirmed_location_stays_public_only_while_the_feed_says_so(client, admin_headers):
    _import(client, admin_headers)
    client.post(f"/admin/services/{BEECH}/confidential/unmark", json={"reason": "Confirmed public."},
                headers=admin_headers)
    again = _import(client, admin_headers)  # the feed still marks it public: it stays public
    assert BEECH not in {entry["service_id"] for entry in again["withheld"]}
    assert _public_addresses(client, BEECH) == ["11 Beech Grove"]
    feed = refuge_feed()
    del feed[6]["service_at_locations"][0]["location"]["signpost"]  # the feed no longer says so
    changed = _import(client, admin_headers, feed[6:7])
    assert [entry["service_id"] for entry in changed["withheld"]] == [BEECH]
    assert _public_addresses(client, BEECH) == []


def test_marking_withholds_at_once_and_needs_a_front_door(client, admin_headers):
    _import(client, admin_headers)
    assert _public_addresses(client, CONTROL) == [CONTROL_ADDRESS]
    door = "Call the single point of contact on 0800 408 1552."
    marked = client.post(f"/admin/services/{CONTROL}/confidential",
                         json={"reason": "Moved into the refuge building.", "front_door": door}, headers=admin_headers)
    assert marked.status_code == 200, marked.text
    assert _public_addresses(client, CONTROL) == []
    public = client.get(f"/services/{CONTROL}").json()
    assert public["signpost"]["front_door"] == door and "service_at_locations" in public
    assert public["service_at_locations"] == []
    proximity = client.get("/services", params={"postcode": "CV11 4HL", "proximity": 100}).json()
    assert CONTROL not in {s["id"] for s in proximity["contents"]}
    assert _audit(client, admin_headers)[0]["action"] == "mark_confidential"
    answer = client.get("/signpost", params={"area": "warwickshire", "category": "domestic_abuse"}).json()
    # A service with no phone and no front door cannot be hidden behind nothing.
    created = client.post("/admin/services", json={**NEW_SERVICE, "phones": []}, headers=admin_headers).json()
    refused = client.post(f"/admin/services/{created['id']}/confidential", json={"reason": "r"}, headers=admin_headers)
    assert refused.status_code == 422 and refused.json()["error"] == "front_door_required"
    assert answer["services"]


def test_one_location_can_be_withheld_and_another_published(client, admin_headers):
    feed = refuge_feed()
    control = feed[-1]
    office = {**control["service_at_locations"][0]}
    refuge_location = {"id": _id("control", "location", 1), "location_type": "physical",
                       "addresses": [{"id": _id("control", "address", 1), "address_1": "5 Cedar Row", "city": "Nuneaton",
                                      "state_province": "Warwickshire", "postal_code": "CV11 6LN", "country": "GB"}]}
    control["service_at_locations"] = [office, {"id": _id("control", "sal", 1), "location": refuge_location}]
    _import(client, admin_headers, [control])
    bad = client.post(f"/admin/services/{CONTROL}/confidential", json={"reason": "r", "locations": ["nope"]},
                      headers=admin_headers)
    assert bad.status_code == 422
    marked = client.post(f"/admin/services/{CONTROL}/confidential",
                         json={"reason": "The second address is the refuge.", "locations": [refuge_location["id"]]},
                         headers=admin_headers)
    assert marked.status_code == 200
    assert _public_addresses(client, CONTROL) == [CONTROL_ADDRESS]
    near_refuge = client.get("/services", params={"postcode": "CV11 6LN", "proximity": 50}).json()
    assert CONTROL not in {s["id"] for s in near_refuge["contents"]}
    near_office = client.get("/services", params={"postcode": "CV11 4HL", "proximity": 50}).json()
    assert CONTROL in {s["id"] for s in near_office["contents"]}
    assert "Cedar Row" not in client.get("/signpost", params={"postcode": "CV11 4HL", "category": "domestic_abuse"}).text


def test_review_keeps_what_was_withheld_and_clears_the_queue(client, admin_headers):
    _import(client, admin_headers)
    etag = client.get(f"/admin/services/{AMBER}", headers=admin_headers).headers["etag"]
    stale = client.post(f"/admin/services/{AMBER}/confidential/review", json={"reason": "Checked."},
                        headers={**admin_headers, "If-Match": '"stale"'})
    assert stale.status_code == 412
    reviewed = client.post(f"/admin/services/{AMBER}/confidential/review",
                           json={"reason": "It is the refuge.", "front_door": "Call 0800 408 1552."},
                           headers={**admin_headers, "If-Match": etag})
    assert reviewed.status_code == 200, reviewed.text
    assert _audit(client, admin_headers)[0]["action"] == "review_confidential"
    pending = client.get("/admin/confidential", params={"review": "pending"}, headers=admin_headers).json()
    assert AMBER not in {s["id"] for s in pending["contents"]}
    assert _public_addresses(client, AMBER) == []
    again = client.post(f"/admin/services/{AMBER}/confidential/review", json={"reason": "x"}, headers=admin_headers)
    assert again.status_code == 409
    assert client.post("/admin/services/no-such/confidential/review", json={"reason": "x"},
                       headers=admin_headers).status_code == 404
    # Re-importing the feed, or its own export, never publishes it again.
    _import(client, admin_headers)
    exported = client.get("/admin/export", headers=admin_headers).json()["contents"]
    _import(client, admin_headers, exported)
    amber = client.get(f"/admin/services/{AMBER}", headers=admin_headers).json()
    assert amber["service_at_locations"][0]["location"]["addresses"][0]["address_1"] == "14 Sycamore Crescent"
    assert amber["service_at_locations"][0]["location"]["signpost"]["confidential"] is True
    assert _public_addresses(client, AMBER) == []


def test_the_routes_need_the_key(client, admin_headers):
    for method, path in [("get", "/admin/confidential"), ("post", f"/admin/services/{AMBER}/confidential"),
                         ("post", f"/admin/services/{AMBER}/confidential/unmark"),
                         ("post", f"/admin/services/{AMBER}/confidential/review")]:
        response = client.request(method.upper(), path, json={"reason": "x"}, headers={"X-Signpost-Actor": "me"})
        assert response.status_code == 401, path


def test_a_commissioners_edit_never_publishes_a_withheld_location(client, admin_headers):
    refuge = {**NEW_SERVICE, "name": "Example Refuge", "needs": ["safe_accommodation"],
              "location": {"name": "The house", "address_1": "8 Maple Walk", "city": "Nuneaton", "postal_code": "CV11 6BU"}}
    created = client.post("/admin/services", json=refuge, headers=admin_headers)
    assert created.status_code == 201
    service_id = created.json()["id"]
    assert created.json()["signpost"]["confidentiality_review"] == "pending"
    assert _public_addresses(client, service_id) == []
    assert "Maple Walk" not in client.get(f"/services/{service_id}").text
    replaced = client.put(f"/admin/services/{service_id}", json={**refuge, "description": "Changed."},
                          headers=admin_headers)
    assert replaced.status_code == 200
    assert "Maple Walk" not in client.get(f"/services/{service_id}").text
    client.post(f"/admin/services/{service_id}/confidential/review", json={"reason": "Yes."}, headers=admin_headers)
    explicit = {**refuge, "location": {**refuge["location"], "confidential": False}}
    client.put(f"/admin/services/{service_id}", json=explicit, headers=admin_headers)
    assert "Maple Walk" not in client.get(f"/services/{service_id}").text
