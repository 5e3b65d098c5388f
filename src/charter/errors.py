"""The one exception tree for everything a user can get wrong.

Every error a person can cause (a bad plan file, an unknown reference, a dependency cycle …)
is a :class:`CharterError`. It carries *where* (file, line, column — or a field path or task
key), *what* is wrong and *how to fix it*. Presenters render it; nothing here knows about
terminals or HTTP.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file position, and/or a path of keys inside the document."""

    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: str | None = None  # e.g. "tasks[3].after[0]"

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.path and self.line is None:
            parts.append(f"({self.path})" if parts else self.path)
        return " ".join(parts)


class CharterError(Exception):
    """An error the user can act on: where, what, and how to fix it."""

    exit_code = 2

    def __init__(self, what: str, *, where: Location | None = None, fix: str | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.where = where
        self.fix = fix

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole (where, fix and a subclass's own fields), e.g. from a worker process."""
        return (_restored, (type(self), self.args, self.__dict__))

    def __str__(self) -> str:
        head = f"{self.where}: {self.what}" if self.where and str(self.where) else self.what
        return f"{head}\n  fix: {self.fix}" if self.fix else head


def _restored(cls: type[CharterError], args: tuple[Any, ...], fields: dict[str, Any]) -> CharterError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(fields)
    return error


class PlanFileError(CharterError):
    """The plan file cannot be read as YAML or breaks the plan-file format."""


class UnknownKeyError(PlanFileError):
    """A mapping holds a key the format does not know."""


class ValueFormatError(PlanFileError):
    """A value (duration, date, percentage, link …) is not written the way the format expects."""


class UnknownReferenceError(PlanFileError):
    """A key refers to a task, calendar or resource that does not exist."""


class DuplicateKeyError(PlanFileError):
    """Two things share a key that must be unique."""


class ImportFileError(CharterError):
    """A file from another tool (e.g. Microsoft Project XML) cannot be read or breaks its format."""


class DependencyCycleError(CharterError):
    """Links (possibly through summary tasks) form a loop, so no schedule exists."""

    def __init__(self, cycle: list[str], *, where: Location | None = None) -> None:
        self.cycle = cycle
        shown = " -> ".join([*cycle, cycle[0]]) if cycle else "?"
        super().__init__(
            f"dependency cycle: {shown}",
            where=where,
            fix="remove or reverse one of these links; a task cannot (indirectly) wait for itself",
        )


class ConstraintConflictError(CharterError):
    """A task's own constraint, deadline or progress contradict each other."""


class CalendarError(CharterError):
    """A calendar is malformed or has no working time where work must happen."""


class NotFoundError(CharterError):
    """A project or task key names nothing (or something that is in the trash)."""


class ConflictError(CharterError):
    """A write would overwrite someone else's change or break what others rely on.

    Raised for a stale version (the thing changed since it was read), a key that is already
    taken, or a delete/restore that would leave dangling references. Nothing was written.
    """


class StaleVersionError(ConflictError):
    """The thing changed since the version the writer read; nothing was written.

    Read it again (its new version comes with it), then re-apply the change.
    """


class InvalidChangeError(CharterError):
    """A requested write carries a value the domain refuses (unknown field, bad value or key)."""


class ForbiddenError(CharterError):
    """The actor may see the thing but not do this to it (a role, scope or rule says no).

    Something the actor may not even see is a :class:`NotFoundError` instead, so that its
    existence is not given away.
    """


class AuthenticationError(CharterError):
    """Who is asking could not be established: wrong credentials, or an expired or revoked one."""


class StoredFileError(CharterError):
    """A stored attachment file is missing or does not match its checksum (disk damage, or
    someone changed the attachments directory by hand): the server's fault, never the user's."""


class SchemaVersionError(CharterError):
    """The database's schema is not the one this version of Charter expects."""


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest known spelling to ``word``, phrased as a hint, or None."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


__all__ = [
    "AuthenticationError",
    "CalendarError",
    "CharterError",
    "ConflictError",
    "ConstraintConflictError",
    "DependencyCycleError",
    "DuplicateKeyError",
    "ForbiddenError",
    "ImportFileError",
    "InvalidChangeError",
    "Location",
    "NotFoundError",
    "PlanFileError",
    "SchemaVersionError",
    "StaleVersionError",
    "UnknownKeyError",
    "UnknownReferenceError",
    "ValueFormatError",
    "did_you_mean",
]
