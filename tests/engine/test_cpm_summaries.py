"""Summary tasks' slack and critical flag, as Microsoft Project shows them."""

from __future__ import annotations

from tests.conftest import scheduled

HEADER = """\
charter: 1
project: {name: Test, start: 2027-01-04, status_date: 2027-01-06}
"""


def test_a_summary_with_a_critical_task_but_slack_over_its_span_is_not_critical() -> None:
    rows = scheduled(
        """
tasks:
  - key: phase
    tasks:
      - {key: x, duration: 1d}
      - {key: c, duration: 2d, constraint: {type: SNET, date: 2027-01-05}}
  - {key: d, duration: 7d, after: [c]}
  - {key: long, duration: 10d}
"""
    )
    # c (Tue-Wed) and d end with the project, so c is critical; yet the phase could start a day
    # later (x can move, c starts Tuesday), so the summary has a day of slack and is not critical.
    assert rows["c"]["critical"] is True and rows["x"]["critical"] is False
    assert rows["phase"]["total_slack"] == 480 and rows["phase"]["critical"] is False


def test_a_summary_is_critical_when_a_sub_task_is_and_its_span_has_no_slack() -> None:
    rows = scheduled(
        """
tasks:
  - key: phase
    tasks:
      - {key: a, duration: 2d}
      - {key: b, duration: 3d, after: [a]}
"""
    )
    assert rows["phase"]["total_slack"] == 0 and rows["phase"]["critical"] is True


def test_a_started_summary_counts_only_its_finish_slack() -> None:
    rows = scheduled(
        """
tasks:
  - key: phase
    tasks:
      - {key: a, duration: 2d, actual_start: 2027-01-04, percent_complete: 50%}
      - {key: b, duration: 1d, after: [a]}
  - {key: long, duration: 8d}
""",
        HEADER,
    )
    # Started on Monday, "phase" cannot start later any more; its finish may slip until "long"
    # ends on Wednesday of the next week.
    finish_slack = rows["phase"]["total_slack"]
    assert rows["a"]["total_slack"] == finish_slack  # a started task: finish slack too
    assert finish_slack > 0 and rows["phase"]["critical"] is False
