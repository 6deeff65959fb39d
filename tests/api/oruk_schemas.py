"""Validators built from the ORUK 3.0 schemata shipped in shared/reference/oruk-3.0."""
from __future__ import annotations

import json
from functools import lru_cache

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.api.conftest import SHARED

ORUK = SHARED / "reference" / "oruk-3.0"
BASE = "https://oruk.test/schemata/"


@lru_cache(maxsize=1)
def registry() -> Registry:
    resources = []
    for path in (ORUK / "schemata").glob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((BASE + path.name, Resource.from_contents(schema, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def validator(schema_name: str) -> Draft202012Validator:
    schema = json.loads((ORUK / "schemata" / schema_name).read_text())
    schema["$id"] = BASE + schema_name
    return Draft202012Validator(schema, registry=registry(), format_checker=FormatChecker())


@lru_cache(maxsize=1)
def page_schema() -> dict:
    openapi = json.loads((ORUK / "openapi.json").read_text())
    page = dict(openapi["components"]["schemas"]["Page"])
    return {**page, "required": list(page["properties"]) + ["contents"]}


def assert_valid(instance: object, schema_name: str) -> None:
    errors = sorted(validator(schema_name).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def assert_page(document: dict, item_schema: str) -> None:
    page_errors = list(Draft202012Validator(page_schema()).iter_errors(document))
    assert not page_errors, [e.message for e in page_errors]
    for item in document["contents"]:
        assert_valid(item, item_schema)
