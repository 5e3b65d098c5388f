"""People, equipment, material and cost resources, and their assignments to tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from charter.domain.values import Duration, format_number

ResourceKind = Literal["work", "material", "cost"]
RatePer = Literal["h", "d", "w", "mo", "use"]
Contour = Literal[
    "flat",
    "back_loaded",
    "front_loaded",
    "double_peak",
    "early_peak",
    "late_peak",
    "bell",
    "turtle",
    "contoured",
]
"""Microsoft Project's work contour: how an assignment's work is spread over its span. Every
contour but ``flat`` and ``contoured`` (edited by hand) works below the assignment's units for
part of the time, so the same work takes longer (see ``charter.engine.network.CONTOUR_SHARE``)."""


class Rate(BaseModel):
    """A cost rate such as ``95/h`` (per working hour) or ``500/use``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: float
    per: RatePer = "h"

    def __str__(self) -> str:
        return f"{format_number(self.amount)}/{self.per}"


class RateChange(BaseModel):
    """A row of a resource's rate table: from ``effective`` on, these rates apply (a rate left
    unset keeps the one before). The resource's own ``rate``… apply before the first row."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    effective: dt.date
    rate: Rate | None = None
    overtime_rate: Rate | None = None
    cost_per_use: float | None = None


class RateRow(NamedTuple):
    """The rates in force from ``effective`` on (None: from the start), nothing left unset
    that an earlier row sets."""

    effective: dt.date | None
    rate: Rate | None
    overtime_rate: Rate | None
    cost_per_use: float | None


class Resource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    name: str | None = None
    kind: ResourceKind = "work"
    units: float = 1.0  # maximum units, 1.0 = 100 %
    calendar: str | None = None
    rate: Rate | None = None
    overtime_rate: Rate | None = None
    cost_per_use: float | None = None
    rates: list[RateChange] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    email: str | None = None
    extensions: dict[str, Any] = Field(default_factory=dict)  # what Charter does not model, by source

    def rate_rows(self) -> list[RateRow]:
        """The resource's own rates, then one row per rate change in date order, each rate a
        change leaves unset carried over from the row before."""
        rows = [RateRow(None, self.rate, self.overtime_rate, self.cost_per_use)]
        for change in sorted(self.rates, key=lambda c: c.effective):
            before = rows[-1]
            rows.append(
                RateRow(
                    change.effective,
                    change.rate if change.rate is not None else before.rate,
                    change.overtime_rate if change.overtime_rate is not None else before.overtime_rate,
                    change.cost_per_use if change.cost_per_use is not None else before.cost_per_use,
                )
            )
        return rows


class Assignment(BaseModel):
    """A resource working on a task, at ``units`` (1.0 = full time) or for an amount of ``work``,
    of which ``remaining`` is still to do (all of it when unset), spread by ``contour`` (flat
    when unset)."""

    model_config = ConfigDict(extra="forbid")

    resource: str
    units: float | None = None
    work: Duration | None = None
    remaining: Duration | None = None
    contour: Contour | None = None
    quantity: float | None = None
    """Of a material resource: how much is used (its rate is per unit)."""
    cost: float | None = None
    """Of a cost resource: the amount this task spends on it."""
