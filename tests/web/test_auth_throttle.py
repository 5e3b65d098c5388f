"""The sign-in rate limit through the API: 429 with Retry-After, the same for everyone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from charter.services.throttle import LoginLimits, LoginThrottle
from charter.web import Settings
from charter.web.settings import SESSION_COOKIE
from tests.services.conftest import PASSWORD
from tests.web.conftest import BASE_URL

LOGIN = "/api/v1/auth/login"
WRONG = "not the password"


@dataclass
class Seconds:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def seconds(app: FastAPI) -> Seconds:
    """The app's sign-in throttle on a clock the test moves: 3 per name, 5 per address, 15 min."""
    clock = Seconds()
    app.state.services.accounts.throttle = LoginThrottle(
        LoginLimits(per_user=3, per_address=5, window_seconds=900), clock=clock
    )
    return clock


def client_at(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, base_url=BASE_URL, client=(address, 40000))


@pytest.fixture
def elsewhere(app: FastAPI) -> Iterator[TestClient]:
    with client_at(app, "192.0.2.77") as opened:
        yield opened


def sign_in(client: TestClient, user: str, password: str) -> Any:
    return client.post(LOGIN, json={"username": user, "password": password})


@pytest.mark.usefixtures("seconds")
def test_a_name_over_its_limit_gets_429_whoever_asks_and_whatever_the_password(
    client: TestClient, elsewhere: TestClient
) -> None:
    for _ in range(3):
        assert sign_in(client, "owner", WRONG).status_code == 401
        assert sign_in(elsewhere, "nobody", WRONG).status_code == 401
    answers = [
        sign_in(client, "owner", WRONG),
        sign_in(client, "owner", PASSWORD),
        sign_in(elsewhere, "owner", PASSWORD),  # another address: the name is still over
        sign_in(elsewhere, "nobody", PASSWORD),
    ]
    for answer in answers:
        assert answer.status_code == 429
        assert answer.headers["Retry-After"] == "900"
        assert SESSION_COOKIE not in answer.cookies
    bodies = [answer.json() for answer in answers]
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["error"] == "too_many_requests" and bodies[0]["fix"] == "wait 15 minutes and try again"
    assert sign_in(client, "viewer", PASSWORD).status_code == 200  # other names may sign in


def test_the_window_slides(client: TestClient, seconds: Seconds) -> None:
    assert sign_in(client, "owner", WRONG).status_code == 401
    seconds.now = 300
    for _ in range(2):
        assert sign_in(client, "owner", WRONG).status_code == 401
    seconds.now = 899
    assert sign_in(client, "owner", PASSWORD).headers["Retry-After"] == "1"
    seconds.now = 900  # the first failure has left the window: one more try
    assert sign_in(client, "owner", WRONG).status_code == 401
    refused = sign_in(client, "owner", PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "300"
    seconds.now = 1200
    assert sign_in(client, "owner", PASSWORD).status_code == 200


@pytest.mark.usefixtures("seconds")
def test_an_address_over_its_limit_gets_429_for_every_name(client: TestClient, elsewhere: TestClient) -> None:
    for name in ("owner", "member", "viewer", "nobody", "admin"):
        assert sign_in(client, name, WRONG).status_code == 401
    refused = sign_in(client, "manager", PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert sign_in(elsewhere, "manager", PASSWORD).status_code == 200


@pytest.mark.usefixtures("seconds")
def test_a_successful_sign_in_clears_the_names_count(client: TestClient, elsewhere: TestClient) -> None:
    for _ in range(2):
        assert sign_in(client, "owner", WRONG).status_code == 401
    assert sign_in(elsewhere, "owner", PASSWORD).status_code == 200
    for _ in range(3):
        assert sign_in(elsewhere, "owner", WRONG).status_code == 401
    assert sign_in(elsewhere, "owner", PASSWORD).status_code == 429


@pytest.mark.usefixtures("seconds")
def test_wrong_current_passwords_are_rate_limited_too(client: TestClient, tokens: dict[str, str]) -> None:
    bearer = {"Authorization": f"Bearer {tokens['member']}"}
    change = {"current_password": WRONG, "new_password": "a new password"}
    for _ in range(3):
        answer = client.post("/api/v1/auth/password", json=change, headers=bearer)
        assert answer.status_code == 422 and answer.json()["path"] == "current_password"
    right = {"current_password": PASSWORD, "new_password": "a new password"}
    refused = client.post("/api/v1/auth/password", json=right, headers=bearer)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert sign_in(client, "member", PASSWORD).status_code == 429


def test_the_limits_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().login_limits() == LoginLimits(per_user=5, per_address=20, window_seconds=900)
    monkeypatch.setenv("CHARTER_LOGIN_FAILURES_PER_USER", "3")
    monkeypatch.setenv("CHARTER_LOGIN_FAILURES_PER_ADDRESS", "50")
    monkeypatch.setenv("CHARTER_LOGIN_FAILURE_WINDOW", "PT1H")
    assert Settings().login_limits() == LoginLimits(per_user=3, per_address=50, window_seconds=3600)
    monkeypatch.setenv("CHARTER_LOGIN_FAILURES_PER_USER", "0")
    with pytest.raises(ValueError, match="login_failures_per_user"):
        Settings()


def test_the_openapi_document_describes_the_429(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][LOGIN]["post"]
    answer = operation["responses"]["429"]
    assert "Retry-After" in answer["headers"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_the_app_uses_the_settings_limits(app: FastAPI) -> None:
    assert app.state.services.accounts.throttle.limits == app.state.settings.login_limits()
