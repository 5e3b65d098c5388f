"""`charter schedule` and `charter critical`."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from charter.cli.common import JsonOpt, PlanArg, StatusDateOpt, load_and_schedule
from charter.cli.render import days, out, print_json, when
from charter.engine.cpm import Schedule
from charter.engine.critical import Reason, critical_tasks
from charter.views.critical import critical_document
from charter.views.schedule import schedule_document


def schedule_command(plan: PlanArg, json: JsonOpt = False, status_date: StatusDateOpt = None) -> None:
    """Schedule a plan: dates, slack and the critical path.

    Prints the work breakdown with each task's start, finish and total slack; critical tasks
    (no slack to spare) are shown in red. With `--json`, prints the schedule as JSON
    (dates are local `YYYY-MM-DDTHH:MM`, slack in working minutes).

    Example: `charter schedule examples/erp-rollout.yaml --status-date 2027-03-01`
    """
    _, result = load_and_schedule(plan, status_date)
    if json:
        print_json(schedule_document(result))
        return
    out.print(schedule_table(result))
    print_conflicts(result)


def schedule_table(result: Schedule) -> Table:
    net = result.network
    units = net.plan.project.work_units
    local = net.axis.local
    project = net.plan.project
    table = Table(
        title=f"{project.name}: {when(local(result.project_start))} → {when(local(result.project_finish))}",
        title_justify="left",
        header_style="bold",
        show_lines=False,
        pad_edge=False,
    )
    table.add_column("WBS", style="dim", no_wrap=True)
    table.add_column("Task", no_wrap=True, overflow="ellipsis", max_width=60)
    table.add_column("Duration", justify="right", no_wrap=True)
    table.add_column("Start", no_wrap=True)
    table.add_column("Finish", no_wrap=True)
    table.add_column("Slack", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    codes = net.wbs_codes()
    for i, task in enumerate(net.tasks):
        indent = "  " * net.depth(i)
        name = Text(indent)
        name.append("◆ " if task.milestone else "")
        name.append(task.label, style="bold" if task.is_summary else "")
        name.append(f"  {task.key}", style="dim")
        style = "red" if result.critical[i] and not task.is_summary else ""
        table.add_row(
            codes[i],
            name,
            days(result.duration[i], units),
            local(result.start[i]).strftime("%Y-%m-%d %H:%M"),
            local(result.finish[i]).strftime("%Y-%m-%d %H:%M"),
            days(result.total_slack[i], units),
            Text("critical", style="bold red") if result.critical[i] and not task.is_summary else "",
            style=style,
        )
    return table


def print_conflicts(result: Schedule) -> None:
    if not result.conflicts:
        return
    out.print(f"\n[bold yellow]{len(result.conflicts)} scheduling conflict(s):[/]")
    for conflict in result.conflicts:
        out.print(f"  [yellow]•[/] {conflict.task}: {conflict.message}")


def describe(reason: Reason, *, early: bool) -> str:
    if reason.kind == "link":
        return f"{'after' if early else 'before'} {reason.task} ({reason.link})"
    if reason.kind == "project":
        return "project start" if early else "project finish"
    if reason.kind == "constraint":
        return f"constraint {reason.detail}"
    if reason.kind == "deadline":
        return f"deadline {reason.detail}"
    if reason.kind == "status":
        return "status date (remaining work goes after it)"
    return "actual dates"


def critical_command(plan: PlanArg, json: JsonOpt = False, status_date: StatusDateOpt = None) -> None:
    """Explain the critical path: the tasks that set the finish date, and why.

    For each critical task: what pushes it to its start (a predecessor link, a constraint, the
    project start …) and what holds it to its finish (a successor link, a deadline, the
    project finish …). Shortening any of them moves the project finish.

    Example: `charter critical examples/mobile-app-release.yaml`
    """
    _, result = load_and_schedule(plan, status_date)
    steps = critical_tasks(result)
    net = result.network
    local = net.axis.local
    units = net.plan.project.work_units
    if json:
        print_json(critical_document(result))
        return
    if not steps:
        out.print("No task is critical: every task has slack.")
        return
    table = Table(
        title=f"Critical path of {net.plan.project.name} — finishes {when(local(result.project_finish))}",
        title_justify="left",
        header_style="bold",
    )
    table.add_column("#", justify="right", style="dim")
    table.add_column("Task", no_wrap=True, max_width=50, overflow="ellipsis")
    table.add_column("Start", no_wrap=True)
    table.add_column("Finish", no_wrap=True)
    table.add_column("Slack", justify="right")
    table.add_column("Starts then because", overflow="fold")
    table.add_column("Must finish by then because", overflow="fold")
    for n, step in enumerate(steps, 1):
        table.add_row(
            str(n),
            Text(step.name).append(f"  {step.key}", style="dim"),
            local(step.start).strftime("%Y-%m-%d %H:%M"),
            local(step.finish).strftime("%Y-%m-%d %H:%M"),
            days(step.total_slack, units),
            describe(step.pushed_by, early=True),
            describe(step.held_by, early=False),
        )
    out.print(table)
    print_conflicts(result)
