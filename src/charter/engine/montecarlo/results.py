"""What a simulation answers: plain values the CLI, the web app and reports present."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

PERCENTILES = (10, 20, 30, 40, 50, 60, 70, 80, 90, 95)


@dataclass(frozen=True, slots=True)
class Summary:
    """Percentiles (P10 … P95), mean and standard deviation of a sampled quantity."""

    percentiles: dict[int, float]
    mean: float
    sd: float

    @classmethod
    def of(cls, values: NDArray[np.float64]) -> Summary:
        points = np.percentile(values, PERCENTILES)
        return cls(
            {p: float(v) for p, v in zip(PERCENTILES, points, strict=True)},
            float(values.mean()),
            float(values.std(ddof=1)) if values.size > 1 else 0.0,
        )

    def p(self, percent: int) -> float:
        return self.percentiles[percent]


@dataclass(frozen=True, slots=True)
class DateForecast:
    """When something finishes: dates at the percentiles, and the same in working days from
    the project start on the project calendar."""

    key: str
    name: str
    deterministic: dt.datetime
    deterministic_days: float
    dates: dict[int, dt.datetime]
    mean_date: dt.datetime
    days: Summary
    on_time: float  # probability of finishing no later than the deterministic date


@dataclass(frozen=True, slots=True)
class MergeBias:
    """A task where paths merge: how much later it starts on average than the latest of its
    paths' average arrivals (what a deterministic schedule cannot see), in working days."""

    key: str
    paths: int
    bias_days: float


@dataclass(frozen=True, slots=True)
class RiskContribution:
    key: str
    title: str
    probability: float
    p80_days: float  # how much later P80 is with the risk than without it, working days
    mean_days: float
    expected_cost: float


@dataclass(frozen=True, slots=True)
class MitigationValue:
    key: str
    title: str
    cost: float
    p80_days_saved: float
    expected_cost_saved: float

    @property
    def net_value(self) -> float:
        """Expected cost saved less the mitigation's own cost (positive: worth it on cost alone)."""
        return self.expected_cost_saved - self.cost


@dataclass(slots=True)
class MonteCarloResult:
    iterations: int
    seed: int
    method: str  # "vectorised" or "cpm"
    fallback_reasons: list[str]
    project: DateForecast
    milestones: list[DateForecast]
    cost: Summary | None
    criticality: dict[str, float]
    sensitivity: list[tuple[str, float]]  # (task or risk key, Spearman rho), strongest first
    merge_bias: list[MergeBias]
    risks: list[RiskContribution] = field(default_factory=list)
    mitigations: list[MitigationValue] = field(default_factory=list)
    converged: bool | None = None  # None: no convergence target was set
    duration_samples: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    cost_samples: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    names: dict[str, str] = field(default_factory=dict)

    @property
    def duration_days(self) -> Summary:
        return self.project.days
