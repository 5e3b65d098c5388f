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


@st.composite
def costed_plans(draw: st.DrawFn) -> Plan:
    """``plans()`` with money and progress: rates (with a rate table), fixed and material costs,
    cost accounts, earned-value methods, progress, time entries, expenses and progress reports.
    Amounts are whole or in cents, as people write them, so they survive the text form."""
    from charter.domain import Assignment, Rate, Resource
    from charter.domain.cost import (
        CostAccount,
        Expense,
        ProgressReport,
        TaskProgress,
        TimeEntry,
        WeightedMilestone,
    )
    from charter.domain.resource import RateChange

    plan = draw(plans())
    money = st.integers(0, 500_000).map(lambda cents: cents / 100)
    plan.project.currency = "EUR"
    plan.project.budget = draw(st.none() | money)
    plan.project.contingency = draw(st.none() | money)
    plan.project.management_reserve = draw(st.none() | money)
    plan.cost_accounts = {
        "labour": CostAccount(key="labour", name="Labour"),
        "capex": CostAccount(key="capex"),
    }
    plan.resources = {
        "dev": Resource(
            key="dev",
            rate=Rate(amount=draw(st.integers(40, 150)), per="h"),
            overtime_rate=Rate(amount=draw(st.integers(60, 200)), per="h"),
            rates=[
                RateChange(
                    effective=START + dt.timedelta(days=draw(st.integers(1, 60))), rate=Rate(amount=99.5)
                )
            ],
        ),
        "ops": Resource(key="ops", rate=Rate(amount=draw(st.integers(300, 900)), per="d"), cost_per_use=50),
        "disk": Resource(key="disk", kind="material", rate=Rate(amount=80, per="use")),
        "trip": Resource(key="trip", kind="cost"),
    }
    leaves = [t for t in plan.walk() if not t.is_summary]
    day = st.integers(0, 90).map(lambda d: START + dt.timedelta(days=d))
    for task in plan.walk():
        if task.is_summary:
            task.budget = draw(st.none() | money)
            task.cost_account = draw(st.sampled_from([None, "labour"]))
            continue
        if not task.milestone:
            task.resources = draw(
                st.sampled_from(
                    [
                        [],
                        [Assignment(resource="dev")],
                        [Assignment(resource="dev"), Assignment(resource="ops", units=0.5)],
                        [Assignment(resource="disk", quantity=12), Assignment(resource="trip", cost=950.5)],
                    ]
                )
            )
        task.fixed_cost = draw(st.none() | money)
        task.fixed_cost_accrual = draw(st.sampled_from([None, "start", "prorated", "end"]))
        task.cost_account = draw(st.sampled_from([None, "labour", "capex"]))
        task.ev_method = draw(
            st.sampled_from([None, "percent_complete", "0/100", "50/50", "physical", "milestones"])
        )
        if task.ev_method == "milestones":
            task.ev_milestones = [
                WeightedMilestone(name="half", weight=0.5, done=draw(st.none() | day)),
                WeightedMilestone(name="rest", weight=0.5),
            ]
        task.percent_complete = draw(st.sampled_from([0.0, 0.25, 0.5]))
        task.physical_complete = draw(st.none() | st.sampled_from([0.0, 0.2, 0.6]))
    entries = st.builds(
        TimeEntry,
        person=st.sampled_from(["dev", "ops", "someone"]),
        task=st.sampled_from([t.key for t in leaves]),
        date=day,
        minutes=st.integers(1, 24 * 60),
        note=st.sampled_from(["", "review"]),
    )
    plan.time_entries = draw(st.lists(entries, max_size=20))
    plan.expenses = [
        Expense(
            task=leaves[0].key,
            date=draw(day),
            amount=draw(money),
            account=draw(st.sampled_from([None, "capex"])),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    plan.progress = [
        ProgressReport(
            date=START + dt.timedelta(days=7),
            tasks={leaves[0].key: TaskProgress(percent_complete=0.1, remaining=Duration(value=2, unit="d"))},
        )
    ]
    return plan
