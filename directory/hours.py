"""Opening hours: weekly RRULE-style schedules read in Europe/London.

Conventions (documented in the seed files too): opens_at == closes_at means open all
day; closes_at earlier than opens_at means the session runs past midnight into the
next day. Times are wall-clock London times, so "open now" stays right across the
change to and from British Summer Time.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from directory.models import Schedule

LONDON = ZoneInfo("Europe/London")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = {
    "MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
    "FR": "Friday", "SA": "Saturday", "SU": "Sunday",
}
ALL_WEEK = set(DAY_CODES)


def _days(schedule: Schedule) -> set[str]:
    return set((schedule.byday or ",".join(DAY_CODES)).split(","))


def _valid_on(schedule: Schedule, day: dt.date) -> bool:
    if schedule.valid_from and day < schedule.valid_from:
        return False
    if schedule.valid_to and day > schedule.valid_to:
        return False
    return True


def _is_weekly_with_times(schedule: Schedule) -> bool:
    return (schedule.freq or "WEEKLY") == "WEEKLY" and schedule.opens_at is not None and schedule.closes_at is not None


def _open_on_session(schedule: Schedule, day: dt.date, at: dt.time, yesterday_ran_over: bool) -> bool:
    opens, closes = schedule.opens_at, schedule.closes_at
    assert opens is not None and closes is not None
    if yesterday_ran_over:
        return closes < opens and at < closes
    if opens == closes:
        return True
    if closes < opens:
        return at >= opens
    return opens <= at < closes


def open_now(schedules: Sequence[Schedule], now: dt.datetime | None = None) -> bool | None:
    """True/False from the schedules; None when there are no usable opening times."""
    usable = [schedule for schedule in schedules if _is_weekly_with_times(schedule)]
    if not usable:
        return None
    local = (now or dt.datetime.now(dt.UTC)).astimezone(LONDON)
    today, time_of_day = local.date(), local.time()
    yesterday = today - dt.timedelta(days=1)
    today_code, yesterday_code = DAY_CODES[today.weekday()], DAY_CODES[yesterday.weekday()]
    for schedule in usable:
        if today_code in _days(schedule) and _valid_on(schedule, today):
            if _open_on_session(schedule, today, time_of_day, yesterday_ran_over=False):
                return True
        if yesterday_code in _days(schedule) and _valid_on(schedule, yesterday):
            if _open_on_session(schedule, yesterday, time_of_day, yesterday_ran_over=True):
                return True
    return False


def is_24_7(schedules: Sequence[Schedule]) -> bool:
    return any(
        _is_weekly_with_times(s) and s.opens_at == s.closes_at and _days(s) == ALL_WEEK
        and s.valid_from is None and s.valid_to is None
        for s in schedules
    )


def _clock(value: dt.time) -> str:
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def _day_range(days: set[str]) -> str:
    if days == ALL_WEEK:
        return "Every day"
    if days == {"MO", "TU", "WE", "TH", "FR"}:
        return "Monday to Friday"
    if days == {"SA", "SU"}:
        return "Saturday and Sunday"
    ordered = [code for code in DAY_CODES if code in days]
    return ", ".join(DAY_NAMES[code] for code in ordered)


def describe(schedules: Sequence[Schedule], note: str | None = None) -> str | None:
    """Plain English hours for a small screen, e.g. "Monday to Friday 9am to 9pm"."""
    if is_24_7(schedules):
        return "24 hours a day, every day"
    parts = []
    # In the order of the week, however the rows were stored (ids carry no order).
    in_week_order = sorted(schedules, key=lambda s: min((DAY_CODES.index(d) for d in _days(s) if d in DAY_CODES), default=7))
    for schedule in in_week_order:
        if not _is_weekly_with_times(schedule):
            continue
        assert schedule.opens_at is not None and schedule.closes_at is not None
        days = _day_range(_days(schedule))
        if schedule.opens_at == schedule.closes_at:
            parts.append(f"{days}, all day")
        else:
            parts.append(f"{days} {_clock(schedule.opens_at)} to {_clock(schedule.closes_at)}")
    if parts:
        return "; ".join(parts)
    return note
