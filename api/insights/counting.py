"""Counting an outcome: one upsert that adds 1 to its (day, area, category, outcome) row.

`INSERT ... ON CONFLICT DO UPDATE SET count = count + 1` is atomic in SQLite and
PostgreSQL, so any number of API processes add up in the one table. Counting is never
allowed to slow or break a reply: callers run it after the response, and a failure is
logged by its type alone and forgotten.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import sessionmaker

from directory.models import (
    REACH_VALUES,
    InsightArea,
    InsightCategory,
    InsightCount,
    InsightDimension,
    InsightOutcome,
    InsightReach,
    InsightReachValue,
)

from api import metrics

log = logging.getLogger("signpost.insights")
KEY_COLUMNS = ("day", "area", "category", "outcome")
REACH_KEY_COLUMNS = ("day", "area", "dimension", "value")


def insight_area(value: object) -> InsightArea:
    """A pilot area, "outside", or "unknown": never anything finer."""
    try:
        return InsightArea(value)
    except ValueError:
        return InsightArea.unknown


def insight_category(value: object) -> InsightCategory:
    try:
        return InsightCategory(value)
    except ValueError:
        return InsightCategory.not_recorded


def reach_value(dimension: object, value: object) -> tuple[InsightDimension, InsightReachValue] | None:
    """A known dimension and one of its own values, or nothing at all."""
    try:
        known_dimension, known_value = InsightDimension(dimension), InsightReachValue(value)
    except ValueError:
        return None
    return (known_dimension, known_value) if known_value in REACH_VALUES[known_dimension] else None


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class InsightCounter:
    def __init__(self, sessions: sessionmaker, clock: Callable[[], dt.date] = today) -> None:
        self.sessions = sessions
        self.clock = clock

    def increment(self, outcome: InsightOutcome, area: InsightArea, category: InsightCategory) -> bool:
        return self._add_one(InsightCount, KEY_COLUMNS, area=area, category=category, outcome=outcome)

    def increment_reach(self, area: InsightArea, dimension: InsightDimension, value: InsightReachValue) -> bool:
        return self._add_one(InsightReach, REACH_KEY_COLUMNS, area=area, dimension=dimension, value=value)

    def _add_one(self, table, key_columns: tuple[str, ...], **values) -> bool:
        try:
            with self.sessions.begin() as session:
                dialect = session.get_bind().dialect.name
                insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
                statement = insert(table).values(day=self.clock(), count=1, **values)
                session.execute(statement.on_conflict_do_update(
                    index_elements=list(key_columns), set_={"count": table.count + 1}
                ))
        except Exception as error:  # noqa: BLE001 - a count must never cost a reply
            metrics.INSIGHT_COUNT_FAILURES.inc()
            log.warning("insight_count_failed error_type=%s", type(error).__name__)
            return False
        metrics.INSIGHT_COUNTS.inc()
        return True
