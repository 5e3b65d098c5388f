"""The critical path as the JSON that `charter critical --json` prints and the API answers."""

from __future__ import annotations

from typing import Any

from charter.engine.cpm import Schedule
from charter.engine.critical import Reason, critical_tasks
from charter.views.schedule import DateFormatter


def reason_fields(reason: Reason) -> dict[str, str]:
    """A cause without its empty parts: ``{"kind": "link", "task": "build", "link": "FS"}``."""
    fields = {"kind": reason.kind, "task": reason.task, "link": reason.link, "detail": reason.detail}
    return {k: v for k, v in fields.items() if v is not None}


def critical_document(schedule: Schedule) -> dict[str, Any]:
    """The project finish and each critical task with what pushes and what holds it."""
    fmt = DateFormatter(schedule.network)
    return {
        "project_finish": fmt(schedule.project_finish),
        "critical": [
            {
                "key": step.key,
                "name": step.name,
                "start": fmt(step.start),
                "finish": fmt(step.finish),
                "total_slack": step.total_slack,
                "pushed_by": reason_fields(step.pushed_by),
                "held_by": reason_fields(step.held_by),
            }
            for step in critical_tasks(schedule)
        ],
    }
