"""Charter's computed dates against the dates stored in a Project file, in working time.

Two instants are equal when no working time of the task's calendar lies between them (17:00
equals 08:00 on the next working day); total slack is equal within a minute. The import
report and ``benchmarks/msproject_oracle.py`` both compare this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from charter.domain import Plan, Task
from charter.engine.cpm import Schedule
from charter.formats.mspdi.audit import StoredDateAudit, stored_instants

DATE_FIELDS = ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")
MSPDI_DATE_FIELDS = {
    "start": "Start",
    "finish": "Finish",
    "early_start": "EarlyStart",
    "early_finish": "EarlyFinish",
    "late_start": "LateStart",
    "late_finish": "LateFinish",
}
SLACK_TOLERANCE = 1  # minutes
EXTENSION = "mspdi"


@dataclass(frozen=True, slots=True)
class Difference:
    """One field of one task: the value in the file and the value Charter computed."""

    field: str
    stored: str
    computed: str

    def __str__(self) -> str:
        return f"{self.field} {self.computed} != {self.stored}"


@dataclass(frozen=True, slots=True)
class TaskDifference:
    key: str
    name: str
    differences: list[Difference]
    reason: str | None = None
    # The stored dates contradict the file itself (see ``audit``): Project did not recalculate them.
    file_contradicts_itself: bool = False


def compare_task(
    computed: Schedule,
    key: str,
    stored: Mapping[str, str | None],
    stored_slack: float | None = None,
) -> list[Difference] | str:
    """The fields of task ``key`` where Charter differs from ``stored`` (ISO local dates by
    field name of :data:`DATE_FIELDS`; slack in working minutes), or why it cannot compare.
    A stored date with seconds equals either of the two minutes around it (Charter counts in
    whole minutes)."""
    net = computed.network
    if key not in net.index:
        return "not in Charter's plan"
    t = net.index[key]
    leaf = net.leaf_of_task[t]
    if leaf < 0:
        return "a summary in Charter's plan"
    cal = net.leaf_calendar[leaf]
    found: list[Difference] = []
    for name in DATE_FIELDS:
        want = stored.get(name)
        if want is None:
            continue
        mine = getattr(computed, name)[t]
        if cal.work_at(mine) not in {cal.work_at(instant) for instant in stored_instants(net.axis, want)}:
            found.append(Difference(name, want[:16], f"{net.axis.local(mine):%Y-%m-%dT%H:%M}"))
    if stored_slack is not None and abs(computed.total_slack[t] - stored_slack) > SLACK_TOLERANCE:
        found.append(Difference("total_slack", f"{stored_slack:g}", str(computed.total_slack[t])))
    return found


def stored_dates(fields: Mapping[str, object]) -> tuple[dict[str, str | None], float | None]:
    """The dates and total slack (working minutes) an MSPDI task stored, from its extension fields."""
    dates: dict[str, str | None] = {}
    for name, element in MSPDI_DATE_FIELDS.items():
        value = fields.get(element)
        dates[name] = str(value) if value else None
    slack = fields.get("TotalSlack")
    try:
        minutes = float(str(slack)) / 10 if slack not in (None, "") else None
    except ValueError:
        minutes = None
    return dates, minutes


def file_differences(plan: Plan, computed: Schedule) -> list[TaskDifference]:
    """Every scheduled task of an imported plan whose computed dates differ from those stored in
    its file (summaries, manual and inactive tasks are not compared), with the reason if known."""
    project_fields = plan.project.extensions.get(EXTENSION, {})
    notes: list[str] = project_fields.get("notes", [])
    conflicts: dict[str, str] = {}
    for conflict in computed.conflicts:
        conflicts.setdefault(conflict.task, conflict.message)
    stored: dict[str, dict[str, str | None]] = {}
    found_by_key: dict[str, list[Difference]] = {}
    for task in plan.walk():
        fields = task.extensions.get(EXTENSION)
        if not fields:
            continue
        dates, slack = stored_dates(fields)
        stored[task.key] = dates
        if task.is_summary or task.manual or not task.active:
            continue
        found = compare_task(computed, task.key, dates, slack)
        if not isinstance(found, str) and found:
            found_by_key[task.key] = found
    finish = project_fields.get("FinishDate")
    audit = StoredDateAudit(computed, stored, set(found_by_key), str(finish) if finish else None)
    tasks = plan.task_map()
    out: list[TaskDifference] = []
    for key, found in found_by_key.items():
        told = conflicts.get(key) or _noted(key, notes)
        contradiction = None if told else audit.reason(key, {d.field for d in found})
        reason = told or contradiction or _likely_cause(tasks[key])
        out.append(TaskDifference(key, tasks[key].label, found, reason, contradiction is not None))
    return out


def _noted(key: str, notes: list[str]) -> str | None:
    mention = f"task UID {key}:"
    for note in notes:
        if note.startswith(mention):
            return note[len(mention) :].strip()
    return None


def _likely_cause(task: Task) -> str | None:
    if task.actual_start is not None or task.percent_complete > 0:
        return "in progress: Charter places the remaining work from the actuals and the status date"
    if task.duration is not None and task.duration.elapsed:
        return "elapsed duration"
    if any(assignment.contour == "contoured" for assignment in task.resources):
        return "a hand-edited work contour (Charter reads only its pauses)"
    return None
