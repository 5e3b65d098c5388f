"""The one adapter to OR-Tools CP-SAT: a levelling problem in, a solution and a bound out.

Imported lazily (OR-Tools costs over half a second to import), only when optimal mode runs.
The model: one fixed-size interval per activity, a cumulative constraint per resource, a
no-overlap constraint over activities that take more than half of some resource (any two of
them exclude each other, which the cumulative alone propagates weakly), minimum-distance
precedences and the makespan as objective; on small problems also an either-or per pair of
activities that cannot run together. The fast schedule is both the hint and the upper bound,
so start domains shrink to what a no-worse schedule allows.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from charter.engine.levelling.network import earliest_starts, tails, topological
from charter.engine.levelling.problem import Problem, Solution, makespan_of

PAIRWISE_UP_TO = 60
"""Up to this many activities, every pair that cannot run together (and is not ordered by
precedence) also gets an explicit either-or: one literal per pair, on which the search can
branch and the LP can reason; it helps prove small problems and costs too much on large ones."""


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
    if n <= PAIRWISE_UP_TO:
        _, succs = problem.links
        reach: list[int] = [0] * n
        for j in reversed(order):
            bits = 0
            for t, _ in succs[j]:
                bits |= reach[t] | (1 << t)
            reach[j] = bits
        cap = problem.capacity.tolist()
        jobs = sorted(intervals)
        for a_i, a in enumerate(jobs):
            for b in jobs[a_i + 1 :]:
                if (reach[a] >> b) & 1 or (reach[b] >> a) & 1 or (pinned[a] >= 0 and pinned[b] >= 0):
                    continue
                if any(demand[a][k] + demand[b][k] > cap[k] for k in range(len(cap))):
                    first = model.new_bool_var(f"o{a}_{b}")
                    model.add(starts[b] >= starts[a] + dur[a]).only_enforce_if(first)
                    model.add(starts[a] >= starts[b] + dur[b]).only_enforce_if(~first)
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
