"""Schedule generation schemes (serial and parallel), priority rules and forward-backward
improvement: the fast levelling mode.

Each scheme turns a priority order into a resource-feasible schedule. The search is bounded
by a number of generated schedules, not by the clock, so the same problem always gives the
same answer.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np

from charter.engine.levelling.network import (
    adjacency,
    earliest_starts,
    lower_bound,
    tails,
    topological,
)
from charter.engine.levelling.problem import IntArray, Problem, Solution

Keys = list[int] | list[float]


class Compiled:
    """A problem as plain Python lists and one free-capacity profile, for fast passes."""

    def __init__(self, problem: Problem, *, reverse: bool = False) -> None:
        n = problem.n
        preds, succs = adjacency(problem)
        self.n = n
        self.duration: list[int] = problem.duration.tolist()
        self.capacity = problem.capacity
        if reverse:
            # Time runs backwards: an activity's finish becomes its start, so a minimum distance
            # between starts becomes one between finishes, shifted by the two durations.
            d = self.duration
            self.succs = [[(p, lag + d[j] - d[p]) for p, lag in preds[j]] for j in range(n)]
            self.n_preds = [len(s) for s in succs]
            self.release = [0] * n
            self.pinned: list[int] = [-1] * n
            self.latest: list[int] = [-1] * n
        else:
            self.succs = succs
            self.n_preds = [len(p) for p in preds]
            self.release = problem.release.tolist()
            self.pinned = problem.pinned.tolist() if problem.pinned is not None else [-1] * n
            self.latest = problem.latest.tolist() if problem.latest is not None else [-1] * n
        demand = problem.demand.tolist()
        self.needs = [[(k, r) for k, r in enumerate(row) if r > 0] for row in demand]
        self.uses = [bool(need) for need in self.needs]
        positive = sum(max(0, lag) for arcs in self.succs for _, lag in arcs)
        self.horizon = max(self.release, default=0) + sum(self.duration) + positive + 2
        pinned_max = max(self.pinned, default=-1)
        if pinned_max >= 0:
            self.horizon += pinned_max
        self.blank = [[c] * self.horizon for c in problem.capacity.tolist()]

    def fresh(self) -> list[list[int]]:
        """A free-capacity profile, one list of periods per resource (plain lists: a pass
        touches a few periods at a time, where NumPy's per-call cost would dominate)."""
        return [col.copy() for col in self.blank]

    def fit(self, free: list[list[int]], j: int, t: int) -> int:
        """The earliest start at or after ``t`` where activity ``j`` has its resources."""
        d = self.duration[j]
        needs = self.needs[j]
        end = t + d
        for k, r in needs:
            if min(free[k][t:end]) < r:
                break
        else:
            return t
        # Blocked: walk forward period by period, counting how many in a row have room.
        run = 0
        u = t
        while run < d:
            for k, r in needs:
                if free[k][u] < r:
                    run = 0
                    break
            else:
                run += 1
            u += 1
        return u - d

    def fits_at(self, free: list[list[int]], j: int, t: int) -> bool:
        end = t + self.duration[j]
        return all(min(free[k][t:end]) >= r for k, r in self.needs[j])

    def book(self, free: list[list[int]], j: int, t: int) -> None:
        end = t + self.duration[j]
        for k, r in self.needs[j]:
            col = free[k]
            for u in range(t, end):
                col[u] -= r

    def serial(self, keys: Keys) -> list[int]:
        """Serial scheme: activities one at a time, smallest key first among those whose
        predecessors are placed, each at its earliest precedence- and resource-feasible start."""
        free = self.fresh()
        missing = list(self.n_preds)
        es = list(self.release)
        start = [0] * self.n
        heap = [(keys[j], j) for j in range(self.n) if missing[j] == 0]
        heapq.heapify(heap)
        dur, uses, pinned, latest = self.duration, self.uses, self.pinned, self.latest
        while heap:
            _, j = heapq.heappop(heap)
            t = es[j]
            d = dur[j]
            if pinned[j] >= 0:
                t = max(t, pinned[j])
            elif d and uses[j]:
                found = self.fit(free, j, t)
                t = found if latest[j] < 0 or found <= latest[j] else t
            if d and uses[j]:
                self.book(free, j, t)
            start[j] = t
            for s, lag in self.succs[j]:
                if t + lag > es[s]:
                    es[s] = t + lag
                missing[s] -= 1
                if missing[s] == 0:
                    heapq.heappush(heap, (keys[s], s))
        return start

    def parallel(self, keys: Keys) -> list[int]:
        """Parallel scheme: time moves from event to event; at each, the eligible activities
        start in key order while their resources last."""
        free = self.fresh()
        missing = list(self.n_preds)
        es = list(self.release)
        start = [0] * self.n
        dur, uses, pinned, latest = self.duration, self.uses, self.pinned, self.latest
        eligible = [j for j in range(self.n) if missing[j] == 0]
        finishes: list[int] = []
        left = self.n
        t = 0

        def place(j: int, at: int) -> None:
            nonlocal left
            d = dur[j]
            if d and uses[j]:
                self.book(free, j, at)
                heapq.heappush(finishes, at + d)
            start[j] = at
            left -= 1
            for s, lag in self.succs[j]:
                if at + lag > es[s]:
                    es[s] = at + lag
                missing[s] -= 1
                if missing[s] == 0:
                    eligible.append(s)

        while left:
            progress = True
            while progress:
                progress = False
                ready = sorted((keys[j], j) for j in eligible if es[j] <= t or pinned[j] >= 0)
                for _, j in ready:
                    if pinned[j] >= 0:
                        at = max(es[j], pinned[j])
                    elif not (dur[j] and uses[j]) or 0 <= latest[j] <= t:
                        at = max(t, es[j])
                    elif self.fits_at(free, j, t):
                        at = t
                    else:
                        continue
                    eligible.remove(j)
                    place(j, at)
                    progress = True
            if not left:
                break
            while finishes and finishes[0] <= t:
                heapq.heappop(finishes)
            upcoming = [finishes[0]] if finishes else []
            for j in eligible:
                if es[j] > t:
                    upcoming.append(es[j])
                elif latest[j] > t:
                    upcoming.append(latest[j])
            t = min(upcoming) if upcoming else t + 1
        return start


class Search:
    """The fast mode's search state: both directions of the problem, the best schedule so far
    and how many schedules it has generated."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.forward = Compiled(problem)
        self.backward = Compiled(problem, reverse=True)
        self.dur = problem.duration.tolist()
        self.generated = 0
        self.best: list[int] | None = None
        self.best_makespan = 1 << 62
        self.bound = lower_bound(problem)
        prio = problem.priority.tolist() if len(problem.priority) else [0] * problem.n
        top = max(prio, default=0)
        self.rank_base = [(top - p) for p in prio]
        if problem.pinned is not None:
            self._lift_ancestors_of_pinned()

    def _lift_ancestors_of_pinned(self) -> None:
        """What a pinned activity waits for goes first, so the pinned one keeps its start."""
        assert self.problem.pinned is not None
        preds, _ = adjacency(self.problem)
        stack = [j for j in range(self.problem.n) if self.problem.pinned[j] >= 0]
        seen = set(stack)
        while stack:
            j = stack.pop()
            self.rank_base[j] = -1
            for p, _ in preds[j]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)

    def keyed(self, values: list[float]) -> list[float]:
        """Priority (higher first) before the rule's value: a rule orders within a priority."""
        scale = float(max((abs(v) for v in values), default=0.0) + 1.0)
        return [(b + 1) * 4 * scale + v for b, v in zip(self.rank_base, values, strict=True)]

    def makespan(self, start: list[int]) -> int:
        return max((s + d for s, d in zip(start, self.dur, strict=True)), default=0)

    def offer(self, start: list[int]) -> int:
        self.generated += 1
        m = self.makespan(start)
        if m < self.best_makespan:
            self.best, self.best_makespan = start, m
        return m

    def improve(self, start: list[int], rounds: int = 4) -> list[int]:
        """Forward-backward improvement: right-justify every activity in order of finish, then
        left-justify in order of the new starts; repeat while the makespan shrinks."""
        current, m = start, self.makespan(start)
        for _ in range(rounds):
            back = self.backward.serial([m - (s + d) for s, d in zip(current, self.dur, strict=True)])
            self.generated += 1
            mb = max((s + d for s, d in zip(back, self.dur, strict=True)), default=0)
            order = self.keyed([float(mb - s - d) for s, d in zip(back, self.dur, strict=True)])
            again = self.forward.serial(order)
            m2 = self.offer(again)
            if m2 >= m:
                break
            current, m = again, m2
        return current


def priority_rules(problem: Problem) -> dict[str, list[float]]:
    """Classic priority rules, as keys where smaller goes first."""
    order = topological(problem)
    es = earliest_starts(problem, order)
    tail = tails(problem, order)
    horizon = int((es + tail).max()) if problem.n else 0
    ls = horizon - tail
    lft = ls + problem.duration
    _, succs = adjacency(problem)
    reach = [0] * problem.n
    for j in reversed(order):
        bits = 0
        for s, _ in succs[j]:
            bits |= reach[s] | (1 << s)
        reach[j] = bits
    dur = problem.duration.tolist()
    grpw = [dur[j] + sum(dur[s] for s, _ in succs[j]) for j in range(problem.n)]
    return {
        "lft": lft.astype(float).tolist(),
        "lst": ls.astype(float).tolist(),
        "mts": [-float(bin(b).count("1")) for b in reach],
        "grpw": [-float(g) for g in grpw],
    }


PARALLEL_UP_TO = 400
"""Largest project on which the fast mode also runs the parallel scheme."""


def budget_for(n: int) -> int:
    """How many schedules the fast mode generates: many on small projects, a few on large ones
    (a pass costs some microseconds per activity)."""
    return max(4, min(300, (12_000 if n <= PARALLEL_UP_TO else 6_000) // max(n, 1)))


def level_fast(problem: Problem, *, seed: int = 0, budget: int | None = None) -> Solution:
    """Several rules through both schemes, each improved forward and backward, then randomised
    variations of the best order until the schedule budget is spent or the bound is reached."""
    if problem.n == 0:
        return Solution(np.zeros(0, dtype=np.int64), 0, 0, True, "fast")
    search = Search(problem)
    limit = budget if budget is not None else budget_for(problem.n)
    rules = priority_rules(problem)
    lft = rules["lft"]
    candidates: list[list[int]] = []
    # The parallel scheme costs a multiple of the serial one on large projects.
    schemes = [search.forward.serial]
    if problem.n <= PARALLEL_UP_TO:
        schemes.append(search.forward.parallel)
    if problem.n > PARALLEL_UP_TO:
        rules = {name: rules[name] for name in ("lft", "lst")}
    for values in rules.values():
        keys = search.keyed(values)
        for generate in schemes:
            sched = generate(keys)
            search.offer(sched)
            candidates.append(sched)
    candidates.sort(key=search.makespan)
    for sched in candidates[:4]:
        if search.best_makespan <= search.bound or search.generated >= limit:
            break
        search.improve(sched, rounds=max(1, min(4, (limit - search.generated) // 2)))
    rng = np.random.default_rng(seed)
    spread = max(1.0, float(np.std(lft))) if len(lft) > 1 else 1.0
    while search.generated < limit and search.best_makespan > search.bound:
        noise = rng.exponential(0.05 * spread, problem.n).tolist()
        base = search.best if rng.random() < 0.9 and search.best is not None else None
        if base is None:
            values = [v + e for v, e in zip(lft, noise, strict=True)]
        else:
            values = [float(s) + e for s, e in zip(base, noise, strict=True)]
        keys = search.keyed(values)
        scheme: Callable[[Keys], list[int]] = schemes[0] if rng.random() < 0.9 else schemes[-1]
        sched = scheme(keys)
        search.offer(sched)
        search.improve(sched)
    assert search.best is not None
    start = np.asarray(search.best, dtype=np.int64)
    return Solution(start, search.best_makespan, search.bound, search.best_makespan <= search.bound, "fast")


class Evolution:
    """A genetic search over activity lists for the optimal mode's warm start.

    Each individual is an activity list (the order of a justified schedule's starts); a child
    takes a slice of one parent and the rest in the other parent's order, is decoded by the
    serial scheme, justified forward and backward, and re-encoded by its new start order. The
    caller decides how many generations to run (by its own clock); the search itself is
    deterministic for a seed.
    """

    def __init__(self, problem: Problem, start: IntArray, *, seed: int = 0, size: int = 24) -> None:
        self.search = Search(problem)
        self.search.offer(start.tolist())
        self.rng = np.random.default_rng(seed)
        self.n = problem.n
        self.size = size
        self.stall = 0
        rules = priority_rules(problem)
        population: list[tuple[int, list[int]]] = [self._member(start.tolist())]
        names = list(rules)
        spread = max(1.0, float(np.std(rules["lft"]))) if problem.n > 1 else 1.0
        for i in range(size - 1):
            base = rules[names[i % len(names)]]
            noise = self.rng.exponential(0.1 * spread * (1 + i // len(names)), problem.n).tolist()
            keys = self.search.keyed([v + e for v, e in zip(base, noise, strict=True)])
            population.append(self._member(self.search.improve(self.search.forward.serial(keys), rounds=2)))
        population.sort(key=lambda m: m[0])
        self.population = population

    def _member(self, start: list[int]) -> tuple[int, list[int]]:
        order = sorted(range(self.n), key=lambda j: (start[j], j))
        return self.search.makespan(start), order

    @property
    def best(self) -> Solution:
        assert self.search.best is not None
        m = self.search.best_makespan
        return Solution(
            np.asarray(self.search.best, dtype=np.int64), m, self.search.bound, m <= self.search.bound, "fast"
        )

    @property
    def done(self) -> bool:
        return self.search.best_makespan <= self.search.bound

    def generation(self) -> None:
        """Breed one generation of children and keep the best distinct individuals."""
        rng, n = self.rng, self.n
        before = self.search.best_makespan
        children: list[tuple[int, list[int]]] = []
        weights = np.linspace(2.0, 1.0, len(self.population))
        weights /= weights.sum()
        for _ in range(self.size):
            a, b = rng.choice(len(self.population), size=2, replace=len(self.population) < 2, p=weights)
            mother, father = self.population[a][1], self.population[b][1]
            q1, q2 = sorted(rng.integers(0, n + 1, size=2).tolist())
            head = mother[:q1]
            taken = set(head)
            middle = [j for j in father if j not in taken][: q2 - q1]
            taken.update(middle)
            child = head + middle + [j for j in mother if j not in taken]
            for _ in range(int(rng.integers(0, 3))):
                i = int(rng.integers(0, n - 1))
                child[i], child[i + 1] = child[i + 1], child[i]
            keys = [0] * n
            for pos, j in enumerate(child):
                keys[j] = pos
            decoded = self.search.forward.serial(self.search.keyed([float(k) for k in keys]))
            self.search.offer(decoded)
            children.append(self._member(self.search.improve(decoded, rounds=2)))
        pool = sorted(self.population + children, key=lambda m: m[0])
        kept: list[tuple[int, list[int]]] = []
        seen: set[tuple[int, ...]] = set()
        for member in pool:
            signature = tuple(member[1])
            if signature not in seen:
                seen.add(signature)
                kept.append(member)
            if len(kept) == self.size:
                break
        self.population = kept
        self.stall = self.stall + 1 if self.search.best_makespan >= before else 0
