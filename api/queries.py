"""Query-string models. `extra="forbid"` turns an unknown parameter into a clear 422."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from directory.signpost import ABOUT, AGE_BANDS, CATEGORIES, NEEDS, TOPICS
from vocabulary.areas import OUTSIDE, PILOT_AREA_IDS

MAX_PAGE_SIZE = 100
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Need = Literal[NEEDS]  # type: ignore[valid-type]
AgeBand = Literal[tuple(AGE_BANDS)]  # type: ignore[valid-type]
About = Literal[ABOUT]  # type: ignore[valid-type]
TOPIC_LIST = r"^(?:" + "|".join(TOPICS) + r")(?:,(?:" + "|".join(TOPICS) + r"))*$"
AreaId = Literal[(*PILOT_AREA_IDS, OUTSIDE)]
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageQuery(Strict):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class ServiceQuery(PageQuery):
    search: str | None = Field(None, max_length=200)
    taxonomy_term_id: str | None = Field(None, max_length=64)
    taxonomy_id: str | None = Field(None, max_length=64)
    organization_id: str | None = Field(None, max_length=64)
    minimum_age: int | None = Field(None, ge=0, le=130)
    maximum_age: int | None = Field(None, ge=0, le=130)
    day: str | None = Field(None, max_length=9)
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    postcode: str | None = Field(None, max_length=16)
    proximity: int | None = Field(None, ge=1, le=500_000, description="metres from the postcode's centroid")
    area: AreaId | None = None
    modified_after: dt.datetime | None = None


class TaxonomyTermQuery(PageQuery):
    taxonomy_id: str | None = Field(None, max_length=64)
    parent_id: str | None = Field(None, max_length=64)


class SignpostQuery(Strict):
    category: Category
    postcode: str | None = Field(None, max_length=16)
    area: AreaId | None = None
    need: Need | None = None
    age: int | None = Field(None, ge=0, le=130)
    age_band: AgeBand | None = Field(None, description="when no exact age is given: under_18, 18_59 or 60_plus")
    gender: Literal["female", "male", "other"] | None = None
    lgbt: bool | None = None
    language: str | None = Field(None, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=20)
    about: About | None = Field(None, description="self, or someone_else (an adult asking about a child, say)")
    topics: str | None = Field(None, max_length=200, pattern=TOPIC_LIST,
                               description="comma-separated subjects that came up, e.g. image_abuse,exploitation")

    def topic_set(self) -> frozenset[str]:
        return frozenset(self.topics.split(",")) if self.topics else frozenset()


class ResolveQuery(Strict):
    q: str = Field(min_length=1, max_length=100)


class ConfidentialQuery(PageQuery):
    review: Literal["pending", "all"] = Field(
        "all", description="pending: only what an import withheld and no commissioner has reviewed yet")
