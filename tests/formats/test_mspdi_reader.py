"""The Microsoft Project XML (MSPDI) reader, on small files written by hand for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.domain import ConstraintType, Duration, Lag, LinkType
from charter.engine.cpm import schedule
from charter.errors import ImportFileError
from charter.formats.mspdi import load_mspdi, parse_mspdi
from charter.formats.planfile import dump_plan, parse_plan
from charter.sources import open_plan
from charter.views.schedule import schedule_document
from tests.conftest import DATA

MSPDI = DATA / "mspdi"


def rows(name: str) -> dict[str, dict[str, object]]:
    document = schedule_document(schedule(open_plan(MSPDI / name)))
    return {str(row["key"]): row for row in document["tasks"]}


def test_project_and_outline() -> None:
    plan = load_mspdi(MSPDI / "features.xml")
    assert plan.project.name == "Reader features"
    assert plan.project.start == dt.datetime(2027, 1, 4, 8)
    assert plan.project.calendar == "standard"
    assert [t.key for t in plan.tasks] == ["1", "5", "7"]  # the null row 6 and project row 0 are skipped
    assert [t.key for t in plan.tasks[0].tasks] == ["2", "3", "4"]
    assert plan.tasks[0].is_summary and plan.tasks[0].duration is None
    assert plan.tasks[2].milestone


def test_durations_and_formats() -> None:
    tasks = load_mspdi(MSPDI / "features.xml").task_map()
    assert tasks["2"].duration == Duration(value=2, unit="d")
    assert tasks["3"].duration == Duration(value=3, unit="d")  # 39: days, estimated
    assert tasks["4"].duration == Duration(value=2, unit="ed")  # elapsed days
    assert tasks["5"].duration == Duration(value=4.5, unit="h")
    assert tasks["7"].duration == Duration(value=0, unit="m")  # a missing duration is zero


def test_links_of_every_type_and_lag_format() -> None:
    tasks = load_mspdi(MSPDI / "features.xml").task_map()
    assert [(lk.predecessor, lk.type, lk.lag) for lk in tasks["3"].links] == [
        ("2", LinkType.FS, Lag(amount=Duration(value=1, unit="d")))
    ]
    assert tasks["4"].links[0].type is LinkType.SS and tasks["4"].links[0].lag == Lag(percent=-50)
    assert [(lk.type, lk.lag) for lk in tasks["5"].links] == [
        (LinkType.FF, Lag(amount=Duration(value=1, unit="ed"))),
        (LinkType.SF, Lag(amount=Duration(value=1, unit="h"))),
    ]
    assert [(lk.predecessor, lk.lag) for lk in tasks["7"].links] == [
        ("1", Lag()),
        ("5", Lag(amount=Duration(value=-1, unit="d"))),
    ]


def test_a_broken_link_is_left_out_with_a_note() -> None:
    plan = load_mspdi(MSPDI / "features.xml")
    assert any("99" in note for note in plan.project.extensions["mspdi"]["notes"])


def test_calendars_with_exceptions_and_derived_days() -> None:
    plan = load_mspdi(MSPDI / "features.xml")
    standard = plan.calendars["standard"]
    assert [str(r) for r in standard.week["tue"]] == ["08:00-12:00", "13:00-17:00"]  # default hours
    assert standard.week["sat"] == []
    assert [(e.date, e.until, e.hours, e.name) for e in standard.exceptions] == [
        (dt.date(2027, 1, 6), None, [], None),
        (dt.date(2027, 2, 1), dt.date(2027, 2, 3), [], "Shutdown"),
    ]
    derived = plan.calendars["standard-2"]  # same name, made unique
    assert derived.based_on == "standard"
    assert list(derived.week) == ["sat"] and str(derived.week["sat"][0]) == "20:00-24:00"
    assert [str(r) for r in derived.exceptions[0].hours] == ["08:00-12:00"]
    assert plan.task_map()["3"].calendar == "standard-2"


def test_constraints_deadlines_resources_and_assignments() -> None:
    plan = load_mspdi(MSPDI / "features.xml")
    tasks = plan.task_map()
    test = tasks["5"]
    assert test.constraint is not None and test.constraint.type is ConstraintType.SNET
    assert test.constraint.date == dt.datetime(2027, 1, 20, 8)
    assert test.deadline == dt.datetime(2027, 1, 29, 17)
    assert tasks["7"].constraint is not None and tasks["7"].constraint.type is ConstraintType.FNLT
    alice = plan.resources["alice-meyer"]
    assert (alice.units, alice.calendar, str(alice.rate)) == (0.5, "standard-2", "95/h")
    assert [(a.resource, a.units, a.work) for a in tasks["3"].resources] == [
        ("alice-meyer", 0.5, Duration(value=12, unit="h"))
    ]
    assert tasks["4"].resources == []  # the "unassigned" resource


def test_schedule_from_the_file() -> None:
    result = rows("features.xml")
    assert (result["2"]["start"], result["2"]["finish"]) == ("2027-01-04T08:00", "2027-01-05T17:00")
    assert result["3"]["start"] == "2027-01-08T08:00"  # +1d after Design, skipping the 6th (a holiday)
    assert result["4"]["start"] == "2027-01-05T13:00"  # SS -50 % of Build's 3 days: back 1.5 days
    assert result["5"]["start"] == "2027-01-20T08:00"  # SNET
    assert result["5"]["total_slack"] == 0


def test_manual_inactive_and_finished_tasks() -> None:
    plan = load_mspdi(MSPDI / "progress.xml")
    tasks = plan.task_map()
    assert tasks["2"].manual and tasks["2"].scheduled_start == dt.datetime(2027, 1, 11, 8)
    assert not tasks["4"].active
    assert tasks["1"].percent_complete == 1.0
    result = rows("progress.xml")
    assert (result["2"]["start"], result["2"]["finish"]) == ("2027-01-11T08:00", "2027-01-11T17:00")
    assert result["3"]["start"] == "2027-01-12T08:00"  # after the manual task; the inactive one is ignored
    assert result["4"]["critical"] is False
    assert result["1"]["finish"] == "2027-01-05T17:00"


def test_the_plan_survives_the_plan_file() -> None:
    for name in ("features.xml", "progress.xml"):
        plan = load_mspdi(MSPDI / name)
        assert parse_plan(dump_plan(plan)) == plan


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_hostile_files_are_refused(name: str) -> None:
    with pytest.raises(ImportFileError, match="document type"):
        load_mspdi(MSPDI / name)


def test_a_malformed_file_says_where_and_what() -> None:
    with pytest.raises(ImportFileError, match="not well-formed XML: mismatched tag") as caught:
        load_mspdi(MSPDI / "malformed.xml")
    assert caught.value.where is not None and caught.value.where.line == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<Plan/>", "root element is <Plan>"),
        ("<Project><Name>x</Name></Project>", "no StartDate"),
        (
            "<Project><StartDate>2027-01-04T08:00:00</StartDate><Tasks><Task><UID>1</UID>"
            "<OutlineLevel>1</OutlineLevel><Duration>8 hours</Duration></Task></Tasks></Project>",
            "task UID 1 Duration: '8 hours' is not an ISO 8601 duration",
        ),
        (
            "<Project><StartDate>2027-01-04T08:00:00</StartDate><Tasks><Task><UID>1</UID>"
            "<OutlineLevel>1</OutlineLevel><ConstraintDate>soon</ConstraintDate><ConstraintType>4</ConstraintType>"
            "</Task></Tasks></Project>",
            "task UID 1 ConstraintDate: 'soon' is not a date",
        ),
    ],
)
def test_bad_content_gets_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        parse_mspdi(text, "bad.xml")
