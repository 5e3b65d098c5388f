"""What MSPDI export used to lose: estimated durations, the time zone, baseline save dates and
names, and split tasks (written as timephased work so Project shows them split)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from charter.domain import Baseline, BaselineTask, Duration
from charter.domain.task import Split
from charter.engine.cpm import schedule
from charter.formats.mspdi import load_mspdi, parse_mspdi
from charter.formats.mspdi.writer import dump_mspdi
from charter.formats.planfile import dump_plan, parse_plan
from charter.views.schedule import schedule_document
from tests.conftest import DATA

MSPDI = DATA / "mspdi"
SPLITS = MSPDI / "levelling-splits.xml"
NS = "{http://schemas.microsoft.com/project}"
DESIGN = "<Name>Design</Name><Type>1</Type><OutlineLevel>1</OutlineLevel><Duration>PT16H0M0S</Duration>"


def task_elements(xml: bytes) -> dict[str, ET.Element]:
    return {t.findtext(f"{NS}UID") or "": t for t in ET.fromstring(xml).iter(f"{NS}Task")}


def timephased(xml: bytes, task_uid: str) -> list[tuple[str, str, str, str]]:
    root = ET.fromstring(xml)
    for assignment in root.iter(f"{NS}Assignment"):
        if assignment.findtext(f"{NS}TaskUID") == task_uid:
            return [
                tuple(item.findtext(f"{NS}{name}") or "" for name in ("Type", "Start", "Finish", "Value"))  # type: ignore[misc]
                for item in assignment.iter(f"{NS}TimephasedData")
            ]
    return []


def rows(plan_or_xml: object) -> dict[str, tuple[str, str]]:
    plan = parse_mspdi(plan_or_xml) if isinstance(plan_or_xml, bytes) else plan_or_xml
    document = schedule_document(schedule(plan))  # type: ignore[arg-type]
    return {row["key"]: (row["start"], row["finish"]) for row in document["tasks"]}


# -- estimated durations -------------------------------------------------------------------
def test_an_estimated_duration_keeps_its_question_mark() -> None:
    text = SPLITS.read_text(encoding="utf-8")
    estimated = text.replace(
        f"{DESIGN}<DurationFormat>7</DurationFormat>",
        f"{DESIGN}<DurationFormat>39</DurationFormat><Estimated>1</Estimated>",
    )
    assert estimated != text
    plan = parse_mspdi(estimated)
    assert plan.task_map()["1"].duration == Duration(value=2, unit="d")
    written = task_elements(dump_mspdi(plan).xml)
    assert written["1"].findtext(f"{NS}DurationFormat") == "39"
    assert written["1"].findtext(f"{NS}Estimated") == "1"
    assert written["2"].findtext(f"{NS}DurationFormat") == "7"
    assert written["2"].findtext(f"{NS}Estimated") is None


def test_an_estimated_format_alone_sets_the_flag() -> None:
    text = SPLITS.read_text(encoding="utf-8").replace(
        f"{DESIGN}<DurationFormat>7</DurationFormat>", f"{DESIGN}<DurationFormat>39</DurationFormat>"
    )
    plan = parse_mspdi(text)
    assert plan.task_map()["1"].extensions["mspdi"]["Estimated"] == "1"
    written = task_elements(dump_mspdi(plan).xml)["1"]
    assert (written.findtext(f"{NS}DurationFormat"), written.findtext(f"{NS}Estimated")) == ("39", "1")
    # Through a plan file too: the flag is kept under extensions.
    again = parse_plan(dump_plan(plan))
    assert task_elements(dump_mspdi(again).xml)["1"].findtext(f"{NS}DurationFormat") == "39"


# -- time zone and baselines ---------------------------------------------------------------
PLAN = """\
charter: 1
project: {name: Night works, start: 2027-03-22, timezone: Europe/Berlin}
tasks:
  - {key: a, duration: 3d}
  - {key: b, duration: 2d, after: [a]}
"""


def test_the_time_zone_and_baseline_dates_survive_export() -> None:
    plan = parse_plan(PLAN)
    entry = BaselineTask(
        start=dt.datetime(2027, 3, 22, 8), finish=dt.datetime(2027, 3, 24, 17), duration_minutes=1440
    )
    plan.baselines = [
        Baseline(
            index=0, name='approved "v1" <final>?>', saved=dt.datetime(2027, 3, 1, 9, 30), tasks={"a": entry}
        ),
        Baseline(index=2, saved=dt.datetime(2027, 3, 15, 14, 0), tasks={"a": entry}),
    ]
    xml = dump_mspdi(plan).xml
    assert ET.fromstring(xml).tag == f"{NS}Project"  # the instruction keeps the XML well-formed
    again = parse_mspdi(xml)
    assert again.project.timezone == "Europe/Berlin"
    assert [(b.index, b.name, b.saved) for b in again.baselines] == [
        (0, 'approved "v1" <final>?>', dt.datetime(2027, 3, 1, 9, 30)),
        (2, None, dt.datetime(2027, 3, 15, 14, 0)),
    ]
    # MSPDI -> Charter -> MSPDI keeps them as well.
    third = parse_mspdi(dump_mspdi(again).xml)
    assert third.project.timezone == "Europe/Berlin"
    assert third.baselines == again.baselines


def test_a_file_without_the_instruction_reads_as_before() -> None:
    plan = load_mspdi(MSPDI / "baselines.xml")
    assert plan.project.timezone == "UTC"
    xml = dump_mspdi(plan).xml
    assert b"<?charter" in xml  # its baselines' save dates are written
    assert parse_mspdi(xml).baselines == plan.baselines


def test_an_unknown_time_zone_in_the_instruction_is_noted() -> None:
    xml = dump_mspdi(parse_plan(PLAN)).xml.replace(b"Europe/Berlin", b"Europe/Atlantis")
    plan = parse_mspdi(xml)
    assert plan.project.timezone == "UTC"
    assert any("Europe/Atlantis" in note for note in plan.project.extensions["mspdi"]["notes"])
    broken = dump_mspdi(parse_plan(PLAN)).xml.replace(b'{"timezone"', b'{timezone"')
    assert any("not a JSON object" in n for n in parse_mspdi(broken).project.extensions["mspdi"]["notes"])


# -- split tasks ---------------------------------------------------------------------------
def test_a_split_task_is_written_as_timephased_work() -> None:
    xml = dump_mspdi(load_mspdi(SPLITS)).xml
    # Exactly what Project wrote for this task: 2 days of work, a day without, 2 days of work.
    assert timephased(xml, "6") == [
        ("1", "2027-01-04T08:00:00", "2027-01-05T17:00:00", "PT16H0M0S"),
        ("1", "2027-01-06T08:00:00", "2027-01-06T17:00:00", "PT0H0M0S"),
        ("1", "2027-01-07T08:00:00", "2027-01-08T17:00:00", "PT16H0M0S"),
    ]
    assert timephased(xml, "7") == []  # tasks without pauses get no timephased data


def test_mspdi_charter_mspdi_keeps_splits_and_levelling_delays() -> None:
    plan = load_mspdi(SPLITS)
    again = parse_mspdi(dump_mspdi(plan).xml)
    for key, task in plan.task_map().items():
        other = again.task_map()[key]
        assert (other.splits, other.leveling_delay) == (task.splits, task.leveling_delay), key
    assert rows(again) == rows(plan)


def test_splits_of_a_plan_file_come_back_from_project_xml() -> None:
    text = """\
charter: 1
project: {name: P, start: 2027-01-04}
resources:
  bob: {name: Bob, units: 50%}
tasks:
  - {key: build, duration: 5d, resources: ["bob 50%"], splits: [{after: 1d, pause: 2d}, {after: 3d, pause: 4h}]}
  - {key: test, duration: 2d, after: [build], splits: [{after: 12h, pause: 1d}]}
"""
    plan = parse_plan(text)
    document = dump_mspdi(plan)
    uids = document.uids
    # Work at 50 %: a day of duration is 4h of Bob's work.
    assert timephased(document.xml, str(uids["build"])) == [
        ("1", "2027-01-04T08:00:00", "2027-01-04T17:00:00", "PT4H0M0S"),
        ("1", "2027-01-05T08:00:00", "2027-01-06T17:00:00", "PT0H0M0S"),
        ("1", "2027-01-07T08:00:00", "2027-01-08T17:00:00", "PT8H0M0S"),
        ("1", "2027-01-11T08:00:00", "2027-01-11T12:00:00", "PT0H0M0S"),
        ("1", "2027-01-11T13:00:00", "2027-01-13T12:00:00", "PT8H0M0S"),
    ]
    again = parse_mspdi(document.xml).task_map()
    assert again[str(uids["build"])].splits == [
        Split(after=Duration(value=480, unit="m"), pause=Duration(value=960, unit="m")),
        Split(after=Duration(value=1440, unit="m"), pause=Duration(value=240, unit="m")),
    ]
    assert again[str(uids["test"])].splits == [
        Split(after=Duration(value=720, unit="m"), pause=Duration(value=480, unit="m"))
    ]
    expected = rows(plan)
    assert {key: rows(document.xml)[str(uid)] for key, uid in uids.items()} == expected
