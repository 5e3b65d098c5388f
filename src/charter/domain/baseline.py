"""Baselines: named snapshots of a schedule to measure variance against (up to 11, as Project)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

MAX_BASELINES = 11


class BaselineTask(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: dt.datetime
    finish: dt.datetime
    duration_minutes: int
    work_minutes: int = 0
    cost: float | None = None


class Baseline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0, le=MAX_BASELINES - 1)
    name: str | None = None
    saved: dt.datetime
    tasks: dict[str, BaselineTask] = Field(default_factory=dict)
