"""Money and progress: cost accounts, time entries, expenses and progress reports.

Amounts are in the project's currency (``project.currency``). Rates live on resources
(``charter.domain.resource``); fixed costs, budgets and the earned-value method on tasks.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from charter.domain.values import Duration

EvMethod = Literal["percent_complete", "0/100", "50/50", "milestones", "physical"]
"""How a task earns its value: by its % complete, nothing until it finishes (0/100), half when
it starts and half when it finishes (50/50), by the weights of its milestones reached, or by its
physical % complete (measured output, e.g. 40 of 100 mailboxes migrated)."""
EV_METHODS: tuple[EvMethod, ...] = ("percent_complete", "0/100", "50/50", "milestones", "physical")

Accrual = Literal["start", "prorated", "end"]
"""When a task's fixed cost is incurred: at its start, as it progresses, or at its finish."""
ACCRUALS: tuple[Accrual, ...] = ("start", "prorated", "end")


class CostAccount(BaseModel):
    """A control account: where costs are booked and reported (e.g. ``capex-hw``)."""

    model_config = ConfigDict(extra="forbid")

    key: str
    name: str | None = None
    owner: str | None = None


class WeightedMilestone(BaseModel):
    """A checkpoint inside a task that earns ``weight`` of its budget once ``done``."""

    model_config = ConfigDict(extra="forbid")

    name: str
    weight: float
    done: dt.date | None = None


MAX_ENTRY_MINUTES = 24 * 60
"""A time entry is one person's work on one task on one day: at most the day's 24 hours."""


class TimeEntry(BaseModel):
    """Time a person (a resource key, or a user) worked on a task on one day, as the team
    server's time entries hold it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person: str
    task: str
    date: dt.date
    minutes: int = Field(ge=0)
    note: str = ""


class Expense(BaseModel):
    """Money spent on a task outside time sheets: licences, hardware, travel, a contractor's bill."""

    model_config = ConfigDict(extra="forbid")

    task: str
    date: dt.date
    amount: float
    account: str | None = None
    note: str = ""


class TaskProgress(BaseModel):
    """How far a task was at a status date: any of % complete, physical % complete and the
    remaining estimate (working time still needed)."""

    model_config = ConfigDict(extra="forbid")

    percent_complete: float | None = None
    physical_complete: float | None = None
    remaining: Duration | None = None


class ProgressReport(BaseModel):
    """Progress of some tasks as of ``date``: the history that earned value per period reads.
    The tasks' own fields (``percent_complete`` …) are the progress at the project's status date."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    tasks: dict[str, TaskProgress] = Field(default_factory=dict)
