"""Analyses of a stored project by the engines — earned value, the risk forecast, the workload,
the levelling proposal — each one the same document its command prints with ``--json``."""

from __future__ import annotations

from typing import Any

from charter.domain import PlanDate
from charter.engine.cost import TimeEntryLike
from charter.engine.cpm import schedule
from charter.engine.evm_plan import evaluate_plan
from charter.engine.levelling.plan import level_plans
from charter.engine.montecarlo import Options, ProbabilityImpactMatrix, score_risks, simulate
from charter.engine.periods import PeriodKind
from charter.engine.workload import Period, workload
from charter.errors import InvalidChangeError, Location
from charter.services.access import authorize
from charter.services.actor import Actor
from charter.services.computed import ComputedViews
from charter.services.permissions import Action
from charter.solvers import Mode, plan_solver
from charter.store import Store
from charter.store.time_entries import TimeEntries
from charter.views.evm import evm_document
from charter.views.levelling import levelling_document
from charter.views.risk import risk_document
from charter.views.workload import workload_document

MAX_ITERATIONS = 100_000
FORECASTS_KEPT = 16
"""Forecasts kept for asking again (per project version, iterations and seed)."""
MAX_LEVELLING_S = 60.0
"""The longest one request may let the optimal levelling search."""
"""The most iterations one request may ask for (a simulation's time grows with them)."""


class AnalysisService:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._entries = TimeEntries(store)
        self._forecasts = ComputedViews(max_entries=FORECASTS_KEPT)
        self._loads = ComputedViews(max_entries=FORECASTS_KEPT)
        self._proposals = ComputedViews(max_entries=FORECASTS_KEPT)

    def evm(
        self,
        actor: Actor,
        key: str,
        status_date: PlanDate | None = None,
        *,
        period: PeriodKind = "week",
        baseline: int = 0,
    ) -> dict[str, Any]:
        """Earned value and earned schedule at ``status_date`` (default: the project's), as
        ``charter evm --json`` prints it; actual cost comes from the plan's own time entries and
        those the team logged on the server."""
        authorize(self._store, actor, key, Action.VIEW_SUMMARY)
        plan = self._store.export_plan(key)
        entries: list[TimeEntryLike] = [*plan.time_entries, *self._entries.live(key)]
        result = evaluate_plan(plan, entries, status_date=status_date, period=period, baseline=baseline)
        return evm_document(result, plan.project.name)

    def risk(self, actor: Actor, key: str, *, iterations: int = 5000, seed: int = 0) -> dict[str, Any]:
        """The Monte Carlo forecast, as ``charter risk --json`` prints it; one simulation per
        project version, iterations and seed, however many ask (the same seed gives the same
        answer)."""
        info, _ = authorize(self._store, actor, key, Action.VIEW_SUMMARY)
        if not 1 <= iterations <= MAX_ITERATIONS:
            raise InvalidChangeError(
                f"{iterations} iterations is not between 1 and {MAX_ITERATIONS:,}",
                where=Location(path="iterations"),
                fix="ask for 5,000 to 20,000 iterations: percentiles are then steady to about a day",
            )

        def compute() -> tuple[int, dict[str, Any]]:
            plan, version = self._store.export_versioned(key)
            result = simulate(plan, Options(iterations=iterations, seed=seed))
            return version, risk_document(
                result,
                score_risks(
                    plan.risks, plan.project.work_units, ProbabilityImpactMatrix.of(plan.risk_matrix)
                ),
            )

        document: dict[str, Any] = self._forecasts.current(
            f"{key}|{iterations}|{seed}", info.version, compute
        )[1]
        return document

    def workload(self, actor: Actor, key: str, *, by: Period = "week") -> dict[str, Any]:
        """Each resource's load per day or week, as ``charter workload --json`` prints it."""
        info, _ = authorize(self._store, actor, key, Action.VIEW_PLAN)

        def compute() -> tuple[int, dict[str, Any]]:
            plan, version = self._store.export_versioned(key)
            return version, workload_document(workload(schedule(plan), by=by), by)

        document: dict[str, Any] = self._loads.current(f"{key}|{by}", info.version, compute)[1]
        return document

    def levelling(
        self,
        actor: Actor,
        key: str,
        *,
        mode: Mode = "fast",
        time_limit: float = 10.0,
        within_slack: bool = False,
    ) -> dict[str, Any]:
        """The levelling proposal, as ``charter level PLAN --json`` prints it: nothing is changed;
        the moves it lists are for the team to make (or not)."""
        info, _ = authorize(self._store, actor, key, Action.VIEW_PLAN)
        if not 0 < time_limit <= MAX_LEVELLING_S:
            raise InvalidChangeError(
                f"a time limit of {time_limit:g} s is not more than 0 and at most {MAX_LEVELLING_S:g} s",
                where=Location(path="time_limit"),
                fix="give the optimal search 1 to 60 seconds (fast mode takes its own short time)",
            )

        def compute() -> tuple[int, dict[str, Any]]:
            plan, version = self._store.export_versioned(key)
            solver = plan_solver(mode=mode, time_limit=time_limit)
            return version, levelling_document(
                level_plans([plan], solver, within_slack=within_slack), mode, [key]
            )

        asked = f"{key}|{mode}|{time_limit:g}|{within_slack}"
        document: dict[str, Any] = self._proposals.current(asked, info.version, compute)[1]
        return document
