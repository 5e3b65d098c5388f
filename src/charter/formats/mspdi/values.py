"""MSPDI value formats: ISO 8601 durations, local date-times, duration/lag format codes."""

from __future__ import annotations

import datetime as dt
import re

from charter.domain import Duration, Lag
from charter.domain.resource import Contour
from charter.domain.values import DurationUnit, WorkUnits

_ISO_DURATION = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)

# MSPDI duration/lag format codes → Charter units; 35-44 are the same "estimated" (with a "?").
FORMAT_UNITS: dict[int, DurationUnit] = {
    3: "m",
    4: "em",
    5: "h",
    6: "eh",
    7: "d",
    8: "ed",
    9: "w",
    10: "ew",
    11: "mo",
    12: "emo",
}
# An assignment's WorkContour code ↔ Charter's contour.
CONTOURS: dict[str, Contour] = {
    "0": "flat",
    "1": "back_loaded",
    "2": "front_loaded",
    "3": "double_peak",
    "4": "early_peak",
    "5": "late_peak",
    "6": "bell",
    "7": "turtle",
    "8": "contoured",
}
CONTOUR_CODES: dict[Contour, str] = {name: code for code, name in CONTOURS.items()}
PERCENT_FORMATS = frozenset({19, 20, 51, 52})
ELAPSED_PERCENT_FORMATS = frozenset({20, 52})
ESTIMATED_OFFSET = 32  # 35 = 3 + 32 (minutes, estimated) … 44 = 12 + 32; 51/52 = 19/20 + 32


def base_format(code: int) -> int:
    """The format code without its "estimated" flag."""
    return code - ESTIMATED_OFFSET if 35 <= code <= 53 else code


def is_elapsed_format(code: int | None) -> bool:
    if code is None:
        return False
    unit = FORMAT_UNITS.get(base_format(code))
    return unit is not None and unit.startswith("e")


def parse_iso_minutes(text: str) -> float:
    """``PT8H30M0S`` → 510.0 minutes (days count 24 hours: MSPDI writes durations in hours)."""
    match = _ISO_DURATION.match(text.strip())
    if not match or text.strip() in ("P", "PT", "-P", "-PT"):
        raise ValueError(f"'{text}' is not an ISO 8601 duration like PT8H0M0S")
    sign, years, months, days, hours, minutes, seconds = match.groups()
    if years or months:
        raise ValueError(f"'{text}' uses years or months, which have no fixed length")
    total = (
        float(days or 0) * 1440 + float(hours or 0) * 60 + float(minutes or 0) + float(seconds or 0) / 60.0
    )
    return -total if sign else total


def parse_datetime(text: str) -> dt.datetime:
    """``2006-09-21T08:00:00`` → a local wall-clock datetime (seconds kept, fractions dropped)."""
    raw = text.strip()
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"'{raw}' is not a date and time like 2027-01-04T08:00:00") from None
    return value.replace(tzinfo=None, microsecond=0)


def parse_clock(text: str) -> int:
    """``08:00:00`` → 480 minutes after midnight."""
    parts = text.strip().split(":")
    try:
        hours, minutes = int(parts[0]), int(parts[1])
        seconds = int(float(parts[2])) if len(parts) > 2 else 0
    except (ValueError, IndexError):
        raise ValueError(f"'{text}' is not a time of day like 08:00:00") from None
    if not (0 <= hours <= 24 and 0 <= minutes < 60 and 0 <= seconds < 60):
        raise ValueError(f"'{text}' is not a time of day like 08:00:00")
    return hours * 60 + minutes


def duration_in(minutes: float, code: int | None, units: WorkUnits) -> Duration:
    """``minutes`` as a Duration, in the unit of MSPDI format ``code`` where that is exact.

    Elapsed formats give elapsed time; anything else is working time. A value that is not a
    round number of the format's unit stays in minutes, so nothing is lost to rounding.
    """
    unit = FORMAT_UNITS.get(base_format(code)) if code is not None else None
    elapsed = unit is not None and unit.startswith("e")
    if unit is not None:
        per = units.minutes_per(unit)
        value = minutes / per
        if per > 0 and abs(round(value, 4) * per - minutes) < 1e-6:
            return Duration(value=round(value, 4), unit=unit)
    return Duration(value=_tidy(minutes), unit="em" if elapsed else "m")


def lag_from(tenths: int, code: int | None, units: WorkUnits) -> Lag:
    """A link lag from ``LinkLag`` (tenths of a minute; a percentage for % formats)."""
    if tenths == 0:
        return Lag()
    if code is not None and base_format(code) in PERCENT_FORMATS:
        return Lag(percent=float(tenths))
    return Lag(amount=duration_in(tenths / 10.0, code, units))


def _tidy(value: float) -> float:
    rounded = round(value, 4)
    return float(int(rounded)) if rounded == int(rounded) else rounded


def number_text(value: float) -> str:
    """A number as MSPDI writes it: an integer without a point, else up to six decimals."""
    return str(int(value)) if value == int(value) else f"{value:.6f}".rstrip("0").rstrip(".")
