"""Endpoint × actor × project permission tests, generated from the services' permission table.

Each endpoint names the action of ``PERMISSIONS`` it takes; the expected status follows from the
rules stated in ``charter.services.permissions``, restated here: not visible -> 404; visible
but not allowed -> 403, or 401 for an anonymous visitor (signing in might help); else 2xx.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from charter.services import PERMISSIONS, Action, Services
from charter.store import open_store
from charter.web import create_app
from tests.backends import Backend
from tests.services.conftest import ACTORS, FAST, PROJECT_ROLES, SITUATIONS
from tests.store.conftest import SMALL
from tests.web.conftest import BASE_URL, WebWorld, settings_for
from tests.web.endpoints import ENDPOINTS, Endpoint

Auth = Callable[[str], dict[str, str]]


GLOBAL_ROUTES = {("POST", "/api/v1/projects"), ("GET", "/api/v1/projects")}  # tested below
AUTH_PREFIX = "/api/v1/auth/"


def expected(actor: str, situation: str, action: Action) -> int | None:
    """None (allowed) or the refusal's status, by the rules of the permission table."""
    rule = PERMISSIONS[action]
    role = actor if actor in PROJECT_ROLES and situation.startswith("own") else None
    public = situation.endswith("public")
    admin = actor == "admin"
    if not (admin or role or public):
        return 404
    held = {r for r in (role, "viewer" if public else None) if r}
    if admin or held & set(rule.roles):
        return None
    return 401 if actor == "anonymous" else 403


def call(client: TestClient, endpoint: Endpoint, key: str, headers: dict[str, str]) -> Any:
    return client.request(
        endpoint.method,
        endpoint.url.format(key=key),
        json=endpoint.json,
        headers={**endpoint.headers, **headers},
    )


def test_every_api_route_is_in_the_generated_tests(app: FastAPI) -> None:
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if not path.startswith(AUTH_PREFIX)
        for method in operations
    }
    assert routes == {(e.method, e.route) for e in ENDPOINTS.values()} | GLOBAL_ROUTES


def test_every_project_action_of_the_table_is_exercised() -> None:
    project_actions = {a for a, rule in PERMISSIONS.items() if not rule.any_account}
    assert project_actions == {e.action for e in ENDPOINTS.values()}


@pytest.fixture(scope="module")
def reading_client(
    backend: Backend, web_world: WebWorld, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """One app for the endpoints that change nothing, so they need no fresh database each."""
    directory = tmp_path_factory.mktemp("reading")
    url = backend.clone(web_world.url, directory)
    app = create_app(settings_for(backend, url, directory), hasher=FAST)
    try:
        with TestClient(app, base_url=BASE_URL) as opened:
            yield opened
    finally:
        backend.drop(url)


@pytest.fixture
def writing_client(
    reading_client: TestClient, backend: Backend, web_world: WebWorld, tmp_path: Path
) -> Iterator[TestClient]:
    """The same app on a fresh copy of the world for one writing test.

    Building the app is most of a test's cost; its routes hold no state (each request finds the
    services on ``app.state``), so the app stays and only its services move to the copy.
    """
    app = reading_client.app
    assert isinstance(app, FastAPI)
    url = backend.clone(web_world.url, tmp_path / "data")
    original = app.state.services
    store = open_store(url)
    app.state.services = Services(store, hasher=FAST, attachments_dir=app.state.settings.attachments_path())
    try:
        yield reading_client
    finally:
        app.state.services.close()
        app.state.services = original
        store.close()
        backend.drop(url)


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_permission(
    request: pytest.FixtureRequest, auth: Auth, name: str, actor: str, situation: str
) -> None:
    endpoint = ENDPOINTS[name]
    writes = endpoint.method not in ("GET", "HEAD")
    client: TestClient = request.getfixturevalue("writing_client" if writes else "reading_client")
    response = call(client, endpoint, SITUATIONS[situation], auth(actor))
    refused = expected(actor, situation, endpoint.action)
    assert response.status_code == (endpoint.ok if refused is None else refused), response.text
    if refused == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_read_token_only_reads(writing_client: TestClient, tokens: dict[str, str], name: str) -> None:
    client = writing_client
    endpoint = ENDPOINTS[name]
    response = call(client, endpoint, "own-private", {"Authorization": f"Bearer {tokens['owner-read']}"})
    if PERMISSIONS[endpoint.action].writes:
        assert response.status_code == 403 and "read-only token" in response.json()["what"]
    else:
        assert response.status_code == endpoint.ok


@pytest.mark.parametrize("actor", ACTORS)
def test_create_project(client: TestClient, auth: Auth, actor: str) -> None:
    response = client.post(
        "/api/v1/projects", content=SMALL, headers={"Content-Type": "application/yaml", **auth(actor)}
    )
    if PERMISSIONS[Action.CREATE_PROJECT].any_account and actor != "anonymous":
        assert response.status_code == 201
        key = response.json()["key"]
        assert client.get(f"/api/v1/projects/{key}", headers=auth(actor)).json()["role"] == "owner"
    else:
        assert response.status_code == 401


@pytest.mark.parametrize("actor", ACTORS)
def test_the_list_holds_exactly_the_visible_projects(client: TestClient, auth: Auth, actor: str) -> None:
    response = client.get("/api/v1/projects", headers=auth(actor))
    assert response.status_code == 200
    seen = {p["key"] for p in response.json()["items"]}
    assert seen == {key for key in SITUATIONS.values() if expected(actor, key, Action.VIEW_SUMMARY) != 404}
