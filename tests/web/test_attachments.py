"""Attachments over HTTP: raw and multipart uploads, the size limit, verified downloads."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from charter.web import create_app
from charter.web.settings import Settings
from tests.backends import Backend
from tests.services.conftest import FAST
from tests.web.conftest import BASE_URL, settings_for

Auth = Callable[[str], dict[str, str]]
A = "/api/v1/projects/own-private/attachments"
LIMIT = 4096


@pytest.fixture
def settings(backend: Backend, database: str, data_dir: Path, tmp_path: Path) -> Settings:
    return settings_for(backend, database, data_dir).model_copy(
        update={"max_upload_bytes": LIMIT, "attachments_dir": tmp_path / "files"}
    )


@pytest.fixture
def files_client(settings: Settings) -> Iterator[TestClient]:
    app: FastAPI = create_app(settings, hasher=FAST)
    with TestClient(app, base_url=BASE_URL) as opened:
        yield opened


def test_raw_upload_then_download_with_type_name_and_checksum(
    files_client: TestClient, auth: Auth, settings: Settings
) -> None:
    data = "Übergabe-Protokoll\n".encode() * 10
    uploaded = files_client.post(
        f"{A}?filename=Übergabe.txt", content=data, headers={**auth("member"), "Content-Type": "text/plain"}
    )
    assert uploaded.status_code == 201, uploaded.text
    digest = hashlib.sha256(data).hexdigest()
    assert uploaded.json()["sha256"] == digest and uploaded.headers["Location"] == f"{A}/3"
    assert (settings.attachments_path() / digest[:2] / digest).read_bytes() == data
    download = files_client.get(f"{A}/3/content", headers=auth("viewer"))
    assert download.status_code == 200 and download.content == data
    assert download.headers["ETag"] == f'"{digest}"'
    assert download.headers["Content-Type"].startswith("text/plain")
    assert download.headers["Content-Disposition"] == "attachment; filename*=utf-8''%C3%9Cbergabe.txt"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    again = files_client.get(f"{A}/3/content", headers={**auth("viewer"), "If-None-Match": f'"{digest}"'})
    assert again.status_code == 304 and again.content == b""


def test_multipart_upload_to_a_task(files_client: TestClient, auth: Auth) -> None:
    uploaded = files_client.post(
        "/api/v1/projects/own-private/tasks/build/attachments",
        files={"file": ("diagram.png", b"\x89PNG fake", "image/png")},
        headers=auth("member"),
    )
    assert uploaded.status_code == 201, uploaded.text
    assert {k: uploaded.json()[k] for k in ("task", "filename", "content_type", "size")} == {
        "task": "build", "filename": "diagram.png", "content_type": "image/png", "size": 9,
    }  # fmt: skip
    listed = files_client.get(f"{A}?task=build", headers=auth("viewer")).json()
    assert [(a["id"], a["filename"]) for a in listed["items"]] == [(3, "diagram.png")]


def test_too_large_uploads_are_refused_and_leave_no_file(
    files_client: TestClient, auth: Auth, settings: Settings
) -> None:
    big = b"x" * (LIMIT + 1)
    chunks = (big[i : i + 1000] for i in range(0, len(big), 1000))  # no Content-Length: streamed
    raw = files_client.post(f"{A}?filename=big.bin", content=chunks, headers=auth("owner"))
    assert raw.status_code == 413, raw.text
    form = files_client.post(A, files={"file": ("big.bin", big)}, headers=auth("owner"))
    assert form.status_code == 413
    assert [p for p in settings.attachments_path().rglob("*") if p.is_file()] == []
    assert files_client.get(A, headers=auth("owner")).json()["total"] == 1


def test_a_damaged_file_is_reported_and_not_served(
    files_client: TestClient, auth: Auth, settings: Settings
) -> None:
    uploaded = files_client.post(f"{A}?filename=a.txt", content=b"original", headers=auth("owner")).json()
    digest = uploaded["sha256"]
    (settings.attachments_path() / digest[:2] / digest).write_bytes(b"tampered")
    response = files_client.get(f"{A}/{uploaded['id']}/content", headers=auth("owner"))
    assert response.status_code >= 400 and "damaged" in response.json()["what"]
    assert b"tampered" not in response.content


def test_delete_to_the_trash_and_restore(files_client: TestClient, auth: Auth) -> None:
    uploaded = files_client.post(f"{A}?filename=a.txt", content=b"a", headers=auth("member"))
    number = uploaded.json()["id"]
    assert files_client.delete(f"{A}/{number}", headers=auth("member")).status_code == 428
    assert (
        files_client.delete(f"{A}/{number}", headers={**auth("member"), "If-Match": '"1"'}).status_code == 204
    )
    assert files_client.get(f"{A}/{number}", headers=auth("member")).status_code == 404
    assert [a["id"] for a in files_client.get(f"{A}/trash", headers=auth("member")).json()] == [number, 2]
    restored = files_client.post(f"{A}/{number}/restore", headers=auth("member"))
    assert restored.status_code == 200 and restored.headers["ETag"] == '"3"'
    assert files_client.get(f"{A}/{number}/content", headers=auth("member")).content == b"a"


def test_an_upload_needs_a_name(files_client: TestClient, auth: Auth) -> None:
    response = files_client.post(A, content=b"a", headers=auth("owner"))
    assert response.status_code == 422 and response.json()["path"] == "filename"
    named = files_client.post(
        A, content=b"a", headers={**auth("owner"), "X-Filename": "r%C3%A9sum%C3%A9.pdf"}
    )
    assert named.status_code == 201 and named.json()["filename"] == "résumé.pdf"
    assert named.json()["content_type"] == "application/pdf"
