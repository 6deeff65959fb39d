"""Bad input gets a clear JSON 4xx and changes nothing. Never a 500."""
from __future__ import annotations

import pytest

HOSTILE = [
    "'; DROP TABLE service; --",
    "<script>alert(1)</script>",
    "\" OR 1=1 --",
    "%00%27",
    "../../etc/passwd",
    "CV11 4HL' UNION SELECT * FROM audit_entry --",
    "\u202e\u0000nul",
]


@pytest.mark.parametrize("value", ["ZZ1 1ZZ Z", "12345", "CV11", "", "A" * 17, "CV99 9ZZ"])
def test_bad_postcodes(read_client, value):
    response = read_client.get("/signpost", params={"postcode": value, "category": "stalking"})
    assert 400 <= response.status_code < 500
    body = response.json()
    assert body["error"] in {"invalid_postcode", "postcode_not_found", "invalid_request"}
    assert value not in body["detail"] or not value


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/signpost", {"category": "parking"}),
        ("/signpost", {}),
        ("/signpost", {"category": "stalking", "colour": "red"}),
        ("/signpost", {"category": "stalking", "age": "-1"}),
        ("/signpost", {"category": "stalking", "age": "old"}),
        ("/signpost", {"category": "stalking", "need": "pizza"}),
        ("/signpost", {"category": "stalking", "area": "narnia"}),
        ("/signpost", {"category": "stalking", "language": "<b>"}),
        ("/services", {"per_page": 101}),
        ("/services", {"per_page": 0}),
        ("/services", {"page": 0}),
        ("/services", {"day": "Funday"}),
        ("/services", {"start_time": "25:99"}),
        ("/services", {"proximity": 1000}),
        ("/services", {"unknown": "x"}),
        ("/taxonomies", {"per_page": 1000}),
        ("/areas/resolve", {}),
        ("/areas/resolve", {"q": "x" * 101}),
    ],
)
def test_bad_parameters_are_4xx_json(read_client, path, params):
    response = read_client.get(path, params=params)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) >= {"error", "detail"}


@pytest.mark.parametrize("value", HOSTILE)
def test_sql_and_script_fragments_are_harmless(read_client, value):
    for path, params in [
        ("/services", {"search": value}),
        ("/services", {"taxonomy_term_id": value[:64]}),
        ("/services", {"organization_id": value[:64]}),
        ("/areas/resolve", {"q": value}),
        ("/signpost", {"category": "stalking", "postcode": value[:16]}),
    ]:
        response = read_client.get(path, params=params)
        assert response.status_code < 500, (path, value)
        assert "<script>" not in response.text
    assert read_client.get("/services").json()["total_items"] > 20


def test_resolve_answers_not_found_for_nonsense(read_client):
    body = read_client.get("/areas/resolve", params={"q": "'; DROP TABLE service; --"}).json()
    assert body["status"] == "not_found"


def test_oversized_query_string(read_client):
    response = read_client.get("/services", params={"search": "a" * 200, "padding": "b" * 3000})
    assert response.status_code == 414
    assert response.json()["error"] == "query_too_long"


def test_oversized_body_is_refused_before_reading_it(client, admin_headers):
    response = client.post("/admin/services", content=b"{" + b" " * 100_000 + b"}",
                           headers={**admin_headers, "content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"


def test_streamed_oversized_body_is_refused(client, admin_headers):
    def chunks():
        for _ in range(100):
            yield b" " * 1024

    response = client.post("/admin/services", content=chunks(),
                           headers={**admin_headers, "content-type": "application/json"})
    assert response.status_code == 413


def test_malformed_json_body(client, admin_headers):
    response = client.post("/admin/services", content=b"{not json",
                           headers={**admin_headers, "content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def test_wrong_method(read_client):
    response = read_client.delete("/services")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_open_data_is_readable_from_any_origin_but_admin_is_not(read_client):
    assert read_client.get("/services").headers["access-control-allow-origin"] == "*"
    preflight = read_client.options("/services", headers={"Origin": "https://partner.example",
                                                            "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204
    assert "access-control-allow-origin" not in read_client.get("/admin/audit").headers


def test_security_headers_everywhere(read_client):
    for path in ("/", "/services", "/signpost?category=fgm", "/nope", "/admin/audit"):
        headers = read_client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_nul_bytes_are_refused_at_the_door(read_client):
    for path in ("/services?search=a%00b", "/areas/resolve?q=%00", "/services/abc%00"):
        response = read_client.get(path)
        assert response.status_code == 400, path
        assert response.json()["error"] == "bad_request"


def test_control_characters_in_bodies_are_refused(client, admin_headers):
    from tests.api.test_admin import NEW_SERVICE

    response = client.post("/admin/services", json={**NEW_SERVICE, "name": "Bad\u0000name"}, headers=admin_headers)
    assert response.status_code == 422
    feed = client.get("/admin/export", headers=admin_headers).json()["contents"][:1]
    feed[0]["description"] = "nul\u0000inside"
    response = client.post("/admin/import", json=feed, headers=admin_headers)
    assert response.status_code == 422
    assert client.get("/admin/audit", headers=admin_headers).json()["total_items"] == 0
