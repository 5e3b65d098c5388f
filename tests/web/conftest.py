"""The web tests' world: the services' world of users and projects, plus an API token per user.

Built and migrated once per backend (``--db``); each test gets a copy of its database and an
app on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from charter.services import SYSTEM, Services
from charter.store import open_store, upgrade
from charter.web import Settings, create_app
from tests.backends import Backend
from tests.services.conftest import ACTORS, FAST, PASSWORD, SITUATIONS, build_world

BASE_URL = "https://testserver"  # session cookies are Secure
__all__ = ["ACTORS", "BASE_URL", "PASSWORD"]


@dataclass(frozen=True)
class WebWorld:
    url: str
    """The world's database (idle, to be copied)."""
    tokens: dict[str, str]
    """The secret of each user's write token, and the read token ``owner-read``."""


@pytest.fixture(scope="session")
def web_world(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebWorld]:
    url = backend.create(tmp_path_factory.mktemp("web-world"))
    upgrade(url)
    tokens: dict[str, str] = {}
    attachments = tmp_path_factory.mktemp("attachments")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHARTER_ATTACHMENTS_DIR", str(attachments))  # where every test app looks
        with open_store(url) as store:
            services = Services(store, hasher=FAST, attachments_dir=attachments)
            build_world(services)
            seed_plan_items(services)
            for name in (*ACTORS, "stranger", "target", "target2"):
                if name != "anonymous":
                    tokens[name] = services.tokens.create(SYSTEM, name, "api", "write", None).secret
            tokens["owner-read"] = services.tokens.create(SYSTEM, "owner", "read", "read", None).secret
        yield WebWorld(url, tokens)
    backend.drop(url)


def seed_plan_items(services: Services) -> None:
    """In every project of the world: a calendar and a risk nothing uses, a deleted calendar,
    resource and risk, baseline 0 saved and baseline 5 deleted (see tests/web/endpoints_plan.py)."""
    night = {"week": {"mon-fri": "22:00-24:00"}}
    for key in SITUATIONS.values():
        items = services.plan_items
        items.put(SYSTEM, key, "calendars", "night", night, "")
        items.put(SYSTEM, key, "calendars", "old-night", night, "")
        items.delete(SYSTEM, key, "calendars", "old-night", "*")
        items.put(SYSTEM, key, "resources", "carol", {"name": "Carol"}, "")
        items.delete(SYSTEM, key, "resources", "carol", "*")
        for risk in ("scope", "old-risk"):
            items.put(SYSTEM, key, "risks", risk, {"title": "Scope creep", "probability": 0.2}, "")
        items.delete(SYSTEM, key, "risks", "old-risk", "*")
        items.save_baseline(SYSTEM, key, 0)
        items.save_baseline(SYSTEM, key, 5)
        items.delete(SYSTEM, key, "baselines", "5", "*")


@pytest.fixture(scope="session")
def tokens(web_world: WebWorld) -> dict[str, str]:
    return web_world.tokens


def settings_for(backend: Backend, url: str, data_dir: Path) -> Settings:
    """The server's settings for the database at ``url``: SQLite by data directory, else by URL."""
    return Settings(
        data_dir=data_dir, database_url=None if backend.name == "sqlite" else url, schedule_processes=0
    )


@pytest.fixture
def database(backend: Backend, web_world: WebWorld, tmp_path: Path) -> Iterator[str]:
    """A copy of the world's database for this test (on SQLite, in the data directory)."""
    url = backend.clone(web_world.url, tmp_path / "data")
    try:
        yield url
    finally:
        backend.drop(url)


@pytest.fixture
def data_dir(database: str, tmp_path: Path) -> Path:
    """The server's data directory: on SQLite it holds the test's database, else it is empty."""
    target = tmp_path / "data"
    target.mkdir(exist_ok=True)
    return target


@pytest.fixture
def app(backend: Backend, database: str, data_dir: Path) -> Iterator[FastAPI]:
    made = create_app(settings_for(backend, database, data_dir), hasher=FAST)
    yield made

    async def shut_down() -> None:  # the end of the app's lifespan closes its store
        async with made.router.lifespan_context(made):
            pass

    asyncio.run(shut_down())


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as opened:
        yield opened


@pytest.fixture
def auth(tokens: dict[str, str]) -> Callable[[str], dict[str, str]]:
    """The Authorization header of an actor (none for anonymous)."""

    def header(actor: str) -> dict[str, str]:
        return {} if actor == "anonymous" else {"Authorization": f"Bearer {tokens[actor]}"}

    return header
