"""Options and helpers shared by the commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from charter.domain import Plan, PlanDate
from charter.engine.cpm import Schedule, schedule
from charter.errors import CharterError
from charter.formats.planfile.reader import parse_date
from charter.sources import open_plan

PlanArg = Annotated[
    Path,
    typer.Argument(
        help=(
            "The plan: a plan file (.yaml), Microsoft Project XML (.xml), or with charter[mpp] "
            ".mpp and other tools' files."
        ),
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
StatusDateOpt = Annotated[
    str | None,
    typer.Option(
        "--status-date",
        metavar="DATE",
        help="Schedule as of this date (YYYY-MM-DD): done work stays where it happened, "
        "remaining work goes after it. Overrides project.status_date.",
    ),
]


def status_date(value: str | None) -> PlanDate | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise CharterError(f"--status-date: {exc}", fix="write it like 2027-02-15") from None


def load_and_schedule(path: Path, status: str | None = None) -> tuple[Plan, Schedule]:
    plan = open_plan(path)
    return plan, schedule(plan, status_date=status_date(status))
