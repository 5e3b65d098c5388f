"""Throughput forecasting against the exact dynamic-programming oracle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charter.engine.forecast import ForecastError, items_within, weeks_to_finish

ORACLE = next(
    o
    for o in json.loads((Path(__file__).parents[1] / "data/montecarlo/oracles.json").read_text())["oracles"]
    if o["id"] == "mc-throughput-dp"
)
HISTORY = ORACLE["inputs"]["weekly_throughput_history"]


def test_weeks_to_finish_the_backlog() -> None:
    exact = ORACLE["exact"]
    result = weeks_to_finish(HISTORY, ORACLE["inputs"]["backlog_items"])
    for week, p in exact["p_done_by_week"].items():
        assert result.p_done_by_week[int(week)] == pytest.approx(p, abs=1e-12), week
    assert result.weeks == {int(k[1:]): v for k, v in exact["weeks_needed"].items()}
    assert result.mean_throughput == exact["mean_throughput"]


def test_items_within_six_weeks() -> None:
    exact = ORACLE["exact"]["items_in_6_weeks"]
    result = items_within(HISTORY, 6, (50, 85, 95))
    assert result.items == {50: exact["P50_at_least"], 85: exact["P85_at_least"], 95: exact["P95_at_least"]}
    assert result.expected == pytest.approx(21.0)


def test_a_steady_team_is_certain() -> None:
    assert weeks_to_finish([5, 5, 5], 12).weeks == {50: 3, 70: 3, 85: 3, 95: 3}
    assert items_within([5, 5], 4).items == {50: 20, 70: 20, 85: 20, 95: 20}


@pytest.mark.parametrize(
    ("history", "items", "message"),
    [([], 5, "empty"), ([0, 0], 5, "never ends"), ([3, -1], 5, "negative"), ([3], 0, "0 items")],
)
def test_unusable_input(history: list[int], items: int, message: str) -> None:
    with pytest.raises(ForecastError, match=message):
        weeks_to_finish(history, items)
