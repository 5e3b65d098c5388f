"""Write a :class:`~charter.domain.Plan` as Microsoft Project XML (MSPDI, Project 2010+ schema).

The file carries the plan's inputs (calendars, tasks with durations, links, constraints,
deadlines, progress, resources, assignments and baselines) and the dates Charter computes
(start, finish, early and late dates, slack, critical), so Project shows Charter's schedule.
What the reader kept under ``extensions["mspdi"]`` is written back; the fields Charter
computes replace their stored values. Task keys that are positive integers are the UIDs;
other keys get new UIDs, returned in :attr:`MspdiDocument.uids`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.domain import Calendar, LinkType, Plan, Rate, Resource, Task
from charter.domain.calendar import WEEKDAYS, Weekday
from charter.domain.task import ConstraintType, PlanDate
from charter.domain.values import Duration, Lag, TimeRange, WorkUnits
from charter.engine.calendar import compile_calendar
from charter.engine.cost import compile_costs
from charter.engine.cpm import Schedule, schedule
from charter.errors import CharterError
from charter.formats.mspdi.baselines import baseline_elements
from charter.formats.mspdi.costs import ACCRUAL_CODES, hundredths_text, rate_fields
from charter.formats.mspdi.order import PROJECT_ORDER, RESOURCE_COMPUTED, RESOURCE_ORDER, TASK_ORDER
from charter.formats.mspdi.values import CONTOUR_CODES, ESTIMATED_OFFSET, FORMAT_UNITS, number_text
from charter.formats.mspdi.xmltree import INSTRUCTION, NAMESPACE

EXTENSION = "mspdi"
RATES_FROM, RATES_TO = "1984-01-01", "2049-12-31T23:59:00"  # the span Project gives a rate table
CONSTRAINT_CODES = {
    ConstraintType.ASAP: "0",
    ConstraintType.ALAP: "1",
    ConstraintType.MSO: "2",
    ConstraintType.MFO: "3",
    ConstraintType.SNET: "4",
    ConstraintType.SNLT: "5",
    ConstraintType.FNET: "6",
    ConstraintType.FNLT: "7",
}
TASK_TYPE_CODES = {"fixed_units": "0", "fixed_duration": "1", "fixed_work": "2"}
LINK_CODES = {LinkType.FF: "0", LinkType.FS: "1", LinkType.SF: "2", LinkType.SS: "3"}
UNIT_FORMATS = {unit: code for code, unit in FORMAT_UNITS.items()}
PERCENT_FORMAT, ELAPSED_PERCENT_FORMAT = 19, 20
RESOURCE_TYPES = {"material": "0", "work": "1", "cost": "2"}
UNASSIGNED = "-65535"  # Project's ResourceUID for the work of a task without resources
_DAY_TYPES: dict[Weekday, str] = {day: str((i + 1) % 7 + 1) for i, day in enumerate(WEEKDAYS)}

# Task fields Charter computes: a stored value from the imported file is replaced, not kept.
COMPUTED_TASK_FIELDS = frozenset(
    {
        "ID",
        "OutlineNumber",
        "Start",
        "Finish",
        "EarlyStart",
        "EarlyFinish",
        "LateStart",
        "LateFinish",
        "TotalSlack",
        "FreeSlack",
        "StartSlack",
        "FinishSlack",
        "Critical",
        "StartVariance",
        "FinishVariance",
        "Cost",
    }
)
# Project-level extension entries that are Charter's own, not MSPDI elements.
PRIVATE_PROJECT_ENTRIES = frozenset(
    {"notes", "calendar_uids", "calendar_names", "resource_uids", "ExtendedAttributes", "actuals"}
)


def _rank(order: Iterable[str]) -> dict[str, int]:
    return {name: i for i, name in enumerate(order)}


_PROJECT_RANK = _rank(PROJECT_ORDER)
_TASK_RANK = _rank(TASK_ORDER)
_RESOURCE_RANK = _rank(RESOURCE_ORDER)


@dataclass
class MspdiDocument:
    """The written XML and the UIDs given to tasks whose keys are not numbers (key -> UID)."""

    xml: bytes
    uids: dict[str, int] = field(default_factory=dict)
    unsplit: list[str] = field(default_factory=list)
    """Keys of split tasks written without their pauses (started, elapsed or manual ones)."""


def dump_mspdi(plan: Plan, result: Schedule | None = None) -> MspdiDocument:
    """``plan`` as MSPDI; ``result`` is its schedule (computed here when not given)."""
    return _Writer(plan, result if result is not None else schedule(plan)).write()


def save_mspdi(plan: Plan, path: str | Path, result: Schedule | None = None) -> MspdiDocument:
    """Write ``plan`` as MSPDI to ``path`` atomically (a temporary file, then a rename)."""
    document = dump_mspdi(plan, result)
    write_atomic(Path(path), document.xml)
    return document


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then replace it."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CharterError(
            f"cannot write {path}: {exc.strerror}", fix="check that the folder exists and is writable"
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CharterError(
            f"cannot write {path}: {exc.strerror}", fix="check the path and free space"
        ) from None


# -- value formats -----------------------------------------------------------------------
def iso_duration(minutes: float) -> str:
    """510 minutes → ``PT8H30M0S`` (negative values get a leading ``-``)."""
    sign = "-" if minutes < 0 else ""
    seconds = round(abs(minutes) * 60)
    hours, rest = divmod(seconds, 3600)
    return f"{sign}PT{hours}H{rest // 60}M{rest % 60}S"


def as_datetime(value: PlanDate, *, end_of_day: bool = False) -> dt.datetime:
    """A plan date as local time: a bare day is its start, or its end for finish dates."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    day = dt.datetime(value.year, value.month, value.day)
    return day + dt.timedelta(days=1) if end_of_day else day


def exact_minutes(duration: Duration, units: WorkUnits) -> float:
    """A duration in minutes without rounding (MSPDI keeps seconds)."""
    return duration.value * units.minutes_per(duration.unit)


def date_text(value: PlanDate, *, end_of_day: bool = False) -> str:
    return as_datetime(value, end_of_day=end_of_day).strftime("%Y-%m-%dT%H:%M:%S")


def _clock(minutes: int) -> str:
    minutes %= 1440  # 24:00 is written 00:00:00, as Project does
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def duration_format(duration: Duration | None) -> str:
    return str(UNIT_FORMATS.get(duration.unit, 7) if duration is not None else 7)


def estimated_format(code: str) -> str:
    """A duration format code with Project's "estimated" flag (``7`` days → ``39`` days?)."""
    value = int(code)
    return str(value + ESTIMATED_OFFSET) if 3 <= value <= 21 else code


def _flag_set(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true")


def lag_fields(lag: Lag, predecessor_elapsed: bool, plan: Plan) -> tuple[str, str]:
    """``(LinkLag, LagFormat)``: tenths of a minute, or the percentage for % formats."""
    if lag.percent is not None:
        code = ELAPSED_PERCENT_FORMAT if predecessor_elapsed else PERCENT_FORMAT
        return number_text(lag.percent), str(code)
    if lag.amount is None:
        return "0", "7"
    tenths = round(exact_minutes(lag.amount, plan.project.work_units) * 10)
    return str(tenths), duration_format(lag.amount)


def _flag(value: bool) -> str:
    return "1" if value else "0"


def prices_anything(plan: Plan) -> bool:
    """Whether the plan holds any money: a rate, a cost per use, a fixed cost, a material or a cost."""
    if any(r.rate or r.overtime_rate or r.cost_per_use or r.rates for r in plan.resources.values()):
        return True
    return any(task.fixed_cost or any(a.cost or a.quantity for a in task.resources) for task in plan.walk())


# -- the writer --------------------------------------------------------------------------
class _Writer:
    def __init__(self, plan: Plan, result: Schedule) -> None:
        self.plan = plan
        self.result = result
        self.net = result.network
        self.extra: dict[str, Any] = plan.project.extensions.get(EXTENSION, {})
        self.calendar_uids: dict[str, int] = {}
        self.resource_uids: dict[str, int] = {}
        self.uids: dict[str, int] = {}
        self.generated: dict[str, int] = {}
        self.unsplit: list[str] = []
        self.costs = compile_costs(plan, baseline=None).task_budgets() if prices_anything(plan) else None

    def write(self) -> MspdiDocument:
        ET.register_namespace("", NAMESPACE)
        root = ET.Element(_tag("Project"))
        fields = self.project_fields()
        ordered = _in_order(fields, _PROJECT_RANK)
        for name, value in ordered:
            if name == "ExtendedAttributes":
                continue
            _add(root, name, value)
        self.extended_attributes(root)
        calendars = ET.SubElement(root, _tag("Calendars"))
        self.calendars(calendars)
        tasks = ET.SubElement(root, _tag("Tasks"))
        self.task_uids()
        self.tasks(tasks)
        resources = ET.SubElement(root, _tag("Resources"))
        self.resources(resources)
        assignments = ET.SubElement(root, _tag("Assignments"))
        self.assignments(assignments)
        for container in (resources, assignments):
            if not len(container):
                root.remove(container)
        ET.indent(root, space=" ")
        body = ET.tostring(root, encoding="utf-8", xml_declaration=False)
        xml = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + self.instruction() + body + b"\n"
        return MspdiDocument(xml=xml, uids=dict(self.generated), unsplit=list(self.unsplit))

    def instruction(self) -> bytes:
        """``<?charter {json}?>`` before the root: what the plan has and MSPDI has no element for
        (the time zone, baseline save dates and names). Project ignores it; Charter reads it."""
        data: dict[str, Any] = {}
        if self.plan.project.timezone != "UTC":
            data["timezone"] = self.plan.project.timezone
        baselines = {
            str(b.index): {
                "saved": b.saved.strftime("%Y-%m-%dT%H:%M:%S"),
                **({"name": b.name} if b.name else {}),
            }
            for b in self.plan.baselines
        }
        if baselines:
            data["baselines"] = baselines
        if not data:
            return b""
        # JSON escapes keep "?>" (and any markup) out of the instruction's text.
        text = json.dumps(data, ensure_ascii=True).replace(">", "\\u003e").replace("<", "\\u003c")
        return f"<?{INSTRUCTION} {text}?>\n".encode()

    # -- project ---------------------------------------------------------------------
    def project_fields(self) -> dict[str, str]:
        project = self.plan.project
        local = self.net.axis.local
        fields: dict[str, str] = {
            k: str(v)
            for k, v in self.extra.items()
            if k not in PRIVATE_PROJECT_ENTRIES and isinstance(v, str | int | float)
        }
        fields.setdefault("Name", project.name)
        fields["Title"] = project.name
        if project.description is not None:
            fields["Subject"] = project.description
        fields["ScheduleFromStart"] = _flag(not project.backward)
        start = project.start if project.start is not None else local(self.result.project_start)
        finish = project.finish if project.backward and project.finish is not None else None
        fields["StartDate"] = date_text(start)
        fields["FinishDate"] = (
            date_text(finish, end_of_day=True)
            if finish is not None
            else local(self.result.project_finish).strftime("%Y-%m-%dT%H:%M:%S")
        )
        if project.currency is not None and re.fullmatch(r"[A-Z]{3}", project.currency):
            fields["CurrencyCode"] = project.currency
        elif project.currency is not None:  # a symbol such as $, as files without a code have it
            fields["CurrencySymbol"] = project.currency
        fields["MinutesPerDay"] = str(round(project.hours_per_day * 60))
        fields["MinutesPerWeek"] = str(round(project.hours_per_week * 60))
        fields["DaysPerMonth"] = str(round(project.days_per_month))
        if project.status_date is not None:
            fields["StatusDate"] = date_text(project.status_date)
        else:
            fields.pop("StatusDate", None)
        fields["CalendarUID"] = ""  # filled in once calendars have UIDs; reserves its place in the order
        self.assign_calendar_uids()
        fields["CalendarUID"] = str(self.calendar_uids[project.calendar])
        return fields

    def extended_attributes(self, root: ET.Element) -> None:
        definitions = self.extra.get("ExtendedAttributes")
        if not definitions:
            return
        parent = ET.SubElement(root, _tag("ExtendedAttributes"))
        for definition in definitions:
            element = ET.SubElement(parent, _tag("ExtendedAttribute"))
            for name, value in definition.items():
                _add(element, name, str(value))

    # -- calendars -------------------------------------------------------------------
    def calendar_list(self) -> list[Calendar]:
        calendars = dict(self.plan.calendars)
        if self.plan.project.calendar not in calendars:
            calendars[self.plan.project.calendar] = Calendar.standard(self.plan.project.calendar)
        ordered: list[Calendar] = []
        done: set[str] = set()

        def visit(calendar: Calendar) -> None:
            if calendar.key in done:
                return
            done.add(calendar.key)
            if calendar.based_on in calendars:
                visit(calendars[calendar.based_on])
            ordered.append(calendar)

        for calendar in calendars.values():
            visit(calendar)
        return ordered

    def assign_calendar_uids(self) -> None:
        if self.calendar_uids:
            return
        known = _uid_map(self.extra.get("calendar_uids"))
        taken = set(known.values())
        following = max(taken, default=0) + 1
        for calendar in self.calendar_list():
            uid = known.get(calendar.key)
            if uid is None:
                while following in taken:
                    following += 1
                uid = following
                taken.add(uid)
            self.calendar_uids[calendar.key] = uid

    def calendars(self, parent: ET.Element) -> None:
        for calendar in self.calendar_list():
            element = ET.SubElement(parent, _tag("Calendar"))
            _add(element, "UID", str(self.calendar_uids[calendar.key]))
            _add(
                element, "Name", str((self.extra.get("calendar_names") or {}).get(calendar.key, calendar.key))
            )
            base = calendar.based_on if calendar.based_on in self.calendar_uids else None
            _add(element, "IsBaseCalendar", _flag(base is None))
            _add(element, "BaseCalendarUID", str(self.calendar_uids[base]) if base else "-1")
            days = ET.SubElement(element, _tag("WeekDays"))
            for day in WEEKDAYS:
                if day not in calendar.week and base is not None:
                    continue  # inherited from the base calendar
                week_day = ET.SubElement(days, _tag("WeekDay"))
                _add(week_day, "DayType", _DAY_TYPES[day])
                _hours(week_day, calendar.week.get(day, []))
            exceptions: list[tuple[dt.date, dt.date | None, list[TimeRange], str | None]] = [
                (d, None, [], None) for d in calendar.holidays
            ] + [(e.date, e.until, e.hours, e.name) for e in calendar.exceptions]
            if exceptions:
                holder = ET.SubElement(element, _tag("Exceptions"))
                for first, last, hours, name in sorted(exceptions, key=lambda e: e[0]):
                    item = ET.SubElement(holder, _tag("Exception"))
                    _add(item, "EnteredByOccurrences", "0")
                    period = ET.SubElement(item, _tag("TimePeriod"))
                    _add(period, "FromDate", f"{first.isoformat()}T00:00:00")
                    _add(period, "ToDate", f"{(last or first).isoformat()}T23:59:00")
                    _add(item, "Occurrences", "1")
                    if name:
                        _add(item, "Name", name)
                    _add(item, "Type", "1")
                    _hours(item, hours)

    # -- tasks -----------------------------------------------------------------------
    def task_uids(self) -> None:
        numeric: set[int] = set()
        for task in self.net.tasks:
            if task.key.isdigit() and task.key == str(int(task.key)) and int(task.key) > 0:
                numeric.add(int(task.key))
        following = max(numeric, default=0) + 1
        for task in self.net.tasks:
            if task.key.isdigit() and task.key == str(int(task.key)) and int(task.key) > 0:
                self.uids[task.key] = int(task.key)
            else:
                self.uids[task.key] = self.generated[task.key] = following
                following += 1

    def tasks(self, parent: ET.Element) -> None:
        result, net = self.result, self.net
        local = net.axis.local
        project = self.plan.project
        summary = ET.SubElement(parent, _tag("Task"))
        for name, value in (
            ("UID", "0"),
            ("ID", "0"),
            ("Name", project.name),
            ("OutlineNumber", "0"),
            ("OutlineLevel", "0"),
            ("Start", local(result.project_start).strftime("%Y-%m-%dT%H:%M:%S")),
            ("Finish", local(result.project_finish).strftime("%Y-%m-%dT%H:%M:%S")),
            ("Summary", "1"),
        ):
            _add(summary, name, value)
        if self.costs is not None:
            total = sum(self.costs[task.key] for task in self.plan.tasks)
            _add(summary, "Cost", hundredths_text(round(total, 2)))
        codes = net.wbs_codes()
        elapsed_leaf = {net.task_of_leaf[leaf]: net.duration_elapsed[leaf] for leaf in range(net.n_leaves)}
        for i, task in enumerate(net.tasks):
            fields = self.task_fields(i, task, codes[i], elapsed_leaf.get(i, False))
            element = ET.SubElement(parent, _tag("Task"))
            for name, value in _in_order(fields, _TASK_RANK):
                if name == "PredecessorLink":
                    self.links(element, task, elapsed_leaf)
                elif name == "ExtendedAttribute":
                    _extended_attributes(element, value)
                elif name == "Baseline":
                    for baseline in value:
                        holder = ET.SubElement(element, _tag("Baseline"))
                        for key, text in baseline:
                            _add(holder, key, text)
                else:
                    _add(element, name, value)

    def task_fields(self, i: int, task: Task, code: str, elapsed: bool) -> dict[str, Any]:
        result, net = self.result, self.net
        local = net.axis.local
        units = self.plan.project.work_units
        stored: dict[str, Any] = task.extensions.get(EXTENSION, {})
        fields: dict[str, Any] = {
            k: str(v)
            for k, v in stored.items()
            if k not in COMPUTED_TASK_FIELDS and isinstance(v, str | int | float)
        }

        def when(instant: int) -> str:
            return local(instant).strftime("%Y-%m-%dT%H:%M:%S")

        fields["UID"] = str(self.uids[task.key])
        fields["ID"] = str(i + 1)
        if task.name is not None:
            fields["Name"] = task.name
        fields["Active"] = _flag(task.active)
        fields["Manual"] = _flag(task.manual)
        fields["OutlineNumber"] = code
        fields["OutlineLevel"] = str(net.depth(i) + 1)
        fields["Priority"] = str(task.priority)
        fields["Start"], fields["Finish"] = when(result.start[i]), when(result.finish[i])
        if task.manual and task.scheduled_start is not None:  # exactly as entered
            fields["Start"] = date_text(task.scheduled_start)
            if task.scheduled_finish is not None:
                fields["Finish"] = date_text(task.scheduled_finish, end_of_day=True)
        if task.is_summary:
            fields["Duration"] = iso_duration(result.duration[i])
            fields["DurationFormat"] = "7"
        else:
            declared = task.duration
            minutes = exact_minutes(declared, units) if declared is not None else result.duration[i]
            fields["Duration"] = iso_duration(minutes)
            fields["DurationFormat"] = duration_format(declared) if declared else ("8" if elapsed else "7")
        if _flag_set(stored.get("Estimated")):
            fields["DurationFormat"] = estimated_format(fields["DurationFormat"])
        if task.work is not None:
            fields["Work"] = iso_duration(exact_minutes(task.work, units))
        fields["Milestone"] = _flag(task.milestone)
        if task.type is not None:
            fields["Type"] = TASK_TYPE_CODES[task.type]
        fields["Summary"] = _flag(task.is_summary)
        fields["Critical"] = _flag(result.critical[i])
        fields["EarlyStart"], fields["EarlyFinish"] = (
            when(result.early_start[i]),
            when(result.early_finish[i]),
        )
        fields["LateStart"], fields["LateFinish"] = when(result.late_start[i]), when(result.late_finish[i])
        fields["FreeSlack"] = str(result.free_slack[i] * 10)
        fields["TotalSlack"] = str(result.total_slack[i] * 10)
        if task.actual_start is not None or task.percent_complete:
            fields["PercentComplete"] = str(round(task.percent_complete * 100))
        if task.actual_start is not None:
            fields["ActualStart"] = date_text(task.actual_start)
        if task.actual_finish is not None:
            fields["ActualFinish"] = date_text(task.actual_finish, end_of_day=True)
        if task.remaining is not None:
            fields["RemainingDuration"] = iso_duration(exact_minutes(task.remaining, units))
        constraint = task.constraint
        fields["ConstraintType"] = CONSTRAINT_CODES[constraint.type] if constraint else "0"
        if constraint is not None and constraint.date is not None:
            fields["ConstraintDate"] = date_text(constraint.date, end_of_day=constraint.type.on_finish)
        if task.calendar is not None and task.calendar in self.calendar_uids:
            fields["CalendarUID"] = str(self.calendar_uids[task.calendar])
        if task.deadline is not None:
            fields["Deadline"] = date_text(task.deadline, end_of_day=True)
        if self.costs is not None:
            fields["Cost"] = hundredths_text(round(self.costs[task.key], 2))
        if task.fixed_cost is not None:
            fields["FixedCost"] = hundredths_text(task.fixed_cost)
            fields["FixedCostAccrual"] = ACCRUAL_CODES[task.fixed_cost_accrual or "prorated"]
        if task.notes is not None:
            fields["Notes"] = task.notes
        if task.leveling_delay is not None:
            fields["LevelingDelay"] = str(round(exact_minutes(task.leveling_delay, units) * 10))
            fields["LevelingDelayFormat"] = duration_format(task.leveling_delay)
        if task.manual and task.scheduled_start is not None:
            fields["ManualStart"] = date_text(task.scheduled_start)
            if task.scheduled_finish is not None:
                fields["ManualFinish"] = date_text(task.scheduled_finish, end_of_day=True)
        if task.links:
            fields["PredecessorLink"] = True
        attributes = stored.get("ExtendedAttribute")
        if attributes:
            fields["ExtendedAttribute"] = attributes
        baselines = baseline_elements(self.plan, task.key, stored.get("Baseline"))
        if baselines:
            fields["Baseline"] = baselines
        return fields

    def links(self, element: ET.Element, task: Task, elapsed_leaf: dict[int, bool]) -> None:
        for link in task.links:
            holder = ET.SubElement(element, _tag("PredecessorLink"))
            pred = self.net.index.get(link.predecessor)
            _add(holder, "PredecessorUID", str(self.uids.get(link.predecessor, link.predecessor)))
            _add(holder, "Type", LINK_CODES[link.type])
            _add(holder, "CrossProject", "0")
            lag, lag_format = lag_fields(
                link.lag, elapsed_leaf.get(pred, False) if pred is not None else False, self.plan
            )
            _add(holder, "LinkLag", lag)
            _add(holder, "LagFormat", lag_format)

    # -- resources and assignments ---------------------------------------------------
    def resources(self, parent: ET.Element) -> None:
        known = _uid_map(self.extra.get("resource_uids"))
        taken = set(known.values())
        following = max(taken, default=0) + 1
        for number, resource in enumerate(self.plan.resources.values(), start=1):
            uid = known.get(resource.key)
            if uid is None:
                while following in taken:
                    following += 1
                uid = following
                taken.add(uid)
            self.resource_uids[resource.key] = uid
            element = ET.SubElement(parent, _tag("Resource"))
            fields = self.resource_fields(resource, uid, number)
            for name, value in _in_order(fields, _RESOURCE_RANK):
                if name == "ExtendedAttribute":
                    _extended_attributes(element, value)
                elif name == "Rates":
                    self.rate_table(_add(element, "Rates", ""), resource)
                elif name == "StandardRate":
                    own_rates = (resource.rate, resource.overtime_rate, resource.cost_per_use)
                    self.rate_elements(element, resource, own_rates)
                else:
                    _add(element, name, value)

    def resource_fields(self, resource: Resource, uid: int, number: int) -> dict[str, Any]:
        """The resource's elements by name: the kept ones, then what Charter models (the rates
        are written together, at ``StandardRate``'s place)."""
        stored: dict[str, Any] = resource.extensions.get(EXTENSION, {})
        fields: dict[str, Any] = {
            k: str(v)
            for k, v in stored.items()
            if k not in RESOURCE_COMPUTED and isinstance(v, str | int | float)
        }
        fields["UID"], fields["ID"] = str(uid), str(number)
        fields["Name"] = resource.name or resource.key
        fields["Type"] = RESOURCE_TYPES[resource.kind]
        fields["IsNull"] = "0"
        if resource.email:
            fields["EmailAddress"] = resource.email
        fields["MaxUnits"] = number_text(resource.units)
        fields["StandardRate"] = ""
        if resource.calendar is not None and resource.calendar in self.calendar_uids:
            fields["CalendarUID"] = str(self.calendar_uids[resource.calendar])
        attributes = stored.get("ExtendedAttribute")
        if attributes:
            fields["ExtendedAttribute"] = attributes
        if resource.kind == "cost":
            fields["IsCostResource"] = "1"
        if resource.rates:
            fields["Rates"] = ""
        return fields

    def rate_elements(
        self,
        element: ET.Element,
        resource: Resource,
        rates: tuple[Rate | None, Rate | None, float | None],
    ) -> None:
        units = self.plan.project.work_units
        standard, overtime, per_use = rates
        material = resource.kind == "material"  # its standard rate is per unit of material
        for name, rate, per_unit in (("StandardRate", standard, material), ("OvertimeRate", overtime, False)):
            fields = rate_fields(rate, units, material=per_unit)
            if fields is not None:
                _add(element, name, fields[0])
                _add(element, f"{name}Format", fields[1])
        if per_use is not None:
            _add(element, "CostPerUse", hundredths_text(per_use))

    def rate_table(self, element: ET.Element, resource: Resource) -> None:
        """Cost rate table A: the resource's own rates from the start, then one row per change."""
        rows = resource.rate_rows()
        for n, (start, standard, overtime, per_use) in enumerate(rows):
            following = rows[n + 1][0] if n + 1 < len(rows) else None
            row = _add(element, "Rate", "")
            _add(row, "RatesFrom", f"{start or RATES_FROM}T00:00:00")
            until = f"{following - dt.timedelta(days=1)}T23:59:00" if following is not None else RATES_TO
            _add(row, "RatesTo", until)
            _add(row, "RateTable", "0")
            self.rate_elements(row, resource, (standard, overtime, per_use))

    def assignments(self, parent: ET.Element) -> None:
        number = 0
        units = self.plan.project.work_units
        for i, task in enumerate(self.net.tasks):
            written = False
            for assignment in task.resources:
                if assignment.resource not in self.resource_uids:
                    continue
                number += 1
                element = ET.SubElement(parent, _tag("Assignment"))
                _add(element, "UID", str(number))
                _add(element, "TaskUID", str(self.uids[task.key]))
                _add(element, "ResourceUID", str(self.resource_uids[assignment.resource]))
                if assignment.cost is not None:
                    _add(element, "Cost", hundredths_text(assignment.cost))
                if assignment.remaining is not None:
                    _add(element, "RemainingWork", iso_duration(exact_minutes(assignment.remaining, units)))
                share = assignment.quantity if assignment.quantity is not None else assignment.units
                if share is not None:
                    _add(element, "Units", number_text(share))
                if assignment.work is not None:
                    _add(element, "Work", iso_duration(exact_minutes(assignment.work, units)))
                if assignment.contour is not None:
                    _add(element, "WorkContour", CONTOUR_CODES[assignment.contour])
                if not written:  # the first assignment carries the split, as the reader expects
                    resource = self.plan.resources[assignment.resource]
                    share = assignment.units if assignment.units is not None else 1.0
                    self.timephased(element, number, self.split_periods(i, task, resource.calendar), share)
                written = True
            periods = [] if written else self.split_periods(i, task, None)
            if periods:  # a split task without resources: Project's unassigned assignment
                number += 1
                element = ET.SubElement(parent, _tag("Assignment"))
                _add(element, "UID", str(number))
                _add(element, "TaskUID", str(self.uids[task.key]))
                _add(element, "ResourceUID", UNASSIGNED)
                _add(element, "Units", "1")
                _add(element, "Work", iso_duration(sum(minutes for _, _, minutes in periods)))
                self.timephased(element, number, periods, 1.0)

    def split_periods(self, i: int, task: Task, calendar_key: str | None) -> list[tuple[int, int, int]]:
        """A split task's work as timephased periods ``(start, finish, minutes of duration)``:
        the stretches of work and, between them, the pauses with no work.

        Empty for tasks Project would not show split from remaining work: no pauses, summaries,
        milestones, manual, inactive, elapsed-duration and started tasks."""
        net = self.net
        leaf = net.leaf_of_task[i]
        if leaf < 0 or not task.splits or not task.active:
            return []
        if task.manual or task.actual_start is not None or net.duration_elapsed[leaf]:
            if task.key not in self.unsplit:
                self.unsplit.append(task.key)
            return []
        units = self.plan.project.work_units
        pauses = [(s.after.minutes(units), s.pause.minutes(units)) for s in task.splits]
        pauses = [(after, pause) for after, pause in pauses if pause > 0]
        calendar = net.leaf_calendar[leaf]
        if calendar_key is not None:
            calendar = net.calendars.get(calendar_key) or compile_calendar(
                self.plan, calendar_key, net.axis, net.axis.local(self.result.start[i]).date()
            )
        start, finish = self.result.start[i], self.result.finish[i]
        origin = calendar.work_at(start)
        work = calendar.between(start, finish) - sum(pause for _, pause in pauses)
        periods: list[tuple[int, int, int]] = []
        done = paused = 0
        for after, pause in pauses:
            if after <= done or after >= work:
                continue
            begin = calendar.start_at(origin + done + paused)
            periods.append((begin, calendar.finish_at(origin + after + paused), after - done))
            periods.append(
                (
                    calendar.start_at(origin + after + paused),
                    calendar.finish_at(origin + after + paused + pause),
                    0,
                )
            )
            done, paused = after, paused + pause
        if not periods:
            return []
        periods.append((calendar.start_at(origin + done + paused), finish, work - done))
        return periods

    def timephased(
        self, element: ET.Element, uid: int, periods: list[tuple[int, int, int]], share: float
    ) -> None:
        """Remaining work (``Type`` 1) per period: the duration's minutes at the assignment's units."""
        local = self.net.axis.local
        for start, finish, minutes in periods:
            holder = ET.SubElement(element, _tag("TimephasedData"))
            _add(holder, "Type", "1")
            _add(holder, "UID", str(uid))
            _add(holder, "Start", local(start).strftime("%Y-%m-%dT%H:%M:%S"))
            _add(holder, "Finish", local(finish).strftime("%Y-%m-%dT%H:%M:%S"))
            _add(holder, "Unit", "2")
            _add(holder, "Value", iso_duration(minutes * share))


def _uid_map(value: Any) -> dict[str, int]:
    """A recorded key -> UID map (values may have become text in a plan file); bad entries dropped."""
    out: dict[str, int] = {}
    if isinstance(value, dict):
        for key, uid in value.items():
            try:
                out[str(key)] = int(uid)
            except (TypeError, ValueError):
                continue
    return out


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _in_order(fields: dict[str, Any], rank: dict[str, int]) -> list[tuple[str, Any]]:
    """The fields in the schema's element order (unknown names last, as they came)."""
    return sorted(fields.items(), key=lambda item: rank.get(item[0], len(rank)))


def _extended_attributes(element: ET.Element, attributes: list[dict[str, Any]]) -> None:
    for attribute in attributes:
        holder = ET.SubElement(element, _tag("ExtendedAttribute"))
        for key, text in attribute.items():
            _add(holder, key, str(text))


def _add(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(name))
    element.text = text
    return element


def _hours(parent: ET.Element, hours: list[TimeRange]) -> None:
    _add(parent, "DayWorking", _flag(bool(hours)))
    if hours:
        times = ET.SubElement(parent, _tag("WorkingTimes"))
        for span in hours:
            time = ET.SubElement(times, _tag("WorkingTime"))
            _add(time, "FromTime", _clock(span.start))
            _add(time, "ToTime", _clock(span.end))
