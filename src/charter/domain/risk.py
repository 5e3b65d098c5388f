"""Risks and uncertain estimates (the fixed core of the risk register; see PLANFILE.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from charter.domain.values import Duration, format_number

Distribution = Literal["pert", "triangular", "uniform", "lognormal"]
Response = Literal["avoid", "mitigate", "transfer", "accept", "escalate"]


class ThreePoint(BaseModel):
    """Optimistic / most likely / pessimistic durations, like ``8d/10d/15d``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    optimistic: Duration
    likely: Duration
    pessimistic: Duration

    def __str__(self) -> str:
        return f"{self.optimistic}/{self.likely}/{self.pessimistic}"


class Amount(BaseModel):
    """A money amount, either a point value or three-point ``low/likely/high``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float
    likely: float
    high: float

    def __str__(self) -> str:
        if self.low == self.likely == self.high:
            return format_number(self.likely)
        return "/".join(format_number(v) for v in (self.low, self.likely, self.high))


class RiskDelay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tasks: list[str]
    amount: ThreePoint


class Risk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    title: str
    probability: float  # 0..1
    delay: RiskDelay | None = None
    cost: Amount | None = None
    owner: str | None = None
    response: Response | None = None
    category: str | None = None
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
