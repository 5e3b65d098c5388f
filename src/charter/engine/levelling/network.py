"""Precedence arithmetic on a levelling problem: order, earliest and latest starts, bounds."""

from __future__ import annotations

import math

import numpy as np

from charter.engine.levelling.problem import IntArray, Problem


def adjacency(problem: Problem) -> tuple[list[list[tuple[int, int]]], list[list[tuple[int, int]]]]:
    """Per activity its (predecessor, lag) and (successor, lag) pairs, as plain lists."""
    return problem.links


def topological(problem: Problem) -> list[int]:
    preds, succs = adjacency(problem)
    missing = [len(p) for p in preds]
    ready = [j for j in range(problem.n) if missing[j] == 0]
    order: list[int] = []
    while ready:
        j = ready.pop()
        order.append(j)
        for s, _ in succs[j]:
            missing[s] -= 1
            if missing[s] == 0:
                ready.append(s)
    if len(order) != problem.n:
        raise ValueError("the precedence network has a cycle")
    return order


def earliest_starts(problem: Problem, order: list[int] | None = None) -> IntArray:
    """Earliest starts ignoring resources (the critical-path forward pass)."""
    order = order if order is not None else topological(problem)
    _, succs = adjacency(problem)
    es = problem.release.tolist()
    if problem.pinned is not None:
        es = [max(e, int(p)) for e, p in zip(es, problem.pinned.tolist(), strict=True)]
    for j in order:
        t = es[j]
        for s, lag in succs[j]:
            if t + lag > es[s]:
                es[s] = t + lag
    return np.asarray(es, dtype=np.int64)


def tails(problem: Problem, order: list[int] | None = None) -> IntArray:
    """Per activity the shortest time from its start to the end of the project (its own
    duration and every chain of successors after it)."""
    order = order if order is not None else topological(problem)
    _, succs = adjacency(problem)
    dur = problem.duration.tolist()
    tail = list(dur)
    for j in reversed(order):
        for s, lag in succs[j]:
            if lag + tail[s] > tail[j]:
                tail[j] = lag + tail[s]
    return np.asarray(tail, dtype=np.int64)


def critical_path_bound(problem: Problem) -> int:
    if problem.n == 0:
        return 0
    order = topological(problem)
    return int((earliest_starts(problem, order) + tails(problem, order)).max())


def resource_bound(problem: Problem) -> int:
    """Two resource-based bounds, whichever is larger: the work on a resource divided by its
    capacity (after the earliest release), and the total duration of activities that pairwise
    cannot run together because each takes more than half of some resource."""
    if problem.n == 0:
        return 0
    first = int(problem.release.min())
    best = 0
    for k in range(problem.n_resources):
        cap = int(problem.capacity[k])
        col = problem.demand[:, k]
        if cap <= 0:
            continue
        work = int((col * problem.duration).sum())
        best = max(best, first + math.ceil(work / cap))
        heavy = col * 2 > cap
        if heavy.any():
            best = max(best, first + int(problem.duration[heavy].sum()))
    return best


def lower_bound(problem: Problem) -> int:
    return max(critical_path_bound(problem), resource_bound(problem))
