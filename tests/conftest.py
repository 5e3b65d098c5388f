"""Shared test helpers: build small plans from YAML text and read their schedules by task key."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from charter.engine.cpm import schedule
from charter.formats.planfile import parse_plan
from charter.views.schedule import schedule_document

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
