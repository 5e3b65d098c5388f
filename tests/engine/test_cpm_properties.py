"""Invariants of the CPM engine on random networks (Hypothesis)."""

from __future__ import annotations

import random

from hypothesis import given, settings

from charter.domain import ConstraintType, Plan, Task
from charter.engine.cpm import FF, FS, SS, Schedule, schedule
from tests.strategies import HARD, SOFT, plans


def assert_links_hold(result: Schedule, hard_tasks: set[str]) -> None:
    net = result.network
    n = net.n_leaves
    summary_of_group = {group: task for task, group in net.group_of_task.items()}
    for edge in net.edges:
        s = net.task_of_leaf[edge.succ]
        if net.tasks[s].key in hard_tasks:
            continue
        cal = net.leaf_calendar[edge.succ]
        p = summary_of_group[edge.pred] if edge.pred >= n else net.task_of_leaf[edge.pred]
        a = result.finish[p] if edge.kind in (FS, FF) else result.start[p]
        lag = edge.lag if edge.percent is None else round(result.duration[p] * edge.percent / 100)
        if lag:
            a = a + lag if edge.elapsed else cal.add(a, lag)
        b = result.start[s] if edge.kind in (FS, SS) else result.finish[s]
        assert cal.between(a, b) >= 0, (net.tasks[s].key, edge)


@settings(max_examples=150, deadline=None, print_blob=True)
@given(plans())
def test_links_and_soft_constraints_hold_and_slack_is_not_negative(plan: Plan) -> None:
    result = schedule(plan)
    assert_links_hold(result, set())
    net = result.network
    for leaf, i in enumerate(net.task_of_leaf):
        task = net.tasks[i]
        cal = net.leaf_calendar[leaf]
        assert result.total_slack[i] >= 0, task.key
        assert result.free_slack[i] >= 0
        assert result.critical[i] == (result.total_slack[i] <= 0)
        assert cal.between(result.early_start[i], result.late_start[i]) >= 0
        assert cal.between(result.early_finish[i], result.late_finish[i]) >= 0
        if task.constraint and task.constraint.type is ConstraintType.SNET:
            assert result.start[i] >= net.axis.day_start(task.constraint.date)  # type: ignore[arg-type]
    assert result.project_finish == max(result.finish)
    assert any(result.critical[i] for i in net.task_of_leaf)


@settings(max_examples=100, deadline=None, print_blob=True)
@given(plans(constraints=SOFT + HARD, deadlines=True))
def test_links_hold_except_where_a_hard_constraint_overrides(plan: Plan) -> None:
    result = schedule(plan)
    hard = {t.key for t in plan.walk() if t.constraint and t.constraint.type in HARD}
    assert_links_hold(result, hard)
    for i in result.network.task_of_leaf:
        assert result.critical[i] == (result.total_slack[i] <= 0)
    flagged = {c.task for c in result.conflicts}
    for i in result.network.task_of_leaf:
        if result.total_slack[i] < 0:
            assert flagged, "negative slack must come with a reported conflict"


def shuffled(plan: Plan, seed: int) -> Plan:
    rng = random.Random(seed)

    def shuffle(tasks: list[Task]) -> list[Task]:
        copies = [t.model_copy(update={"tasks": shuffle(t.tasks)}) for t in tasks]
        rng.shuffle(copies)
        return copies

    return plan.model_copy(update={"tasks": shuffle(plan.tasks)})


@settings(max_examples=100, deadline=None, print_blob=True)
@given(plans(constraints=SOFT + HARD, deadlines=True))
def test_result_does_not_depend_on_task_order(plan: Plan) -> None:
    first = schedule(plan)
    second = schedule(shuffled(plan, 7))

    def by_key(result: Schedule) -> dict[str, tuple[int, ...]]:
        return {
            task.key: (
                result.start[i],
                result.finish[i],
                result.early_start[i],
                result.early_finish[i],
                result.late_start[i],
                result.late_finish[i],
                result.total_slack[i],
                result.free_slack[i],
            )
            for i, task in enumerate(result.network.tasks)
        }

    assert by_key(first) == by_key(second)


@settings(max_examples=60, deadline=None)
@given(plans())
def test_forward_and_backward_passes_agree(plan: Plan) -> None:
    """With soft constraints only, the late dates of the critical chain equal its early dates."""
    result = schedule(plan)
    net = result.network
    for leaf, i in enumerate(net.task_of_leaf):
        if result.total_slack[i] == 0 and net.constraint[leaf] is not ConstraintType.ALAP:
            cal = net.leaf_calendar[leaf]
            start_gap = cal.between(result.early_start[i], result.late_start[i])
            finish_gap = cal.between(result.early_finish[i], result.late_finish[i])
            assert min(start_gap, finish_gap) == 0
    last = max(net.task_of_leaf, key=lambda i: result.early_finish[i])
    cal = net.leaf_calendar[net.leaf_of_task[last]]
    assert cal.between(result.early_finish[last], result.late_finish[last]) == 0
