"""Time sheets from CSV: a header line naming ``person,task,date,hours,note`` (any order; ``note``
may be left out, and ``person`` too where whoever imports is the person), then one line per
entry — the columns of the plan file's ``time_entries`` and of the team server's time entries.

Every wrong value is reported with file, line and column (the column's number, as a spreadsheet
counts them, and its name), the first one with how many more lines are wrong; nothing is read
unless every line is right.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from charter.domain.cost import TimeEntry
from charter.errors import ImportFileError, Location
from charter.formats.csv_table import CsvRow, CsvTable, read_csv_file, read_csv_table

COLUMNS = ("person", "task", "date", "hours", "note")
MAX_HOURS = 24


def minutes_of(hours: float | int | str) -> int:
    """Hours as whole minutes (rounded to the nearest); ValueError saying why they cannot be."""
    try:
        value = float(hours)
    except ValueError:
        raise ValueError(f"'{hours}' is not a number of hours") from None
    if not math.isfinite(value) or not 0 < value <= MAX_HOURS:
        raise ValueError(f"{hours} hours is not more than 0 and at most {MAX_HOURS}")
    minutes = round(value * 60)
    if minutes == 0:
        raise ValueError(f"{hours} hours is less than a minute")
    return minutes


@dataclass(frozen=True, slots=True)
class TimesheetLine:
    line: int
    entry: TimeEntry


@dataclass(frozen=True, slots=True)
class Timesheet:
    lines: list[TimesheetLine]
    columns: dict[str, int]
    """Column name -> its 1-based number in the file."""
    source: str

    @property
    def entries(self) -> list[TimeEntry]:
        return [line.entry for line in self.lines]

    def locate(self, index: int, field: str) -> Location:
        """Where the value of ``field`` of entry ``index`` is (hours for the time, whatever unit)."""
        name = "hours" if field == "minutes" else field
        return Location(
            file=self.source, line=self.lines[index].line, column=self.columns.get(name), path=name
        )


def load_timesheet(path: str | Path) -> list[TimeEntry]:
    """The entries of a time-sheet file whose every line names its person."""
    return parse_timesheet(read_csv_file(path, "time-sheet CSV file"), str(path))


def parse_timesheet(data: bytes, source: str = "<csv>") -> list[TimeEntry]:
    """The entries of a time sheet whose every line names its person."""
    return read_timesheet(data, source).entries


def read_timesheet(data: bytes, source: str, default_person: str | None = None) -> Timesheet:
    """Every line of the time sheet; ImportFileError for the first wrong one.

    With ``default_person`` the ``person`` column may be left out, or a line's person left blank.
    """
    required = (
        ("task", "date", "hours") if default_person is not None else ("person", "task", "date", "hours")
    )
    table = read_csv_table(data, source, columns=COLUMNS, required=required, what="a time entry")
    lines = [
        TimesheetLine(line, entry)
        for line, entry in table.convert(lambda row: _entry(table, row, default_person))
    ]
    return Timesheet(lines, table.columns, source)


def _entry(table: CsvTable, row: CsvRow, default_person: str | None) -> TimeEntry | ImportFileError:
    values = row.values
    person = values.get("person") or default_person
    if not person:
        return table.problem(
            row, "person", "no person is given", "name the user or resource who did the work"
        )
    if not values["task"]:
        return table.problem(
            row, "task", "no task is given", "give the key of the task the time was spent on"
        )
    date = read_date(table, row)
    if isinstance(date, ImportFileError):
        return date
    try:
        minutes = minutes_of(values["hours"])
    except ValueError as exc:
        return table.problem(
            row, "hours", str(exc), "write the hours as a number like 1.5, more than 0 and at most 24"
        )
    note = values.get("note", "")
    return TimeEntry(person=person, task=values["task"], date=date, minutes=minutes, note=note)


def read_date(table: CsvTable, row: CsvRow, name: str = "date") -> dt.date | ImportFileError:
    try:
        return dt.date.fromisoformat(row.values[name])
    except ValueError:
        return table.problem(row, name, f"'{row.values[name]}' is not a date", "write dates like 2027-02-15")
