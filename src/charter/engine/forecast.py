"""Throughput forecasting for a backlog: "when will N items be done" and "how many by then".

The model is the one agile teams use with Monte Carlo: each future week delivers as many items
as a week drawn at random (with replacement) from the team's past weeks. That process can be
computed exactly, so it is: the distribution of items done after ``w`` weeks is the ``w``-fold
convolution of the weekly distribution. The answer is free of sampling noise and needs no seed.

Percentile conventions: the weeks at ``q`` are the fewest weeks ``w`` with
P(done by week w) >= q; the items at ``q`` are the most items ``k`` with P(at least k done) >= q
(the confident answer to "how many", so P85 <= P50).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from charter.errors import CharterError

PERCENTILES = (50, 70, 85, 95)
MAX_WEEKS = 5200  # a hundred years: a forecast beyond that says nothing


class ForecastError(CharterError):
    """The throughput history cannot give a forecast."""


@dataclass(frozen=True, slots=True)
class WeeksForecast:
    items: int
    mean_throughput: float
    weeks: dict[int, int]  # percentile -> weeks needed
    p_done_by_week: dict[int, float]  # week -> probability that all items are done by its end


@dataclass(frozen=True, slots=True)
class ItemsForecast:
    weeks: int
    mean_throughput: float
    items: dict[int, int]  # percentile -> at least this many items done
    expected: float


def _weekly(history: Sequence[int]) -> NDArray[np.float64]:
    if not history:
        raise ForecastError(
            "the throughput history is empty",
            fix="give the items finished in each past week, one week per line",
        )
    if any(value < 0 for value in history):
        raise ForecastError(
            "the throughput history has a negative week", fix="count finished items: 0 or more"
        )
    counts = np.bincount(np.asarray(history, dtype=np.int64))
    weekly: NDArray[np.float64] = counts / counts.sum()
    return weekly


def weeks_to_finish(
    history: Sequence[int], items: int, percentiles: Sequence[int] = PERCENTILES
) -> WeeksForecast:
    """How many weeks ``items`` more items take, at each percentile."""
    if items < 1:
        raise ForecastError(f"{items} items to forecast", fix="ask for at least one item (--items 1 or more)")
    weekly = _weekly(history)
    if weekly.size == 1:
        raise ForecastError(
            "every week in the history finished 0 items, so the backlog never ends",
            fix="give a history with some finished items",
        )
    done = np.zeros(items + 1)
    done[0] = 1.0
    by_week: dict[int, float] = {}
    weeks: dict[int, int] = {}
    wanted = sorted(percentiles)
    week = 0
    while len(weeks) < len(wanted) or by_week[week] < 1 - 1e-9:
        week += 1
        if week > MAX_WEEKS:
            raise ForecastError(
                f"{items} items would take more than {MAX_WEEKS} weeks at this throughput",
                fix="check the history and the backlog size",
            )
        grown = np.convolve(done[:items], weekly)
        finished = done[items] + grown[items:].sum()
        done = np.concatenate([grown[:items], [finished]])
        by_week[week] = float(finished)
        for q in wanted:
            if q not in weeks and finished >= q / 100 - 1e-12:
                weeks[q] = week
    return WeeksForecast(items, float(np.dot(np.arange(weekly.size), weekly)), weeks, by_week)


def items_within(
    history: Sequence[int], weeks: int, percentiles: Sequence[int] = PERCENTILES
) -> ItemsForecast:
    """How many items ``weeks`` more weeks finish, at each percentile."""
    if weeks < 0:
        raise ForecastError(f"{weeks} weeks to forecast", fix="give a date after the forecast's start")
    weekly = _weekly(history)
    total = np.ones(1)
    for _ in range(weeks):
        total = np.convolve(total, weekly)
    at_least = np.cumsum(total[::-1])[::-1]  # at_least[k] = P(at least k items)
    items = {q: int(np.flatnonzero(at_least >= q / 100 - 1e-12).max()) for q in percentiles}
    mean = float(np.dot(np.arange(weekly.size), weekly))
    return ItemsForecast(weeks, mean, items, mean * weeks)
