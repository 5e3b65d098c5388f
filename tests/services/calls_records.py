"""Service calls on time entries, comments and attachments for the generated permission tests
(``tests/services/test_permissions.py`` joins them into its ``CALLS``).

The world gives every project time entry, comment and attachment 1 (live) and 2 (in the trash),
all its creator's; the writes on them are made by someone else than their owner (or by the
owner themselves), so they take the stronger action of ``OWN_RECORDS``. ``AttachmentService``'s
``using`` and ``writer`` concern no project and take no permission.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from charter.services import Action, Actor, AttachmentService, Services
from charter.services.time_entries import TimeToLog
from charter.store import Blob, Store, TimeEntryQuery
from tests.services.conftest import ATTACHMENT

Call = Callable[[Services, Store, Actor, str], Any]
DAY = dt.date(2027, 1, 7)
CSV = b"task,date,hours\nbuild,2027-01-07,2\n"
BLOB = Blob(hashlib.sha256(ATTACHMENT).hexdigest(), len(ATTACHMENT))


@cache
def _directory() -> Path:
    return Path(tempfile.mkdtemp(prefix="charter-test-attachments-"))


def _files(services: Services) -> AttachmentService:
    """The attachments service on a directory holding the world's attachment file."""
    files = services.attachments.using(_directory())
    files.blobs.put(ATTACHMENT)
    return files


RECORD_CALLS: dict[str, tuple[Action, Call]] = {
    "TimeEntryService.page": (
        Action.VIEW_PLAN,
        lambda s, _, a, k: s.time_entries.page(a, k, TimeEntryQuery()),
    ),
    "TimeEntryService.get": (Action.VIEW_PLAN, lambda s, _, a, k: s.time_entries.get(a, k, 1)),
    "TimeEntryService.trash": (Action.VIEW_PLAN, lambda s, _, a, k: s.time_entries.trash(a, k)),
    "TimeEntryService.log": (
        Action.LOG_TIME,
        lambda s, _, a, k: s.time_entries.log(
            a, k, task="build", date=DAY, hours=1, person=a.name or "alice"
        ),
    ),
    "TimeEntryService.log_many": (
        Action.LOG_TIME,
        lambda s, _, a, k: s.time_entries.log_many(
            a, k, [TimeToLog("build", DAY, 1, person=a.name or "alice")]
        ),
    ),
    "TimeEntryService.import_csv": (Action.LOG_TIME, lambda s, _, a, k: s.time_entries.import_csv(a, k, CSV)),
    "TimeEntryService.patch": (
        Action.MANAGE_TIME_ENTRIES,
        lambda s, _, a, k: s.time_entries.patch(a, k, 1, {"hours": 3}, 1),
    ),
    "TimeEntryService.delete": (
        Action.MANAGE_TIME_ENTRIES,
        lambda s, _, a, k: s.time_entries.delete(a, k, 1, 1),
    ),
    "TimeEntryService.restore": (
        Action.MANAGE_TIME_ENTRIES,
        lambda s, _, a, k: s.time_entries.restore(a, k, 2),
    ),
    "CommentService.page": (Action.VIEW_PLAN, lambda s, _, a, k: s.comments.page(a, k, "build")),
    "CommentService.get": (Action.VIEW_PLAN, lambda s, _, a, k: s.comments.get(a, k, "build", 1)),
    "CommentService.trash": (Action.VIEW_PLAN, lambda s, _, a, k: s.comments.trash(a, k)),
    "CommentService.add": (Action.COMMENT, lambda s, _, a, k: s.comments.add(a, k, "build", "Agreed.")),
    "CommentService.edit": (
        Action.MODERATE_COMMENTS,
        lambda s, _, a, k: s.comments.edit(a, k, "build", 1, "Edited", 1),
    ),
    "CommentService.delete": (
        Action.MODERATE_COMMENTS,
        lambda s, _, a, k: s.comments.delete(a, k, "build", 1, 1),
    ),
    "CommentService.restore": (Action.MODERATE_COMMENTS, lambda s, _, a, k: s.comments.restore(a, k, 2)),
    "AttachmentService.page": (Action.VIEW_PLAN, lambda s, _, a, k: s.attachments.page(a, k)),
    "AttachmentService.get": (Action.VIEW_PLAN, lambda s, _, a, k: s.attachments.get(a, k, 1)),
    "AttachmentService.content": (Action.VIEW_PLAN, lambda s, _, a, k: _files(s).content(a, k, 1)),
    "AttachmentService.trash": (Action.VIEW_PLAN, lambda s, _, a, k: s.attachments.trash(a, k)),
    "AttachmentService.check_upload": (
        Action.ATTACH_FILES,
        lambda s, _, a, k: _files(s).check_upload(a, k, "scope.txt"),
    ),
    "AttachmentService.attach": (
        Action.ATTACH_FILES,
        lambda s, _, a, k: s.attachments.attach(a, k, "build", "spec.txt", "text/plain", BLOB),
    ),
    "AttachmentService.upload": (
        Action.ATTACH_FILES,
        lambda s, _, a, k: _files(s).upload(a, k, None, "notes.txt", "text/plain", b"notes"),
    ),
    "AttachmentService.delete": (
        Action.MANAGE_ATTACHMENTS,
        lambda s, _, a, k: s.attachments.delete(a, k, 1, 1),
    ),
    "AttachmentService.restore": (
        Action.MANAGE_ATTACHMENTS,
        lambda s, _, a, k: s.attachments.restore(a, k, 2),
    ),
}
