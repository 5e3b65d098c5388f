"""The risk charts show the figures of the result they are drawn from."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.engine.montecarlo import MonteCarloResult, Options, score_risks, simulate
from charter.formats.planfile import load_plan
from charter.reports.charts import risk_charts

EXIT = Path(__file__).parents[2] / "examples/data-centre-exit.yaml"


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MonteCarloResult]:
    plan = load_plan(EXIT)
    result = simulate(plan, Options(iterations=2000, seed=4, analyse_risks=False))
    directory = tmp_path_factory.mktemp("charts")
    risk_charts.draw_all(result, score_risks(plan.risks, plan.project.work_units), directory)
    return directory, result


def test_histogram_marks_the_percentiles(drawn: tuple[Path, MonteCarloResult]) -> None:
    directory, result = drawn
    svg = (directory / "risk-histogram.svg").read_text(encoding="utf-8")
    p80 = result.project.days.p(80)
    assert f"<!-- P80 {p80:.1f}d -->" in svg
    assert f"<!-- {result.project.dates[80]:%Y-%m-%d} -->" in svg


def test_tornado_and_heat_map_name_their_drivers(drawn: tuple[Path, MonteCarloResult]) -> None:
    directory, _ = drawn
    tornado = (directory / "risk-tornado.svg").read_text(encoding="utf-8")
    assert "<!-- Order new network circuits (circuits) -->" in tornado
    heat = (directory / "risk-heat-map.svg").read_text(encoding="utf-8")
    for key in ("carrier-late", "db-corruption", "undocumented-deps"):
        assert f"<!-- {key} -->" in heat
    assert (directory / "risk-s-curve.png").read_bytes()[:4] == b"\x89PNG"
