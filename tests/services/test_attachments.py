"""Attachments: upload, verified download, who may delete, the trash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from charter.errors import CharterError, ForbiddenError, InvalidChangeError
from charter.services import Actor, AttachmentService, Services
from charter.store import StoredFileError

KEY = "own-private"


@pytest.fixture
def files(services: Services, tmp_path: Path) -> AttachmentService:
    return services.attachments.using(tmp_path / "attachments")


def test_an_upload_is_stored_under_its_checksum_and_read_back_verified(files: AttachmentService) -> None:
    data = b"ERD v2\n" * 1000
    added = files.upload(Actor("member"), KEY, "arch", "erd.txt", "", data)
    digest = hashlib.sha256(data).hexdigest()
    assert (added.id, added.task, added.size, added.sha256, added.content_type) == (
        3, "arch", len(data), digest, "text/plain",
    )  # fmt: skip
    assert files.directory is not None
    assert (files.directory / digest[:2] / digest).read_bytes() == data
    attachment, path = files.content(Actor("viewer"), KEY, 3)
    assert attachment == added and path.read_bytes() == data
    assert [a.id for a in files.page(Actor("viewer"), KEY, "arch").items] == [3]
    assert [a.id for a in files.page(Actor("viewer"), KEY, None).items] == [1]
    assert files.page(Actor("viewer"), KEY).total == 2


def test_a_damaged_or_missing_file_is_reported_not_served(files: AttachmentService) -> None:
    added = files.upload(Actor("owner"), KEY, None, "plan.txt", "text/plain", b"the plan")
    assert files.directory is not None
    stored = files.directory / added.sha256[:2] / added.sha256
    stored.write_bytes(b"the PLAN")
    with pytest.raises(StoredFileError, match="damaged"):
        files.content(Actor("owner"), KEY, added.id)
    stored.unlink()
    with pytest.raises(StoredFileError, match="missing"):
        files.content(Actor("owner"), KEY, added.id)
    files.upload(Actor("owner"), KEY, None, "again.txt", "text/plain", b"the plan")  # heals the file
    assert files.content(Actor("owner"), KEY, added.id)[1].read_bytes() == b"the plan"


def test_only_the_uploader_or_a_manager_deletes(files: AttachmentService) -> None:
    with pytest.raises(ForbiddenError, match="manage attachments"):
        files.delete(Actor("member"), KEY, 1, 1)
    own = files.upload(Actor("member"), KEY, None, "notes.md", "text/markdown", b"# Notes")
    files.delete(Actor("member"), KEY, own.id, 1)
    assert [a.id for a in files.trash(Actor("owner"), KEY)] == [own.id, 2]
    with pytest.raises(ForbiddenError, match="attach files"):
        files.upload(Actor("viewer"), KEY, None, "x.txt", "text/plain", b"x")
    assert files.restore(Actor("manager"), KEY, own.id).version == 3


@pytest.mark.parametrize("name", ["", "../etc/passwd", "a\\b", "tab\there", "x" * 256, ".."])
def test_file_names_are_plain_names(files: AttachmentService, name: str) -> None:
    with pytest.raises(InvalidChangeError, match="not a usable file name"):
        files.upload(Actor("owner"), KEY, None, name, "text/plain", b"x")


def test_a_service_without_a_directory_refuses_files(services: Services) -> None:
    with pytest.raises(CharterError, match="no directory for attachment files"):
        services.attachments.upload(Actor("owner"), KEY, None, "a.txt", "text/plain", b"a")
