"""Benchmark of Charter's scheduling path on generated plans of 1,000, 10,000 and 100,000 tasks.

What it measures, per plan size:

* **build** — constructing the ``charter.domain`` objects (``Plan``, ``Task``, ``Link`` …) from a
  pre-generated, engine-independent description (the random choices are made before the clock
  starts, so only object construction is timed);
* **schedule** — ``charter.engine.cpm.schedule(plan)``, which compiles the network and runs the
  CPM passes; best of 3 runs (``time.perf_counter``, ``gc.collect()`` before each);
* **save / load** — ``dump_plan`` then writing the text to a temporary file, and reading the
  file back then ``parse_plan`` (the end-to-end plan-file path);
* **json** — ``charter.views.schedule.schedule_document(result)`` (the ``--json`` view), and
  ``json.dumps`` of it;
* **memory** — two figures. *peak RSS* is the whole-process high-water mark
  (``VmHWM`` in ``/proc/self/status``) of a fresh subprocess that only builds the plan and
  schedules it once: interpreter + imports + plan objects + scheduling. It is the honest figure
  the acceptance check uses. *sched alloc* is the ``tracemalloc`` peak of Python allocations
  made during one scheduling call (started just before it), i.e. what scheduling itself adds.

The plans are realistic and deterministic for a given ``--seed``: top-level streams of work
packages (summary tasks of 10-30 leaves), about two links per task (mostly FS, some SS/FF with
working, elapsed or percentage lags and a few leads, a few SF; some links into or out of summary
tasks), milestones, SNET/FNLT constraints and deadlines, a standard calendar (mon-fri
08:00-12:00, 13:00-17:00, Berlin public holidays, half days on 24 and 31 December) and a
"six-day" calendar based on it with working Saturdays for ~10 % of the tasks, time zone
Europe/Berlin. Links always go from earlier to later tasks in WBS order and never between a
task and its own ancestor, so the network has no cycles. FNLT dates and deadlines are placed
after an upper bound of each task's early finish that the generator computes itself (on the
standard calendar's working-minute axis), so they are satisfiable without asking the engine —
the generated plan does not depend on the engine version.

As a baseline, the 1,000-task plan reduced to its FS links (no constraints or deadlines) is
also scheduled by a deliberately naive plain-Python CPM that walks the calendar minute by
minute; its dates and slack are checked against Charter's.

Run it from the repository root::

    .venv/bin/python benchmarks/cpm.py                      # 1,000, 10,000 and 100,000 tasks
    .venv/bin/python benchmarks/cpm.py --sizes 1000,10000 --seed 7
    .venv/bin/python benchmarks/cpm.py --profile            # cProfile of the largest schedule
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import datetime as dt
import functools
import gc
import io
import json
import math
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from charter.domain import (
    WEEKDAYS,
    Calendar,
    CalendarException,
    Constraint,
    ConstraintType,
    Duration,
    Lag,
    Link,
    LinkType,
    Plan,
    Project,
    Task,
    TimeRange,
)
from charter.domain.values import DurationUnit
from charter.engine.cpm import Schedule, schedule
from charter.formats.planfile import dump_plan, parse_plan
from charter.views.schedule import schedule_document

T = TypeVar("T")

PROJECT_START = dt.date(2027, 1, 4)  # a Monday
TIMEZONE = "Europe/Berlin"
STANDARD = "standard"
SIX_DAY = "six-day"
DAY = 480  # working minutes in a standard day
TASKS_PER_STREAM = 500
ACCEPT_SECONDS = 2.0
ACCEPT_MB = 1024.0
_LINK_ORDER = {LinkType.FS: 0, LinkType.SS: 1, LinkType.FF: 2, LinkType.SF: 3}
_FS_LAGS: tuple[tuple[float, DurationUnit], ...] = ((1.0, "d"), (2.0, "d"), (4.0, "h"), (0.5, "d"))
_ELAPSED_LAGS: tuple[tuple[float, DurationUnit], ...] = ((1.0, "ed"), (2.0, "ed"), (12.0, "eh"))
_LEADS: tuple[tuple[float, DurationUnit], ...] = ((-1.0, "d"), (-4.0, "h"))
_UNIT_MINUTES: dict[str, int] = {"m": 1, "h": 60, "d": 480, "w": 2400, "eh": 60, "ed": 1440}

_AREAS = ("Infrastructure", "Finance", "HR", "Logistics", "Security", "Data", "Network", "Workplace")
_PHASES = ("Analysis", "Design", "Build", "Test", "Roll-out", "Hypercare", "Migration", "Training")
_VERBS = ("Analyse", "Design", "Configure", "Build", "Migrate", "Test", "Review", "Document", "Deploy")
_OBJECTS = (
    "database schema",
    "API gateway",
    "user accounts",
    "backup jobs",
    "CI pipeline",
    "load balancer",
    "reporting module",
    "single sign-on",
    "data import",
    "firewall rules",
    "ERP interface",
    "storage cluster",
)


# -- plan description (engine-independent, no pydantic) --------------------------------------
@dataclass(slots=True)
class LinkSpec:
    pred: str
    kind: LinkType
    lag: tuple[float, DurationUnit] | None = None  # working or elapsed amount
    percent: float | None = None


@dataclass(slots=True)
class TaskSpec:
    key: str
    name: str
    duration: tuple[float, DurationUnit] | None = None
    milestone: bool = False
    calendar: str | None = None
    constraint: tuple[ConstraintType, dt.date] | None = None
    deadline: dt.date | None = None
    links: list[LinkSpec] = field(default_factory=list)
    children: list[TaskSpec] = field(default_factory=list)


@dataclass(slots=True)
class PlanSpec:
    size: int
    tasks: list[TaskSpec]
    holidays: list[dt.date]
    half_days: list[dt.date]

    def walk(self) -> Iterator[TaskSpec]:
        stack = list(reversed(self.tasks))
        while stack:
            task = stack.pop()
            yield task
            stack.extend(reversed(task.children))


@dataclass(slots=True)
class _Bounds:
    """Upper bounds of a task's early start/finish, in standard-calendar working minutes."""

    start: int
    finish: int
    minutes: int  # leaf duration in working minutes (0 for summaries)


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    h = (19 * a + b - d - (b - (b + 8) // 25 + 1) // 3 + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def berlin_holidays(year: int) -> list[dt.date]:
    """The ten public holidays of Berlin."""
    e = easter(year)
    days = [
        dt.date(year, 1, 1),
        dt.date(year, 3, 8),
        e - dt.timedelta(days=2),
        e + dt.timedelta(days=1),
        dt.date(year, 5, 1),
        e + dt.timedelta(days=39),
        e + dt.timedelta(days=50),
        dt.date(year, 10, 3),
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    ]
    return sorted(days)


class _WorkDays:
    """The standard calendar as a day table: capacity and cumulative working minutes per day."""

    def __init__(self, years: int = 15) -> None:
        holidays = {
            d for y in range(PROJECT_START.year, PROJECT_START.year + years + 1) for d in berlin_holidays(y)
        }
        self.dates: list[dt.date] = []
        self.capacity: list[int] = []
        self.cum_after: list[int] = []  # working minutes up to the end of each day
        self.cum_before: list[int] = []
        total = 0
        day = PROJECT_START
        for _ in range(years * 366):
            if day.weekday() >= 5 or day in holidays:
                cap = 0
            elif (day.month, day.day) in ((12, 24), (12, 31)):
                cap = 240
            else:
                cap = DAY
            self.dates.append(day)
            self.capacity.append(cap)
            self.cum_before.append(total)
            total += cap
            self.cum_after.append(total)
            day += dt.timedelta(days=1)

    def day_of(self, position: int) -> int:
        """The day on which a finish at ``position`` working minutes lies."""
        return 0 if position <= 0 else bisect.bisect_left(self.cum_after, position)

    def workday_from(self, index: int) -> int:
        while self.capacity[index] < DAY:  # a full working day: no weekend, holiday or half day
            index += 1
        return index


def _pick(rng: random.Random, options: tuple[T, ...] | list[T]) -> T:
    return options[rng.randrange(len(options))]


class _Generator:
    """Draws a plan's structure from ``rng`` and tracks early-date upper bounds as it goes."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.rng = random.Random(seed * 1_000_003 + size)
        self.days = _WorkDays()
        self.bounds: dict[str, _Bounds] = {}
        self.is_leaf: dict[str, bool] = {}
        self.leaf_n = 0
        self.wp_n = 0
        # per stream, per position: (summary key, leaf keys)
        self.streams: list[list[tuple[str, list[str]]]] = []
        self.max_finish = 0

    # -- random pieces ----------------------------------------------------------------------
    def duration(self) -> tuple[float, DurationUnit]:
        r = self.rng.random()
        if r < 0.15:
            return float(_pick(self.rng, (2, 4, 6, 12))), "h"
        if r < 0.80:
            return float(self.rng.randint(1, 10)), "d"
        if r < 0.90:
            return float(self.rng.randint(10, 20)), "d"
        if r < 0.95:
            return float(self.rng.randint(1, 3)), "w"
        return _pick(self.rng, (0.5, 1.5, 2.5)), "d"

    def link(self, pred: str, *, from_summary: bool) -> LinkSpec:
        rng = self.rng
        r = rng.random()
        if from_summary:
            kind = LinkType.FS if r < 0.85 else LinkType.SS if r < 0.95 else LinkType.FF
        else:
            kind = (
                LinkType.FS
                if r < 0.84
                else LinkType.SS
                if r < 0.92
                else LinkType.FF
                if r < 0.985
                else LinkType.SF
            )
        spec = LinkSpec(pred, kind)
        r = rng.random()
        if kind is LinkType.FS:
            if r < 0.10:
                spec.lag = _pick(rng, _FS_LAGS)
            elif r < 0.14:
                spec.lag = _pick(rng, _ELAPSED_LAGS)
            elif r < 0.17:
                spec.lag = _pick(rng, _LEADS)
        elif kind is LinkType.SS:
            if r < 0.4 and not from_summary:
                spec.percent = _pick(rng, (25.0, 50.0))
            elif r < 0.7:
                spec.lag = float(rng.randint(1, 3)), "d"
        elif kind is LinkType.FF:
            if r < 0.4:
                spec.lag = float(rng.randint(1, 2)), "d"
        elif r < 0.5:
            spec.lag = 1.0, "d"
        return spec

    # -- early-date upper bounds ------------------------------------------------------------
    def lag_bound(self, link: LinkSpec, pred: _Bounds, succ_standard: bool) -> int:
        if link.percent is not None:
            return round(pred.minutes * link.percent / 100.0)
        if link.lag is None:
            return 0
        value, unit = link.lag
        minutes = round(value * _UNIT_MINUTES[unit])
        if unit.startswith("e"):  # elapsed: at most one working day per 24 hours
            return math.ceil(minutes / 1440) * DAY if minutes > 0 else 0
        # a lead on a six-day calendar goes back less far than on the standard one
        return minutes if succ_standard or minutes > 0 else 0

    def start_bound(self, link: LinkSpec, minutes: int, standard: bool) -> int:
        pred = self.bounds[link.pred]
        lag = self.lag_bound(link, pred, standard)
        back = minutes if standard else 0  # FF/SF: start = finish - duration (exact on standard)
        if link.kind is LinkType.FS:
            return pred.finish + lag
        if link.kind is LinkType.SS:
            return pred.start + lag
        if link.kind is LinkType.FF:
            return pred.finish + lag - back
        return pred.start + lag - back

    # -- structure ---------------------------------------------------------------------------
    def generate(self) -> PlanSpec:
        n_streams = max(1, round(self.size / TASKS_PER_STREAM))
        base, extra = divmod(self.size, n_streams)
        tasks = [self.stream(s, base + (1 if s < extra else 0)) for s in range(n_streams)]
        last_year = self.days.dates[self.days.day_of(self.max_finish) + 60].year + 1
        holidays = [d for y in range(PROJECT_START.year, last_year + 1) for d in berlin_holidays(y)]
        half_days = [
            d
            for y in range(PROJECT_START.year, last_year + 1)
            for d in (dt.date(y, 12, 24), dt.date(y, 12, 31))
            if d.weekday() < 5
        ]
        return PlanSpec(self.size, tasks, holidays, half_days)

    def stream(self, s: int, budget: int) -> TaskSpec:
        area = _AREAS[s % len(_AREAS)]
        summary = TaskSpec(key=f"s{s + 1}", name=f"{area} stream {s // len(_AREAS) + 1}")
        self.streams.append([])
        used = 1
        while used < budget:
            rest = budget - used
            leaves = self.rng.randint(10, 30)
            if rest - (leaves + 1) < 11:
                leaves = rest - 1
            summary.children.append(self.work_package(s, leaves, area))
            used += leaves + 1
        return summary

    def entry_links(self, s: int, position: int) -> list[LinkSpec]:
        """Links into a new work package from earlier ones (same stream, or an earlier stream)."""
        rng = self.rng
        links: list[LinkSpec] = []
        mine = self.streams[s]
        if position > 0:
            back = min(position, rng.randint(1, 8))
            links.append(self.link_from_package(mine[position - back]))
        if s > 0 and position > 0 and rng.random() < 0.25:
            other = self.streams[rng.randrange(s)]
            if other:
                links.append(self.link_from_package(other[rng.randrange(min(position, len(other)))]))
        return links

    def link_from_package(self, package: tuple[str, list[str]]) -> LinkSpec:
        summary, leaves = package
        if self.rng.random() < 0.3:
            return self.link(summary, from_summary=True)
        tail = leaves[len(leaves) * 2 // 3 :] or leaves
        return self.link(_pick(self.rng, tail), from_summary=False)

    def work_package(self, s: int, n_leaves: int, area: str) -> TaskSpec:
        rng = self.rng
        position = len(self.streams[s])
        self.wp_n += 1
        wp = TaskSpec(key=f"wp{self.wp_n}", name=f"{area}: {_pick(rng, _PHASES)} {position + 1}")
        entry = self.entry_links(s, position)
        on_summary = rng.random() < 0.25
        if on_summary:
            wp.links = sorted(entry, key=lambda link: _LINK_ORDER[link.kind])
        leaf_keys: list[str] = []
        for j in range(n_leaves):
            leaf = self.leaf(s, position, j, n_leaves, leaf_keys, wp, [] if on_summary or j else entry)
            wp.children.append(leaf)
            leaf_keys.append(leaf.key)
        leaves = [self.bounds[k] for k in leaf_keys]
        self.bounds[wp.key] = _Bounds(min(b.start for b in leaves), max(b.finish for b in leaves), 0)
        self.is_leaf[wp.key] = False
        self.streams[s].append((wp.key, leaf_keys))
        return wp

    def leaf(
        self,
        s: int,
        position: int,
        j: int,
        n_leaves: int,
        siblings: list[str],
        wp: TaskSpec,
        entry: list[LinkSpec],
    ) -> TaskSpec:
        rng = self.rng
        self.leaf_n += 1
        milestone = (j == n_leaves - 1 and j > 0 and rng.random() < 0.35) or rng.random() < 0.02
        task = TaskSpec(key=f"t{self.leaf_n}", name="")
        if milestone:
            task.milestone = True
            task.name = f"{wp.name} milestone {j + 1}"
        else:
            task.duration = self.duration()
            task.name = f"{_pick(rng, _VERBS)} {_pick(rng, _OBJECTS)}"
            if rng.random() < 0.10:
                task.calendar = SIX_DAY
        task.links = list(entry)
        if j > 0:
            count = min(j, _pick(rng, (1, 2, 2, 2, 3, 3, 1, 2, 3, 2)))
            for p in rng.sample(range(max(0, j - 12), j), count):
                task.links.append(self.link(siblings[p], from_summary=False))
        if position > 0 and j > 0 and rng.random() < 0.08:
            _, earlier = self.streams[s][rng.randrange(position)]
            pred = _pick(rng, earlier)
            if all(link.pred != pred for link in task.links):
                task.links.append(self.link(pred, from_summary=False))

        # early-date upper bound on the standard calendar's working-minute axis
        standard = task.calendar is None
        minutes = 0 if task.duration is None else round(task.duration[0] * _UNIT_MINUTES[task.duration[1]])
        start = 0
        for link in [*task.links, *wp.links]:
            start = max(start, self.start_bound(link, minutes, standard))
        days = self.days
        if not milestone and (
            rng.random() < 0.02 or (position == 0 and j == 0 and s > 0 and rng.random() < 0.6)
        ):
            day = days.workday_from(days.day_of(start) + rng.randint(0, 40 if j == 0 else 10))
            task.constraint = ConstraintType.SNET, days.dates[day]
            start = max(start, days.cum_before[day])
        finish = start + minutes
        r = rng.random()
        if r < (0.30 if milestone else 0.03):
            task.deadline = days.dates[days.workday_from(days.day_of(finish) + 1 + rng.randint(0, 10))]
        elif r < (0.30 if milestone else 0.03) + 0.01 and task.constraint is None:
            day = days.workday_from(days.day_of(finish) + 1 + rng.randint(0, 10))
            task.constraint = ConstraintType.FNLT, days.dates[day]
        task.links.sort(key=lambda link: _LINK_ORDER[link.kind])  # the plan file's canonical order
        self.bounds[task.key] = _Bounds(start, finish, minutes)
        self.is_leaf[task.key] = True
        self.max_finish = max(self.max_finish, finish)
        return task


def generate(size: int, seed: int) -> PlanSpec:
    """The description of a plan of exactly ``size`` tasks (summaries included)."""
    return _Generator(size, seed).generate()


# -- domain objects -------------------------------------------------------------------------
def _duration(value: tuple[float, DurationUnit]) -> Duration:
    return Duration(value=value[0], unit=value[1])


def _build_link(spec: LinkSpec) -> Link:
    if spec.percent is not None:
        lag = Lag(percent=spec.percent)
    elif spec.lag is not None:
        lag = Lag(amount=_duration(spec.lag))
    else:
        lag = Lag()
    return Link(predecessor=spec.pred, type=spec.kind, lag=lag)


def _build_task(spec: TaskSpec) -> Task:
    return Task(
        key=spec.key,
        name=spec.name,
        duration=None if spec.duration is None else _duration(spec.duration),
        milestone=spec.milestone,
        calendar=spec.calendar,
        constraint=None
        if spec.constraint is None
        else Constraint(type=spec.constraint[0], date=spec.constraint[1]),
        deadline=spec.deadline,
        links=[_build_link(link) for link in spec.links],
        tasks=[_build_task(child) for child in spec.children],
    )


def build_plan(spec: PlanSpec) -> Plan:
    """Charter domain objects for ``spec``."""
    hours = [TimeRange(start=480, end=720), TimeRange(start=780, end=1020)]
    standard = Calendar(
        key=STANDARD,
        week={day: list(hours) for day in WEEKDAYS[:5]},
        holidays=list(spec.holidays),
        exceptions=[
            CalendarException(date=d, hours=[TimeRange(start=480, end=720)], name="half day")
            for d in spec.half_days
        ],
    )
    six_day = Calendar(key=SIX_DAY, based_on=STANDARD, week={"sat": list(hours)})
    return Plan(
        project=Project(
            name=f"Benchmark programme ({spec.size:,} tasks)",
            start=PROJECT_START,
            timezone=TIMEZONE,
            calendar=STANDARD,
        ),
        calendars={STANDARD: standard, SIX_DAY: six_day},
        tasks=[_build_task(t) for t in spec.tasks],
    )


def fs_only(plan: Plan) -> Plan:
    """The plan with only its FS links and no constraints or deadlines (for the naive baseline)."""

    def strip(task: Task) -> Task:
        return task.model_copy(
            update={
                "links": [link for link in task.links if link.type is LinkType.FS],
                "constraint": None,
                "deadline": None,
                "tasks": [strip(child) for child in task.tasks],
            }
        )

    return plan.model_copy(update={"tasks": [strip(t) for t in plan.tasks]})


# -- the naive reference ---------------------------------------------------------------------
class _MinuteCalendar:
    """A calendar as one byte per wall-clock minute, walked one minute at a time."""

    def __init__(self, plan: Plan, key: str, base: dt.date, days: int) -> None:
        chain: list[Calendar] = []
        current: str | None = key
        while current is not None:
            calendar = plan.calendar(current)
            chain.append(calendar)
            current = calendar.based_on
        week: list[list[tuple[int, int]]] = [[] for _ in WEEKDAYS]
        exceptions: dict[dt.date, list[tuple[int, int]]] = {}
        for calendar in reversed(chain):
            for weekday, ranges in calendar.week.items():
                week[WEEKDAYS.index(weekday)] = [(r.start, r.end) for r in ranges]
            for holiday in calendar.holidays:
                exceptions[holiday] = []
            for exception in calendar.exceptions:
                for date in exception.days():
                    exceptions[date] = [(r.start, r.end) for r in exception.hours]
        self.bits = bytearray(days * 1440)
        for n in range(days):
            date = base + dt.timedelta(days=n)
            hours = exceptions.get(date)
            for start, end in week[date.weekday()] if hours is None else hours:
                self.bits[n * 1440 + start : n * 1440 + end] = b"\x01" * (end - start)

    def forward(self, t: int, minutes: int) -> int:
        bits = self.bits
        while minutes > 0:
            minutes -= bits[t]
            t += 1
        return t

    def backward(self, t: int, minutes: int) -> int:
        bits = self.bits
        while minutes > 0:
            t -= 1
            minutes -= bits[t]
        return t

    def add(self, t: int, minutes: int) -> int:
        return self.forward(t, minutes) if minutes >= 0 else self.backward(t, -minutes)

    def next_start(self, t: int) -> int:
        bits = self.bits
        while not bits[t]:
            t += 1
        return t

    def previous_finish(self, t: int) -> int:
        bits = self.bits
        while not bits[t - 1]:
            t -= 1
        return t

    def between(self, a: int, b: int) -> int:
        bits = self.bits
        count = 0
        for t in range(min(a, b), max(a, b)):
            count += bits[t]
        return count if b >= a else -count


@dataclass(slots=True)
class NaiveResult:
    keys: list[str]
    es: list[int]
    ef: list[int]
    ls: list[int]
    lf: list[int]
    slack: list[int]
    base: dt.date


def naive_cpm(plan: Plan) -> NaiveResult:
    """Forward and backward pass over FS links, walking the calendars minute by minute."""
    assert isinstance(plan.project.start, dt.date)
    zone = ZoneInfo(plan.project.timezone)
    base = plan.project.start - dt.timedelta(days=366)
    horizon = 366 * 9
    calendars: dict[str, _MinuteCalendar] = {}
    units = plan.project.work_units
    tasks = list(plan.walk())
    leaves = [t for t in tasks if not t.tasks]
    leaf_index = {t.key: i for i, t in enumerate(leaves)}
    under: dict[str, list[int]] = {}
    for task in reversed(tasks):
        under[task.key] = (
            [leaf_index[task.key]] if not task.tasks else [i for c in task.tasks for i in under[c.key]]
        )
    cal: list[_MinuteCalendar] = []
    for leaf in leaves:
        key = leaf.calendar or plan.project.calendar
        if key not in calendars:
            calendars[key] = _MinuteCalendar(plan, key, base, horizon)
        cal.append(calendars[key])
    duration = [0 if t.duration is None else t.duration.minutes(units) for t in leaves]
    n = len(leaves)
    incoming: list[list[tuple[int, int, bool]]] = [[] for _ in range(n)]
    outgoing: list[list[tuple[int, int, bool]]] = [[] for _ in range(n)]
    for task in tasks:
        for link in task.links:
            amount = link.lag.amount
            lag = 0 if amount is None else amount.minutes(units)
            elapsed = amount is not None and amount.elapsed
            for p in under[link.predecessor]:
                for s in under[task.key]:
                    incoming[s].append((p, lag, elapsed))
                    outgoing[p].append((s, lag, elapsed))

    def elapsed_add(t: int, minutes: int) -> int:
        local = dt.datetime(base.year, base.month, base.day) + dt.timedelta(minutes=t)
        moved = (local.replace(tzinfo=zone).astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(
            zone
        )
        return int(
            (moved.replace(tzinfo=None) - dt.datetime(base.year, base.month, base.day)).total_seconds() // 60
        )

    project_start = 366 * 1440
    es, ef, ls, lf = [0] * n, [0] * n, [0] * n, [0] * n
    bound_ls = [0] * n  # what binds predecessors: a milestone's late finish before snapping
    for i in range(n):  # leaves in WBS order are a topological order here
        c = cal[i]
        start = project_start
        for p, lag, elapsed in incoming[i]:
            t = ef[p]
            if lag:
                t = elapsed_add(t, lag) if elapsed else c.add(t, lag)
            start = max(start, t)
        snapped = c.next_start(start)
        if snapped > start and leaves[i].milestone and c.bits[start - 1] and not c.bits[start]:
            snapped = start
        es[i] = snapped
        ef[i] = c.forward(snapped, duration[i])
    project_finish = max(ef)
    for i in range(n - 1, -1, -1):
        c = cal[i]
        finish = project_finish
        for s, lag, elapsed in outgoing[i]:
            t = bound_ls[s]
            if lag:
                t = elapsed_add(t, -lag) if elapsed else cal[s].add(t, -lag)
            finish = min(finish, t)
        lf[i] = c.previous_finish(finish)
        ls[i] = c.backward(lf[i], duration[i])
        bound_ls[i] = ls[i] if duration[i] else finish
    slack = [min(cal[i].between(es[i], ls[i]), cal[i].between(ef[i], lf[i])) for i in range(n)]
    return NaiveResult([t.key for t in leaves], es, ef, ls, lf, slack, base)


def naive_agreement(result: Schedule, naive: NaiveResult) -> int:
    """How many leaves have the same early/late dates and total slack in both schedules."""
    net = result.network
    origin = dt.datetime(naive.base.year, naive.base.month, naive.base.day)

    def wall(instant: int) -> int:
        return int((net.axis.local(instant) - origin).total_seconds() // 60)

    same = 0
    for k, key in enumerate(naive.keys):
        i = net.index[key]
        ours = (
            wall(result.early_start[i]),
            wall(result.early_finish[i]),
            wall(result.late_start[i]),
            wall(result.late_finish[i]),
            result.total_slack[i],
        )
        same += ours == (naive.es[k], naive.ef[k], naive.ls[k], naive.lf[k], naive.slack[k])
    return same


# -- measuring -------------------------------------------------------------------------------
def timed(fn: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def best_of(runs: int, fn: Callable[[], T]) -> tuple[float, T]:
    best = math.inf
    value: T | None = None
    for _ in range(runs):
        value = None  # free the previous result first: it would only slow the collector down
        seconds, value = timed(fn)
        best = min(best, seconds)
    assert value is not None
    return best, value


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM), in MB.

    ``ru_maxrss`` is not used on Linux: it keeps the high-water mark across fork and exec, so a
    subprocess of a big benchmark process would report its parent's size.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def rss_probe(size: int, seed: int) -> dict[str, float]:
    """In this (fresh) process: build the plan, schedule it once, report peak RSS in MB."""
    plan = build_plan(generate(size, seed))
    gc.collect()
    before = peak_rss_mb()
    schedule(plan)
    return {"before_mb": before, "peak_mb": peak_rss_mb()}


def peak_rss_subprocess(size: int, seed: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--rss-probe", str(size), "--seed", str(seed)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


@dataclass(slots=True)
class Row:
    size: int
    tasks: int
    leaves: int
    links: int
    edges: int
    build_s: float
    schedule_s: float
    rss_mb: float
    alloc_mb: float
    save_s: float
    load_s: float
    json_s: float
    dumps_s: float
    file_mb: float
    round_trip: bool
    conflicts: int
    critical: int
    finish: str


def measure(size: int, seed: int) -> Row:
    # the description is generated untimed and dropped: only the plan stays alive, as in the CLI
    build_s, plan = timed(functools.partial(build_plan, generate(size, seed)))

    gc.collect()
    tracemalloc.start()
    schedule(plan)
    alloc_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    schedule_s, result = best_of(3, lambda: schedule(plan))

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.yaml"
        save_s, _ = timed(lambda: path.write_text(dump_plan(plan), encoding="utf-8"))
        file_mb = path.stat().st_size / 2**20
        load_s, loaded = timed(lambda: parse_plan(path.read_text(encoding="utf-8"), str(path)))
    round_trip = loaded == plan
    del loaded
    json_s, document = timed(lambda: schedule_document(result))
    dumps_s, _ = timed(lambda: json.dumps(document))
    tasks = list(plan.walk())
    return Row(
        size=size,
        tasks=len(tasks),
        leaves=sum(1 for t in tasks if not t.tasks),
        links=sum(len(t.links) for t in tasks),
        edges=len(result.network.edges),
        build_s=build_s,
        schedule_s=schedule_s,
        rss_mb=peak_rss_subprocess(size, seed)["peak_mb"],
        alloc_mb=alloc_mb,
        save_s=save_s,
        load_s=load_s,
        json_s=json_s,
        dumps_s=dumps_s,
        file_mb=file_mb,
        round_trip=round_trip,
        conflicts=len(result.conflicts),
        critical=sum(1 for i, t in enumerate(tasks) if result.critical[i] and not t.tasks),
        finish=document["project"]["finish"],
    )


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'size':>8} {'tasks':>8} {'links':>8} {'build s':>8} {'sched s':>8} {'tasks/s':>9} "
        f"{'peak MB':>8} {'alloc MB':>9} {'save s':>7} {'load s':>7} {'json s':>7} {'dumps s':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.size:>8,} {r.tasks:>8,} {r.links:>8,} {r.build_s:>8.2f} {r.schedule_s:>8.3f} "
            f"{r.tasks / r.schedule_s:>9,.0f} {r.rss_mb:>8.0f} {r.alloc_mb:>9.1f} {r.save_s:>7.2f} "
            f"{r.load_s:>7.2f} {r.json_s:>7.2f} {r.dumps_s:>8.2f}"
        )
    print()
    print("peak MB: whole-process peak RSS (VmHWM) of a fresh subprocess that builds and schedules the")
    print(
        "         plan once (interpreter + plan + schedule); alloc MB: tracemalloc peak of schedule() alone."
    )
    print("sched s: best of 3; save = dump_plan + write file; load = read file + parse_plan.")
    for r in rows:
        print(
            f"{r.size:>8,}: {r.leaves:,} leaves, {r.edges:,} expanded edges, file {r.file_mb:.1f} MB, "
            f"round trip {'equal' if r.round_trip else 'DIFFERS'}, {r.conflicts} conflicts, "
            f"{r.critical:,} critical leaves, finish {r.finish}"
        )


def baseline_line(plan: Plan) -> str:
    reduced = fs_only(plan)
    charter_s, result = best_of(3, lambda: schedule(reduced))
    naive_s, naive = timed(lambda: naive_cpm(reduced))
    agree = naive_agreement(result, naive)
    links = sum(len(t.links) for t in reduced.walk())
    return (
        f"charter is {naive_s / charter_s:,.0f}× faster than minute-by-minute on 1,000 tasks "
        f"(FS-only variant, {links:,} links: charter {charter_s:.4f} s best of 3, naive {naive_s:.2f} s; "
        f"dates and slack agree on {agree}/{len(naive.keys)} leaves)"
    )


def profile(size: int, seed: int) -> None:
    plan = build_plan(generate(size, seed))
    profiler = cProfile.Profile()
    profiler.runcall(schedule, plan)
    for order, count in (("cumulative", 25), ("tottime", 15)):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(count)
        print(f"== schedule() of {size:,} tasks, top {count} by {order} time ==")
        print(out.getvalue().split("\n", 4)[-1].rstrip())
        print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated task counts")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated plans")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the schedule step of the largest size only"
    )
    parser.add_argument("--rss-probe", type=int, metavar="SIZE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_probe is not None:
        print(json.dumps(rss_probe(args.rss_probe, args.seed)))
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.profile:
        profile(max(sizes), args.seed)
        return 0
    rows = [measure(size, args.seed) for size in sizes]  # one plan alive at a time
    print(f"Charter CPM benchmark — Python {sys.version.split()[0]}, seed {args.seed}")
    print()
    print_table(rows)
    print()
    for r in rows:
        if r.size == 100_000:
            ok = r.schedule_s <= ACCEPT_SECONDS and r.rss_mb <= ACCEPT_MB
            print(
                f"schedule <= 2 s and <= 1 GB: {'PASS' if ok else 'FAIL'} "
                f"(100,000 tasks: {r.schedule_s:.2f} s, peak RSS {r.rss_mb:,.0f} MB)"
            )
    if 1000 in sizes:
        print(baseline_line(build_plan(generate(1000, args.seed))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
