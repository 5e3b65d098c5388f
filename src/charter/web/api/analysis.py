"""Analyses of a project computed by the engines: earned value, the risk forecast, the workload
and the levelling proposal."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from charter.services.analysis import MAX_ITERATIONS, MAX_LEVELLING_S
from charter.web.api.analysis_models import EvmOut, LevellingOut, RiskOut, WorkloadOut
from charter.web.deps import ActorDep, ServicesDep, StatusDateDep
from charter.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/projects/{key}", tags=["analysis"], responses=ERROR_RESPONSES)


@router.get("/evm", response_model=EvmOut)
def get_evm(
    key: str,
    services: ServicesDep,
    actor: ActorDep,
    status: StatusDateDep,
    period: Annotated[Literal["week", "month"], Query(description="Reporting periods.")] = "week",
    baseline: Annotated[int, Query(ge=0, le=10, description="The baseline planned value comes from.")] = 0,
) -> JSONResponse:
    """Earned value and earned schedule, exactly as `charter evm --json` prints them, with the
    time the team logged on the server counted in the actual cost."""
    return JSONResponse(services.analysis.evm(actor, key, status, period=period, baseline=baseline))


@router.get("/risk", response_model=RiskOut)
def get_risk(
    key: str,
    services: ServicesDep,
    actor: ActorDep,
    iterations: Annotated[int, Query(ge=1, le=MAX_ITERATIONS, description="Iterations to simulate.")] = 5000,
    seed: Annotated[int, Query(ge=0, le=2**63 - 1, description="The same seed gives the same answer.")] = 0,
) -> JSONResponse:
    """The Monte Carlo forecast, exactly as `charter risk --json` prints it: the finish at
    P10–P95, each milestone, how often each task is critical, the tornado, the risks ranked by
    what they add to the P80 date and what each mitigation is worth."""
    return JSONResponse(services.analysis.risk(actor, key, iterations=iterations, seed=seed))


@router.get("/workload", response_model=WorkloadOut)
def get_workload(
    key: str,
    services: ServicesDep,
    actor: ActorDep,
    by: Annotated[Literal["day", "week"], Query(description="Period of each column.")] = "week",
) -> JSONResponse:
    """Each resource's load per day or week, exactly as `charter workload --json` prints it:
    booked and available hours, the peak units and where the resource is over-allocated."""
    return JSONResponse(services.analysis.workload(actor, key, by=by))


@router.get("/levelling", response_model=LevellingOut)
def get_levelling(
    key: str,
    services: ServicesDep,
    actor: ActorDep,
    mode: Annotated[Literal["fast", "optimal"], Query(description="Priority rules, or CP-SAT.")] = "fast",
    time_limit: Annotated[
        float, Query(gt=0, le=MAX_LEVELLING_S, description="Seconds the optimal mode may search.")
    ] = 10.0,
    within_slack: Annotated[bool, Query(description="Move tasks only within their slack.")] = False,
) -> JSONResponse:
    """A levelling proposal, exactly as `charter level PLAN --json` prints it: the levelled finish,
    its lower bound and gap, and every task that would move, by how much and why. Nothing is
    changed: the team applies the moves it agrees with."""
    document = services.analysis.levelling(
        actor, key, mode=mode, time_limit=time_limit, within_slack=within_slack
    )
    return JSONResponse(document)
