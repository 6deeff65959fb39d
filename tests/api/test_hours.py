"""Opening hours in Europe/London, right across the clock changes."""
from __future__ import annotations

import datetime as dt

import pytest

from directory.hours import describe, is_24_7, open_now
from directory.models import Schedule

UTC = dt.UTC


def weekly(byday: str, opens: str, closes: str, **extra) -> Schedule:
    return Schedule(freq="WEEKLY", byday=byday, opens_at=dt.time.fromisoformat(opens),
                    closes_at=dt.time.fromisoformat(closes), **extra)


WEEKDAYS_9_TO_9 = [weekly("MO,TU,WE,TH,FR", "09:00", "21:00"), weekly("SA,SU", "10:00", "16:00")]


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (dt.datetime(2026, 7, 1, 8, 30, tzinfo=UTC), True),    # 09:30 BST, Wednesday
        (dt.datetime(2026, 7, 1, 7, 59, tzinfo=UTC), False),   # 08:59 BST
        (dt.datetime(2026, 1, 7, 8, 30, tzinfo=UTC), False),   # 08:30 GMT, Wednesday
        (dt.datetime(2026, 1, 7, 9, 0, tzinfo=UTC), True),     # 09:00 GMT
        (dt.datetime(2026, 7, 1, 20, 30, tzinfo=UTC), False),  # 21:30 BST: closed
        (dt.datetime(2026, 1, 7, 20, 30, tzinfo=UTC), True),   # 20:30 GMT: open
        (dt.datetime(2026, 7, 4, 9, 30, tzinfo=UTC), True),    # Saturday 10:30 BST
        (dt.datetime(2026, 7, 4, 15, 30, tzinfo=UTC), False),  # Saturday 16:30 BST
    ],
)
def test_open_now_uses_london_time(utc, expected):
    assert open_now(WEEKDAYS_9_TO_9, utc) is expected


def test_clock_change_days():
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026, back at 01:00 UTC on 25 October.
    sunday = [weekly("SU", "10:00", "16:00")]
    assert open_now(sunday, dt.datetime(2026, 3, 29, 9, 30, tzinfo=UTC)) is True     # 10:30 BST
    assert open_now(sunday, dt.datetime(2026, 3, 29, 15, 30, tzinfo=UTC)) is False   # 16:30 BST
    assert open_now(sunday, dt.datetime(2026, 10, 25, 15, 30, tzinfo=UTC)) is True   # 15:30 GMT
    assert open_now(sunday, dt.datetime(2026, 10, 25, 9, 30, tzinfo=UTC)) is False   # 09:30 GMT


def test_sessions_past_midnight_belong_to_the_day_they_start():
    friday_night = [weekly("FR", "20:00", "02:00")]
    assert open_now(friday_night, dt.datetime(2026, 1, 9, 21, 0, tzinfo=UTC)) is True    # Fri 21:00
    assert open_now(friday_night, dt.datetime(2026, 1, 10, 1, 0, tzinfo=UTC)) is True    # Sat 01:00
    assert open_now(friday_night, dt.datetime(2026, 1, 10, 3, 0, tzinfo=UTC)) is False   # Sat 03:00
    assert open_now(friday_night, dt.datetime(2026, 1, 11, 1, 0, tzinfo=UTC)) is False   # Sun 01:00


def test_all_day_every_day():
    always = [weekly("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")]
    assert is_24_7(always)
    assert open_now(always, dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) is True
    assert describe(always) == "24 hours a day, every day"


def test_unknown_hours_are_never_open_now():
    assert open_now([]) is None
    assert describe([], "Weekdays.") == "Weekdays."


def test_validity_window():
    summer_only = [weekly("MO,TU,WE,TH,FR", "09:00", "17:00", valid_from=dt.date(2026, 6, 1),
                          valid_to=dt.date(2026, 8, 31))]
    assert open_now(summer_only, dt.datetime(2026, 7, 1, 10, 0, tzinfo=UTC)) is True
    assert open_now(summer_only, dt.datetime(2026, 9, 1, 10, 0, tzinfo=UTC)) is False


def test_plain_english_description():
    assert describe(WEEKDAYS_9_TO_9) == "Monday to Friday 9am to 9pm; Saturday and Sunday 10am to 4pm"
    assert describe([weekly("MO,WE", "08:30", "12:15")]) == "Monday, Wednesday 8:30am to 12:15pm"
