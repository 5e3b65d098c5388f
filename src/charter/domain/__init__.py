"""Charter's vocabulary: plain validated data, no I/O and no engine code."""

from charter.domain.baseline import MAX_BASELINES, Baseline, BaselineTask
from charter.domain.calendar import WEEKDAYS, Calendar, CalendarException, Weekday
from charter.domain.plan import FORMAT_VERSION, Plan, Project
from charter.domain.resource import Assignment, Rate, Resource
from charter.domain.risk import Amount, Risk, RiskDelay, ThreePoint
from charter.domain.task import Constraint, ConstraintType, Link, LinkType, PlanDate, Task
from charter.domain.values import Duration, Lag, TimeRange, WorkUnits

__all__ = [
    "FORMAT_VERSION",
    "MAX_BASELINES",
    "WEEKDAYS",
    "Amount",
    "Assignment",
    "Baseline",
    "BaselineTask",
    "Calendar",
    "CalendarException",
    "Constraint",
    "ConstraintType",
    "Duration",
    "Lag",
    "Link",
    "LinkType",
    "Plan",
    "PlanDate",
    "Project",
    "Rate",
    "Resource",
    "Risk",
    "RiskDelay",
    "Task",
    "ThreePoint",
    "TimeRange",
    "Weekday",
    "WorkUnits",
]
