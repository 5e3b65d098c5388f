"""Attachment files on disk, content-addressed: a file's name is the SHA-256 of its bytes.

The layout under the attachments directory (``CHARTER_ATTACHMENTS_DIR``, by default
``<data_dir>/attachments``) is ``ab/abcdef…`` (the first two hex digits, then the whole digest),
plus ``tmp/`` for files being written. A file is written to ``tmp/``, fsynced, renamed into place
and its directory fsynced — all before the database row that names it commits, so a committed
row never points at a file that a crash could lose. Equal contents share one file; files are
never changed in place, which makes copying the directory (``charter backup``) safe while the
server runs. Reads verify the digest: a damaged or missing file is reported, never served.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from charter.errors import Location, StoredFileError

DIGEST = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Blob:
    sha256: str
    size: int


class Blobs:
    """The content-addressed files under one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, sha256: str) -> Path:
        if not DIGEST.match(sha256):
            raise ValueError(f"{sha256!r} is not a SHA-256 hex digest")
        return self.directory / sha256[:2] / sha256

    def writer(self) -> BlobWriter:
        """A new file to write in pieces; ``commit()`` puts it in place, leaving the block
        without committing removes it."""
        return BlobWriter(self)

    def put(self, data: bytes) -> Blob:
        with self.writer() as writer:
            writer.write(data)
            return writer.commit()

    def verified(self, sha256: str, size: int) -> Path:
        """The file's path, once its size and digest are checked; StoredFileError otherwise."""
        path = self.path(sha256)
        where = Location(file=str(path))
        fix = "restore the attachments directory from a backup; the database row still names the file"
        digest = hashlib.sha256()
        try:
            with path.open("rb") as file:
                while chunk := file.read(CHUNK):
                    digest.update(chunk)
                length = file.tell()
        except FileNotFoundError:
            raise StoredFileError(f"the attachment file {sha256} is missing", where=where, fix=fix) from None
        if length != size or digest.hexdigest() != sha256:
            raise StoredFileError(
                f"the attachment file {sha256} is damaged (its content no longer matches its checksum)",
                where=where,
                fix=fix,
            )
        return path

    def read(self, sha256: str, size: int) -> bytes:
        return self.verified(sha256, size).read_bytes()


class BlobWriter:
    """One file being written to ``tmp/``, hashed as it goes."""

    def __init__(self, blobs: Blobs) -> None:
        self._blobs = blobs
        temporary = blobs.directory / "tmp"
        temporary.mkdir(parents=True, exist_ok=True)
        self._path = temporary / f"{uuid.uuid4().hex}.part"
        self._file = self._path.open("xb")
        self._digest = hashlib.sha256()
        self.size = 0
        self._done = False

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._digest.update(chunk)
        self.size += len(chunk)

    def commit(self) -> Blob:
        """Make the file durable and put it in place under its digest."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        blob = Blob(self._digest.hexdigest(), self.size)
        target = self._blobs.path(blob.sha256)
        new_directory = not target.parent.is_dir()
        target.parent.mkdir(parents=True, exist_ok=True)
        # Replacing an existing file of the same digest is harmless, and heals a damaged copy.
        os.replace(self._path, target)
        _fsync_directory(target.parent)
        if new_directory:
            _fsync_directory(target.parent.parent)
        self._done = True
        return blob

    def close(self) -> None:
        if not self._done:
            self._file.close()
            self._path.unlink(missing_ok=True)
            self._done = True

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX; Windows has no directory handles)."""
    if os.name != "posix":
        return
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
