"""`charter risk`: Monte Carlo forecasts of the finish date and cost, and the risk register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from charter.cli.common import JsonOpt, PlanArg
from charter.cli.render import err, out, print_json
from charter.domain import Plan
from charter.engine.montecarlo import (
    MonteCarloResult,
    Options,
    ProbabilityImpactMatrix,
    RiskScore,
    score_risks,
    simulate,
)
from charter.errors import CharterError
from charter.reports.charts.figure import ChartFiles
from charter.sources import open_plan
from charter.views.risk import risk_document

_SHOWN = (10, 50, 80, 90, 95)
_PROGRESS_FROM = 200_000  # leaves × iterations worth a progress bar


def risk_command(
    plan: PlanArg,
    iterations: Annotated[int, typer.Option("--iterations", "-n", help="Iterations to run.", min=1)] = 5000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same answer.")
    ] = 0,
    json: JsonOpt = False,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", metavar="DIR", help="Also draw the charts (SVG and PNG) into this directory."),
    ] = None,
    converge: Annotated[
        float | None,
        typer.Option(
            "--converge",
            metavar="DAYS",
            help="Stop early once the P80's standard error is below DAYS working days.",
        ),
    ] = None,
) -> None:
    """Simulate the plan many times: when will it finish, at what cost, and what drives it.

    Each task with an `estimate` takes a duration from its distribution in every iteration,
    each risk occurs with its probability and delays its tasks, and the plan is scheduled
    with the same calendars and links as `charter schedule`. Prints the finish at P10–P95,
    each milestone, the critical tasks, the tornado, the risks ranked by what they add to
    the P80 date and what each mitigation is worth. With `--json`, the same as JSON.

    Example: `charter risk examples/data-centre-exit.yaml --iterations 10000 --seed 7 --plot charts`
    """
    loaded = open_plan(plan)
    matrix = ProbabilityImpactMatrix.of(loaded.risk_matrix)
    scores = score_risks(loaded.risks, loaded.project.work_units, matrix)
    leaves = sum(1 for task in loaded.walk() if not task.tasks)
    show = err.is_terminal and leaves * iterations >= _PROGRESS_FROM
    result = _run(loaded, Options(iterations=iterations, seed=seed, converge_days=converge), show)
    files: list[ChartFiles] = []
    if plot is not None:
        from charter.reports.charts.risk_charts import draw_all

        try:
            files = draw_all(result, scores, plot, matrix)
        except OSError as exc:
            raise CharterError(
                f"cannot write the charts into {plot}: {exc.strerror}",
                fix="give --plot a directory you can write to",
            ) from None
    if json:
        print_json(risk_document(result, scores))
        return
    print_result(result, scores)
    if files:
        out.print(f"Charts: {', '.join(str(f.svg) for f in files)} (and .png)")


def _run(plan: Plan, options: Options, show: bool) -> MonteCarloResult:
    if not show:
        return simulate(plan, options)
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("simulating", total=options.iterations)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return simulate(
            plan,
            Options(
                iterations=options.iterations,
                seed=options.seed,
                converge_days=options.converge_days,
                progress=advance,
            ),
        )


def print_result(result: MonteCarloResult, scores: list[RiskScore]) -> None:
    project = result.project
    out.print(
        f"[bold]{project.name}[/]: {result.iterations:,} iterations (seed {result.seed}). "
        f"Planned finish {project.deterministic:%a %Y-%m-%d %H:%M} "
        f"({project.deterministic_days:.1f} working days) has a "
        f"[bold]{project.on_time:.0%}[/] chance."
    )
    if result.converged is not None:
        out.print("Converged early." if result.converged else "[yellow]Did not converge to the target.[/]")
    forecasts = Table(title="Finish forecast", title_justify="left", header_style="bold", pad_edge=False)
    forecasts.add_column("Milestone", no_wrap=True, overflow="ellipsis", max_width=32)
    forecasts.add_column("Plan", no_wrap=True)
    for p in _SHOWN:
        forecasts.add_column(f"P{p}", no_wrap=True)
    forecasts.add_column("On time", justify="right")
    for f in [project, *result.milestones]:
        forecasts.add_row(
            f.name,
            f"{f.deterministic:%Y-%m-%d}",
            *(f"{f.dates[p]:%Y-%m-%d}" for p in _SHOWN),
            f"{f.on_time:.0%}",
            style="bold" if f is project else "",
        )
    out.print(forecasts)
    days = project.days
    out.print(
        "Duration (working days): "
        + ", ".join(f"P{p} {days.p(p):.1f}" for p in _SHOWN)
        + f", mean {days.mean:.1f}, sd {days.sd:.1f}"
    )
    if result.cost is not None:
        cost = result.cost
        out.print(
            "Risk cost exposure: "
            + ", ".join(f"P{p} {cost.p(p):,.0f}" for p in (50, 80, 90))
            + f", mean {cost.mean:,.0f}"
        )
    _criticality(result)
    _sensitivity(result)
    _risks(result, scores)
    biased = [m for m in result.merge_bias if m.bias_days >= 0.05][:5]
    if biased:
        top = ", ".join(f"{m.key} +{m.bias_days:.1f}d ({m.paths} paths)" for m in biased)
        out.print(f"Merge bias (starts later than its latest path's average arrival): {top}")
    if result.fallback_reasons:
        out.print(
            f"[dim]Scheduled with the CPM engine per iteration: {'; '.join(result.fallback_reasons)}.[/]"
        )
    if result.project.days.sd == 0 and not result.risks and not result.sensitivity:
        out.print(
            "[yellow]Nothing in this plan varies: no task has a three-point estimate and no risk can "
            "occur, so every iteration gives the plan's own dates. Give uncertain tasks an "
            "`estimate: optimistic/likely/pessimistic` or add risks to see a spread.[/]"
        )


def _criticality(result: MonteCarloResult) -> None:
    ranked = sorted(result.criticality.items(), key=lambda kv: -kv[1])
    ranked = [(k, v) for k, v in ranked if v > 0][:10]
    if not ranked:
        return
    table = Table(title="Criticality index", title_justify="left", header_style="bold", pad_edge=False)
    table.add_column("Task", no_wrap=True, overflow="ellipsis", max_width=40)
    table.add_column("Key", style="dim", no_wrap=True)
    table.add_column("Critical in", justify="right")
    for key, value in ranked:
        table.add_row(result.names.get(key, key), key, f"{value:.0%}")
    out.print(table)


def _sensitivity(result: MonteCarloResult) -> None:
    if not result.sensitivity:
        return
    table = Table(title="Tornado (Spearman)", title_justify="left", header_style="bold", pad_edge=False)
    table.add_column("Task or risk", no_wrap=True, overflow="ellipsis", max_width=40)
    table.add_column("Key", style="dim", no_wrap=True)
    table.add_column("rho", justify="right")
    table.add_column("", no_wrap=True)
    for key, rho in result.sensitivity[:8]:
        bar = "█" * round(abs(rho) * 20)
        table.add_row(result.names.get(key, key), key, f"{rho:+.2f}", f"[red]{bar}[/]")
    out.print(table)


def _risks(result: MonteCarloResult, scores: list[RiskScore]) -> None:
    if not scores:
        return
    by_key = {s.key: s for s in scores}
    table = Table(title="Risks by their share of the P80 date", title_justify="left", header_style="bold")
    table.add_column("Risk", no_wrap=True, overflow="ellipsis", max_width=40)
    table.add_column("Key", style="dim", no_wrap=True)
    table.add_column("P", justify="right")
    table.add_column("Matrix", no_wrap=True)
    table.add_column("P80 +days", justify="right")
    table.add_column("Mean +days", justify="right")
    table.add_column("Exp. cost", justify="right")
    rows = result.risks or []
    for r in rows:
        s = by_key[r.key]
        table.add_row(
            r.title,
            r.key,
            f"{r.probability:.0%}",
            f"{s.probability_band}×{s.impact_band}={s.score} {s.rating}",
            f"{r.p80_days:.1f}",
            f"{r.mean_days:.1f}",
            f"{r.expected_cost:,.0f}",
        )
    out.print(table)
    if result.mitigations:
        table = Table(title="Mitigations", title_justify="left", header_style="bold")
        table.add_column("Risk", no_wrap=True, overflow="ellipsis", max_width=40)
        table.add_column("Key", style="dim", no_wrap=True)
        table.add_column("Cost", justify="right")
        table.add_column("P80 days saved", justify="right")
        table.add_column("Exp. cost saved", justify="right")
        table.add_column("Net value", justify="right")
        for m in result.mitigations:
            table.add_row(
                m.title,
                m.key,
                f"{m.cost:,.0f}",
                f"{m.p80_days_saved:.1f}",
                f"{m.expected_cost_saved:,.0f}",
                f"[{'green' if m.net_value >= 0 else 'red'}]{m.net_value:,.0f}[/]",
            )
        out.print(table)
