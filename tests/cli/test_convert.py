"""`charter import` and `charter export` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.cli.app import main
from charter.formats.mspdi import load_mspdi
from charter.formats.planfile import load_plan
from tests.conftest import DATA, EXAMPLES

FEATURES = DATA / "mspdi" / "features.xml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_writes_a_plan_file_equal_to_the_xml(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "plan.yaml"
    code, out, _ = run(capsys, "import", str(FEATURES), "-o", str(target))
    assert code == 0 and "6 tasks" in out
    assert load_plan(target) == load_mspdi(FEATURES)
    assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml"]  # no temporary file left


def test_import_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "import", str(FEATURES), "-o", str(tmp_path / "p.yaml"), "--report")
    assert code == 0
    assert "6 tasks" in out and "6 links" in out and "2 calendars" in out and "1 assignment," in out
    assert "1 summary," in out and "1 resource," in out
    assert "predecessor UID 99" in out
    assert "all 5 compared tasks match" in out


def test_import_report_lists_dates_that_differ(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = FEATURES.read_text(encoding="utf-8").replace(
        "<Name>Test</Name>", "<Name>Test</Name><Start>2027-01-19T08:00:00</Start><TotalSlack>0</TotalSlack>"
    )
    source = tmp_path / "stored.xml"
    source.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "import", str(source), "-o", str(tmp_path / "p.yaml"), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["counts"]["tasks"] == 6
    assert report["differences"] == [
        {
            "task": "5",
            "name": "Test",
            "fields": [{"field": "start", "stored": "2027-01-19T08:00", "computed": "2027-01-20T08:00"}],
            "reason": None,
            "file_contradicts_itself": False,
        }
    ]


def test_export_then_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "project.xml"
    code, out, _ = run(capsys, "export", str(EXAMPLES[0]), "-o", str(target))
    assert code == 0 and "Task keys given Project UIDs" in out
    assert sum(1 for _ in load_mspdi(target).walk()) == sum(1 for _ in load_plan(EXAMPLES[0]).walk())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "nothing.xml", "-o", "p.yaml"], "no such file"),
        (["import", str(FEATURES), "-o", "p.txt"], "plan file"),
        (["export", str(FEATURES), "-o", "p.yaml"], "Microsoft Project XML"),
        (["import", "plan.csv", "-o", "p.yaml"], "cannot read '.csv'"),
    ],
)
def test_errors_say_what_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err and "fix:" in err


def test_export_names_split_tasks_written_without_their_pauses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "charter: 1\nproject: {name: Splits, start: 2027-01-04, status_date: 2027-01-06}\ntasks:\n"
        "  - {key: started, duration: 4d, actual_start: 2027-01-04, percent_complete: 25%,\n"
        "     splits: [{after: 1d, pause: 2d}]}\n"
        "  - {key: waiting, duration: 4d, splits: [{after: 1d, pause: 2d}]}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "export", str(plan), "-o", str(tmp_path / "project.xml"))
    assert code == 0
    assert "1 split task(s) written without their pauses (started)" in " ".join(out.split())
