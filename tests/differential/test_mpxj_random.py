"""Random plans scheduled by Charter and by MPXJ's MicrosoftScheduler must agree, or differ
only where an objective check shows that Charter is right.

Each group of seeds exercises one more part of Microsoft Project's rules (see
``plans.GROUPS``). Per non-summary task we compare start, finish, early/late start and
finish *in working time* on the task's calendar (17:00 on one day equals 08:00 on the next
working day), total and free slack in exact working minutes, and the critical flag.

A difference is not skipped: ``adjudicate.adjudicate`` settles it (see that module for the
rules: a delay experiment run through Charter's forward pass where it is valid, a backward
check of every bound elsewhere, both applied to *both* tools' answers). A seed passes when
the tools agree exactly, or when every difference was settled in Charter's favour; it fails
when any difference is not, and the failure prints every differing value with its verdict
and the plan as a plan file, so it can be replayed with ``charter schedule``.

The last test prints a summary per group: seeds that agree exactly, seeds where every
difference was settled for Charter, and seeds that fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from charter.domain import Plan
from charter.formats.planfile import dump_plan, parse_plan
from tests.unavailable import skip_here_fail_in_ci

from .adjudicate import Verdict, adjudicate, compare
from .mpxj_bridge import mpxj_available
from .plans import GROUPS, plan_to_spec, random_plan

pytestmark = pytest.mark.mpxj

SEEDS_PER_GROUP = 25


@dataclass(slots=True)
class Outcome:
    """How one seed came out: ``exact``, ``charter`` (every difference settled for Charter) or ``fail``."""

    kind: str
    verdicts: list[Verdict] = field(default_factory=list)


OUTCOMES: dict[tuple[str, int], Outcome] = {}


@pytest.fixture(scope="module")
def mpxj() -> None:
    reason = mpxj_available()
    if reason is not None:
        skip_here_fail_in_ci("the MPXJ differential tests", reason)


def outcome(group: str, seed: int) -> Outcome:
    """Compare and adjudicate one seed (once per session)."""
    found = OUTCOMES.get((group, seed))
    if found is None:
        verdicts = adjudicate(compare(random_plan(seed, GROUPS[group])))
        if not verdicts:
            kind = "exact"
        elif all(v.charter_right for v in verdicts):
            kind = "charter"
        else:
            kind = "fail"
        found = OUTCOMES[(group, seed)] = Outcome(kind, verdicts)
    return found


def report(plan: Plan, verdicts: list[Verdict]) -> str:
    rows = [("task", "field", "charter", "mpxj", "verdict")]
    for v in verdicts:
        d = v.difference
        mark = "Charter right" if v.charter_right else "FAIL"
        rows.append((d.task, d.field, str(d.charter), str(d.mpxj), f"{mark}: {v.why}"))
    widths = [max(len(row[c]) for row in rows) for c in range(4)]
    table = "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    )
    failing = sum(not v.charter_right for v in verdicts)
    return (
        f"{len(verdicts)} difference(s) between Charter and MPXJ, {failing} not settled in Charter's "
        f"favour:\n{table}\n\nplan:\n{dump_plan(plan)}"
    )


def _cases() -> Iterator[Any]:
    for group in GROUPS:
        for seed in range(SEEDS_PER_GROUP):
            yield pytest.param(group, seed, id=f"{group}-{seed}")


@pytest.mark.usefixtures("mpxj")
@pytest.mark.parametrize(("group", "seed"), list(_cases()))
def test_charter_agrees_with_mpxj(group: str, seed: int) -> None:
    result = outcome(group, seed)
    if result.kind == "fail":
        plan = random_plan(seed, GROUPS[group])
        replay = f"(replay: tests.differential.plans.random_plan({seed}, GROUPS[{group!r}]))"
        pytest.fail(f"{report(plan, result.verdicts)}\n{replay}", pytrace=False)


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


def summary() -> str:
    """One line per group: seeds that agree exactly, that were settled for Charter, that fail."""
    lines = [f"MPXJ differential summary ({SEEDS_PER_GROUP} seeds per group):"]
    lines.append(f"  {'group':<12}{'exact':>7}{'charter':>9}{'fail':>6}  failing seeds")
    totals = {"exact": 0, "charter": 0, "fail": 0}
    for group in GROUPS:
        kinds = [outcome(group, seed).kind for seed in range(SEEDS_PER_GROUP)]
        counts = {kind: kinds.count(kind) for kind in totals}
        for kind in totals:
            totals[kind] += counts[kind]
        failing = ", ".join(str(seed) for seed, kind in enumerate(kinds) if kind == "fail")
        lines.append(
            f"  {group:<12}{counts['exact']:>7}{counts['charter']:>9}{counts['fail']:>6}  {failing}".rstrip()
        )
    lines.append(f"  {'all':<12}{totals['exact']:>7}{totals['charter']:>9}{totals['fail']:>6}")
    return "\n".join(lines)


@pytest.mark.usefixtures("mpxj")
def test_zz_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """Print the summary over all seeds (runs last; seeds not run above are run here)."""
    text = summary()
    with capsys.disabled():
        print(f"\n{text}")
