"""Store fixtures: a fresh, migrated database of the test's backend (``--db``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from charter.formats.planfile import parse_plan
from charter.store import Store, open_store, upgrade
from tests.conftest import plan_text

SMALL = plan_text(
    """
    calendars:
      standard: {week: {mon-fri: "08:00-12:00, 13:00-17:00"}}
    resources:
      alice: {name: Alice, units: 100%, rate: 95/h}
      bob: {name: Bob, units: 50%}
    tasks:
      - key: design
        name: Design
        tasks:
          - {key: arch, name: Architecture, duration: 5d, resources: [alice]}
          - {key: review, name: Design review, duration: 2d, after: [arch]}
      - {key: build, name: Build, work: 80h, resources: [alice], after: ["design +2d"]}
      - {key: notes, name: Loose end, duration: 1d}
      - {key: golive, name: Go-live, milestone: true, after: [build]}
    risks:
      - {key: vendor-late, title: Vendor delivers late, probability: 30%, cost: 20000}
    """
)


@pytest.fixture
def url(db_url: str) -> str:
    upgrade(db_url)
    return db_url


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with open_store(url) as opened:
        yield opened


@pytest.fixture
def project(store: Store) -> str:
    return store.import_plan(parse_plan(SMALL), actor="alice")
