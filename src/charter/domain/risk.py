"""Risks and uncertain estimates: the risk register and what Monte Carlo samples (see
PLANFILE.md for the fixed core; docs/risk.md for the rest)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from charter.domain.values import Duration, format_number

Distribution = Literal["pert", "triangular", "uniform", "lognormal", "discrete", "normal"]
Response = Literal["avoid", "mitigate", "transfer", "accept", "escalate"]
RiskStatus = Literal["open", "occurred", "closed"]


class ThreePoint(BaseModel):
    """Optimistic / most likely / pessimistic durations, like ``8d/10d/15d``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    optimistic: Duration
    likely: Duration
    pessimistic: Duration

    def __str__(self) -> str:
        return f"{self.optimistic}/{self.likely}/{self.pessimistic}"


class DistributionSpec(BaseModel):
    """A distribution with parameters: ``{type: pert, lambda: 3}`` (lambda weighs the most
    likely value; 4 is classic PERT) or ``{type: discrete, weights: [0.2, 0.5, 0.3]}`` (the
    probabilities of the optimistic, likely and pessimistic values)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    type: Distribution
    lam: float | None = Field(default=None, alias="lambda")
    weights: tuple[float, float, float] | None = None


class Correlation(BaseModel):
    """Tasks whose durations move together, with rank correlation ``rho`` between each pair."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tasks: list[str]
    rho: float


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


class Mitigation(BaseModel):
    """The planned response and what is left of the risk once it is in place: the residual
    probability, delay and cost (each defaults to the unmitigated one)."""

    model_config = ConfigDict(extra="forbid")

    action: str | None = None
    cost: float = 0.0
    probability: float | None = None
    delay: ThreePoint | None = None
    cost_impact: Amount | None = None


class RiskNote(BaseModel):
    """One entry of a risk's history: what happened on a date (and the status it left)."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    note: str
    status: RiskStatus | None = None


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
    cause: str | None = None
    event: str | None = None
    effect: str | None = None
    proximity: dt.date | None = None
    trigger: str | None = None
    status: RiskStatus | None = None
    mitigation: Mitigation | None = None
    history: list[RiskNote] = Field(default_factory=list)


Thresholds = tuple[float, float, float, float]


class RiskMatrix(BaseModel):
    """The organisation's 5×5 probability-impact matrix: the four rising thresholds between the
    five bands of probability, of delay (working days) and of cost, and the least score
    (probability band × impact band, 1–25) of each rating."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    probability: Thresholds = (0.1, 0.3, 0.5, 0.7)
    delay_days: Thresholds = (2.0, 5.0, 10.0, 20.0)
    cost: Thresholds = (5_000.0, 20_000.0, 50_000.0, 100_000.0)
    ratings: dict[str, int] = Field(
        default_factory=lambda: {"low": 1, "medium": 5, "high": 10, "very high": 15}
    )

    @model_validator(mode="after")
    def _rising(self) -> RiskMatrix:
        for name in ("probability", "delay_days", "cost"):
            values = getattr(self, name)
            if any(b <= a for a, b in itertools.pairwise(values)):
                raise ValueError(f"the {name} thresholds must rise: {list(values)}")
        scores = sorted(self.ratings.values())
        if not scores or scores[0] != 1 or len(set(scores)) != len(scores) or scores[-1] > 25:
            raise ValueError("ratings need distinct least scores from 1 (the lowest) to 25")
        return self
