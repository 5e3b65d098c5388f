"""Hostile and broken Project files: a clear error or a correct import, never a hang or a crash.

The time budget for a 50 MB file is measured by ``benchmarks/mspdi_hostile.py``, not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.cli.app import main
from charter.engine.cpm import schedule
from charter.errors import DependencyCycleError, ImportFileError
from charter.formats.mspdi import load_mspdi, parse_mspdi
from charter.formats.mspdi.writer import dump_mspdi
from tests.conftest import DATA

HEAD = (
    '<Project xmlns="http://schemas.microsoft.com/project"><Name>h</Name>'
    "<StartDate>2027-01-04T08:00:00</StartDate><Tasks>"
)


def task(uid: int, *preds: int) -> str:
    links = "".join(
        f"<PredecessorLink><PredecessorUID>{p}</PredecessorUID><Type>1</Type></PredecessorLink>"
        for p in preds
    )
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>T{uid}</Name><OutlineLevel>1</OutlineLevel>"
        f"<Duration>PT8H0M0S</Duration><DurationFormat>7</DurationFormat>{links}</Task>"
    )


def document(*tasks: str) -> str:
    return HEAD + "".join(tasks) + "</Tasks></Project>"


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_entity_tricks_are_refused_through_the_cli(name: str, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="document type"):
        load_mspdi(DATA / "mspdi" / name)
    assert main(["import", str(DATA / "mspdi" / name), "-o", str(tmp_path / "p.yaml")]) == 2
    assert not (tmp_path / "p.yaml").exists()


def test_an_internal_entity_without_a_doctype_is_not_expanded() -> None:
    with pytest.raises(ImportFileError):
        parse_mspdi(HEAD.replace("<Name>h</Name>", "<Name>&lol;</Name>") + "</Tasks></Project>", "e.xml")


def test_a_broken_link_reference_is_left_out_with_a_note() -> None:
    plan = parse_mspdi(document(task(1), task(2, 1, 404)), "broken.xml")
    assert [lk.predecessor for lk in plan.task_map()["2"].links] == ["1"]
    assert any("404" in note for note in plan.project.extensions["mspdi"]["notes"])


def test_a_cycle_is_a_clear_error_on_scheduling_and_export(tmp_path: Path) -> None:
    path = tmp_path / "cycle.xml"
    path.write_text(document(task(1, 3), task(2, 1), task(3, 2)), encoding="utf-8")
    plan = load_mspdi(path)
    with pytest.raises(DependencyCycleError, match="dependency cycle"):
        schedule(plan)
    with pytest.raises(DependencyCycleError):
        dump_mspdi(plan)
    assert main(["import", str(path), "-o", str(tmp_path / "p.yaml"), "--report"]) == 2


def test_a_self_link_and_a_truncated_file_are_clear() -> None:
    plan = parse_mspdi(document(task(1, 1)), "self.xml")
    assert plan.task_map()["1"].links == []
    with pytest.raises(ImportFileError, match="not well-formed"):
        parse_mspdi(document(task(1), task(2, 1))[:-40], "cut.xml")


def test_many_tasks_import_correctly(tmp_path: Path) -> None:
    count = 3000
    body = [task(1)] + [task(i, i - 1) for i in range(2, count + 1)]
    plan = parse_mspdi(document(*body), "many.xml")
    result = schedule(plan)
    assert len(result.network.tasks) == count
    assert result.network.axis.local(result.project_finish).strftime("%Y-%m-%d") > "2038-01-01"
