"""`charter baseline save|compare`: snapshots of the schedule and variance against them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from charter.cli.common import JsonOpt, PlanArg, StatusDateOpt, load_and_schedule
from charter.cli.render import days, out, print_json
from charter.domain import MAX_BASELINES
from charter.engine.baseline import compare, snapshot
from charter.errors import CharterError
from charter.formats.planfile.writer import dump_baselines, format_date, replace_section
from charter.sources import PLAN_SUFFIXES

baseline_app = typer.Typer(
    name="baseline",
    help="Save the schedule as a baseline, and compare today's schedule with it.",
    no_args_is_help=True,
)
IndexOpt = Annotated[
    int,
    typer.Option(
        "--index", "-n", min=0, max=MAX_BASELINES - 1, help="Baseline number 0-10 (0 is 'the' baseline)."
    ),
]


@baseline_app.command("save")
def save_command(
    plan: PlanArg,
    index: IndexOpt = 0,
    name: Annotated[str | None, typer.Option(help="A label, e.g. 'approved 2027-01-10'.")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing baseline with this number.")
    ] = False,
) -> None:
    """Save the current schedule as baseline N in the plan file.

    Only the file's `baselines:` section is written; the rest of the file, comments included,
    is left exactly as it was.
    """
    if plan.suffix.lower() not in PLAN_SUFFIXES:
        raise CharterError(f"{plan}: baselines are saved into plan files (.yaml)", fix=save_hint(plan, index))
    loaded, result = load_and_schedule(plan)
    if loaded.baseline(index) is not None and not force:
        raise CharterError(
            f"{plan} already has baseline {index}",
            fix=f"pass --force to replace it, or --index N for another number (0-{MAX_BASELINES - 1})",
        )
    saved = dt.datetime.now().replace(second=0, microsecond=0)
    new = snapshot(result, index, saved, name)
    baselines = [b for b in loaded.baselines if b.index != index] + [new]
    text = plan.read_text(encoding="utf-8")
    updated = replace_section(text, "baselines", dump_baselines(baselines))
    temporary = plan.with_name(f".{plan.name}.tmp")
    temporary.write_text(updated, encoding="utf-8")
    temporary.replace(plan)
    out.print(f"Saved baseline {index} of {len(new.tasks)} tasks into {plan} ({format_date(saved)}).")


@baseline_app.command("compare")
def compare_command(
    plan: PlanArg,
    index: IndexOpt = 0,
    json: JsonOpt = False,
    status_date: StatusDateOpt = None,
    changed_only: Annotated[
        bool, typer.Option("--changed", help="Show only tasks that moved or changed.")
    ] = False,
) -> None:
    """Compare the current schedule with baseline N: start, finish, duration and work variance.

    Variances are working time on each task's calendar; positive means later or more.
    """
    loaded, result = load_and_schedule(plan, status_date)
    baseline = loaded.baseline(index)
    if baseline is None:
        raise CharterError(
            f"{plan} has no baseline {index}",
            fix=f"save one first: {save_hint(plan, index)}",
        )
    rows = compare(result, baseline)
    if changed_only:
        rows = [
            r
            for r in rows
            if r.status != "same" or r.start_variance or r.duration_variance or r.work_variance
        ]
    if json:
        print_json(
            {
                "baseline": {
                    "index": baseline.index,
                    "name": baseline.name,
                    "saved": format_date(baseline.saved),
                },
                "tasks": [
                    {
                        "key": r.key,
                        "baseline_start": format_date(r.baseline_start) if r.baseline_start else None,
                        "baseline_finish": format_date(r.baseline_finish) if r.baseline_finish else None,
                        "start": format_date(r.start),
                        "finish": format_date(r.finish),
                        "start_variance": r.start_variance,
                        "finish_variance": r.finish_variance,
                        "duration_variance": r.duration_variance,
                        "work_variance": r.work_variance,
                        "status": r.status,
                    }
                    for r in rows
                ],
            }
        )
        return
    units = loaded.project.work_units
    label = f" ({baseline.name})" if baseline.name else ""
    table = Table(
        title=f"Baseline {index}{label}, saved {format_date(baseline.saved)}",
        title_justify="left",
        header_style="bold",
    )
    for column in (
        "Task",
        "Baseline finish",
        "Finish",
        "Start var.",
        "Finish var.",
        "Duration var.",
        "Work var.",
    ):
        table.add_column(column, justify="right" if "var" in column else "left", no_wrap=True)
    for r in rows:
        style = {"later": "red", "earlier": "green", "new": "cyan"}.get(r.status, "")
        table.add_row(
            Text(r.name).append(f"  {r.key}", style="dim"),
            r.baseline_finish.strftime("%Y-%m-%d %H:%M") if r.baseline_finish else "new",
            r.finish.strftime("%Y-%m-%d %H:%M"),
            *(
                days(v, units) if v is not None else ""
                for v in (r.start_variance, r.finish_variance, r.duration_variance)
            ),
            f"{r.work_variance / 60:+g}h" if r.work_variance else "",
            style=style,
        )
    out.print(table)


def save_hint(plan: Path, index: int) -> str:
    """How to save baseline ``index`` of ``plan``: into the plan file itself, or, for a file of
    another tool, into a plan file imported from it."""
    if plan.suffix.lower() in PLAN_SUFFIXES:
        return f"charter baseline save {plan} --index {index}"
    target = plan.with_suffix(".yaml")
    return f"charter import {plan} -o {target}, then charter baseline save {target} --index {index}"
