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

from directory.models import InsightArea, InsightCategory, InsightCount, InsightOutcome

from api import metrics

log = logging.getLogger("signpost.insights")
KEY_COLUMNS = ("day", "area", "category", "outcome")


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


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class InsightCounter:
    def __init__(self, sessions: sessionmaker, clock: Callable[[], dt.date] = today) -> None:
        self.sessions = sessions
        self.clock = clock

    def increment(self, outcome: InsightOutcome, area: InsightArea, category: InsightCategory) -> bool:
        try:
            with self.sessions.begin() as session:
                dialect = session.get_bind().dialect.name
                insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
                statement = insert(InsightCount).values(
                    day=self.clock(), area=area, category=category, outcome=outcome, count=1
                )
                session.execute(statement.on_conflict_do_update(
                    index_elements=list(KEY_COLUMNS), set_={"count": InsightCount.count + 1}
                ))
        except Exception as error:  # noqa: BLE001 - a count must never cost a reply
            metrics.INSIGHT_COUNT_FAILURES.inc()
            log.warning("insight_count_failed error_type=%s", type(error).__name__)
            return False
        metrics.INSIGHT_COUNTS.inc()
        return True
