"""`charter workload`: resource load per day or week, over-allocations as a heat map."""

from __future__ import annotations

import math
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from charter.cli.common import JsonOpt, PlanArg, StatusDateOpt, load_and_schedule
from charter.cli.render import out, print_json
from charter.engine.workload import Period, Workload, workload
from charter.errors import CharterError
from charter.views.workload import workload_document

ByOpt = Annotated[str, typer.Option("--by", help="Period of each column: day or week.")]


def workload_command(
    plan: PlanArg, by: ByOpt = "week", json: JsonOpt = False, status_date: StatusDateOpt = None
) -> None:
    """Show each resource's load per period and highlight over-allocation.

    Each cell is the share of the resource's available time its tasks book in that period;
    a red cell is over-allocated: at some moment the resource works on more than its maximum
    units. `charter level PLAN` proposes how to resolve it.

    Example: `charter workload examples/analytics-platform.yaml --by day`
    """
    if by not in ("day", "week"):
        raise CharterError(f"--by: unknown period '{by}'", fix="use --by day or --by week")
    period: Period = "day" if by == "day" else "week"
    _, result = load_and_schedule(plan, status_date)
    load = workload(result, by=period)
    if json:
        print_json(workload_document(load, period))
        return
    if not load.resources:
        out.print("No work resources in this plan.")
        return
    out.print(f"[bold]Load per {period}[/], % of available time (red: over-allocated)")
    resources = result.network.plan.resources
    labels = [resources[key].name or key if key in resources else key for key in load.resources]
    out.print(heat_map(load, period, labels))
    over = load.overallocated
    if over.any():
        names = [labels[r] for r in range(len(load.resources)) if over[r].any()]
        out.print(
            f"[bold red]over-allocated:[/] {', '.join(names)} in {int(over.sum())} {period}(s); "
            "`charter level` proposes a levelled schedule"
        )
    else:
        out.print("[green]no over-allocation[/]")


def _cell(share: float, over: bool) -> Text:
    if share == 0 and not over:
        return Text("·", style="dim")
    label = "off!" if math.isinf(share) else f"{round(100 * share)}"
    if over:
        return Text(label, style="bold white on red")
    if share >= 0.8:
        return Text(label, style="black on yellow")
    return Text(label, style="black on green")


def heat_map(load: Workload, period: Period, labels: list[str]) -> Table:
    """One row per resource (``labels``: their names, in ``load.resources`` order), one column per period."""
    table = Table(
        header_style="bold",
        pad_edge=False,
        padding=(0, 0),
    )
    table.add_column("Resource", no_wrap=True)
    for day in load.days:
        table.add_column(day.strftime("%d.%m"), justify="right", no_wrap=True, min_width=5)
    share = load.load
    over = load.overallocated
    for r, label in enumerate(labels):
        table.add_row(
            f"{label} ({round(100 * load.capacity[r])}%) ",
            *[_cell(float(share[r, p]), bool(over[r, p])) for p in range(len(load.days))],
        )
    return table
