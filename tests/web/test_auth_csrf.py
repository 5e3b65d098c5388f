"""Cross-site request forgery: writes resting on the session cookie need the CSRF header and no
foreign Origin; API tokens are exempt; sign-in refuses a foreign Origin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from charter.services.sessions import csrf_token
from charter.web.deps import same_origin
from charter.web.settings import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from tests.services.conftest import PASSWORD
from tests.web.conftest import BASE_URL

Auth = Callable[[str], dict[str, str]]
TASK = "/api/v1/projects/own-private/tasks/build"
EVIL = "https://evil.example"


def sign_in(client: TestClient, user: str = "owner") -> str:
    """Sign in; the CSRF token the answer set."""
    response = client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.cookies[CSRF_COOKIE]


def rename(client: TestClient, name: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    response = client.patch(TASK, json={"name": name}, headers={"If-Match": "*", **headers})
    return response.status_code, response.json()


def test_sign_in_sets_a_csrf_cookie_that_pages_can_read(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "owner", "password": PASSWORD})
    cookies = {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}
    csrf = cookies[CSRF_COOKIE]
    assert "HttpOnly" not in csrf and "SameSite=strict" in csrf and "Secure" in csrf and "Path=/" in csrf
    assert "HttpOnly" in cookies[SESSION_COOKIE]
    token = response.cookies[CSRF_COOKIE]
    assert token == csrf_token(response.cookies[SESSION_COOKIE]) and len(token) == 64
    assert token != sign_in(client)  # a new session, a new token


def test_a_cookie_write_needs_the_right_csrf_header(client: TestClient) -> None:
    token = sign_in(client)
    status, body = rename(client, "No header", {})
    assert status == 403 and body["error"] == "forbidden"
    assert CSRF_HEADER in body["what"] and CSRF_COOKIE in body["fix"]
    status, body = rename(client, "Wrong header", {CSRF_HEADER: "0" * 64})
    assert status == 403 and "does not belong to this session" in body["what"]
    status, body = rename(client, "Right header", {CSRF_HEADER: token})
    assert status == 200 and body["fields"]["name"] == "Right header"
    assert client.get(TASK).json()["fields"]["name"] == "Right header"  # reads need no header


def test_the_token_of_another_session_does_not_pass(client: TestClient) -> None:
    with TestClient(client.app, base_url=BASE_URL) as other:
        theirs = sign_in(other, "member")
    mine = sign_in(client)
    status, _ = rename(client, "Planted", {CSRF_HEADER: theirs})
    assert status == 403
    client.cookies.set(CSRF_COOKIE, theirs)  # a cookie planted by a neighbouring site
    status, _ = rename(client, "Planted", {CSRF_HEADER: theirs})
    assert status == 403
    assert rename(client, "Mine", {CSRF_HEADER: mine})[0] == 200


def test_every_unsafe_method_is_checked(client: TestClient) -> None:
    sign_in(client)
    for method, url, json in (
        ("POST", "/api/v1/projects/own-private/trash/notes/restore", None),
        ("PUT", "/api/v1/projects/own-private/members/target", {"role": "viewer"}),
        ("DELETE", "/api/v1/projects/own-private/members/target2", None),
        ("POST", "/api/v1/auth/tokens", {"name": "x", "scope": "read"}),
        ("POST", "/api/v1/auth/password", {"current_password": PASSWORD, "new_password": "abcdefghij"}),
        ("DELETE", "/api/v1/auth/tokens/api", None),
    ):
        response = client.request(method, url, json=json, headers={"If-Match": "*"})
        assert response.status_code == 403, (method, url, response.text)
        assert CSRF_HEADER in response.json()["what"]


def test_a_foreign_origin_is_refused_even_with_the_right_header(client: TestClient) -> None:
    token = sign_in(client)
    status, body = rename(client, "Forged", {CSRF_HEADER: token, "Origin": EVIL})
    assert status == 403 and "another site" in body["what"] and EVIL in body["what"]
    assert rename(client, "Null", {CSRF_HEADER: token, "Origin": "null"})[0] == 403
    assert rename(client, "Same", {CSRF_HEADER: token, "Origin": BASE_URL})[0] == 200


def test_logout_with_the_cookie_needs_the_header(client: TestClient) -> None:
    token = sign_in(client)
    assert client.post("/api/v1/auth/logout").status_code == 403
    assert client.get("/api/v1/auth/me").json()["user"] == "owner"  # still signed in
    assert client.post("/api/v1/auth/logout", headers={CSRF_HEADER: token}).status_code == 204
    assert CSRF_COOKIE not in client.cookies and SESSION_COOKIE not in client.cookies


def test_bearer_requests_are_exempt(client: TestClient, auth: Auth) -> None:
    sign_in(client, "member")  # a session cookie alongside does not matter
    status, body = rename(client, "By token", {**auth("owner"), "Origin": EVIL})
    assert status == 200 and body["fields"]["name"] == "By token"


def test_sign_in_from_another_site_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"username": "owner", "password": PASSWORD}, headers={"Origin": EVIL}
    )
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert SESSION_COOKIE not in response.cookies
    same = client.post(
        "/api/v1/auth/login", json={"username": "owner", "password": PASSWORD}, headers={"Origin": BASE_URL}
    )
    assert same.status_code == 200


def test_the_openapi_document_names_the_csrf_header(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["CSRFToken"]
    assert scheme == {
        "type": "apiKey",
        "in": "header",
        "name": CSRF_HEADER,
        "description": scheme["description"],
    }
    assert CSRF_COOKIE in scheme["description"]
    patch = document["paths"]["/api/v1/projects/{key}/tasks/{task_key}"]["patch"]
    assert {"CSRFToken": []} in patch["security"]


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("https://charter.example", "charter.example", True),
        ("https://Charter.Example", "charter.example", True),
        ("https://charter.example:443", "charter.example", True),
        ("https://charter.example", "charter.example:443", True),
        ("http://charter.example", "charter.example:80", True),
        ("https://charter.example", "charter.example:80", False),  # another port
        ("http://localhost:8000", "localhost:8000", True),
        ("http://localhost:8001", "localhost:8000", False),
        ("https://charter.example.evil", "charter.example", False),
        ("https://evil.example", "charter.example", False),
        ("null", "charter.example", False),
        ("file://", "charter.example", False),
        ("https://charter.example/path", "charter.example", False),
        ("https://charter.example:99999", "charter.example", False),
        ("https://[::1]:8000", "[::1]:8000", True),
    ],
)
def test_same_origin(origin: str, host: str, same: bool) -> None:
    assert same_origin(origin, host) is same
