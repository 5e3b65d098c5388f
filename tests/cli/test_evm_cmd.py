"""`charter evm`: a plan at a status date, or a spreadsheet's series; tables, JSON, S-curves, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.cli.app import main
from tests.conftest import DATA, ROOT

EXAMPLE = ROOT / "examples" / "crm-upgrade.yaml"
LATE_FINISH = """\
period,pv,ev,ac
1,40,30,35
2,100,80,95
3,180,150,180
4,300,240,290
5,450,,
6,600,,
7,740,,
8,860,,
9,950,,
10,1000,,
"""
REQUIRED = {
    "bac",
    "pv",
    "ev",
    "ac",
    "sv",
    "cv",
    "spi",
    "cpi",
    "eac",
    "etc",
    "vac",
    "tcpi_bac",
    "es",
    "sv_t",
    "spi_t",
    "ieac_t",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def series(tmp_path: Path) -> Path:
    path = tmp_path / "status.csv"
    path.write_text(LATE_FINISH, encoding="utf-8")
    return path


def test_series_json_reproduces_the_late_finish_vector_at_period_4(
    capsys: pytest.CaptureFixture[str], series: Path
) -> None:
    """Vector evm-es-derived-late-finish (tests/data/evm), status AT = 4."""
    code, out, _ = run(capsys, "evm", "--series", str(series), "--json")
    assert code == 0
    document = json.loads(out)
    assert set(document) >= REQUIRED
    assert set(document["eac"]) >= {"cpi", "plan", "cpi_spi"}
    assert document["period"] == "4" and document["at"] == 4 and document["pd"] == 10
    assert (document["bac"], document["pv"], document["ev"], document["ac"]) == (1000, 300, 240, 290)
    assert document["spi"] == pytest.approx(0.8) and document["cpi"] == pytest.approx(0.8275862068965517)
    assert document["eac"]["cpi"] == pytest.approx(1208.3333333333333)
    assert document["eac"]["plan"] == pytest.approx(1050.0)
    assert document["eac"]["cpi_spi"] == pytest.approx(1437.9166666666667)
    assert document["etc"] == pytest.approx(918.3333333333334) and document["vac"] == pytest.approx(
        -208.33333333333334
    )
    assert document["tcpi_bac"] == pytest.approx(1.0704225352112675)
    assert (document["es"], document["sv_t"], document["spi_t"]) == (3.5, -0.5, 0.875)
    assert document["ieac_t"] == pytest.approx(11.428571428571429)
    assert [p["period"] for p in document["periods"]] == ["1", "2", "3", "4"]


def test_series_bac_overrides_the_last_pv(capsys: pytest.CaptureFixture[str], series: Path) -> None:
    code, out, _ = run(capsys, "evm", "--series", str(series), "--bac", "1200", "--json")
    document = json.loads(out)
    assert code == 0 and document["bac"] == 1200 and document["eac"]["plan"] == pytest.approx(290 + 960)


def test_series_table_and_plot(capsys: pytest.CaptureFixture[str], series: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "evm", "--series", str(series), "--plot", str(tmp_path / "charts"))
    assert code == 0
    assert "SPI(t)" in out and "0.875" in out and "1,208" in out
    assert (tmp_path / "charts" / "s-curve.svg").read_text(encoding="utf-8").count("<svg") == 1
    assert (tmp_path / "charts" / "s-curve.png").read_bytes()[:4] == b"\x89PNG"


def test_a_bad_series_says_where(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("period,pv,ev,ac\n1,10,5,6\n2,20,,7\n", encoding="utf-8")
    code, _, err = run(capsys, "evm", "--series", str(path))
    assert code == 2 and f"{path}:3:3" in err and "needs both ev and ac" in err and "fix:" in err
    path.write_text("period,pv,ev,ac\n1,10,5,6\n2,8,6,7\n", encoding="utf-8")
    code, _, err = run(capsys, "evm", "--series", str(path))
    assert code == 2 and f"{path}:3:2" in err and "cumulative" in err


def test_plan_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evm", str(EXAMPLE), "--json")
    assert code == 0
    document = json.loads(out)
    assert set(document) >= REQUIRED
    assert (
        document["status_date"] == "2027-04-16"
        and document["currency"] == "EUR"
        and document["baseline"] == 0
    )
    assert (document["bac"], document["pv"], document["ev"], document["ac"]) == (
        116648.0,
        91448.0,
        73070.8,
        90038.0,
    )
    assert document["etc"] == pytest.approx(document["eac"]["cpi"] - document["ac"], abs=0.01)
    assert document["forecast_finish"] > document["planned_finish"][:10]
    keys = [row["key"] for row in document["wbs"]]
    assert keys[:3] == ["init", "kickoff", "scope"] and "custom" in keys
    assert document["periods"][0] == {
        "period": "2027-03-07",
        "end": "2027-03-07",
        "pv": 8600.0,
        "ev": 8600.0,
        "ac": 9020.0,  # 40 h each of pm (95/h) and arch (120/h), and a 420 train ticket
        "spi": 1.0,
        "cpi": pytest.approx(8600 / 9020),
        "es": 1.0,
        "spi_t": 1.0,
    }


def test_plan_tables_by_wbs_and_period(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "evm", str(EXAMPLE), "--by", "wbs", "--plot", str(tmp_path))
    assert code == 0 and "By WBS" in out and "Port customisations" in out and "milestones" in out
    assert "Forecast finish" in out and (tmp_path / "s-curve.svg").exists()
    code, out, _ = run(
        capsys, "evm", str(EXAMPLE), "--by", "period", "--period", "month", "--status-date", "2027-03-31"
    )
    assert code == 0 and "By month" in out and "2027-03-31" in out and "2027-05-31" in out


def test_time_sheets_from_csv_add_to_the_actual_cost(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sheet = tmp_path / "week.csv"
    sheet.write_text("person,task,date,hours,note\nqa,sit,2027-04-15,6,test plan\n", encoding="utf-8")
    code, out, _ = run(capsys, "evm", str(EXAMPLE), "--entries", str(sheet), "--json")
    assert code == 0 and json.loads(out)["ac"] == 90038 + 6 * 75


def test_errors(capsys: pytest.CaptureFixture[str], series: Path, tmp_path: Path) -> None:
    code, _, err = run(capsys, "evm")
    assert code == 2 and "no plan given" in err
    code, _, err = run(capsys, "evm", str(EXAMPLE), "--series", str(series))
    assert code == 2 and "not both" in err
    code, _, err = run(capsys, "evm", str(EXAMPLE), "--status-date", "2027-13-01")
    assert code == 2 and "--status-date" in err
    code, _, err = run(capsys, "evm", str(EXAMPLE), "--baseline", "2")
    assert code == 2 and "has no baseline 2 (saved: 0)" in err and "--index 2" in err
    sheet = tmp_path / "bad.csv"
    sheet.write_text("person,task,date,hours\nqa,sit,2027-04-15,twelve\n", encoding="utf-8")
    code, _, err = run(capsys, "evm", str(EXAMPLE), "--entries", str(sheet))
    assert code == 2 and f"{sheet}:2:4" in err and "not a number" in err


def test_without_a_baseline_the_report_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plan = tmp_path / "small.yaml"
    plan.write_text(
        "charter: 1\nproject: {name: Small, start: 2027-01-04, status_date: 2027-01-06}\n"
        "resources: {pm: {rate: 100/h}}\ntasks:\n  - {key: a, duration: 5d, resources: [pm]}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "evm", str(plan))
    assert code == 0 and "No baseline" in out and "charter baseline save" in out
    code, out, _ = run(capsys, "evm", str(plan), "--json")
    document = json.loads(out)
    assert document["baseline"] is None and document["bac"] == 4000 and document["pv"] == 2400
    assert document["ev"] == 0 and document["ac"] == 0 and document["cpi"] is None


def test_expenses_from_a_spreadsheet_add_to_the_actual_cost_up_to_the_status_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = Path(__file__).parents[2] / "examples" / "crm-upgrade.yaml"
    assert main(["evm", str(example), "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    spend = tmp_path / "spend.csv"
    spend.write_text(
        "task,date,amount,account,note\n"
        "migrate,2027-04-12,800,hardware,Spare disks\n"
        "migrate,2027-05-03,5000,hardware,After the status date\n"
    )
    assert main(["evm", str(example), "--expenses", str(spend), "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["ac"] == pytest.approx(before["ac"] + 800, abs=0.01)
    assert (after["ev"], after["pv"], after["bac"]) == (before["ev"], before["pv"], before["bac"])
    spend.write_text("task,date,amount\nbuild,2027-04-12,800\n")  # a summary task
    assert main(["evm", str(example), "--expenses", str(spend)]) == 2
    assert "spend.csv:2:1" in capsys.readouterr().err


def test_a_missing_spreadsheet_is_named_in_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = Path(__file__).parents[2] / "examples" / "crm-upgrade.yaml"
    missing = tmp_path / "nowhere.csv"
    assert main(["evm", str(example), "--expenses", str(missing)]) == 2
    assert f"cannot read {missing}" in capsys.readouterr().err
    assert main(["evm", str(example), "--entries", str(missing)]) == 2
    assert "check the path of the time-sheet CSV file" in capsys.readouterr().err


def test_a_missing_baseline_of_a_project_file_says_to_import_it_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "project.xml"
    source.write_bytes((DATA / "mspdi" / "costs.xml").read_bytes())
    assert main(["evm", str(source), "--baseline", "3"]) == 2
    err = capsys.readouterr().err
    target = tmp_path / "project.yaml"
    assert f"charter import {source} -o {target}, then charter baseline save {target} --index 3" in err
    assert main(["baseline", "save", str(source), "--index", "3"]) == 2
    assert f"charter baseline save {target} --index 3" in capsys.readouterr().err
