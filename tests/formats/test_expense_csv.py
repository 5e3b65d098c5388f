from __future__ import annotations

import datetime as dt

import pytest

from charter.domain.cost import Expense
from charter.errors import ImportFileError
from charter.formats.expense_csv import parse_expenses


def test_expenses_are_read_in_any_column_order() -> None:
    data = b"amount,task,date,note\n1_250.50,build,2027-03-02,Licences\n90,test,2027-03-04,\n"
    assert parse_expenses(data, "spend.csv") == [
        Expense(task="build", date=dt.date(2027, 3, 2), amount=1250.5, note="Licences"),
        Expense(task="test", date=dt.date(2027, 3, 4), amount=90.0),
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "what"),
    [
        ("task,date,amount\nbuild,2027-03-02,lots\n", 2, 3, "'lots' is not a number"),
        ("task,date,amount\nbuild,02/03/2027,5\n", 2, 2, "'02/03/2027' is not a date"),
        ("task,date,amount\n,2027-03-02,5\n", 2, 1, "no task is given"),
        ("task,date,cost\n", 1, 3, "an expense has no such field"),
        ("task,date,amount\nbuild,2027-03-02\n", 2, None, "has 2 values"),
    ],
)
def test_a_wrong_value_is_reported_where_it_is(text: str, line: int, column: int | None, what: str) -> None:
    with pytest.raises(ImportFileError) as raised:
        parse_expenses(text.encode(), "spend.csv")
    where = raised.value.where
    assert where is not None and (where.file, where.line, where.column) == ("spend.csv", line, column)
    assert what in raised.value.what and raised.value.fix


def test_an_expense_must_be_booked_to_a_work_task_of_the_plan() -> None:
    data = b"task,date,amount\nbuild,2027-03-02,10\nbiuld,2027-03-03,20\nphase1,2027-03-03,5\n"
    with pytest.raises(ImportFileError) as raised:
        parse_expenses(data, "spend.csv", tasks={"build", "test"})
    assert raised.value.what == (
        "line 3, column 1 (task): 'biuld' is not a task of the plan without sub-tasks "
        "(and 1 more line with problems)"
    )
    assert raised.value.fix == "did you mean 'build'?"
