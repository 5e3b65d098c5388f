"""Time sheets from CSV: a header line naming ``person,task,date,hours,note`` (any order; ``note``
may be left out, and ``person`` too where whoever imports is the person), then one line per
entry — the columns of the plan file's ``time_entries`` and of the team server's time entries.

Every wrong value is reported with file, line and column (the column's number, as a spreadsheet
counts them, and its name), the first one with how many more lines are wrong; nothing is read
unless every line is right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path

from charter.domain.cost import TimeEntry
from charter.errors import ImportFileError, Location, did_you_mean

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
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            f"cannot read {file}: {exc.strerror}", fix="check the path of the time-sheet CSV file"
        ) from exc
    return parse_timesheet(data, str(file))


def parse_timesheet(data: bytes, source: str = "<csv>") -> list[TimeEntry]:
    """The entries of a time sheet whose every line names its person."""
    return read_timesheet(data, source).entries


def read_timesheet(data: bytes, source: str, default_person: str | None = None) -> Timesheet:
    """Every line of the time sheet; ImportFileError for the first wrong one.

    With ``default_person`` the ``person`` column may be left out, or a line's person left blank.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"the CSV file is not UTF-8 text (byte {exc.start})",
            where=Location(file=source),
            fix="export the file as CSV UTF-8",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[ImportFileError] = []
    lines: list[TimesheetLine] = []
    columns: dict[str, int] = {}
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(value.strip() for value in record):
                continue
            if not columns:
                columns = _header(record, source, line, person_required=default_person is None)
                continue
            read = _entry(record, columns, source, line, default_person)
            if isinstance(read, ImportFileError):
                problems.append(read)
            else:
                lines.append(TimesheetLine(line, read))
    except csv.Error as exc:
        problems.append(
            ImportFileError(
                f"the CSV cannot be read: {exc}",
                where=Location(file=source, line=reader.line_num),
                fix="check the quotes on this line",
            )
        )
    if not columns:
        raise ImportFileError(
            "the CSV file is empty",
            where=Location(file=source),
            fix=f"start with the header line {','.join(COLUMNS)}, then one line per entry",
        )
    if problems:
        first = problems[0]
        if len(problems) > 1:
            more = len(problems) - 1
            first.what += f" (and {more} more line{'s' if more > 1 else ''} with problems)"
        raise first
    return Timesheet(lines, columns, source)


def _header(record: list[str], source: str, line: int, *, person_required: bool) -> dict[str, int]:
    columns: dict[str, int] = {}
    for number, raw in enumerate(record, start=1):
        name = raw.strip().lower()
        where = Location(file=source, line=line, column=number)
        if name not in COLUMNS:
            raise ImportFileError(
                f"column {number} is named '{raw}', which is not a time entry column",
                where=where,
                fix=did_you_mean(name, COLUMNS) or f"name the columns {', '.join(COLUMNS)}",
            )
        if name in columns:
            raise ImportFileError(
                f"the column '{name}' appears twice (columns {columns[name]} and {number})",
                where=where,
                fix="keep one of them",
            )
        columns[name] = number
    required = ("person", "task", "date", "hours") if person_required else ("task", "date", "hours")
    missing = [name for name in required if name not in columns]
    if missing:
        raise ImportFileError(
            f"the header has no column '{missing[0]}'",
            where=Location(file=source, line=line),
            fix=f"name the columns on the first line: {','.join(COLUMNS)}",
        )
    return columns


def _entry(
    record: list[str], columns: dict[str, int], source: str, line: int, default_person: str | None
) -> TimeEntry | ImportFileError:
    if len(record) != len(columns):
        return ImportFileError(
            f"line {line} has {len(record)} values, the header names {len(columns)} columns",
            where=Location(file=source, line=line),
            fix="give every line one value per column (quote values that hold commas)",
        )
    values = {name: record[number - 1].strip() for name, number in columns.items()}

    def problem(name: str, what: str, fix: str) -> ImportFileError:
        number = columns.get(name)
        return ImportFileError(
            f"line {line}, column {number} ({name}): {what}" if number else f"line {line}: {what}",
            where=Location(file=source, line=line, column=number, path=name),
            fix=fix,
        )

    person = values.get("person") or default_person
    if not person:
        return problem("person", "no person is given", "name the user or resource who did the work")
    if not values["task"]:
        return problem("task", "no task is given", "give the key of the task the time was spent on")
    try:
        date = dt.date.fromisoformat(values["date"])
    except ValueError:
        return problem("date", f"'{values['date']}' is not a date", "write dates like 2027-02-15")
    try:
        minutes = minutes_of(values["hours"])
    except ValueError as exc:
        return problem("hours", str(exc), "write the hours as a number like 1.5, more than 0 and at most 24")
    return TimeEntry(
        person=person, task=values["task"], date=date, minutes=minutes, note=values.get("note", "")
    )
