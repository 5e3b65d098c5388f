"""Microsoft Project's rules for levelling delays, split tasks, elapsed slack and in-progress
successors, on a small MSPDI file written for this test (Mon 2027-01-04 start, standard week)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from charter.domain import Duration, Plan
from charter.domain.task import Split
from charter.engine.cpm import Schedule, schedule
from charter.formats.mspdi import load_mspdi

FIXTURE = Path(__file__).parents[1] / "data" / "mspdi" / "levelling-splits.xml"


def rows(result: Schedule) -> dict[str, tuple[str, str, str, str, int]]:
    local = result.network.axis.local
    return {
        task.key: (
            f"{local(result.start[i]):%a %d %H:%M}",
            f"{local(result.finish[i]):%a %d %H:%M}",
            f"{local(result.late_start[i]):%a %d %H:%M}",
            f"{local(result.late_finish[i]):%a %d %H:%M}",
            result.total_slack[i],
        )
        for i, task in enumerate(result.network.tasks)
    }


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_mspdi(FIXTURE)


@pytest.fixture(scope="module")
def dates(plan: Plan) -> dict[str, tuple[str, str, str, str, int]]:
    return rows(schedule(plan))


def test_an_elapsed_levelling_delay_waits_in_calendar_time(
    dates: dict[str, tuple[str, str, str, str, int]],
) -> None:
    # Design ends Tue 17:00; three elapsed days later is Fri 17:00, so work starts Monday.
    assert dates["3"] == ("Mon 11 08:00", "Mon 11 17:00", "Wed 13 08:00", "Wed 13 17:00", 960)


def test_a_working_levelling_delay_waits_in_working_time(
    dates: dict[str, tuple[str, str, str, str, int]],
) -> None:
    assert dates["4"] == ("Fri 08 08:00", "Fri 08 17:00", "Wed 13 08:00", "Wed 13 17:00", 1440)


def test_a_delay_uses_up_slack_and_binds_predecessors_earlier(
    dates: dict[str, tuple[str, str, str, str, int]],
) -> None:
    # Without its delays Review C could start Wednesday and Design would keep 5 days of slack;
    # with them Design must end two working days before Review C's late start.
    assert dates["2"][4] == 2400
    assert dates["1"][2:] == ("Thu 07 08:00", "Fri 08 17:00", 1440)


def test_a_split_task_finishes_later_by_its_pause(
    dates: dict[str, tuple[str, str, str, str, int]],
) -> None:
    assert dates["6"] == ("Mon 04 08:00", "Fri 08 17:00", "Mon 04 08:00", "Fri 08 17:00", 0)
    assert dates["7"][:2] == ("Mon 11 08:00", "Wed 13 17:00")


def test_a_split_keeps_its_duration_and_moves_with_the_task(plan: Plan) -> None:
    later = plan.model_copy(deep=True)
    later.project.start = dt.datetime(2027, 1, 11, 8, 0)
    result = schedule(later)
    build = result.index("6")
    assert result.duration[build] == 4 * 480  # the pause is not work
    assert rows(result)["6"][:2] == ("Mon 11 08:00", "Fri 15 17:00")


def test_the_slack_of_an_elapsed_task_is_in_elapsed_minutes(
    dates: dict[str, tuple[str, str, str, str, int]],
) -> None:
    # Early finish Wed 08:00, late finish Wed 13 17:00: seven days and nine hours of clock time.
    assert dates["8"][4] == 7 * 1440 + 9 * 60


def test_an_in_progress_successor_binds_at_its_early_resume(
    dates: dict[str, tuple[str, str, str, str, int]],
) -> None:
    # Install resumes Fri 08:00 (finish Mon 11 less two days left), although it has two days of
    # slack: Prepare's late finish is the end of Thursday, not Monday.
    assert dates["10"][1] == "Mon 11 17:00"
    assert dates["9"][3:] == ("Thu 07 17:00", 960)


def test_without_the_delay_the_task_follows_its_links(plan: Plan) -> None:
    plain = plan.model_copy(deep=True)
    for task in plain.walk():
        task.leveling_delay = None
    assert rows(schedule(plain))["3"][:2] == ("Wed 06 08:00", "Wed 06 17:00")


def test_splits_before_the_work_done_are_behind_an_in_progress_task(plan: Plan) -> None:
    started = plan.model_copy(deep=True)
    task = started.task_map()["10"]
    task.splits = [Split(after=Duration(value=4, unit="h"), pause=Duration(value=1, unit="d"))]
    # A pause in the half already done: the span is four days of work plus the pause, from
    # the actual start on Wednesday.
    result = rows(schedule(started))
    assert result["10"][1] == "Tue 12 17:00"
