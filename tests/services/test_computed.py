"""Computed views kept per project version: one computation however many ask, and an overview
that answers from the newest result at hand while a fresher one is computed."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from charter.services.computed import Compute, ComputedViews


class Project:
    """A stand-in for the store: a version, and a count of the computations it was asked for."""

    def __init__(self) -> None:
        self.version = 1
        self.computed = 0
        self.gate = threading.Event()
        self.gate.set()
        self.fail = False

    def compute(self) -> tuple[int, str]:
        self.gate.wait(5)
        self.computed += 1
        if self.fail:
            raise ValueError("no working time")
        return self.version, f"schedule of v{self.version}"


def test_concurrent_requests_for_one_version_share_one_computation() -> None:
    views, project = ComputedViews(), Project()
    project.gate.clear()
    with ThreadPoolExecutor(8) as pool:
        answers = [pool.submit(views.current, "erp", 1, project.compute) for _ in range(8)]
        time.sleep(0.05)
        project.gate.set()
        results = {a.result() for a in answers}
    assert results == {(1, "schedule of v1")} and project.computed == 1
    project.version = 2
    assert views.current("erp", 2, project.compute) == (2, "schedule of v2")
    assert views.current("erp", 2, project.compute) == (2, "schedule of v2") and project.computed == 2


def test_the_overview_answers_from_the_last_result_and_refreshes_behind() -> None:
    views, project = ComputedViews(), Project()
    assert views.latest("erp", 1, project.compute) == (1, "schedule of v1")
    project.version = 2
    project.gate.clear()
    assert views.latest("erp", 2, project.compute) == (1, "schedule of v1")  # at once, not waiting
    assert views.latest("erp", 2, project.compute) == (1, "schedule of v1")
    project.gate.set()
    deadline = time.monotonic() + 5
    while views.latest("erp", 2, project.compute)[0] != 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert views.latest("erp", 2, project.compute) == (2, "schedule of v2")
    assert project.computed == 2  # one refresh, however often it was asked for meanwhile


def test_a_failing_computation_is_raised_and_tried_again() -> None:
    views, project = ComputedViews(), Project()
    project.fail = True
    with pytest.raises(ValueError, match="no working time"):
        views.latest("erp", 1, project.compute)
    project.fail = False
    assert views.latest("erp", 1, project.compute) == (1, "schedule of v1")
    assert project.computed == 2


def test_a_busy_project_is_refreshed_at_most_every_few_seconds() -> None:
    now = [100.0]
    views, project = ComputedViews(refresh_every=2.0, clock=lambda: now[0]), Project()
    views.latest("erp", 1, project.compute)
    project.version = 2
    views.latest("erp", 2, project.compute)
    deadline = time.monotonic() + 5
    while views.latest("erp", 2, project.compute)[0] != 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    project.version = 3
    now[0] += 1.0
    time.sleep(0.05)
    assert views.latest("erp", 3, project.compute) == (2, "schedule of v2") and project.computed == 2
    now[0] += 1.5
    deadline = time.monotonic() + 5
    while views.latest("erp", 3, project.compute)[0] != 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert views.latest("erp", 3, project.compute) == (3, "schedule of v3") and project.computed == 3


def test_closing_waits_for_the_refresh_running_and_starts_no_more() -> None:
    views, project = ComputedViews(refresh_every=0.0), Project()
    views.latest("erp", 1, project.compute)
    project.version, project.gate = 2, threading.Event()
    views.latest("erp", 2, project.compute)  # a refresh starts, held at the gate
    threading.Timer(0.05, project.gate.set).start()
    views.close()
    assert project.computed == 2
    project.version = 3
    assert views.latest("erp", 3, project.compute) == (2, "schedule of v2") and project.computed == 2


def test_a_bounded_view_forgets_the_least_recently_asked_for() -> None:
    views = ComputedViews(max_entries=2)
    computed: list[str] = []

    def compute(name: str) -> Compute:
        def run() -> tuple[int, Any]:
            computed.append(name)
            return 1, name

        return run

    for name in ("a", "b", "a", "c", "a", "b"):
        assert views.current(name, 1, compute(name)) == (1, name)
    assert computed == ["a", "b", "c", "b"]  # 'b' was forgotten when 'c' came; 'a' stayed in use
