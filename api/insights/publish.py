"""Publishing the counts without exposing anyone: one fixed table, suppressed and rounded.

The method (docs/insights.md): every figure anyone sees is drawn from ONE fixed table of
cells, one per (ISO week, area, category, outcome). Each cell is suppressed when it is
under 5 (shown as "fewer than 5", whether it is 0 or 4) and otherwise rounded to the
nearest 5, the convention the ONS and NHS England use for sensitive counts. Every total,
chart and export adds up the published cells, never the raw counts, so the outputs are a
function of the published cells alone: subtracting one export from another, with any
date range or filter, can only ever give a difference of published figures. Only whole
weeks that ended more than a day ago are published, so a published cell never changes
afterwards and two exports taken at different times cannot be compared to date an event.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
from vocabulary.areas import PILOT_AREA_IDS

THRESHOLD = 5
ROUNDING_BASE = 5
FEWER_THAN = "fewer than 5"
# A week is published once it ended (Sunday, UTC) and a whole day more has passed, so that
# late counts (an expiry noticed after midnight) are in before anyone sees the week.
SETTLING_DAYS = 1
PILOT_AREAS = tuple(InsightArea(area_id) for area_id in PILOT_AREA_IDS)
AREAS = tuple(InsightArea)
CATEGORIES = tuple(InsightCategory)
OUTCOMES = tuple(InsightOutcome)
MAX_WEEKS = 104


def published(raw: int) -> int | None:
    """A cell as published: None (fewer than 5) or rounded to the nearest 5, halves up."""
    if raw < THRESHOLD:
        return None
    return (raw + ROUNDING_BASE // 2) // ROUNDING_BASE * ROUNDING_BASE


def shown(value: int | None) -> str:
    return FEWER_THAN if value is None else str(value)


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def last_published_week(today: dt.date) -> dt.date:
    """The Monday of the newest week that may be shown."""
    return week_of(today - dt.timedelta(days=7 + SETTLING_DAYS))


@dataclass(frozen=True)
class Selection:
    first_week: dt.date
    last_week: dt.date
    area: InsightArea | None = None

    @property
    def weeks(self) -> list[dt.date]:
        count = (self.last_week - self.first_week).days // 7 + 1
        return [self.first_week + dt.timedelta(weeks=i) for i in range(count)]

    @property
    def areas(self) -> tuple[InsightArea, ...]:
        return (self.area,) if self.area else AREAS


def selection(today: dt.date, first: dt.date | None = None, last: dt.date | None = None,
              area: InsightArea | None = None, default_weeks: int = 12) -> Selection:
    """Whole published weeks only: any date is moved to its week's Monday, and nothing newer
    than the last published week is ever included."""
    newest = last_published_week(today)
    last_week = min(week_of(last), newest) if last else newest
    first_week = week_of(first) if first else last_week - dt.timedelta(weeks=default_weeks - 1)
    first_week = max(min(first_week, last_week), last_week - dt.timedelta(weeks=MAX_WEEKS - 1))
    return Selection(first_week, last_week, area)


@dataclass(frozen=True)
class Cell:
    week: dt.date
    area: InsightArea
    category: InsightCategory
    outcome: InsightOutcome
    value: int | None  # published: None means fewer than 5

    def as_json(self) -> dict:
        return {"week_starting": self.week.isoformat(), "area": self.area.value, "category": self.category.value,
                "outcome": self.outcome.value, "count": self.value, "shown": shown(self.value)}


def cells(session: Session, chosen: Selection) -> list[Cell]:
    """The fixed table's cells for the chosen weeks and area: every combination, listed
    whether or not anything happened, so which cells appear reveals nothing either."""
    raw: dict[tuple, int] = {}
    # One small query per week (summed in the database over its seven days, on the primary
    # key's leading column), rather than every day's rows: at most 210 rows a week come back.
    for week in chosen.weeks:
        rows = session.execute(
            select(InsightCount.area, InsightCount.category, InsightCount.outcome, func.sum(InsightCount.count))
            .where(InsightCount.day >= week, InsightCount.day <= week + dt.timedelta(days=6))
            .group_by(InsightCount.area, InsightCount.category, InsightCount.outcome)
        )
        for area, category, outcome, total in rows:
            raw[(week, area, category, outcome)] = int(total or 0)
    return [
        Cell(week, area, category, outcome, published(raw.get((week, area, category, outcome), 0)))
        for week in chosen.weeks for area in chosen.areas for category in CATEGORIES for outcome in OUTCOMES
    ]


@dataclass(frozen=True)
class ReachCell:
    """A cell of the second fixed table: who was reached, per week, area, dimension, value."""

    week: dt.date
    area: InsightArea
    dimension: InsightDimension
    reached: InsightReachValue
    value: int | None  # published: None means fewer than 5

    def as_json(self) -> dict:
        return {"week_starting": self.week.isoformat(), "area": self.area.value, "dimension": self.dimension.value,
                "value": self.reached.value, "count": self.value, "shown": shown(self.value)}


def reach_cells(session: Session, chosen: Selection) -> list[ReachCell]:
    """Who was reached, as a fixed table published with the same suppression and rounding:
    every (week, area, dimension, value) listed whether or not anything happened."""
    raw: dict[tuple, int] = {}
    for week in chosen.weeks:
        rows = session.execute(
            select(InsightReach.area, InsightReach.dimension, InsightReach.value, func.sum(InsightReach.count))
            .where(InsightReach.day >= week, InsightReach.day <= week + dt.timedelta(days=6))
            .group_by(InsightReach.area, InsightReach.dimension, InsightReach.value)
        )
        for area, dimension, value, count in rows:
            raw[(week, area, dimension, value)] = int(count or 0)
    return [
        ReachCell(week, area, dimension, value, published(raw.get((week, area, dimension, value), 0)))
        for week in chosen.weeks for area in chosen.areas
        for dimension, values in REACH_VALUES.items() for value in values
    ]


def total(values) -> int:
    """A sum of published cells; suppressed cells add nothing."""
    return sum(value for value in values if value is not None)


@dataclass(frozen=True)
class Summary:
    selection: Selection
    cells: list[Cell]
    reach: list[ReachCell] = field(default_factory=list)

    def reached(self) -> list[tuple[InsightDimension, list[tuple[InsightReachValue, int]]]]:
        """Who was reached over the chosen weeks and area: sums of published cells."""
        sums: dict[tuple, int] = defaultdict(int)
        for cell in self.reach:
            sums[(cell.dimension, cell.reached)] += cell.value or 0
        return [(dimension, [(value, sums[(dimension, value)]) for value in values])
                for dimension, values in REACH_VALUES.items()]

    def weekly(self, outcome: InsightOutcome) -> list[tuple[dt.date, int]]:
        by_week: dict[dt.date, int] = defaultdict(int)
        for cell in self.cells:
            if cell.outcome == outcome:
                by_week[cell.week] += cell.value or 0
        return [(week, by_week[week]) for week in self.selection.weeks]

    def by_area(self) -> list[tuple[InsightArea, dict[InsightOutcome, int]]]:
        table: dict[InsightArea, dict[InsightOutcome, int]] = {a: dict.fromkeys(OUTCOMES, 0) for a in self.selection.areas}
        for cell in self.cells:
            table[cell.area][cell.outcome] += cell.value or 0
        return list(table.items())

    def by_category(self) -> list[tuple[InsightCategory, dict[InsightOutcome, int]]]:
        table: dict[InsightCategory, dict[InsightOutcome, int]] = {c: dict.fromkeys(OUTCOMES, 0) for c in CATEGORIES}
        for cell in self.cells:
            table[cell.category][cell.outcome] += cell.value or 0
        return list(table.items())

    def gaps(self) -> list[tuple[InsightArea, InsightCategory, int]]:
        """Needs asked for in a pilot area with no local service, largest first."""
        found: dict[tuple[InsightArea, InsightCategory], int] = defaultdict(int)
        for cell in self.cells:
            if cell.outcome == InsightOutcome.no_local_service and cell.value:
                found[(cell.area, cell.category)] += cell.value
        return sorted(((a, c, n) for (a, c), n in found.items()), key=lambda item: (-item[2], item[0].value, item[1].value))


def summarise(session: Session, chosen: Selection) -> Summary:
    return Summary(chosen, cells(session, chosen), reach_cells(session, chosen))


CSV_COLUMNS = ("week_starting", "area", "category", "outcome", "count")


def as_csv(summary: Summary) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for cell in summary.cells:
        writer.writerow((cell.week.isoformat(), cell.area.value, cell.category.value, cell.outcome.value,
                         shown(cell.value)))
    return buffer.getvalue()


def as_json(summary: Summary) -> dict:
    chosen = summary.selection
    return {
        "method": {"unit": "ISO week (Monday to Sunday, UTC)", "threshold": THRESHOLD,
                   "suppressed_as": FEWER_THAN, "rounding_base": ROUNDING_BASE,
                   "totals": "sums of published cells; suppressed cells are not included"},
        "first_week": chosen.first_week.isoformat(),
        "last_week": chosen.last_week.isoformat(),
        "area": chosen.area.value if chosen.area else None,
        "cells": [cell.as_json() for cell in summary.cells],
        "reach_cells": [cell.as_json() for cell in summary.reach],
    }
