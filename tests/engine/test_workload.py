"""Resource load per period and over-allocation detection."""

from __future__ import annotations

import datetime as dt

import numpy as np

from charter.engine.cpm import schedule
from charter.engine.levelling.usage import Booking, overallocations
from charter.engine.workload import workload
from charter.formats.planfile import parse_plan
from tests.conftest import plan_text


def test_back_to_back_bookings_do_not_overlap_but_overlapping_ones_do() -> None:
    books = [Booking(0, 0, "ann", 1.0, 0, 60), Booking(0, 1, "ann", 1.0, 60, 120)]
    assert overallocations(books, {"ann": 1.0}) == []
    books.append(Booking(0, 2, "ann", 0.5, 90, 150))
    (found,) = overallocations(books, {"ann": 1.0})
    assert (found.start, found.finish, found.load, found.tasks) == (90, 120, 1.5, ((0, 1), (0, 2)))
    assert overallocations(books, {"ann": 1.5}) == []


def test_daily_load_and_peak() -> None:
    text = plan_text(
        """\
resources:
  ann: {units: 100%}
  bo: {units: 50%}
tasks:
  - {key: a, duration: 2d, resources: [ann]}
  - {key: b, duration: 1d, resources: ["ann 50%", bo]}
  - {key: c, duration: 1d, resources: ["bo 25%"], after: [a]}
"""
    )
    load = workload(schedule(parse_plan(text)), by="day")
    assert load.resources == ["ann", "bo"]
    assert load.days == [dt.date(2027, 1, 4), dt.date(2027, 1, 5), dt.date(2027, 1, 6)]
    ann, bo = 0, 1
    # Monday: a (100 %) and b (50 %) on ann: 12 of 8 hours, peak 150 % -> over-allocated
    assert load.booked[ann, 0] == 1.5 * 480 and load.available[ann, 0] == 480
    assert load.peak[ann].tolist() == [1.5, 1.0, 0.0]
    assert load.overallocated[ann].tolist() == [True, False, False]
    # bo: 50 % of a 50 % resource on Monday is full, 25 % on Wednesday is half
    assert np.allclose(load.load[bo], [1.0, 0.0, 0.5])
    assert not load.overallocated[bo].any()
