"""A world of users and projects, built and migrated once, copied into each test's directory.

Users are named after the role they hold in the "own" projects (``owner``, ``manager`` …);
``admin`` is a global admin, ``outsider`` belongs nowhere, ``stranger`` owns the "others"
projects, ``target`` belongs nowhere (to be added) and ``target2`` is a viewer everywhere.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from charter.formats.planfile import parse_plan
from charter.services import ANONYMOUS, SYSTEM, Actor, Services
from charter.store import Store, database_url, open_store, upgrade
from tests.store.conftest import SMALL

PASSWORD = "correct horse battery"
PROJECT_ROLES = ("owner", "manager", "member", "viewer", "stakeholder")
ACTORS = (*PROJECT_ROLES, "admin", "outsider", "anonymous")
SITUATIONS = {
    "own-private": "own-private",
    "own-public": "own-public",
    "others-private": "others-private",
    "others-public": "others-public",
}
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def actor_for(name: str, scope: str | None = None) -> Actor:
    if name == "anonymous":
        return ANONYMOUS
    return Actor(name, is_admin=name == "admin", scope="read" if scope == "read" else None)


def build_world(services: Services) -> None:
    for name in (*PROJECT_ROLES, "admin", "outsider", "stranger", "target", "target2"):
        services.accounts.add_user(SYSTEM, name, PASSWORD, is_admin=name == "admin")
    plan = parse_plan(SMALL)
    for key, creator, visibility in (
        ("own-private", "owner", "private"),
        ("own-public", "owner", "public"),
        ("others-private", "stranger", "private"),
        ("others-public", "stranger", "public"),
    ):
        services.projects.create(Actor(creator), plan, key, visibility=visibility)
        if creator == "owner":
            for role in PROJECT_ROLES[1:]:
                services.members.put(Actor("owner"), key, role, role)
        services.members.put(Actor(creator), key, "target2", "viewer")
        services.tasks.delete(Actor(creator), key, "notes", 1)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("world")
    url = database_url(directory)
    upgrade(url)
    with open_store(url) as store:
        build_world(Services(store, hasher=FAST))
    return directory


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def store(world: Path, tmp_path: Path, clock: Clock) -> Iterator[Store]:
    for path in world.iterdir():
        shutil.copy(path, tmp_path / path.name)
    with open_store(database_url(tmp_path), clock=clock) as opened:
        yield opened


@pytest.fixture
def services(store: Store) -> Services:
    return Services(store, hasher=FAST)
