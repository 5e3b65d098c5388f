"""The `charter` command end to end: output, exit codes, and files it writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from charter.cli.app import main
from tests.conftest import EXAMPLES

SMALL = """\
charter: 1
project: {name: Small, start: 2027-01-04}
tasks:
  - {key: a, name: Analyse, duration: 5d}
  - {key: b, name: Build, duration: 3d, after: [a]}
  - {key: c, name: Document, duration: 1d, after: [a]}
  - {key: done, name: Done, milestone: true, after: [b, c]}
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_schedule_json_has_the_fixed_shape(capsys: pytest.CaptureFixture[str], small: Path) -> None:
    code, out, _ = run(capsys, "schedule", str(small), "--json")
    assert code == 0
    document = json.loads(out)
    assert document["project"] == {
        "name": "Small",
        "start": "2027-01-04T08:00",
        "finish": "2027-01-13T17:00",
        "timezone": "UTC",
    }
    rows = {row["key"]: row for row in document["tasks"]}
    assert set(rows) == {"a", "b", "c", "done"}
    required = {
        "key",
        "name",
        "start",
        "finish",
        "early_start",
        "early_finish",
        "late_start",
        "late_finish",
        "total_slack",
        "free_slack",
        "critical",
        "is_summary",
        "is_milestone",
    }
    assert required <= set(rows["a"])
    assert rows["c"]["total_slack"] == 2 * 480 and not rows["c"]["critical"]
    assert rows["b"]["critical"] and rows["done"]["is_milestone"]
    assert rows["done"]["start"] == "2027-01-13T17:00"


def test_schedule_table(capsys: pytest.CaptureFixture[str], small: Path) -> None:
    code, out, _ = run(capsys, "schedule", str(small))
    assert code == 0
    assert "Analyse" in out and "critical" in out and "2027-01-13 17:00" in out


def test_status_date_option(capsys: pytest.CaptureFixture[str], small: Path) -> None:
    code, out, _ = run(capsys, "schedule", str(small), "--json", "--status-date", "2027-01-08")
    assert code == 0
    rows = {row["key"]: row for row in json.loads(out)["tasks"]}
    assert rows["a"]["start"] == "2027-01-11T08:00"
    code, _, err = run(capsys, "schedule", str(small), "--status-date", "next week")
    assert code == 2 and "--status-date" in err


def test_user_errors_exit_2_with_location_and_fix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("after: [a]}", "after: [x]}", 1), encoding="utf-8")
    code, out, err = run(capsys, "schedule", str(bad))
    assert code == 2
    assert f"{bad}:5:" in err and "not a task in this plan" in err and "fix:" in err
    assert "Traceback" not in err + out


def test_missing_file_and_wrong_kind(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err
    other = tmp_path / "plan.txt"
    other.write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "check", str(other))
    assert code == 2 and ".yaml" in err


def test_check_reports_conflicts_as_warnings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        SMALL + "  - {key: late, duration: 2d, after: [b], constraint: {type: MSO, date: 2027-01-05}}\n"
    )
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0
    assert "valid plan" in out and "not honoured" in out


def test_critical_explains_each_task(capsys: pytest.CaptureFixture[str], small: Path) -> None:
    code, out, _ = run(capsys, "critical", str(small), "--json")
    assert code == 0
    steps = json.loads(out)["critical"]
    assert [s["key"] for s in steps] == ["a", "b", "done"]
    assert steps[0]["pushed_by"] == {"kind": "project"}
    assert steps[1]["pushed_by"] == {"kind": "link", "task": "a", "link": "FS"}
    assert steps[1]["held_by"] == {"kind": "link", "task": "done", "link": "FS"}
    assert steps[2]["held_by"] == {"kind": "project"}
    code, out, _ = run(capsys, "critical", str(small))
    assert "after a (FS)" in out


def test_init_creates_a_valid_plan_and_never_overwrites(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "new.yaml"
    code, _, _ = run(capsys, "init", str(path), "--name", "Intranet relaunch", "--start", "2027-03-01")
    assert code == 0
    code, out, _ = run(capsys, "schedule", str(path), "--json")
    assert code == 0
    document = json.loads(out)
    assert document["project"]["name"] == "Intranet relaunch"
    assert document["project"]["start"] == "2027-03-01T08:00"
    code, _, err = run(capsys, "init", str(path))
    assert code == 2 and "already exists" in err


def test_fmt_normalises_and_keeps_content(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        SMALL.replace("{key: a, name: Analyse, duration: 5d}", "{duration: 5d, name: Analyse, key: a}")
    )
    code, _, err = run(capsys, "fmt", "--check", str(path))
    assert code == 1 and "would reformat" in err
    code, _, _ = run(capsys, "fmt", str(path))
    assert code == 0
    assert "{key: a, name: Analyse, duration: 5d}" in path.read_text()
    code, _, _ = run(capsys, "fmt", "--check", str(path))
    assert code == 0


def test_fmt_leaves_commented_files_alone(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    text = "# keep me\n" + SMALL.replace("{key: a, name: Analyse, duration: 5d}", "{duration: 5d, key: a}")
    path.write_text(text)
    code, _, err = run(capsys, "fmt", str(path))
    assert code == 0 and "comments" in err
    assert path.read_text() == text


def test_schema_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out)["title"].startswith("Charter plan file")


def test_baseline_save_and_compare(capsys: pytest.CaptureFixture[str], small: Path) -> None:
    small.write_text("# my plan\n" + small.read_text())
    code, out, _ = run(capsys, "baseline", "save", str(small), "--name", "approved")
    assert code == 0 and "Saved baseline 0" in out
    assert small.read_text().startswith("# my plan\n")
    code, _, err = run(capsys, "baseline", "save", str(small))
    assert code == 2 and "--force" in err
    small.write_text(
        small.read_text().replace("{key: b, name: Build, duration: 3d", "{key: b, name: Build, duration: 5d")
    )
    code, out, _ = run(capsys, "baseline", "compare", str(small), "--json")
    assert code == 0
    rows = {row["key"]: row for row in json.loads(out)["tasks"]}
    assert rows["b"]["finish_variance"] == 2 * 480
    assert rows["b"]["duration_variance"] == 2 * 480
    assert rows["a"]["finish_variance"] == 0 and rows["a"]["status"] == "same"
    assert rows["done"]["status"] == "later"
    code, _, err = run(capsys, "baseline", "compare", str(small), "--index", "3")
    assert code == 2 and "no baseline 3" in err


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_check_clean(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, _ = run(capsys, "check", str(path), "--json")
    assert code == 0
    assert json.loads(out) == {"valid": True, "tasks": json.loads(out)["tasks"], "conflicts": []}


def test_the_installed_command_runs() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "charter", "--version"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0
    assert completed.stdout.startswith("charter ")
    completed = subprocess.run(
        [sys.executable, "-m", "charter", "schedule", "/nonexistent.yaml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
