"""`charter level` and `charter workload` end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from charter.cli.app import main
from charter.formats.planfile import load_plan
from tests.conftest import DATA, ROOT

EXAMPLE = ROOT / "examples" / "analytics-platform.yaml"
J301 = DATA / "psplib" / "j301_1.sm"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_level_psplib_optimal_prints_one_json_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "level", str(J301), "--mode", "optimal", "--time-limit", "10", "--json")
    assert code == 0
    document = json.loads(out)
    assert document["makespan"] == 43 and document["lower_bound"] == 43 and document["optimal"] is True
    assert isinstance(document["time_s"], float)
    starts = document["starts"]
    assert list(starts)[:3] == ["1", "2", "3"] and len(starts) == 32
    assert starts["1"] == 0 and max(starts.values()) == 43  # the end job starts at the makespan


def test_level_psplib_fast_ignores_the_time_limit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "level", str(J301), "--time-limit", "30", "--json")
    document = json.loads(out)
    assert code == 0 and document["mode"] == "fast"
    assert document["time_s"] < 5 and document["makespan"] >= 43


def test_level_proposes_without_writing_and_explains(capsys: pytest.CaptureFixture[str]) -> None:
    before = EXAMPLE.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "level", str(EXAMPLE))
    assert code == 0
    assert EXAMPLE.read_text(encoding="utf-8") == before
    assert "over-allocation(s) found" in out and "nothing was changed" in out
    assert "waits for de (busy with i-core" in out


def test_level_json_and_output_then_relevel_moves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "levelled.yaml"
    code, out, _ = run(capsys, "level", str(EXAMPLE), "--json", "-o", str(target))
    assert code == 0
    document = json.loads(out)
    moved = {m["task"]: m for m in document["moves"]}
    assert moved["i-crm"]["waited_for"] == ["de"] and moved["i-crm"]["shift_minutes"] > 0
    assert document["finish"] > document["finish_before"] and document["lower_bound"] <= document["finish"]
    assert {p["task"] for p in document["picks"]} == {"w-db", "w-migrate"}
    assert document["conflicts"] == []  # the regulatory returns still meet their deadline
    levelled = load_plan(target)
    assert levelled.task_map()["i-crm"].leveling_delay is not None
    code, out, _ = run(capsys, "level", str(target), "--json")
    again = json.loads(out)
    assert again["already_level"] is True and again["moves"] == [] and again["finish"] == document["finish"]


def test_level_several_plans_share_the_pool(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = "resources:\n  ann: {units: 100%}\ntasks:\n  - {key: KEY, duration: 2d, resources: [ann]}\n"
    paths = []
    for name in ("one", "two"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(
            f"charter: 1\nproject: {{name: {name}, start: 2027-01-04}}\n" + body.replace("KEY", name),
            encoding="utf-8",
        )
        paths.append(str(path))
    code, out, _ = run(capsys, "level", *paths, "--json")
    document = json.loads(out)
    assert code == 0 and len(document["moves"]) == 1
    assert document["finish"] == "2027-01-07T17:00"
    code, _, err = run(capsys, "level", *paths, "-o", str(tmp_path / "x.yaml"))
    assert code == 2 and "-o writes one levelled plan" in err


def test_level_bad_input_is_a_user_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.sm"
    bad.write_text("jobs (incl. supersource/sink ):  x\n", encoding="utf-8")
    code, _, err = run(capsys, "level", str(bad))
    assert code == 2 and "bad.sm:1" in err
    code, _, err = run(capsys, "level", str(J301), "--mode", "best")
    assert code == 2 and "unknown mode" in err


def test_workload_shows_the_over_allocation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "workload", str(EXAMPLE), "--json")
    assert code == 0
    document = json.loads(out)
    assert document["by"] == "week" and document["periods"][0] == "2027-03-01"
    de = document["resources"]["de"]
    assert de["overallocated"][1] is True and de["peak_units"][1] == 3.0
    assert de["booked_hours"][1] == 112.0  # three parallel streams from Monday 8 March
    assert document["resources"]["dba2"]["overallocated"] == [False] * len(document["periods"])
    code, out, _ = run(capsys, "workload", str(EXAMPLE), "--by", "day")
    assert code == 0 and "over-allocated: Niamh Byrne, Sinéad Murphy, Ciarán Walsh" in out  # arch, bi, de


def test_fast_levelling_does_not_import_ortools(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from charter.cli.app import main\n"
        f"main(['level', {str(EXAMPLE)!r}, '--json'])\n"
        "assert 'ortools' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_deadline_the_levelled_schedule_misses_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plan = tmp_path / "deadline.yaml"
    plan.write_text(
        "charter: 1\nproject: {name: D, start: 2027-01-04}\nresources:\n  ann: {units: 100%}\ntasks:\n"
        "  - {key: first, duration: 5d, resources: [ann], priority: 900}\n"
        "  - {key: second, duration: 2d, resources: [ann], priority: 100, deadline: 2027-01-08}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "level", str(plan), "--json")
    document = json.loads(out)
    assert code == 0 and [m["task"] for m in document["moves"]] == ["second"]
    assert document["conflicts"] == [
        {"plan": str(plan), "task": "second", "message": "finishes after its deadline"}
    ]
    code, out, _ = run(capsys, "level", str(plan))
    assert "conflict: second finishes after its deadline" in out
