"""The plan: one validated object that every source produces and every engine reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from charter.domain.baseline import Baseline
from charter.domain.calendar import Calendar
from charter.domain.cost import CostAccount, EvMethod, Expense, ProgressReport, TimeEntry
from charter.domain.resource import Resource
from charter.domain.risk import Correlation, Risk, RiskMatrix
from charter.domain.task import PlanDate, Task
from charter.domain.values import WorkUnits
from charter.errors import Location

FORMAT_VERSION = 1


class Project(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    start: PlanDate | None = None
    finish: PlanDate | None = None
    timezone: str = "UTC"
    calendar: str = "standard"
    hours_per_day: float = 8
    hours_per_week: float = 40
    days_per_month: float = 20
    status_date: PlanDate | None = None
    currency: str | None = None
    budget: float | None = None  # the authorised project budget, reserves included
    management_reserve: float | None = None  # held back for unknown unknowns, outside the baseline
    contingency: float | None = None  # for known risks, in the cost baseline but in no task
    ev_method: EvMethod | None = None  # default earned-value method of its tasks (% complete)
    description: str | None = None
    extensions: dict[str, Any] = Field(default_factory=dict)  # what Charter does not model, by source

    @property
    def work_units(self) -> WorkUnits:
        return WorkUnits(
            minutes_per_day=round(self.hours_per_day * 60),
            minutes_per_week=round(self.hours_per_week * 60),
            days_per_month=round(self.days_per_month),
        )

    @property
    def backward(self) -> bool:
        """Scheduled back from a finish date rather than forward from a start date."""
        return self.start is None and self.finish is not None


class Plan(BaseModel):
    """A whole project plan: what a plan file holds, and what the database will hold."""

    model_config = ConfigDict(extra="forbid")

    charter: int = FORMAT_VERSION
    project: Project
    calendars: dict[str, Calendar] = Field(default_factory=dict)
    resources: dict[str, Resource] = Field(default_factory=dict)
    tasks: list[Task] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    correlation: list[Correlation] = Field(default_factory=list)
    risk_matrix: RiskMatrix | None = None
    baselines: list[Baseline] = Field(default_factory=list)
    cost_accounts: dict[str, CostAccount] = Field(default_factory=dict)
    time_entries: list[TimeEntry] = Field(default_factory=list)
    expenses: list[Expense] = Field(default_factory=list)
    progress: list[ProgressReport] = Field(default_factory=list)

    _locations: dict[str, Location] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        """Plans are equal when their content is; where they were read from does not count."""
        return isinstance(other, Plan) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def walk(self) -> Iterator[Task]:
        """Every task, summaries and leaves, in WBS order."""
        for task in self.tasks:
            yield from task.walk()

    def task_map(self) -> dict[str, Task]:
        return {task.key: task for task in self.walk()}

    def calendar(self, key: str | None = None) -> Calendar:
        """The calendar ``key`` (or the project's), falling back to the built-in standard one."""
        name = key or self.project.calendar
        found = self.calendars.get(name)
        if found is None:
            if name == "standard":
                return Calendar.standard()
            raise KeyError(name)
        return found

    def locate(self, path: str) -> Location | None:
        """Where ``path`` (like ``task:build`` or ``task:build.after[0]``) came from, if known."""
        return self._locations.get(path)

    def set_locations(self, locations: dict[str, Location]) -> None:
        self._locations = locations

    def baseline(self, index: int) -> Baseline | None:
        return next((b for b in self.baselines if b.index == index), None)

    @property
    def status_date(self) -> dt.date | dt.datetime | None:
        return self.project.status_date
