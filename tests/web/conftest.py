"""The web tests' world: the services' world of users and projects, plus an API token per user.

Built and migrated once; each test gets a copy in its own directory and an app on it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from charter.services import SYSTEM, Services
from charter.store import database_url, open_store, upgrade
from charter.web import Settings, create_app
from tests.services.conftest import ACTORS, FAST, PASSWORD, build_world

BASE_URL = "https://testserver"  # session cookies are Secure
TOKENS = "tokens.json"
__all__ = ["ACTORS", "BASE_URL", "PASSWORD"]


@pytest.fixture(scope="session")
def web_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("web-world")
    url = database_url(directory)
    upgrade(url)
    tokens: dict[str, str] = {}
    with open_store(url) as store:
        services = Services(store, hasher=FAST)
        build_world(services)
        for name in (*ACTORS, "stranger", "target", "target2"):
            if name != "anonymous":
                tokens[name] = services.tokens.create(SYSTEM, name, "api", "write", None).secret
        tokens["owner-read"] = services.tokens.create(SYSTEM, "owner", "read", "read", None).secret
    (directory.parent / f"{directory.name}-{TOKENS}").write_text(json.dumps(tokens))
    return directory


@pytest.fixture(scope="session")
def tokens(web_world: Path) -> dict[str, str]:
    loaded: dict[str, str] = json.loads((web_world.parent / f"{web_world.name}-{TOKENS}").read_text())
    return loaded


@pytest.fixture
def data_dir(web_world: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for path in web_world.iterdir():
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def app(data_dir: Path) -> FastAPI:
    return create_app(Settings(data_dir=data_dir, database_url=None), hasher=FAST)


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
