"""Request bodies for the commissioners' write interface: strict, with length limits."""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from directory.feed_schema import FeedService
from directory.seed_schema import AreaOrNational, SeedLanguage, SeedLocation, SeedPhone, SeedSchedule, SeedService
from vocabulary.categories import CATEGORIES

Category = Literal[CATEGORIES]

GSS = r"^[EWSN]\d{8}$"


class ServiceWrite(SeedService):
    """A service as a commissioner creates or replaces it. Same fields as the seed files."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    area: AreaOrNational
    slug: str | None = Field(None, pattern=r"^[a-z0-9-]+$", max_length=100)  # type: ignore[assignment]
    name: str = Field(min_length=1, max_length=255)
    organization: str = Field(min_length=1, max_length=255)
    description: str = Field(min_length=1, max_length=5000)
    url: str | None = Field(None, pattern=r"^https?://[^\s<>\"']+$", max_length=500)
    email: str | None = Field(None, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", max_length=255)
    categories: list[Category] = Field(max_length=len(CATEGORIES))
    needs: list[str] = Field(max_length=13)
    eligibility: list[str] = Field(default=[], max_length=10)
    minimum_age: int | None = Field(None, ge=0, le=130)
    maximum_age: int | None = Field(None, ge=0, le=130)
    referral: str | None = Field(None, max_length=1000)
    phones: list[SeedPhone] = Field(default=[], max_length=10)
    schedules: list[SeedSchedule] = Field(default=[], max_length=14)
    hours_note: str | None = Field(None, max_length=500)
    languages: list[SeedLanguage] = Field(default=[], max_length=30)
    location: SeedLocation | None = None
    links: list[str] = Field(default=[], max_length=5)
    local_authorities: list[str] | None = Field(None, max_length=60)
    extra_local_authorities: list[str] = Field(default=[], max_length=60)
    confidence: Literal["C"] = "C"
    source: str = Field(min_length=1, max_length=500)
    source_date: dt.date
    notes: str | None = Field(None, max_length=2000)
    assured: bool = False

    @model_validator(mode="after")
    def _check_codes(self) -> ServiceWrite:
        for code in (self.local_authorities or []) + self.extra_local_authorities:
            if not re.match(GSS, code):
                raise ValueError(f"not a GSS local authority code: {code!r}")
        if self.area == "national" and (self.local_authorities or self.extra_local_authorities):
            raise ValueError("a national service covers England: leave local_authorities out")
        return self


class RetireBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["inactive", "defunct", "temporarily closed"]
    reason: str = Field(min_length=1, max_length=1000)


class AssureBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assured_date: dt.date | None = None
    assurer_email: str | None = Field(None, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", max_length=255)


class ImportFromUrl(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(pattern=r"^https?://[^\s<>\"']+$", max_length=2000)


LocationIds = Field(None, min_length=1, max_length=100, description="Only these locations; leave out for the whole service")
Reason = Field(min_length=1, max_length=1000, description="Why: kept in the audit trail and the service's note")
FrontDoor = Field(None, min_length=1, max_length=1000,
                  description="How people reach the service without its address, e.g. a phone line or referral route")


class MarkConfidential(BaseModel):
    """Withhold a service's whereabouts (every location, now and later) or some locations."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: str = Reason
    front_door: str | None = FrontDoor
    locations: list[Annotated[str, Field(min_length=1, max_length=36)]] | None = LocationIds


class UnmarkConfidential(BaseModel):
    """Publish withheld whereabouts again: always with a reason."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: str = Reason
    locations: list[Annotated[str, Field(min_length=1, max_length=36)]] | None = LocationIds


class ReviewConfidential(BaseModel):
    """Confirm, after an import flagged it, that what was withheld stays withheld."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: str = Reason
    front_door: str | None = FrontDoor


def _inline(schema: dict) -> dict:
    """A model's JSON schema with its $defs written in place, to sit inside the OpenAPI
    document where "#/$defs/..." would point at the document, not the schema."""
    definitions = schema.pop("$defs", {})

    def resolve(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve({**definitions[node["$ref"].rsplit("/", 1)[-1]],
                                **{k: v for k, v in node.items() if k != "$ref"}})
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


FEED_SERVICE_SCHEMA = _inline(FeedService.model_json_schema())
# What POST /admin/import documents (directory/feed_schema.py checks each record itself, so a
# bad one is named with its place in the feed): a list of services, a page, or a URL.
IMPORT_BODY_SCHEMA = {
    "anyOf": [
        {"type": "array", "items": FEED_SERVICE_SCHEMA},
        {"type": "object", "properties": {"contents": {"type": "array", "items": FEED_SERVICE_SCHEMA}},
         "required": ["contents"]},
        _inline(ImportFromUrl.model_json_schema()),
    ]
}
