"""Time sheets and earned-value series from CSV: what they read, and where their errors point."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.errors import ImportFileError, Location
from charter.formats.evm_series_csv import parse_series
from charter.formats.timesheet_csv import parse_timesheet, read_timesheet


def test_a_time_sheet_reads_the_servers_columns_in_any_order() -> None:
    data = b'\xef\xbb\xbfTask,Person,Date,Hours,Note\nbuild,alice,2027-02-15,7.5,"review, then fixes"\n\nbuild,bob,2027-02-16,0.25,\n'
    entries = parse_timesheet(data, "week.csv")
    assert [(e.person, e.task, e.date, e.minutes, e.note) for e in entries] == [
        ("alice", "build", dt.date(2027, 2, 15), 450, "review, then fixes"),
        ("bob", "build", dt.date(2027, 2, 16), 15, ""),
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "what"),
    [
        ("person,task,date,hours\nalice,build,15.02.2027,8\n", 2, 3, "is not a date"),
        ("person,task,date,hours\nalice,build,2027-02-15,25\n", 2, 4, "at most 24"),
        ("person,task,date,hours\nalice,,2027-02-15,8\n", 2, 2, "no task"),
        ("person,task,date,hour\n", 1, 4, "a time entry has no such field"),
        ("person,task,date,hours\nalice,build,2027-02-15\n", 2, None, "has 3 values"),
    ],
)
def test_time_sheet_errors_say_where(text: str, line: int, column: int | None, what: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_timesheet(text.encode(), "week.csv")
    error = caught.value
    assert error.where is not None and (error.where.file, error.where.line, error.where.column) == (
        "week.csv",
        line,
        column,
    )
    assert what in error.what and error.fix


def test_time_sheet_header_needs_the_columns() -> None:
    with pytest.raises(ImportFileError, match="no column 'hours'"):
        parse_timesheet(b"person,task,date\n", "week.csv")
    with pytest.raises(ImportFileError, match="empty"):
        parse_timesheet(b"", "week.csv")
    with pytest.raises(ImportFileError, match="not UTF-8"):
        parse_timesheet(b"person,task\xff", "week.csv")


def test_a_series_reads_reported_and_future_periods() -> None:
    series = parse_series("Period, PV ,EV,AC\nJan,100,90,95\nFeb,250,,\n\n", "s.csv")
    assert series.periods == ["Jan", "Feb"] and series.pv == [100, 250]
    assert series.ev == [90, None] and series.ac == [95, None]


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("period,pv,ev\n", 1, "no column 'ac'"),
        ("period,pv,ev,ac,x\n", 1, "beyond period,pv,ev,ac"),
        ("period,pv,ev,ac\n1,,1,1\n", 2, "pv is empty"),
        ("period,pv,ev,ac\n1,10,-1,1\n", 2, "0 or more"),
        ("period,pv,ev,ac\n1,10,,\n2,20,5,5\n", 3, "after a period that does not"),
        ("period,pv,ev,ac\n1,10,,\n", 2, "no period reports"),
    ],
)
def test_series_errors_say_where(text: str, line: int, what: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_series(text, "s.csv")
    assert caught.value.where is not None and caught.value.where.line == line
    assert what in caught.value.what


def test_a_time_sheet_file_names_the_person_of_every_line_the_server_knows_who_imports() -> None:
    data = b"task,date,hours\nbuild,2027-01-04,7.5\n"
    with pytest.raises(ImportFileError, match="no column 'person'"):
        parse_timesheet(data, "week.csv")
    sheet = read_timesheet(data, "week.csv", default_person="alice")
    assert [(e.person, e.task, e.minutes) for e in sheet.entries] == [("alice", "build", 450)]
    assert sheet.locate(0, "minutes") == Location(file="week.csv", line=2, column=3, path="hours")


def test_every_wrong_line_is_counted_in_the_first_error() -> None:
    data = b"person,task,date,hours\nann,a,2027-13-01,1\nann,b,2027-01-04,25\nann,c,2027-01-04,2\n"
    with pytest.raises(ImportFileError) as raised:
        parse_timesheet(data, "week.csv")
    assert (
        raised.value.what
        == "line 2, column 3 (date): '2027-13-01' is not a date (and 1 more line with problems)"
    )
    assert (raised.value.where.line, raised.value.where.column) == (2, 3)
