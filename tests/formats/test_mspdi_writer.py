"""The MSPDI writer: round trips through Charter, and files MPXJ reads back the same."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from charter.domain import Calendar, Plan
from charter.domain.calendar import WEEKDAYS
from charter.engine.cpm import schedule
from charter.formats.mspdi import load_mspdi, parse_mspdi
from charter.formats.mspdi.writer import COMPUTED_TASK_FIELDS, dump_mspdi, save_mspdi
from charter.formats.planfile import load_plan
from charter.views.schedule import schedule_document
from tests.conftest import DATA, EXAMPLES
from tests.unavailable import skip_here_fail_in_ci

MSPDI = DATA / "mspdi"
FIXTURES = ["features.xml", "progress.xml", "baselines.xml", "costs.xml"]
NS = "{http://schemas.microsoft.com/project}"


def normalized(plan: Plan) -> Plan:
    """The plan without what a round trip may legitimately change: the import notes, the dates
    Project or Charter computed, and an implicit standard calendar made explicit."""
    copy = plan.model_copy(deep=True)
    copy.project.extensions.get("mspdi", {}).pop("notes", None)
    if not copy.project.backward:
        copy.project.extensions.get("mspdi", {}).pop("FinishDate", None)  # computed, as task dates are
    for task in copy.walk():
        for name in COMPUTED_TASK_FIELDS:
            task.extensions.get("mspdi", {}).pop(name, None)
    if copy.project.calendar not in copy.calendars:
        copy.calendars[copy.project.calendar] = Calendar.standard(copy.project.calendar)
        copy.project.extensions.setdefault("mspdi", {}).setdefault(
            "calendar_uids", {copy.project.calendar: "1"}
        )
    for calendar in copy.calendars.values():
        if calendar.based_on is None:
            for day in WEEKDAYS:
                calendar.week.setdefault(day, [])
    return copy


@pytest.mark.parametrize("name", FIXTURES)
def test_mspdi_charter_mspdi_charter_gives_an_equal_plan(name: str) -> None:
    plan = load_mspdi(MSPDI / name)
    again = parse_mspdi(dump_mspdi(plan).xml, "again.xml")
    assert normalized(again) == normalized(plan)
    third = parse_mspdi(dump_mspdi(again).xml, "third.xml")
    assert third == again  # after one trip, the trip is exact


@pytest.mark.parametrize("name", FIXTURES)
def test_extension_data_is_written_back(name: str) -> None:
    plan = load_mspdi(MSPDI / name)
    root = ET.fromstring(dump_mspdi(plan).xml)
    written = {t.findtext(f"{NS}UID"): t for t in root.iter(f"{NS}Task")}
    for task in plan.walk():
        for field, value in task.extensions["mspdi"].items():
            if field in COMPUTED_TASK_FIELDS or not isinstance(value, str):
                continue
            assert written[task.key].findtext(f"{NS}{field}") == value, (task.key, field)
    resources = {r.findtext(f"{NS}Name"): r for r in root.iter(f"{NS}Resource")}
    for resource in plan.resources.values():
        element = resources[resource.name or resource.key]
        for field, value in resource.extensions.get("mspdi", {}).items():
            if isinstance(value, str):
                assert element.findtext(f"{NS}{field}") == value, (resource.key, field)
    for field, value in plan.project.extensions["mspdi"].items():
        if isinstance(value, str):
            assert root.findtext(f"{NS}{field}") == value, field


def test_computed_dates_are_written() -> None:
    plan = load_mspdi(MSPDI / "features.xml")
    rows = {row["key"]: row for row in schedule_document(schedule(plan))["tasks"]}
    root = ET.fromstring(dump_mspdi(plan).xml)
    for task in root.iter(f"{NS}Task"):
        uid = task.findtext(f"{NS}UID") or ""
        if uid == "0":
            continue
        row = rows[uid]
        assert (task.findtext(f"{NS}Start") or "")[:16] == row["start"]
        assert (task.findtext(f"{NS}LateFinish") or "")[:16] == row["late_finish"]
        assert task.findtext(f"{NS}TotalSlack") == str(row["total_slack"] * 10)  # tenths of minutes
        assert task.findtext(f"{NS}Critical") == ("1" if row["critical"] else "0")


def test_links_constraints_and_lags_are_written_as_project_codes() -> None:
    root = ET.fromstring(dump_mspdi(load_mspdi(MSPDI / "features.xml")).xml)
    tasks = {t.findtext(f"{NS}UID"): t for t in root.iter(f"{NS}Task")}
    links = [
        (lk.findtext(f"{NS}Type"), lk.findtext(f"{NS}LinkLag"), lk.findtext(f"{NS}LagFormat"))
        for lk in tasks["5"].iter(f"{NS}PredecessorLink")
    ]
    assert links == [("0", "14400", "8"), ("2", "600", "5")]  # FF +1ed, SF +1h
    assert tasks["4"].find(f"{NS}PredecessorLink/{NS}LagFormat") is not None
    assert tasks["4"].findtext(f"{NS}PredecessorLink/{NS}LinkLag") == "-50"  # SS -50 %
    assert (tasks["5"].findtext(f"{NS}ConstraintType"), tasks["5"].findtext(f"{NS}ConstraintDate")) == (
        "4",
        "2027-01-20T08:00:00",
    )


def test_baselines_are_read_and_written() -> None:
    plan = load_mspdi(MSPDI / "baselines.xml")
    assert [b.index for b in plan.baselines] == [0, 1]
    first = plan.baselines[0].tasks["1"]
    assert (first.start, first.finish) == (dt.datetime(2027, 1, 4, 8), dt.datetime(2027, 1, 8, 17))
    assert (first.duration_minutes, first.work_minutes, first.cost) == (2400, 2400, 1250.5)
    assert plan.baselines[0].saved == dt.datetime(2027, 1, 3, 12)
    assert plan.task_map()["1"].extensions["mspdi"]["Baseline"] == [{"Number": "0", "DurationFormat": "7"}]
    root = ET.fromstring(dump_mspdi(plan).xml)
    task = next(t for t in root.iter(f"{NS}Task") if t.findtext(f"{NS}UID") == "1")
    written = [{c.tag[len(NS) :]: c.text for c in b} for b in task.iter(f"{NS}Baseline")]
    assert written[0] == {
        "Number": "0",
        "Start": "2027-01-04T08:00:00",
        "Finish": "2027-01-08T17:00:00",
        "Duration": "PT40H0M0S",
        "DurationFormat": "7",
        "Work": "PT40H0M0S",
        "Cost": "125050",
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_plan_file_exports_with_generated_uids_and_the_same_schedule(path: Path, tmp_path: Path) -> None:
    plan = load_plan(path)
    target = tmp_path / "project.xml"
    document = save_mspdi(plan, target)
    again = load_mspdi(target)
    assert set(document.uids) == {t.key for t in plan.walk()}  # the examples' keys are words
    mine = schedule_document(schedule(plan))["tasks"]
    theirs = {row["key"]: row for row in schedule_document(schedule(again))["tasks"]}
    for row in mine:
        other = theirs[str(document.uids[row["key"]])]
        assert (other["start"], other["finish"], other["total_slack"]) == (
            row["start"],
            row["finish"],
            row["total_slack"],
        ), row["key"]


# -- MPXJ reads what Charter writes ----------------------------------------------------------


@pytest.fixture(scope="module")
def mpxj_reader() -> Any:
    from tests.differential.mpxj_bridge import mpxj_available

    reason = mpxj_available()  # starts the one JVM the differential tests share
    if reason is not None:
        skip_here_fail_in_ci("the MPXJ round trip", reason)
    import jpype

    return jpype.JClass("org.mpxj.reader.UniversalProjectReader")()


def _minute(value: Any) -> str | None:
    return None if value is None else str(value.toString())[:16]


@pytest.mark.mpxj
@pytest.mark.parametrize("name", FIXTURES)
def test_mpxj_reads_an_exported_file_with_the_same_content(
    name: str, tmp_path: Path, mpxj_reader: Any
) -> None:
    plan = load_mspdi(MSPDI / name)
    target = tmp_path / "export.xml"
    save_mspdi(plan, target)
    project = mpxj_reader.read(str(target))
    rows = {row["key"]: row for row in schedule_document(schedule(plan))["tasks"]}
    tasks = {str(t.getUniqueID()): t for t in project.getTasks() if int(t.getUniqueID()) != 0}
    assert set(tasks) == {t.key for t in plan.walk()}
    for task in plan.walk():
        theirs = tasks[task.key]
        assert str(theirs.getName()) == task.label
        assert (_minute(theirs.getStart()), _minute(theirs.getFinish())) == (
            rows[task.key]["start"],
            rows[task.key]["finish"],
        )
        assert (_minute(theirs.getEarlyStart()), _minute(theirs.getLateFinish())) == (
            rows[task.key]["early_start"],
            rows[task.key]["late_finish"],
        )
        kind = task.constraint.type.value if task.constraint else "ASAP"
        assert _constraint(str(theirs.getConstraintType().toString())) == kind
        if task.constraint and task.constraint.date:
            assert _minute(theirs.getConstraintDate()) == f"{task.constraint.date:%Y-%m-%dT%H:%M}"
        calendar = theirs.getCalendar()
        assert (str(calendar.getName()) if calendar is not None else None) == (
            _calendar_name(plan, task.calendar) if task.calendar else None
        )
        for baseline in plan.baselines:
            entry = baseline.tasks.get(task.key)
            if entry is not None and entry.cost is not None:
                cost = theirs.getBaselineCost(baseline.index) if baseline.index else theirs.getBaselineCost()
                assert float(cost.doubleValue()) == entry.cost
            if entry is not None:
                start = (
                    theirs.getBaselineStart(baseline.index) if baseline.index else theirs.getBaselineStart()
                )
                assert _minute(start) == f"{entry.start:%Y-%m-%dT%H:%M}"
        links = [
            (str(r.getPredecessorTask().getUniqueID()), str(r.getType().toString()), _lag(r.getLag()))
            for r in theirs.getPredecessors()
        ]
        assert links == [(lk.predecessor, lk.type.value, _plan_lag(plan, lk)) for lk in task.links]
    calendars = sorted(
        (str(c.getName()), len(list(c.getCalendarExceptions()))) for c in project.getCalendars()
    )
    expected = sorted(
        (_calendar_name(plan, key), len(c.exceptions) + len(c.holidays)) for key, c in plan.calendars.items()
    )
    assert calendars == (expected or [("standard", 0)])


@pytest.mark.mpxj
def test_mpxj_reads_the_money_charter_writes(tmp_path: Path, mpxj_reader: Any) -> None:
    plan = load_mspdi(MSPDI / "costs.xml")
    target = tmp_path / "export.xml"
    save_mspdi(plan, target)
    project = mpxj_reader.read(str(target))
    resources = {str(r.getName()): r for r in project.getResources() if r.getName() is not None}
    for resource in plan.resources.values():
        theirs = resources[resource.name or resource.key]
        rate = theirs.getStandardRate()
        if resource.rate is None:
            assert rate is None or float(rate.getAmount()) == 0
        else:
            assert float(rate.getAmount()) == resource.rate.amount
        per_use = theirs.getCostPerUse()
        assert (float(per_use.doubleValue()) if per_use is not None else 0.0) == (
            resource.cost_per_use or 0.0
        )
    table = list(resources["Architect"].getCostRateTable(0))
    assert [float(row.getStandardRate().getAmount()) for row in table] == [1000.0, 1200.0]
    assert str(table[1].getStartDate().toString())[:10] == "2027-01-11"
    tasks = {str(t.getUniqueID()): t for t in project.getTasks()}
    assert float(tasks["1"].getFixedCost().doubleValue()) == 1000.0
    assert str(tasks["1"].getFixedCostAccrual().toString()) == "START"
    assert str(tasks["4"].getFixedCostAccrual().toString()) == "END"
    costs = {
        str(a.getTask().getUniqueID()): a
        for a in project.getResourceAssignments()
        if a.getResource() is not None
    }
    assert float(costs["4"].getCost().doubleValue()) == 750.0
    assert float(costs["3"].getUnits().doubleValue()) == 25000.0  # MPXJ gives units in per cent


def _calendar_name(plan: Plan, key: str) -> str:
    return str(plan.project.extensions.get("mspdi", {}).get("calendar_names", {}).get(key, key))


def _constraint(java: str) -> str:
    return {
        "AS_SOON_AS_POSSIBLE": "ASAP",
        "AS_LATE_AS_POSSIBLE": "ALAP",
        "START_NO_EARLIER_THAN": "SNET",
        "START_NO_LATER_THAN": "SNLT",
        "FINISH_NO_EARLIER_THAN": "FNET",
        "FINISH_NO_LATER_THAN": "FNLT",
        "MUST_START_ON": "MSO",
        "MUST_FINISH_ON": "MFO",
    }[java]


def _lag(duration: Any) -> str:
    return f"{float(duration.getDuration()):g}{duration.getUnits().toString()}"


def _plan_lag(plan: Plan, link: Any) -> str:
    if link.lag.percent is not None:
        return f"{link.lag.percent:g}%"
    if link.lag.amount is None:
        return "0d"
    units = {
        "m": "m",
        "h": "h",
        "d": "d",
        "w": "w",
        "mo": "mo",
        "em": "em",
        "eh": "eh",
        "ed": "ed",
        "ew": "ew",
    }
    return f"{link.lag.amount.value:g}{units.get(link.lag.amount.unit, link.lag.amount.unit)}"
