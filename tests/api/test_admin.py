"""The commissioners' write interface: key checks, audit trail, assurance, ORUK import/export."""
from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest

from tests.api.conftest import make_client
from tests.api.oruk_schemas import assert_valid

NEW_SERVICE = {
    "area": "warwickshire",
    "name": "Example Outreach Service",
    "organization": "Example Charity",
    "description": "One-to-one support for survivors of domestic abuse in Warwickshire.",
    "url": "https://example.org/outreach",
    "categories": ["domestic_abuse"],
    "needs": ["specialist_support"],
    "eligibility": ["self_referral"],
    "phones": [{"number": "01632 960 001", "type": "voice"}],
    "source": "Commissioning contract, Warwickshire County Council",
    "source_date": "2026-11-01",
    "assured": True,
}


def _public_names(client, **params) -> set[str]:
    response = client.get("/services", params={"per_page": 100, **params})
    return {s["name"] for s in response.json()["contents"]}


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-API-Key": "wrong", "X-Signpost-Actor": "someone"}, {"X-API-Key": "", "X-Signpost-Actor": "someone"}],
)
def test_writes_are_refused_without_the_right_key(client, headers):
    before = client.get("/services").json()["total_items"]
    for method, path, body in [
        ("post", "/admin/services", NEW_SERVICE),
        ("post", "/admin/import", []),
        ("get", "/admin/export", None),
        ("get", "/admin/audit", None),
    ]:
        response = client.request(method.upper(), path, json=body, headers=headers)
        assert response.status_code == 401, (path, response.json())
        assert response.json()["error"] == "unauthorised"
        assert "access-control-allow-origin" not in response.headers
    assert client.get("/services").json()["total_items"] == before


def test_the_audit_ignores_a_caller_supplied_name(client, admin_headers):
    """X-Signpost-Actor once named the actor; now the authenticated principal does (docs/accounts.md)."""
    response = client.post("/admin/services", json=NEW_SERVICE,
                           headers={**admin_headers, "X-Signpost-Actor": "someone.else@council.example"})
    assert response.status_code == 201
    audit = client.get("/admin/audit", headers=admin_headers).json()["contents"]
    assert (audit[0]["action"], audit[0]["actor"]) == ("create", "development-key")


def _signposted(client) -> set[str]:
    document = client.get("/signpost", params={"area": "warwickshire", "category": "domestic_abuse"}).json()
    return {s["name"] for s in document["services"]}


def test_create_update_retire_with_an_audit_row_for_each(client, admin_headers):
    assert "Example Outreach Service" not in _signposted(client)  # fills the cached snapshot
    created = client.post("/admin/services", json=NEW_SERVICE, headers=admin_headers)
    assert created.status_code == 201, created.json()
    service = created.json()
    assert_valid(service, "service.json")
    assert service["assured_date"] and service["signpost"]["confidence"] == "C"
    assert "Example Outreach Service" in _public_names(client, area="warwickshire")
    assert "Example Outreach Service" in _signposted(client)  # the cache noticed the write

    changed = {**NEW_SERVICE, "description": "Now also offers group work."}
    updated = client.put(f"/admin/services/{service['id']}", json=changed, headers=admin_headers)
    assert updated.status_code == 200, updated.json()
    assert updated.json()["description"] == "Now also offers group work."

    retired = client.post(f"/admin/services/{service['id']}/retire",
                          json={"status": "defunct", "reason": "Contract ended"}, headers=admin_headers)
    assert retired.json()["status"] == "defunct"
    assert "Example Outreach Service" not in _signposted(client)

    audit = client.get("/admin/audit", headers=admin_headers).json()["contents"]
    assert [a["action"] for a in audit[:3]] == ["retire", "update", "create"]
    assert all(a["actor"] == "development-key" for a in audit[:3])
    update = audit[1]
    assert update["before"]["description"].startswith("One-to-one")
    assert update["after"]["description"] == "Now also offers group work."
    assert audit[2]["before"] is None


def test_assuring_an_unverified_record_publishes_it(client, admin_headers):
    everything = client.get("/admin/services", params={"per_page": 100}, headers=admin_headers).json()["contents"]
    sv2 = next(s for s in everything if s["name"].startswith("SV2"))
    assert "assured_date" not in sv2
    assert client.get(f"/services/{sv2['id']}").status_code == 404
    response = client.post(f"/admin/services/{sv2['id']}/assure", json={"assured_date": "2026-11-20"},
                           headers=admin_headers)
    assert response.status_code == 200
    assert client.get(f"/services/{sv2['id']}").json()["assured_date"] == "2026-11-20"
    assert client.get("/admin/audit", headers=admin_headers).json()["contents"][0]["action"] == "assure"


def test_assurance_cannot_be_dated_in_the_future(client, admin_headers):
    service_id = client.get("/services").json()["contents"][0]["id"]
    response = client.post(f"/admin/services/{service_id}/assure", json={"assured_date": "2099-01-01"},
                           headers=admin_headers)
    assert response.status_code == 422


def test_new_services_must_be_reachable_and_well_formed(client, admin_headers):
    for bad in [
        {**NEW_SERVICE, "phones": [], "url": None},
        {**NEW_SERVICE, "phones": [{"number": "call us", "type": "voice"}]},
        {**NEW_SERVICE, "categories": ["parking"]},
        {**NEW_SERVICE, "needs": ["not_a_need"]},
        {**NEW_SERVICE, "colour": "purple"},
        {**NEW_SERVICE, "url": "javascript:alert(1)"},
        {**NEW_SERVICE, "local_authorities": ["'; DROP TABLE service; --"]},
        {**NEW_SERVICE, "name": "x" * 300},
    ]:
        response = client.post("/admin/services", json=bad, headers=admin_headers)
        assert response.status_code == 422, bad
    assert client.get("/admin/audit", headers=admin_headers).json()["total_items"] == 0


def test_export_import_round_trip_into_an_empty_directory(client, admin_headers, tmp_path):
    exported = client.get("/admin/export", headers=admin_headers).json()
    assert exported["total_items"] == len(exported["contents"]) >= 30
    for service in exported["contents"]:
        assert_valid(service, "service.json")

    with make_client(f"sqlite:///{tmp_path / 'empty.db'}", load_seed_on_empty=False) as empty:
        assert empty.get("/services").json()["total_items"] == 0
        result = empty.post("/admin/import", json=exported, headers=admin_headers).json()
        assert result == {"services": len(exported["contents"]), "created": len(exported["contents"]), "updated": 0,
                          "withheld": []}
        again = empty.post("/admin/import", json=exported, headers=admin_headers).json()
        assert again["created"] == 0 and again["updated"] == 0
        reexported = empty.get("/admin/export", headers=admin_headers).json()

    def comparable(document: dict) -> list[dict]:
        return [{k: v for k, v in s.items() if k != "last_modified"} for s in document["contents"]]

    assert comparable(reexported) == comparable(exported)


def test_import_from_a_url(client, admin_headers, tmp_path):
    feed = client.get("/admin/export", headers=admin_headers).json()
    rosa = next(s for s in feed["contents"] if s["name"] == "RoSA")
    rosa["description"] = "Updated through the council's own ORUK feed."
    (tmp_path / "feed.json").write_text(json.dumps({"contents": [rosa], "total_pages": 1}))
    server = _serve(tmp_path)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.json"
        result = client.post("/admin/import", json={"url": url}, headers=admin_headers)
        assert result.status_code == 200, result.json()
        assert result.json() == {"services": 1, "created": 0, "updated": 1, "withheld": []}
    finally:
        server.shutdown()
    assert client.get(f"/services/{rosa['id']}").json()["description"] == "Updated through the council's own ORUK feed."
    unreachable = client.post("/admin/import", json={"url": "http://127.0.0.1:9/feed.json"}, headers=admin_headers)
    assert unreachable.status_code == 422 and unreachable.json()["error"] == "feed_unreachable"


def test_a_bad_feed_changes_nothing(client, admin_headers):
    feed = [s for s in client.get("/admin/export", headers=admin_headers).json()["contents"] if "assured_date" in s]
    good = {**feed[0], "description": "Should not be saved"}
    bad = {**feed[1], "status": "not a status"}
    response = client.post("/admin/import", json=[good, bad], headers=admin_headers)
    assert response.status_code == 422
    assert client.get(f"/services/{good['id']}").json()["description"] != "Should not be saved"
    assert client.get("/admin/audit", headers=admin_headers).json()["total_items"] == 0


def _serve(directory: Path) -> http.server.ThreadingHTTPServer:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
