"""Attachments of projects and tasks: upload, list, download (verified), delete, restore.

Readers list and download; members and up attach files; the uploader or a manager or owner
deletes one (``record_action`` of the permission module). The files live in a content-addressed
directory (:class:`~charter.store.Blobs`); a service without one refuses to touch files.
"""

from __future__ import annotations

from pathlib import Path

from charter.errors import CharterError
from charter.services.access import authorize
from charter.services.actor import Actor
from charter.services.permissions import Action, Role, check_project, record_action
from charter.store import Attachment, AttachmentPage, Attachments, Blob, Blobs, ProjectInfo, Store
from charter.store.attachments import ALL_TASKS, AttachmentCheck, check_filename
from charter.store.blobs import BlobWriter


class AttachmentService:
    def __init__(self, store: Store, directory: Path | None = None) -> None:
        self._store = store
        self._attachments = Attachments(store)
        self._blobs = None if directory is None else Blobs(directory)

    @property
    def directory(self) -> Path | None:
        return None if self._blobs is None else self._blobs.directory

    def using(self, directory: Path) -> AttachmentService:
        """This service with its files in ``directory`` (itself if they are there already)."""
        if self._blobs is not None and self._blobs.directory == Path(directory):
            return self
        return AttachmentService(self._store, directory)

    @property
    def blobs(self) -> Blobs:
        if self._blobs is None:
            raise CharterError(
                "this server has no directory for attachment files",
                fix="set CHARTER_ATTACHMENTS_DIR (by default <data_dir>/attachments)",
            )
        return self._blobs

    # -- reads ---------------------------------------------------------------------------------

    def page(
        self, actor: Actor, key: str, task: str | None = ALL_TASKS, *, limit: int = 50, offset: int = 0
    ) -> AttachmentPage:
        """Attachments of one task, of the project itself (``task=None``) or all (``ALL_TASKS``)."""
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._attachments.page(key, task, limit=limit, offset=offset)

    def get(self, actor: Actor, key: str, number: int) -> Attachment:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._attachments.get(key, number)

    def content(self, actor: Actor, key: str, number: int) -> tuple[Attachment, Path]:
        """The attachment and its file, whose checksum has just been verified (StoredFileError
        if it no longer matches: a damaged file is never handed out)."""
        attachment = self.get(actor, key, number)
        return attachment, self.blobs.verified(attachment.sha256, attachment.size)

    def trash(self, actor: Actor, key: str) -> list[Attachment]:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._attachments.trash(key)

    # -- writes --------------------------------------------------------------------------------

    def check_upload(self, actor: Actor, key: str, filename: str) -> str:
        """Refuse an upload before its bytes are read; the file name as it will be kept."""
        authorize(self._store, actor, key, Action.ATTACH_FILES)
        self.blobs  # noqa: B018 — refuse early on a server without a place for files
        return check_filename(filename)

    def writer(self) -> BlobWriter:
        """A file to stream an upload into, before :meth:`attach` records it."""
        return self.blobs.writer()

    def attach(
        self, actor: Actor, key: str, task: str | None, filename: str, content_type: str, blob: Blob
    ) -> Attachment:
        """Record a file written with :meth:`writer` as an attachment of the project or a task."""
        authorize(self._store, actor, key, Action.ATTACH_FILES)
        return self._attachments.add(key, task, filename, content_type, blob, actor=actor.audit_name)

    def upload(
        self, actor: Actor, key: str, task: str | None, filename: str, content_type: str, data: bytes
    ) -> Attachment:
        """Attach ``data`` in one call (what :meth:`writer` and :meth:`attach` do in steps)."""
        self.check_upload(actor, key, filename)
        return self.attach(actor, key, task, filename, content_type, self.blobs.put(data))

    def delete(self, actor: Actor, key: str, number: int, expected_version: int) -> None:
        info, role = authorize(self._store, actor, key, Action.ATTACH_FILES)
        self._attachments.delete(
            key, number, expected_version, actor=actor.audit_name, check=_uploader(actor, info, role)
        )

    def restore(self, actor: Actor, key: str, number: int) -> Attachment:
        info, role = authorize(self._store, actor, key, Action.ATTACH_FILES)
        return self._attachments.restore(
            key, number, actor=actor.audit_name, check=_uploader(actor, info, role)
        )


def _uploader(actor: Actor, info: ProjectInfo, role: Role | None) -> AttachmentCheck:
    def check(attachment: Attachment) -> None:
        action = record_action(actor, attachment.author, Action.ATTACH_FILES)
        check_project(actor, action, info.key, role, info.visibility)

    return check
