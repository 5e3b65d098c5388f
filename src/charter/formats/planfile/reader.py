"""Read a plan file (YAML, format version 1) into a validated :class:`~charter.domain.Plan`.

Every mistake raises a :class:`~charter.errors.CharterError` that names the file, line and
column, says what is wrong and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml

from charter.domain import (
    FORMAT_VERSION,
    Amount,
    Assignment,
    Baseline,
    BaselineTask,
    Calendar,
    CalendarException,
    Constraint,
    ConstraintType,
    Duration,
    Lag,
    Link,
    LinkType,
    Plan,
    PlanDate,
    Project,
    Rate,
    Resource,
    Risk,
    RiskDelay,
    Task,
    ThreePoint,
    TimeRange,
)
from charter.domain.calendar import Weekday
from charter.domain.references import validate_references
from charter.domain.risk import (
    Correlation,
    Distribution,
    DistributionSpec,
    Mitigation,
    RiskMatrix,
    RiskNote,
)
from charter.domain.task import SkillNeed, Split
from charter.domain.values import WorkUnits, format_number, parse_percent, parse_time_ranges
from charter.errors import (
    CharterError,
    ConstraintConflictError,
    DuplicateKeyError,
    Location,
    PlanFileError,
    UnknownKeyError,
    ValueFormatError,
    did_you_mean,
)
from charter.formats.planfile import costs as money
from charter.formats.planfile import keys as K  # noqa: N812
from charter.formats.planfile.yamlnodes import NULL_WORDS, Source, compose
from charter.gcpause import paused_gc

T = TypeVar("T")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$")
_DEFAULT_UNITS = WorkUnits()
_LINK_RE = re.compile(r"^\s*(\S+?)\s*(?:\s([+-].*))?$")


def parse_date(text: str) -> PlanDate:
    """``2027-01-04`` → a day; ``2027-01-04T08:00`` (or with a space) → a local time."""
    raw = text.strip()
    match = _DATE_RE.match(raw)
    if not match:
        raise ValueError(
            f"'{raw}' is not a date; write YYYY-MM-DD (like 2027-01-04) "
            "or YYYY-MM-DDTHH:MM (like 2027-01-04T08:00)"
        )
    year, month, day, hour, minute, second = match.groups()
    try:
        if hour is None:
            return dt.date(int(year), int(month), int(day))
        if hour == "24" and minute == "00":
            return dt.datetime(int(year), int(month), int(day)) + dt.timedelta(days=1)
        return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError as exc:
        raise ValueError(f"'{raw}' is not a real date ({exc})") from None


def load_plan(path: str | Path) -> Plan:
    """Read and validate the plan file at ``path``."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CharterError(
            f"no such file: {file}", fix="check the path; `charter init FILE` creates a new plan"
        ) from exc
    except UnicodeDecodeError as exc:
        raise PlanFileError(
            f"{file} is not UTF-8 text", fix="save the plan file as UTF-8 (plan files are YAML text)"
        ) from exc
    except OSError as exc:
        raise CharterError(f"cannot read {file}: {exc.strerror}") from exc
    return parse_plan(text, str(file))


def parse_plan(text: str, name: str = "<plan>") -> Plan:
    """Read plan-file text; ``name`` is used in error messages."""
    with paused_gc():
        return _Reader(Source(name, text)).read()


SectionName = Literal["calendars", "resources", "risks"]


def parse_section(text: str, section: SectionName, name: str = "<section>") -> Any:
    """Read one section of a plan file on its own (``calendars:``, ``resources:``, ``risks:``),
    with the reader's checks and messages but without the plan's cross-references: what a
    section returns in a ``Plan`` (a mapping by key, or the list of risks)."""
    reader = _Reader(Source(name, text))
    root = compose(reader.source)
    if root is None:
        raise PlanFileError(f"the {section} section is empty", where=Location(file=name))
    parse: Callable[[yaml.Node], Any] = getattr(reader, section)
    return parse(root)


class _Reader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.locations: dict[str, Location] = {}
        self.units = _DEFAULT_UNITS

    # -- error helpers -----------------------------------------------------------------
    def at(self, node: yaml.Node, path: str | None = None) -> Location:
        return self.source.at(node, path)

    def fail(
        self, node: yaml.Node, what: str, fix: str | None = None, path: str | None = None
    ) -> PlanFileError:
        return ValueFormatError(what, where=self.at(node, path), fix=fix)

    # -- node access -------------------------------------------------------------------
    def mapping(self, node: yaml.Node, path: str, known: dict[str, str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{path} should be a mapping of keys to values", path=path)
        result: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = self.scalar_text(key_node)
            if key not in known:
                hint = did_you_mean(key, known)
                allowed = ", ".join(known)
                raise UnknownKeyError(
                    f"unknown key '{key}' in {path}",
                    where=self.at(key_node),
                    fix=f"{hint} " if hint else f"remove it; allowed here: {allowed}",
                )
            result[key] = value
        return result

    def scalar_text(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, "expected a single value here, not a list or mapping")
        return str(node.value)

    def is_null(self, node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.style is None and node.value in NULL_WORDS

    def text(self, node: yaml.Node, path: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or self.is_null(node):
            raise self.fail(node, f"{path} should be text", path=path)
        return str(node.value)

    def number(
        self, node: yaml.Node, path: str, *, low: float | None = None, high: float | None = None
    ) -> float:
        raw = self.text(node, path)
        try:
            value = float(raw)
        except ValueError:
            raise self.fail(node, f"{path} should be a number, not '{raw}'", path=path) from None
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"between {low:g} and {high:g}" if low is not None and high is not None else ""
            raise self.fail(node, f"{path} is {raw}; it must be {bounds}".rstrip(), path=path)
        return value

    def integer(self, node: yaml.Node, path: str, *, low: int, high: int) -> int:
        value = self.number(node, path, low=low, high=high)
        if value != int(value):
            raise self.fail(node, f"{path} should be a whole number", path=path)
        return int(value)

    def boolean(self, node: yaml.Node, path: str) -> bool:
        raw = self.text(node, path).lower()
        if raw in ("true", "yes", "on"):
            return True
        if raw in ("false", "no", "off"):
            return False
        raise self.fail(node, f"{path} should be true or false, not '{raw}'", path=path)

    def listing(self, node: yaml.Node, path: str) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if isinstance(node, yaml.ScalarNode) and not self.is_null(node):
            return [node]  # a single item may be written without brackets
        if self.is_null(node):
            return []
        raise self.fail(node, f"{path} should be a list, like [a, b]", path=path)

    def strings(self, node: yaml.Node, path: str) -> list[str]:
        return [self.text(item, f"{path}[{i}]") for i, item in enumerate(self.listing(node, path))]

    def parsed(self, node: yaml.Node, path: str, parse: Callable[[str], T]) -> T:
        raw = self.text(node, path)
        try:
            return parse(raw)
        except ValueError as exc:
            raise self.fail(node, f"{path}: {exc}", path=path) from None

    def date(self, node: yaml.Node, path: str) -> PlanDate:
        return self.parsed(node, path, parse_date)

    def duration(self, node: yaml.Node, path: str) -> Duration:
        raw = self.text(node, path)
        if re.fullmatch(r"\s*\d+(\.\d+)?\s*", raw):
            raise self.fail(
                node,
                f"{path}: '{raw}' has no unit",
                fix=f"write {raw.strip()}d for days or {raw.strip()}h for hours",
                path=path,
            )
        return self.parsed(node, path, Duration.parse)

    def fraction(self, node: yaml.Node, path: str, *, high: float | None = 1.0) -> float:
        """``40%`` or a fraction like 0.4."""
        raw = self.text(node, path).strip()
        if raw.endswith("%"):
            value = self.parsed(node, path, parse_percent)
        else:
            try:
                value = float(raw)
            except ValueError:
                raise self.fail(
                    node, f"{path}: '{raw}' is not a percentage; write it like 40%", path=path
                ) from None
            if value > 1 and high == 1.0:
                raise self.fail(
                    node, f"{path}: {raw} is above 1", fix=f"write {raw}% for a percentage", path=path
                )
        if value < 0 or (high is not None and value > high):
            top = "" if high is None else f" (0% to {high * 100:g}%)"
            raise self.fail(node, f"{path}: {raw} is out of range{top}", path=path)
        return value

    def choice(self, node: yaml.Node, path: str, options: tuple[str, ...], *, upper: bool = False) -> str:
        raw = self.text(node, path).strip()
        value = raw.upper() if upper else raw.lower()
        if value not in options:
            hint = did_you_mean(value, options)
            raise self.fail(node, f"{path}: '{raw}' is not one of {', '.join(options)}", fix=hint, path=path)
        return value

    def key(self, node: yaml.Node, path: str, what: str) -> str:
        raw = self.text(node, path)
        if not K.KEY_RE.match(raw):
            suggestion = re.sub(r"[^a-z0-9_.-]+", "-", raw.strip().lower()).strip("-_.") or "a1"
            raise self.fail(
                node,
                f"{what} key '{raw}' is not allowed; keys use lower-case letters, digits, '_', '.', '-' "
                "and start with a letter or digit",
                fix=f"use '{suggestion}'",
                path=path,
            )
        return raw

    # -- sections ----------------------------------------------------------------------
    def read(self) -> Plan:
        root = compose(self.source)
        if root is None:
            raise PlanFileError(
                "the plan file is empty",
                where=Location(file=self.source.name),
                fix="start from `charter init FILE`, or write at least: charter: 1, project: {name, start}",
            )
        top = self.mapping(root, "the plan", K.TOP)
        if "charter" not in top:
            raise PlanFileError(
                "the plan file does not say its format version",
                where=self.at(root),
                fix=f"add `charter: {FORMAT_VERSION}` as the first line",
            )
        version_node = top["charter"]
        version = self.text(version_node, "charter")
        if version != str(FORMAT_VERSION):
            raise self.fail(
                version_node,
                f"plan-file format version {version} is not supported by this Charter",
                fix=f"this Charter reads `charter: {FORMAT_VERSION}`; upgrade Charter for newer files",
            )
        if "project" not in top:
            raise PlanFileError(
                "the plan has no project section",
                where=self.at(root),
                fix="add project: {name: ..., start: YYYY-MM-DD}",
            )
        project = self.project(top["project"])
        self.units = project.work_units
        calendars = self.calendars(top["calendars"]) if "calendars" in top else {}
        resources = self.resources(top["resources"]) if "resources" in top else {}
        tasks = self.tasks(top["tasks"], "tasks") if "tasks" in top else []
        risks = self.risks(top["risks"]) if "risks" in top else []
        correlation = self.correlation(top["correlation"]) if "correlation" in top else []
        risk_matrix = self.risk_matrix(top["risk_matrix"]) if "risk_matrix" in top else None
        baselines = self.baselines(top["baselines"]) if "baselines" in top else []
        accounts = money.read_cost_accounts(self, top["cost_accounts"]) if "cost_accounts" in top else {}
        plan = Plan(
            project=project,
            calendars=calendars,
            resources=resources,
            tasks=tasks,
            risks=risks,
            correlation=correlation,
            risk_matrix=risk_matrix,
            baselines=baselines,
            cost_accounts=accounts,
            time_entries=money.read_time_entries(self, top["time_entries"]) if "time_entries" in top else [],
            expenses=money.read_expenses(self, top["expenses"]) if "expenses" in top else [],
            progress=money.read_progress(self, top["progress"]) if "progress" in top else [],
        )
        plan.set_locations(self.locations)
        validate_references(plan)
        money.check_references(plan)
        return plan

    def project(self, node: yaml.Node) -> Project:
        m = self.mapping(node, "project", K.PROJECT)
        self.locations["project"] = self.at(node, "project")
        if "name" not in m:
            raise PlanFileError(
                "the project has no name", where=self.at(node, "project"), fix="add name: ..."
            )
        values: dict[str, object] = {"name": self.text(m["name"], "project.name")}
        for field in ("start", "finish", "status_date"):
            if field in m:
                values[field] = self.date(m[field], f"project.{field}")
                self.locations[f"project.{field}"] = self.at(m[field], f"project.{field}")
        if "start" in values and "finish" in values:
            raise PlanFileError(
                "the project has both a start and a finish date",
                where=self.at(m["finish"], "project.finish"),
                fix="keep start: to schedule forward, or finish: to schedule backward — not both",
            )
        if "start" not in values and "finish" not in values:
            raise PlanFileError(
                "the project has neither a start nor a finish date",
                where=self.at(node, "project"),
                fix="add start: YYYY-MM-DD (or finish: YYYY-MM-DD to schedule backward)",
            )
        for field in ("timezone", "calendar", "currency", "description"):
            if field in m:
                values[field] = self.text(m[field], f"project.{field}")
        if "calendar" in m:
            self.locations["project.calendar"] = self.at(m["calendar"], "project.calendar")
        if "timezone" in m:
            self.locations["project.timezone"] = self.at(m["timezone"], "project.timezone")
        limits = {"hours_per_day": (0.5, 24.0), "hours_per_week": (0.5, 168.0), "days_per_month": (1.0, 31.0)}
        for field, (low, high) in limits.items():
            if field in m:
                values[field] = self.number(m[field], f"project.{field}", low=low, high=high)
        if "extensions" in m:
            values["extensions"] = self.extensions(m["extensions"], "project.extensions")
        money.read_project(self, m, values)
        return Project.model_validate(values)

    def extensions(self, node: yaml.Node, path: str) -> dict[str, Any]:
        """Data kept for other tools: a mapping of text, lists and mappings, taken as it is."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{path} should be a mapping", path=path)
        value = self.free_data(node)
        assert isinstance(value, dict)
        return value

    def free_data(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return {self.scalar_text(k): self.free_data(v) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [self.free_data(item) for item in node.value]
        return None if self.is_null(node) else str(node.value)

    def calendars(self, node: yaml.Node) -> dict[str, Calendar]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, "calendars should be a mapping of calendar keys to calendars")
        result: dict[str, Calendar] = {}
        for key_node, value in node.value:
            key = self.key(key_node, "calendars", "calendar")
            path = f"calendars.{key}"
            self.locations[f"calendar:{key}"] = self.at(key_node, path)
            m = self.mapping(value, path, K.CALENDAR) if not self.is_null(value) else {}
            calendar = Calendar(key=key)
            if "based_on" in m:
                calendar.based_on = self.text(m["based_on"], f"{path}.based_on")
                self.locations[f"calendar:{key}.based_on"] = self.at(m["based_on"], f"{path}.based_on")
            if "week" in m:
                calendar.week = self.week(m["week"], f"{path}.week")
            if "holidays" in m:
                calendar.holidays = [
                    _as_day(self.date(item, f"{path}.holidays[{i}]"))
                    for i, item in enumerate(self.listing(m["holidays"], f"{path}.holidays"))
                ]
            if "exceptions" in m:
                calendar.exceptions = [
                    self.exception(item, f"{path}.exceptions[{i}]")
                    for i, item in enumerate(self.listing(m["exceptions"], f"{path}.exceptions"))
                ]
            result[key] = calendar
        return result

    def week(self, node: yaml.Node, path: str) -> dict[Weekday, list[TimeRange]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(
                node, f'{path} should map weekdays to hours, like mon-fri: "08:00-17:00"', path=path
            )
        week: dict[Weekday, list[TimeRange]] = {}
        for key_node, value in node.value:
            spec = self.scalar_text(key_node).strip().lower()
            days = self.weekdays(key_node, spec, path)
            hours = [] if self.is_null(value) else self.parsed(value, f"{path}.{spec}", parse_time_ranges)
            for day in days:
                if day in week:
                    raise DuplicateKeyError(
                        f"{day} is given twice in {path}",
                        where=self.at(key_node, path),
                        fix="list each weekday once",
                    )
                week[day] = hours
        return week

    def weekdays(self, node: yaml.Node, spec: str, path: str) -> list[Weekday]:
        names = K.WEEKDAY_NAMES
        days: list[Weekday] = []
        for part in spec.split(","):
            part = part.strip()
            ends = [p.strip() for p in part.split("-")]
            if len(ends) > 2 or any(e not in names for e in ends):
                raise self.fail(
                    node,
                    f"'{part}' in {path} is not a weekday or range of weekdays",
                    fix="use mon, tue, wed, thu, fri, sat, sun, or ranges like mon-fri, and commas: sat, sun",
                    path=path,
                )
            a, b = names.index(ends[0]), names.index(ends[-1])
            if b < a:
                raise self.fail(
                    node, f"'{part}' runs backwards", fix=f"write {ends[-1]}-{ends[0]}", path=path
                )
            days.extend(names[a : b + 1])  # type: ignore[arg-type]
        return days

    def exception(self, node: yaml.Node, path: str) -> CalendarException:
        if isinstance(node, yaml.ScalarNode):
            return CalendarException(date=_as_day(self.date(node, path)))
        m = self.mapping(node, path, K.EXCEPTION)
        if "date" not in m:
            raise PlanFileError(f"{path} has no date", where=self.at(node, path), fix="add date: YYYY-MM-DD")
        exception = CalendarException(date=_as_day(self.date(m["date"], f"{path}.date")))
        if "until" in m:
            exception.until = _as_day(self.date(m["until"], f"{path}.until"))
            if exception.until < exception.date:
                raise self.fail(m["until"], f"{path}.until is before its date", path=path)
        if "hours" in m and not self.is_null(m["hours"]):
            exception.hours = self.parsed(m["hours"], f"{path}.hours", parse_time_ranges)
        if "name" in m:
            exception.name = self.text(m["name"], f"{path}.name")
        return exception

    def resources(self, node: yaml.Node) -> dict[str, Resource]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, "resources should be a mapping of resource keys to resources")
        result: dict[str, Resource] = {}
        for key_node, value in node.value:
            key = self.key(key_node, "resources", "resource")
            path = f"resources.{key}"
            self.locations[f"resource:{key}"] = self.at(key_node, path)
            m = self.mapping(value, path, K.RESOURCE) if not self.is_null(value) else {}
            resource = Resource(key=key)
            for field in ("name", "email"):
                if field in m:
                    setattr(resource, field, self.text(m[field], f"{path}.{field}"))
            if "kind" in m:
                resource.kind = self.choice(m["kind"], f"{path}.kind", K.RESOURCE_KINDS)  # type: ignore[assignment]
            if "units" in m:
                resource.units = self.fraction(m["units"], f"{path}.units", high=None)
            if "calendar" in m:
                resource.calendar = self.text(m["calendar"], f"{path}.calendar")
                self.locations[f"resource:{key}.calendar"] = self.at(m["calendar"], f"{path}.calendar")
            for field in ("rate", "overtime_rate"):
                if field in m:
                    setattr(resource, field, self.rate(m[field], f"{path}.{field}"))
            if "cost_per_use" in m:
                resource.cost_per_use = self.number(m["cost_per_use"], f"{path}.cost_per_use", low=0)
            if "skills" in m:
                resource.skills = self.strings(m["skills"], f"{path}.skills")
            if "rates" in m:
                resource.rates = money.read_rates(self, m["rates"], f"{path}.rates")
            if "extensions" in m:
                resource.extensions = self.extensions(m["extensions"], f"{path}.extensions")
            result[key] = resource
        return result

    def rate(self, node: yaml.Node, path: str) -> Rate:
        raw = self.text(node, path).strip()
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:/\s*(h|d|w|mo|use))?", raw)
        if not match:
            raise self.fail(
                node,
                f"{path}: '{raw}' is not a rate",
                fix="write an amount per unit, like 95/h, 700/d or 50/use",
                path=path,
            )
        return Rate(amount=float(match.group(1)), per=match.group(2) or "h")

    def tasks(self, node: yaml.Node, path: str) -> list[Task]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(
                node, f"{path} should be a list of tasks, each starting with '- key: ...'", path=path
            )
        return [self.task(item, f"{path}[{i}]") for i, item in enumerate(node.value)]

    def task(self, node: yaml.Node, path: str) -> Task:
        if isinstance(node, yaml.MappingNode):
            for key_node, value in node.value:
                if getattr(key_node, "value", None) == "key" and isinstance(value, yaml.ScalarNode):
                    path = f"task '{value.value}'"
        m = self.mapping(node, path, K.TASK)
        if "key" not in m:
            raise PlanFileError(
                f"{path} has no key", where=self.at(node, path), fix="add key: a-short-unique-name"
            )
        key = self.key(m["key"], f"{path}.key", "task")
        seen_before = f"task:{key}" in self.locations
        self.locations[f"task:{key}#2" if seen_before else f"task:{key}"] = self.at(m["key"], path)
        task = Task(key=key)
        tp = f"task '{key}'"
        if "name" in m:
            task.name = self.text(m["name"], f"{tp} name")
        for field in ("duration", "work", "remaining"):
            if field in m:
                setattr(task, field, self.duration(m[field], f"{tp} {field}"))
        if "estimate" in m:
            task.estimate = self.estimate(m["estimate"], f"{tp} estimate")
        if "leveling_delay" in m:
            task.leveling_delay = self.duration(m["leveling_delay"], f"{tp} leveling_delay")
        if "splits" in m:
            task.splits = self.splits(m["splits"], task)
        if "level" in m:
            task.level = self.boolean(m["level"], f"{tp} level")
        if "needs" in m:
            task.needs = [
                self.need(item, f"{tp} needs[{i}]")
                for i, item in enumerate(self.listing(m["needs"], f"{tp} needs"))
            ]
        if "distribution" in m:
            task.distribution = self.distribution(m["distribution"], f"{tp} distribution")
        if "milestone" in m:
            task.milestone = self.boolean(m["milestone"], f"{tp} milestone")
        if "type" in m:
            task.type = self.choice(m["type"], f"{tp} type", K.TASK_TYPES)  # type: ignore[assignment]
        if "priority" in m:
            task.priority = self.integer(m["priority"], f"{tp} priority", low=0, high=1000)
        if "constraint" in m:
            task.constraint = self.constraint(m["constraint"], f"{tp} constraint")
        for field in ("deadline", "actual_start", "actual_finish"):
            if field in m:
                setattr(task, field, self.date(m[field], f"{tp} {field}"))
        if "calendar" in m:
            task.calendar = self.text(m["calendar"], f"{tp} calendar")
            self.locations[f"task:{key}.calendar"] = self.at(m["calendar"], f"{tp} calendar")
        if "percent_complete" in m:
            task.percent_complete = self.fraction(m["percent_complete"], f"{tp} percent_complete")
        if "resources" in m:
            task.resources = [
                self.assignment(item, key, i)
                for i, item in enumerate(self.listing(m["resources"], f"{tp} resources"))
            ]
        for field, link_type in K.LINK_KEYS.items():
            if field in m:
                for item in self.listing(m[field], f"{tp} {field}"):
                    task.links.append(self.link(item, key, field, LinkType(link_type), len(task.links)))
        if "notes" in m:
            task.notes = self.text(m["notes"], f"{tp} notes")
        if "tags" in m:
            task.tags = self.strings(m["tags"], f"{tp} tags")
        for field in ("manual", "active"):
            if field in m:
                setattr(task, field, self.boolean(m[field], f"{tp} {field}"))
        for field in ("scheduled_start", "scheduled_finish"):
            if field in m:
                setattr(task, field, self.date(m[field], f"{tp} {field}"))
        if "extensions" in m:
            task.extensions = self.extensions(m["extensions"], f"{tp} extensions")
        if "tasks" in m and not self.is_null(m["tasks"]):
            task.tasks = self.tasks(m["tasks"], f"{tp} tasks")
        money.read_task(self, m, task, tp)
        money.check_summary(self, m, task)
        self.check_task(task, m)
        return task

    def check_task(self, task: Task, m: dict[str, yaml.Node]) -> None:
        given = [f for f in ("duration", "estimate") if f in m]
        if len(given) > 1:
            raise PlanFileError(
                f"task '{task.key}' has both a duration and an estimate",
                where=self.at(m["estimate"]),
                fix="keep the estimate (its most likely value is the duration) or the duration, not both",
            )
        if task.is_summary:
            for field in (
                "duration",
                "work",
                "estimate",
                "milestone",
                "resources",
                "actual_start",
                "actual_finish",
                "splits",
            ):
                if field in m and not (field == "milestone" and not task.milestone):
                    raise PlanFileError(
                        f"summary task '{task.key}' has {field}, but its dates come from its sub-tasks",
                        where=self.at(m[field]),
                        fix=f"move {field} to one of its sub-tasks, or to a new sub-task",
                    )
        constraint = task.constraint
        if constraint is not None and task.deadline is not None and constraint.date is not None:
            fixed = constraint.type in (
                ConstraintType.MSO,
                ConstraintType.MFO,
                ConstraintType.SNET,
                ConstraintType.FNET,
            )
            if fixed and _as_day(constraint.date) > _as_day(task.deadline):
                raise ConstraintConflictError(
                    f"task '{task.key}' cannot start or finish on or after {constraint.date} "
                    f"({constraint.type.value}) and also meet its deadline {task.deadline}",
                    where=self.at(m["deadline"]),
                    fix="move the deadline after the constraint date, or the constraint date before it",
                )
        if (
            task.actual_finish is not None
            and task.percent_complete not in (0.0, 1.0)
            and "percent_complete" in m
        ):
            raise ConstraintConflictError(
                f"task '{task.key}' has an actual finish but is only {task.percent_complete:.0%} complete",
                where=self.at(m["percent_complete"]),
                fix="set percent_complete: 100% or remove actual_finish",
            )
        if task.actual_finish is not None:
            task.percent_complete = 1.0 if "percent_complete" in m else task.percent_complete

    def splits(self, node: yaml.Node, task: Task) -> list[Split]:
        """``[{after: 1d, pause: 2d}, …]``: pauses in the order they happen, each after more work."""
        path = f"task '{task.key}' splits"
        if self.is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{path} should be a list, like [{{after: 1d, pause: 2d}}]", path=path)
        declared = (
            task.duration if task.duration is not None else (task.estimate.likely if task.estimate else None)
        )
        result: list[Split] = []
        previous = 0
        for i, item in enumerate(node.value):
            where = f"{path}[{i}]"
            m = self.mapping(item, where, K.SPLIT)
            for required in ("after", "pause"):
                if required not in m:
                    raise PlanFileError(
                        f"{where} has no {required}",
                        where=self.at(item, where),
                        fix="write each pause as {after: 1d, pause: 2d}: "
                        "the work done before it, then its length",
                    )
            after = self.duration(m["after"], f"{where} after")
            pause = self.duration(m["pause"], f"{where} pause")
            if pause.value == 0:
                raise self.fail(
                    m["pause"],
                    f"{where}: a pause of {pause} is no pause",
                    fix="remove this split",
                    path=where,
                )
            if pause.elapsed:
                raise self.fail(
                    m["pause"],
                    f"{where}: a pause counts working time on the task's calendar, not elapsed time",
                    fix=f"write it in working time, like {format_number(pause.value)}{pause.unit[1:]}",
                    path=where,
                )
            done = after.minutes(self.units)
            if after.value == 0:
                raise self.fail(
                    m["after"],
                    f"{where}: a pause before any work is done is not a split",
                    fix=f"to make the task wait, write leveling_delay: {pause} instead",
                    path=where,
                )
            if done <= previous:
                raise self.fail(
                    m["after"],
                    f"{where}: after {after} is not later than the pause before it",
                    fix="list the pauses in the order they happen, each after more work is done "
                    "(after counts from the task's start, not from the pause before)",
                    path=where,
                )
            if (
                declared is not None
                and declared.elapsed == after.elapsed
                and done >= declared.minutes(self.units)
            ):
                raise self.fail(
                    m["after"],
                    f"{where}: after {after} is not within the task's duration {declared}",
                    fix=f"a pause must come before the work is done: make after less than {declared}",
                    path=where,
                )
            previous = done
            result.append(Split(after=after, pause=pause))
        return result

    def estimate(self, node: yaml.Node, path: str) -> ThreePoint:
        raw = self.text(node, path)
        parts = [p.strip() for p in raw.split("/")]
        if len(parts) != 3:
            raise self.fail(
                node,
                f"{path}: '{raw}' is not a three-point estimate",
                fix="write optimistic/likely/pessimistic, like 8d/10d/15d",
                path=path,
            )
        low, likely, high = (self.parsed(node, path, _parse_part(part)) for part in parts)
        a, b, c = (d.minutes(_DEFAULT_UNITS) for d in (low, likely, high))
        if not a <= b <= c:
            raise self.fail(
                node,
                f"{path}: '{raw}' is not in order",
                fix="write optimistic <= most likely <= pessimistic",
                path=path,
            )
        return ThreePoint(optimistic=low, likely=likely, pessimistic=high)

    def constraint(self, node: yaml.Node, path: str) -> Constraint:
        if isinstance(node, yaml.ScalarNode):
            kind = ConstraintType(self.choice(node, path, K.CONSTRAINT_TYPES, upper=True))
            if kind.needs_date:
                raise self.fail(
                    node,
                    f"{path}: {kind.value} needs a date",
                    fix=f"write {{type: {kind.value}, date: YYYY-MM-DD}}",
                    path=path,
                )
            return Constraint(type=kind)
        m = self.mapping(node, path, K.CONSTRAINT)
        if "type" not in m:
            raise PlanFileError(
                f"{path} has no type",
                where=self.at(node, path),
                fix="add type: SNET (or ASAP, ALAP, SNLT, FNET, FNLT, MSO, MFO)",
            )
        kind = ConstraintType(self.choice(m["type"], f"{path} type", K.CONSTRAINT_TYPES, upper=True))
        date = self.date(m["date"], f"{path} date") if "date" in m else None
        if kind.needs_date and date is None:
            raise PlanFileError(
                f"{path}: {kind.value} needs a date", where=self.at(node, path), fix="add date: YYYY-MM-DD"
            )
        if not kind.needs_date and date is not None:
            raise self.fail(
                m["date"],
                f"{path}: {kind.value} takes no date",
                fix="remove the date, or use SNET/FNLT … for a dated constraint",
                path=path,
            )
        return Constraint(type=kind, date=date)

    def assignment(self, node: yaml.Node, task_key: str, index: int) -> Assignment:
        path = f"task '{task_key}' resources[{index}]"
        self.locations[f"task:{task_key}.resources[{index}]"] = self.at(node, path)
        if isinstance(node, yaml.MappingNode):
            m = self.mapping(node, path, K.ASSIGNMENT)
            if "resource" not in m:
                raise PlanFileError(
                    f"{path} has no resource", where=self.at(node, path), fix="add resource: KEY"
                )
            assignment = Assignment(resource=self.text(m["resource"], f"{path} resource"))
            if "units" in m:
                assignment.units = self.fraction(m["units"], f"{path} units", high=None)
            if "work" in m:
                assignment.work = self.duration(m["work"], f"{path} work")
            if "remaining" in m:
                assignment.remaining = self.duration(m["remaining"], f"{path} remaining")
            if "contour" in m:
                assignment.contour = self.choice(m["contour"], f"{path} contour", K.CONTOURS)  # type: ignore[assignment]
            money.read_assignment(self, m, assignment, path)
            return assignment
        raw = self.text(node, path).strip()
        parts = raw.split()
        if len(parts) == 1:
            return Assignment(resource=parts[0])
        if len(parts) == 2 and parts[1].endswith("%"):
            return Assignment(
                resource=parts[0], units=self.parsed(node, path, lambda _: parse_percent(parts[1]))
            )
        raise self.fail(
            node, f"{path}: '{raw}' is not a resource assignment", fix='write KEY or "KEY 50%"', path=path
        )

    def need(self, node: yaml.Node, path: str) -> SkillNeed:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{path} should be {{skill: NAME, units: 1}}", path=path)
        m = self.mapping(node, path, K.NEED)
        if "skill" not in m:
            raise PlanFileError(f"{path} has no skill", where=self.at(node, path), fix="add skill: NAME")
        need = SkillNeed(skill=self.text(m["skill"], f"{path} skill"))
        if "units" in m:
            units = self.fraction(m["units"], f"{path} units", high=None)
            if units <= 0:
                raise self.fail(
                    m["units"], f"{path} units must be above 0", fix="write e.g. units: 1", path=path
                )
            need = SkillNeed(skill=need.skill, units=units)
        return need

    def link(self, node: yaml.Node, task_key: str, field: str, link_type: LinkType, index: int) -> Link:
        path = f"task '{task_key}' {field}"
        raw = self.text(node, path)
        self.locations[f"task:{task_key}.links[{index}]"] = self.at(node, path)
        match = _LINK_RE.match(raw)
        if not match:
            raise self.fail(
                node,
                f"{path}: '{raw}' is not a link",
                fix='write "KEY" or "KEY +2d", "KEY -1d", "KEY +50%"',
                path=path,
            )
        predecessor, lag_text = match.groups()
        lag = Lag()
        if lag_text:
            try:
                lag = Lag.parse(lag_text.replace(" ", ""))
            except ValueError as exc:
                raise self.fail(
                    node,
                    f"{path}: the lag in '{raw}' is wrong: {exc}",
                    fix="write a lag like +2d, -1d, +4h, +3ed or +50%",
                    path=path,
                ) from None
        elif re.search(r"[+-]\d", predecessor) and not K.KEY_RE.match(predecessor):
            raise self.fail(
                node,
                f"{path}: '{raw}' needs a space before the lag",
                fix=re.sub(r"([+-]\d)", r" \1", raw, count=1),
                path=path,
            )
        return Link(predecessor=predecessor, type=link_type, lag=lag)

    def risks(self, node: yaml.Node) -> list[Risk]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, "risks should be a list, each item starting with '- key: ...'")
        result: list[Risk] = []
        for i, item in enumerate(node.value):
            path = f"risks[{i}]"
            m = self.mapping(item, path, K.RISK)
            for required in ("key", "title", "probability"):
                if required not in m:
                    raise PlanFileError(
                        f"{path} has no {required}", where=self.at(item, path), fix=f"add {required}: ..."
                    )
            key = self.key(m["key"], f"{path}.key", "risk")
            self.locations[f"risk:{key}"] = self.at(m["key"], path)
            rp = f"risk '{key}'"
            risk = Risk(
                key=key,
                title=self.text(m["title"], f"{rp} title"),
                probability=self.fraction(m["probability"], f"{rp} probability"),
            )
            if "delay" in m:
                d = self.mapping(m["delay"], f"{rp} delay", K.RISK_DELAY)
                if "tasks" not in d or "amount" not in d:
                    raise PlanFileError(
                        f"{rp} delay needs tasks and amount",
                        where=self.at(m["delay"]),
                        fix="write delay: {tasks: [KEY], amount: 5d/10d/20d}",
                    )
                risk.delay = RiskDelay(
                    tasks=self.strings(d["tasks"], f"{rp} delay tasks"),
                    amount=self.amount_duration(d["amount"], f"{rp} delay amount"),
                )
                self.locations[f"risk:{key}.delay"] = self.at(d["tasks"])
            if "cost" in m:
                risk.cost = self.money(m["cost"], f"{rp} cost")
            if "response" in m:
                risk.response = self.choice(m["response"], f"{rp} response", K.RESPONSES)  # type: ignore[assignment]
            for field in ("owner", "category", "description"):
                if field in m:
                    setattr(risk, field, self.text(m[field], f"{rp} {field}"))
            if "tags" in m:
                risk.tags = self.strings(m["tags"], f"{rp} tags")
            self.risk_register(risk, m, rp)
            result.append(risk)
        return result

    def risk_register(self, risk: Risk, m: dict[str, yaml.Node], rp: str) -> None:
        """The register's fields beyond the fixed core: cause, event, effect, proximity,
        trigger, status, mitigation (response cost and residual risk) and history."""
        for field in ("cause", "event", "effect", "trigger"):
            if field in m:
                setattr(risk, field, self.text(m[field], f"{rp} {field}"))
        if "proximity" in m:
            risk.proximity = _as_day(self.date(m["proximity"], f"{rp} proximity"))
        if "status" in m:
            risk.status = self.choice(m["status"], f"{rp} status", K.RISK_STATUSES)  # type: ignore[assignment]
        if "mitigation" in m:
            mp = f"{rp} mitigation"
            g = self.mapping(m["mitigation"], mp, K.MITIGATION)
            mitigation = Mitigation()
            if "action" in g:
                mitigation.action = self.text(g["action"], f"{mp} action")
            if "cost" in g:
                mitigation.cost = self.money(g["cost"], f"{mp} cost").likely
            if "probability" in g:
                mitigation.probability = self.fraction(g["probability"], f"{mp} probability")
            if "delay" in g:
                mitigation.delay = self.amount_duration(g["delay"], f"{mp} delay")
            if "cost_impact" in g:
                mitigation.cost_impact = self.money(g["cost_impact"], f"{mp} cost_impact")
            risk.mitigation = mitigation
        if "history" in m:
            for i, item in enumerate(self.listing(m["history"], f"{rp} history")):
                hp = f"{rp} history[{i}]"
                h = self.mapping(item, hp, K.RISK_NOTE)
                if "date" not in h or "note" not in h:
                    raise PlanFileError(
                        f"{hp} needs a date and a note",
                        where=self.at(item),
                        fix="write {date: 2027-03-01, note: ...}",
                    )
                status = self.choice(h["status"], f"{hp} status", K.RISK_STATUSES) if "status" in h else None
                risk.history.append(
                    RiskNote(
                        date=_as_day(self.date(h["date"], f"{hp} date")),
                        note=self.text(h["note"], f"{hp} note"),
                        status=status,
                    )
                )

    def distribution(self, node: yaml.Node, path: str) -> Distribution | DistributionSpec:
        if not isinstance(node, yaml.MappingNode):
            return self.choice(node, path, K.DISTRIBUTIONS)  # type: ignore[return-value]
        m = self.mapping(node, path, K.DISTRIBUTION)
        if "type" not in m:
            raise PlanFileError(
                f"{path} has no type", where=self.at(node), fix="write {type: pert, lambda: 3}"
            )
        kind = self.choice(m["type"], f"{path} type", K.DISTRIBUTIONS)
        lam = self.number(m["lambda"], f"{path} lambda", low=0, high=100) if "lambda" in m else None
        weights: tuple[float, float, float] | None = None
        if "weights" in m:
            items = self.listing(m["weights"], f"{path} weights")
            values = [self.fraction(item, f"{path} weights[{i}]") for i, item in enumerate(items)]
            if len(values) != 3 or abs(sum(values) - 1) > 1e-6:
                raise self.fail(
                    m["weights"],
                    f"{path} weights should be three probabilities that add up to 1",
                    fix="write weights: [0.2, 0.5, 0.3] (optimistic, likely, pessimistic)",
                    path=path,
                )
            weights = (values[0], values[1], values[2])
        return DistributionSpec(type=kind, lam=lam, weights=weights)

    def correlation(self, node: yaml.Node) -> list[Correlation]:
        result: list[Correlation] = []
        for i, item in enumerate(self.listing(node, "correlation")):
            path = f"correlation[{i}]"
            m = self.mapping(item, path, K.CORRELATION)
            if "tasks" not in m or "rho" not in m:
                raise PlanFileError(
                    f"{path} needs tasks and rho",
                    where=self.at(item, path),
                    fix="write {tasks: [build, test], rho: 0.6}",
                )
            self.locations[path] = self.at(item, path)
            tasks = self.strings(m["tasks"], f"{path} tasks")
            if len(tasks) < 2:
                raise self.fail(
                    m["tasks"], f"{path} names fewer than two tasks", fix="name two tasks or more"
                )
            rho = self.number(m["rho"], f"{path} rho", low=-0.99, high=0.99)
            result.append(Correlation(tasks=tasks, rho=rho))
        return result

    def risk_matrix(self, node: yaml.Node) -> RiskMatrix:
        path = "risk_matrix"
        m = self.mapping(node, path, K.RISK_MATRIX)
        per_day = self.units.minutes_per_day
        values: dict[str, Any] = {}
        readers: dict[str, tuple[str, Callable[[yaml.Node, str], float]]] = {
            "probability": ("probability", lambda n, p: self.fraction(n, p)),
            "delay": ("delay_days", lambda n, p: self.duration(n, p).minutes(self.units) / per_day),
            "cost": ("cost", lambda n, p: self.number(n, p, low=0)),
        }
        for key, (field, read) in readers.items():
            if key not in m:
                continue
            items = self.listing(m[key], f"{path} {key}")
            if len(items) != 4:
                raise self.fail(
                    m[key], f"{path} {key} has {len(items)} thresholds", fix="give four, rising: [a, b, c, d]"
                )
            thresholds = [read(item, f"{path} {key}[{i}]") for i, item in enumerate(items)]
            if any(b <= a for a, b in itertools.pairwise(thresholds)):
                raise self.fail(
                    m[key], f"{path} {key} thresholds do not rise", fix="write them from low to high"
                )
            values[field] = tuple(thresholds)
        if "ratings" in m:
            if not isinstance(m["ratings"], yaml.MappingNode):
                raise self.fail(m["ratings"], f"{path} ratings should be a mapping of rating to least score")
            ratings = {
                self.scalar_text(k): self.integer(v, f"{path} ratings", low=1, high=25)
                for k, v in m["ratings"].value
            }
            scores = sorted(ratings.values())
            if not scores or scores[0] != 1 or len(set(scores)) != len(scores):
                raise self.fail(
                    m["ratings"],
                    f"{path} ratings need distinct least scores, the lowest being 1",
                    fix="write {low: 1, medium: 5, high: 10, very high: 15}",
                )
            values["ratings"] = ratings
        self.locations[path] = self.at(node, path)
        return RiskMatrix(**values)

    def amount_duration(self, node: yaml.Node, path: str) -> ThreePoint:
        raw = self.text(node, path)
        if "/" in raw:
            return self.estimate(node, path)
        value = self.duration(node, path)
        return ThreePoint(optimistic=value, likely=value, pessimistic=value)

    def money(self, node: yaml.Node, path: str) -> Amount:
        raw = self.text(node, path).replace(",", "").replace("_", "")
        parts = raw.split("/")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise self.fail(
                node,
                f"{path}: '{raw}' is not an amount",
                fix="write 20000 or low/likely/high like 10000/20000/50000",
                path=path,
            ) from None
        if len(values) == 1:
            return Amount(low=values[0], likely=values[0], high=values[0])
        if len(values) != 3 or not values[0] <= values[1] <= values[2]:
            raise self.fail(
                node, f"{path}: '{raw}' should be low/likely/high with low <= likely <= high", path=path
            )
        return Amount(low=values[0], likely=values[1], high=values[2])

    def baselines(self, node: yaml.Node) -> list[Baseline]:
        result: list[Baseline] = []
        for i, item in enumerate(self.listing(node, "baselines")):
            path = f"baselines[{i}]"
            m = self.mapping(item, path, K.BASELINE)
            if "index" not in m or "saved" not in m:
                raise PlanFileError(f"{path} needs index and saved", where=self.at(item, path))
            saved = self.date(m["saved"], f"{path}.saved")
            baseline = Baseline(
                index=self.integer(m["index"], f"{path}.index", low=0, high=10),
                saved=saved if isinstance(saved, dt.datetime) else dt.datetime.combine(saved, dt.time()),
            )
            if "name" in m:
                baseline.name = self.text(m["name"], f"{path}.name")
            if "tasks" in m:
                tasks_node = m["tasks"]
                if not isinstance(tasks_node, yaml.MappingNode):
                    raise self.fail(tasks_node, f"{path}.tasks should map task keys to baseline values")
                for key_node, value in tasks_node.value:
                    task_key = self.scalar_text(key_node)
                    tp = f"{path}.tasks.{task_key}"
                    b = self.mapping(value, tp, K.BASELINE_TASK)
                    start = self.date(b["start"], f"{tp}.start") if "start" in b else None
                    finish = self.date(b["finish"], f"{tp}.finish") if "finish" in b else None
                    if not isinstance(start, dt.datetime) or not isinstance(finish, dt.datetime):
                        raise self.fail(value, f"{tp} needs start and finish as YYYY-MM-DDTHH:MM", path=tp)
                    baseline.tasks[task_key] = BaselineTask(
                        start=start,
                        finish=finish,
                        duration_minutes=self.duration(b["duration"], f"{tp}.duration").minutes(
                            _DEFAULT_UNITS
                        )
                        if "duration" in b
                        else 0,
                        work_minutes=self.duration(b["work"], f"{tp}.work").minutes(_DEFAULT_UNITS)
                        if "work" in b
                        else 0,
                        cost=self.number(b["cost"], f"{tp}.cost") if "cost" in b else None,
                    )
            result.append(baseline)
        return result


def _parse_part(part: str) -> Callable[[str], Duration]:
    def parse(_: str) -> Duration:
        return Duration.parse(part)

    return parse


def _as_day(value: PlanDate) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
