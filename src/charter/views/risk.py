"""The Monte Carlo result as the JSON that `charter risk --json` prints (core fixed in
PLANFILE.md: iterations, finish, duration_days, criticality)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from charter.engine.montecarlo import DateForecast, MonteCarloResult, RiskScore, Summary


def _date(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


def _summary(summary: Summary, *, sd: bool = True, digits: int = 4) -> dict[str, float]:
    doc = {f"p{p}": round(v, digits) for p, v in summary.percentiles.items()}
    doc["mean"] = round(summary.mean, digits)
    if sd:
        doc["sd"] = round(summary.sd, digits)
    return doc


def _forecast(f: DateForecast) -> dict[str, Any]:
    return {
        "key": f.key,
        "name": f.name,
        "deterministic": _date(f.deterministic),
        "finish": {f"p{p}": _date(d) for p, d in f.dates.items()} | {"mean": _date(f.mean_date)},
        "duration_days": _summary(f.days),
        "probability_on_time": round(f.on_time, 4),
    }


def risk_document(result: MonteCarloResult, scores: list[RiskScore]) -> dict[str, Any]:
    project = result.project
    doc: dict[str, Any] = {
        "iterations": result.iterations,
        "seed": result.seed,
        "method": result.method,
        "finish": {f"p{p}": _date(d) for p, d in project.dates.items()} | {"mean": _date(project.mean_date)},
        "duration_days": _summary(project.days),
        "deterministic": {
            "finish": _date(project.deterministic),
            "duration_days": round(project.deterministic_days, 4),
            "probability_on_time": round(project.on_time, 4),
        },
        "criticality": {key: round(value, 4) for key, value in result.criticality.items()},
        "milestones": [_forecast(m) for m in result.milestones],
        "cost": _summary(result.cost, digits=2) if result.cost is not None else None,
        "sensitivity": [{"key": key, "spearman": round(rho, 4)} for key, rho in result.sensitivity],
        "merge_bias": [
            {"key": m.key, "paths": m.paths, "bias_days": round(m.bias_days, 4)} for m in result.merge_bias
        ],
        "risks": [
            {
                "key": r.key,
                "title": r.title,
                "probability": r.probability,
                "p80_days": round(r.p80_days, 4),
                "mean_days": round(r.mean_days, 4),
                "expected_cost": round(r.expected_cost, 2),
            }
            for r in result.risks
        ],
        "mitigations": [
            {
                "key": m.key,
                "cost": m.cost,
                "p80_days_saved": round(m.p80_days_saved, 4),
                "expected_cost_saved": round(m.expected_cost_saved, 2),
                "net_value": round(m.net_value, 2),
            }
            for m in result.mitigations
        ],
        "matrix": [
            {
                "key": s.key,
                "probability": s.probability_band,
                "impact": s.impact_band,
                "score": s.score,
                "rating": s.rating,
            }
            for s in scores
        ],
    }
    if result.converged is not None:
        doc["converged"] = result.converged
    if result.fallback_reasons:
        doc["fallback_reasons"] = result.fallback_reasons
    return doc
