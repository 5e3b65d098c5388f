"""A world of users and projects, built and migrated once per backend, copied for each test.

Users are named after the role they hold in the "own" projects (``owner``, ``manager`` …);
``admin`` is a global admin, ``outsider`` belongs nowhere, ``stranger`` owns the "others"
projects, ``target`` belongs nowhere (to be added) and ``target2`` is a viewer everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from charter.formats.planfile import parse_plan
from charter.services import ANONYMOUS, SYSTEM, Actor, Services
from charter.store import Blob, Store, open_store, upgrade
from tests.backends import Backend
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
        _add_records(services, Actor(creator), key)


ATTACHMENT = b"Kick-off minutes: scope agreed, go-live in March.\n"


def _add_records(services: Services, creator: Actor, key: str) -> None:
    """Per project: time entry, comment and attachment 1 (live) and 2 (in the trash), all the
    creator's. The attachment's file goes to the services' attachments directory, if they have one."""
    entries = services.time_entries
    entries.log(creator, key, task="build", date=dt.date(2027, 1, 5), hours=2, note="Kick-off")
    entries.delete(
        creator, key, entries.log(creator, key, task="build", date=dt.date(2027, 1, 6), hours=1).id, 1
    )
    services.comments.add(creator, key, "build", "Needs the **test database** first.")
    services.comments.delete(
        creator, key, "build", services.comments.add(creator, key, "build", "Duplicate").id, 1
    )
    files = services.attachments
    if files.directory is not None:
        blob = files.blobs.put(ATTACHMENT)
    else:
        blob = Blob(hashlib.sha256(ATTACHMENT).hexdigest(), len(ATTACHMENT))
    files.attach(creator, key, None, "minutes.txt", "text/plain", blob)
    files.delete(
        creator, key, files.attach(creator, key, "build", "old-minutes.txt", "text/plain", blob).id, 1
    )


@pytest.fixture(scope="session")
def world(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of the world's database (idle, to be copied)."""
    url = backend.create(tmp_path_factory.mktemp("world"))
    upgrade(url)
    with open_store(url) as store:
        build_world(Services(store, hasher=FAST))
    yield url
    backend.drop(url)


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
def store(backend: Backend, world: str, tmp_path: Path, clock: Clock) -> Iterator[Store]:
    url = backend.clone(world, tmp_path)
    try:
        with open_store(url, clock=clock) as opened:
            yield opened
    finally:
        backend.drop(url)


@pytest.fixture
def services(store: Store) -> Iterator[Services]:
    made = Services(store, hasher=FAST)
    yield made
    made.close()
