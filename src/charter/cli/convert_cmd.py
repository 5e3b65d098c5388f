"""`charter import` and `charter export`: plans to and from Microsoft Project XML (MSPDI)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from charter.cli.render import out, print_json
from charter.domain import Plan
from charter.engine.cpm import Schedule, schedule
from charter.errors import CharterError
from charter.formats.mspdi.compare import TaskDifference, file_differences
from charter.formats.mspdi.writer import dump_mspdi, write_atomic
from charter.formats.planfile import dump_plan
from charter.sources import MSPDI_SUFFIXES, PLAN_SUFFIXES, open_plan

OutputOpt = Annotated[Path, typer.Option("-o", "--output", help="The file to write.", show_default=False)]


def import_command(
    source: Annotated[
        Path,
        typer.Argument(
            help="The file to import: Microsoft Project XML (.xml), or .mpp, .mpx, .xer … with charter[mpp]."
        ),
    ],
    output: OutputOpt,
    report: Annotated[
        bool,
        typer.Option(
            "--report", help="Print what came in, what was approximated, and every date that differs."
        ),
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import a plan from another tool into a plan file (.yaml).

    Tasks keep Project's UID as their key. With `--report`, lists what came in, what was
    approximated or left out, and every task whose dates Charter computes differently from
    the dates stored in the file (compared in working time).

    Example: `charter import project.xml -o plan.yaml --report`
    """
    if output.suffix.lower() not in PLAN_SUFFIXES:
        raise CharterError(
            f"{output}: the imported plan is written as a plan file",
            fix="give an output name ending in .yaml, like -o plan.yaml",
        )
    plan = open_plan(source)
    write_atomic(output, dump_plan(plan).encode("utf-8"))
    if not (report or json):
        out.print(f"Imported {source} into [bold]{output}[/] ({sum(1 for _ in plan.walk())} tasks).")
        return
    result = schedule(plan)
    document = import_report(plan, result)
    if json:
        print_json(document)
        return
    print_report(source, output, document)


def export_command(
    plan: Annotated[Path, typer.Argument(help="The plan to export: a plan file (.yaml) or .xml.")],
    output: OutputOpt,
) -> None:
    """Export a plan as Microsoft Project XML, with the dates Charter computes.

    Project opens the file with File > Open (XML Format). Task keys that are numbers become
    the UIDs; other keys get new UIDs, which are listed.

    Example: `charter export plan.yaml -o project.xml`
    """
    if output.suffix.lower() not in MSPDI_SUFFIXES:
        raise CharterError(
            f"{output}: Charter exports Microsoft Project XML",
            fix="give an output name ending in .xml, like -o project.xml",
        )
    loaded = open_plan(plan)
    document = dump_mspdi(loaded, schedule(loaded))
    write_atomic(output, document.xml)
    count = sum(1 for _ in loaded.walk())
    out.print(f"Exported {count} tasks to [bold]{output}[/].")
    if document.unsplit:
        shown = ", ".join(document.unsplit[:10]) + (" …" if len(document.unsplit) > 10 else "")
        out.print(
            f"[yellow]{len(document.unsplit)} split task(s) written without their pauses ({shown}): "
            "started, elapsed-duration and manually scheduled tasks keep them only in the plan file, "
            "so Microsoft Project shows them unsplit[/]"
        )
    if document.uids:
        shown = ", ".join(f"{key}={uid}" for key, uid in list(document.uids.items())[:10])
        more = f" and {len(document.uids) - 10} more" if len(document.uids) > 10 else ""
        out.print(f"Task keys given Project UIDs: {shown}{more}")


def import_report(plan: Plan, result: Schedule) -> dict[str, Any]:
    """What came in, what was approximated or left out, and the tasks whose dates differ."""
    tasks = list(plan.walk())
    notes: list[str] = plan.project.extensions.get("mspdi", {}).get("notes", [])
    differences = file_differences(plan, result)
    return {
        "counts": {
            "tasks": len(tasks),
            "summaries": sum(1 for t in tasks if t.is_summary),
            "links": sum(len(t.links) for t in tasks),
            "calendars": len(plan.calendars),
            "resources": len(plan.resources),
            "assignments": sum(len(t.resources) for t in tasks),
            "baselines": len(plan.baselines),
        },
        "notes": list(notes),
        "compared": sum(
            1 for t in tasks if not t.is_summary and not t.manual and t.active and t.extensions.get("mspdi")
        ),
        "differences": [_difference(d) for d in differences],
    }


def _difference(item: TaskDifference) -> dict[str, Any]:
    return {
        "task": item.key,
        "name": item.name,
        "fields": [{"field": d.field, "stored": d.stored, "computed": d.computed} for d in item.differences],
        "reason": item.reason,
        "file_contradicts_itself": item.file_contradicts_itself,
    }


def print_report(source: Path, output: Path, document: dict[str, Any]) -> None:
    counts = document["counts"]
    out.print(f"Imported {source} into [bold]{output}[/].")
    out.print("Came in: " + ", ".join(_count(value, name) for name, value in counts.items()))
    notes = document["notes"]
    if notes:
        out.print(f"\n[bold yellow]Approximated or left out ({len(notes)}):[/]")
        for note in notes:
            out.print(f"  • {note}", markup=False)
    else:
        out.print("Nothing was approximated or left out.")
    differences = document["differences"]
    compared = document["compared"]
    if not differences:
        out.print(f"\nDates: all {compared} compared tasks match the dates stored in the file.")
        return
    out.print(
        f"\n[bold]Dates: {len(differences)} of {compared} tasks differ from the file[/] "
        "(computed != stored, in working time):"
    )
    for item in differences:
        fields = "; ".join(_field(d) for d in item["fields"])
        reason = item["reason"] or "reason unknown"
        out.print(f"  task {item['task']} {item['name']}: {fields} ({reason})", markup=False)


def _count(value: int, name: str) -> str:
    """``1 task``, ``2 tasks``, ``1 summary``, ``0 summaries``."""
    if value == 1:
        name = name[:-3] + "y" if name.endswith("ies") else name.removesuffix("s")
    return f"{value} {name}"


def _field(difference: dict[str, Any]) -> str:
    if difference["field"] == "total_slack":
        return f"total slack {difference['computed']} != {difference['stored']} working minutes"
    return f"{difference['field'].replace('_', ' ')} {difference['computed']} != {difference['stored']}"
