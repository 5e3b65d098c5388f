"""Comments over HTTP."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Auth = Callable[[str], dict[str, str]]
C = "/api/v1/projects/own-private/tasks/build/comments"


def test_comment_edit_delete_restore(client: TestClient, auth: Auth) -> None:
    member = auth("member")
    added = client.post(C, json={"text": "Blocked by **DB** access."}, headers=member)
    assert added.status_code == 201 and added.headers["Location"] == f"{C}/3"
    assert added.json()["author"] == "member" and added.headers["ETag"] == '"1"'
    edited = client.patch(f"{C}/3", json={"text": "Unblocked."}, headers={**member, "If-Match": '"1"'})
    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert (
        client.patch(f"{C}/1", json={"text": "x"}, headers={**member, "If-Match": '"1"'}).status_code == 403
    )
    page = client.get(f"{C}?limit=1&offset=1", headers=auth("viewer")).json()
    assert [c["text"] for c in page["items"]] == ["Unblocked."] and page["total"] == 2
    assert client.delete(f"{C}/3", headers=member).status_code == 428
    assert client.delete(f"{C}/3", headers={**member, "If-Match": '"2"'}).status_code == 204
    trash = client.get("/api/v1/projects/own-private/comments/trash", headers=member).json()
    assert [c["id"] for c in trash] == [3, 2]
    restored = client.post("/api/v1/projects/own-private/comments/3/restore", headers=member)
    assert restored.status_code == 200 and restored.json()["text"] == "Unblocked."
    assert client.get("/api/v1/projects/own-private/tasks/arch/comments/3", headers=member).status_code == 404
