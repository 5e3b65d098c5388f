"""What a simulation samples, compiled once from the plan: per leaf task its duration's
distribution (in working minutes), the risk events with their delays and costs, and the
correlation groups as one target matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from charter.domain.plan import Plan
from charter.domain.risk import Amount, DistributionSpec, Risk, ThreePoint
from charter.domain.values import WorkUnits
from charter.engine.montecarlo import sampling
from charter.engine.network import Network
from charter.errors import CharterError, Location


class RiskModelError(CharterError):
    """The risk register or the uncertainty on tasks cannot be simulated as written."""


@dataclass(frozen=True, slots=True)
class RiskEvents:
    """The risks as arrays: one Bernoulli draw per risk and iteration."""

    keys: list[str]
    probability: NDArray[np.float64]
    delay: sampling.Sampler  # working minutes added to each delayed leaf when the risk occurs
    delayed: list[NDArray[np.int64]]  # per risk: the leaves it delays
    cost: sampling.Sampler
    has_cost: NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Model:
    base: NDArray[np.int64]  # per leaf: its deterministic duration (minutes)
    uncertain: NDArray[np.int64]  # leaves with a distribution
    durations: sampling.Sampler  # one variable per uncertain leaf
    correlated: NDArray[np.int64]  # positions in ``uncertain`` of correlated leaves
    target: NDArray[np.float64]  # their target rank-correlation matrix
    risks: RiskEvents


def _kind(task_key: str, spec: object) -> tuple[int, float, tuple[float, float, float]]:
    if spec is None:
        return sampling.PERT, 4.0, (1 / 3, 1 / 3, 1 / 3)
    if isinstance(spec, DistributionSpec):
        lam = 4.0 if spec.lam is None else spec.lam
        weights = spec.weights or (1 / 3, 1 / 3, 1 / 3)
        return sampling.KIND_NAMES[spec.type], lam, weights
    return sampling.KIND_NAMES[str(spec)], 4.0, (1 / 3, 1 / 3, 1 / 3)


def _three(points: ThreePoint, units: WorkUnits) -> tuple[float, float, float]:
    return (
        float(points.optimistic.minutes(units)),
        float(points.likely.minutes(units)),
        float(points.pessimistic.minutes(units)),
    )


def compile_model(plan: Plan, net: Network) -> Model:
    units = plan.project.work_units
    base = np.array(net.duration, dtype=np.int64)
    rows: list[int] = []
    kinds: list[int] = []
    low: list[float] = []
    mode: list[float] = []
    high: list[float] = []
    lams: list[float] = []
    weights: list[tuple[float, float, float]] = []
    for leaf, t in enumerate(net.task_of_leaf):
        task = net.tasks[t]
        if task.estimate is None or task.duration is not None:
            continue
        kind, lam, weight = _kind(task.key, task.distribution)
        a, c, b = _three(task.estimate, units)
        where = plan.locate(f"task:{task.key}") or Location(path=f"task {task.key}")
        if kind == sampling.LOGNORMAL and a <= 0:
            raise RiskModelError(
                f"task '{task.key}' has a lognormal estimate with an optimistic value of 0",
                where=where,
                fix="a lognormal estimate reads its optimistic and pessimistic values as P10 and "
                "P90, which must be above zero",
            )
        if kind == sampling.DISCRETE and (min(weight) < 0 or abs(sum(weight) - 1) > 1e-6):
            raise RiskModelError(
                f"task '{task.key}' has discrete weights that do not add up to 1",
                where=where,
                fix="give three weights (optimistic, likely, pessimistic) that sum to 1",
            )
        rows.append(leaf)
        kinds.append(kind)
        low.append(a)
        mode.append(c)
        high.append(b)
        lams.append(lam)
        weights.append(weight)
    by_kind = sorted(range(len(rows)), key=kinds.__getitem__)  # each kind's variables together
    durations = sampling.prepare(
        sampling.marginals(
            [kinds[i] for i in by_kind],
            [low[i] for i in by_kind],
            [mode[i] for i in by_kind],
            [high[i] for i in by_kind],
            [lams[i] for i in by_kind],
            [weights[i] for i in by_kind],
        )
    )
    uncertain = np.array([rows[i] for i in by_kind], dtype=np.int64)
    correlated, target = _correlation(plan, net, uncertain)
    return Model(base, uncertain, durations, correlated, target, _risks(plan, net, units))


def _correlation(
    plan: Plan, net: Network, uncertain: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    position = {int(leaf): i for i, leaf in enumerate(uncertain.tolist())}
    members: list[int] = []
    pairs: dict[tuple[int, int], float] = {}
    for number, group in enumerate(plan.correlation):
        where = plan.locate(f"correlation[{number}]") or Location(path=f"correlation[{number}]")
        if not -1 < group.rho < 1:
            raise RiskModelError(
                f"correlation {number + 1} has rho {group.rho}",
                where=where,
                fix="give rho between -1 and 1 (exclusive), e.g. 0.6",
            )
        found: list[int] = []
        for key in group.tasks:
            t = net.index.get(key)
            leaf = net.leaf_of_task[t] if t is not None else -1
            if leaf < 0 or leaf not in position:
                raise RiskModelError(
                    f"correlation {number + 1} names '{key}', which is not a task with an estimate",
                    where=where,
                    fix="correlate only tasks without sub-tasks that have an estimate (estimate: 3d/5d/8d)",
                )
            found.append(position[leaf])
        for p in found:
            if p not in members:
                members.append(p)
        for i, p in enumerate(found):
            for q in found[i + 1 :]:
                pairs[(min(p, q), max(p, q))] = group.rho
    index = {p: i for i, p in enumerate(members)}
    target = np.eye(len(members))
    for (p, q), rho in pairs.items():
        target[index[p], index[q]] = target[index[q], index[p]] = rho
    if members and not sampling.is_positive_definite(target):
        raise RiskModelError(
            "the correlation groups contradict each other (their matrix is not positive definite)",
            where=plan.locate("correlation[0]") or Location(path="correlation"),
            fix="lower some rho values, or put tasks that share a cause in one group",
        )
    return np.array(members, dtype=np.int64), target


def _money(amount: Amount | None) -> tuple[float, float, float]:
    if amount is None:
        return 0.0, 0.0, 0.0
    return amount.low, amount.likely, amount.high


def risk_events(plan: Plan, net: Network, units: WorkUnits, risks: list[Risk]) -> RiskEvents:
    """The events of ``risks`` (the register, or a variant of it) as arrays."""
    delays: list[tuple[float, float, float]] = []
    costs: list[tuple[float, float, float]] = []
    delayed: list[NDArray[np.int64]] = []
    for risk in risks:
        leaves: list[int] = []
        if risk.delay is not None:
            for key in risk.delay.tasks:
                t = net.index.get(key)
                if t is None or net.leaf_of_task[t] < 0:
                    raise RiskModelError(
                        f"risk '{risk.key}' delays '{key}', which is not a task without sub-tasks",
                        where=plan.locate(f"risk:{risk.key}.delay") or Location(path=f"risk {risk.key}"),
                        fix="name the sub-tasks the risk would delay",
                    )
                leaves.append(net.leaf_of_task[t])
            delays.append(_three(risk.delay.amount, units))
        else:
            delays.append((0.0, 0.0, 0.0))
        delayed.append(np.array(leaves, dtype=np.int64))
        costs.append(_money(risk.cost))

    def sampler(values: list[tuple[float, float, float]]) -> sampling.Sampler:
        return sampling.prepare(
            sampling.marginals(
                [sampling.PERT] * len(values),
                [v[0] for v in values],
                [v[1] for v in values],
                [v[2] for v in values],
            )
        )

    return RiskEvents(
        keys=[risk.key for risk in risks],
        probability=np.array([risk.probability for risk in risks], dtype=np.float64),
        delay=sampler(delays),
        delayed=delayed,
        cost=sampler(costs),
        has_cost=np.array([risk.cost is not None for risk in risks], dtype=bool),
    )


def _risks(plan: Plan, net: Network, units: WorkUnits) -> RiskEvents:
    return risk_events(plan, net, units, plan.risks)


def residual(risk: Risk) -> Risk:
    """The risk as it stands once its mitigation is in place."""
    m = risk.mitigation
    if m is None:
        return risk
    delay = risk.delay
    if delay is not None and m.delay is not None:
        delay = delay.model_copy(update={"amount": m.delay})
    return risk.model_copy(
        update={
            "probability": m.probability if m.probability is not None else risk.probability,
            "delay": delay,
            "cost": m.cost_impact if m.cost_impact is not None else risk.cost,
        }
    )
