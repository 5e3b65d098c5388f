"""`charter level`: propose a levelled schedule for a PSPLIB instance or for plans."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated

import typer

from charter.cli.render import err, out, print_json
from charter.errors import CharterError
from charter.solvers import DEFAULT_WORKERS, Mode

ModeOpt = Annotated[
    str,
    typer.Option(
        "--mode",
        help="fast: priority rules with forward-backward improvement (interactive speed); "
        "optimal: the fast schedule improved by the CP-SAT solver, with a proven bound.",
    ),
]


def _mode(value: str) -> Mode:
    if value == "fast":
        return "fast"
    if value == "optimal":
        return "optimal"
    raise CharterError(f"--mode: unknown mode '{value}'", fix="use --mode fast or --mode optimal")


def level_command(
    plans: Annotated[
        list[Path],
        typer.Argument(
            help="Plan files (.yaml) sharing one resource pool, or one PSPLIB instance (.sm).",
            show_default=False,
        ),
    ],
    mode: ModeOpt = "fast",
    time_limit: Annotated[
        float, typer.Option("--time-limit", metavar="S", help="Seconds the optimal mode may search.")
    ] = 10.0,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the levelled plan (one plan only) to this file."),
    ] = None,
    within_slack: Annotated[
        bool, typer.Option("--within-slack", help="Delay tasks only within their total slack.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the randomised search.")] = 0,
    workers: Annotated[
        int, typer.Option("--workers", help="CP-SAT workers (optimal mode).")
    ] = DEFAULT_WORKERS,
) -> None:
    """Level resources: propose a schedule without over-allocation, never apply it silently.

    Prints the levelled finish, a lower bound on any levelled finish, the gap between the two,
    and every task that moved: by how much, and why (the resource and the tasks it competed
    with). Nothing is written unless `-o` names a file for the levelled plan.

    Example: `charter level examples/analytics-platform.yaml --mode optimal --time-limit 5`
    """
    chosen = _mode(mode)
    if time_limit <= 0:
        raise CharterError("--time-limit must be above 0", fix="give seconds, e.g. --time-limit 5")
    if not plans:
        raise CharterError("no plan given", fix="charter level PLAN.yaml [MORE.yaml ...]")
    if len(plans) > 1 and any(p.suffix.lower() == ".sm" for p in plans):
        raise CharterError("a PSPLIB instance (.sm) is levelled on its own", fix="give one .sm file")
    if plans[0].suffix.lower() == ".sm":
        _level_psplib(plans[0], chosen, time_limit, seed, workers, json)
        return
    from charter.cli.level_plans import level_plans

    level_plans(
        plans,
        mode=chosen,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        as_json=json,
        output=output,
        within_slack=within_slack,
    )


def searching(mode: Mode, time_limit: float) -> AbstractContextManager[object]:
    """A spinner on the terminal while the optimal mode searches (it may take its whole limit)."""
    if mode != "optimal" or not err.is_terminal:
        return nullcontext()
    return err.status(f"levelling: searching up to {time_limit:g} s for a shorter schedule and its proof")


def _level_psplib(path: Path, mode: Mode, time_limit: float, seed: int, workers: int, as_json: bool) -> None:
    from charter.formats.psplib import read_psplib
    from charter.solvers import solve

    instance = read_psplib(path)
    began = time.perf_counter()
    with searching(mode, time_limit):
        solution = solve(instance.problem, mode=mode, time_limit=time_limit, seed=seed, workers=workers)
    elapsed = time.perf_counter() - began
    starts = {instance.problem.label(j): int(solution.start[j]) for j in range(instance.problem.n)}
    document = {
        "instance": instance.name,
        "mode": mode,
        "makespan": solution.makespan,
        "lower_bound": solution.lower_bound,
        "gap": round(solution.gap, 6),
        "optimal": solution.optimal,
        "time_s": round(elapsed, 4),
        "starts": starts,
    }
    if as_json:
        print_json(document)
        return
    verdict = "proven optimal" if solution.optimal else f"gap {100 * solution.gap:.1f} %"
    out.print(
        f"[bold]{instance.name}[/]: makespan [bold]{solution.makespan}[/], lower bound "
        f"{solution.lower_bound} ({verdict}), {elapsed:.2f} s, {mode} mode"
    )
    out.print("starts: " + " ".join(f"{job}:{start}" for job, start in starts.items()))
