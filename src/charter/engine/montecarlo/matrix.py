"""The qualitative view of the register: a 5×5 probability-impact matrix.

Probability and impact each fall into one of five bands by thresholds; a risk's impact band
is the worse of its schedule band (likely delay in working days) and its cost band (likely
cost). The score is probability band × impact band (1–25), rated by the ``ratings`` cut-offs.
All thresholds are settings, so an organisation can use its own matrix.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from charter.domain.risk import Risk, RiskMatrix
from charter.domain.values import WorkUnits


@dataclass(frozen=True, slots=True)
class ProbabilityImpactMatrix:
    probability: tuple[float, float, float, float] = (0.1, 0.3, 0.5, 0.7)
    delay_days: tuple[float, float, float, float] = (2.0, 5.0, 10.0, 20.0)
    cost: tuple[float, float, float, float] = (5_000.0, 20_000.0, 50_000.0, 100_000.0)
    ratings: tuple[tuple[int, str], ...] = ((1, "low"), (5, "medium"), (10, "high"), (15, "very high"))
    labels: tuple[str, ...] = ("very low", "low", "medium", "high", "very high")

    def __post_init__(self) -> None:
        for name in ("probability", "delay_days", "cost"):
            bands = getattr(self, name)
            if len(bands) != 4 or list(bands) != sorted(bands):
                raise ValueError(f"{name} needs four rising thresholds")

    @classmethod
    def of(cls, matrix: RiskMatrix | None) -> ProbabilityImpactMatrix:
        """The plan's own matrix (``risk_matrix:``), else the default one."""
        if matrix is None:
            return cls()
        ratings = tuple(sorted(((least, name) for name, least in matrix.ratings.items())))
        return cls(matrix.probability, matrix.delay_days, matrix.cost, ratings)

    def rating(self, score: int) -> str:
        label = self.ratings[0][1]
        for least, name in self.ratings:
            if score >= least:
                label = name
        return label


@dataclass(frozen=True, slots=True)
class RiskScore:
    key: str
    title: str
    probability_band: int  # 1..5
    impact_band: int  # 1..5
    score: int
    rating: str


def _band(value: float, thresholds: tuple[float, ...]) -> int:
    return bisect_right(thresholds, value) + 1 if value > 0 else 1


def score_risks(
    risks: list[Risk], units: WorkUnits, matrix: ProbabilityImpactMatrix | None = None
) -> list[RiskScore]:
    """Every risk placed on the matrix, highest score first (then by key)."""
    matrix = matrix or ProbabilityImpactMatrix()
    scores: list[RiskScore] = []
    for risk in risks:
        days = risk.delay.amount.likely.minutes(units) / units.minutes_per_day if risk.delay else 0.0
        cost = risk.cost.likely if risk.cost else 0.0
        p = _band(risk.probability, matrix.probability)
        i = max(_band(days, matrix.delay_days), _band(cost, matrix.cost))
        scores.append(RiskScore(risk.key, risk.title, p, i, p * i, matrix.rating(p * i)))
    scores.sort(key=lambda s: (-s.score, s.key))
    return scores
