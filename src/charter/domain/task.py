"""Tasks, the links between them, and their date constraints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from charter.domain.cost import Accrual, EvMethod, WeightedMilestone
from charter.domain.resource import Assignment
from charter.domain.risk import Distribution, DistributionSpec, ThreePoint
from charter.domain.values import Duration, Lag

PlanDate = dt.date | dt.datetime
"""A date as written in a plan: a day (``2027-02-01``) or a local wall-clock time."""

TaskType = Literal["fixed_units", "fixed_duration", "fixed_work"]
"""Microsoft Project's task type. Set (by an imported Project file), a task other than
``fixed_duration`` with work assignments takes its dates from them: each assignment's work
divided by its units on the resource's calendar. Unset, the task's duration rules."""


class LinkType(StrEnum):
    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


class ConstraintType(StrEnum):
    ASAP = "ASAP"
    ALAP = "ALAP"
    SNET = "SNET"
    SNLT = "SNLT"
    FNET = "FNET"
    FNLT = "FNLT"
    MSO = "MSO"
    MFO = "MFO"

    @property
    def needs_date(self) -> bool:
        return self not in (ConstraintType.ASAP, ConstraintType.ALAP)

    @property
    def on_finish(self) -> bool:
        return self in (ConstraintType.FNET, ConstraintType.FNLT, ConstraintType.MFO)


class Constraint(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ConstraintType
    date: PlanDate | None = None


class Link(BaseModel):
    """This task depends on ``predecessor`` by a link of ``type`` with a ``lag`` (or lead)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    predecessor: str
    type: LinkType = LinkType.FS
    lag: Lag = Field(default_factory=Lag)


class Split(BaseModel):
    """A pause in a task's work (Microsoft Project's split task): once ``after`` of its
    duration is done, work stops for ``pause`` of working time on the task's calendar, then
    resumes. A pause moves with the task, so it lengthens the task's span, not its duration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    after: Duration
    pause: Duration


class SkillNeed(BaseModel):
    """Work that asks for a skill rather than a person: levelling picks ``units`` worth of
    people (1.0 = one person full time) from the resources that have the skill."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    skill: str
    units: float = 1.0


class Task(BaseModel):
    """A unit of work in the WBS. A task with ``tasks`` (children) is a summary task.

    ``manual`` tasks (Microsoft Project's "manually scheduled") keep the dates the user entered,
    ``scheduled_start``/``scheduled_finish``, instead of being placed by their links; an
    ``active: false`` task is kept in the plan but left out of scheduling. ``extensions`` holds
    what Charter does not model itself (e.g. fields of an imported Project file), by source.

    ``leveling_delay`` is Microsoft Project's levelling delay: how long the task waits after
    its links and the project start allow it to begin (elapsed units wait in calendar time).
    It moves the early dates only, so it uses up the task's total slack.
    """

    model_config = ConfigDict(extra="forbid")

    key: str
    name: str | None = None
    duration: Duration | None = None
    work: Duration | None = None
    estimate: ThreePoint | None = None
    distribution: Distribution | DistributionSpec | None = None
    milestone: bool = False
    type: TaskType | None = None
    priority: int = 500
    constraint: Constraint | None = None
    deadline: PlanDate | None = None
    calendar: str | None = None
    percent_complete: float = 0.0  # 0..1
    actual_start: PlanDate | None = None
    actual_finish: PlanDate | None = None
    remaining: Duration | None = None
    physical_complete: float | None = None  # 0..1, measured output (earned value method "physical")
    ev_method: EvMethod | None = None  # how the task earns value (default: the project's)
    ev_milestones: list[WeightedMilestone] = Field(default_factory=list)
    fixed_cost: float | None = None
    fixed_cost_accrual: Accrual | None = None  # default prorated
    cost_account: str | None = None
    budget: float | None = None  # authorised budget of this WBS node
    leveling_delay: Duration | None = None
    level: bool = True  # false: levelling never moves this task ("do not level")
    needs: list[SkillNeed] = Field(default_factory=list)
    splits: list[Split] = Field(default_factory=list)
    resources: list[Assignment] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    notes: str | None = None
    tags: list[str] = Field(default_factory=list)
    manual: bool = False
    active: bool = True
    scheduled_start: PlanDate | None = None
    scheduled_finish: PlanDate | None = None
    extensions: dict[str, Any] = Field(default_factory=dict)
    tasks: list[Task] = Field(default_factory=list)

    @property
    def is_summary(self) -> bool:
        return bool(self.tasks)

    @property
    def label(self) -> str:
        return self.name or self.key

    def walk(self) -> Iterator[Task]:
        """This task and all its descendants, in WBS order."""
        yield self
        for child in self.tasks:
            yield from child.walk()
