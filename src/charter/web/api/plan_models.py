"""What the API takes and answers for the plan's parts: task pages, new tasks, moves, links,
assignments, plan-level items (calendars, resources, risks, baselines) and project settings."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from charter.domain import Assignment, Duration, Link, LinkType
from charter.domain.values import Lag
from charter.store.plan_items import ProjectSettings, StoredItem
from charter.web.api.models import TaskOut


class TaskPage(BaseModel):
    items: list[TaskOut]
    total: int
    limit: int
    offset: int


class NewTask(BaseModel):
    """A task to add: its key (derived from the name if left out), where it goes, its fields."""

    key: str | None = Field(
        default=None, description="Unique in the project; derived from the name if left out."
    )
    parent: str | None = Field(
        default=None, description="The summary task it goes under; top level if left out."
    )
    before: str | None = Field(default=None, description="The sibling it goes before; last if left out.")
    fields: dict[str, Any] = Field(
        description="The task's fields as in `charter schema` (without `key` and `tasks`); `name` at least.",
        examples=[{"name": "Data migration", "duration": {"value": 5, "unit": "d"}}],
    )


class MoveTask(BaseModel):
    parent: str | None = Field(description="The new summary task; null for the top level.")
    before: str | None = Field(default=None, description="The sibling to go before; last if left out.")


class LinkBody(BaseModel):
    type: LinkType = LinkType.FS
    lag: str = Field(
        default="0d",
        description="Working time (`2d`, `-4h` for a lead), elapsed time (`3ed`) or a share of the "
        "predecessor's duration (`50%`), as in the plan file.",
        examples=["2d"],
    )

    @field_validator("lag")
    @classmethod
    def _lag_is_readable(cls, value: str) -> str:
        Lag.parse(value)
        return value

    def link(self, predecessor: str) -> Link:
        return Link(predecessor=predecessor, type=self.type, lag=Lag.parse(self.lag))


class LinkOut(BaseModel):
    task: str
    predecessor: str
    type: LinkType
    lag: str
    task_version: int

    @classmethod
    def of(cls, task: str, link: Link, version: int) -> LinkOut:
        return cls(
            task=task,
            predecessor=link.predecessor,
            type=link.type,
            lag=str(link.lag) or "0d",
            task_version=version,
        )


class AssignmentBody(BaseModel):
    units: float | None = Field(
        default=None, ge=0, description="1.0 is full time; the resource's units if left out."
    )
    work: str | None = Field(
        default=None, description="The work the resource does, e.g. `40h`.", examples=["40h"]
    )
    remaining: str | None = Field(default=None, description="The part of the work still to do, e.g. `16h`.")

    @field_validator("work", "remaining")
    @classmethod
    def _duration_is_readable(cls, value: str | None) -> str | None:
        if value is not None:
            Duration.parse(value)
        return value

    def assignment(self, resource: str) -> Assignment:
        return Assignment(
            resource=resource,
            units=self.units,
            work=None if self.work is None else Duration.parse(self.work),
            remaining=None if self.remaining is None else Duration.parse(self.remaining),
        )


class AssignmentOut(BaseModel):
    task: str
    resource: str
    units: float | None
    work: str | None
    remaining: str | None
    task_version: int

    @classmethod
    def of(cls, task: str, assignment: Assignment, version: int) -> AssignmentOut:
        return cls(
            task=task,
            resource=assignment.resource,
            units=assignment.units,
            work=None if assignment.work is None else str(assignment.work),
            remaining=None if assignment.remaining is None else str(assignment.remaining),
            task_version=version,
        )


class ItemOut(BaseModel):
    """A calendar, resource, risk or baseline; ``version`` is also its ETag."""

    project: str
    kind: Literal["calendars", "resources", "risks", "baselines"]
    key: str
    version: str
    data: dict[str, Any] = Field(description="The item as in `charter schema`.")

    @classmethod
    def of(cls, item: StoredItem) -> ItemOut:
        return cls(
            project=item.project,
            kind=item.section,
            key=item.key,
            version=item.version,
            data=item.data,
        )


class SaveBaseline(BaseModel):
    name: str | None = Field(default=None, description="A label, e.g. `Approved plan`.")


class SettingsOut(BaseModel):
    """The project's settings (the plan file's `project:` section); ``version`` is the ETag."""

    key: str
    visibility: str
    version: int
    updated_at: dt.datetime
    settings: dict[str, Any]

    @classmethod
    def of(cls, settings: ProjectSettings) -> SettingsOut:
        return cls(
            key=settings.info.key,
            visibility=settings.info.visibility,
            version=settings.info.version,
            updated_at=settings.info.updated_at,
            settings=settings.data,
        )


class VisibilityBody(BaseModel):
    visibility: Literal["private", "public"]


class CriticalReason(BaseModel):
    kind: str = Field(description="link, project, constraint, deadline, status or actual")
    task: str | None = None
    link: str | None = None
    detail: str | None = None


class CriticalStep(BaseModel):
    key: str
    name: str
    start: str
    finish: str
    total_slack: int
    pushed_by: CriticalReason
    held_by: CriticalReason


class CriticalOut(BaseModel):
    """`charter critical --json`: the project finish and each critical task with its causes."""

    project_finish: str
    critical: list[CriticalStep]
