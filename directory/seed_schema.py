"""The shape of the reviewable seed files in directory/seed/, validated strictly so a
typo in a commissioner's edit fails loudly instead of silently dropping a fact."""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from vocabulary.areas import NATIONAL, PILOT_AREA_IDS
from vocabulary.ranking import Audience

# Where a service is: a pilot area (vocabulary/areas.json), or all of England.
AreaOrNational = Literal[(NATIONAL, *PILOT_AREA_IDS)]

# UK numbers (0800 1111 has 8 digits; most have 10 or 11), 116 123, and 5-digit SMS short codes.
PHONE_PATTERN = re.compile(r"^(?:0\d(?: ?\d){6,9}|116 ?\d{3}|\d{5})$")
TIME_PATTERN = re.compile(r"^\d{2}:\d{2}$")
DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValueError("control characters are not allowed")
        return value


class SeedPhone(Strict):
    number: str
    type: Literal["voice", "text", "textphone"] = "voice"
    description: str | None = None

    @field_validator("number")
    @classmethod
    def _looks_like_a_uk_number(cls, number: str) -> str:
        if not PHONE_PATTERN.match(number):
            raise ValueError(f"not a UK phone number or short code: {number!r}")
        return number


class SeedSchedule(Strict):
    byday: str
    opens_at: str
    closes_at: str
    description: str | None = None

    @field_validator("byday")
    @classmethod
    def _days(cls, byday: str) -> str:
        if not set(byday.split(",")) <= DAYS:
            raise ValueError(f"byday must be RFC 5545 day codes: {byday!r}")
        return byday

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _time(cls, value: str) -> str:
        if not TIME_PATTERN.match(value):
            raise ValueError(f"times are HH:MM: {value!r}")
        return value


class SeedLocation(Strict):
    name: str = Field(max_length=255)
    address_1: str | None = Field(None, max_length=255)
    city: str | None = Field(None, max_length=255)
    postal_code: str | None = Field(None, max_length=10)
    # True: never published. False: meant to be public; a look-alike of safe accommodation
    # is still withheld until a commissioner confirms (docs/confidential-locations.md).
    confidential: bool | None = None


class SeedLanguage(Strict):
    code: str
    name: str
    note: str | None = None


class SeedService(Strict):
    slug: str = Field(pattern=r"^[a-z0-9-]+$", max_length=100)
    name: str
    organization: str
    description: str
    url: str | None = None
    email: str | None = None
    categories: list[str]
    needs: list[str]
    eligibility: list[str] = []
    general: bool = False
    # Who the service is only for: see vocabulary/ranking.py (AUDIENCES).
    audience: Audience | None = None
    # Offered only when one of these subjects comes up (vocabulary/ranking.py, TOPICS).
    topics: list[str] = []
    minimum_age: int | None = None
    maximum_age: int | None = None
    referral: str | None = None
    front_door: str | None = Field(None, max_length=1000)  # how to reach it without its address
    phones: list[SeedPhone] = []
    schedules: list[SeedSchedule] = []
    hours_note: str | None = None
    languages: list[SeedLanguage] = []
    location: SeedLocation | None = None
    links: list[str] = []
    local_authorities: list[str] | None = None
    extra_local_authorities: list[str] = []
    confidence: Literal["S", "H", "M", "U", "C"]  # C: a commissioner's assured edit
    source: str
    source_date: dt.date  # the date of the source; a source dated only by year uses 1 January
    checked: dt.date | None = None  # when these facts were last checked against the source
    notes: str | None = None

    @model_validator(mode="after")
    def _reachable_somehow(self) -> SeedService:
        if self.confidence != "U" and not (self.phones or self.url):
            raise ValueError(f"{self.slug}: an assured service needs a phone or a web address")
        if not self.categories and not self.general:
            raise ValueError(f"{self.slug}: give categories, or mark it general")
        return self


class SeedFile(Strict):
    area: AreaOrNational
    defaults: dict[str, object] = {}
    services: list[SeedService]

    @model_validator(mode="before")
    @classmethod
    def _apply_defaults(cls, data: dict) -> dict:
        defaults = data.get("defaults") or {}
        data["services"] = [{**defaults, **service} for service in data.get("services", [])]
        return data


class SeedTerm(Strict):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    description: str
    children: list[SeedTerm] = []


class SeedTaxonomy(Strict):
    code: str
    name: str
    description: str
    version: str


class TaxonomyFile(Strict):
    taxonomy: SeedTaxonomy
    terms: list[SeedTerm]
