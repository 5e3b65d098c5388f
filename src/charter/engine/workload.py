"""Resource load per period: how much of each resource's available time its tasks book.

A task books each of its work resources at the assignment's units over the task's working
time (on the task's calendar); a resource is available at its maximum units over its own
calendar (the project's when it has none). Over-allocation is judged on the peak: the most
units a resource holds at any one instant of the period, against its maximum units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from charter.engine.cpm import Schedule
from charter.engine.levelling.usage import EPSILON, Booking, bookings, pool

Period = Literal["day", "week"]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Workload:
    resources: list[str]
    capacity: list[float]  # maximum units
    days: list[dt.date]  # first day of each period
    booked: FloatArray  # (resources, periods) unit-minutes booked
    available: FloatArray  # (resources, periods) unit-minutes available
    peak: FloatArray  # (resources, periods) most units held at one instant

    @property
    def load(self) -> FloatArray:
        """Booked over available; where nothing is available, anything booked counts as 100 % per
        unit-minute (so work on a day off still shows)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(self.available > 0, self.booked / np.maximum(self.available, 1), 0.0)
        return np.where((self.available <= 0) & (self.booked > 0), np.inf, share)

    @property
    def overallocated(self) -> npt.NDArray[np.bool_]:
        return self.peak > np.asarray(self.capacity)[:, None] + EPSILON


def workload(sched: Schedule, *, by: Period = "week") -> Workload:
    net = sched.network
    plan = net.plan
    capacity = pool([plan])
    keys = sorted(capacity)
    row = {key: r for r, key in enumerate(keys)}
    first = net.axis.local(sched.project_start).date()
    last = net.axis.local(max(sched.project_finish - 1, sched.project_start)).date()
    if by == "week":
        first -= dt.timedelta(days=first.weekday())
    step = dt.timedelta(days=7 if by == "week" else 1)
    days: list[dt.date] = []
    day = first
    while day <= last:
        days.append(day)
        day += step
    bounds = [net.axis.day_start(d) for d in days] + [net.axis.day_start(days[-1] + step)]
    shape = (len(keys), len(days))
    booked = np.zeros(shape)
    available = np.zeros(shape)
    peak = np.zeros(shape)
    project_calendar = net.calendars.get(plan.project.calendar)
    for key in keys:
        resource = plan.resources[key]
        cal = net.calendars.get(resource.calendar or plan.project.calendar, project_calendar)
        if cal is None:
            continue
        for p in range(len(days)):
            available[row[key], p] = resource.units * cal.between(bounds[p], bounds[p + 1])
    per_period: dict[tuple[int, int], list[Booking]] = {}
    for b in bookings([sched]):
        r = row.get(b.resource)
        if r is None:
            continue
        cal = net.leaf_calendar[net.leaf_of_task[b.task]]
        lo = int(np.searchsorted(bounds, b.start, side="right")) - 1
        hi = int(np.searchsorted(bounds, b.finish, side="left"))
        for p in range(max(lo, 0), min(hi, len(days))):
            a, z = max(b.start, bounds[p]), min(b.finish, bounds[p + 1])
            if z > a:
                booked[r, p] += b.units * cal.between(a, z)
                per_period.setdefault((r, p), []).append(b)
    for (r, p), items in per_period.items():
        events = sorted(
            [(max(b.start, bounds[p]), 1, b.units) for b in items]
            + [(min(b.finish, bounds[p + 1]), 0, b.units) for b in items]
        )
        load = top = 0.0
        for _, kind, units in events:
            load += units if kind else -units
            top = max(top, load)
        peak[r, p] = top
    return Workload(keys, [capacity[k] for k in keys], days, booked, available, peak)
