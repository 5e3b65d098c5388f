"""Reporting periods (calendar weeks from Monday, or calendar months) and fractional time in them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

PeriodKind = Literal["week", "month"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("week", "month")


def period_start(day: dt.date, kind: PeriodKind) -> dt.date:
    if kind == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def next_start(day: dt.date, kind: PeriodKind) -> dt.date:
    if kind == "week":
        return day + dt.timedelta(days=7)
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Periods:
    """Period ``t`` (1-based) runs from midnight starting ``bounds[t-1]`` to midnight starting
    ``bounds[t]``; its label is its last day."""

    kind: PeriodKind
    bounds: list[dt.date]

    @classmethod
    def covering(cls, first: dt.date, last: dt.date, kind: PeriodKind) -> Periods:
        """The periods from the one holding ``first`` to the one holding ``last``."""
        bounds = [period_start(first, kind)]
        while bounds[-1] <= last:
            bounds.append(next_start(bounds[-1], kind))
        return cls(kind, bounds)

    def __len__(self) -> int:
        return len(self.bounds) - 1

    @property
    def ends(self) -> list[dt.date]:
        """The last day of each period."""
        return [b - dt.timedelta(days=1) for b in self.bounds[1:]]

    @property
    def labels(self) -> list[str]:
        return [day.isoformat() for day in self.ends]

    def elapsed(self, moment: dt.datetime) -> float:
        """Periods from the first bound to ``moment``, fractional inside a period (by elapsed time)."""
        day = moment.date()
        bound = self.bounds[0]
        t = 0
        while True:
            following = next_start(bound, self.kind)
            if day < following or (moment == _midnight(following)):
                span = (_midnight(following) - _midnight(bound)).total_seconds()
                return t + (moment - _midnight(bound)).total_seconds() / span
            bound, t = following, t + 1

    def moment(self, periods: float) -> dt.datetime | None:
        """The inverse of ``elapsed``: the time ``periods`` periods after the first bound, or None
        when that is past the last representable date (a forecast from a near-zero SPI(t))."""
        whole = int(periods)
        try:
            bound = _after(self.bounds[0], whole, self.kind)
            following = next_start(bound, self.kind)
        except (OverflowError, ValueError):
            return None
        span = _midnight(following) - _midnight(bound)
        return _midnight(bound) + span * (periods - whole)


def _after(day: dt.date, count: int, kind: PeriodKind) -> dt.date:
    """The period start ``count`` periods after the period start ``day``."""
    if kind == "week":
        return day + dt.timedelta(days=7 * count)
    months = day.year * 12 + day.month - 1 + count
    return dt.date(months // 12, months % 12 + 1, 1)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)
