"""`charter init`, `check`, `fmt` and `schema`: working with the plan file itself."""

from __future__ import annotations

import datetime as dt
import json as jsonlib
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import JsonOpt, PlanArg, status_date
from charter.cli.render import err, out, print_json
from charter.cli.schedule_cmd import print_conflicts
from charter.engine.cpm import schedule
from charter.errors import CharterError
from charter.formats.planfile import dump_plan, load_plan
from charter.formats.planfile.schema import plan_schema
from charter.formats.planfile.yamlnodes import has_comments
from charter.sources import open_plan


def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the new plan file.")] = Path("plan.yaml"),
    name: Annotated[str, typer.Option(help="Project name.")] = "New project",
    start: Annotated[str | None, typer.Option(help="Start date YYYY-MM-DD (default: next Monday).")] = None,
) -> None:
    """Create a new plan file to start from: a calendar, two resources and a few linked tasks."""
    if path.exists():
        raise CharterError(f"{path} already exists", fix="choose another file name; init never overwrites")
    if start is None:
        today = dt.date.today()
        begin = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    else:
        parsed = status_date(start)
        begin = parsed.date() if isinstance(parsed, dt.datetime) else parsed  # type: ignore[assignment]
    template = resources.files("charter.cli").joinpath("templates/new-plan.yaml").read_text(encoding="utf-8")
    text = template.replace("name: NAME", f"name: {jsonlib.dumps(name)}").replace("START", begin.isoformat())
    path.write_text(text, encoding="utf-8")
    out.print(f"Created [bold]{path}[/]. Next: [cyan]charter schedule {path}[/]")


def check_command(plan: PlanArg, json: JsonOpt = False) -> None:
    """Check a plan for mistakes without printing the schedule.

    Reports the first error with its file, line and column, what is wrong and how to fix it
    (exit code 2), or that the plan is valid, with any scheduling conflicts as warnings.
    """
    loaded = open_plan(plan)
    result = schedule(loaded)
    tasks = len(result.network.tasks)
    if json:
        print_json(
            {
                "valid": True,
                "tasks": tasks,
                "conflicts": [{"task": c.task, "message": c.message} for c in result.conflicts],
            }
        )
        return
    out.print(f"[green]✓[/] {plan}: valid plan, {tasks} tasks, {len(result.network.links)} links")
    print_conflicts(result)


def fmt_command(
    plans: Annotated[list[Path], typer.Argument(help="Plan files to normalise in place.")],
    check: Annotated[
        bool, typer.Option("--check", help="Only report files that would change (exit 1).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Rewrite even files with comments (the comments are lost).")
    ] = False,
) -> None:
    """Rewrite plan files in the canonical layout: key order, spacing, one-line small tasks.

    The content is unchanged (the file reads back into an equal plan). Files with comments
    are left alone unless --force, because the canonical form cannot keep comments.
    """
    changed = 0
    for path in plans:
        text = path.read_text(encoding="utf-8")
        canonical = dump_plan(load_plan(path))
        if canonical == text:
            continue
        changed += 1
        if check:
            err.print(f"would reformat {path}")
            continue
        if has_comments(text) and not force:
            err.print(
                f"[yellow]skipped[/] {path}: it has comments, which formatting would drop (use --force)"
            )
            continue
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(canonical, encoding="utf-8")
        temporary.replace(path)
        out.print(f"reformatted {path}")
    if check and changed:
        raise typer.Exit(1)


def schema_command(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
) -> None:
    """Print the JSON Schema of the plan file, for editor completion and validation."""
    text = jsonlib.dumps(plan_schema(), indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {output}")
