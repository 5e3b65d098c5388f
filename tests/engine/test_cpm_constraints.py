"""Hand-checked constraints, deadlines, ALAP, backward scheduling and progress.

Standard calendar; the project starts Mon 2027-01-04. P is a 5-day predecessor (Mon-Fri).
"""

from __future__ import annotations

import pytest

from tests.conftest import scheduled

ALONE = [
    ("{type: SNET, date: 2027-01-06}", "2027-01-06T08:00", "2027-01-07T17:00"),
    ("{type: FNET, date: 2027-01-08}", "2027-01-07T08:00", "2027-01-08T17:00"),
    ("{type: MSO, date: 2027-01-12}", "2027-01-12T08:00", "2027-01-13T17:00"),
    ("{type: MFO, date: 2027-01-12}", "2027-01-11T08:00", "2027-01-12T17:00"),
    ("{type: SNLT, date: 2027-01-06}", "2027-01-04T08:00", "2027-01-05T17:00"),
    ("{type: FNLT, date: 2027-01-08}", "2027-01-04T08:00", "2027-01-05T17:00"),
    ("{type: SNET, date: 2027-01-06T13:00}", "2027-01-06T13:00", "2027-01-08T12:00"),
    ("ASAP", "2027-01-04T08:00", "2027-01-05T17:00"),
]


@pytest.mark.parametrize(("constraint", "start", "finish"), ALONE)
def test_constraint_on_a_task_without_predecessors(constraint: str, start: str, finish: str) -> None:
    rows = scheduled(f"tasks:\n  - {{key: t, duration: 2d, constraint: {constraint}}}\n")
    assert (rows["t"]["start"], rows["t"]["finish"]) == (start, finish)


AFTER_P = [
    # Soft constraints push later; hard ones win over links (and report a conflict).
    ("{type: SNET, date: 2027-01-13}", "2027-01-13T08:00", "2027-01-14T17:00", False),
    ("{type: SNET, date: 2027-01-06}", "2027-01-11T08:00", "2027-01-12T17:00", False),
    ("{type: FNET, date: 2027-01-15}", "2027-01-14T08:00", "2027-01-15T17:00", False),
    ("{type: SNLT, date: 2027-01-06}", "2027-01-06T08:00", "2027-01-07T17:00", True),
    ("{type: FNLT, date: 2027-01-08}", "2027-01-07T08:00", "2027-01-08T17:00", True),
    ("{type: MSO, date: 2027-01-07}", "2027-01-07T08:00", "2027-01-08T17:00", True),
    ("{type: MFO, date: 2027-01-20}", "2027-01-19T08:00", "2027-01-20T17:00", False),
]


@pytest.mark.parametrize(("constraint", "start", "finish", "conflict"), AFTER_P)
def test_constraint_against_a_predecessor(constraint: str, start: str, finish: str, conflict: bool) -> None:
    body = f"tasks:\n  - {{key: p, duration: 5d}}\n  - {{key: t, duration: 2d, after: [p], constraint: {constraint}}}\n"
    rows = scheduled(body)
    assert (rows["t"]["start"], rows["t"]["finish"]) == (start, finish)
    assert (rows["p"]["total_slack"] < 0) == conflict


def test_hard_constraint_conflict_is_reported() -> None:
    from charter.engine.cpm import schedule
    from charter.formats.planfile import parse_plan
    from tests.conftest import plan_text

    plan = parse_plan(
        plan_text(
            "tasks:\n  - {key: p, duration: 5d}\n"
            "  - {key: t, duration: 2d, after: [p], constraint: {type: MSO, date: 2027-01-07}}\n"
        )
    )
    result = schedule(plan)
    assert [c.task for c in result.conflicts][:1] == ["t"]
    assert "MSO" in result.conflicts[0].message
    # p must finish by Wed 17:00 for t to start Thu; it finishes Fri: two days of negative slack.
    assert result.total_slack[result.index("p")] == -2 * 480


def test_deadline_pulls_late_dates_but_never_pushes() -> None:
    rows = scheduled("tasks:\n  - {key: t, duration: 5d, deadline: 2027-01-06}\n")
    assert rows["t"]["start"] == "2027-01-04T08:00"
    assert rows["t"]["finish"] == "2027-01-08T17:00"
    assert rows["t"]["late_finish"] == "2027-01-06T17:00"
    assert rows["t"]["total_slack"] == -2 * 480
    assert rows["t"]["critical"]


def test_deadline_with_room_leaves_slack() -> None:
    rows = scheduled(
        "tasks:\n  - {key: t, duration: 2d, deadline: 2027-01-08}\n  - {key: u, duration: 10d}\n"
    )
    assert rows["t"]["late_finish"] == "2027-01-08T17:00"
    assert rows["t"]["total_slack"] == 3 * 480


def test_alap_task_sits_at_its_late_dates_and_pushes_successors() -> None:
    rows = scheduled(
        """
        tasks:
          - {key: long, duration: 10d}
          - {key: late, duration: 2d, constraint: ALAP}
          - {key: after-late, duration: 1d, after: [late]}
        """
    )
    assert rows["late"]["start"] == "2027-01-13T08:00"
    assert rows["late"]["finish"] == "2027-01-14T17:00"
    assert rows["late"]["early_start"] == "2027-01-04T08:00"
    # The successor is ASAP but follows the ALAP task's scheduled (late) finish.
    assert rows["after-late"]["start"] == "2027-01-15T08:00"


def test_backward_scheduling_from_a_finish_date() -> None:
    header = "charter: 1\nproject: {name: Back, finish: 2027-01-29}\n"
    rows = scheduled(
        """
        tasks:
          - {key: a, duration: 5d}
          - {key: b, duration: 5d, after: [a]}
          - {key: c, duration: 2d}
        """,
        header,
    )
    assert (rows["b"]["start"], rows["b"]["finish"]) == ("2027-01-25T08:00", "2027-01-29T17:00")
    assert (rows["a"]["start"], rows["a"]["finish"]) == ("2027-01-18T08:00", "2027-01-22T17:00")
    assert (rows["c"]["start"], rows["c"]["finish"]) == ("2027-01-28T08:00", "2027-01-29T17:00")


def test_status_date_keeps_done_work_and_moves_remaining_work_after_it() -> None:
    header = "charter: 1\nproject: {name: Progress, start: 2027-01-04, status_date: 2027-01-15}\n"
    rows = scheduled(
        """
        tasks:
          - {key: half, duration: 10d, actual_start: 2027-01-04, percent_complete: 50%}
          - {key: done, duration: 2d, actual_start: 2027-01-04, actual_finish: 2027-01-06T12:00}
          - {key: todo, duration: 2d}
          - {key: next, duration: 1d, after: [done]}
        """,
        header,
    )
    assert rows["half"]["start"] == "2027-01-04T08:00"
    assert rows["half"]["finish"] == "2027-01-22T17:00"
    assert (rows["done"]["start"], rows["done"]["finish"]) == ("2027-01-04T08:00", "2027-01-06T12:00")
    assert rows["todo"]["start"] == "2027-01-18T08:00"
    assert rows["next"]["start"] == "2027-01-18T08:00"
    assert not rows["done"]["critical"]


def test_status_date_option_overrides_the_plan() -> None:
    import datetime as dt

    rows = scheduled("tasks:\n  - {key: todo, duration: 2d}\n", status_date=dt.date(2027, 1, 8))
    assert rows["todo"]["start"] == "2027-01-11T08:00"


def test_remaining_duration_instead_of_percent() -> None:
    header = "charter: 1\nproject: {name: Progress, start: 2027-01-04, status_date: 2027-01-08}\n"
    rows = scheduled(
        "tasks:\n  - {key: t, duration: 10d, actual_start: 2027-01-04, remaining: 7d}\n",
        header,
    )
    # 3 days done (Mon-Wed), remaining 7 days restart after the status date (Mon 11th).
    assert rows["t"]["finish"] == "2027-01-19T17:00"


def test_a_link_broken_by_a_hard_constraint_shows_as_negative_slack() -> None:
    """As Microsoft Project shows it: an MFO milestone a day before its predecessor ends."""
    rows = scheduled(
        """
        tasks:
          - {key: p, duration: 5d}
          - {key: m, milestone: true, after: [p], constraint: {type: MFO, date: 2027-01-07}}
          - {key: late, milestone: true, after: [p], constraint: {type: MFO, date: 2027-01-12}}
        """
    )
    assert rows["m"]["start"] == rows["m"]["late_start"] == "2027-01-07T17:00"
    assert rows["m"]["total_slack"] == -480 and rows["m"]["critical"]
    assert rows["late"]["total_slack"] == 0  # later than its links allow: no bonus slack
