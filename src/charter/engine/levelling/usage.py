"""Who uses which resource when: assignments read off schedules, and over-allocations.

A leaf task holds each of its work resources at its assignment's units (the resource's own
maximum when the assignment gives none) from its start to its finish. Several plans may share
one pool: a resource key means the same resource in every plan, with the maximum units of the
first plan that defines it.
"""

from __future__ import annotations

from dataclasses import dataclass

from charter.domain.plan import Plan
from charter.engine.cpm import Schedule

EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Booking:
    plan: int  # which plan (index in the list levelled together)
    task: int  # task index in that plan's network
    resource: str
    units: float
    start: int  # instants
    finish: int


@dataclass(frozen=True, slots=True)
class Overallocation:
    resource: str
    start: int  # first instant of the over-allocated stretch
    finish: int
    load: float  # the peak units in use
    capacity: float
    tasks: tuple[tuple[int, int], ...]  # (plan, task index) in use at the peak


def pool(plans: list[Plan]) -> dict[str, float]:
    """Maximum units per work resource across the plans (first definition wins)."""
    found: dict[str, float] = {}
    for plan in plans:
        for key, resource in plan.resources.items():
            if resource.kind == "work" and key not in found:
                found[key] = resource.units
    return found


def bookings(schedules: list[Schedule]) -> list[Booking]:
    result: list[Booking] = []
    for p, sched in enumerate(schedules):
        net = sched.network
        plan = net.plan
        for leaf, i in enumerate(net.task_of_leaf):
            if leaf in net.inactive:
                continue
            task = net.tasks[i]
            start, finish = sched.start[i], sched.finish[i]
            if finish <= start:
                continue
            for assignment in task.resources:
                resource = plan.resources.get(assignment.resource)
                if resource is None or resource.kind != "work":
                    continue
                units = assignment.units if assignment.units is not None else resource.units
                if units > 0:
                    result.append(Booking(p, i, assignment.resource, units, start, finish))
    return result


def overallocations(books: list[Booking], capacity: dict[str, float]) -> list[Overallocation]:
    """Every stretch of time in which a resource's bookings add up to more than its maximum
    units, earliest first. A booking ending at an instant frees the resource for one starting
    at that same instant."""
    by_resource: dict[str, list[Booking]] = {}
    for b in books:
        by_resource.setdefault(b.resource, []).append(b)
    found: list[Overallocation] = []
    for resource, items in by_resource.items():
        cap = capacity.get(resource, 1.0)
        events = sorted(
            [(b.start, 1, n) for n, b in enumerate(items)] + [(b.finish, 0, n) for n, b in enumerate(items)]
        )
        active: set[int] = set()
        load = 0.0
        open_at: int | None = None
        peak = 0.0
        peak_set: tuple[int, ...] = ()
        for k, (t, kind, n) in enumerate(events):
            if kind == 1:
                active.add(n)
                load += items[n].units
            else:
                active.discard(n)
                load -= items[n].units
            last_at_instant = k + 1 == len(events) or events[k + 1][0] != t
            if not last_at_instant:
                continue
            if load > cap + EPSILON:
                if open_at is None:
                    open_at, peak, peak_set = t, load, tuple(sorted(active))
                elif load > peak:
                    peak, peak_set = load, tuple(sorted(active))
            elif open_at is not None:
                tasks = tuple(sorted((items[n].plan, items[n].task) for n in peak_set))
                found.append(Overallocation(resource, open_at, t, peak, cap, tasks))
                open_at = None
    found.sort(key=lambda o: (o.start, o.resource))
    return found
