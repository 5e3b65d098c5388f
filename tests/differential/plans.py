"""Random plans for differential checks, and the Plan -> MPXJ-bridge spec converter.

``random_plan(seed, features)`` builds a :class:`charter.domain.Plan` from
``random.Random(seed)``: 5-40 tasks in WBS order, optionally with summary tasks (one or two
levels), links of the four types with working, elapsed and percentage lags, date
constraints, deadlines, milestones and extra calendars. ``plan_to_spec(plan)`` turns any
plan into the neutral spec that ``mpxj_bridge.schedule_with_mpxj`` takes.

The generator keeps to what both tools can be compared on:

- no cycles: links only go from an earlier task to a later one in WBS order, never from a
  summary to a task inside it (or the other way round), at most one link per pair;
  expanding summary links onto their leaves then keeps every edge pointing forward;
- whole minutes everywhere, and percentage lags only where ``duration * percent / 100`` is a
  whole number (MPXJ keeps fractions of a minute where Charter rounds);
- dated constraints and deadlines as explicit local date-times at the start (start-type
  constraints) or end (finish-type ones, deadlines) of a working period of the task's own
  calendar, so both tools read the same instant (see ``_boundary`` for why MPXJ needs it);
- no percentage lag whose predecessor is a summary task: Microsoft Project takes the
  percentage of the *summary's* duration, which neither MPXJ (it uses a sub-task's
  duration: every leaf's for FS/FF, the earliest leaf's for SS/SF) nor Charter (every
  leaf's for FS/FF, the first leaf's in WBS order for SS/SF) reproduces, so a
  disagreement there would say nothing about which one follows Project;
- no elapsed lag on an FF or SF link (unless ``Features.elapsed_ff_sf``): MPXJ turns the
  link into a start bound first (predecessor date minus the successor's duration) and adds
  the elapsed lag after that, then moves the start to the next working time, so the link
  itself is broken. With ``a`` 4h from Monday 08:00 and ``b`` 1d ``finishes_with: [a +1ed]``,
  MPXJ finishes ``b`` on Monday 17:00, before ``a``'s finish plus 24 h (Tuesday 12:00), and
  gives ``a`` a late finish before the project start (total slack -240). Project honours
  the link (the successor finishes no earlier than the predecessor's finish plus the lag),
  as Charter does;
- no SS or SF link from a summary task (unless ``Features.start_links_from_summaries``):
  MPXJ binds such a link to the sub-task with the earliest early start *of a first forward
  pass that ignores all summary links*, not to the summary's actual start. With
  ``s07: [t09 1d]``, ``s11: [t12 1d after s07, t14 1d]`` and ``s17: [t25 1d]`` with
  ``starts_with: [s11]``, ``s11`` starts on Monday (``t14``) but MPXJ starts ``t25`` on
  Tuesday, with ``t12``. In Project the successor follows the summary's start, as in Charter;
- only working-time durations (the bridge has no elapsed durations);
- ALAP only in the ``alap`` group: MPXJ's ALAP handling (a second forward pass from late
  dates) is itself unverified against Project, so it has a group of its own.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

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
    PlanDate,
    Project,
    Task,
    TimeRange,
)
from charter.engine.network import task_duration_minutes

__all__ = ["GROUPS", "Features", "plan_to_spec", "random_plan"]


# --------------------------------------------------------------------------- Plan -> spec


def _as_datetime(value: PlanDate, *, end_of_day: bool) -> dt.datetime:
    """A plan date as local time: a bare day is its start, or its end for finish-type dates."""
    if isinstance(value, dt.datetime):
        return value
    day = dt.datetime(value.year, value.month, value.day)
    return day + dt.timedelta(days=1) if end_of_day else day


def _stamp(value: PlanDate, *, end_of_day: bool) -> str:
    return _as_datetime(value, end_of_day=end_of_day).strftime("%Y-%m-%dT%H:%M")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _hours(ranges: list[TimeRange]) -> list[list[str]]:
    return [[_hhmm(r.start), _hhmm(r.end)] for r in ranges]


def _calendar_spec(calendar: Calendar) -> dict[str, Any]:
    if calendar.based_on is None:
        # A base calendar lists all seven days; a day it leaves out is non-working.
        week = {day: _hours(calendar.week.get(day, [])) for day in WEEKDAYS}
    else:
        # A derived one lists only the days it overrides; the rest are "as parent".
        week = {day: _hours(ranges) for day, ranges in calendar.week.items()}
    exceptions: list[dict[str, Any]] = [{"date": day.isoformat(), "hours": []} for day in calendar.holidays]
    for exception in calendar.exceptions:
        item: dict[str, Any] = {"date": exception.date.isoformat(), "hours": _hours(exception.hours)}
        if exception.until is not None:
            item["to"] = exception.until.isoformat()
        exceptions.append(item)
    return {"parent": calendar.based_on, "week": week, "exceptions": exceptions}


def plan_to_spec(plan: Plan) -> dict[str, Any]:
    """The bridge's spec for ``plan`` (forward-scheduled plans without progress only)."""
    project = plan.project
    if project.start is None:
        raise ValueError("the MPXJ bridge schedules forward only: the plan needs project.start")
    units = project.work_units

    # Every calendar the plan can reach, parents included (the built-in standard one too).
    wanted = [project.calendar, *plan.calendars, *(t.calendar for t in plan.walk() if t.calendar)]
    calendars: dict[str, dict[str, Any]] = {}
    while wanted:
        name = wanted.pop()
        if name in calendars:
            continue
        calendar = plan.calendar(name)
        calendars[name] = _calendar_spec(calendar)
        if calendar.based_on is not None:
            wanted.append(calendar.based_on)

    tasks: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []

    def visit(task: Task, parent: str | None) -> None:
        if task.is_summary:
            minutes = 0
        else:
            minutes, elapsed = task_duration_minutes(plan, task)
            if elapsed:
                raise ValueError(f"task {task.key!r}: the bridge has no elapsed durations")
        constraint = None
        if task.constraint is not None and task.constraint.type is not ConstraintType.ASAP:
            kind = task.constraint.type
            date = task.constraint.date
            constraint = {
                "type": kind.value,
                "date": None if date is None else _stamp(date, end_of_day=kind.on_finish),
            }
        tasks.append(
            {
                "key": task.key,
                "name": task.label,
                "parent": parent,
                "duration_minutes": minutes,
                "milestone": task.milestone,
                "calendar": task.calendar,
                "constraint": constraint,
                "deadline": None if task.deadline is None else _stamp(task.deadline, end_of_day=True),
            }
        )
        for link in task.links:
            item: dict[str, Any] = {"pred": link.predecessor, "succ": task.key, "type": link.type.value}
            if link.lag.percent is not None:
                item["lag_percent"] = float(link.lag.percent)
            elif link.lag.amount is not None:
                item["lag_minutes"] = link.lag.amount.minutes(units)
                item["lag_elapsed"] = link.lag.amount.elapsed
            links.append(item)
        for child in task.tasks:
            visit(child, task.key)

    for top in plan.tasks:
        visit(top, None)

    return {
        "start": _stamp(project.start, end_of_day=False),
        "minutes_per_day": units.minutes_per_day,
        "minutes_per_week": units.minutes_per_week,
        "days_per_month": units.days_per_month,
        "default_calendar": project.calendar,
        "calendars": calendars,
        "tasks": tasks,
        "links": links,
    }


# --------------------------------------------------------------------------- generator

_ALL_LINKS = (LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF)
_DATED = (
    ConstraintType.SNET,
    ConstraintType.FNET,
    ConstraintType.SNLT,
    ConstraintType.FNLT,
    ConstraintType.MSO,
    ConstraintType.MFO,
)


@dataclass(frozen=True, slots=True)
class Features:
    """What a random plan may contain."""

    link_types: tuple[LinkType, ...] = (LinkType.FS,)
    lags: bool = False
    lag_kinds: tuple[str, ...] = ("working", "working", "elapsed", "percent")
    elapsed_ff_sf: bool = False  # see the module docstring: MPXJ breaks such links
    start_links_from_summaries: bool = False  # SS/SF from a summary: see the module docstring
    constraints: tuple[ConstraintType, ...] = ()
    deadlines: bool = False
    milestones: bool = False
    calendars: bool = False
    summaries: bool = False


GROUPS: dict[str, Features] = {
    "fs": Features(),
    "links": Features(link_types=_ALL_LINKS, milestones=True),
    "lags": Features(link_types=_ALL_LINKS, lags=True, milestones=True),
    "constraints": Features(link_types=_ALL_LINKS, constraints=_DATED, deadlines=True, milestones=True),
    "calendars": Features(link_types=_ALL_LINKS, lags=True, calendars=True, milestones=True),
    "summaries": Features(link_types=_ALL_LINKS, lags=True, summaries=True, milestones=True),
    "everything": Features(
        link_types=_ALL_LINKS,
        lags=True,
        constraints=_DATED,
        deadlines=True,
        milestones=True,
        calendars=True,
        summaries=True,
    ),
    "alap": Features(
        link_types=_ALL_LINKS,
        lags=True,
        constraints=(*_DATED, ConstraintType.ALAP, ConstraintType.ALAP, ConstraintType.ALAP),
        deadlines=True,
        milestones=True,
        calendars=True,
        summaries=True,
    ),
}

_NOT_BEFORE = (ConstraintType.MSO, ConstraintType.MFO, ConstraintType.SNET, ConstraintType.FNET)
_DURATIONS = (30, 60, 90, 120, 240, 300, 480, 480, 480, 720, 960, 1440, 1920, 2400, 4800)
_WORKING_LAGS = (-960, -480, -240, -60, -30, 30, 60, 90, 240, 480, 480, 960, 1440)
_ELAPSED_LAGS = (-1440, 720, 1440, 1440, 2160, 2880, 4320)
_PERCENTS = (-50.0, -25.0, 25.0, 50.0, 75.0, 100.0, 150.0)
_STARTS = (
    dt.datetime(2027, 1, 4, 8, 0),  # a Monday morning
    dt.datetime(2027, 1, 6, 10, 30),  # mid-morning on a Wednesday
    dt.datetime(2027, 1, 2, 0, 0),  # midnight on a Saturday
    dt.datetime(2027, 1, 8, 17, 0),  # the end of a Friday
)


def _duration(minutes: int, *, elapsed: bool = False) -> Duration:
    """Minutes in the most readable exact unit (8 h days, as the plan's defaults)."""
    magnitude = abs(minutes)
    if elapsed:
        if magnitude % 1440 == 0:
            return Duration(value=minutes // 1440, unit="ed")
        if magnitude % 60 == 0:
            return Duration(value=minutes // 60, unit="eh")
        return Duration(value=minutes, unit="em")
    if magnitude % 480 == 0:
        return Duration(value=minutes // 480, unit="d")
    if magnitude % 60 == 0:
        return Duration(value=minutes // 60, unit="h")
    return Duration(value=minutes, unit="m")


def _weekday_after(rng: random.Random, start: dt.date, low: int, high: int) -> dt.date:
    """A Monday-to-Friday date ``low..high`` calendar days after ``start``."""
    day = start + dt.timedelta(days=rng.randint(low, high))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _day_hours(plan: Plan, key: str | None, day: dt.date) -> list[TimeRange]:
    """Working hours of calendar ``key`` (the project's if None) on ``day``, parents included."""
    calendar = plan.calendar(key)
    chain = [calendar]
    while calendar.based_on is not None:
        calendar = plan.calendar(calendar.based_on)
        chain.append(calendar)
    for calendar in chain:  # the nearest calendar that says anything about the day decides
        for exception in calendar.exceptions:
            if day in exception.days():
                return exception.hours
        if day in calendar.holidays:
            return []
    for calendar in chain:
        weekday = WEEKDAYS[day.weekday()]
        if weekday in calendar.week:
            return calendar.week[weekday]
    return []


def _boundary(
    rng: random.Random, plan: Plan, key: str | None, start: dt.date, low: int, high: int, *, finish: bool
) -> dt.datetime:
    """The start (or, with ``finish``, the end) of a working period of calendar ``key`` on a
    working day ``low..high`` days after ``start``.

    Dates at the task's own working-time boundaries keep both tools on the same instant: MPXJ
    uses a constraint date as it is, even in non-working time, where Project (and Charter)
    move it to the task's next working time first, so a successor linked to a task whose
    MSO date falls on a day off would start earlier in MPXJ than in Project.
    """
    day = start + dt.timedelta(days=rng.randint(low, high))
    while not (hours := _day_hours(plan, key, day)):
        day += dt.timedelta(days=1)
    period = rng.choice(hours)
    minute = period.end if finish else period.start
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)


def _calendars(rng: random.Random, start: dt.date, features: Features) -> dict[str, Calendar]:
    standard = Calendar.standard()
    if not features.calendars:
        return {"standard": standard}
    morning = [TimeRange(start=480, end=720)]
    used: set[dt.date] = set()

    def fresh_weekday(low: int, high: int) -> dt.date:
        while True:
            day = _weekday_after(rng, start, low, high)
            if day not in used:
                used.add(day)
                return day

    standard.holidays = sorted(fresh_weekday(1, 40) for _ in range(rng.randint(0, 2)))
    if rng.random() < 0.5:
        standard.exceptions = [CalendarException(date=fresh_weekday(1, 40), hours=morning)]
    # "alt": the standard calendar with short Fridays, more holidays (one of them a run of
    # days), a part day and a working Saturday.
    alt = Calendar(key="alt", based_on="standard")
    if rng.random() < 0.6:
        alt.week = {"fri": morning}
    alt.holidays = sorted(fresh_weekday(1, 50) for _ in range(rng.randint(1, 3)))
    saturday = start + dt.timedelta(days=(5 - start.weekday()) % 7 + 7 * rng.randint(0, 4))
    exceptions = [
        CalendarException(date=fresh_weekday(1, 50), hours=[TimeRange(start=780, end=1020)]),
        CalendarException(
            date=saturday, hours=[TimeRange(start=480, end=720), TimeRange(start=780, end=900)]
        ),
    ]
    used.add(saturday)
    if rng.random() < 0.4:
        # Exceptions must not overlap (which one wins is undefined), so a run of days
        # avoids every date already used.
        while True:
            first = _weekday_after(rng, start, 10, 50)
            run = {first + dt.timedelta(days=i) for i in range(3)}
            if not run & used:
                used.update(run)
                break
        exceptions.append(CalendarException(date=first, until=first + dt.timedelta(days=2)))
    alt.exceptions = sorted(exceptions, key=lambda e: e.date)
    # "early": a base calendar of its own, four long days a week.
    early = Calendar(
        key="early",
        week={day: [TimeRange(start=420, end=660), TimeRange(start=690, end=930)] for day in WEEKDAYS[:4]},
    )
    return {"standard": standard, "alt": alt, "early": early}


def _tree(rng: random.Random, size: int, summaries: bool) -> list[Task]:
    """Top-level tasks with ``size`` tasks in all (summaries included), keys in WBS order."""
    counter = 0

    def make(summary: bool) -> Task:
        nonlocal counter
        counter += 1
        return Task(key=f"{'s' if summary else 't'}{counter:02d}")

    top: list[Task] = []
    while counter < size:
        left = size - counter
        if summaries and left >= 3 and rng.random() < 0.3:
            group = make(True)
            for _ in range(rng.randint(2, min(5, left - 1))):
                if counter >= size:
                    break
                room = size - counter
                if room >= 3 and rng.random() < 0.25:
                    inner = make(True)
                    for _ in range(rng.randint(2, min(4, room - 1))):
                        inner.tasks.append(make(False))
                    group.tasks.append(inner)
                else:
                    group.tasks.append(make(False))
            top.append(group)
        else:
            top.append(make(False))
    return top


def random_plan(seed: int, features: Features) -> Plan:
    """A random, cycle-free plan; the same seed and features always give the same plan."""
    rng = random.Random(seed)
    start = rng.choice(_STARTS)
    calendars = _calendars(rng, start.date(), features)
    top = _tree(rng, rng.randint(5, 40), features.summaries)
    plan = Plan(
        project=Project(name=f"random {seed}", start=start, calendar="standard"),
        calendars=calendars,
        tasks=top,
    )
    tasks = list(plan.walk())
    ancestors: dict[str, set[str]] = {}

    def note(task: Task, above: set[str]) -> None:
        ancestors[task.key] = above
        for child in task.tasks:
            note(child, above | {task.key})

    for task in top:
        note(task, set())
    durations: dict[str, int] = {}

    for task in tasks:
        if task.is_summary:
            continue
        if features.milestones and rng.random() < 0.12:
            task.milestone = True
            durations[task.key] = 0
        else:
            minutes = rng.choice(_DURATIONS)
            task.duration = _duration(minutes)
            durations[task.key] = minutes
        if features.calendars and rng.random() < 0.35:
            task.calendar = rng.choice(("alt", "alt", "early"))
        if features.constraints and rng.random() < 0.25:
            kind = rng.choice(features.constraints)
            if kind.needs_date:
                at = _boundary(rng, plan, task.calendar, start.date(), 0, 45, finish=kind.on_finish)
                task.constraint = Constraint(type=kind, date=at)
            else:
                task.constraint = Constraint(type=kind)
        if features.deadlines and rng.random() < 0.15:
            low = 3
            if task.constraint is not None and task.constraint.type in _NOT_BEFORE:
                # The plan-file reader refuses a deadline before an MSO/MFO/SNET/FNET date
                # (Project would only flag the missed deadline); keep the plan loadable.
                assert isinstance(task.constraint.date, dt.datetime)
                low = max(low, (task.constraint.date.date() - start.date()).days)
            task.deadline = _boundary(rng, plan, task.calendar, start.date(), low, low + 47, finish=True)

    for position, task in enumerate(tasks):
        if position == 0:
            continue
        if not features.summaries and task.is_summary:
            continue
        if task.is_summary and rng.random() < 0.5:
            continue
        window = tasks[max(0, position - 8) : position]
        candidates = [
            p for p in window if p.key not in ancestors[task.key] and (features.summaries or not p.is_summary)
        ]
        rng.shuffle(candidates)
        wanted = rng.choices((0, 1, 1, 2, 2, 3))[0]
        for pred in candidates[:wanted]:
            link_type = rng.choice(features.link_types)
            if (
                pred.is_summary
                and link_type in (LinkType.SS, LinkType.SF)
                and not features.start_links_from_summaries
            ):
                link_type = rng.choice((LinkType.FS, LinkType.FF))
            lag = Lag()
            if features.lags and rng.random() < 0.5:
                lag_kind = rng.choice(features.lag_kinds)
                if (
                    lag_kind == "elapsed"
                    and link_type in (LinkType.FF, LinkType.SF)
                    and not features.elapsed_ff_sf
                ):
                    lag_kind = "working"
                if lag_kind == "percent" and not pred.is_summary:
                    pmin = durations[pred.key]
                    options = [p for p in _PERCENTS if (pmin * p) % 100 == 0]
                    if options:
                        lag = Lag(percent=rng.choice(options))
                elif lag_kind == "elapsed":
                    lag = Lag(amount=_duration(rng.choice(_ELAPSED_LAGS), elapsed=True))
                else:
                    lag = Lag(amount=_duration(rng.choice(_WORKING_LAGS)))
            task.links.append(Link(predecessor=pred.key, type=link_type, lag=lag))
    return plan
