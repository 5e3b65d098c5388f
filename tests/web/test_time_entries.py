"""Time entries over HTTP: ETag/If-Match, filters and paging, CSV and JSON imports."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Auth = Callable[[str], dict[str, str]]
TE = "/api/v1/projects/own-private/time-entries"
CSV = {"Content-Type": "text/csv"}


def test_log_read_change_delete_restore_with_etags(client: TestClient, auth: Auth) -> None:
    member = auth("member")
    created = client.post(
        TE, json={"task": "arch", "date": "2027-01-11", "hours": 1.5, "note": "ERD"}, headers=member
    )
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == f"{TE}/3" and created.headers["ETag"] == '"1"'
    assert created.json() | {"created_at": None, "updated_at": None} == {
        "id": 3, "project": "own-private", "person": "member", "task": "arch", "date": "2027-01-11",
        "hours": 1.5, "minutes": 90, "note": "ERD", "author": "member", "version": 1,
        "created_at": None, "updated_at": None, "deleted_at": None,
    }  # fmt: skip
    assert client.patch(f"{TE}/3", json={"hours": 2}, headers=member).status_code == 428
    changed = client.patch(f"{TE}/3", json={"hours": 2}, headers={**member, "If-Match": '"1"'})
    assert (
        changed.status_code == 200 and changed.headers["ETag"] == '"2"' and changed.json()["minutes"] == 120
    )
    stale = client.patch(f"{TE}/3", json={"hours": 3}, headers={**member, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["error"] == "stale_version"
    assert client.delete(f"{TE}/3", headers={**member, "If-Match": '"1"'}).status_code == 412
    assert client.delete(f"{TE}/3", headers={**member, "If-Match": '"2"'}).status_code == 204
    assert client.get(f"{TE}/3", headers=member).status_code == 404
    assert [e["id"] for e in client.get(f"{TE}/trash", headers=member).json()] == [3, 2]
    restored = client.post(f"{TE}/3/restore", headers=member)
    assert restored.status_code == 200 and restored.json()["version"] == 4


def test_a_member_may_not_change_someone_elses_entry(client: TestClient, auth: Auth) -> None:
    refused = client.patch(f"{TE}/1", json={"hours": 1}, headers={**auth("member"), "If-Match": "*"})
    assert refused.status_code == 403 and "manage time entries" in refused.json()["what"]
    refused = client.post(TE, json={"task": "build", "date": "2027-01-11", "hours": 1, "person": "alice"},
                          headers=auth("member"))  # fmt: skip
    assert refused.status_code == 403


def test_bad_values_are_422_with_the_field(client: TestClient, auth: Auth) -> None:
    for body, path in (
        ({"task": "build", "date": "2027-01-11", "hours": 25}, "body.hours"),
        ({"task": "build", "date": "2027-13-01", "hours": 1}, "body.date"),
        ({"task": "ghost", "date": "2027-01-11", "hours": 1}, "task"),
    ):
        response = client.post(TE, json=body, headers=auth("owner"))
        assert response.status_code == 422 and response.json()["path"] == path, response.text


def test_filters_sorting_paging_and_total_hours(client: TestClient, auth: Auth) -> None:
    owner = auth("owner")
    body = b"person,task,date,hours,note\nalice,arch,2027-01-12,4,\nowner,arch,2027-01-13,3.5,late\n"
    imported = client.post(f"{TE}/import", content=body, headers={**owner, **CSV})
    assert imported.status_code == 201 and imported.json() == {"imported": 2, "ids": [3, 4]}
    page = client.get(f"{TE}?task=arch&sort=-date&limit=1", headers=owner).json()
    assert [e["id"] for e in page["items"]] == [4] and (page["total"], page["hours"], page["limit"]) == (
        2,
        7.5,
        1,
    )
    page = client.get(f"{TE}?from=2027-01-06&to=2027-01-12&person=alice", headers=owner).json()
    assert [e["id"] for e in page["items"]] == [3]
    assert client.get(f"{TE}?sort=name", headers=owner).status_code == 422


def test_csv_errors_name_line_and_column(client: TestClient, auth: Auth) -> None:
    body = b"task,date,hours\nbuild,2027-01-12,1\nbuild,2027-01-12,often\n"
    refused = client.post(f"{TE}/import", content=body, headers={**auth("owner"), **CSV})
    assert refused.status_code == 400
    assert refused.json() | {"what": None, "fix": None} == {
        "error": "import_file", "what": None, "fix": None, "file": "request body", "line": 3, "column": 3,
        "path": "hours",
    }  # fmt: skip
    assert client.get(TE, headers=auth("owner")).json()["total"] == 1
    wrong_type = client.post(
        f"{TE}/import", content=body, headers={**auth("owner"), "Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 415


def test_a_json_import_is_all_or_nothing(client: TestClient, auth: Auth) -> None:
    entries = [{"task": "build", "date": "2027-01-12", "hours": 1}, {"task": "build", "date": "2027-01-12"}]
    refused = client.post(f"{TE}/import", json=entries, headers=auth("owner"))
    assert refused.status_code == 422 and refused.json()["path"] == "[1].hours"
    entries[1]["hours"] = 2
    assert client.post(f"{TE}/import", json=entries, headers=auth("owner")).json()["ids"] == [3, 4]
