"""Analyses of a project computed by the engines: earned value, the risk forecast."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from charter.services.analysis import MAX_ITERATIONS
from charter.web.api.analysis_models import EvmOut, RiskOut
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
