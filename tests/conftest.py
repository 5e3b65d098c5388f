"""Shared test helpers: build small plans from YAML text and read their schedules by task key;
the ``--db`` option and the database fixtures of the store, services and web tests."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from charter.engine.cpm import schedule
from charter.formats.planfile import parse_plan
from charter.views.schedule import schedule_document
from tests.backends import BACKENDS, POSTGRES_ENV, POSTGRES_HOW, Backend, PostgresBackend, SQLiteBackend
from tests.unavailable import skip_here_fail_in_ci

# In CI the property tests draw the same examples on every run, so a landing never depends on
# luck; everywhere else they explore new examples each run and keep failures in .hypothesis/.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
DATA = ROOT / "tests" / "data"

HEADER = """\
charter: 1
project: {name: Test, start: 2027-01-04}
"""


def plan_text(body: str, header: str = HEADER) -> str:
    return header + textwrap.dedent(body)


def scheduled(body: str, header: str = HEADER, **options: Any) -> dict[str, dict[str, Any]]:
    """Schedule a plan (header + body YAML) and return the JSON task rows by key."""
    plan = parse_plan(plan_text(body, header))
    document = schedule_document(schedule(plan, **options))
    return {row["key"]: row for row in document["tasks"]}


@pytest.fixture(params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example_path(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        action="append",
        choices=BACKENDS,
        metavar="BACKEND",
        help="run the database tests on BACKEND (sqlite or postgres; repeat for both; default sqlite)."
        f" postgres needs {POSTGRES_ENV}",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends(*names): run this database test only on these backends (sqlite, postgres)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses ``backend`` (directly or through a fixture) runs once per ``--db``."""
    if "backend" not in metafunc.fixturenames:
        return
    selected: list[str] = list(dict.fromkeys(metafunc.config.getoption("db") or ["sqlite"]))
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is not None:
        selected = [name for name in selected if name in marker.args]
    metafunc.parametrize("backend", selected, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The database backend of this run of the test (a ``--db`` value)."""
    made: Backend
    if request.param == "sqlite":
        made = SQLiteBackend()
    else:
        server = os.environ.get(POSTGRES_ENV)
        if not server:
            skip_here_fail_in_ci(f"--db postgres ({POSTGRES_ENV} is not set)", POSTGRES_HOW)
        made = PostgresBackend(server)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def db_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    """A new, empty database (not migrated) of the test's backend, dropped after the test."""
    url = backend.create(tmp_path)
    try:
        yield url
    finally:
        backend.drop(url)
