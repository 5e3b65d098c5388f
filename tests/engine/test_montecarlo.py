"""The Monte Carlo engine: determinism, agreement with the CPM, reports and errors."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import numpy as np
import pytest

from charter.engine.cpm import schedule
from charter.engine.montecarlo import Options, RiskModelError, simulate
from charter.formats.planfile import load_plan, parse_plan

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
VECTORISABLE = [
    path
    for path in EXAMPLES
    if path.stem in ("cloud-migration", "data-centre-exit", "erp-rollout", "mobile-app-release")
]


def point_estimates(text: str) -> str:
    """Every three-point estimate replaced by its most likely value."""
    return re.sub(r"estimate: [\d.]+[a-z]+/([\d.]+[a-z]+)/[\d.]+[a-z]+", r"duration: \1", text)


def one_calendar(text: str) -> str:
    """Tasks on the project calendar, elapsed durations and lags as working time."""
    text = re.sub(r"(\{key: [^\n]*?), calendar: [a-z-]+", r"\1", text)
    return re.sub(r"(\d)e(d|w|h)\b", r"\1\2", text)


def assert_equals_cpm(text: str, *, method: str | None = None) -> None:
    plan = parse_plan(point_estimates(text))
    plan.risks = []
    plan.correlation = []
    cpm = schedule(plan)
    result = simulate(plan, Options(iterations=40, seed=3))
    if method is not None:
        assert result.method == method, result.fallback_reasons
    local = cpm.network.axis.local
    project = result.project
    assert project.deterministic == local(cpm.project_finish)
    assert set(project.dates.values()) == {local(cpm.project_finish)}
    assert project.days.sd == 0 and project.on_time == 1.0
    assert len(result.milestones) > 0
    for m in result.milestones:
        expected = local(cpm.finish[cpm.index(m.key)])
        assert set(m.dates.values()) == {expected}, m.key
    net = cpm.network
    critical = {net.tasks[t].key for t in net.task_of_leaf if cpm.critical[t]}
    assert {key for key, share in result.criticality.items() if share == 1.0} == critical
    assert all(share in (0.0, 1.0) for share in result.criticality.values())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_point_estimates_give_the_cpm_schedule_on_the_examples(path: Path) -> None:
    assert_equals_cpm(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", VECTORISABLE, ids=lambda p: p.stem)
def test_vectorised_passes_give_the_cpm_schedule_on_the_examples(path: Path) -> None:
    """The examples on one calendar take the vectorised passes: still the CPM's dates."""
    assert_equals_cpm(one_calendar(path.read_text(encoding="utf-8")), method="vectorised")


def test_same_seed_same_answer_and_another_seed_another() -> None:
    plan = load_plan(Path(__file__).parents[2] / "examples/data-centre-exit.yaml")
    first = simulate(plan, Options(iterations=3000, seed=42))
    again = simulate(plan, Options(iterations=3000, seed=42))
    other = simulate(plan, Options(iterations=3000, seed=43))
    assert np.array_equal(first.duration_samples, again.duration_samples)
    assert first.criticality == again.criticality
    assert first.sensitivity == again.sensitivity
    assert first.risks == again.risks
    assert not np.array_equal(first.duration_samples, other.duration_samples)
    # Different seeds agree statistically: P80 within a couple of days.
    assert abs(first.duration_days.p(80) - other.duration_days.p(80)) < 3


def test_percentiles_and_dates_are_monotone_and_results_are_consistent() -> None:
    plan = load_plan(Path(__file__).parents[2] / "examples/data-centre-exit.yaml")
    result = simulate(plan, Options(iterations=4000, seed=1))
    for forecast in [result.project, *result.milestones]:
        values = list(forecast.days.percentiles.values())
        assert values == sorted(values), forecast.key
        dates = list(forecast.dates.values())
        assert dates == sorted(dates), forecast.key
    # Milestones finish no later than the project.
    for forecast in result.milestones:
        assert forecast.days.p(95) <= result.project.days.p(95)
    assert result.method == "vectorised"
    assert result.project.deterministic_days == 85.0
    assert 0 < result.project.on_time < 0.3
    assert result.cost is not None and result.cost.p(10) <= result.cost.p(90)
    assert all(0.0 <= c <= 1.0 for c in result.criticality.values())
    assert result.criticality["deps"] == 1.0  # on every path to the exit
    assert result.sensitivity[0][0] == "circuits"  # the lognormal carrier lead time drives it
    ranked = [r.key for r in result.risks]
    assert set(ranked) == {r.key for r in plan.risks}
    assert result.risks[0].p80_days >= result.risks[-1].p80_days
    penalty = next(r for r in result.risks if r.key == "lease-penalty")
    assert penalty.p80_days == 0 and penalty.expected_cost > 0  # cost only, no delay
    carrier = next(m for m in result.mitigations if m.key == "carrier-late")
    assert carrier.p80_days_saved > 0 and carrier.cost == 6000


def test_converges_early_when_asked() -> None:
    plan = load_plan(Path(__file__).parents[2] / "examples/data-centre-exit.yaml")
    result = simulate(plan, Options(iterations=50_000, seed=5, converge_days=1.0, analyse_risks=False))
    assert result.converged is True
    assert result.iterations < 50_000
    unreachable = simulate(plan, Options(iterations=2000, seed=5, converge_days=1e-6, analyse_risks=False))
    assert unreachable.converged is False and unreachable.iterations == 2000


def test_risk_delays_each_named_task_once_per_occurrence() -> None:
    plan = parse_plan(
        """charter: 1
project: {name: p, start: 2027-01-04}
tasks:
  - {key: a, duration: 5d}
  - {key: b, duration: 5d}
  - {key: end, milestone: true, after: [a, b]}
risks:
  - {key: r, title: Both late, probability: 100%, delay: {tasks: [a, b], amount: 3d}, cost: 1000}
"""
    )
    result = simulate(plan, Options(iterations=50, seed=1))
    assert result.duration_days.p(10) == result.duration_days.p(95) == 8.0
    assert result.cost is not None and result.cost.mean == 1000
    assert result.risks[0].p80_days == 3.0


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("correlation:\n  - {tasks: [a, c], rho: 0.5}\n", "not a task with an estimate"),
        (
            "correlation:\n  - {tasks: [a, b], rho: 0.9}\n  - {tasks: [a, d], rho: 0.9}\n  - {tasks: [b, d], rho: -0.9}\n",
            "not positive definite",
        ),
        ("risks:\n  - {key: r, title: R, probability: 10%, delay: {tasks: [g], amount: 2d}}\n", "sub-tasks"),
    ],
)
def test_errors_say_where_and_how_to_fix(tail: str, message: str) -> None:
    plan = parse_plan(
        f"""charter: 1
project: {{name: p, start: 2027-01-04}}
tasks:
  - {{key: a, estimate: 1d/2d/3d}}
  - {{key: b, estimate: 1d/2d/3d}}
  - {{key: c, duration: 2d}}
  - {{key: d, estimate: 1d/2d/3d}}
  - key: g
    tasks:
      - {{key: g1, duration: 1d}}
{tail}"""
    )
    with pytest.raises(RiskModelError) as caught:
        simulate(plan, Options(iterations=10))
    assert message in caught.value.what
    assert caught.value.fix


def test_lognormal_needs_a_positive_optimistic_value() -> None:
    plan = parse_plan(
        "charter: 1\nproject: {name: p, start: 2027-01-04}\ntasks:\n  - {key: a, estimate: 0d/2d/5d, distribution: lognormal}\n"
    )
    with pytest.raises(RiskModelError, match="lognormal"):
        simulate(plan, Options(iterations=10))


def test_progress_is_reported_per_chunk() -> None:
    plan = load_plan(Path(__file__).parents[2] / "examples/data-centre-exit.yaml")
    seen: list[tuple[int, int]] = []
    simulate(
        plan,
        Options(
            iterations=1000, seed=1, chunk=300, analyse_risks=False, progress=lambda d, t: seen.append((d, t))
        ),
    )
    assert seen == [(250, 1000), (500, 1000), (750, 1000), (1000, 1000)]  # four even chunks


def test_iterations_with_the_same_durations_share_one_cpm_run(monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module("charter.engine.montecarlo.simulate")
    plan = parse_plan(
        point_estimates(
            (Path(__file__).parents[2] / "examples" / "erp-rollout.yaml").read_text(encoding="utf-8")
        )
    )
    plan.risks, plan.correlation = [], []
    first = next(task for task in plan.walk() if not task.tasks)
    first.manual = True  # the per-iteration CPM path
    runs: list[int] = []
    real = module.run_cpm
    monkeypatch.setattr(module, "run_cpm", lambda net: runs.append(1) or real(net))
    result = simulate(plan, Options(iterations=500, seed=3))
    assert result.method == "cpm"
    assert len(runs) <= 1 + len(module._Engine(plan, Options(iterations=500, seed=3)).seeds)
    assert result.project.days.sd == 0
