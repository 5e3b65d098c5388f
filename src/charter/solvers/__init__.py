"""Solvers behind adapters. The fast heuristic is pure engine code; CP-SAT is imported only
when the optimal mode runs.

The optimal mode spends its time in two phases: a genetic search over activity lists (pure
engine code, stepped here against the clock) finds a strong schedule quickly, then CP-SAT,
seeded with it, improves it and proves a bound. The genetic phase stops early once it stalls,
and small problems skip it: there CP-SAT alone finds the best schedules and needs the time to
prove them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

import numpy as np

from charter.engine.levelling.problem import Problem, Solution
from charter.engine.levelling.sgs import Evolution, budget_for, level_fast

Mode = Literal["fast", "optimal"]

DEFAULT_WORKERS = 2
"""CP-SAT workers: one per core of a small machine."""
GENETIC_SHARE = 0.35
"""At most this share of the optimal mode's time goes to the genetic phase."""
GENETIC_STALL = 12
"""Generations without improvement after which the genetic phase hands over to CP-SAT."""
HINT_BUDGET = 60
"""Schedules the fast phase generates for a small problem in optimal mode: CP-SAT improves a
decent hint within milliseconds there, so the time is better left to its proof."""
GENETIC_FROM = 60
"""Smallest problem (activities) worth a genetic phase; below, CP-SAT alone finds the best
schedules quickly and every second it gets goes to proving them."""


def solve(
    problem: Problem,
    *,
    mode: Mode = "fast",
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = DEFAULT_WORKERS,
    churn: np.ndarray | None = None,
    churn_weights: np.ndarray | None = None,
) -> Solution:
    """Fast mode alone, or fast mode's schedule improved by the genetic phase and CP-SAT."""
    began = time.perf_counter()
    small = mode == "optimal" and problem.n < GENETIC_FROM
    fast = level_fast(problem, seed=seed, budget=min(budget_for(problem.n), HINT_BUDGET) if small else None)
    if mode == "fast" or fast.optimal:
        return fast
    hint = fast
    if problem.n >= GENETIC_FROM:
        evolution = Evolution(problem, fast.start, seed=seed)
        stop = began + GENETIC_SHARE * time_limit
        while not evolution.done and evolution.stall < GENETIC_STALL and time.perf_counter() < stop:
            evolution.generation()
        hint = evolution.best
        if hint.optimal and churn is None:
            return Solution(hint.start, hint.makespan, hint.lower_bound, True, "optimal")
    from charter.solvers.cpsat import solve_cpsat

    left = time_limit - (time.perf_counter() - began)
    return solve_cpsat(
        problem,
        hint,
        time_limit=max(0.05, left),
        seed=seed,
        workers=workers,
        churn=churn,
        churn_weights=churn_weights,
    )


def plan_solver(
    *, mode: Mode, time_limit: float, seed: int = 0, workers: int = DEFAULT_WORKERS
) -> Callable[[Problem], Solution]:
    """How plans are levelled: :func:`solve`, keeping tasks near their unlevelled dates among
    schedules of the same finish — and higher-priority tasks nearer."""

    def solver(problem: Problem) -> Solution:
        weights = 1 + problem.priority // 100 if len(problem.priority) else np.ones(problem.n, dtype=np.int64)
        return solve(
            problem,
            mode=mode,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            churn=problem.release,
            churn_weights=weights,
        )

    return solver
