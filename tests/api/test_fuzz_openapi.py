"""Property-based fuzzing of every operation in the API's own OpenAPI document (schemathesis).

For valid and invalid input alike: never a server error, and every answer is one the
document declares (status code, content type, body schema). Commissioners' and account
operations run with the development key (every role), so the writes themselves are fuzzed,
not only the refusal; chat operations
run against a real session half the time. The assistant is absent, so the gateway answers
with its fallback: that too must match the document.

Reproducible: hypothesis is derandomised and keeps no example database.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import DataGenerationMethod
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette_testclient import TestClient

from api.main import create_app
from api.settings import Settings
from tests.api.conftest import ADMIN_KEY, POSTGRES_URL, _reset_postgres
from tests.api.refuge_feed import refuge_feed
from tests.stack.harness import free_port

CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance)
BASE_URL = "http://testserver"
# FastAPI writes OpenAPI 3.1; schemathesis 3.39 reads it behind this switch.
schemathesis.experimental.OPEN_API_3_1.enable()


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    if POSTGRES_URL:
        _reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    settings = Settings(
        environment="test", database_url=url, admin_api_key=ADMIN_KEY,
        # Nothing listens here: the gateway's fallback answers every chat message.
        rasa_url=f"http://127.0.0.1:{free_port()}", chat_timeout_seconds=1,
        chat_rate_limit_session="100000/minute", chat_rate_limit_client="100000/minute",
        import_timeout_seconds=1,
        # Fuzzed sign-ins fail all the time; a lock-out here would hide the other routes behind 429.
        auth_failures_per_client="100000 per minute", auth_failures_per_account="100000 per minute",
    )
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        # Confidential records too, so the routes that mark, unmark and review them, and
        # every view of them, are fuzzed against withheld and pending services.
        imported = client.post("/admin/import", json=refuge_feed(),
                               headers={"X-API-Key": ADMIN_KEY})
        assert imported.status_code == 200 and imported.json()["withheld"], imported.text
        yield client


@pytest.fixture(scope="module")
def api_schema(fuzz_client: TestClient):
    return schemathesis.from_dict(
        fuzz_client.get("/openapi.json").json(),
        base_url=BASE_URL,
        data_generation_methods=[DataGenerationMethod.positive, DataGenerationMethod.negative],
    )


schema = schemathesis.from_pytest_fixture("api_schema")
turns = itertools.count()
service_ids: list[str] = []


def _prepare(case, client: TestClient) -> None:
    path = case.operation.path
    turn = next(turns)
    if path.startswith("/admin/"):
        case.headers = {**(case.headers or {}), "X-API-Key": ADMIN_KEY}
    if (path.startswith("/insights/") or path == "/metrics") and turn % 2 == 0:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {ADMIN_KEY}"}
    if "{id}" in path and path.startswith("/admin/") and turn % 2 == 0:
        if not service_ids:
            listed = client.get("/admin/services", params={"per_page": 100}, headers=case.headers).json()
            service_ids.extend(service["id"] for service in listed["contents"])
        case.path_parameters = {**(case.path_parameters or {}), "id": service_ids[turn % len(service_ids)]}
    if "{session_id}" in path and turn % 2 == 0:
        started = client.post("/chat/sessions", json={})
        assert started.status_code == 201, started.text
        case.path_parameters = {**(case.path_parameters or {}), "session_id": started.json()["session_id"]}


@schema.parametrize()
@settings(max_examples=25, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_every_operation_answers_as_documented(case, fuzz_client: TestClient):
    _prepare(case, fuzz_client)
    response = case.call(session=fuzz_client, base_url=BASE_URL)
    case.validate_response(response, checks=CHECKS)


def test_every_operation_is_fuzzed(api_schema):
    """The document lists the chat gateway and the commissioners' interface, so they are fuzzed."""
    operations = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert {("POST", "/chat/sessions"), ("POST", "/chat/sessions/{session_id}/messages"),
            ("POST", "/admin/services"), ("PUT", "/admin/services/{id}"), ("POST", "/admin/import"),
            ("GET", "/admin/confidential"), ("POST", "/admin/services/{id}/confidential"),
            ("POST", "/admin/services/{id}/confidential/unmark"),
            ("POST", "/admin/services/{id}/confidential/review")} <= operations
    assert len(operations) >= 27


def test_the_import_documents_the_confidential_fields(api_schema):
    """The fuzzer writes feeds from the documented body, so it must know the extension's
    confidentiality fields on services and on locations."""
    body = api_schema["/admin/import"]["POST"].definition.raw["requestBody"]["content"]["application/json"]["schema"]
    service = body["anyOf"][0]["items"]
    extension = next(option for option in service["properties"]["signpost"]["anyOf"] if option.get("type") == "object")
    assert {"confidential", "front_door"} <= set(extension["properties"])
    assert extension["additionalProperties"] is False
    location = next(o for o in service["properties"]["service_at_locations"]["anyOf"] if o.get("type") == "array")
    location = next(o for o in location["items"]["properties"]["location"]["anyOf"] if o.get("type") == "object")
    location_extension = next(o for o in location["properties"]["signpost"]["anyOf"] if o.get("type") == "object")
    assert "confidential" in location_extension["properties"]
