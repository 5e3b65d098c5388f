"""`charter level PLAN …`: the levelling proposal for plans, as a table or JSON."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from charter.cli.level_cmd import searching
from charter.cli.render import days, out, print_json, when
from charter.engine.levelling.plan import Levelling
from charter.engine.levelling.plan import level_plans as propose
from charter.errors import CharterError
from charter.formats.planfile import save_plan
from charter.solvers import Mode, plan_solver
from charter.sources import open_plan
from charter.views.levelling import levelling_document


def level_plans(
    paths: list[Path],
    *,
    mode: Mode,
    time_limit: float,
    seed: int,
    workers: int,
    as_json: bool,
    output: Path | None,
    within_slack: bool,
) -> None:
    if output is not None and len(paths) > 1:
        raise CharterError("-o writes one levelled plan", fix="level one plan at a time to write it")
    plans = [open_plan(p) for p in paths]

    solver = plan_solver(mode=mode, time_limit=time_limit, seed=seed, workers=workers)
    with searching(mode, time_limit):
        result = propose(plans, solver, within_slack=within_slack)
    if output is not None:
        save_plan(result.plans[0], output)
    if as_json:
        print_json(levelling_document(result, mode, [str(p) for p in paths]))
        return
    show(result, mode, output)


def show(result: Levelling, mode: str, output: Path | None) -> None:
    first = result.after[0].network
    local = first.axis.local
    units = first.plan.project.work_units
    over = len(result.overallocated_before)
    if result.already_level:
        out.print("[green]No over-allocation:[/] nothing to level, no task moves.")
    else:
        out.print(f"[bold]{over}[/] over-allocation(s) found; levelled in {mode} mode ({result.method}).")
    verdict = "proven optimal" if result.optimal else f"gap {100 * result.gap:.1f} %"
    out.print(
        f"finish   {when(local(result.finish_before))} → [bold]{when(local(result.finish_after))}[/]\n"
        f"bound    no levelled schedule finishes before {when(local(result.lower_bound))} ({verdict})"
    )
    for p in result.picks:
        out.print(f"[cyan]picked[/] {p.resource} for {p.task} (skill {p.skill}, {round(100 * p.units)} %)")
    if result.moves:
        table = Table(title="Proposed moves (nothing applied)", title_justify="left", header_style="bold")
        table.add_column("Task", no_wrap=True)
        table.add_column("Start", no_wrap=True)
        table.add_column("Moved", justify="right", no_wrap=True)
        table.add_column("Why")
        for m in result.moves:
            net = result.after[m.plan].network
            why: list[str] = []
            if m.resources:
                why.append(f"waits for {', '.join(m.resources)} (busy with {', '.join(m.competitors)})")
            if m.pushed_by:
                why.append(f"follows {', '.join(m.pushed_by)}")
            local_of = net.axis.local
            table.add_row(
                m.key,
                f"{local_of(m.old_start):%Y-%m-%d %H:%M} → {local_of(m.new_start):%Y-%m-%d %H:%M}",
                ("+" if m.shift > 0 else "") + days(m.shift, units),
                "; ".join(why) or "calendar",
            )
        out.print(table)
    for o in result.unresolved:
        keys = ", ".join(result.after[n].network.tasks[i].key for n, i in o.tasks)
        out.print(
            f"[yellow]unresolved:[/] {o.resource} at {round(100 * o.load)} % of {round(100 * o.capacity)} % "
            f"from {when(local(o.start))} ({keys}): these tasks may not move"
        )
    for sched in result.after:
        for conflict in sched.conflicts:
            out.print(f"[yellow]conflict:[/] {conflict.task} {conflict.message}")
    if output is not None:
        out.print(f"levelled plan written to {output}")
    elif not result.already_level:
        out.print("[dim]nothing was changed; add -o FILE to write the levelled plan[/]")
