"""Time entries from CSV: ``person,task,date,hours,note`` with a header line.

The header names the columns (in any order; ``person`` and ``note`` may be left out, the person
then being whoever imports). Every value error is reported with its line and column (the
column's number, as a spreadsheet counts them, and its name); nothing is imported unless every
line is right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from charter.errors import ImportFileError, Location, did_you_mean
from charter.store import NewTimeEntry

COLUMNS = ("person", "task", "date", "hours", "note")
REQUIRED = ("task", "date", "hours")


@dataclass(frozen=True, slots=True)
class CsvEntry:
    line: int
    entry: NewTimeEntry


@dataclass(frozen=True, slots=True)
class TimeCsv:
    entries: list[CsvEntry]
    columns: dict[str, int]
    """Column name -> its 1-based number in the file."""
    source: str

    def locate(self, index: int, field: str) -> Location:
        """Where the value of ``field`` of entry ``index`` is (hours for the time, whatever unit)."""
        name = "hours" if field == "minutes" else field
        return Location(
            file=self.source, line=self.entries[index].line, column=self.columns.get(name), path=name
        )


def parse_time_csv(
    data: bytes, source: str, default_person: str | None, minutes_of: Callable[[str], int]
) -> TimeCsv:
    """Read every line; ImportFileError for the first wrong one (saying how many more there are).

    ``minutes_of`` turns an hours value into minutes or raises ValueError saying why it cannot.
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
    entries: list[CsvEntry] = []
    columns: dict[str, int] = {}
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(value.strip() for value in record):
                continue
            if not columns:
                columns = _header(record, source, line)
                continue
            read = _entry(record, columns, source, line, default_person, minutes_of)
            if isinstance(read, ImportFileError):
                problems.append(read)
            else:
                entries.append(CsvEntry(line, read))
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
    if not entries:
        raise ImportFileError(
            "the CSV file holds no time entries, only its header",
            where=Location(file=source, line=1),
            fix="add one line per entry below the header",
        )
    return TimeCsv(entries, columns, source)


def _header(record: list[str], source: str, line: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for number, raw in enumerate(record, start=1):
        name = raw.strip().lower()
        where = Location(file=source, line=line, column=number)
        if name not in COLUMNS:
            hint = did_you_mean(name, COLUMNS)
            raise ImportFileError(
                f"column {number} is named '{raw}', which is not a time entry column",
                where=where,
                fix=hint or f"name the columns {', '.join(COLUMNS)}",
            )
        if name in columns:
            raise ImportFileError(
                f"the column '{name}' appears twice (columns {columns[name]} and {number})",
                where=where,
                fix="keep one of them",
            )
        columns[name] = number
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFileError(
            f"the header has no column '{missing[0]}'",
            where=Location(file=source, line=line),
            fix=f"name the columns on the first line: {','.join(COLUMNS)}",
        )
    return columns


def _entry(
    record: list[str],
    columns: dict[str, int],
    source: str,
    line: int,
    default_person: str | None,
    minutes_of: Callable[[str], int],
) -> NewTimeEntry | ImportFileError:
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
    return NewTimeEntry(
        person=person, task=values["task"], date=date, minutes=minutes, note=values.get("note", "")
    )
