"""What the API takes and answers for time entries, comments and attachments."""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from charter.store import Attachment, Comment, TimeEntry
from charter.store.comments import MAX_TEXT

MAX_NOTE = 10_000
MAX_ID = 2**31 - 1
"""The largest record number (PostgreSQL's INTEGER): a larger one in a path is a 422, not a 500."""


class RecordOut(BaseModel):
    """A record as the API answers it: the store's record, field for field."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, record: TimeEntry | Comment | Attachment) -> Self:
        return cls.model_validate(record)


class TimeEntryIn(BaseModel):
    """Time to log; ``person`` defaults to you (logging someone else's time takes a manager)."""

    model_config = ConfigDict(extra="forbid")

    person: str | None = Field(
        default=None, min_length=1, max_length=64, description="A user or resource key."
    )
    task: str = Field(min_length=1, max_length=200)
    date: dt.date
    hours: float = Field(gt=0, le=24, description="Kept to the minute.", examples=[1.5])
    note: str = Field(default="", max_length=MAX_NOTE)


class TimeEntryPatch(BaseModel):
    """The fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    person: str | None = Field(default=None, min_length=1, max_length=64)
    task: str | None = Field(default=None, min_length=1, max_length=200)
    date: dt.date | None = None
    hours: float | None = Field(default=None, gt=0, le=24)
    note: str | None = Field(default=None, max_length=MAX_NOTE)


class TimeEntryOut(RecordOut):
    """One time entry; ``version`` is also its ETag."""

    id: int
    project: str
    person: str
    task: str
    date: dt.date
    hours: float
    minutes: int
    note: str
    author: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None


class TimeEntryPage(BaseModel):
    items: list[TimeEntryOut]
    total: int
    limit: int
    offset: int
    hours: float
    """The time of every matching entry, over all pages."""


class TimeImportOut(BaseModel):
    imported: int
    ids: list[int]


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT, description="Markdown.")


class CommentOut(RecordOut):
    """One comment; ``version`` is also its ETag."""

    id: int
    project: str
    task: str
    author: str
    text: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None


class CommentPage(BaseModel):
    items: list[CommentOut]
    total: int
    limit: int
    offset: int


class AttachmentOut(RecordOut):
    """One attachment's description; ``version`` is its ETag, ``sha256`` its content's."""

    id: int
    project: str
    task: str | None
    filename: str
    content_type: str
    size: int
    sha256: str
    author: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None


class AttachmentPage(BaseModel):
    items: list[AttachmentOut]
    total: int
    limit: int
    offset: int
