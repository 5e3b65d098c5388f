"""Levelling delays and split tasks read from MSPDI, and levelling delays written back."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from charter.domain import Duration
from charter.domain.task import Split
from charter.engine.calendar import TimeAxis, compile_calendar
from charter.errors import ImportFileError
from charter.formats.mspdi import load_mspdi, parse_mspdi
from charter.formats.mspdi.splits import pauses
from charter.formats.mspdi.writer import dump_mspdi
from tests.conftest import DATA

FIXTURE = DATA / "mspdi" / "levelling-splits.xml"
NS = "{http://schemas.microsoft.com/project}"


def test_levelling_delays_keep_their_unit() -> None:
    tasks = load_mspdi(FIXTURE).task_map()
    assert tasks["3"].leveling_delay == Duration(value=3, unit="ed")
    assert tasks["4"].leveling_delay == Duration(value=2, unit="d")
    assert tasks["1"].leveling_delay is None


def test_a_pause_in_timephased_work_becomes_a_split() -> None:
    tasks = load_mspdi(FIXTURE).task_map()
    assert tasks["6"].splits == [
        Split(after=Duration(value=960, unit="m"), pause=Duration(value=480, unit="m"))
    ]
    assert all(not task.splits for key, task in tasks.items() if key != "6")


def test_pauses_count_working_time_and_work_at_the_assignment_units() -> None:
    plan = load_mspdi(FIXTURE)
    axis = TimeAxis(plan.project.timezone)
    calendar = compile_calendar(plan, plan.project.calendar, axis, dt.date(2027, 1, 4))
    periods = [
        (dt.datetime(2027, 1, 4, 8), dt.datetime(2027, 1, 5, 17), 480.0),  # 8h of work at 50 %
        (dt.datetime(2027, 1, 8, 8), dt.datetime(2027, 1, 8, 17), 240.0),  # Wed and Thu: no work
        (dt.datetime(2027, 1, 11, 8), dt.datetime(2027, 1, 11, 17), 240.0),  # a weekend is no pause
    ]
    assert pauses(periods, calendar, axis, 0.5) == [
        Split(after=Duration(value=960, unit="m"), pause=Duration(value=960, unit="m"))
    ]


def test_a_period_with_a_broken_date_drops_the_splits_with_a_note() -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace("2027-01-07T08:00:00", "2027-01-07T08:-0:00", 1)
    plan = parse_mspdi(text)
    assert plan.task_map()["6"].splits == []
    assert any("split pauses are not read" in note for note in plan.project.extensions["mspdi"]["notes"])


def test_a_negative_levelling_delay_is_refused() -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace("<LevelingDelay>9600", "<LevelingDelay>-9600")
    with pytest.raises(ImportFileError, match=r"task UID 4 LevelingDelay.*negative"):
        parse_mspdi(text, "bad.xml")


def test_levelling_delays_are_written_back() -> None:
    plan = load_mspdi(FIXTURE)
    root = ET.fromstring(dump_mspdi(plan).xml)
    written = {
        t.findtext(f"{NS}UID"): (t.findtext(f"{NS}LevelingDelay"), t.findtext(f"{NS}LevelingDelayFormat"))
        for t in root.iter(f"{NS}Task")
    }
    assert written["3"] == ("43200", "8")
    assert written["4"] == ("9600", "7")
    again = parse_mspdi(dump_mspdi(plan).xml).task_map()
    assert again["4"].leveling_delay == Duration(value=2, unit="d")
