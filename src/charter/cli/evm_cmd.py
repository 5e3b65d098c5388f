"""`charter evm`: earned value and earned schedule of a plan, or of a spreadsheet's series."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table
from rich.text import Text

from charter.cli.baseline_cmd import save_hint
from charter.cli.common import JsonOpt, status_date
from charter.cli.render import out, print_json
from charter.engine.evm import Indicators, SeriesResult, evaluate_series
from charter.engine.evm_plan import PlanEvm, evaluate_plan
from charter.engine.periods import PeriodKind
from charter.errors import CharterError
from charter.sources import open_plan
from charter.views.evm import evm_document, series_document

ByOpt = Literal["wbs", "period"]
StatusOpt = Annotated[
    str | None,
    typer.Option(
        "--status-date",
        metavar="DATE",
        help="Measure as of the end of this day (YYYY-MM-DD, or YYYY-MM-DDTHH:MM). "
        "Default: project.status_date.",
    ),
]


def evm_command(
    plan: Annotated[
        Path | None,
        typer.Argument(
            help="The plan with costs and progress: a plan file (.yaml), .xml or .mpp.", show_default=False
        ),
    ] = None,
    status: StatusOpt = None,
    by: Annotated[
        ByOpt | None, typer.Option("--by", help="Also show a row per WBS node (wbs) or per period (period).")
    ] = None,
    period: Annotated[
        PeriodKind, typer.Option("--period", help="Reporting periods: calendar weeks or months.")
    ] = "week",
    baseline: Annotated[
        int, typer.Option("--baseline", min=0, max=10, help="The baseline planned value comes from.")
    ] = 0,
    entries: Annotated[
        list[Path] | None,
        typer.Option(
            "--entries", metavar="CSV", help="Time sheets to add (person,task,date,hours,note); repeatable."
        ),
    ] = None,
    expenses: Annotated[
        list[Path] | None,
        typer.Option(
            "--expenses", metavar="CSV", help="Expenses to add (task,date,amount,account,note); repeatable."
        ),
    ] = None,
    json: JsonOpt = False,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", metavar="DIR", help="Draw the S-curve into DIR as s-curve.svg and .png."),
    ] = None,
    series: Annotated[
        Path | None,
        typer.Option("--series", metavar="CSV", help="Evaluate a series period,pv,ev,ac instead of a plan."),
    ] = None,
    bac: Annotated[
        float | None,
        typer.Option("--bac", help="With --series: the budget at completion (default: last pv)."),
    ] = None,
) -> None:
    """Earned value at a status date: PV, EV, AC, variances, indices, EAC and earned schedule.

    Planned value comes from the baseline (`charter baseline save`) priced with the resources'
    rates; earned value from each task's progress and earned-value method; actual cost from the
    time entries, expenses and accrued costs. Times (ES, SV(t), IEAC(t)) are in periods.

    Example: `charter evm examples/crm-upgrade.yaml --by wbs --plot charts/`

    Or from a spreadsheet: `charter evm --series status.csv --json` (columns period,pv,ev,ac,
    cumulative; ev and ac empty for future periods).
    """
    if series is not None:
        if plan is not None:
            raise CharterError(
                "give either a plan or --series, not both", fix="drop the plan to evaluate the series"
            )
        _series(series, bac, json, plot)
        return
    if plan is None:
        raise CharterError(
            "no plan given", fix="charter evm PLAN --status-date YYYY-MM-DD, or charter evm --series FILE.csv"
        )
    if bac is not None:
        raise CharterError("--bac goes with --series", fix="a plan's BAC is the sum of its task budgets")
    loaded = open_plan(plan)
    if baseline != 0 and loaded.baseline(baseline) is None:
        saved = ", ".join(str(b.index) for b in loaded.baselines) or "none"
        raise CharterError(
            f"{plan} has no baseline {baseline} (saved: {saved})",
            fix=f"save it ({save_hint(plan, baseline)}), or pick a saved one",
        )
    if expenses:
        from charter.formats.expense_csv import load_expenses

        leaves = {task.key for task in loaded.walk() if not task.tasks}
        spent = [expense for file in expenses for expense in load_expenses(file, leaves)]
        loaded = loaded.model_copy(update={"expenses": [*loaded.expenses, *spent]})
    extra = []
    if entries:
        from charter.formats.timesheet_csv import load_timesheet

        for file in entries:
            extra.extend(load_timesheet(file))
    result = evaluate_plan(
        loaded,
        [*loaded.time_entries, *extra] if extra else None,
        status_date=status_date(status),
        period=period,
        baseline=baseline,
    )
    if plot is not None:
        files = _plot_plan(result, loaded.project.name, plot)
        if not json:
            out.print(f"S-curve: {files}")
    if json:
        print_json(evm_document(result, loaded.project.name))
        return
    out.print(_summary(result.project, f"{loaded.project.name}, status {result.status_day}", result.currency))
    out.print(_budget_lines(result, loaded.project.extensions.get("mspdi", {}).get("actuals")))
    if by == "wbs":
        out.print(_wbs_table(result))
    elif by == "period":
        out.print(_period_table(result))


def _series(path: Path, bac: float | None, json: bool, plot: Path | None) -> None:
    from charter.formats.evm_series_csv import load_series

    data = load_series(path)
    result = evaluate_series(data.periods, data.pv, data.ev, data.ac, bac=bac)
    if plot is not None:
        files = _plot_series(result, path.stem, plot)
        if not json:
            out.print(f"S-curve: {files}")
    if json:
        print_json(series_document(result))
        return
    out.print(
        _summary(result.current, f"{path.name}, period {result.periods[int(result.current.at or 0) - 1]}")
    )
    table = Table(title="Per period", title_justify="left", header_style="bold", pad_edge=False)
    for column in ("Period", "PV", "EV", "AC", "SPI", "CPI", "ES", "SPI(t)"):
        table.add_column(column, justify="left" if column == "Period" else "right")
    for point in result.points:
        table.add_row(
            result.periods[int(point.at or 0) - 1],
            _money(point.pv),
            _money(point.ev),
            _money(point.ac),
            _index(point.spi),
            _index(point.cpi),
            _periods(point.es),
            _index(point.spi_t),
        )
    out.print(table)


def _money(value: float | None, currency: str | None = None) -> str:
    if value is None:
        return "–"
    text = f"{value:,.0f}"
    return f"{text} {currency}" if currency else text


def _index(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _periods(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _health(value: float | None) -> str:
    if value is None:
        return ""
    return "green" if value >= 1.0 else ("yellow" if value >= 0.9 else "red")


def _summary(i: Indicators, title: str, currency: str | None = None) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold", show_header=False, pad_edge=False)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_column("", style="dim")
    rows: list[tuple[str, str | Text, str]] = [
        ("BAC", _money(i.bac, currency), "budget at completion"),
        ("PV", _money(i.pv, currency), "planned value: work scheduled by now"),
        ("EV", _money(i.ev, currency), "earned value: budget of the work done"),
        ("AC", _money(i.ac, currency), "actual cost of the work done"),
        ("SV", _money(i.sv, currency), "EV − PV"),
        ("CV", _money(i.cv, currency), "EV − AC"),
        ("SPI", Text(_index(i.spi), style=_health(i.spi)), "EV / PV"),
        ("CPI", Text(_index(i.cpi), style=_health(i.cpi)), "EV / AC"),
        ("EAC (BAC/CPI)", _money(i.eac.cpi, currency), "the rest costs what the work so far did"),
        ("EAC (AC+BAC−EV)", _money(i.eac.plan, currency), "the rest goes as budgeted"),
        ("EAC (CPI·SPI)", _money(i.eac.cpi_spi, currency), "AC + (BAC − EV)/(CPI·SPI)"),
    ]
    if i.eac.bottom_up is not None:
        rows.append(
            ("EAC (bottom-up)", _money(i.eac.bottom_up, currency), "AC + re-estimated remaining work")
        )
    tcpi = "unattainable" if i.tcpi_bac_unattainable else _index(i.tcpi_bac)
    rows += [
        ("ETC", _money(i.etc, currency), "EAC (BAC/CPI) − AC"),
        ("VAC", _money(i.vac, currency), "BAC − EAC (BAC/CPI)"),
        ("TCPI (BAC)", tcpi, "efficiency the rest needs to finish on budget"),
        ("TCPI (EAC)", _index(i.tcpi_eac), "efficiency the rest needs to meet EAC (BAC/CPI)"),
    ]
    if i.es is not None:
        rows += [
            ("AT", _periods(i.at), "actual time, periods since the start"),
            ("ES", _periods(i.es), "earned schedule: when the work done was planned to be done"),
            ("SV(t)", _periods(i.sv_t), "ES − AT, in periods"),
            ("SPI(t)", Text(_index(i.spi_t), style=_health(i.spi_t)), "ES / AT"),
            ("IEAC(t)", _periods(i.ieac_t), f"forecast duration in periods (planned: {i.pd})"),
        ]
    for row in rows:
        table.add_row(*row)
    return table


def _budget_lines(result: PlanEvm, recorded: dict[str, Any] | None = None) -> str:
    """The budget, the finish dates and what the figures leave out (``recorded``: the actual work
    and cost a Project file recorded, which Charter does not count)."""
    b, c = result.budget, result.currency
    lines = [
        f"\nBudget: work {_money(b.bac, c)} + contingency {_money(b.contingency, c)} = cost baseline "
        f"{_money(b.cost_baseline, c)}; + management reserve {_money(b.management_reserve, c)} = "
        f"{_money(b.total, c)}"
    ]
    if b.authorised is not None and b.headroom is not None:
        verdict = "within" if b.headroom >= 0 else "[bold red]over[/]"
        lines.append(f"Authorised {_money(b.authorised, c)}: {verdict} by {_money(abs(b.headroom), c)}")
    if result.baseline is None:
        lines.append(
            "[yellow]No baseline: planned value comes from the plan as scheduled without progress; "
            "`charter baseline save` fixes the yardstick[/]"
        )
    lines.append(f"Planned finish {result.planned_finish:%Y-%m-%d}")
    if result.forecast_finish is not None:
        lines.append(f"Forecast finish (earned schedule, IEAC(t)) {result.forecast_finish:%Y-%m-%d}")
    if recorded is not None and not result.project.ac:
        lines.append(
            f"[yellow]The Project file recorded {float(recorded['hours']):g} h of actual work costing "
            f"{_money(float(recorded['cost']), c)}; Charter counts actual cost from time entries and "
            "expenses (--time-sheet, --expenses), so AC is 0 here[/]"
        )
    if result.unpriced_hours:
        lines.append(
            f"[yellow]{result.unpriced_hours:g} hours by people who are not resources are not priced[/]"
        )
    return "\n".join(lines)


def _wbs_table(result: PlanEvm) -> Table:
    table = Table(title="By WBS", title_justify="left", header_style="bold", pad_edge=False)
    for column in ("Task", "Method", "BAC", "PV", "EV", "AC", "SV", "CV", "SPI", "CPI", "EAC", "Budget"):
        table.add_column(column, justify="left" if column in ("Task", "Method") else "right", no_wrap=True)
    for node in result.nodes:
        i = node.indicators
        name = Text("  " * node.depth)
        name.append(node.name, style="bold" if node.is_summary else "")
        name.append(f"  {node.key}", style="dim")
        over = node.budget is not None and i.bac > node.budget
        table.add_row(
            name,
            node.method or "",
            _money(i.bac),
            _money(i.pv),
            _money(i.ev),
            _money(i.ac),
            _money(i.sv),
            _money(i.cv),
            Text(_index(i.spi), style=_health(i.spi)),
            Text(_index(i.cpi), style=_health(i.cpi)),
            _money(i.eac.cpi),
            Text(_money(node.budget), style="bold red" if over else ""),
        )
    return table


def _period_table(result: PlanEvm) -> Table:
    table = Table(
        title=f"By {result.periods.kind}", title_justify="left", header_style="bold", pad_edge=False
    )
    for column in ("Period ending", "PV", "EV", "AC", "SPI", "CPI", "ES", "SPI(t)"):
        table.add_column(column, justify="left" if column == "Period ending" else "right", no_wrap=True)
    for row in result.by_period:
        i = row.indicators
        table.add_row(
            row.label,
            _money(row.pv),
            _money(row.ev),
            _money(row.ac),
            _index(i.spi if i else None),
            _index(i.cpi if i else None),
            _periods(i.es if i else None),
            _index(i.spi_t if i else None),
        )
    return table


def _plot_plan(result: PlanEvm, name: str, directory: Path) -> str:
    from charter.reports.charts.scurve import SCurve, draw_scurve

    project = result.project
    done = [row for row in result.by_period if row.end < result.status_day]
    files = draw_scurve(
        SCurve(
            title=f"{name}: earned value at {result.status_day}",
            labels=[row.label for row in result.by_period],
            pv=[row.pv for row in result.by_period],
            reported=[*range(1, len(done) + 1), project.at or 0.0],
            ev=[*(row.ev or 0.0 for row in done), project.ev],
            ac=[*(row.ac or 0.0 for row in done), project.ac],
            bac=project.bac,
            at=project.at or 0.0,
            eac=project.eac.cpi,
            ieac_t=project.ieac_t,
            currency=result.currency,
            finish_label=None
            if result.forecast_finish is None
            else f"forecast finish {result.forecast_finish:%Y-%m-%d}",
        ),
        directory,
    )
    return f"{files.svg}, {files.png}"


def _plot_series(result: SeriesResult, name: str, directory: Path) -> str:
    from charter.reports.charts.scurve import SCurve, draw_scurve

    current = result.current
    files = draw_scurve(
        SCurve(
            title=f"{name}: earned value at period {result.periods[int(current.at or 0) - 1]}",
            labels=result.periods,
            pv=[float(v) for v in result.pv_cum],
            reported=[p.at or 0.0 for p in result.points],
            ev=[p.ev for p in result.points],
            ac=[p.ac for p in result.points],
            bac=result.bac,
            at=current.at or 0.0,
            eac=current.eac.cpi,
            ieac_t=current.ieac_t,
            finish_label=None if current.ieac_t is None else f"forecast: {current.ieac_t:.1f} periods",
        ),
        directory,
    )
    return f"{files.svg}, {files.png}"
