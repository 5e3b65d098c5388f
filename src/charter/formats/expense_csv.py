"""Expenses from CSV: a header line naming ``task,date,amount,account,note`` (any order;
``account`` and ``note`` may be left out), then one line per expense — the fields of the plan
file's ``expenses``. Errors say file, line and column; nothing is read unless every line is right.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from pathlib import Path

from charter.domain.cost import Expense
from charter.errors import ImportFileError, did_you_mean
from charter.formats.csv_table import CsvRow, CsvTable, read_csv_file, read_csv_table
from charter.formats.timesheet_csv import read_date

COLUMNS = ("task", "date", "amount", "account", "note")
REQUIRED = ("task", "date", "amount")


def load_expenses(path: str | Path, tasks: Collection[str] | None = None) -> list[Expense]:
    return parse_expenses(read_csv_file(path, "expenses CSV file"), str(path), tasks)


def parse_expenses(data: bytes, source: str = "<csv>", tasks: Collection[str] | None = None) -> list[Expense]:
    """The expenses of the file; with ``tasks`` (the keys money may be booked to: the plan's
    tasks without sub-tasks), an expense on any other task is an error at its line."""
    table = read_csv_table(data, source, columns=COLUMNS, required=REQUIRED, what="an expense")
    return [expense for _, expense in table.convert(lambda row: _expense(table, row, tasks))]


def _expense(table: CsvTable, row: CsvRow, tasks: Collection[str] | None) -> Expense | ImportFileError:
    values = row.values
    if tasks is not None and values["task"] and values["task"] not in tasks:
        return table.problem(
            row,
            "task",
            f"'{values['task']}' is not a task of the plan without sub-tasks",
            did_you_mean(values["task"], tasks) or "book the expense to one of the plan's work tasks",
        )
    if not values["task"]:
        return table.problem(
            row, "task", "no task is given", "give the key of the task the money was spent on"
        )
    date = read_date(table, row)
    if isinstance(date, ImportFileError):
        return date
    raw = values["amount"].replace("_", "")
    try:
        amount = float(raw)
    except ValueError:
        return table.problem(
            row, "amount", f"'{values['amount']}' is not a number", "write amounts like 1250.50"
        )
    if not math.isfinite(amount):
        return table.problem(
            row, "amount", f"{values['amount']} is not an amount", "write amounts like 1250.50"
        )
    account = values.get("account") or None
    return Expense(
        task=values["task"], date=date, amount=amount, account=account, note=values.get("note", "")
    )
