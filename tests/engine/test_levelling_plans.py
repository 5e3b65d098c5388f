"""Levelling plans: no over-allocation in any minute, every link, constraint and calendar kept,
explained moves, minimal churn, skills, shared pools."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from charter.domain.plan import Plan
from charter.domain.resource import Assignment, Resource
from charter.domain.task import LinkType
from charter.engine.cpm import Schedule, schedule
from charter.engine.levelling.plan import Levelling, level_plans, levellable
from charter.engine.levelling.problem import Problem, Solution
from charter.engine.levelling.sgs import level_fast
from charter.engine.levelling.usage import bookings, overallocations, pool
from charter.formats.planfile import dump_plan, load_plan, parse_plan
from charter.solvers import solve
from tests.conftest import plan_text
from tests.strategies import plans

EXAMPLE = Path(__file__).parents[2] / "examples" / "analytics-platform.yaml"


def fast(problem: Problem) -> Solution:
    return level_fast(problem)


@st.composite
def resourced_plans(draw: st.DrawFn) -> Plan:
    plan = draw(plans())
    plan.resources = {
        "ann": Resource(key="ann", units=1.0),
        "bo": Resource(key="bo", units=0.5),
        "crew": Resource(key="crew", units=2.0),
    }
    for task in plan.walk():
        if task.is_summary or task.milestone:
            continue
        chosen = draw(st.lists(st.sampled_from(["ann", "bo", "crew"]), max_size=2, unique=True))
        for key in chosen:
            most = plan.resources[key].units
            units = draw(st.sampled_from([u for u in (0.5, 1.0, 2.0) if u <= most]))
            task.resources.append(Assignment(resource=key, units=units))
        task.priority = draw(st.sampled_from([100, 500, 900]))
    return plan


def work_on(sched: Schedule, i: int) -> int:
    net = sched.network
    cal = net.leaf_calendar[net.leaf_of_task[i]]
    return cal.between(sched.start[i], sched.finish[i])


def holds(sched: Schedule, kind: LinkType, p: int, i: int) -> bool:
    """Whether a link without lag holds, in working time on the successor's calendar (Friday
    17:00 and Monday 08:00 are the same moment of work)."""
    net = sched.network
    at = net.leaf_calendar[net.leaf_of_task[i]].work_at
    if kind is LinkType.FS:
        return at(sched.start[i]) >= at(sched.finish[p])
    if kind is LinkType.SS:
        return at(sched.start[i]) >= at(sched.start[p])
    if kind is LinkType.FF:
        return at(sched.finish[i]) >= at(sched.finish[p])
    return at(sched.finish[i]) >= at(sched.start[p])


def assert_keeps_links_constraints_and_calendars(result: Levelling, base: Schedule) -> None:
    plan = result.plans[0]
    after = result.after[0]
    again = schedule(plan)
    assert (again.start, again.finish) == (after.start, after.finish)  # it is the plan's CPM schedule
    net = after.network
    # Delaying a summary's first task shortens the summary, and with it a percentage lag counted
    # on the summary's duration: its successors may then start earlier, as in Microsoft Project.
    shrinking_lags = any(
        link.lag.percent is not None and net.tasks[net.index[link.predecessor]].is_summary
        for task in net.tasks
        for link in task.links
    )
    for i, task in enumerate(net.tasks):
        if task.is_summary:
            continue
        # the same working time on the task's calendar, and never earlier than unlevelled
        assert work_on(after, i) == work_on(base, i), task.key
        assert shrinking_lags or after.start[i] >= base.start[i], task.key
        for link in task.links:
            # Every link without lag the unlevelled schedule keeps, the levelled one keeps too.
            p = net.index[link.predecessor]
            if link.lag.is_zero and holds(base, link.type, p, i):
                assert holds(after, link.type, p, i), (link, task.key)
        leaf = net.leaf_of_task[i]
        if task.constraint is not None and task.constraint.type.value == "SNET":
            assert after.start[i] >= (net.constraint_date[leaf] or 0), task.key


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
)
@given(resourced_plans(), st.booleans())
def test_a_levelled_plan_never_over_allocates_and_keeps_the_network(plan: Plan, within_slack: bool) -> None:
    note(dump_plan(plan))
    base = schedule(plan)
    result = level_plans([plan], fast, within_slack=within_slack)
    over = overallocations(bookings(result.after), pool([plan]))
    if within_slack:
        # Over-allocations levelling cannot resolve inside slack remain, and are reported;
        # no task starts after its unlevelled late start.
        assert over == result.unresolved
        for i, task in enumerate(base.network.tasks):
            if not task.is_summary:
                assert result.after[0].start[i] <= max(base.late_start[i], base.start[i]), task.key
    else:
        assert over == [] and result.unresolved == []
    assert_keeps_links_constraints_and_calendars(result, base)
    # The proposal only adds levelling delays: the rest of every task is unchanged.
    for old, new in zip(plan.walk(), result.plans[0].walk(), strict=True):
        keep = {"leveling_delay", "tasks"}
        assert old.model_dump(exclude=keep) == new.model_dump(exclude=keep)
    # Re-levelling the proposal moves nothing.
    again = level_plans(result.plans, fast, within_slack=within_slack)
    assert again.moves == [] and (again.after[0].start == result.after[0].start)
    assert result.lower_bound <= result.finish_after


def test_the_example_is_over_allocated_and_levelling_resolves_it() -> None:
    plan = load_plan(EXAMPLE)
    before = overallocations(bookings([schedule(plan)]), pool([plan]))
    assert {o.resource for o in before} == {"arch", "de", "bi"}
    result = level_plans([plan], fast)
    assert overallocations(bookings(result.after), pool(result.plans)) == []
    moved = {m.key: m for m in result.moves}
    # the low-priority CRM extracts go last on the data engineer
    crm = moved["i-crm"]
    assert crm.resources == ("de",) and "i-core" in crm.competitors and crm.shift > 0
    # the audit walkthrough is booked with the auditors: it never moves
    assert "r-audit" not in moved
    # the orchestration moves only because its predecessor did
    assert moved["i-orch"].pushed_by == ("i-cards",) and moved["i-orch"].resources == ()
    assert result.finish_after > result.finish_before
    assert {(p.task, p.resource) for p in result.picks} == {("w-db", "dba1"), ("w-migrate", "dba2")}


def test_optimal_mode_proves_the_example_and_keeps_the_regulatory_deadline() -> None:
    plan = load_plan(EXAMPLE)

    def optimal(problem: Problem) -> Solution:
        return solve(problem, mode="optimal", time_limit=10, churn=problem.release)

    result = level_plans([plan], optimal)
    assert overallocations(bookings(result.after), pool(result.plans)) == []
    assert result.optimal and result.gap == 0 and result.lower_bound == result.finish_after
    sched = result.after[0]
    reg = sched.index("r-reg")
    assert sched.network.axis.local(sched.finish[reg]).date().isoformat() <= "2027-05-14"
    assert result.finish_after <= level_plans([plan], fast).finish_after


SHARED = """\
resources:
  ann: {units: 100%}
tasks:
  - {key: a1, duration: 3d, resources: [ann]}
  - {key: a2, duration: 2d, resources: [ann], after: [a1]}
"""


def test_two_projects_share_one_pool() -> None:
    first = parse_plan(plan_text(SHARED))
    second = parse_plan(
        plan_text(
            SHARED.replace("a1", "b1").replace("a2", "b2"),
            header="charter: 1\nproject: {name: Other, start: 2027-01-04}\n",
        )
    )
    alone = [level_plans([p], fast) for p in (first, second)]
    assert all(r.already_level for r in alone)
    together = level_plans([first, second], fast)
    assert not together.already_level
    assert overallocations(bookings(together.after), pool([first, second])) == []
    assert {m.plan for m in together.moves} <= {0, 1} and together.moves
    # ann works 10 days in all: the two plans cannot both finish before that
    start = together.after[0].project_start
    cal = together.after[0].network.leaf_calendar[0]
    assert cal.between(start, together.finish_after) == 10 * 480


def test_a_skill_need_picks_the_free_person() -> None:
    text = plan_text(
        """\
resources:
  ann: {skills: [dba]}
  bo: {skills: [dba]}
tasks:
  - {key: busy, duration: 5d, resources: [ann]}
  - {key: tune, duration: 2d, needs: [{skill: dba}]}
"""
    )
    result = level_plans([parse_plan(text)], fast)
    assert [(p.task, p.resource) for p in result.picks] == [("tune", "bo")]
    assert result.already_level and result.moves == []
    tune = result.plans[0].task_map()["tune"]
    assert [a.resource for a in tune.resources] == ["bo"]


def test_a_skill_nobody_has_is_a_user_error() -> None:
    text = plan_text("tasks:\n  - {key: tune, duration: 2d, needs: [{skill: cobol}]}\n")
    with pytest.raises(Exception, match="needs skill 'cobol'"):
        level_plans([parse_plan(text)], fast)


def test_do_not_level_tasks_stay_and_conflicts_between_them_are_reported() -> None:
    text = plan_text(
        """\
resources:
  ann: {units: 100%}
tasks:
  - {key: a, duration: 2d, resources: [ann], level: false}
  - {key: b, duration: 2d, resources: [ann], level: false}
  - {key: c, duration: 2d, resources: [ann]}
"""
    )
    plan = parse_plan(text)
    assert not levellable(plan.task_map()["a"])
    result = level_plans([plan], fast)
    assert [m.key for m in result.moves] == ["c"]
    assert len(result.unresolved) == 1 and result.unresolved[0].resource == "ann"


def test_a_shorter_summary_shortens_a_percentage_lag_counted_on_it() -> None:
    plan = load_plan(Path(__file__).parents[1] / "data" / "levelling-summary-percent-lag.yaml")
    base = schedule(plan)
    result = level_plans([plan], fast, within_slack=False)
    after, net = result.after[0], base.network
    s0, t21 = net.index["s0"], net.index["t21"]
    assert after.start[s0] > base.start[s0] and after.finish[s0] == base.finish[s0]  # s0 got shorter
    assert after.start[t21] < base.start[t21]
    assert_keeps_links_constraints_and_calendars(result, base)
    assert overallocations(bookings(result.after), pool([plan])) == []
