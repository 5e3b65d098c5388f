"""Work contours, durations edited below the work, and links into a started summary task, on a
small MSPDI file written for this test (``tests/data/mspdi/contours.xml``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.domain import Duration
from charter.engine.cpm import Schedule, schedule
from charter.engine.network import CONTOUR_SHARE
from charter.formats.mspdi import load_mspdi

FIXTURE = Path(__file__).parents[1] / "data" / "mspdi" / "contours.xml"


@pytest.fixture(scope="module")
def result() -> Schedule:
    return schedule(load_mspdi(FIXTURE))


def dates(result: Schedule, key: str) -> tuple[str, str]:
    local = result.network.axis.local
    i = result.index(key)
    return f"{local(result.start[i]):%a %d %H:%M}", f"{local(result.finish[i]):%a %d %H:%M}"


def test_the_contour_shares_are_projects() -> None:
    assert CONTOUR_SHARE["back_loaded"] == CONTOUR_SHARE["front_loaded"] == pytest.approx(0.6)
    assert CONTOUR_SHARE["turtle"] == pytest.approx(0.7)
    assert CONTOUR_SHARE["bell"] == CONTOUR_SHARE["double_peak"] == pytest.approx(0.5)
    assert "flat" not in CONTOUR_SHARE and "contoured" not in CONTOUR_SHARE


def test_a_back_loaded_assignment_takes_longer(result: Schedule) -> None:
    # 75h of work at 100 %, back-loaded: 125 working hours, 15 days and 5 hours.
    assert dates(result, "1") == ("Mon 04 08:00", "Mon 25 14:00")


def test_contour_and_units_combine(result: Schedule) -> None:
    # 75h at 50 %, front-loaded: 75 / 0.5 / 0.6 = 250 working hours; it sets the project finish.
    assert dates(result, "2") == ("Mon 04 08:00", "Tue 16 10:00")
    assert result.total_slack[result.index("2")] == 0


def test_a_turtle_contour_is_cut_to_the_minute_before(result: Schedule) -> None:
    # 40h / 0.7 = 57h 8m 34s; Project shows 57h 8m 24s: Charter places 57h 8m.
    assert dates(result, "3") == ("Mon 04 08:00", "Wed 13 09:08")


def test_an_edited_duration_below_the_work_rules(result: Schedule) -> None:
    # 16h of work at 100 %, but the file's duration is 13h: the work is spread over 13h.
    assert dates(result, "4") == ("Mon 04 08:00", "Tue 05 14:00")


def test_a_flat_assignment_is_unchanged() -> None:
    plan = load_mspdi(FIXTURE)
    task = plan.task_map()["1"]
    task.resources[0].contour = "flat"
    task.duration = Duration(value=75, unit="h")
    flat = schedule(plan)
    assert dates(flat, "1") == ("Mon 04 08:00", "Fri 15 11:00")  # 75 working hours


def test_a_link_into_a_started_summary_binds_by_its_actual_start(result: Schedule) -> None:
    # Task 7 under summary 6 began on Wednesday 08:00, so its predecessor 5 must end by then.
    i = result.index("5")
    local = result.network.axis.local
    assert f"{local(result.late_finish[i]):%a %d %H:%M}" == "Tue 05 17:00"
    assert result.total_slack[i] == 0


def test_without_the_summary_the_link_binds_where_the_work_resumes() -> None:
    plan = load_mspdi(FIXTURE)
    summary = plan.task_map()["6"]
    link = summary.links.pop()
    started = plan.task_map()["7"]
    started.links.append(link)  # the same link, straight into the started task
    direct = schedule(plan)
    assert direct.total_slack[direct.index("5")] > 0
