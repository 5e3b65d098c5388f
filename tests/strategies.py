"""Hypothesis strategies: random but valid plans (acyclic, every reference resolvable)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from charter.domain import (
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

SOFT = (ConstraintType.ASAP, ConstraintType.SNET, ConstraintType.FNET)
HARD = (ConstraintType.SNLT, ConstraintType.FNLT, ConstraintType.MSO, ConstraintType.MFO)
START = dt.date(2027, 1, 4)


def calendars() -> dict[str, Calendar]:
    standard = Calendar.standard()
    standard.holidays = [dt.date(2027, 1, 6), dt.date(2027, 2, 1)]
    standard.exceptions = [
        CalendarException(date=dt.date(2027, 1, 13), hours=[TimeRange(start=480, end=720)])
    ]
    six = Calendar(
        key="six",
        based_on="standard",
        week={"sat": [TimeRange(start=480, end=720), TimeRange(start=780, end=1020)]},
        holidays=[dt.date(2027, 1, 20)],
    )
    return {"standard": standard, "six": six}


@st.composite
def lags(draw: st.DrawFn) -> Lag:
    kind = draw(st.sampled_from(["none", "none", "work", "percent", "elapsed"]))
    if kind == "work":
        return Lag(amount=Duration(value=draw(st.integers(-16, 24)), unit="h"))
    if kind == "percent":
        return Lag(percent=float(draw(st.sampled_from([-50, 25, 50, 100]))))
    if kind == "elapsed":
        return Lag(amount=Duration(value=draw(st.integers(0, 72)), unit="eh"))
    return Lag()


@st.composite
def plans(
    draw: st.DrawFn, *, constraints: tuple[ConstraintType, ...] = SOFT, deadlines: bool = False
) -> Plan:
    """Up to ~25 tasks, some grouped under summaries, linked only from earlier to later ones."""
    n = draw(st.integers(1, 25))
    leaves: list[Task] = []
    for i in range(n):
        milestone = draw(st.integers(0, 9)) == 0
        task = Task(
            key=f"t{i}",
            duration=Duration(value=0 if milestone else draw(st.integers(1, 40)), unit="h"),
            milestone=milestone,
            calendar="six" if draw(st.integers(0, 4)) == 0 else None,
        )
        kind = draw(st.sampled_from(constraints))
        if kind is not ConstraintType.ASAP:
            day = START + dt.timedelta(days=draw(st.integers(0, 30)))
            task.constraint = Constraint(type=kind, date=day)
        if deadlines and draw(st.booleans()):
            task.deadline = START + dt.timedelta(days=draw(st.integers(0, 40)))
            if task.constraint and task.constraint.date and task.constraint.date > task.deadline:
                task.deadline = task.constraint.date  # the reader refuses a deadline it can never meet
        leaves.append(task)
    # Group runs of consecutive tasks under summaries; links then never cross a task's own tree.
    top: list[Task] = []
    group_of: dict[str, str] = {}
    i = 0
    g = 0
    while i < n:
        size = draw(st.integers(1, 4))
        if size >= 3 and draw(st.booleans()):
            summary = Task(key=f"s{g}", tasks=leaves[i : i + size])
            for child in summary.tasks:
                group_of[child.key] = summary.key
            top.append(summary)
            g += 1
        else:
            top.extend(leaves[i : i + size])
        i += size
    keys_in_order = [t.key for t in leaves]
    for index, task in enumerate(leaves):
        for _ in range(draw(st.integers(0, 2))):
            if index == 0:
                break
            pred = keys_in_order[draw(st.integers(0, index - 1))]
            if (
                group_of.get(pred)
                and draw(st.integers(0, 3)) == 0
                and group_of[pred] != group_of.get(task.key)
            ):
                pred = group_of[pred]  # link from a summary
            task.links.append(
                Link(predecessor=pred, type=draw(st.sampled_from(list(LinkType))), lag=draw(lags()))
            )
        # A plan file lists links grouped by type (after, starts_with, …): keep that order.
        task.links.sort(key=lambda link: list(LinkType).index(link.type))
    return Plan(project=Project(name="random", start=START), calendars=calendars(), tasks=top)
