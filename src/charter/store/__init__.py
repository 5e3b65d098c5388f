"""Charter's database: SQLite in a data directory by default, PostgreSQL by URL.

    >>> from charter.store import database_url, open_store, upgrade
    >>> url = database_url(data_dir)                 # doctest: +SKIP
    >>> upgrade(url)                                 # doctest: +SKIP
    >>> with open_store(url) as store:               # doctest: +SKIP
    ...     key = store.import_plan(plan)
    ...     assert store.export_plan(key) == plan

Engines are made by :func:`open_store`, never at import time. The database is the source of
truth for a served project; plan files are import and export.
"""

from charter.errors import StoredFileError
from charter.store.attachments import Attachment, AttachmentPage, Attachments
from charter.store.blobs import Blob, Blobs
from charter.store.comments import Comment, CommentPage, Comments
from charter.store.database import database_url, make_engine
from charter.store.migrate import check_schema, upgrade
from charter.store.records import AuditEntry, ProjectInfo, StoredTask
from charter.store.repository import Store, open_store
from charter.store.time_entries import NewTimeEntry, TimeEntries, TimeEntry, TimeEntryPage, TimeEntryQuery

__all__ = [
    "Attachment",
    "AttachmentPage",
    "Attachments",
    "AuditEntry",
    "Blob",
    "Blobs",
    "Comment",
    "CommentPage",
    "Comments",
    "NewTimeEntry",
    "ProjectInfo",
    "Store",
    "StoredFileError",
    "StoredTask",
    "TimeEntries",
    "TimeEntry",
    "TimeEntryPage",
    "TimeEntryQuery",
    "check_schema",
    "database_url",
    "make_engine",
    "open_store",
    "upgrade",
]
