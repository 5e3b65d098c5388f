"""Reporting periods: fractional time in weeks and months, and its inverse."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from charter.engine.periods import Periods


def test_moment_counts_whole_and_partial_periods() -> None:
    weeks = Periods.covering(dt.date(2027, 1, 6), dt.date(2027, 2, 1), "week")
    assert weeks.moment(2.5) == dt.datetime(2027, 1, 21, 12)  # weeks from Monday 2027-01-04
    months = Periods.covering(dt.date(2027, 1, 6), dt.date(2027, 2, 1), "month")
    assert months.moment(14) == dt.datetime(2028, 3, 1)
    assert months.moment(11.5) == dt.datetime(2027, 12, 16, 12)


def test_a_forecast_past_the_last_date_is_none_and_quick() -> None:
    for kind in ("week", "month"):
        periods = Periods.covering(dt.date(2027, 1, 6), dt.date(2027, 2, 1), kind)  # type: ignore[arg-type]
        assert periods.moment(1e12) is None  # an IEAC(t) from an SPI(t) near zero


@given(st.floats(min_value=0, max_value=5000, allow_nan=False), st.sampled_from(["week", "month"]))
def test_moment_inverts_elapsed(periods_after: float, kind: str) -> None:
    periods = Periods.covering(dt.date(2027, 1, 6), dt.date(2027, 2, 1), kind)  # type: ignore[arg-type]
    moment = periods.moment(periods_after)
    assert moment is not None
    assert abs(periods.elapsed(moment) - periods_after) < 1e-6
