"""Work contours come in from MSPDI, go out to MSPDI and through the plan file unchanged."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from charter.errors import PlanFileError
from charter.formats.mspdi import load_mspdi, parse_mspdi
from charter.formats.mspdi.writer import dump_mspdi
from charter.formats.planfile import dump_plan, parse_plan
from charter.formats.planfile.schema import plan_schema
from tests.conftest import DATA, plan_text

FIXTURE = DATA / "mspdi" / "contours.xml"
NS = "{http://schemas.microsoft.com/project}"


def test_work_contours_are_read() -> None:
    plan = load_mspdi(FIXTURE)
    found = {task.key: [a.contour for a in task.resources] for task in plan.walk() if task.resources}
    assert found == {"1": ["back_loaded"], "2": ["front_loaded"], "3": ["turtle"], "4": ["flat"]}


def test_work_contours_are_written_as_project_codes() -> None:
    root = ET.fromstring(dump_mspdi(load_mspdi(FIXTURE)).xml)
    codes = {a.findtext(f"{NS}TaskUID"): a.findtext(f"{NS}WorkContour") for a in root.iter(f"{NS}Assignment")}
    assert codes == {"1": "1", "2": "2", "3": "7", "4": "0"}
    again = parse_mspdi(dump_mspdi(load_mspdi(FIXTURE)).xml, "again.xml")
    assert [a.contour for a in again.task_map()["3"].resources] == ["turtle"]


def test_contours_survive_the_plan_file() -> None:
    plan = load_mspdi(FIXTURE)
    text = dump_plan(plan)
    assert "contour: back_loaded" in text
    again = parse_plan(text)
    assert [a.contour for a in again.task_map()["2"].resources] == ["front_loaded"]
    assert again.task_map()["2"].resources == plan.task_map()["2"].resources


def test_a_plan_file_contour_is_checked() -> None:
    text = plan_text(
        """
        resources:
          ann: {name: Ann}
        tasks:
          - key: build
            type: fixed_units
            work: 30h
            resources: [{resource: ann, work: 30h, contour: bell}]
        """
    )
    plan = parse_plan(text)
    assert plan.task_map()["build"].resources[0].contour == "bell"
    assert dump_plan(parse_plan(dump_plan(plan))) == dump_plan(plan)
    schema = plan_schema()
    assert "bell" in str(schema)
    with pytest.raises(PlanFileError, match="'belly' is not one of flat, back_loaded"):
        parse_plan(text.replace("contour: bell", "contour: belly"))
