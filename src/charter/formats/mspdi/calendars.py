"""MSPDI calendars → Charter calendars.

A base calendar lists its seven weekdays; a derived one (``BaseCalendarUID``) lists only the
days it changes, and inherits the rest. Exceptions come in two forms: old-style ``WeekDay``
entries of ``DayType`` 0 with a date range (which Project also writes, resolved day by day,
for its recurring exceptions), and ``Exceptions/Exception`` (Project 2007 and later), which
may recur daily or weekly. ``ToTime`` 00:00 ends a range at midnight (24:00).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from charter.domain import Calendar, CalendarException, TimeRange
from charter.domain.calendar import WEEKDAYS, Weekday
from charter.formats.mspdi.values import parse_clock, parse_datetime
from charter.formats.mspdi.xmltree import Node

# MSPDI DayType 1..7 is Sunday..Saturday.
_DAY_TYPES: dict[str, Weekday] = {str(i + 1): day for i, day in enumerate(("sun", *WEEKDAYS[:6]))}
DEFAULT_HOURS = [TimeRange(start=480, end=720), TimeRange(start=780, end=1020)]
_MAX_DAYS = 366 * 50  # a recurring exception is expanded for at most 50 years

Fail = Callable[[str, str], Exception]  # (where, what) -> error to raise
Note = Callable[[str], None]


def unique_key(name: str, taken: set[str], fallback: str) -> str:
    """A plan-file key from ``name``: lower case, words joined by '-', unique among ``taken``."""
    base = re.sub(r"[^a-z0-9_.-]+", "-", name.lower()).strip("-._") or fallback
    if not base[0].isalnum():
        base = f"{fallback}-{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def working_times(node: Node, where: str, fail: Fail, note: Note) -> list[TimeRange]:
    """The ``WorkingTimes`` of a day or exception, sorted and merged; 00:00 as an end is 24:00."""
    spans: list[tuple[int, int]] = []
    for time in node.all("WorkingTimes/WorkingTime"):
        start_text, end_text = time.text("FromTime"), time.text("ToTime")
        if start_text is None or end_text is None:
            continue
        try:
            start, end = parse_clock(start_text), parse_clock(end_text)
        except ValueError as exc:
            raise fail(where, str(exc)) from None
        if end <= start:
            if end != 0:
                note(f"{where}: working time {start_text}-{end_text} crosses midnight; cut at 24:00")
            end = 1440
        spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return [TimeRange(start=a, end=b) for a, b in merged]


def _period(node: Node, where: str, fail: Fail) -> tuple[dt.date, dt.date] | None:
    period = node.child("TimePeriod")
    if period is None:
        return None
    start, end = period.text("FromDate"), period.text("ToDate")
    if start is None or end is None:
        return None
    try:
        first, last = parse_datetime(start).date(), parse_datetime(end).date()
    except ValueError as exc:
        raise fail(where, str(exc)) from None
    if last < first:
        raise fail(where, f"the exception ends ({end}) before it starts ({start})")
    if (last - first).days > _MAX_DAYS:
        raise fail(where, f"the exception spans more than {_MAX_DAYS // 366} years")
    return first, last


def _day_hours(node: Node, where: str, fail: Fail, note: Note) -> list[TimeRange]:
    if node.text("DayWorking") != "1":
        return []
    return working_times(node, where, fail, note) or list(DEFAULT_HOURS)


def read_calendar(node: Node, key: str, parent: str | None, fail: Fail, note: Note) -> Calendar:
    """One MSPDI calendar as a Charter calendar (``parent`` is the key of its base calendar)."""
    name = node.text("Name") or key
    where = f"calendar '{name}'"
    week: dict[Weekday, list[TimeRange]] = {}
    by_date: dict[dt.date, CalendarException] = {}
    for day in node.all("WeekDays/WeekDay"):
        kind = day.text("DayType")
        if kind in _DAY_TYPES:
            week[_DAY_TYPES[kind]] = _day_hours(day, f"{where} {_DAY_TYPES[kind]}", fail, note)
        elif kind == "0":
            span = _period(day, where, fail)
            if span is not None:
                hours = _day_hours(day, where, fail, note)
                by_date[span[0]] = CalendarException(
                    date=span[0], until=span[1] if span[1] != span[0] else None, hours=hours
                )
    resolved = bool(by_date)
    for exception in node.all("Exceptions/Exception"):
        for item in _exception(exception, where, fail, note, resolved):
            by_date[item.date] = item
    if node.child("WorkWeeks") is not None and node.all("WorkWeeks/WorkWeek"):
        note(f"{where}: work weeks (alternative weekly hours for a period) are not used by Charter yet")
    if parent is None:
        for day_name in WEEKDAYS:
            week.setdefault(day_name, [])
    exceptions = [by_date[d] for d in sorted(by_date)]
    return Calendar(key=key, based_on=parent, week=week, exceptions=exceptions)


def _exception(node: Node, where: str, fail: Fail, note: Note, resolved: bool) -> list[CalendarException]:
    span = _period(node, where, fail)
    if span is None:
        return []
    first, last = span
    name = node.text("Name")
    hours = _day_hours(node, where, fail, note)
    kind = node.text("Type") or "1"
    period = max(int(node.text("Period") or "1"), 1)
    if kind == "1" and period == 1:
        return [CalendarException(date=first, until=last if last != first else None, hours=hours, name=name)]
    if resolved:
        return []  # Project also wrote the days it recurs on as DayType 0 entries: already read
    days: list[dt.date] = []
    if kind == "1":
        days = [first + dt.timedelta(days=i) for i in range(0, (last - first).days + 1, period)]
    elif kind == "6":
        mask = int(node.text("DaysOfWeek") or "0")
        week_start = first - dt.timedelta(days=(first.weekday() + 1) % 7)  # the Sunday before
        for i in range((last - first).days + 1):
            day = first + dt.timedelta(days=i)
            weeks = (day - week_start).days // 7
            bit = 1 << ((day.weekday() + 1) % 7)  # Sunday = 1, Monday = 2 … Saturday = 64
            if mask & bit and weeks % period == 0:
                days.append(day)
    else:
        note(f"{where}: the recurring exception '{name or '?'}' (type {kind}) is not expanded")
        return []
    return [CalendarException(date=day, hours=hours, name=name) for day in days]
