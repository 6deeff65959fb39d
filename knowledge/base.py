"""Loading and checking the topic files (knowledge/topics/*.yml).

Pure Python and PyYAML, so both environments (the API's and the bot's) read the same files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TOPICS_DIR = Path(__file__).resolve().parent / "topics"
AUDIENCES = ("public", "professional")
REVIEW_STATUSES = ("machine_draft_unreviewed", "reviewed")


class TopicError(ValueError):
    """A topic file that does not say what it must."""


@dataclass(frozen=True)
class Source:
    url: str
    publisher: str


@dataclass(frozen=True)
class Topic:
    slug: str
    audience: str
    helplines: tuple[str, ...]
    sources: tuple[Source, ...]
    checked: dt.date
    review_status: str
    reviewed_by: str | None
    paraphrases: tuple[str, ...]

    @property
    def key(self) -> str:
        return topic_key(self.slug)

    @property
    def title_key(self) -> str:
        return f"knowledge.{self.key}.title"

    @property
    def answer_key(self) -> str:
        return f"knowledge.{self.key}.answer"

    @property
    def reviewed(self) -> bool:
        return self.review_status == "reviewed" and bool(self.reviewed_by)


def topic_key(slug: str) -> str:
    """The locale key of a topic ("clares-law" -> "clares_law")."""
    return slug.replace("-", "_")


def _topic(path: Path) -> Topic:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise TopicError(f"{path.name}: not a mapping")
    slug = data.get("slug")
    if slug != path.stem:
        raise TopicError(f"{path.name}: slug {slug!r} is not the file's name")
    if data.get("audience") not in AUDIENCES:
        raise TopicError(f"{path.name}: audience must be one of {AUDIENCES}")
    sources = tuple(Source(str(s["url"]), str(s["publisher"])) for s in data.get("sources") or ())
    if not sources:
        raise TopicError(f"{path.name}: no source")
    checked = data.get("checked")
    if not isinstance(checked, dt.date):
        raise TopicError(f"{path.name}: checked must be a date (YYYY-MM-DD)")
    review = data.get("review") or {}
    status = review.get("status")
    if status not in REVIEW_STATUSES:
        raise TopicError(f"{path.name}: review.status must be one of {REVIEW_STATUSES}")
    if "reviewed_by" not in review:
        raise TopicError(f"{path.name}: review.reviewed_by must be present (null until reviewed)")
    if status == "reviewed" and not review.get("reviewed_by"):
        raise TopicError(f"{path.name}: reviewed, but by nobody")
    paraphrases = tuple(str(p).strip() for p in data.get("paraphrases") or () if str(p).strip())
    if len(paraphrases) < 5:
        raise TopicError(f"{path.name}: fewer than five paraphrases")
    return Topic(
        slug=slug,
        audience=data["audience"],
        helplines=tuple(data.get("helplines") or ()),
        sources=sources,
        checked=checked,
        review_status=status,
        reviewed_by=review.get("reviewed_by"),
        paraphrases=paraphrases,
    )


@lru_cache(maxsize=4)
def load_topics(directory: Path = TOPICS_DIR) -> tuple[Topic, ...]:
    """Every topic, in file-name order; raises TopicError on a file that breaks the rules."""
    return tuple(_topic(p) for p in sorted(directory.glob("*.yml")))
