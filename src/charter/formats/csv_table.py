"""The part every CSV import shares: UTF-8 text, a header line naming known columns in any order,
one record per line — and errors that say file, line and column, the first one with how many
more lines are wrong, so that a spreadsheet is fixed in one pass and nothing is half read.

Each reader (time sheets, expenses) turns the table's rows into its own values with
:meth:`CsvTable.convert`, saying what is wrong in a row with :meth:`CsvTable.problem`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from charter.errors import ImportFileError, Location, did_you_mean

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    values: dict[str, str]
    """Column name -> the value as written, trimmed (only the columns the header names)."""


@dataclass(frozen=True, slots=True)
class CsvTable:
    rows: list[CsvRow]
    columns: dict[str, int]
    """Column name -> its 1-based number in the file."""
    source: str
    problems: list[ImportFileError]
    """Lines that could not be split into the header's columns."""

    def problem(self, row: CsvRow, name: str, what: str, fix: str) -> ImportFileError:
        """An error in ``row``'s value of column ``name``."""
        number = self.columns.get(name)
        return ImportFileError(
            f"line {row.line}, column {number} ({name}): {what}" if number else f"line {row.line}: {what}",
            where=Location(file=self.source, line=row.line, column=number, path=name),
            fix=fix,
        )

    def locate(self, line: int, name: str) -> Location:
        return Location(file=self.source, line=line, column=self.columns.get(name), path=name)

    def convert(self, read: Callable[[CsvRow], T | ImportFileError]) -> list[tuple[int, T]]:
        """(line, value) of every row ``read`` turns into a value; the first problem (of the
        table's or of ``read``'s) raised when there is any."""
        problems = list(self.problems)
        values: list[tuple[int, T]] = []
        for row in self.rows:
            value = read(row)
            if isinstance(value, ImportFileError):
                problems.append(value)
            else:
                values.append((row.line, value))
        raise_first(problems)
        return values


def read_csv_table(
    data: bytes, source: str, *, columns: Sequence[str], required: Sequence[str], what: str
) -> CsvTable:
    """The records of a CSV file whose header names some of ``columns`` (all of ``required``).

    ``what`` names one record, with its article, in messages ("a time entry", "an expense").
    An unreadable file or header raises at once; a line with the wrong number of values is kept
    in ``problems``.
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
    rows: list[CsvRow] = []
    problems: list[ImportFileError] = []
    header: dict[str, int] = {}
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(value.strip() for value in record):
                continue
            if not header:
                header = _header(record, source, line, columns, required, what)
            elif len(record) != len(header):
                problems.append(
                    ImportFileError(
                        f"line {line} has {len(record)} values, the header names {len(header)} columns",
                        where=Location(file=source, line=line),
                        fix="give every line one value per column (quote values that hold commas)",
                    )
                )
            else:
                rows.append(CsvRow(line, {name: record[n - 1].strip() for name, n in header.items()}))
    except csv.Error as exc:
        problems.append(
            ImportFileError(
                f"the CSV cannot be read: {exc}",
                where=Location(file=source, line=reader.line_num),
                fix="check the quotes on this line",
            )
        )
    if not header:
        raise ImportFileError(
            "the CSV file is empty",
            where=Location(file=source),
            fix=f"start with the header line {','.join(columns)}, then one line for each",
        )
    return CsvTable(rows, header, source, problems)


def read_csv_file(path: str | Path, what: str) -> bytes:
    """The bytes of a CSV file; ImportFileError saying which file could not be read and why."""
    file = Path(path)
    try:
        return file.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            f"cannot read {file}: {exc.strerror}", fix=f"check the path of the {what}"
        ) from exc


def raise_first(problems: Sequence[ImportFileError]) -> None:
    """Raise the first problem, saying how many more lines have one; nothing if there are none."""
    if not problems:
        return
    first = min(problems, key=lambda p: p.where.line if p.where and p.where.line else 0)
    if len(problems) > 1:
        more = len(problems) - 1
        first.what += f" (and {more} more line{'s' if more > 1 else ''} with problems)"
    raise first


def _header(
    record: list[str], source: str, line: int, columns: Sequence[str], required: Sequence[str], what: str
) -> dict[str, int]:
    header: dict[str, int] = {}
    for number, raw in enumerate(record, start=1):
        name = raw.strip().lower()
        where = Location(file=source, line=line, column=number)
        if name not in columns:
            raise ImportFileError(
                f"column {number} is named '{raw}', and {what} has no such field",
                where=where,
                fix=did_you_mean(name, columns) or f"name the columns {', '.join(columns)}",
            )
        if name in header:
            raise ImportFileError(
                f"the column '{name}' appears twice (columns {header[name]} and {number})",
                where=where,
                fix="keep one of them",
            )
        header[name] = number
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportFileError(
            f"the header has no column '{missing[0]}'",
            where=Location(file=source, line=line),
            fix=f"name the columns on the first line: {','.join(columns)}",
        )
    return header
