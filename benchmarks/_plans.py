"""Generated plans for the server benchmarks: the scheduling benchmark's plans plus a team.

:func:`team_plan` takes the plan of ``benchmarks/cpm.py`` (streams of work packages, summary
tasks of 10-30 leaves, about two links per task of every type, milestones, constraints,
deadlines, two calendars with Berlin's holidays) and staffs it: a pool of people with rates and
skills, one or two of them on most leaf tasks, the way a programme office would. The same
``seed`` gives the same plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from charter.domain import Plan, Task
from charter.domain.resource import Assignment, Rate, Resource
from cpm import build_plan, generate

_FIRST = ("Alex", "Bea", "Chen", "Dana", "Emil", "Fatma", "Gus", "Hana", "Ivo", "Jule", "Kai", "Lena")
_LAST = ("Meyer", "Novak", "Okafor", "Peters", "Quinn", "Rossi", "Sato", "Tran", "Ulrich", "Vogel")
_SKILLS = ("dba", "sql", "network", "security", "java", "python", "sap", "testing", "ux", "ops")


@dataclass(frozen=True, slots=True)
class TeamPlan:
    plan: Plan
    leaves: tuple[str, ...]
    """Keys of the tasks without sub-tasks, milestones included, in WBS order."""
    summaries: tuple[str, ...]


def _people(count: int, rng: random.Random) -> dict[str, Resource]:
    people: dict[str, Resource] = {}
    for n in range(count):
        key = f"r{n:03d}"
        people[key] = Resource(
            key=key,
            name=f"{_FIRST[n % len(_FIRST)]} {_LAST[(n // len(_FIRST)) % len(_LAST)]}",
            units=rng.choice((1.0, 1.0, 1.0, 0.8, 0.5)),
            rate=Rate(amount=float(rng.randrange(60, 140, 5)), per="h"),
            skills=sorted(rng.sample(_SKILLS, k=rng.randint(1, 3))),
        )
    return people


def _staffed(task: Task, people: list[str], rng: random.Random) -> Task:
    if task.tasks:
        return task.model_copy(update={"tasks": [_staffed(child, people, rng) for child in task.tasks]})
    if task.milestone or rng.random() > 0.75:
        return task
    chosen = rng.sample(people, k=1 if rng.random() < 0.8 else 2)
    return task.model_copy(
        update={"resources": [Assignment(resource=key, units=rng.choice((1.0, 1.0, 0.5))) for key in chosen]}
    )


def team_plan(size: int, seed: int = 2027, people: int = 60) -> TeamPlan:
    """A plan of exactly ``size`` tasks (summaries included) staffed by ``people`` resources."""
    rng = random.Random(seed)
    plan = build_plan(generate(size, seed))
    pool = _people(people, rng)
    staffed = plan.model_copy(
        update={
            "resources": pool,
            "tasks": [_staffed(task, list(pool), rng) for task in plan.tasks],
        }
    )
    leaves = tuple(task.key for task in staffed.walk() if not task.tasks)
    summaries = tuple(task.key for task in staffed.walk() if task.tasks)
    return TeamPlan(staffed, leaves, summaries)
