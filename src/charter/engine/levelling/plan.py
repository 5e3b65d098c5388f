"""Levelling plans: over-allocations resolved by levelling delays, proposed and explained.

The levelled schedule is never a second model of the plan. Levelling chooses a *levelling
delay* (``Task.leveling_delay``) per task and the CPM engine schedules the plan with them, so
every link, constraint, calendar and deadline rule holds by construction. To choose the
delays, the compiled CPM network is reduced to a resource-constrained problem on the first
plan's project calendar (working minutes in whole steps), solved by the given solver, and
read back as delays. Where calendars differ the reduction is approximate, so the proposed
schedule is checked minute by minute and any over-allocation left is resolved by delaying
the lower-priority task until a competitor frees the resource.

Tasks that levelling never moves: ``level: false``, manually scheduled and started ones.
Their existing delays are kept; every other task's delay is recomputed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from charter.domain.plan import Plan
from charter.domain.resource import Assignment
from charter.domain.task import ConstraintType, Task
from charter.domain.values import Duration
from charter.engine.calendar import WorkingTime
from charter.engine.cpm import Schedule, schedule
from charter.engine.levelling.network import lower_bound
from charter.engine.levelling.problem import Problem, Solution
from charter.engine.levelling.usage import Booking, Overallocation, bookings, overallocations, pool
from charter.errors import CharterError, Location

SolveFn = Callable[[Problem], Solution]

MAX_STEPS = 60_000
"""Most periods the reduced problem may span; a coarser step is used beyond (durations are
then rounded up, so the reduction stays on the safe side)."""
MAX_REPAIRS = 2_000
MAX_TRIES = 40
"""Repairs of one task after which it stops being moved (tasks chasing each other through
links), so that what is left is reported instead of pushed into the far future."""
MAX_WAIT = 20 * 260 * 8 * 60
"""No repair delays a task by more working minutes than this (a constraint it can never pass)."""
ELAPSED_SHARE = 5 * 8 / (7 * 24)
"""Working minutes per elapsed minute on a standard week, for elapsed lags in the reduction."""


@dataclass(frozen=True, slots=True)
class Move:
    plan: int
    key: str
    name: str
    old_start: int
    old_finish: int
    new_start: int
    new_finish: int
    shift: int  # working minutes on the task's calendar; negative moved earlier
    resources: tuple[str, ...]  # the resources it waited for
    competitors: tuple[str, ...]  # the tasks holding them meanwhile
    pushed_by: tuple[str, ...]  # predecessors whose move pushed it


@dataclass(frozen=True, slots=True)
class Pick:
    plan: int
    task: str
    skill: str
    resource: str
    units: float


@dataclass
class Levelling:
    plans: list[Plan]  # the proposal: the plans with levelling delays (and picked people)
    before: list[Schedule]
    after: list[Schedule]
    moves: list[Move]
    picks: list[Pick]
    finish_before: int
    finish_after: int
    lower_bound: int  # no levelled schedule finishes before this instant
    gap: float
    optimal: bool
    method: str
    overallocated_before: list[Overallocation]
    unresolved: list[Overallocation] = field(default_factory=list)

    @property
    def already_level(self) -> bool:
        return not self.overallocated_before


_FIXED_BY_CONSTRAINT = frozenset({ConstraintType.ALAP, ConstraintType.MSO, ConstraintType.MFO})


def levellable(task: Task) -> bool:
    """Whether levelling may delay the task: a levelling delay moves early dates only, so not
    an as-late-as-possible or must-start/finish-on task, nor a manual, started or
    ``level: false`` one."""
    return (
        task.level
        and (task.constraint is None or task.constraint.type not in _FIXED_BY_CONSTRAINT)
        and task.active
        and not task.manual
        and not task.is_summary
        and task.actual_start is None
        and task.actual_finish is None
        and task.percent_complete == 0
    )


def level_plans(plans: list[Plan], solve: SolveFn, *, within_slack: bool = False) -> Levelling:
    """Propose levelling delays for ``plans`` (sharing one resource pool)."""
    if not plans:
        raise CharterError("nothing to level", fix="give at least one plan")
    for plan in plans:
        if plan.project.backward:
            raise CharterError(
                f"project '{plan.project.name}' is scheduled back from its finish date; levelling "
                "delays tasks, which only works forward from a start date",
                where=plan.locate("project") or Location(path="project"),
                fix="give the project a start: date (and drop finish:) to level it",
            )
    capacity = pool(plans)
    picked, picks = choose_people(plans, capacity)
    before = [schedule(p) for p in picked]
    over_before = overallocations(bookings(before), capacity)
    cleared = [_with_delays(p, {}, keep_fixed=True) for p in picked]
    base = [schedule(p) for p in cleared]
    reduced = _Reduction(base, capacity, within_slack)
    if not over_before:
        finish = max(s.project_finish for s in before)
        bound = min(reduced.instant_of(lower_bound(reduced.problem)), finish)
        return Levelling(
            picked, before, before, [], picks, finish, finish, bound,
            reduced.gap(bound, finish), False, "none", [],
        )  # fmt: skip
    solution = solve(reduced.problem)
    delays = reduced.delays(solution)
    proposal = [_with_delays(p, delays.get(n, {}), keep_fixed=True) for n, p in enumerate(cleared)]
    after = [schedule(p) for p in proposal]
    if within_slack:
        after = _clip_to_slack(proposal, after, base)
    after, unresolved = _repair(proposal, after, base, capacity, within_slack)
    if within_slack:
        after = _clip_to_slack(proposal, after, base)
        unresolved = overallocations(bookings(after), capacity)
    finish_before = max(s.project_finish for s in before)
    finish_after = max(s.project_finish for s in after)
    bound = min(reduced.instant_of(solution.lower_bound), finish_after)
    moves = explain(before, after)
    gap = reduced.gap(bound, finish_after)
    optimal = solution.optimal and not unresolved and gap == 0
    return Levelling(
        proposal, before, after, moves, picks, finish_before, finish_after, bound, gap, optimal,
        solution.method, over_before, unresolved,
    )  # fmt: skip


def choose_people(plans: list[Plan], capacity: dict[str, float]) -> tuple[list[Plan], list[Pick]]:
    """Assign people to skill needs not yet met, each time the one with the least work already
    booked across the need's early window (so the load spreads before levelling starts)."""
    if not any(task.needs for plan in plans for task in plan.walk()):
        return list(plans), []
    copies = [plan.model_copy(deep=True) for plan in plans]
    schedules = [schedule(p) for p in copies]
    books = bookings(schedules)
    picks: list[Pick] = []
    for n, (plan, sched) in enumerate(zip(copies, schedules, strict=True)):
        net = sched.network
        for i, task in enumerate(net.tasks):
            if not task.needs or task.is_summary:
                continue
            start, finish = sched.start[i], sched.finish[i]
            for need in task.needs:
                holders = {
                    k for k, r in plan.resources.items() if need.skill in r.skills and r.kind == "work"
                }
                if not holders:
                    raise CharterError(
                        f"task '{task.key}' needs skill '{need.skill}', but no resource has it",
                        where=plan.locate(f"task:{task.key}") or Location(path=f"task {task.key}"),
                        fix=f"add '{need.skill}' to the skills of a resource, or assign a person",
                    )
                met = sum(
                    a.units if a.units is not None else plan.resources[a.resource].units
                    for a in task.resources
                    if a.resource in holders
                )
                left = need.units - met
                while left > 1e-9:
                    taken = {a.resource for a in task.resources}
                    free = sorted(holders - taken)
                    if not free:
                        break

                    def load(key: str, s: int = start, f: int = finish) -> float:
                        return sum(
                            b.units * max(0, min(f, b.finish) - max(s, b.start))
                            for b in books
                            if b.resource == key
                        )

                    person = min(free, key=lambda k: (load(k), k))
                    units = min(left, capacity.get(person, plan.resources[person].units))
                    own = plan.resources[person].units
                    task.resources.append(
                        Assignment(resource=person, units=None if abs(units - own) < 1e-9 else units)
                    )
                    books.append(Booking(n, i, person, units, start, finish))
                    picks.append(Pick(n, task.key, need.skill, person, units))
                    left -= units
    return copies, picks


class _Reduction:
    """The compiled networks as one resource-constrained problem in whole steps of working
    time on the first plan's project calendar."""

    def __init__(self, base: list[Schedule], capacity: dict[str, float], within_slack: bool) -> None:
        self.base = base
        first = base[0].network
        self.ref: WorkingTime = first.calendars[first.plan.project.calendar]
        ref = self.ref
        self.resources = sorted(capacity)
        column = {key: k for k, key in enumerate(self.resources)}
        self.ids: list[tuple[int, int]] = []  # activity -> (plan, task index)
        index: dict[tuple[int, int], int] = {}
        starts: list[int] = []
        spans: list[int] = []
        for n, sched in enumerate(base):
            net = sched.network
            for leaf, i in enumerate(net.task_of_leaf):
                if leaf in net.inactive:
                    continue
                index[n, i] = len(self.ids)
                self.ids.append((n, i))
                ws = ref.work_at(sched.start[i])
                starts.append(ws)
                spans.append(max(0, ref.work_at(sched.finish[i]) - ws))
        self.origin = min(starts, default=ref.work_at(base[0].project_start))
        offsets = [s - self.origin for s in starts]
        arcs: list[tuple[int, int, int, int]] = []  # pred, succ, kind, lag minutes
        for n, sched in enumerate(base):
            net = sched.network
            for e in range(net.n_edges):
                succ = index.get((n, net.task_of_leaf[net.e_succ[e]]))
                pred_node = net.e_pred[e]
                members = net.group_members[pred_node] if pred_node >= net.n_leaves else [pred_node]
                lag = net.e_lag[e]
                if net.e_elapsed[e]:
                    lag = round(lag * ELAPSED_SHARE)
                for m in members:
                    pred = index.get((n, net.task_of_leaf[m]))
                    if pred is not None and succ is not None:
                        arcs.append((pred, succ, net.e_kind[e], lag))
        values = [v for v in offsets + spans + [abs(a[3]) for a in arcs] if v]
        step = math.gcd(*values) if values else 1
        horizon = (max(offsets, default=0) + sum(spans)) // step
        if horizon > MAX_STEPS:
            step *= math.ceil(horizon / MAX_STEPS)
        self.step = step
        dur = [-(-s // step) for s in spans]
        release = [o // step for o in offsets]
        n_act = len(self.ids)
        demand = np.zeros((n_act, len(self.resources)), dtype=np.int64)
        cap = np.asarray([round(capacity[k] * 100) for k in self.resources], dtype=np.int64)
        pinned = np.full(n_act, -1, dtype=np.int64)
        latest = np.full(n_act, -1, dtype=np.int64)
        priority = np.zeros(n_act, dtype=np.int64)
        self.movable: list[bool] = []
        for j, (n, i) in enumerate(self.ids):
            sched = base[n]
            task = sched.network.tasks[i]
            plan = sched.network.plan
            priority[j] = task.priority
            for a in task.resources:
                resource = plan.resources.get(a.resource)
                if resource is None or resource.kind != "work" or a.resource not in column:
                    continue
                units = a.units if a.units is not None else resource.units
                k = column[a.resource]
                demand[j, k] = min(int(cap[k]), demand[j, k] + round(units * 100))
            movable = levellable(task)
            self.movable.append(movable)
            if not movable:
                pinned[j] = release[j]
            elif within_slack:
                latest[j] = max(release[j], (ref.work_at(sched.late_start[i]) - self.origin) // step)
        self.pred_arcs: list[list[tuple[int, int]]] = [[] for _ in range(n_act)]
        a_pred: list[int] = []
        a_succ: list[int] = []
        a_lag: list[int] = []
        for p, s, kind, lag in arcs:
            steps = round(lag / step)
            if kind == 0:
                gap = dur[p] + steps
            elif kind == 1:
                gap = steps
            elif kind == 2:
                gap = dur[p] + steps - dur[s]
            else:
                gap = steps - dur[s]
            a_pred.append(p)
            a_succ.append(s)
            a_lag.append(gap)
            self.pred_arcs[s].append((p, gap))
        self.problem = Problem(
            duration=np.asarray(dur, dtype=np.int64),
            demand=demand,
            capacity=cap,
            arc_pred=np.asarray(a_pred, dtype=np.int64),
            arc_succ=np.asarray(a_succ, dtype=np.int64),
            arc_lag=np.asarray(a_lag, dtype=np.int64),
            release=np.asarray(release, dtype=np.int64),
            priority=priority,
            latest=latest if within_slack else None,
            pinned=pinned if (pinned >= 0).any() else None,
            labels=tuple(base[n].network.tasks[i].key for n, i in self.ids),
        )

    def instant_of(self, steps: int) -> int:
        w = self.origin + steps * self.step
        return self.ref.finish_at(w) if steps > 0 else self.ref.start_at(w)

    def gap(self, bound: int, finish: int) -> float:
        done = self.ref.work_at(finish) - self.origin
        if done <= 0:
            return 0.0
        return max(0.0, (self.ref.work_at(finish) - self.ref.work_at(bound)) / done)

    def delays(self, solution: Solution) -> dict[int, dict[str, int]]:
        """Per plan, per task key, the wait (working minutes) after what its links allow."""
        start = solution.start.tolist()
        release = self.problem.release.tolist()
        found: dict[int, dict[str, int]] = {}
        for j, (n, i) in enumerate(self.ids):
            if not self.movable[j]:
                continue
            arcs = self.pred_arcs[j]
            net = self.base[n].network
            if not arcs:
                allowed = release[j]  # the wait counts from the project start or the constraint
            else:
                # CPM adds the wait to the start the links allow (a constraint applies after).
                # Where a link set the unlevelled start, the reduction's error on it (elapsed
                # and percentage lags are approximate) is known and taken off.
                allowed = max(start[p] + gap for p, gap in arcs)
                if self.base[n].early_driver[net.leaf_of_task[i]] >= 0:
                    allowed += release[j] - max(release[p] + gap for p, gap in arcs)
            wait = start[j] - allowed
            if wait > 0:
                found.setdefault(n, {})[self.base[n].network.tasks[i].key] = wait * self.step
        return found


def _duration(minutes: int, per_day: int) -> Duration:
    if minutes % per_day == 0:
        return Duration(value=minutes // per_day, unit="d")
    if minutes % 60 == 0:
        return Duration(value=minutes // 60, unit="h")
    return Duration(value=minutes, unit="m")


def _with_delays(plan: Plan, delays: dict[str, int], *, keep_fixed: bool) -> Plan:
    """A copy of ``plan`` whose levellable tasks wait ``delays`` (minutes); the others keep
    what they had."""
    copy = plan.model_copy(deep=True)
    per_day = plan.project.work_units.minutes_per_day
    for task in copy.walk():
        if task.is_summary or (keep_fixed and not levellable(task)):
            continue
        wait = delays.get(task.key, 0)
        task.leveling_delay = _duration(wait, per_day) if wait > 0 else None
    return copy


def _delay_minutes(task: Task, plan: Plan) -> int:
    wait = task.leveling_delay
    if wait is None:
        return 0
    return wait.minutes(plan.project.work_units)


def _clip_to_slack(plans: list[Plan], after: list[Schedule], base: list[Schedule]) -> list[Schedule]:
    """Shorten the delays that took a task past its unlevelled late start (the reduction can
    overshoot where calendars differ); predecessors first, since CPM late dates keep links."""
    for n, plan in enumerate(plans):
        tasks = plan.task_map()
        for _ in range(len(tasks)):
            net = after[n].network
            late = [
                i
                for i in net.order
                if i < net.n_leaves
                and after[n].start[net.task_of_leaf[i]] > base[n].late_start[net.task_of_leaf[i]]
                and tasks[net.tasks[net.task_of_leaf[i]].key].leveling_delay is not None
                and levellable(tasks[net.tasks[net.task_of_leaf[i]].key])
            ]
            if not late:
                break
            i = net.task_of_leaf[late[0]]
            task = tasks[net.tasks[i].key]
            cal = net.leaf_calendar[late[0]]
            over = max(1, cal.work_at(after[n].start[i]) - cal.work_at(base[n].late_start[i]))
            wait = max(0, _delay_minutes(task, plan) - over)
            per_day = plan.project.work_units.minutes_per_day
            task.leveling_delay = _duration(wait, per_day) if wait > 0 else None
            after[n] = schedule(plan)
    return after


def _repair(
    plans: list[Plan],
    after: list[Schedule],
    base: list[Schedule],
    capacity: dict[str, float],
    within_slack: bool,
) -> tuple[list[Schedule], list[Overallocation]]:
    """Delay the lower-priority task of each over-allocation left, earliest first, until a
    competitor frees the resource; what cannot be resolved is returned."""
    stuck: set[tuple[str, tuple[tuple[int, int], ...]]] = set()
    follows: dict[tuple[int, int], set[int]] = {}
    tries: dict[tuple[int, int], int] = {}
    for _ in range(MAX_REPAIRS):
        found = [o for o in overallocations(bookings(after), capacity) if (o.resource, o.tasks) not in stuck]
        if not found:
            break
        o = found[0]
        candidates = []
        for n, i in o.tasks:
            task = after[n].network.tasks[i]
            if not levellable(task) or tries.get((n, i), 0) >= MAX_TRIES:
                continue
            # Delaying a task drags the tasks that follow it by links: a conflict with one of
            # them cannot be solved by delaying this one, and waiting for them never ends.
            behind = _followers(after[n], i, follows)
            if any(m == n and k in behind for m, k in o.tasks):
                continue
            others = [
                after[m].finish[k] for m, k in o.tasks if (m, k) != (n, i) and after[m].finish[k] > o.start
            ]
            if not others:
                continue
            target = min(others)
            if within_slack and target > base[n].late_start[i]:
                continue
            candidates.append((task.priority, -after[n].start[i], task.key, n, i, target))
        if not candidates:
            stuck.add((o.resource, o.tasks))
            continue
        _, _, key, n, i, target = min(candidates)
        tries[n, i] = tries.get((n, i), 0) + 1
        net = after[n].network
        cal = net.leaf_calendar[net.leaf_of_task[i]]
        extra = max(1, cal.work_at(target) - cal.work_at(after[n].start[i]))
        if not _wait_until(plans, after, n, i, key, target, extra):
            stuck.add((o.resource, o.tasks))
    return after, overallocations(bookings(after), capacity)


def _followers(sched: Schedule, i: int, cache: dict[tuple[int, int], set[int]]) -> set[int]:
    """The leaf tasks (task indices) that a chain of links from task ``i`` reaches."""
    net = sched.network
    key = (id(net.plan), i)
    found = cache.get(key)
    if found is not None:
        return found
    found = set()
    groups_of: dict[int, list[int]] = {}
    for group, members in net.group_members.items():
        for member in members:
            groups_of.setdefault(member, []).append(group)
    stack = [net.leaf_of_task[i]]
    seen = set(stack)
    while stack:
        node = stack.pop()
        for v in [node, *groups_of.get(node, [])]:
            for e in net.out_edge[net.out_start[v] : net.out_start[v + 1]]:
                succ = net.e_succ[e]
                if succ not in seen:
                    seen.add(succ)
                    found.add(net.task_of_leaf[succ])
                    stack.append(succ)
    cache[key] = found
    return found


def _wait_until(
    plans: list[Plan], after: list[Schedule], n: int, i: int, key: str, target: int, extra: int
) -> bool:
    """Lengthen task ``key``'s delay by the least that makes it start at ``target`` or later.
    Usually ``extra`` does it; where a constraint holds the task later than its links, the
    delay only shows once it passes the constraint, so search: double, then halve."""
    plan = plans[n]
    task = plan.task_map()[key]
    had = _delay_minutes(task, plan)
    per_day = plan.project.work_units.minutes_per_day

    def start_with(more: int) -> int:
        task.leveling_delay = _duration(had + more, per_day) if had + more > 0 else None
        after[n] = schedule(plan)
        return after[n].start[i]

    low, high = 0, extra
    while start_with(high) < target:
        if high > MAX_WAIT:
            start_with(0)
            return False
        low, high = high, high * 2
    if low:
        while high - low > 1:
            middle = (low + high) // 2
            if start_with(middle) >= target:
                high = middle
            else:
                low = middle
        start_with(high)
    return True


def explain(before: list[Schedule], after: list[Schedule]) -> list[Move]:
    """Every leaf task whose dates changed: by how much, and why."""
    books_after = bookings(after)
    books_before = bookings(before)
    by_resource: dict[str, list[Booking]] = {}
    for b in books_after:
        by_resource.setdefault(b.resource, []).append(b)
    moves: list[Move] = []
    for n, (old, new) in enumerate(zip(before, after, strict=True)):
        net = new.network
        moved = {
            i
            for i, task in enumerate(net.tasks)
            if not task.is_summary and (old.start[i], old.finish[i]) != (new.start[i], new.finish[i])
        }
        for i in sorted(moved, key=lambda i: (new.start[i], i)):
            task = net.tasks[i]
            cal = net.leaf_calendar[net.leaf_of_task[i]]
            shift = cal.work_at(new.start[i]) - cal.work_at(old.start[i])
            waited = task.leveling_delay is not None and task.leveling_delay.value > 0
            resources: list[str] = []
            competitors: list[str] = []
            if waited:
                lo, hi = min(old.start[i], new.start[i]), max(old.start[i], new.start[i])
                own = {b.resource for b in books_after if (b.plan, b.task) == (n, i)}
                for resource in sorted(own):
                    rivals = [
                        b
                        for b in by_resource.get(resource, [])
                        if (b.plan, b.task) != (n, i) and b.start < max(hi, lo + 1) and b.finish > lo
                    ]
                    if not rivals:
                        rivals = [
                            b
                            for b in books_before
                            if b.resource == resource
                            and (b.plan, b.task) != (n, i)
                            and b.start < old.finish[i]
                            and b.finish > old.start[i]
                        ]
                    if rivals:
                        resources.append(resource)
                        for b in sorted(rivals, key=lambda b: (b.start, b.task)):
                            name = after[b.plan].network.tasks[b.task].key
                            if name not in competitors:
                                competitors.append(name)
            pushed: list[str] = []
            for link in task.links:
                p = net.index.get(link.predecessor)
                if p is not None and (old.start[p], old.finish[p]) != (new.start[p], new.finish[p]):
                    pushed.append(link.predecessor)
            moves.append(
                Move(
                    n,
                    task.key,
                    task.label,
                    old.start[i],
                    old.finish[i],
                    new.start[i],
                    new.finish[i],
                    shift,
                    tuple(resources),
                    tuple(competitors),
                    tuple(pushed),
                )
            )
    return moves
