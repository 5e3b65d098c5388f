"""Attachment files: content-addressed, written whole or not at all, verified when read."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from charter.store import Blobs, StoredFileError


def test_a_file_lands_under_its_digest_and_equal_contents_share_it(tmp_path: Path) -> None:
    blobs = Blobs(tmp_path)
    data = bytes(range(256)) * 5000
    with blobs.writer() as writer:
        for start in range(0, len(data), 4096):
            writer.write(data[start : start + 4096])
        blob = writer.commit()
    digest = hashlib.sha256(data).hexdigest()
    assert (blob.sha256, blob.size) == (digest, len(data))
    assert (tmp_path / digest[:2] / digest).read_bytes() == data
    assert blobs.put(data) == blob
    assert blobs.read(digest, len(data)) == data
    assert list((tmp_path / "tmp").iterdir()) == []


def test_an_abandoned_write_leaves_nothing_behind(tmp_path: Path) -> None:
    blobs = Blobs(tmp_path)
    with pytest.raises(RuntimeError), blobs.writer() as writer:
        writer.write(b"half a file")
        raise RuntimeError("the client went away")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_changed_or_missing_file_is_reported(tmp_path: Path) -> None:
    blobs = Blobs(tmp_path)
    blob = blobs.put(b"status report")
    blobs.path(blob.sha256).write_bytes(b"status rep0rt")
    with pytest.raises(StoredFileError, match="damaged"):
        blobs.verified(blob.sha256, blob.size)
    with pytest.raises(StoredFileError, match="damaged"):
        blobs.verified(blob.sha256, blob.size + 1)
    blobs.path(blob.sha256).unlink()
    with pytest.raises(StoredFileError, match="missing"):
        blobs.read(blob.sha256, blob.size)
    with pytest.raises(ValueError, match="not a SHA-256"):
        blobs.path("../../etc/passwd")
