"""The levelling problem in compiled form: a resource-constrained project scheduling problem.

Activities are numbered ``0 .. n-1``; time is whole periods. Every precedence is a minimum
distance between starts, ``start[succ] >= start[pred] + lag``, which expresses all four link
types once durations are fixed (finish-to-start is ``lag = duration[pred] + link lag``).
Renewable resources have a constant capacity per period; an activity holds ``demand[j, k]``
units of resource ``k`` in every period it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Problem:
    duration: IntArray  # (n,)
    demand: IntArray  # (n, K)
    capacity: IntArray  # (K,)
    arc_pred: IntArray  # (m,)
    arc_succ: IntArray  # (m,)
    arc_lag: IntArray  # (m,)
    release: IntArray  # (n,) earliest start of each activity
    priority: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # higher goes first
    latest: IntArray | None = None  # (n,) latest allowed start (levelling within slack); -1 = none
    pinned: IntArray | None = None  # (n,) start an activity must keep (not levelled); -1 = free
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.duration)
        if self.demand.shape != (n, len(self.capacity)):
            raise ValueError("demand must have one row per activity and one column per resource")
        if len(self.release) != n:
            raise ValueError("release must have one entry per activity")
        if not len(self.arc_pred) == len(self.arc_succ) == len(self.arc_lag):
            raise ValueError("arc arrays must have the same length")
        if len(self.priority) not in (0, n):
            raise ValueError("priority must be empty or have one entry per activity")

    @property
    def n(self) -> int:
        return len(self.duration)

    @property
    def n_resources(self) -> int:
        return len(self.capacity)

    @cached_property
    def links(self) -> tuple[list[list[tuple[int, int]]], list[list[tuple[int, int]]]]:
        """Per activity its (predecessor, lag) and (successor, lag) pairs, built once."""
        preds: list[list[tuple[int, int]]] = [[] for _ in range(self.n)]
        succs: list[list[tuple[int, int]]] = [[] for _ in range(self.n)]
        for p, s, lag in zip(
            self.arc_pred.tolist(), self.arc_succ.tolist(), self.arc_lag.tolist(), strict=True
        ):
            preds[s].append((p, lag))
            succs[p].append((s, lag))
        return preds, succs

    def label(self, j: int) -> str:
        return self.labels[j] if self.labels else str(j + 1)


@dataclass(frozen=True)
class Solution:
    """A schedule for a :class:`Problem`: the start of every activity, and what is known of it."""

    start: IntArray
    makespan: int
    lower_bound: int
    optimal: bool
    method: str

    @property
    def gap(self) -> float:
        """(makespan - lower bound) / makespan: 0 means proven optimal."""
        if self.makespan <= 0:
            return 0.0
        return max(0.0, (self.makespan - self.lower_bound) / self.makespan)


def makespan_of(problem: Problem, start: IntArray) -> int:
    if problem.n == 0:
        return 0
    return int((start + problem.duration).max())


def violations(problem: Problem, start: IntArray) -> list[str]:
    """Everything the schedule breaks: precedences, release dates and resource capacities."""
    found: list[str] = []
    for p, s, lag in zip(problem.arc_pred, problem.arc_succ, problem.arc_lag, strict=True):
        if start[s] < start[p] + lag:
            found.append(f"{problem.label(int(s))} starts before {problem.label(int(p))} allows")
    for early in np.nonzero(start < problem.release)[0].tolist():
        found.append(f"{problem.label(early)} starts before its release")
    horizon = makespan_of(problem, start)
    usage = np.zeros((horizon + 1, problem.n_resources), dtype=np.int64)
    for j, (begin, d) in enumerate(zip(start.tolist(), problem.duration.tolist(), strict=True)):
        if d > 0:
            usage[begin : begin + d] += problem.demand[j]
    over = np.nonzero((usage > problem.capacity).any(axis=1))[0]
    if len(over):
        found.append(f"resources over capacity in period {int(over[0])}")
    return found
