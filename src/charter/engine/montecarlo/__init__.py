"""Monte Carlo schedule and cost risk analysis (``charter risk``).

Durations are sampled from each task's estimate (Beta-PERT, triangular, uniform, lognormal,
discrete), correlated by Iman–Conover, delayed by the risk events that fire, and scheduled
with the CPM engine's own calendar and link rules. Pure: same plan and seed, same answer.
"""

from charter.engine.montecarlo.matrix import ProbabilityImpactMatrix, RiskScore, score_risks
from charter.engine.montecarlo.model import RiskModelError
from charter.engine.montecarlo.results import (
    PERCENTILES,
    DateForecast,
    MergeBias,
    MitigationValue,
    MonteCarloResult,
    RiskContribution,
    Summary,
)
from charter.engine.montecarlo.simulate import Options, simulate

__all__ = [
    "PERCENTILES",
    "DateForecast",
    "MergeBias",
    "MitigationValue",
    "MonteCarloResult",
    "Options",
    "ProbabilityImpactMatrix",
    "RiskContribution",
    "RiskModelError",
    "RiskScore",
    "Summary",
    "score_risks",
    "simulate",
]
