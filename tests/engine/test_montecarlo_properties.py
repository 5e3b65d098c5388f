"""The vectorised passes against the CPM engine, and invariants of the simulation (Hypothesis).

The passes must give, for any durations, exactly the dates and critical tasks the CPM
engine gives when it schedules the same network with those durations — on random plans
with all four link types, lags and leads, percentage lags, summaries, milestones, all
constraint types and deadlines.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.domain import Duration, Lag, Plan, Risk, RiskDelay, ThreePoint
from charter.engine.cpm import run_cpm
from charter.engine.montecarlo import Options, simulate
from charter.engine.montecarlo.kernel import compile_kernel, fallback_reasons, instants_of
from charter.engine.network import compile_network
from tests.strategies import HARD, SOFT, plans


def on_one_calendar(plan: Plan) -> Plan:
    """The plan with every task on the project calendar and elapsed lags made working time."""
    for task in plan.walk():
        task.calendar = None
        for n, link in enumerate(task.links):
            if link.lag.amount is not None and link.lag.amount.elapsed:
                amount = Duration(value=link.lag.amount.value, unit="h")
                task.links[n] = link.model_copy(update={"lag": Lag(amount=amount)})
    return plan


@settings(max_examples=120, deadline=None, print_blob=True)
@given(plans(constraints=SOFT + HARD, deadlines=True), st.integers(0, 2**32 - 1))
def test_vectorised_passes_equal_the_cpm_for_any_durations(plan: Plan, seed: int) -> None:
    net = compile_network(on_one_calendar(plan))
    assert fallback_reasons(net) == []
    kernel = compile_kernel(net)
    rng = np.random.default_rng(seed)
    base = np.array(net.duration, dtype=np.int64)
    durations = np.stack(
        [np.where(base > 0, rng.integers(0, 2 * base + 120), 0) for _ in range(6)], axis=1
    ).astype(np.int64)
    durations[:, 0] = base
    rows = kernel.rank  # leaf -> kernel row
    passes = kernel.run(durations[kernel.order])
    finishes = instants_of(kernel.calendar, passes.finish[rows])
    for j in range(durations.shape[1]):
        cpm = run_cpm(dataclasses.replace(net, duration=durations[:, j].tolist()))
        expected = [cpm.finish[t] for t in net.task_of_leaf]
        assert finishes[:, j].tolist() == expected, j
        single = kernel.run(durations[kernel.order, j : j + 1])
        assert single.critical is not None
        critical = [bool(cpm.critical[t]) for t in net.task_of_leaf]
        assert (single.critical[rows] == 1).tolist() == critical, j
        assert instants_of(kernel.calendar, single.project).tolist() == [cpm.project_finish]


@settings(max_examples=40, deadline=None)
@given(plans(), st.integers(0, 1000), st.floats(0.05, 0.95))
def test_simulation_invariants(plan: Plan, seed: int, probability: float) -> None:
    """Estimates around each duration, and a risk on the first task: whatever the network,
    percentiles rise and lie within the samples, criticality is a share, some task is
    critical, and the same seed repeats itself."""
    for task in plan.walk():
        if task.duration is not None and task.duration.value > 0:
            d = task.duration
            task.estimate = ThreePoint(
                optimistic=Duration(value=d.value / 2, unit=d.unit),
                likely=d,
                pessimistic=Duration(value=d.value * 3, unit=d.unit),
            )
            task.duration = None
    first = next(t for t in plan.walk() if not t.tasks)
    plan.risks = [
        Risk(
            key="r",
            title="R",
            probability=probability,
            delay=RiskDelay(
                tasks=[first.key],
                amount=ThreePoint(
                    optimistic=Duration.parse("1h"),
                    likely=Duration.parse("4h"),
                    pessimistic=Duration.parse("16h"),
                ),
            ),
        )
    ]
    options = Options(iterations=300, seed=seed, analyse_risks=False)
    result = simulate(plan, options)
    for forecast in [result.project, *result.milestones]:
        values = list(forecast.days.percentiles.values())
        assert values == sorted(values)
        assert list(forecast.dates.values()) == sorted(forecast.dates.values())
    samples = result.duration_samples
    assert samples.min() <= result.project.days.p(10) <= result.project.days.p(95) <= samples.max()
    assert all(0.0 <= share <= 1.0 for share in result.criticality.values())
    assert any(share > 0 for share in result.criticality.values())
    for _, rho in result.sensitivity:
        assert -1.0 - 1e-9 <= rho <= 1.0 + 1e-9
    again = simulate(plan, options)
    assert np.array_equal(result.duration_samples, again.duration_samples)
