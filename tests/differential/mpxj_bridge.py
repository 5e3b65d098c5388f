"""Bridge to MPXJ's ``org.mpxj.cpm.MicrosoftScheduler`` for differential tests.

Charter's critical-path engine must reproduce Microsoft Project's scheduling
rules. MPXJ (PyPI ``mpxj``, a Java library driven through ``JPype1``) ships a
CPM scheduler that mimics Microsoft Project; this module builds an MPXJ
``ProjectFile`` from a neutral, JSON-able *spec* (see ``README.md`` beside this
file), schedules it, and returns the dates, slack and critical flags per task.

The JVM is started lazily on first use by :func:`charter.formats.jvm.start_jvm`
(shared with Charter's native-file importer) and reused for the life of the
process (JPype cannot restart a JVM).  Java objects are handled as ``Any``:
JPype has no type information.
"""

from __future__ import annotations

import datetime as _dt
import threading
from types import ModuleType
from typing import Any

from charter.formats.jvm import JvmUnavailableError, start_jvm

__all__ = ["MpxjBridgeError", "mpxj_available", "schedule_with_mpxj"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_JAVA_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")

_CONSTRAINTS = {
    "ASAP": "AS_SOON_AS_POSSIBLE",
    "ALAP": "AS_LATE_AS_POSSIBLE",
    "SNET": "START_NO_EARLIER_THAN",
    "SNLT": "START_NO_LATER_THAN",
    "FNET": "FINISH_NO_EARLIER_THAN",
    "FNLT": "FINISH_NO_LATER_THAN",
    "MSO": "MUST_START_ON",
    "MFO": "MUST_FINISH_ON",
}
_DATED_CONSTRAINTS = frozenset({"SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO"})

_LINK_TYPES = {
    "FS": "FINISH_START",
    "SS": "START_START",
    "FF": "FINISH_FINISH",
    "SF": "START_FINISH",
}

_DATE_FIELDS = (
    ("start", "getStart"),
    ("finish", "getFinish"),
    ("early_start", "getEarlyStart"),
    ("early_finish", "getEarlyFinish"),
    ("late_start", "getLateStart"),
    ("late_finish", "getLateFinish"),
)


class MpxjBridgeError(RuntimeError):
    """The spec is invalid, or MPXJ could not schedule it."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class _Java:
    """The Java classes the bridge uses, looked up once after the JVM starts."""

    def __init__(self, jpype: ModuleType) -> None:
        jclass = jpype.JClass
        self.jpype = jpype
        self.ProjectFile: Any = jclass("org.mpxj.ProjectFile")
        self.Duration: Any = jclass("org.mpxj.Duration")
        self.TimeUnit: Any = jclass("org.mpxj.TimeUnit")
        self.ConstraintType: Any = jclass("org.mpxj.ConstraintType")
        self.RelationType: Any = jclass("org.mpxj.RelationType")
        self.RelationBuilder: Any = jclass("org.mpxj.Relation$Builder")
        self.DayType: Any = jclass("org.mpxj.DayType")
        self.TaskMode: Any = jclass("org.mpxj.TaskMode")
        self.TaskType: Any = jclass("org.mpxj.TaskType")
        self.LocalTimeRange: Any = jclass("org.mpxj.LocalTimeRange")
        self.MicrosoftScheduler: Any = jclass("org.mpxj.cpm.MicrosoftScheduler")
        self.LocalDateTime: Any = jclass("java.time.LocalDateTime")
        self.LocalDate: Any = jclass("java.time.LocalDate")
        self.LocalTime: Any = jclass("java.time.LocalTime")
        self.DayOfWeek: Any = jclass("java.time.DayOfWeek")
        self.Integer: Any = jclass("java.lang.Integer")
        self.JException: Any = jpype.JException


_lock = threading.Lock()
_java: _Java | None = None


def _start() -> _Java:
    """Start the JVM (once, through :mod:`charter.formats.jvm`); raise with a reason on failure."""
    global _java
    with _lock:
        if _java is not None:
            return _java
        try:
            jpype = start_jvm()
            java = _Java(jpype)
        except JvmUnavailableError as exc:
            raise MpxjBridgeError(exc.reason) from exc
        except Exception as exc:  # a class this bridge needs is missing from the installed MPXJ
            raise MpxjBridgeError(f"MPXJ lacks a class the bridge needs: {_first_line(exc)}") from exc
        _java = java
        return java


def mpxj_available() -> str | None:
    """None when mpxj, JPype1 and a Java runtime are importable/usable; else a one-line reason.

    This starts the JVM if it is not running yet (it is needed anyway to know
    that it works); the outcome is cached for the process.
    """
    try:
        _start()
    except MpxjBridgeError as exc:
        return str(exc)
    return None


# --------------------------------------------------------------------------- conversions


def _ldt(j: _Java, text: str) -> Any:
    """'YYYY-MM-DDTHH:MM' -> java.time.LocalDateTime."""
    try:
        value = _dt.datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise MpxjBridgeError(f"bad date-time {text!r}") from exc
    return j.LocalDateTime.of(value.year, value.month, value.day, value.hour, value.minute)


def _ld(j: _Java, text: str) -> Any:
    try:
        value = _dt.date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise MpxjBridgeError(f"bad date {text!r}") from exc
    return j.LocalDate.of(value.year, value.month, value.day)


def _lt(j: _Java, text: str) -> Any:
    """'HH:MM' -> LocalTime; '24:00' is midnight at the end of the day (MPXJ uses 00:00)."""
    try:
        hours_text, minutes_text = text.split(":")
        hours, minutes = int(hours_text), int(minutes_text)
    except (AttributeError, ValueError) as exc:
        raise MpxjBridgeError(f"bad time {text!r}") from exc
    if (hours, minutes) == (24, 0):
        return j.LocalTime.MIDNIGHT
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise MpxjBridgeError(f"bad time {text!r}")
    return j.LocalTime.of(hours, minutes)


def _ranges(j: _Java, hours: list[list[str]]) -> list[Any]:
    return [j.LocalTimeRange(_lt(j, start), _lt(j, end)) for start, end in hours]


def _text(value: Any) -> str | None:
    """java.time.LocalDateTime -> 'YYYY-MM-DDTHH:MM' (rounded to the nearest minute)."""
    if value is None:
        return None
    moment = _dt.datetime(
        int(value.getYear()),
        int(value.getMonthValue()),
        int(value.getDayOfMonth()),
        int(value.getHour()),
        int(value.getMinute()),
    )
    seconds = int(value.getSecond()) + int(value.getNano()) / 1e9
    if seconds >= 30:
        moment += _dt.timedelta(minutes=1)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _minutes(j: _Java, duration: Any, task: Any) -> int | None:
    """An MPXJ Duration -> working minutes, converted as MPXJ converts (task calendar defaults)."""
    if duration is None:
        return None
    if duration.getUnits() != j.TimeUnit.MINUTES:
        duration = duration.convertUnits(j.TimeUnit.MINUTES, task.getEffectiveCalendar())
    return round(float(duration.getDuration()))


# --------------------------------------------------------------------------- model building


def _build_calendars(j: _Java, project: Any, spec: dict[str, Any]) -> dict[str, Any]:
    specs: dict[str, Any] = spec.get("calendars") or {}
    built: dict[str, Any] = {}
    pending = dict(specs)
    while pending:
        ready = [n for n, c in pending.items() if c.get("parent") is None or c.get("parent") in built]
        if not ready:
            raise MpxjBridgeError(f"calendar parents missing or cyclic: {sorted(pending)}")
        for name in ready:
            built[name] = _build_calendar(j, project, name, pending.pop(name), built)
    return built


def _build_calendar(
    j: _Java, project: Any, name: str, cal_spec: dict[str, Any], built: dict[str, Any]
) -> Any:
    calendar = project.addCalendar()
    calendar.setName(name)
    parent_name = cal_spec.get("parent")
    week: dict[str, Any] = cal_spec.get("week") or {}
    unknown = set(week) - set(_DAYS)
    if unknown:
        raise MpxjBridgeError(f"calendar {name!r}: unknown week days {sorted(unknown)}")
    if parent_name is not None:
        calendar.setParent(built[parent_name])
    for day, java_day in zip(_DAYS, _JAVA_DAYS, strict=True):
        day_of_week = getattr(j.DayOfWeek, java_day)
        if day not in week:
            if parent_name is None:
                raise MpxjBridgeError(f"base calendar {name!r} lacks day {day!r}")
            calendar.setCalendarDayType(day_of_week, j.DayType.DEFAULT)
            continue
        hours = week[day] or []
        if hours:
            calendar.setCalendarDayType(day_of_week, j.DayType.WORKING)
            day_hours = calendar.addCalendarHours(day_of_week)
            for time_range in _ranges(j, hours):
                day_hours.add(time_range)
        else:
            calendar.setCalendarDayType(day_of_week, j.DayType.NON_WORKING)
    for exception in cal_spec.get("exceptions") or []:
        first = _ld(j, exception["date"])
        last = exception.get("to")
        if last is None:
            java_exception = calendar.addCalendarException(first)
        else:
            java_exception = calendar.addCalendarException(first, _ld(j, last))
        for time_range in _ranges(j, exception.get("hours") or []):
            java_exception.add(time_range)
    return calendar


def _duration_minutes(j: _Java, minutes: float) -> Any:
    return j.Duration.getInstance(float(minutes), j.TimeUnit.MINUTES)


def _lag(j: _Java, link: dict[str, Any]) -> Any:
    elapsed = bool(link.get("lag_elapsed", False))
    percent = link.get("lag_percent")
    if percent is not None:
        if link.get("lag_minutes") not in (None, 0):
            raise MpxjBridgeError(f"link {link!r}: give lag_minutes or lag_percent, not both")
        if elapsed:
            raise MpxjBridgeError(
                f"link {link!r}: elapsed percent lags are not supported by MicrosoftScheduler"
            )
        return j.Duration.getInstance(float(percent), j.TimeUnit.PERCENT)
    minutes = float(link.get("lag_minutes") or 0)
    unit = j.TimeUnit.ELAPSED_MINUTES if elapsed else j.TimeUnit.MINUTES
    return j.Duration.getInstance(minutes, unit)


def _build_project(j: _Java, spec: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    project = j.ProjectFile()
    # ProjectConfig defaults to MicrosoftSlackCalculator for Task.getTotalSlack/getFreeSlack.
    props = project.getProjectProperties()
    props.setStartDate(_ldt(j, spec["start"]))
    props.setMinutesPerDay(j.Integer(int(spec.get("minutes_per_day", 480))))
    props.setMinutesPerWeek(j.Integer(int(spec.get("minutes_per_week", 2400))))
    props.setDaysPerMonth(j.Integer(int(spec.get("days_per_month", 20))))

    calendars = _build_calendars(j, project, spec)
    default_name = spec.get("default_calendar")
    if default_name is None:
        if len(calendars) != 1:
            raise MpxjBridgeError("spec has no default_calendar")
        default_name = next(iter(calendars))
    if default_name not in calendars:
        raise MpxjBridgeError(f"unknown default calendar {default_name!r}")
    project.setDefaultCalendar(calendars[default_name])

    tasks: dict[str, Any] = {}
    for number, task_spec in enumerate(spec.get("tasks") or [], start=1):
        key = task_spec["key"]
        if key in tasks:
            raise MpxjBridgeError(f"duplicate task key {key!r}")
        parent_key = task_spec.get("parent")
        if parent_key is None:
            task = project.addTask()
        elif parent_key in tasks:
            task = tasks[parent_key].addTask()
        else:
            raise MpxjBridgeError(f"task {key!r}: parent {parent_key!r} is not an earlier task")
        tasks[key] = task
        task.setUniqueID(j.Integer(number))
        task.setID(j.Integer(number))
        task.setName(str(task_spec.get("name") or key))
        task.setTaskMode(j.TaskMode.AUTO_SCHEDULED)
        task.setType(j.TaskType.FIXED_DURATION)
        minutes = float(task_spec.get("duration_minutes") or 0)
        task.setDuration(_duration_minutes(j, minutes))
        task.setActualDuration(_duration_minutes(j, 0))
        task.setRemainingDuration(_duration_minutes(j, minutes))
        task.setPercentageComplete(j.Integer(0))
        task.setMilestone(bool(task_spec.get("milestone", False)))
        calendar_name = task_spec.get("calendar")
        if calendar_name is not None:
            if calendar_name not in calendars:
                raise MpxjBridgeError(f"task {key!r}: unknown calendar {calendar_name!r}")
            task.setCalendar(calendars[calendar_name])
        constraint = task_spec.get("constraint") or {"type": "ASAP", "date": None}
        kind = constraint.get("type") or "ASAP"
        if kind not in _CONSTRAINTS:
            raise MpxjBridgeError(f"task {key!r}: unknown constraint type {kind!r}")
        task.setConstraintType(getattr(j.ConstraintType, _CONSTRAINTS[kind]))
        if kind in _DATED_CONSTRAINTS:
            if not constraint.get("date"):
                raise MpxjBridgeError(f"task {key!r}: constraint {kind} needs a date")
            task.setConstraintDate(_ldt(j, constraint["date"]))
        if task_spec.get("deadline"):
            task.setDeadline(_ldt(j, task_spec["deadline"]))

    for number, link in enumerate(spec.get("links") or [], start=1):
        pred, succ = link.get("pred"), link.get("succ")
        if pred not in tasks or succ not in tasks:
            raise MpxjBridgeError(f"link {link!r}: unknown task key")
        kind = link.get("type", "FS")
        if kind not in _LINK_TYPES:
            raise MpxjBridgeError(f"link {link!r}: unknown link type {kind!r}")
        builder = (
            j.RelationBuilder()
            .uniqueID(j.Integer(number))
            .predecessorTask(tasks[pred])
            .type(getattr(j.RelationType, _LINK_TYPES[kind]))
            .lag(_lag(j, link))
        )
        tasks[succ].addPredecessor(builder)
    return project, tasks


def _result(j: _Java, task: Any) -> dict[str, Any]:
    out: dict[str, Any] = {name: _text(getattr(task, getter)()) for name, getter in _DATE_FIELDS}
    total = _minutes(j, task.getTotalSlack(), task)
    out["total_slack"] = total
    out["free_slack"] = _minutes(j, task.getFreeSlack(), task)
    out["critical"] = bool(task.getCritical())
    return out


def schedule_with_mpxj(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Build an MPXJ ProjectFile from `spec`, run MicrosoftScheduler from spec['start'].

    Returns, per task key: {"start", "finish", "early_start", "early_finish",
    "late_start", "late_finish": "YYYY-MM-DDTHH:MM", "total_slack": int working
    minutes, "free_slack": int working minutes or None if MPXJ gives none,
    "critical": bool}.  Summary tasks are included (dates rolled up by MPXJ).

    Raises MpxjBridgeError when MPXJ is unavailable, the spec is invalid, or the
    scheduler fails (e.g. a dependency cycle).
    """
    j = _start()
    try:
        project, tasks = _build_project(j, spec)
        j.MicrosoftScheduler().schedule(project, _ldt(j, spec["start"]))
        return {key: _result(j, task) for key, task in tasks.items()}
    except j.JException as exc:
        raise MpxjBridgeError(f"MPXJ failed: {_first_line(exc)}") from exc
    except KeyError as exc:
        raise MpxjBridgeError(f"spec lacks required field {exc}") from exc
