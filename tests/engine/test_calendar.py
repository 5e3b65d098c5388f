"""Working-time arithmetic, hand-checked: holidays, part days, night shifts, daylight saving."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charter.engine.calendar import TimeAxis, WorkingTime
from charter.errors import CalendarError
from tests.conftest import scheduled

DAY = ((480, 720), (780, 1020))
WEEKDAYS_ONLY = [DAY] * 5 + [(), ()]
AXIS = TimeAxis("UTC")


def t(text: str, axis: TimeAxis = AXIS) -> int:
    return axis.instant(dt.datetime.fromisoformat(text))


def show(instant: int, axis: TimeAxis = AXIS) -> str:
    return axis.local(instant).strftime("%Y-%m-%dT%H:%M")


def standard(exceptions: dict[dt.date, tuple[tuple[int, int], ...]] | None = None) -> WorkingTime:
    return WorkingTime(AXIS, WEEKDAYS_ONLY, exceptions or {}, dt.date(2027, 1, 4), name="standard")


def test_add_working_days_ends_at_end_of_work() -> None:
    cal = standard()
    assert show(cal.add(t("2027-01-04T08:00"), 5 * 480)) == "2027-01-08T17:00"
    assert show(cal.add(t("2027-01-08T17:00"), 60)) == "2027-01-11T09:00"
    assert show(cal.add(t("2027-01-06T11:00"), 120)) == "2027-01-06T14:00"


def test_subtract_gives_start_of_work() -> None:
    cal = standard()
    assert show(cal.add(t("2027-01-08T17:00"), -5 * 480)) == "2027-01-04T08:00"
    assert show(cal.add(t("2027-01-11T08:00"), -480)) == "2027-01-08T08:00"


def test_next_start_and_previous_finish() -> None:
    cal = standard()
    assert show(cal.next_start(t("2027-01-08T17:00"))) == "2027-01-11T08:00"
    assert show(cal.next_start(t("2027-01-06T12:30"))) == "2027-01-06T13:00"
    assert show(cal.next_start(t("2027-01-06T10:00"))) == "2027-01-06T10:00"
    assert show(cal.previous_finish(t("2027-01-11T08:00"))) == "2027-01-08T17:00"
    assert cal.is_period_end(t("2027-01-06T12:00"))
    assert not cal.is_period_end(t("2027-01-06T11:00"))


def test_between_counts_working_minutes_only() -> None:
    cal = standard()
    assert cal.between(t("2027-01-04T08:00"), t("2027-01-11T08:00")) == 5 * 480
    assert cal.between(t("2027-01-08T17:00"), t("2027-01-11T08:00")) == 0
    assert cal.between(t("2027-01-11T08:00"), t("2027-01-04T08:00")) == -5 * 480


def test_holiday_and_part_day_and_extra_working_day() -> None:
    cal = standard(
        {
            dt.date(2027, 1, 6): (),  # holiday
            dt.date(2027, 1, 7): ((480, 720),),  # half day
            dt.date(2027, 1, 9): DAY,  # a working Saturday
        }
    )
    # Mon 8h, Tue 8h, Wed off, Thu 4h, Fri 8h, Sat 8h = 36h
    assert show(cal.add(t("2027-01-04T08:00"), 36 * 60)) == "2027-01-09T17:00"
    assert cal.between(t("2027-01-04T00:00"), t("2027-01-11T00:00")) == 36 * 60


def test_generation_extends_both_ways_over_years() -> None:
    cal = standard()
    far = cal.add(t("2027-01-04T08:00"), 520 * 5 * 480)  # ten years of weeks
    assert show(far) == "2036-12-19T17:00"
    back = cal.add(t("2027-01-04T08:00"), -260 * 5 * 480)
    assert show(back) == "2022-01-10T08:00"


def test_a_calendar_without_working_time_is_an_error() -> None:
    with pytest.raises(CalendarError, match="no working time"):
        WorkingTime(AXIS, [()] * 7, {}, dt.date(2027, 1, 4), name="empty")


def test_night_shift_across_midnight() -> None:
    rows = scheduled(
        """
        calendars:
          standard: {week: {mon-fri: "08:00-12:00, 13:00-17:00"}}
          night: {week: {mon-fri: "22:00-24:00, 00:00-06:00"}}
        tasks:
          - {key: n, duration: 2d, calendar: night, constraint: {type: SNET, date: 2027-01-04T22:00}}
        """
    )
    # Mon 22-24 + Tue 00-06 = 8h, Tue 22-24 + Wed 00-06 = 8h.
    assert (rows["n"]["start"], rows["n"]["finish"]) == ("2027-01-04T22:00", "2027-01-06T06:00")


DST_HEADER = "charter: 1\nproject: {name: DST, start: 2027-03-22, timezone: Europe/Berlin}\n"


def test_day_shift_keeps_local_hours_across_daylight_saving() -> None:
    rows = scheduled("tasks:\n  - {key: t, duration: 10d}\n", DST_HEADER)
    # Clocks go forward on Sun 2027-03-28; office hours stay 08:00-17:00 local.
    assert (rows["t"]["start"], rows["t"]["finish"]) == ("2027-03-22T08:00", "2027-04-02T17:00")


def test_round_the_clock_work_loses_the_skipped_hour() -> None:
    rows = scheduled(
        """
        calendars:
          always: {week: {mon-sun: "00:00-24:00"}}
        tasks:
          - {key: t, duration: 24h, calendar: always, constraint: {type: SNET, date: 2027-03-27T12:00}}
          - {key: u, duration: 24h, calendar: always, constraint: {type: SNET, date: 2027-10-30T12:00}}
        """,
        DST_HEADER,
    )
    # 24 real working hours: spring forward skips 02:00-03:00, autumn repeats 02:00-03:00.
    assert rows["t"]["finish"] == "2027-03-28T13:00"
    assert rows["u"]["finish"] == "2027-10-31T11:00"


def test_elapsed_duration_is_real_time() -> None:
    rows = scheduled(
        "tasks:\n  - {key: t, duration: 3ed, constraint: {type: SNET, date: 2027-01-08T13:00}}\n"
    )
    assert rows["t"]["finish"] == "2027-01-11T13:00"


@given(
    start=st.integers(min_value=0, max_value=60 * 24 * 400),
    minutes=st.integers(min_value=1, max_value=480 * 300),
)
def test_add_then_between_round_trips(start: int, minutes: int) -> None:
    cal = standard({dt.date(2027, 5, 3): (), dt.date(2027, 12, 24): ((480, 720),)})
    origin = t("2027-01-01T00:00") + start
    later = cal.add(origin, minutes)
    assert cal.between(origin, later) == minutes
    assert (
        cal.add(later, -minutes) == cal.next_start(origin)
        or cal.between(cal.add(later, -minutes), origin) == 0
    )
