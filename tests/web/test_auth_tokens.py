"""The signed-in user's API tokens and password, through the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from charter.web.settings import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from tests.services.conftest import PASSWORD
from tests.web.conftest import BASE_URL

Auth = Callable[[str], dict[str, str]]
TOKENS = "/api/v1/auth/tokens"
PASSWORD_URL = "/api/v1/auth/password"
NEW_PASSWORD = "a much newer password"


def sign_in(client: TestClient, user: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in; the CSRF header for the session's writes."""
    response = client.post("/api/v1/auth/login", json={"username": user, "password": password})
    assert response.status_code == 200, response.text
    return {CSRF_HEADER: response.cookies[CSRF_COOKIE]}


def names(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [token["name"] for token in answer.json()]


def test_create_use_list_and_revoke_a_token_in_a_session(client: TestClient) -> None:
    csrf = sign_in(client, "member")
    created = client.post(
        TOKENS, json={"name": "laptop", "scope": "write", "expires_in_days": 30}, headers=csrf
    )
    assert created.status_code == 201, created.text
    token = created.json()
    assert token["secret"].startswith("chr_") and token["name"] == "laptop" and token["scope"] == "write"
    made = dt.datetime.fromisoformat(token["created_at"])
    lifetime = dt.datetime.fromisoformat(token["expires_at"]) - made
    assert abs(lifetime - dt.timedelta(days=30)) < dt.timedelta(seconds=1)
    assert token["last_used_at"] is None and token["revoked_at"] is None and token["user"] == "member"

    with TestClient(client.app, base_url=BASE_URL) as script:
        bearer = {"Authorization": f"Bearer {token['secret']}"}
        assert script.get("/api/v1/auth/me", headers=bearer).json()["user"] == "member"

        listed = client.get(TOKENS).json()
        assert [t["name"] for t in listed] == ["api", "laptop"]
        assert all("secret" not in t for t in listed)  # shown once, at creation
        laptop = listed[1]
        assert laptop["last_used_at"] is not None and laptop["expires_at"] == token["expires_at"]

        assert client.delete(f"{TOKENS}/laptop", headers=csrf).status_code == 204
        assert script.get("/api/v1/auth/me", headers=bearer).status_code == 401
    assert client.get(TOKENS).json()[1]["revoked_at"] is not None
    assert client.delete(f"{TOKENS}/laptop", headers=csrf).status_code == 204  # again: harmless
    missing = client.delete(f"{TOKENS}/nothing", headers=csrf)
    assert missing.status_code == 404 and "no token 'nothing'" in missing.json()["what"]


def test_a_token_without_expiry_and_a_token_made_by_a_token(client: TestClient, auth: Auth) -> None:
    made = client.post(TOKENS, json={"name": "forever", "scope": "read"}, headers=auth("viewer"))
    assert made.status_code == 201 and made.json()["expires_at"] is None
    read = {"Authorization": f"Bearer {made.json()['secret']}"}
    assert names(client.get(TOKENS, headers=read)) == ["api", "forever"]  # reading is allowed
    for scope in ("read", "write"):
        refused = client.post(TOKENS, json={"name": f"more-{scope}", "scope": scope}, headers=read)
        assert refused.status_code == 403
    assert "may not create a write token" in refused.json()["what"]
    assert client.delete(f"{TOKENS}/forever", headers=read).status_code == 403
    assert names(client.get(TOKENS, headers=auth("viewer"))) == ["api", "forever"]


def test_bad_token_requests(client: TestClient, auth: Auth) -> None:
    for body, path in (
        ({"name": "has space", "scope": "read"}, "name"),
        ({"name": "ok", "scope": "admin"}, "body.scope"),
        ({"name": "ok", "scope": "read", "expires_in_days": 0}, "body.expires_in_days"),
        ({"name": "ok", "scope": "read", "expires": "30d"}, "body.expires"),
        ({"scope": "read"}, "body.name"),
    ):
        answer = client.post(TOKENS, json=body, headers=auth("member"))
        assert answer.status_code == 422 and answer.json()["path"] == path, answer.text
    taken = client.post(TOKENS, json={"name": "api", "scope": "read"}, headers=auth("member"))
    assert taken.status_code == 409 and "already has a token named 'api'" in taken.json()["what"]


def test_administrators_see_and_revoke_anyones_tokens(client: TestClient, auth: Auth) -> None:
    assert names(client.get(f"{TOKENS}?user=owner", headers=auth("admin"))) == ["api", "read"]
    refused = client.get(f"{TOKENS}?user=owner", headers=auth("manager"))
    assert refused.status_code == 403 and "other users' tokens" in refused.json()["what"]
    assert client.delete(f"{TOKENS}/read?user=owner", headers=auth("manager")).status_code == 403
    assert client.delete(f"{TOKENS}/read?user=owner", headers=auth("admin")).status_code == 204
    assert client.get(f"{TOKENS}?user=owner", headers=auth("admin")).json()[1]["revoked_at"] is not None
    unknown = client.get(f"{TOKENS}?user=ghost", headers=auth("admin"))
    assert unknown.status_code == 404


def test_anonymous_visitors_have_no_tokens(client: TestClient) -> None:
    for method, body in (("GET", None), ("POST", {"name": "x", "scope": "read"})):
        answer = client.request(method, TOKENS, json=body)
        assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.delete(f"{TOKENS}/api").status_code == 401
    assert client.post(PASSWORD_URL, json={"current_password": "x", "new_password": "y"}).status_code == 401


def test_change_the_password_in_a_session(client: TestClient, auth: Auth) -> None:
    csrf = sign_in(client, "member")
    with TestClient(client.app, base_url=BASE_URL) as other:
        sign_in(other, "member")
        change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        assert client.post(PASSWORD_URL, json=change, headers=csrf).status_code == 204
        assert other.get("/api/v1/auth/me").status_code == 401  # the other session ended
    assert client.get("/api/v1/auth/me").json()["user"] == "member"  # this one stays
    assert client.get("/api/v1/auth/me", headers=auth("member")).json()["user"] == "member"  # tokens too
    with TestClient(client.app, base_url=BASE_URL) as fresh:
        old = fresh.post("/api/v1/auth/login", json={"username": "member", "password": PASSWORD})
        assert old.status_code == 401
        sign_in(fresh, "member", NEW_PASSWORD)


def test_change_the_password_with_a_token_ends_every_session(client: TestClient, auth: Auth) -> None:
    sign_in(client, "viewer")
    session = client.cookies[SESSION_COOKIE]
    with TestClient(client.app, base_url=BASE_URL) as script:
        script.cookies.set(SESSION_COOKIE, session)  # a cookie alongside the token is not "this session"
        change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        assert script.post(PASSWORD_URL, json=change, headers=auth("viewer")).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_bad_password_changes(client: TestClient, auth: Auth, tokens: dict[str, str]) -> None:
    for body, status, path in (
        ({"current_password": "wrong one", "new_password": NEW_PASSWORD}, 422, "current_password"),
        ({"current_password": PASSWORD, "new_password": "short"}, 422, "new_password"),
        ({"current_password": PASSWORD, "new_password": PASSWORD}, 422, "new_password"),
        ({"current_password": PASSWORD}, 422, "body.new_password"),
    ):
        answer = client.post(PASSWORD_URL, json=body, headers=auth("owner"))
        assert (answer.status_code, answer.json()["path"]) == (status, path), answer.text
    read = {"Authorization": f"Bearer {tokens['owner-read']}"}
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    refused = client.post(PASSWORD_URL, json=change, headers=read)
    assert refused.status_code == 403 and "read-only token" in refused.json()["what"]
    sign_in(client, "owner")  # nothing changed
