"""Earned value as JSON documents: what `charter evm --json` prints (and the API can serve).

Money is in the plan's currency, rounded to cents; indices are plain numbers; times (``at``,
``pd``, ``es``, ``sv_t``, ``ieac_t``) are in periods; undefined values are ``null``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from charter.engine.evm import Indicators, SeriesResult
from charter.engine.evm_plan import PlanEvm

_MONEY = ("bac", "pv", "ev", "ac", "sv", "cv", "etc", "vac")


def indicators_document(indicators: Indicators) -> dict[str, Any]:
    document = indicators.as_dict()
    for name in _MONEY:
        value = document[name]
        if isinstance(value, float):
            document[name] = round(value, 2)
    eac = document["eac"]
    assert isinstance(eac, dict)
    document["eac"] = {k: None if v is None else round(v, 2) for k, v in eac.items()}
    return document


def _when(value: dt.datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M")


def evm_document(result: PlanEvm, project_name: str) -> dict[str, Any]:
    """The project's indicators at the top level, then the WBS, the periods and the budget."""
    budget = result.budget
    return {
        "project": project_name,
        "status_date": result.status_day.isoformat(),
        "currency": result.currency,
        "period": result.periods.kind,
        "baseline": result.baseline,
        **indicators_document(result.project),
        "planned_finish": _when(result.planned_finish),
        "forecast_finish": None
        if result.forecast_finish is None
        else result.forecast_finish.date().isoformat(),
        "unpriced_hours": round(result.unpriced_hours, 2),
        "budget": {
            "bac": round(budget.bac, 2),
            "contingency": budget.contingency,
            "cost_baseline": round(budget.cost_baseline, 2),
            "management_reserve": budget.management_reserve,
            "total": round(budget.total, 2),
            "authorised": budget.authorised,
            "headroom": None if budget.headroom is None else round(budget.headroom, 2),
        },
        "accounts": {
            key or "(none)": {"bac": round(bac, 2), "ac": round(ac, 2)}
            for key, (bac, ac) in sorted(result.accounts.items())
        },
        "wbs": [
            {
                "key": node.key,
                "name": node.name,
                "depth": node.depth,
                "is_summary": node.is_summary,
                "method": node.method,
                "budget": node.budget,
                **indicators_document(node.indicators),
            }
            for node in result.nodes
        ],
        "periods": [
            {
                "period": row.label,
                "end": row.end.isoformat(),
                "pv": round(row.pv, 2),
                "ev": None if row.ev is None else round(row.ev, 2),
                "ac": None if row.ac is None else round(row.ac, 2),
                "spi": None if row.indicators is None else row.indicators.spi,
                "cpi": None if row.indicators is None else row.indicators.cpi,
                "es": None if row.indicators is None else row.indicators.es,
                "spi_t": None if row.indicators is None else row.indicators.spi_t,
            }
            for row in result.by_period
        ],
    }


def series_document(result: SeriesResult) -> dict[str, Any]:
    """The latest reported period's indicators at the top level, then every reported period."""
    current = result.current
    return {
        "period": result.periods[int(current.at or 0) - 1],
        **current.as_dict(),
        "periods": [
            {"period": result.periods[int(point.at or 0) - 1], **point.as_dict()} for point in result.points
        ],
    }
