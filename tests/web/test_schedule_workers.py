"""Schedules computed in worker processes equal those computed in the server itself, and the
errors that come back from a worker keep where, what and how to fix."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from charter.errors import DependencyCycleError, Location
from charter.web import create_app
from tests.backends import Backend
from tests.services.conftest import FAST
from tests.web.conftest import BASE_URL, settings_for

Auth = Callable[[str], dict[str, str]]


def test_a_worker_process_computes_the_same_schedule(
    backend: Backend, database: str, data_dir: Path, client: TestClient, auth: Auth
) -> None:
    url = "/api/v1/projects/own-private/schedule"
    inline = client.get(url, headers=auth("owner")).json()
    settings = settings_for(backend, database, data_dir).model_copy(update={"schedule_processes": 1})
    with TestClient(create_app(settings, hasher=FAST), base_url=BASE_URL) as served:
        assert served.app.state.services.projects._workers is not None
        from_worker = served.get(url, headers=auth("owner"))
        summary = served.get("/api/v1/projects/own-private", headers=auth("owner")).json()
    assert from_worker.status_code == 200 and from_worker.json() == inline
    assert summary["finish"] == inline["project"]["finish"]


def test_errors_cross_processes_whole() -> None:
    error = DependencyCycleError(["a", "b"], where=Location(file="plan.yaml", line=3))
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is DependencyCycleError and back.cycle == ["a", "b"] and str(back) == str(error)
    assert back.where == error.where and back.fix == error.fix and back.what == error.what
