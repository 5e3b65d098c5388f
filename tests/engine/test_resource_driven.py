"""Resource-driven dates (Microsoft Project's rule for tasks with work assignments), on a
small MSPDI file written for this test."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.engine.cpm import schedule
from charter.formats.mspdi import load_mspdi

FIXTURE = Path(__file__).parents[1] / "data" / "mspdi" / "resource-driven.xml"


@pytest.fixture(scope="module")
def dates() -> dict[str, tuple[str, str]]:
    result = schedule(load_mspdi(FIXTURE))
    local = result.network.axis.local
    return {
        task.key: (f"{local(result.start[i]):%a %d %H:%M}", f"{local(result.finish[i]):%a %d %H:%M}")
        for i, task in enumerate(result.network.tasks)
    }


def test_a_half_time_resource_doubles_the_span(dates: dict[str, tuple[str, str]]) -> None:
    assert dates["1"] == ("Mon 04 08:00", "Tue 05 17:00")  # 8h of work at 50 %: 16 working hours


def test_a_fixed_duration_task_keeps_its_duration(dates: dict[str, tuple[str, str]]) -> None:
    assert dates["2"] == ("Mon 04 08:00", "Mon 04 17:00")


def test_work_follows_the_resource_calendar(dates: dict[str, tuple[str, str]]) -> None:
    assert dates["3"] == ("Mon 04 16:00", "Tue 05 20:00")  # 4 evening hours a day


def test_task_and_resource_calendars_combine(dates: dict[str, tuple[str, str]]) -> None:
    # The task's six-day week shared with Ann's five-day week: Saturday does not count.
    assert dates["4"] == ("Mon 04 08:00", "Mon 11 17:00")  # not Sat 09


def test_plans_without_a_task_type_keep_their_duration() -> None:
    plan = load_mspdi(FIXTURE)
    for task in plan.walk():
        task.type = None
    result = schedule(plan)
    local = result.network.axis.local
    evening = result.index("3")  # 8h on the project calendar, not Eve's evening hours
    assert f"{local(result.finish[evening]):%a %d %H:%M}" == "Mon 04 17:00"
