"""Random plans scheduled by Charter and by MPXJ's MicrosoftScheduler must agree.

Each group of seeds exercises one more part of Microsoft Project's rules (see
``plans.GROUPS``). Per non-summary task we compare start, finish, early/late start and
finish *in working time* on the task's calendar (17:00 on one day equals 08:00 on the next
working day), total and free slack in exact working minutes, and the critical flag.
A failure prints every differing value and the plan as a plan file, so it can be replayed
with ``charter schedule``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from charter.domain import Plan
from charter.engine.cpm import Schedule, schedule
from charter.formats.planfile import dump_plan, parse_plan

from .mpxj_bridge import mpxj_available, schedule_with_mpxj
from .plans import GROUPS, plan_to_spec, random_plan

pytestmark = pytest.mark.mpxj

SEEDS_PER_GROUP = 25
DATE_FIELDS = ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")
EXACT_FIELDS = ("total_slack", "free_slack", "critical")


@dataclass(frozen=True, slots=True)
class Difference:
    task: str
    field: str
    charter: Any
    mpxj: Any


@pytest.fixture(scope="module")
def mpxj() -> None:
    reason = mpxj_available()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"MPXJ differential tests must run in CI: {reason}")
        pytest.skip(reason)


def differences(plan: Plan) -> tuple[Schedule, list[Difference]]:
    """Schedule ``plan`` with both tools; every per-task value on which they disagree."""
    ours = schedule(plan)
    theirs = schedule_with_mpxj(plan_to_spec(plan))
    net = ours.network
    found: list[Difference] = []
    for i, task in enumerate(net.tasks):
        if task.is_summary:
            continue
        calendar = net.leaf_calendar[net.leaf_of_task[i]]
        other = theirs[task.key]
        for field in DATE_FIELDS:
            mine = getattr(ours, field)[i]
            text = other[field]
            if text is None:
                found.append(Difference(task.key, field, _local(ours, mine), None))
                continue
            instant = net.axis.instant(dt.datetime.fromisoformat(text))
            if calendar.between(mine, instant) != 0:
                found.append(Difference(task.key, field, _local(ours, mine), text))
        for field in EXACT_FIELDS:
            mine = getattr(ours, field)[i]
            if mine != other[field]:
                found.append(Difference(task.key, field, mine, other[field]))
    return ours, found


def _local(result: Schedule, instant: int) -> str:
    return result.network.axis.local(instant).strftime("%Y-%m-%dT%H:%M")


def report(plan: Plan, found: list[Difference]) -> str:
    rows = [("task", "field", "charter", "mpxj")]
    rows += [(d.task, d.field, str(d.charter), str(d.mpxj)) for d in found]
    widths = [max(len(row[c]) for row in rows) for c in range(4)]
    table = "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)
    return f"{len(found)} difference(s) between Charter and MPXJ:\n{table}\n\nplan:\n{dump_plan(plan)}"


def _cases() -> Iterator[Any]:
    for group in GROUPS:
        for seed in range(SEEDS_PER_GROUP):
            yield pytest.param(group, seed, id=f"{group}-{seed}")


@pytest.mark.usefixtures("mpxj")
@pytest.mark.parametrize(("group", "seed"), list(_cases()))
def test_charter_agrees_with_mpxj(group: str, seed: int) -> None:
    plan = random_plan(seed, GROUPS[group])
    _, found = differences(plan)
    if found:
        replay = f"(replay: tests.differential.plans.random_plan({seed}, GROUPS[{group!r}]))"
        pytest.fail(f"{report(plan, found)}\n{replay}", pytrace=False)


def test_generator_is_deterministic_and_round_trips() -> None:
    """Same seed, same plan; and the plan file printed on failure reads back as the same plan."""
    for group, features in GROUPS.items():
        for seed in range(5):
            plan = random_plan(seed, features)
            assert plan == random_plan(seed, features), group
            assert 5 <= len(list(plan.walk())) <= 40
            # The writer groups links by type, so compare the specs with links in one order.
            assert _spec_sorted(parse_plan(dump_plan(plan))) == _spec_sorted(plan), f"{group}-{seed}"


def _spec_sorted(plan: Plan) -> dict[str, Any]:
    spec = plan_to_spec(plan)
    spec["links"].sort(key=lambda link: (link["succ"], link["pred"]))
    return spec
