"""The one adapter to OR-Tools CP-SAT: a levelling problem in, a solution and a bound out.

Imported lazily (OR-Tools costs over half a second to import), only when optimal mode runs.
The model: one fixed-size interval per activity, a cumulative constraint per resource, a
no-overlap constraint over activities that take more than half of some resource (any two of
them exclude each other, which the cumulative alone propagates weakly), minimum-distance
precedences and the makespan as objective. The fast schedule is both the hint and the upper
bound, so start domains shrink to what a no-worse schedule allows.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from charter.engine.levelling.network import earliest_starts, tails, topological
from charter.engine.levelling.problem import Problem, Solution, makespan_of


def solve_cpsat(
    problem: Problem,
    hint: Solution,
    *,
    time_limit: float,
    seed: int = 0,
    workers: int = 4,
    churn: np.ndarray | None = None,
    churn_weights: np.ndarray | None = None,
) -> Solution:
    """Improve ``hint`` (a feasible schedule) within ``time_limit`` seconds. ``churn``, when
    given, is a reference start per activity: among schedules of the best makespan found, the
    solver prefers those that start activities later than it by less (weighted per activity
    by ``churn_weights``, e.g. priorities)."""
    n = problem.n
    upper = hint.makespan
    order = topological(problem)
    es = earliest_starts(problem, order).tolist()
    tail = tails(problem, order).tolist()
    dur = problem.duration.tolist()
    pinned = problem.pinned.tolist() if problem.pinned is not None else [-1] * n
    latest = problem.latest.tolist() if problem.latest is not None else [-1] * n

    model = cp_model.CpModel()
    starts: list[cp_model.IntVar] = []
    intervals: dict[int, cp_model.IntervalVar] = {}
    for j in range(n):
        lo = es[j]
        hi = max(lo, upper - tail[j])
        if pinned[j] >= 0:
            lo = hi = max(es[j], pinned[j])
        elif latest[j] >= 0:
            hi = max(lo, min(hi, latest[j]))
        hi = max(hi, int(hint.start[j]))
        lo = min(lo, int(hint.start[j]))
        s = model.new_int_var(lo, hi, f"s{j}")
        starts.append(s)
        if dur[j] > 0:
            intervals[j] = model.new_fixed_size_interval_var(s, dur[j], f"x{j}")
    for p, s, lag in zip(
        problem.arc_pred.tolist(), problem.arc_succ.tolist(), problem.arc_lag.tolist(), strict=True
    ):
        model.add(starts[s] >= starts[p] + lag)
    demand = problem.demand.tolist()
    for k, cap in enumerate(problem.capacity.tolist()):
        users = [j for j in intervals if demand[j][k] > 0]
        if not users:
            continue
        if sum(demand[j][k] for j in users) > cap:
            model.add_cumulative([intervals[j] for j in users], [demand[j][k] for j in users], cap)
        heavy = [j for j in users if 2 * demand[j][k] > cap]
        if len(heavy) > 1:
            model.add_no_overlap([intervals[j] for j in heavy])
    makespan = model.new_int_var(max(hint.lower_bound, 0), upper, "makespan")
    for j in range(n):
        model.add(makespan >= starts[j] + dur[j])
    scale = 1
    if churn is None:
        model.minimize(makespan)
    else:
        weights = churn_weights.tolist() if churn_weights is not None else [1] * n
        late = []
        for j in range(n):
            if pinned[j] < 0 and dur[j] > 0:
                late.append(weights[j] * (starts[j] - int(churn[j])))
        scale = sum(weights[j] * (upper + 1) for j in range(n)) + 1
        model.minimize(makespan * scale + sum(late))
    for j in range(n):
        model.add_hint(starts[j], int(hint.start[j]))
    model.add_hint(makespan, upper)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = False
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint
    start = np.asarray([solver.value(s) for s in starts], dtype=np.int64)
    found = makespan_of(problem, start)
    if churn is None:
        bound = int(np.ceil(solver.best_objective_bound - 1e-6))
    else:
        bound = int(solver.best_objective_bound // scale)
    proven = status == cp_model.OPTIMAL
    lower = max(hint.lower_bound, found if proven else min(bound, found))
    if found > hint.makespan:
        return Solution(
            hint.start, hint.makespan, max(lower, hint.lower_bound), hint.makespan <= lower, "optimal"
        )
    return Solution(start, found, lower, found <= lower, "optimal")
