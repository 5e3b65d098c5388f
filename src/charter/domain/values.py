"""Small value types shared by the domain: durations, lags, percentages, time ranges.

Each knows how to read itself from the plan file's text form and how to write itself back,
so a plan survives a load/save round trip unchanged.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

DurationUnit = Literal["m", "h", "d", "w", "mo", "em", "eh", "ed", "ew", "emo"]
WORKING_UNITS: tuple[DurationUnit, ...] = ("m", "h", "d", "w", "mo")
UNIT_WORDS = {
    "m": "working minutes",
    "h": "working hours",
    "d": "working days",
    "w": "working weeks",
    "mo": "working months",
    "em": "elapsed minutes",
    "eh": "elapsed hours",
    "ed": "elapsed days",
    "ew": "elapsed weeks",
    "emo": "elapsed months",
}
_DURATION_RE = re.compile(r"^\s*([+-]?)\s*(\d+(?:\.\d+)?|\.\d+)\s*(emo|em|eh|ed|ew|mo|m|h|d|w)\s*$")
_PERCENT_RE = re.compile(r"^\s*([+-]?)\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$")


@dataclass(frozen=True, slots=True)
class WorkUnits:
    """How long a working day, week and month are, in minutes (per project)."""

    minutes_per_day: int = 480
    minutes_per_week: int = 2400
    days_per_month: int = 20

    def minutes_per(self, unit: DurationUnit) -> int:
        if unit in ("m", "em"):
            return 1
        if unit == "h":
            return 60
        if unit == "d":
            return self.minutes_per_day
        if unit == "w":
            return self.minutes_per_week
        if unit == "mo":
            return self.minutes_per_day * self.days_per_month
        if unit == "eh":
            return 60
        if unit == "ed":
            return 1440
        if unit == "ew":
            return 10080
        return 43200  # emo: 30 elapsed days, as Microsoft Project counts an elapsed month


def format_number(value: float) -> str:
    """``5.0`` → ``5``; ``1.5`` → ``1.5``; no float noise like ``0.30000000000000004``."""
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


class Duration(BaseModel):
    """An amount of time as the user wrote it: a number and a unit (``5d``, ``1.5h``, ``3ed``).

    Working units count working time on a calendar; ``e``-prefixed units are elapsed time.
    The value may be negative only where a lead is allowed (lags).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    unit: DurationUnit = "d"

    @property
    def elapsed(self) -> bool:
        return self.unit.startswith("e")

    def minutes(self, units: WorkUnits) -> int:
        return round(self.value * units.minutes_per(self.unit))

    def __str__(self) -> str:
        return f"{format_number(self.value)}{self.unit}"

    @classmethod
    def parse(cls, text: str, *, allow_negative: bool = False) -> Duration:
        """Read ``5d``/``-1d``/``1.5w``/``3ed``; raise ValueError with a readable reason."""
        match = _DURATION_RE.match(text)
        if not match:
            raise ValueError(
                f"'{text}' is not a duration; write a number and a unit, like 30m, 4h, 5d, 2w, 1mo "
                "(working time) or 3ed, 12eh (elapsed time)"
            )
        sign, number, unit = match.groups()
        value = float(number) * (-1 if sign == "-" else 1)
        if value < 0 and not allow_negative:
            raise ValueError(f"'{text}' is negative; a duration cannot be below zero")
        if not math.isfinite(value):
            raise ValueError(f"'{text}' is not a finite duration")
        return cls(value=value, unit=unit)

    @classmethod
    def of_minutes(cls, minutes: float) -> Duration:
        return cls(value=minutes, unit="m")


class Lag(BaseModel):
    """Delay (positive) or lead (negative) on a link: a duration or a % of the predecessor."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Duration | None = None
    percent: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _canonical_zero(cls, data: Any) -> Any:
        """A zero lag has one form, so plans compare equal however it was written."""
        if isinstance(data, dict):
            amount = data.get("amount")
            value = amount.value if isinstance(amount, Duration) else (amount or {}).get("value")
            if value == 0 or data.get("percent") == 0:
                return {}
        return data

    @property
    def is_zero(self) -> bool:
        return (self.amount is None or self.amount.value == 0) and not self.percent

    def __str__(self) -> str:
        if self.percent is not None:
            sign = "-" if self.percent < 0 else "+"
            return f"{sign}{format_number(abs(self.percent))}%"
        if self.amount is None:
            return ""
        sign = "-" if self.amount.value < 0 else "+"
        return f"{sign}{format_number(abs(self.amount.value))}{self.amount.unit}"

    @classmethod
    def parse(cls, text: str) -> Lag:
        match = _PERCENT_RE.match(text)
        if match:
            sign, number = match.groups()
            return cls(percent=float(number) * (-1 if sign == "-" else 1))
        return cls(amount=Duration.parse(text, allow_negative=True))


def parse_percent(text: str) -> float:
    """``50%`` or ``0.5`` or ``50`` → 0.5 (a fraction). Raise ValueError otherwise."""
    match = _PERCENT_RE.match(text)
    if match:
        sign, number = match.groups()
        if sign == "-":
            raise ValueError(f"'{text}' is negative; write a percentage from 0% upwards")
        return float(number) / 100.0
    raise ValueError(f"'{text}' is not a percentage; write it like 50%")


def format_percent(fraction: float) -> str:
    return f"{format_number(round(fraction * 100, 6))}%"


class TimeRange(BaseModel):
    """A span of a day in minutes from midnight: 08:00-12:00 is (480, 720); 24:00 is 1440."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


_RANGE_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_time_ranges(text: str) -> list[TimeRange]:
    """``"08:00-12:00, 13:00-17:00"`` → ranges; a range may not cross midnight (split it)."""
    ranges: list[TimeRange] = []
    if not text.strip():
        return ranges
    for part in text.split(","):
        match = _RANGE_RE.match(part)
        if not match:
            raise ValueError(
                f"'{part.strip()}' is not a time range; write HH:MM-HH:MM, like 08:00-12:00, "
                "separated by commas"
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if m1 > 59 or m2 > 59 or start > 1440 or end > 1440 or h1 > 24 or h2 > 24:
            raise ValueError(f"'{part.strip()}' has a time outside 00:00-24:00")
        if end <= start:
            raise ValueError(
                f"'{part.strip()}' ends before it starts; a range cannot cross midnight — "
                "split it, like 22:00-24:00, 00:00-06:00"
            )
        ranges.append(TimeRange(start=start, end=end))
    ranges.sort(key=lambda r: r.start)
    for before, after in itertools.pairwise(ranges):
        if after.start < before.end:
            raise ValueError(f"'{before}' and '{after}' overlap; working ranges in a day must not overlap")
    return ranges


def format_time_ranges(ranges: list[TimeRange]) -> str:
    return ", ".join(str(r) for r in ranges)


def format_days(minutes: int, units: WorkUnits) -> str:
    """Working minutes as days, the unit project managers think in: ``2400`` -> ``5d``."""
    if minutes == 0:
        return "0d"
    return f"{format_number(round(minutes / units.minutes_per_day, 2))}d"
