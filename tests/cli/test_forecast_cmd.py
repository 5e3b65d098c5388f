"""`charter forecast` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.cli.app import main

HISTORY = "week,items\n# from the team board\n2027-W01,3\n2027-W02,5\n2027-W03,2\n2027-W04,6\n2027-W05,4\n2027-W06,0\n2027-W07,5\n2027-W08,3\n"


@pytest.fixture
def history(tmp_path: Path) -> Path:
    path = tmp_path / "throughput.csv"
    path.write_text(HISTORY, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_when_will_the_backlog_be_done(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    code, out, _ = run(
        capsys, "forecast", "--throughput", str(history), "--items", "30", "--from", "2027-03-01", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["weeks"] == {"p50": 9, "p70": 10, "p85": 11, "p95": 12}
    assert doc["dates"]["p85"] == "2027-05-17"
    code, out, _ = run(
        capsys, "forecast", "--throughput", str(history), "--items", "30", "--from", "2027-03-01"
    )
    assert "P85" in out and "Mon 2027-05-17" in out


def test_how_many_by_a_date(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    code, out, _ = run(
        capsys,
        "forecast",
        "--throughput",
        str(history),
        "--by",
        "2027-04-12",
        "--from",
        "2027-03-01",
        "--json",
    )
    assert code == 0
    assert json.loads(out)["items_at_least"] == {"p50": 21, "p70": 19, "p85": 16, "p95": 13}


def test_errors(capsys: pytest.CaptureFixture[str], history: Path, tmp_path: Path) -> None:
    code, _, err = run(capsys, "forecast", "--throughput", str(history))
    assert code == 2 and "--items" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("3\n5\nmany\n", encoding="utf-8")
    code, _, err = run(capsys, "forecast", "--throughput", str(bad), "--items", "5")
    assert code == 2 and "bad.csv:3" in err and "'many'" in err
