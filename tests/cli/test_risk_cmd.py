"""`charter risk` end to end: the fixed JSON core, the tables, the charts, the errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.cli.app import main

EXIT = Path(__file__).parents[2] / "examples/data-centre-exit.yaml"
ORACLE = """\
charter: 1
project: {name: Mixture, start: 2027-01-04, calendar: always, hours_per_day: 24, hours_per_week: 168}
calendars:
  always: {week: {mon-sun: "00:00-24:00"}}
tasks:
  - {key: work, estimate: 10d/15d/25d, distribution: triangular}
  - {key: done, milestone: true, after: [work]}
risks:
  - {key: rework, title: Rework, probability: 30%, delay: {tasks: [work], amount: 10d}, cost: 20000}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_has_the_fixed_core(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plan = tmp_path / "mixture.yaml"
    plan.write_text(ORACLE, encoding="utf-8")
    code, out, err = run(capsys, "risk", str(plan), "--iterations", "10000", "--seed", "5", "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["iterations"] == 10000
    for section in ("finish", "duration_days"):
        assert {"p10", "p50", "p80", "p90", "mean"} <= set(doc[section])
    # Tri(10, 15, 25) plus a 30 % chance of 10 more days: P80 is exactly 25 (SE 0.1).
    assert doc["duration_days"]["p80"] == pytest.approx(25.0, abs=0.4)
    assert doc["duration_days"]["mean"] == pytest.approx(19.667, abs=0.15)
    assert doc["finish"]["p80"][:10] in ("2027-01-28", "2027-01-29")
    assert doc["criticality"] == {"work": 1.0, "done": 1.0}
    assert doc["deterministic"]["duration_days"] == 15.0
    (milestone,) = doc["milestones"]
    assert milestone["key"] == "done" and milestone["finish"]["p80"] == doc["finish"]["p80"]
    assert doc["cost"]["mean"] == pytest.approx(6000, rel=0.05)
    (risk,) = doc["risks"]
    assert risk["key"] == "rework" and risk["mean_days"] == pytest.approx(3.0, abs=0.2)
    # 30 % is in the 30-50 % band (3); a 10-day delay in the 10-20 day band (4): 12, high.
    assert doc["matrix"][0] == {"key": "rework", "probability": 3, "impact": 4, "score": 12, "rating": "high"}


def test_same_seed_prints_the_same_json(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("risk", str(EXIT), "-n", "500", "--seed", "9", "--json")
    first = run(capsys, *args)[1]
    assert run(capsys, *args)[1] == first


def test_tables_and_charts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    charts = tmp_path / "charts"
    code, out, _ = run(capsys, "risk", str(EXIT), "-n", "2000", "--seed", "7", "--plot", str(charts))
    assert code == 0
    for heading in ("Finish forecast", "Criticality index", "Tornado", "Risks by their share", "Mitigations"):
        assert heading in out
    assert "Lease ended" in out and "carrier-late" in out
    names = sorted(p.name for p in charts.iterdir())
    assert names == sorted(
        f"risk-{chart}.{ext}"
        for chart in ("histogram", "s-curve", "tornado", "heat-map")
        for ext in ("svg", "png")
    )
    assert (charts / "risk-histogram.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert (charts / "risk-heat-map.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_input_is_an_error_with_a_fix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plan = tmp_path / "bad.yaml"
    plan.write_text(ORACLE + "correlation:\n  - {tasks: [work, done], rho: 0.5}\n", encoding="utf-8")
    code, out, err = run(capsys, "risk", str(plan), "--json")
    assert code == 2 and out == ""
    assert "correlation 1 names 'done'" in err and "fix:" in err
    code, _, err = run(capsys, "risk", str(tmp_path / "missing.yaml"))
    assert code == 2


def test_a_plan_where_nothing_varies_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plan = tmp_path / "fixed.yaml"
    plan.write_text(
        "charter: 1\nproject: {name: Fixed, start: 2027-01-04}\n"
        "tasks:\n  - {key: a, duration: 3d}\n  - {key: b, duration: 2d, after: [a]}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "risk", str(plan), "--iterations", "200")
    assert code == 0
    assert "Nothing in this plan varies" in " ".join(out.split())
    code, out, _ = run(capsys, "risk", str(plan.parent / "fixed.yaml"), "--iterations", "200", "--json")
    assert code == 0 and "Nothing in this plan varies" not in out
