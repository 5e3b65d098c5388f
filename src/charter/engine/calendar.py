"""Working-time arithmetic on an indexed timeline.

Instants are integer minutes since 1970-01-01 00:00 UTC. A calendar is compiled once into a
sorted list of working intervals with the cumulative working minutes before each one, so
"add 5 working days", "how much work lies between two instants" and "next start of work" are
binary searches, never minute-by-minute walks. Intervals are generated lazily, a year at a
time, in whichever direction a query needs.

Plan dates are local wall-clock times in the project's time zone; working hours are local
too, so a shift of 08:00-17:00 stays 08:00-17:00 across a daylight-saving change, while a
night shift spanning the change has one hour more or less of real working time.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from charter.domain.calendar import WEEKDAYS, Calendar
from charter.domain.plan import Plan
from charter.errors import CalendarError

EPOCH = dt.datetime(1970, 1, 1)
_FIRST_BLOCK_DAYS = 91  # generation starts with a quarter and doubles as queries reach further
_MAX_BLOCK_DAYS = 4 * 366
_MAX_SPAN_DAYS = 200 * 366  # how far to search before declaring a calendar empty
DayHours = tuple[tuple[int, int], ...]


class TimeAxis:
    """Converts between local wall-clock datetimes of one time zone and instants."""

    def __init__(self, timezone: str = "UTC") -> None:
        try:
            self.zone: ZoneInfo | None = None if timezone == "UTC" else ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(
                f"unknown time zone '{timezone}'",
                fix="use an IANA name such as Europe/Berlin, America/New_York or UTC",
            ) from exc
        self.name = timezone

    def instant(self, local: dt.datetime) -> int:
        """The instant of a local wall-clock time (a time skipped by DST maps forward)."""
        if self.zone is None:
            return int((local - EPOCH).total_seconds() // 60)
        aware = local.replace(tzinfo=self.zone)
        utc = aware.astimezone(dt.UTC).replace(tzinfo=None)
        return int((utc - EPOCH).total_seconds() // 60)

    def local(self, instant: int) -> dt.datetime:
        utc = EPOCH + dt.timedelta(minutes=instant)
        if self.zone is None:
            return utc
        return utc.replace(tzinfo=dt.UTC).astimezone(self.zone).replace(tzinfo=None)

    def day_start(self, day: dt.date) -> int:
        return self.instant(dt.datetime(day.year, day.month, day.day))

    def offset(self, day: dt.date) -> int:
        """Minutes the zone is ahead of UTC at local midnight starting ``day``."""
        if self.zone is None:
            return 0
        delta = self.zone.utcoffset(dt.datetime(day.year, day.month, day.day))
        return 0 if delta is None else int(delta.total_seconds() // 60)


class WorkingTime:
    """One compiled calendar: working intervals on the instant axis plus cumulative work.

    ``work_at(t)`` is the working minutes from an arbitrary origin up to ``t``; it is
    non-decreasing, so differences give working time between instants and the two inverses
    give the earliest (*finish form*) or latest (*start form*) instant with a given amount.
    """

    def __init__(
        self,
        axis: TimeAxis,
        week: Sequence[DayHours],
        exceptions: Mapping[dt.date, DayHours],
        anchor: dt.date,
        name: str = "",
    ) -> None:
        if len(week) != 7:
            raise ValueError("a week has seven days")
        if not any(week) and not any(exceptions.values()):
            raise CalendarError(
                f"calendar '{name}' has no working time at all",
                fix="give it working hours on at least one weekday, e.g. mon-fri: 08:00-17:00",
            )
        self.name = name
        self._axis = axis
        self._week = tuple(week)
        self._exceptions = dict(exceptions)
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._cum_start: list[int] = []
        self._cum_end: list[int] = []
        self._first_day = anchor
        self._last_day = anchor  # exclusive
        self._span_days = 0
        self._forward_block = _FIRST_BLOCK_DAYS
        self._backward_block = _FIRST_BLOCK_DAYS
        self._extend_forward()

    # -- generation -------------------------------------------------------------------
    def _day_intervals(self, day: dt.date) -> list[tuple[int, int]]:
        hours = self._exceptions.get(day)
        if hours is None:
            hours = self._week[day.weekday()]
        if not hours:
            return []
        axis = self._axis
        midnight = axis.day_start(day)
        next_midnight = axis.day_start(day + dt.timedelta(days=1))
        if next_midnight - midnight == 1440:
            return [(midnight + s, midnight + e) for s, e in hours]
        result = []
        for s, e in hours:
            a = self._local_minute(day, s)
            b = self._local_minute(day, e)
            if b > a:
                result.append((a, b))
        return result

    def _local_minute(self, day: dt.date, minute: int) -> int:
        base = dt.datetime(day.year, day.month, day.day) + dt.timedelta(minutes=minute)
        return self._axis.instant(base)

    def _generate(self, first: dt.date, last: dt.date) -> list[tuple[int, int]]:
        """Working intervals of the local days [first, last), merged where they touch.

        Days are laid out with plain arithmetic a week at a time; only a week in which the
        time zone's offset changes is converted day by day through the zone database.
        """
        intervals: list[tuple[int, int]] = []
        axis = self._axis
        exceptions = self._exceptions
        week = self._week
        one = dt.timedelta(days=1)
        day = first
        epoch_day = (first - EPOCH.date()).days
        weekday = first.weekday()
        while day < last:
            days = min(7, (last - day).days)
            offset = axis.offset(day)
            steady = offset == axis.offset(day + dt.timedelta(days=days))
            for _ in range(days):
                hours = exceptions.get(day)
                if hours is None:
                    hours = week[weekday]
                if hours:
                    if steady:
                        base = epoch_day * 1440 - offset
                        spans = [(base + s, base + e) for s, e in hours]
                    else:
                        spans = self._day_intervals(day)
                    for a, b in spans:
                        if intervals and intervals[-1][1] >= a:
                            intervals[-1] = (intervals[-1][0], max(b, intervals[-1][1]))
                        else:
                            intervals.append((a, b))
                day += one
                epoch_day += 1
                weekday = (weekday + 1) % 7
        return intervals

    def _grow(self, days: int) -> None:
        self._span_days += days
        if self._span_days > _MAX_SPAN_DAYS:
            raise CalendarError(
                f"calendar '{self.name}' has no working time within "
                f"{_MAX_SPAN_DAYS // 365} years of the plan",
                fix="check its week and exceptions: holidays or exceptions may cover every working day",
            )

    def _extend_forward(self) -> None:
        days = self._forward_block
        self._forward_block = min(days * 2, _MAX_BLOCK_DAYS)
        self._grow(days)
        first, last = self._last_day, self._last_day + dt.timedelta(days=days)
        base = self._cum_end[-1] if self._cum_end else 0
        for a, b in self._generate(first, last):
            if self._ends and self._ends[-1] >= a:
                self._ends[-1] = b
                self._cum_end[-1] = self._cum_start[-1] + (b - self._starts[-1])
                base = self._cum_end[-1]
                continue
            self._starts.append(a)
            self._ends.append(b)
            self._cum_start.append(base)
            base += b - a
            self._cum_end.append(base)
        self._last_day = last

    def _extend_backward(self) -> None:
        days = self._backward_block
        self._backward_block = min(days * 2, _MAX_BLOCK_DAYS)
        self._grow(days)
        first, last = self._first_day - dt.timedelta(days=days), self._first_day
        block = self._generate(first, last)
        if block and self._starts and block[-1][1] >= self._starts[0]:
            a, _ = block.pop()
            self._starts[0] = a
            self._cum_start[0] = self._cum_end[0] - (self._ends[0] - a)
        total = sum(b - a for a, b in block)
        base = (self._cum_start[0] if self._cum_start else 0) - total
        starts, ends, cs, ce = [], [], [], []
        for a, b in block:
            starts.append(a)
            ends.append(b)
            cs.append(base)
            base += b - a
            ce.append(base)
        self._starts[:0] = starts
        self._ends[:0] = ends
        self._cum_start[:0] = cs
        self._cum_end[:0] = ce
        self._first_day = first

    def _cover_instant(self, t: int) -> None:
        while not self._starts or t >= self._ends[-1]:
            self._extend_forward()
        while t < self._starts[0]:
            self._extend_backward()

    def _cover_work(self, w: int) -> None:
        while not self._cum_end or w >= self._cum_end[-1]:
            self._extend_forward()
        while w <= self._cum_start[0]:
            self._extend_backward()

    # -- queries -----------------------------------------------------------------------
    def work_at(self, t: int) -> int:
        """Working minutes from the origin to instant ``t``."""
        starts = self._starts
        if not starts or t < starts[0] or t >= self._ends[-1]:
            self._cover_instant(t)
            starts = self._starts
        i = bisect_right(starts, t) - 1
        begin = starts[i]
        into, length = t - begin, self._ends[i] - begin
        return self._cum_start[i] + (into if into < length else length)

    def work_at_many(self, instants: np.ndarray) -> np.ndarray:
        """``work_at`` for an array of instants at once."""
        if instants.size == 0:
            return instants.astype(np.int64)
        self._cover_instant(int(instants.min()))
        self._cover_instant(int(instants.max()))
        starts = np.array(self._starts, dtype=np.int64)
        ends = np.array(self._ends, dtype=np.int64)
        cum = np.array(self._cum_start, dtype=np.int64)
        i = np.searchsorted(starts, instants, side="right") - 1
        work: np.ndarray = cum[i] + np.minimum(instants - starts[i], ends[i] - starts[i])
        return work

    def finish_at(self, w: int) -> int:
        """Earliest instant with ``w`` working minutes done: the end of a working period."""
        cum_end = self._cum_end
        if not cum_end or w >= cum_end[-1] or w <= self._cum_start[0]:
            self._cover_work(w)
            cum_end = self._cum_end
        i = bisect_left(cum_end, w)
        return self._ends[i] - (cum_end[i] - w)

    def start_at(self, w: int) -> int:
        """Latest instant with ``w`` working minutes done: the start of the next working period."""
        cum_start = self._cum_start
        if not cum_start or w >= self._cum_end[-1] or w <= cum_start[0]:
            self._cover_work(w)
            cum_start = self._cum_start
        i = bisect_right(cum_start, w) - 1
        return self._starts[i] + (w - cum_start[i])

    def add(self, t: int, minutes: int) -> int:
        """``t`` moved by ``minutes`` of working time (forward gives finish form, back start form)."""
        if minutes == 0:
            return t
        if minutes > 0:
            return self.finish_at(self.work_at(t) + minutes)
        return self.start_at(self.work_at(t) + minutes)

    def next_start(self, t: int) -> int:
        """``t`` itself inside working time, else the start of the next working period."""
        return self.start_at(self.work_at(t))

    def previous_finish(self, t: int) -> int:
        """``t`` itself inside working time, else the end of the previous working period."""
        return self.finish_at(self.work_at(t))

    def is_period_end(self, t: int) -> bool:
        """True when ``t`` is exactly the end of a working period (e.g. 17:00 on a workday)."""
        self._cover_instant(t)
        i = bisect_left(self._ends, t)
        return i < len(self._ends) and self._ends[i] == t

    def between(self, a: int, b: int) -> int:
        """Working minutes from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        return self.work_at(b) - self.work_at(a)

    def intervals(self, a: int, b: int) -> list[tuple[int, int]]:
        """The working periods that overlap [a, b), clipped to it."""
        self._cover_instant(a)
        self._cover_instant(b)
        i = max(bisect_right(self._starts, a) - 1, 0)
        out = []
        while i < len(self._starts) and self._starts[i] < b:
            lo, hi = max(self._starts[i], a), min(self._ends[i], b)
            if hi > lo:
                out.append((lo, hi))
            i += 1
        return out


def resolve_week(plan: Plan, key: str) -> tuple[list[DayHours], dict[dt.date, DayHours]]:
    """The effective week and exceptions of calendar ``key``, following ``based_on`` parents."""
    chain: list[Calendar] = []
    seen: set[str] = set()
    current: str | None = key
    while current is not None:
        if current in seen:
            raise CalendarError(
                f"calendars inherit from each other in a loop: {' -> '.join([*seen, current])}",
                fix="make one of them a base calendar (remove its based_on)",
            )
        seen.add(current)
        calendar = plan.calendar(current)
        chain.append(calendar)
        current = calendar.based_on
    week: list[DayHours] = [() for _ in WEEKDAYS]
    exceptions: dict[dt.date, DayHours] = {}
    for calendar in reversed(chain):
        for day, ranges in calendar.week.items():
            week[WEEKDAYS.index(day)] = tuple((r.start, r.end) for r in ranges)
        for holiday in calendar.holidays:
            exceptions[holiday] = ()
        for exception in calendar.exceptions:
            hours = tuple((r.start, r.end) for r in exception.hours)
            for date in exception.days():
                exceptions[date] = hours
    return week, exceptions


def compile_calendar(plan: Plan, key: str, axis: TimeAxis, anchor: dt.date) -> WorkingTime:
    week, exceptions = resolve_week(plan, key)
    return WorkingTime(axis, week, exceptions, anchor, name=key)


def _overlap(a: DayHours, b: DayHours) -> DayHours:
    """The working hours two days have in common."""
    out: list[tuple[int, int]] = []
    for s1, e1 in a:
        for s2, e2 in b:
            lo, hi = max(s1, s2), min(e1, e2)
            if hi > lo:
                out.append((lo, hi))
    return tuple(sorted(out))


def compile_common(
    plan: Plan, first: str, second: str, axis: TimeAxis, anchor: dt.date
) -> WorkingTime | None:
    """The working time two calendars share (a task calendar combined with a resource's), or
    None when their weeks have no working hours in common."""
    week_a, exceptions_a = resolve_week(plan, first)
    week_b, exceptions_b = resolve_week(plan, second)
    week = [_overlap(a, b) for a, b in zip(week_a, week_b, strict=True)]
    if not any(week):
        return None
    exceptions = {
        day: _overlap(
            exceptions_a.get(day, week_a[day.weekday()]), exceptions_b.get(day, week_b[day.weekday()])
        )
        for day in exceptions_a.keys() | exceptions_b.keys()
    }
    return WorkingTime(axis, week, exceptions, anchor, name=f"{first} & {second}")
