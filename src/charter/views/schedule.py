"""The schedule as the JSON that `charter schedule --json` prints (fixed in PLANFILE.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from charter.engine.cpm import Schedule
from charter.engine.network import Network


@dataclass(frozen=True, slots=True)
class DateFormatter:
    """Instants as local ISO text ``YYYY-MM-DDTHH:MM`` in the plan's time zone.

    A schedule has far fewer distinct instants than dates to print (tasks share starts and
    finishes), so each is formatted once.
    """

    network: Network
    seen: dict[int, str] = field(default_factory=dict)

    def __call__(self, instant: int) -> str:
        text = self.seen.get(instant)
        if text is None:
            text = self.seen[instant] = self.network.axis.local(instant).strftime("%Y-%m-%dT%H:%M")
        return text


def schedule_document(schedule: Schedule) -> dict[str, Any]:
    """The schedule as a JSON-ready document."""
    net = schedule.network
    fmt = DateFormatter(net)
    codes = net.wbs_codes()
    tasks: list[dict[str, Any]] = []
    for i, task in enumerate(net.tasks):
        tasks.append(
            {
                "key": task.key,
                "name": task.label,
                "wbs": codes[i],
                "parent": net.tasks[net.parent[i]].key if net.parent[i] >= 0 else None,
                "start": fmt(schedule.start[i]),
                "finish": fmt(schedule.finish[i]),
                "early_start": fmt(schedule.early_start[i]),
                "early_finish": fmt(schedule.early_finish[i]),
                "late_start": fmt(schedule.late_start[i]),
                "late_finish": fmt(schedule.late_finish[i]),
                "duration": schedule.duration[i],
                "total_slack": schedule.total_slack[i],
                "free_slack": schedule.free_slack[i],
                "critical": schedule.critical[i],
                "is_summary": task.is_summary,
                "is_milestone": task.milestone,
            }
        )
    project = net.plan.project
    document: dict[str, Any] = {
        "project": {
            "name": project.name,
            "start": fmt(schedule.project_start),
            "finish": fmt(schedule.project_finish),
            "timezone": project.timezone,
        },
        "tasks": tasks,
        "conflicts": [{"task": c.task, "message": c.message} for c in schedule.conflicts],
    }
    if net.status is not None:
        document["project"]["status_date"] = fmt(net.status)
    return document
