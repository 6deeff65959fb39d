"""The shape of one service in an imported Open Referral UK 3.0 feed, checked before anything
is written, so that a bad record is refused with its place, the field and the problem
instead of failing deep in the database.

ORUK objects ignore fields Signpost does not keep (funding, cost options, accessibility...):
a feed that carries them is still a valid feed, and the standard expects readers to skip
what they do not know. Signpost's own `signpost` extension objects are ours, and strict.
Lengths are the database's, so PostgreSQL never refuses a value the check let through.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from vocabulary.ranking import Audience
from directory.seed_schema import CONTROL_CHARACTERS


def _date(value: str) -> str:
    dt.date.fromisoformat(value[:10])
    return value


def _time(value: str) -> str:
    dt.time.fromisoformat(value[:8])
    return value


def _datetime(value: str) -> str:
    dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


Id = Annotated[str, Field(min_length=1, max_length=36)]
IsoDate = Annotated[str, Field(max_length=40, pattern=r"^\d{4}-\d{2}-\d{2}"), AfterValidator(_date)]
IsoTime = Annotated[str, Field(max_length=20, pattern=r"^\d{2}:\d{2}"), AfterValidator(_time)]
IsoDateTime = Annotated[str, Field(max_length=40, pattern=r"^\d{4}-\d{2}-\d{2}"), AfterValidator(_datetime)]


def Text(limit: int) -> type:  # noqa: N802 - reads as a type in the models below
    return Annotated[str, Field(max_length=limit)]  # type: ignore[return-value]


class Oruk(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Ours(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeedAddress(Oruk):
    id: Id
    attention: Text(255) | None = None
    address_1: Annotated[str, Field(min_length=1, max_length=255)]
    city: Annotated[str, Field(min_length=1, max_length=255)]
    region: Text(255) | None = None
    state_province: Annotated[str, Field(min_length=1, max_length=255)]
    postal_code: Annotated[str, Field(min_length=1, max_length=10)]
    country: Annotated[str, Field(min_length=2, max_length=2)] = "GB"
    address_type: Text(20) = "physical"


class LocationExtension(Ours):
    """`confidential`: true withholds the location; false says the feed means it to be
    public (a look-alike of safe accommodation still waits for a commissioner).
    `public_confirmed` is set only by a commissioner; a feed's value is ignored."""

    confidential: bool | None = None
    public_confirmed: bool | None = None


class FeedLocation(Oruk):
    id: Id
    location_type: Text(20) = "physical"
    name: Text(255) | None = None
    description: Text(10_000) | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    external_identifier: Text(255) | None = None
    external_identifier_type: Text(255) | None = None
    addresses: Annotated[list[FeedAddress], Field(max_length=10)] | None = None
    signpost: LocationExtension | None = None


class FeedServiceAtLocation(Oruk):
    id: Id
    location_id: Id | None = None
    location: FeedLocation | None = None


class FeedPhone(Oruk):
    id: Id
    number: Annotated[str, Field(min_length=1, max_length=50)]
    type: Literal["voice", "text", "textphone"] = "voice"
    description: Text(2000) | None = None


class FeedSchedule(Oruk):
    id: Id
    valid_from: IsoDate | None = None
    valid_to: IsoDate | None = None
    dtstart: IsoDate | None = None
    freq: Text(10) | None = None
    interval: Annotated[int, Field(ge=0, le=10_000)] | None = None
    byday: Text(40) | None = None
    bymonthday: Text(100) | None = None
    description: Text(5000) | None = None
    opens_at: IsoTime | None = None
    closes_at: IsoTime | None = None
    schedule_link: Text(500) | None = None
    attending_type: Text(255) | None = None
    notes: Text(5000) | None = None


class FeedServiceArea(Oruk):
    id: Id
    name: Text(255) | None = None
    extent: Text(100_000) | None = None
    extent_type: Text(20) | None = None
    uri: Text(500) | None = None


class FeedLanguage(Oruk):
    id: Id
    name: Text(100) | None = None
    code: Text(20) | None = None
    note: Text(2000) | None = None


class FeedContact(Oruk):
    id: Id
    name: Text(255) | None = None
    title: Text(255) | None = None
    phones: Annotated[list[FeedPhone], Field(max_length=10)] | None = None


class FeedTerm(Oruk):
    name: Text(255) | None = None
    description: Text(5000) | None = None
    term_uri: Text(500) | None = None


class FeedAttribute(Oruk):
    id: Id
    link_type: Text(32) | None = None
    taxonomy_term_id: Id
    taxonomy_term: FeedTerm | None = None


class FeedOrganization(Oruk):
    id: Id
    name: Annotated[str, Field(min_length=1, max_length=255)]
    description: Text(10_000) | None = None
    email: Text(255) | None = None
    website: Text(500) | None = None
    uri: Text(500) | None = None


class ServiceExtension(Ours):
    """Signpost's facts about a service (directory/models.py). `confidentiality_review` and
    `confidentiality_note` are a commissioner's, set through the review routes: a feed's
    values are accepted (so a commissioner's own view can be sent back) and ignored."""

    source: Text(1000) | None = None
    source_date: IsoDate | None = None
    confidence: Literal["S", "H", "M", "U", "C"] | None = None
    scope: Literal["national", "local"] | None = None
    general: bool | None = None
    audience: Audience | None = None
    referral: Text(2000) | None = None
    hours_note: Text(1000) | None = None
    confidential: bool | None = None
    front_door: Text(1000) | None = None
    confidentiality_review: Text(20) | None = None
    confidentiality_note: Text(5000) | None = None


class FeedService(Oruk):
    id: Id
    organization_id: Id | None = None
    name: Annotated[str, Field(min_length=1, max_length=255)]
    description: Text(10_000) | None = None
    url: Text(500) | None = None
    email: Text(255) | None = None
    status: Literal["active", "inactive", "defunct", "temporarily closed"] = "active"
    fees: Text(5000) | None = None
    accreditations: Text(5000) | None = None
    minimum_age: Annotated[int, Field(ge=0, le=130)] | None = None
    maximum_age: Annotated[int, Field(ge=0, le=130)] | None = None
    assured_date: IsoDate | None = None
    assurer_email: Text(255) | None = None
    alert: Text(5000) | None = None
    last_modified: IsoDateTime | None = None
    phones: Annotated[list[FeedPhone], Field(max_length=20)] | None = None
    schedules: Annotated[list[FeedSchedule], Field(max_length=50)] | None = None
    service_areas: Annotated[list[FeedServiceArea], Field(max_length=500)] | None = None
    service_at_locations: Annotated[list[FeedServiceAtLocation], Field(max_length=100)] | None = None
    languages: Annotated[list[FeedLanguage], Field(max_length=100)] | None = None
    contacts: Annotated[list[FeedContact], Field(max_length=50)] | None = None
    attributes: Annotated[list[FeedAttribute], Field(max_length=200)] | None = None
    organization: FeedOrganization | None = None
    signpost: ServiceExtension | None = None


def where(loc: tuple) -> str:
    """("phones", 0, "number") -> "phones[0].number"."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the record)"


def problems(error: ValidationError) -> list[str]:
    """Each problem as "field: what is wrong", never echoing the value (it may be an address)."""
    found = []
    for item in error.errors(include_input=False, include_url=False):
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        found.append(f"{where(item['loc'])}: {message}")
    return found


# Half of a UTF-16 pair on its own: JSON can spell one, no database can store it.
LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")


def has_control_characters(value: object) -> bool:
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None or LONE_SURROGATES.search(value) is not None
    if isinstance(value, dict):
        return any(has_control_characters(k) or has_control_characters(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_control_characters(item) for item in value)
    return False
