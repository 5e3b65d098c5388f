"""The REST API's flows: sessions, projects from plan files, schedule, export, tasks and
members with ETag/If-Match, errors as one JSON body, the OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from charter.cli.app import main
from charter.errors import CharterError
from charter.formats.planfile import parse_plan
from charter.web import Settings, create_app
from charter.web.api.models import ScheduleConflict, ScheduleOut, ScheduleProject, ScheduleTask
from charter.web.settings import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from tests.services.conftest import PASSWORD
from tests.store.conftest import SMALL
from tests.web.conftest import BASE_URL

Auth = Callable[[str], dict[str, str]]
YAML = {"Content-Type": "application/yaml"}
TASK = "/api/v1/projects/own-private/tasks/build"


def login(client: TestClient, user: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/login", json={"username": user, "password": password})
    assert response.status_code == 200, response.text
    return response.cookies[SESSION_COOKIE]


def csrf(client: TestClient) -> dict[str, str]:
    """The header a write with the session cookie must carry: the CSRF cookie's value."""
    return {CSRF_HEADER: client.cookies[CSRF_COOKIE]}


def test_login_starts_a_session_with_a_new_id_and_logout_ends_it(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "owner", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    first = response.cookies[SESSION_COOKIE]
    assert client.get("/api/v1/auth/me").json()["user"] == "owner"
    second = login(client, "owner")
    assert second != first
    assert client.get("/api/v1/projects/own-private").status_code == 200
    with TestClient(client.app, base_url=BASE_URL, cookies={SESSION_COOKIE: first}) as old:
        assert old.get("/api/v1/auth/me").status_code == 401  # the login ended the old session
    assert client.post("/api/v1/auth/logout", headers=csrf(client)).status_code == 204
    client.cookies.clear()
    with TestClient(client.app, base_url=BASE_URL, cookies={SESSION_COOKIE: second}) as ended:
        assert ended.get("/api/v1/auth/me").status_code == 401
        assert ended.get("/api/v1/projects/own-private").status_code == 401


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(client: TestClient) -> None:
    wrong = client.post("/api/v1/auth/login", json={"username": "owner", "password": "not it at all"})
    unknown = client.post("/api/v1/auth/login", json={"username": "nobody", "password": "not it at all"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert SESSION_COOKIE not in wrong.cookies


def test_a_bad_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/projects", headers={"Authorization": "Bearer chr_nonsense"})
    assert response.status_code == 401 and response.json()["error"] == "unauthenticated"


def test_create_list_get_schedule_and_export(
    client: TestClient, auth: Auth, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    created = client.post("/api/v1/projects?key=fresh", content=SMALL, headers={**YAML, **auth("outsider")})
    assert created.status_code == 201 and created.json() == {"key": "fresh"}
    assert created.headers["Location"] == "/api/v1/projects/fresh"

    page = client.get("/api/v1/projects?limit=1&offset=1", headers=auth("outsider")).json()
    assert (
        page["total"] == 3 and page["limit"] == 1 and [p["key"] for p in page["items"]] == ["others-public"]
    )

    project = client.get("/api/v1/projects/fresh", headers=auth("outsider"))
    assert project.headers["ETag"] == '"1"'
    assert project.json()["role"] == "owner" and project.json()["tasks"] == 5

    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(SMALL)
    assert main(["schedule", str(plan_file), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert client.get("/api/v1/projects/fresh/schedule", headers=auth("outsider")).json() == cli

    exported = client.get("/api/v1/projects/fresh/export?format=yaml", headers=auth("outsider"))
    assert exported.headers["content-type"].startswith("application/yaml")
    assert parse_plan(exported.text) == parse_plan(SMALL)

    xml = client.get("/api/v1/projects/fresh/export?format=mspdi", headers=auth("outsider"))
    assert xml.headers["content-type"].startswith("application/xml")
    again = client.post(
        "/api/v1/projects?key=from-xml", content=xml.content,
        headers={"Content-Type": "application/xml", **auth("outsider")},
    )  # fmt: skip
    assert again.status_code == 201, again.text
    dates = client.get("/api/v1/projects/from-xml/schedule", headers=auth("outsider")).json()
    assert dates["project"]["finish"] == cli["project"]["finish"]


def test_the_schedule_model_documents_the_cli_json(client: TestClient, auth: Auth) -> None:
    document = client.get("/api/v1/projects/own-private/schedule", headers=auth("owner")).json()
    assert set(document) == set(ScheduleOut.model_fields)
    assert set(document["project"]) <= set(ScheduleProject.model_fields)
    assert all(set(task) == set(ScheduleTask.model_fields) for task in document["tasks"])
    assert all(set(c) == set(ScheduleConflict.model_fields) for c in document["conflicts"])
    ScheduleOut.model_validate(document)


def test_plan_file_errors_are_400_with_where_what_and_fix(client: TestClient, auth: Auth) -> None:
    bad = "charter: 1\nproject: {name: X, start: 2027-01-04}\ntasks:\n  - {key: a, after: [b]}\n"
    response = client.post("/api/v1/projects", content=bad, headers={**YAML, **auth("owner")})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "plan_file" and body["line"] == 4 and body["file"] == "request body"
    assert "'b'" in body["what"] and body["fix"]


def test_other_bodies_are_refused(client: TestClient, auth: Auth) -> None:
    json_body = client.post("/api/v1/projects", json={"name": "x"}, headers=auth("owner"))
    assert json_body.status_code == 415
    xml = client.post(
        "/api/v1/projects", content=b"<Project>", headers={"Content-Type": "application/xml", **auth("owner")}
    )
    assert xml.status_code == 400 and xml.json()["error"] == "import_file"


def test_two_clients_edit_the_same_task_one_wins_the_other_gets_412(client: TestClient, auth: Auth) -> None:
    read_by_owner = client.get(TASK, headers=auth("owner"))
    read_by_member = client.get(TASK, headers=auth("member"))
    tag = read_by_owner.headers["ETag"]
    assert tag == read_by_member.headers["ETag"] == '"1"'
    first = client.patch(TASK, json={"name": "Owner's"}, headers={"If-Match": tag, **auth("owner")})
    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    second = client.patch(TASK, json={"name": "Member's"}, headers={"If-Match": tag, **auth("member")})
    assert second.status_code == 412 and second.json()["error"] == "stale_version"
    assert client.get(TASK, headers=auth("member")).json()["fields"]["name"] == "Owner's"


def test_writes_without_if_match_get_428(client: TestClient, auth: Auth) -> None:
    for method, url, body in (
        ("PATCH", TASK, {"name": "x"}),
        ("DELETE", TASK, None),
        ("DELETE", "/api/v1/projects/own-private", None),
        ("PUT", "/api/v1/projects/own-private/members/target", {"role": "viewer"}),
        ("DELETE", "/api/v1/projects/own-private/members/target2", None),
    ):
        response = client.request(method, url, json=body, headers=auth("owner"))
        assert response.status_code == 428, (method, url, response.text)
    assert client.get(TASK, headers=auth("owner")).headers["ETag"] == '"1"'


def test_if_match_forms(client: TestClient, auth: Auth) -> None:
    weak = client.patch(TASK, json={"name": "x"}, headers={"If-Match": 'W/"1"', **auth("owner")})
    assert weak.status_code == 412
    anything = client.patch(TASK, json={"name": "y"}, headers={"If-Match": "*", **auth("owner")})
    assert anything.status_code == 200 and anything.json()["fields"]["name"] == "y"


def test_a_bad_change_is_422_and_writes_nothing(client: TestClient, auth: Auth) -> None:
    response = client.patch(TASK, json={"colour": "red"}, headers={"If-Match": '"1"', **auth("owner")})
    assert response.status_code == 422 and response.json()["error"] == "invalid_change"
    assert client.get(TASK, headers=auth("owner")).headers["ETag"] == '"1"'


def test_delete_and_restore_a_task(client: TestClient, auth: Auth) -> None:
    url = "/api/v1/projects/own-private/tasks/golive"
    assert client.delete(url, headers={"If-Match": '"1"', **auth("member")}).status_code == 204
    assert client.get(url, headers=auth("member")).status_code == 404
    trash = client.get("/api/v1/projects/own-private/trash", headers=auth("member")).json()
    assert {t["key"] for t in trash} == {"golive", "notes"}
    restored = client.post("/api/v1/projects/own-private/trash/golive/restore", headers=auth("member"))
    assert restored.status_code == 200 and restored.headers["ETag"] == '"3"'


def test_members(client: TestClient, auth: Auth) -> None:
    url = "/api/v1/projects/own-private/members"
    added = client.put(
        f"{url}/target", json={"role": "member"}, headers={"If-None-Match": "*", **auth("manager")}
    )
    assert added.status_code == 200 and added.headers["ETag"] == '"member"'
    again = client.put(
        f"{url}/target", json={"role": "viewer"}, headers={"If-None-Match": "*", **auth("manager")}
    )
    assert again.status_code == 412
    above = client.put(
        f"{url}/target", json={"role": "owner"}, headers={"If-Match": '"member"', **auth("manager")}
    )
    assert above.status_code == 403
    bad = client.put(
        f"{url}/target", json={"role": "boss"}, headers={"If-Match": '"member"', **auth("manager")}
    )
    assert bad.status_code == 422
    assert client.get(f"{url}/target", headers=auth("viewer")).json() == {"user": "target", "role": "member"}
    last = client.delete(f"{url}/owner", headers={"If-Match": '"owner"', **auth("owner")})
    assert last.status_code == 409 and "last owner" in last.json()["what"]
    gone = client.delete(f"{url}/target", headers={"If-Match": '"member"', **auth("manager")})
    assert gone.status_code == 204
    assert client.get(f"{url}/target", headers=auth("viewer")).status_code == 404
    audit = client.get("/api/v1/projects/own-private/audit?limit=500", headers=auth("manager")).json()
    assert [e["action"] for e in audit["items"] if e["entity_key"] == "target"] == ["create", "delete"]


def test_unknown_routes_answer_with_the_error_body(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_the_openapi_document(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        assert path.startswith("/api/v1/")
        for method, operation in operations.items():
            answers = operation["responses"]
            good = [s for s in answers if s.startswith("2")]
            assert good, (method, path)
            for status in good:
                if status != "204":
                    assert answers[status].get("content"), (method, path, status)
            assert "HTTPValidationError" not in json.dumps(answers), (method, path)
    assert {"HTTPBearer", "APIKeyCookie", "CSRFToken"} <= set(document["components"]["securitySchemes"])


@pytest.mark.backends("sqlite")  # the settings, not the database
def test_settings_come_from_the_environment(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHARTER_DATABASE_URL", raising=False)
    monkeypatch.setenv("CHARTER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHARTER_SESSION_LIFETIME", "PT1H")
    settings = Settings()
    assert settings.data_dir == data_dir and settings.session_lifetime.total_seconds() == 3600
    monkeypatch.setenv("CHARTER_DATA_DIR", str(tmp_path / "missing"))
    with pytest.raises(CharterError, match="no data directory"):
        create_app()


@pytest.mark.backends("sqlite")  # --data-dir means SQLite
def test_charter_serve_runs_the_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    served: list[tuple[FastAPI, str, int]] = []

    def run(app: FastAPI, *, host: str, port: int, log_level: str) -> None:
        served.append((app, host, port))

    monkeypatch.setattr(uvicorn, "run", run)
    assert main(["serve", "--port", "8123", "--data-dir", str(data_dir)]) == 0
    ((app, host, port),) = served
    assert (host, port) == ("127.0.0.1", 8123) and app.state.settings.data_dir == data_dir
    app.state.services.projects  # noqa: B018  the app is on that database


def test_a_list_refuses_an_offset_beyond_what_the_database_can_count(client: TestClient, auth: Auth) -> None:
    project = "/api/v1/projects/own-private"
    for path in (
        "/api/v1/projects",
        f"{project}/tasks",
        f"{project}/attachments",
        f"{project}/time-entries",
        f"{project}/tasks/arch/comments",
    ):
        answer = client.get(f"{path}?offset={2**63}", headers=auth("owner"))
        assert answer.status_code == 422, (path, answer.text)
        assert client.get(f"{path}?offset={2**31 - 1}", headers=auth("owner")).status_code == 200, path
