"""Response models of the analyses (``/projects/{key}/evm`` …), for the OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Eac(BaseModel):
    """Estimates at completion, one per forecasting convention (null where undefined)."""

    cpi: float | None = Field(description="BAC / CPI: the rest costs what the work so far did.")
    plan: float | None = Field(description="AC + (BAC − EV): the rest goes as budgeted.")
    cpi_spi: float | None = Field(description="AC + (BAC − EV) / (CPI · SPI).")
    weighted: float | None = Field(description="AC + (BAC − EV) / (0.8 · CPI + 0.2 · SPI).")
    bottom_up: float | None = Field(description="AC + the re-estimated remaining work.")


class Indicators(BaseModel):
    """Earned value and earned schedule; money in the plan's currency, times in periods."""

    bac: float
    pv: float
    ev: float
    ac: float
    sv: float
    cv: float
    spi: float | None
    cpi: float | None
    eac: Eac
    etc: float | None = Field(description="EAC (BAC/CPI) − AC.")
    vac: float | None = Field(description="BAC − EAC (BAC/CPI).")
    tcpi_bac: float | None
    tcpi_bac_unattainable: bool
    tcpi_eac: float | None
    at: float | None = Field(description="Actual time: periods from the start to the status date.")
    pd: float | None = Field(description="Planned duration, in periods.")
    es: float | None = Field(description="Earned schedule (Lipke).")
    sv_t: float | None
    spi_t: float | None
    tspi: float | None
    ieac_t: float | None
    ieac_t_pf1: float | None


class Budget(BaseModel):
    bac: float
    contingency: float
    cost_baseline: float
    management_reserve: float
    total: float
    authorised: float | None
    headroom: float | None


class AccountFigures(BaseModel):
    bac: float
    ac: float


class WbsNode(Indicators):
    key: str
    name: str
    depth: int
    is_summary: bool
    method: str
    budget: float | None


class PeriodFigures(BaseModel):
    period: str
    end: str
    pv: float
    ev: float | None
    ac: float | None
    spi: float | None
    cpi: float | None
    es: float | None
    spi_t: float | None


class EvmOut(Indicators):
    """`charter evm --json`: the project's indicators, then its WBS, periods and budget."""

    project: str
    status_date: str
    currency: str
    period: str
    baseline: int | None
    planned_finish: str | None
    forecast_finish: str | None
    unpriced_hours: float
    budget: Budget
    accounts: dict[str, AccountFigures]
    wbs: list[WbsNode]
    periods: list[PeriodFigures]


class Deterministic(BaseModel):
    finish: str = Field(description="The finish with every estimate at its most likely value.")
    duration_days: float
    probability_on_time: float = Field(description="The share of iterations finishing by then.")


class Sensitivity(BaseModel):
    key: str
    spearman: float = Field(description="Rank correlation of the task's duration with the project's.")


class MergeBias(BaseModel):
    key: str
    paths: int
    bias_days: float


class RiskContribution(BaseModel):
    key: str
    title: str
    probability: float
    p80_days: float = Field(description="Working days the risk adds to the P80 finish.")
    mean_days: float
    expected_cost: float


class MitigationValue(BaseModel):
    key: str
    cost: float | None
    p80_days_saved: float
    expected_cost_saved: float
    net_value: float


class MatrixCell(BaseModel):
    key: str
    probability: int
    impact: int
    score: int
    rating: str


class RiskOut(BaseModel):
    """`charter risk --json`: the finish as a distribution, what drives it, the risks' weight."""

    iterations: int
    seed: int
    method: str
    finish: dict[str, str] = Field(description="p10 … p95 and mean: dates YYYY-MM-DDTHH:MM.")
    duration_days: dict[str, float] = Field(description="Working days from the start to the finish.")
    deterministic: Deterministic
    criticality: dict[str, float] = Field(description="Task key -> share of iterations it was critical.")
    milestones: list[dict[str, Any]]
    cost: dict[str, float] | None
    sensitivity: list[Sensitivity]
    merge_bias: list[MergeBias]
    risks: list[RiskContribution]
    mitigations: list[MitigationValue]
    matrix: list[MatrixCell]
    converged: bool | None = None
    fallback_reasons: list[str] | None = None


class ResourceLoad(BaseModel):
    max_units: float
    load_percent: list[float | None] = Field(description="Share of the available time booked, per period.")
    booked_hours: list[float]
    available_hours: list[float]
    peak_units: list[float]
    overallocated: list[bool]


class WorkloadOut(BaseModel):
    """`charter workload --json`: each resource's load per day or week."""

    by: str
    periods: list[str] = Field(description="The first day of each period.")
    resources: dict[str, ResourceLoad]
    overallocated: bool


class LevellingMove(BaseModel):
    plan: str
    task: str
    old_start: str
    new_start: str
    old_finish: str
    new_finish: str
    shift_minutes: int
    shift: str
    waited_for: list[str] = Field(description="The resources the task waited for.")
    competed_with: list[str] = Field(description="The tasks it competed with for them.")
    pushed_by: list[str]


class LevellingOut(BaseModel):
    """`charter level PLAN --json`: a proposal — the levelled finish, its bound, every move and why."""

    plans: list[str]
    mode: str
    method: str
    already_level: bool
    finish_before: str
    finish: str
    lower_bound: str
    gap: float
    optimal: bool
    overallocations_before: int
    unresolved: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    picks: list[dict[str, Any]]
    moves: list[LevellingMove]
