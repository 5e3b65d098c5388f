"""Read Microsoft Project XML (MSPDI) into a :class:`~charter.domain.Plan`.

Tasks keep Project's UniqueID as their key (PLANFILE.md). Only a file's *inputs* are read into
the plan — durations, links, calendars, constraints, deadlines, actuals and the dates of
manually scheduled tasks; the dates Project computed are kept with everything else Charter
does not model under ``extensions["mspdi"]``, for comparison and export, never for scheduling.
Converted files leave out zero values (a missing ``Duration`` or ``Work`` means zero).
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path
from typing import Any

from charter.domain import (
    Assignment,
    Baseline,
    BaselineTask,
    Calendar,
    Constraint,
    ConstraintType,
    Duration,
    Link,
    LinkType,
    Plan,
    Project,
    Rate,
    Resource,
    Task,
)
from charter.domain.references import validate_references
from charter.domain.resource import RateChange, ResourceKind
from charter.domain.task import TaskType
from charter.domain.values import WorkUnits
from charter.errors import CharterError, ImportFileError, Location
from charter.formats.mspdi.actuals import ActualWork, time_entries
from charter.formats.mspdi.baselines import collect_baselines, split_baseline
from charter.formats.mspdi.calendars import read_calendar, unique_key
from charter.formats.mspdi.costs import ACCRUALS, money_from, rate_from
from charter.formats.mspdi.order import RESOURCE_COMPUTED
from charter.formats.mspdi.splits import read_splits
from charter.formats.mspdi.values import (
    CONTOURS,
    ESTIMATED_OFFSET,
    duration_in,
    lag_from,
    parse_datetime,
    parse_iso_minutes,
)
from charter.formats.mspdi.xmltree import INSTRUCTION, Node, parse_xml, read_instruction, read_xml_file
from charter.gcpause import paused_gc

CONSTRAINTS = {
    "0": ConstraintType.ASAP,
    "1": ConstraintType.ALAP,
    "2": ConstraintType.MSO,
    "3": ConstraintType.MFO,
    "4": ConstraintType.SNET,
    "5": ConstraintType.SNLT,
    "6": ConstraintType.FNET,
    "7": ConstraintType.FNLT,
}
LINK_TYPES = {"0": LinkType.FF, "1": LinkType.FS, "2": LinkType.SF, "3": LinkType.SS}
RESOURCE_KINDS: dict[str, ResourceKind] = {"0": "material", "1": "work", "2": "cost"}
TASK_TYPES: dict[str, TaskType] = {"0": "fixed_units", "1": "fixed_duration", "2": "fixed_work"}
UNASSIGNED = "-65535"
EXTENSION = "mspdi"

# Task elements read into the plan (the rest is kept under extensions).
_TASK_READ = frozenset(
    {
        "UID",
        "Name",
        "IsNull",
        "OutlineLevel",
        "Summary",
        "Milestone",
        "Type",
        "Duration",
        "DurationFormat",
        "Work",
        "ConstraintType",
        "ConstraintDate",
        "Deadline",
        "CalendarUID",
        "PercentComplete",
        "ActualStart",
        "ActualFinish",
        "RemainingDuration",
        "Active",
        "Manual",
        "ManualStart",
        "ManualFinish",
        "Priority",
        "Notes",
        "FixedCost",
        "FixedCostAccrual",
        "LevelingDelay",
        "LevelingDelayFormat",
        "PredecessorLink",
    }
)
# Resource elements read into the plan or derived from the tasks (the rest is kept under extensions).
_RESOURCE_READ = frozenset(
    {
        "UID",
        "Name",
        "Type",
        "IsNull",
        "EmailAddress",
        "MaxUnits",
        "StandardRate",
        "StandardRateFormat",
        "OvertimeRate",
        "OvertimeRateFormat",
        "CostPerUse",
        "CalendarUID",
        "IsCostResource",
        *RESOURCE_COMPUTED,
    }
)
_PROJECT_READ = frozenset(
    {
        "Name",
        "Title",
        "StartDate",
        "FinishDate",
        "ScheduleFromStart",
        "CalendarUID",
        "MinutesPerDay",
        "MinutesPerWeek",
        "DaysPerMonth",
        "StatusDate",
        "CurrencyCode",
        "Subject",
        "ExtendedAttributes",
        "Calendars",
        "Tasks",
        "Resources",
        "Assignments",
    }
)


def load_mspdi(path: str | Path) -> Plan:
    """Read the Microsoft Project XML file at ``path``."""
    data, name = read_xml_file(path)
    return parse_mspdi(data, name)


def parse_mspdi(data: bytes | str, name: str = "<mspdi>") -> Plan:
    """Read MSPDI text or bytes; ``name`` is used in error messages."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with paused_gc():
        root = parse_xml(raw, name)
        return _Reader(name, read_instruction(raw)).read(Node(root))


def _as_datetime(value: dt.date | dt.datetime | None) -> dt.datetime:
    if value is None:
        return dt.datetime(2000, 1, 1)
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


class _Reader:
    def __init__(self, name: str, instruction: str | None = None) -> None:
        self.name = name
        self.notes: list[str] = []
        self.kept = self.charter_data(instruction)
        self.units = WorkUnits()
        self.baselines: dict[int, dict[str, BaselineTask]] = {}
        # Per task UID, its first assignment with timephased work: resource key, units, periods.
        self.work_periods: dict[
            str, tuple[str | None, float, list[tuple[dt.datetime, dt.datetime, float]]]
        ] = {}
        self.actual_work: list[ActualWork] = []  # timephased actual work of resource assignments

    # -- helpers -----------------------------------------------------------------------
    def fail(self, where: str, what: str) -> ImportFileError:
        return ImportFileError(
            f"{where}: {what}",
            where=Location(file=self.name, path=where),
            fix="correct the value in Microsoft Project and save the XML again",
        )

    def note(self, text: str) -> None:
        self.notes.append(text)

    def date(self, node: Node, field: str, where: str) -> dt.datetime | None:
        text = node.text(field)
        if text is None:
            return None
        try:
            return parse_datetime(text)
        except ValueError as exc:
            raise self.fail(f"{where} {field}", str(exc)) from None

    def minutes(self, node: Node, field: str, where: str) -> float | None:
        text = node.text(field)
        if text is None:
            return None
        try:
            return parse_iso_minutes(text)
        except ValueError as exc:
            raise self.fail(f"{where} {field}", str(exc)) from None

    def number(self, node: Node, field: str, where: str) -> float | None:
        text = node.text(field)
        if text is None:
            return None
        try:
            return float(text)
        except ValueError:
            raise self.fail(f"{where} {field}", f"'{text}' is not a number") from None

    def integer(self, node: Node, field: str, where: str) -> int | None:
        value = self.number(node, field, where)
        return None if value is None else round(value)

    def charter_data(self, instruction: str | None) -> dict[str, Any]:
        """What Charter's writer kept in ``<?charter {json}?>``: the time zone, baseline dates."""
        if instruction is None:
            return {}
        try:
            data = json.loads(instruction)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self.note(f"the <?{INSTRUCTION} …?> instruction is not a JSON object; it is ignored")
            return {}
        zone = data.get("timezone")
        if zone is not None:
            try:
                zoneinfo.ZoneInfo(str(zone))
            except (ValueError, zoneinfo.ZoneInfoNotFoundError):
                self.note(f"the time zone '{zone}' is unknown here; the file is read in UTC")
                data.pop("timezone")
        return data

    def kept_baselines(self, baselines: list[Baseline]) -> list[Baseline]:
        """The baselines with the save dates and names the writer kept (MSPDI has neither)."""
        kept = self.kept.get("baselines")
        if not isinstance(kept, dict):
            return baselines
        for baseline in baselines:
            entry = kept.get(str(baseline.index))
            if not isinstance(entry, dict):
                continue
            try:
                if entry.get("saved") is not None:
                    baseline.saved = parse_datetime(str(entry["saved"]))
            except ValueError as exc:
                self.note(f"baseline {baseline.index}: its kept save date is wrong ({exc}); not used")
            if entry.get("name") is not None:
                baseline.name = str(entry["name"])
        return baselines

    # -- the document ------------------------------------------------------------------
    def read(self, root: Node) -> Plan:
        project = self.project(root)
        calendars, by_uid = self.calendars(root)
        calendar_uid = root.text("CalendarUID")
        if calendar_uid in by_uid:
            project.calendar = by_uid[calendar_uid]
        elif calendars:
            project.calendar = next(iter(calendars))
        resources, resource_keys = self.resources(root, by_uid)
        tasks = self.tasks(root, by_uid, resources, resource_keys)
        extra = project.extensions.setdefault(EXTENSION, {})
        uids = {key: uid for uid, key in by_uid.items() if uid.isdigit()}
        if uids:
            extra["calendar_uids"] = uids
        names = {n.text("UID"): n.text("Name") for n in root.all("Calendars/Calendar")}
        renamed = {key: names[uid] for uid, key in by_uid.items() if names.get(uid) not in (None, key)}
        if renamed:
            extra["calendar_names"] = renamed
        uids = {key: uid for uid, key in resource_keys.items() if uid.isdigit()}
        if uids:
            extra["resource_uids"] = uids
        actuals = recorded_actuals(tasks)
        if actuals is not None:
            extra["actuals"] = actuals
            by_day = sum(minutes for _, _, periods in self.actual_work for _, _, minutes in periods) / 60
            if by_day > 0:
                self.note(
                    f"the actual work the file records day by day ({by_day:g} h of {actuals['hours']:g} h "
                    "in all) came in as time entries, which charter evm prices with the resources' rates"
                )
            else:
                self.note(
                    f"the file records {actuals['hours']:g} h of actual work and an actual cost of "
                    f"{actuals['cost']:g} without the days it was done on, so they are not carried over "
                    "as time entries (log the time, e.g. charter evm --time-sheet)"
                )
        if self.notes:
            extra["notes"] = list(self.notes)
        saved = self.date(root, "LastSaved", "project") or _as_datetime(project.start or project.finish)
        plan = Plan(
            project=project,
            calendars=calendars,
            resources=resources,
            tasks=tasks,
            baselines=self.kept_baselines(collect_baselines(self.baselines, saved)),
        )
        try:
            validate_references(plan)
        except CharterError as exc:
            path = exc.where.path if exc.where is not None else None
            raise ImportFileError(exc.what, where=Location(file=self.name, path=path)) from None
        if self.work_periods:
            notes = read_splits(plan, self.work_periods)
            if notes:
                extra.setdefault("notes", []).extend(notes)
        if self.actual_work:
            plan.time_entries, left_out = time_entries(plan, self.actual_work)
            if left_out:
                extra.setdefault("notes", []).append(
                    f"{left_out:g} h of actual work on summary tasks or on tasks missing from the file "
                    "are left out of the time entries"
                )
        return plan

    def project(self, root: Node) -> Project:
        where = "project"
        per_day = self.number(root, "MinutesPerDay", where) or 480
        per_week = self.number(root, "MinutesPerWeek", where) or 2400
        per_month = self.number(root, "DaysPerMonth", where) or 20
        if not (30 <= per_day <= 1440 and 30 <= per_week <= 10080 and 1 <= per_month <= 31):
            raise self.fail(where, "MinutesPerDay, MinutesPerWeek or DaysPerMonth is out of range")
        self.units = WorkUnits(round(per_day), round(per_week), round(per_month))
        start = self.date(root, "StartDate", where)
        finish = self.date(root, "FinishDate", where)
        from_finish = root.text("ScheduleFromStart") == "0"
        if from_finish and finish is None:
            raise self.fail(where, "the project is scheduled from its finish but has no FinishDate")
        if not from_finish and start is None:
            raise self.fail(where, "the project has no StartDate")
        extra: dict[str, Any] = root.simple_fields(_PROJECT_READ)
        if from_finish and start is not None:
            extra["StartDate"] = root.text("StartDate")
        if not from_finish and finish is not None:
            extra["FinishDate"] = root.text("FinishDate")  # compared with, never scheduled from
        definitions = [a.simple_fields(frozenset()) for a in root.all("ExtendedAttributes/ExtendedAttribute")]
        if definitions:
            extra["ExtendedAttributes"] = definitions
        return Project(
            name=root.text("Title") or root.text("Name") or Path(self.name).stem,
            timezone=str(self.kept.get("timezone") or "UTC"),
            start=None if from_finish else start,
            finish=finish if from_finish else None,
            hours_per_day=per_day / 60,
            hours_per_week=per_week / 60,
            days_per_month=per_month,
            status_date=self.date(root, "StatusDate", where),
            currency=root.text("CurrencyCode") or root.text("CurrencySymbol"),
            description=root.text("Subject"),
            extensions={EXTENSION: extra},
        )

    def calendars(self, root: Node) -> tuple[dict[str, Calendar], dict[str, str]]:
        nodes = root.all("Calendars/Calendar")
        taken: set[str] = set()
        by_uid: dict[str, str] = {}
        for node in nodes:
            uid = node.text("UID")
            if uid is None:
                raise self.fail("a calendar", "it has no UID")
            if uid in by_uid:
                raise self.fail(f"calendar UID {uid}", "two calendars share this UID")
            by_uid[uid] = unique_key(node.text("Name") or "", taken, f"calendar-{uid}")
        result: dict[str, Calendar] = {}
        for node in nodes:
            uid = node.text("UID") or ""
            base = node.text("BaseCalendarUID")
            parent = (
                by_uid.get(base) if base not in (None, "-1") and node.text("IsBaseCalendar") != "1" else None
            )
            if base not in (None, "-1") and node.text("IsBaseCalendar") != "1" and parent is None:
                self.note(f"calendar UID {uid}: its base calendar UID {base} is missing")
            result[by_uid[uid]] = read_calendar(node, by_uid[uid], parent, self.fail, self.note)
        return result, by_uid

    def resources(self, root: Node, calendars: dict[str, str]) -> tuple[dict[str, Resource], dict[str, str]]:
        result: dict[str, Resource] = {}
        keys: dict[str, str] = {}
        taken: set[str] = set()
        for node in root.all("Resources/Resource"):
            uid = node.text("UID")
            if uid is None or node.text("IsNull") == "1" or (uid == "0" and node.text("Name") is None):
                continue
            where = f"resource UID {uid}"
            key = unique_key(node.text("Name") or "", taken, f"resource-{uid}")
            keys[uid] = key
            units = self.number(node, "MaxUnits", where)
            kind = RESOURCE_KINDS.get(node.text("Type") or "1", "work")
            resource = Resource(
                key=key,
                name=node.text("Name"),
                kind="cost" if node.text("IsCostResource") == "1" else kind,
                units=units if units is not None else 1.0,
                calendar=calendars.get(node.text("CalendarUID") or ""),
                email=node.text("EmailAddress"),
            )
            resource.rate, resource.overtime_rate, resource.cost_per_use = self.rates(node, where)
            extra: dict[str, Any] = node.simple_fields(_RESOURCE_READ)
            attributes = [a.simple_fields(frozenset()) for a in node.children("ExtendedAttribute")]
            if attributes:
                extra["ExtendedAttribute"] = attributes
            if extra:
                resource.extensions = {EXTENSION: extra}
            table = sorted(
                (row for row in node.all("Rates/Rate") if (row.text("RateTable") or "0") == "0"),
                key=lambda row: row.text("RatesFrom") or "",
            )
            if table and resource.kind == "work":  # a material keeps the rate Project shows now
                resource.rate, resource.overtime_rate, resource.cost_per_use = self.rates(table[0], where)
                resource.rates = [self.rate_change(row, where) for row in table[1:]]
            elif len(table) > 1:
                self.note(f"{where}: the rate changes of a {resource.kind} resource are left out")
            if any((row.text("RateTable") or "0") != "0" for row in node.all("Rates/Rate")):
                self.note(f"{where}: cost rate tables B to E are left out (Charter prices with table A)")
            result[key] = resource
        return result, keys

    def rates(
        self, node: Node, where: str, *, zero: bool = False
    ) -> tuple[Rate | None, Rate | None, float | None]:
        """The standard and overtime rate and the cost per use of a resource or rate-table row
        (``zero``: a 0 given is a rate of 0, not "none", as a change in a rate table)."""
        standard, overtime = (
            rate_from(self.number(node, name, where), node.text(f"{name}Format"), self.units, zero=zero)
            for name in ("StandardRate", "OvertimeRate")
        )
        return standard, overtime, money_from(self.number(node, "CostPerUse", where), zero=zero)

    def rate_change(self, row: Node, where: str) -> RateChange:
        effective = self.date(row, "RatesFrom", f"{where} rate table")
        if effective is None:
            raise self.fail(f"{where} rate table", "a row after the first has no RatesFrom")
        rate, overtime, per_use = self.rates(row, f"{where} rate table", zero=True)
        return RateChange(effective=effective.date(), rate=rate, overtime_rate=overtime, cost_per_use=per_use)

    # -- tasks -------------------------------------------------------------------------
    def tasks(
        self,
        root: Node,
        calendars: dict[str, str],
        resources: dict[str, Resource],
        resource_keys: dict[str, str],
    ) -> list[Task]:
        assignments: dict[str, list[Assignment]] = {}
        for node in root.all("Assignments/Assignment"):
            task_uid, resource_uid = node.text("TaskUID"), node.text("ResourceUID")
            if task_uid is not None and task_uid not in self.work_periods:
                periods = self.periods(node, ("1", "2"), "its split pauses are not read")
                if len(periods) > 1:
                    units = self.number(node, "Units", f"assignment UID {node.text('UID')}")
                    self.work_periods[task_uid] = (
                        resource_keys.get(resource_uid or ""),
                        units if units and units > 0 else 1.0,
                        periods,
                    )
            if task_uid is None or resource_uid in (None, UNASSIGNED) or resource_uid not in resource_keys:
                continue
            where = f"assignment UID {node.text('UID')}"
            key = resource_keys[resource_uid]
            kind = resources[key].kind
            if kind != "work":  # material: Units is the quantity; cost: the amount is its Cost
                quantity = self.number(node, "Units", where) if kind == "material" else None
                cost = money_from(self.number(node, "Cost", where)) if kind == "cost" else None
                assignments.setdefault(task_uid, []).append(
                    Assignment(resource=key, quantity=quantity, cost=cost)
                )
                continue
            done = self.periods(node, ("2",), "its actual work is not read as time entries")
            if any(minutes > 0 for _, _, minutes in done):
                self.actual_work.append((task_uid, key, done))
            work = self.minutes(node, "Work", where)
            remaining = self.minutes(node, "RemainingWork", where)
            assignments.setdefault(task_uid, []).append(
                Assignment(
                    resource=key,
                    units=self.number(node, "Units", where),
                    work=work_duration(work) if work else None,
                    remaining=(
                        work_duration(remaining) if remaining is not None and remaining != work else None
                    ),
                    contour=CONTOURS.get(node.text("WorkContour") or "0"),
                )
            )
        top: list[Task] = []
        stack: list[tuple[int, Task]] = []
        rows: list[tuple[Node, Task, Task | None]] = []
        seen: set[str] = set()
        for node in root.all("Tasks/Task"):
            uid = node.text("UID")
            if uid is None:
                raise self.fail(f"task ID {node.text('ID') or '?'}", "it has no UID")
            if node.text("IsNull") == "1":
                continue
            level = self.integer(node, "OutlineLevel", f"task UID {uid}")
            if uid == "0" or level == 0:
                continue  # the project summary row
            if uid in seen:
                raise self.fail(f"task UID {uid}", "two tasks share this UID")
            seen.add(uid)
            task = self.task(node, uid, calendars)
            task.resources = assignments.get(uid, [])
            depth = level if level is not None and level > 0 else 1
            while stack and stack[-1][0] >= depth:
                stack.pop()
            parent = stack[-1][1] if stack else None
            (parent.tasks if parent else top).append(task)
            if parent is not None and not parent.active:
                task.active = False  # the sub-tasks of an inactive summary are inactive too
            stack.append((depth, task))
            rows.append((node, task, parent))
        self.finish_summaries(rows)
        self.links(rows, seen)
        return top

    def periods(
        self, node: Node, kinds: tuple[str, ...], otherwise: str
    ) -> list[tuple[dt.datetime, dt.datetime, float]]:
        """An assignment's timephased work of ``kinds`` (1 remaining, 2 actual work) as
        (start, finish, minutes); a period that cannot be read is noted with ``otherwise``."""
        where = f"assignment UID {node.text('UID')} TimephasedData"
        found: list[tuple[dt.datetime, dt.datetime, float]] = []
        for item in node.children("TimephasedData"):
            if item.text("Type") not in kinds:
                continue
            try:
                start, finish = (
                    parse_datetime(item.text("Start") or ""),
                    parse_datetime(item.text("Finish") or ""),
                )
                minutes = parse_iso_minutes(item.text("Value") or "PT0S")
            except ValueError as exc:
                self.note(f"{where}: {exc}; {otherwise}")
                return []
            found.append((start, finish, minutes))
        found.sort()
        return found

    def task(self, node: Node, uid: str, calendars: dict[str, str]) -> Task:
        where = f"task UID {uid}"
        task = Task(key=uid, name=node.text("Name"))
        fmt = self.integer(node, "DurationFormat", where)
        minutes = self.minutes(node, "Duration", where) or 0.0
        task.duration = duration_in(minutes, fmt, self.units)
        work = self.minutes(node, "Work", where)
        if work:
            task.work = work_duration(work)
        task.milestone = node.text("Milestone") == "1"
        kind_code = node.text("Type")
        if kind_code is not None:
            task.type = TASK_TYPES.get(kind_code, "fixed_units")
        priority = self.integer(node, "Priority", where)
        if priority is not None:
            task.priority = min(max(priority, 0), 1000)
        kind = CONSTRAINTS.get(node.text("ConstraintType") or "0")
        if kind is None:
            raise self.fail(f"{where} ConstraintType", f"'{node.text('ConstraintType')}' is not 0-7")
        if kind is not ConstraintType.ASAP:
            date = self.date(node, "ConstraintDate", where) if kind.needs_date else None
            if kind.needs_date and date is None:
                self.note(f"{where}: {kind.value} constraint without a ConstraintDate is ignored")
            else:
                task.constraint = Constraint(type=kind, date=date)
        task.deadline = self.date(node, "Deadline", where)
        task.fixed_cost = money_from(self.number(node, "FixedCost", where))
        if task.fixed_cost is not None:
            accrual = ACCRUALS.get(node.text("FixedCostAccrual") or "3", "prorated")
            task.fixed_cost_accrual = None if accrual == "prorated" else accrual
        calendar = node.text("CalendarUID")
        if calendar not in (None, "-1"):
            if calendar not in calendars:
                self.note(f"{where}: its calendar UID {calendar} is missing; the project calendar is used")
            else:
                task.calendar = calendars[calendar]
        task.actual_start = self.date(node, "ActualStart", where)
        task.actual_finish = self.date(node, "ActualFinish", where)
        if task.actual_start is not None:
            percent = self.number(node, "PercentComplete", where) or 0.0
            task.percent_complete = 1.0 if task.actual_finish is not None else min(max(percent / 100, 0), 1)
            remaining = self.minutes(node, "RemainingDuration", where)
            if task.actual_finish is None:
                task.remaining = duration_in(remaining or 0.0, fmt, self.units)
        task.active = node.text("Active") != "0"
        task.manual = node.text("Manual") == "1"
        if task.manual:
            task.scheduled_start = self.date(node, "Start", where)
            task.scheduled_finish = self.date(node, "Finish", where)
        delay = self.number(node, "LevelingDelay", where)
        if delay:
            if delay < 0:
                raise self.fail(f"{where} LevelingDelay", f"'{node.text('LevelingDelay')}' is negative")
            delay_format = self.integer(node, "LevelingDelayFormat", where)
            task.leveling_delay = duration_in(delay / 10.0, delay_format, self.units)
        task.notes = node.text("Notes")
        extra: dict[str, Any] = node.simple_fields(_TASK_READ)
        kept = self.task_baselines(node, uid)
        if kept:
            extra["Baseline"] = kept
        attributes = [a.simple_fields(frozenset()) for a in node.children("ExtendedAttribute")]
        if attributes:
            extra["ExtendedAttribute"] = attributes
        if fmt is not None and fmt > ESTIMATED_OFFSET and "Estimated" not in extra:
            extra["Estimated"] = "1"  # the "?" of an estimated duration, kept where Project has it
        task.extensions = {EXTENSION: extra}
        return task

    def task_baselines(self, node: Node, uid: str) -> list[dict[str, str]]:
        """Read the task's baselines into ``self.baselines``; return the fields kept aside."""
        kept: list[dict[str, str]] = []
        for element in node.children("Baseline"):
            try:
                number, entry, rest = split_baseline(element.simple_fields(frozenset()))
            except ValueError as exc:
                raise self.fail(f"task UID {uid} Baseline", str(exc)) from None
            if entry is not None:
                self.baselines.setdefault(number, {})[uid] = entry
            if rest:
                kept.append(rest)
        return kept

    def finish_summaries(self, rows: list[tuple[Node, Task, Task | None]]) -> None:
        """A task with sub-tasks is a summary: its dates come from them, so it has no duration."""
        for _, task, _parent in rows:
            if task.tasks:
                if task.resources:
                    names = ", ".join(a.resource for a in task.resources)
                    self.note(
                        f"task UID {task.key}: its assignments ({names}) are left out: a summary task's "
                        "work and cost come from its sub-tasks in Charter; assign them to a sub-task"
                    )
                if task.fixed_cost:
                    self.note(
                        f"task UID {task.key}: its fixed cost ({task.fixed_cost:g}) is left out: a summary "
                        "task's cost comes from its sub-tasks in Charter; move it to a sub-task"
                    )
                    task.fixed_cost = task.fixed_cost_accrual = None
                task.duration = task.work = None
                task.milestone = task.manual = False
                task.scheduled_start = task.scheduled_finish = None
                task.actual_start = task.actual_finish = task.remaining = None
                task.percent_complete = 0.0
                task.resources = []

    def links(self, rows: list[tuple[Node, Task, Task | None]], known: set[str]) -> None:
        ancestors: dict[str, set[str]] = {}
        for _, task, parent in rows:
            ancestors[task.key] = ({parent.key} | ancestors[parent.key]) if parent else set()
        for node, task, _parent in rows:
            where = f"task UID {task.key}"
            for link in node.children("PredecessorLink"):
                pred = link.text("PredecessorUID")
                if pred is None:
                    raise self.fail(f"{where} PredecessorLink", "it has no PredecessorUID")
                if link.text("CrossProject") == "1":
                    self.note(f"{where}: the link from another project ({pred}) is left out")
                    continue
                if pred not in known:
                    self.note(
                        f"{where}: its predecessor UID {pred} is not a task in this file; link left out"
                    )
                    continue
                if pred == task.key or pred in ancestors[task.key] or task.key in ancestors[pred]:
                    self.note(f"{where}: the link with UID {pred} joins a task and its own summary; left out")
                    continue
                kind = LINK_TYPES.get(link.text("Type") or "1")
                if kind is None:
                    raise self.fail(f"{where} PredecessorLink Type", f"'{link.text('Type')}' is not 0-3")
                lag = self.integer(link, "LinkLag", where) or 0
                lag_format = self.integer(link, "LagFormat", where)
                task.links.append(
                    Link(predecessor=pred, type=kind, lag=lag_from(lag, lag_format, self.units))
                )


def recorded_actuals(tasks: list[Task]) -> dict[str, float] | None:
    """The actual work (hours) and actual cost Project recorded on the plan's tasks, if any."""
    hours = cost = 0.0
    for task in (task for top in tasks for task in top.walk() if not task.tasks):
        fields = task.extensions.get(EXTENSION, {})
        try:
            hours += parse_iso_minutes(str(fields.get("ActualWork") or "PT0H")) / 60
            cost += float(fields.get("ActualCost") or 0) / 100
        except ValueError:
            continue
    if hours <= 0 and cost <= 0:
        return None
    return {"hours": round(hours, 2), "cost": round(cost, 2)}


def work_duration(minutes: float) -> Duration:
    """Work as people write it: whole hours in hours (``72h``), anything finer in minutes."""
    return Duration(value=minutes / 60, unit="h") if minutes % 60 == 0 else Duration(value=minutes, unit="m")
