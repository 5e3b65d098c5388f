"""Working calendars: a week of shifts, holidays, part-day and extra-working-day exceptions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from charter.domain.values import TimeRange

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STANDARD_HOURS = (TimeRange(start=480, end=720), TimeRange(start=780, end=1020))


class CalendarException(BaseModel):
    """Working hours that replace the week on one date (or a run of dates through ``until``).

    No hours means a non-working day; hours on a normally free day make it an extra working day.
    """

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    until: dt.date | None = None
    hours: list[TimeRange] = Field(default_factory=list)
    name: str | None = None

    def days(self) -> list[dt.date]:
        last = self.until or self.date
        return [self.date + dt.timedelta(days=i) for i in range((last - self.date).days + 1)]


class Calendar(BaseModel):
    """A named working-time calendar.

    ``week`` lists the working hours per weekday. In a base calendar a weekday not listed is
    non-working; in a calendar ``based_on`` another, it is inherited from the parent.
    """

    model_config = ConfigDict(extra="forbid")

    key: str
    based_on: str | None = None
    week: dict[Weekday, list[TimeRange]] = Field(default_factory=dict)
    holidays: list[dt.date] = Field(default_factory=list)
    exceptions: list[CalendarException] = Field(default_factory=list)

    @classmethod
    def standard(cls, key: str = "standard") -> Calendar:
        """Monday to Friday, 08:00-12:00 and 13:00-17:00: Microsoft Project's Standard calendar."""
        return cls(key=key, week={day: list(STANDARD_HOURS) for day in WEEKDAYS[:5]})
