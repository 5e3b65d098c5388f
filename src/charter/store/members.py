"""Who belongs to which project, in what role.

The last-owner rule is kept here, inside the writing transaction (with the project row locked on
PostgreSQL), so that two owners demoting each other at once cannot leave a project ownerless.
A caller's own rules (who may grant what) run in the same transaction through ``check``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from charter.errors import ConflictError, InvalidChangeError, Location, NotFoundError
from charter.store import rows as steps
from charter.store.accounts import user_row
from charter.store.models import ROLES, AuditRow, MemberRow, ProjectRow, UserRow
from charter.store.records import MemberInfo, ProjectInfo

if TYPE_CHECKING:
    from charter.store.repository import Store

MemberCheck = Callable[[str | None, str | None], None]
"""Called with (the acting user's role, the target's current role) before a change is written."""


def add_owner(session: Session, project: ProjectRow, user: str, at: dt.datetime) -> None:
    """Make ``user`` the first owner of a project being created in ``session``."""
    owner = user_row(session, user)
    session.add(
        MemberRow(project_id=project.id, user_id=owner.id, role="owner", created_at=at, updated_at=at)
    )


def _role(session: Session, project: ProjectRow, user: str | None) -> str | None:
    if user is None:
        return None
    return session.scalar(
        sa.select(MemberRow.role)
        .join(UserRow, MemberRow.user_id == UserRow.id)
        .where(MemberRow.project_id == project.id, UserRow.name == user)
    )


class Members:
    """The membership table of one :class:`~charter.store.repository.Store`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def access(
        self, key: str, user: str | None, *, deleted: bool | None = False
    ) -> tuple[ProjectInfo, str | None]:
        """The project (live unless ``deleted`` says otherwise, as in ``rows.project``) and
        ``user``'s role in it (None: not a member)."""
        role: Any = sa.null()
        if user is not None:
            role = (
                sa.select(MemberRow.role)
                .join(UserRow, MemberRow.user_id == UserRow.id)
                .where(MemberRow.project_id == ProjectRow.id, UserRow.name == user)
                .scalar_subquery()
            )
        query = steps.live(sa.select(*steps.INFO_COLUMNS, role).where(ProjectRow.key == key), deleted)
        with self._store.one_read() as session:
            found = session.execute(query).one_or_none()
        if found is None:
            raise steps.no_project(key)
        return ProjectInfo(*found[:-1]), found[-1]

    def roles_of(self, user: str) -> dict[str, str]:
        """Project key -> role, for every live project ``user`` is a member of."""
        with self._store.transaction(write=False) as session:
            rows = session.execute(
                sa.select(ProjectRow.key, MemberRow.role)
                .join(MemberRow, MemberRow.project_id == ProjectRow.id)
                .join(UserRow, MemberRow.user_id == UserRow.id)
                .where(UserRow.name == user, ProjectRow.deleted_at.is_(None))
            )
            return {str(key): str(role) for key, role in rows}

    def of_project(self, key: str) -> list[MemberInfo]:
        with self._store.transaction(write=False) as session:
            rows = session.execute(
                sa.select(UserRow.name, MemberRow.role)
                .join(MemberRow, MemberRow.user_id == UserRow.id)
                .join(ProjectRow, ProjectRow.id == MemberRow.project_id)
                .where(ProjectRow.key == key, ProjectRow.deleted_at.is_(None))
                .order_by(UserRow.name)
            ).all()
            if not rows:  # no members, or no such project: which one, said the usual way
                steps.project(session, key, plan=False)
            return [MemberInfo(name, role) for name, role in rows]

    def put(
        self, key: str, user: str, role: str, *, actor: str | None, check: MemberCheck | None = None
    ) -> MemberInfo:
        """Give ``user`` the ``role`` in the project (adding them if need be)."""
        if role not in ROLES:
            raise InvalidChangeError(
                f"'{role}' is not a project role",
                where=Location(path="role"),
                fix=f"use one of {', '.join(ROLES)}",
            )
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = self._locked(session, key)
            target = user_row(session, user)
            row = session.get(MemberRow, (project.id, target.id))
            old = None if row is None else row.role
            if check is not None:
                check(_role(session, project, actor), old)
            if old == role:
                return MemberInfo(user, role)
            if old == "owner":
                self._keep_an_owner(session, project, user, "demoted")
            if row is None:
                session.add(
                    MemberRow(
                        project_id=project.id, user_id=target.id, role=role, created_at=now, updated_at=now
                    )
                )
            else:
                row.role, row.updated_at = role, now
            self._audit(session, now, project, user, "update" if old else "create", actor, old, role)
            return MemberInfo(user, role)

    def delete(self, key: str, user: str, *, actor: str | None, check: MemberCheck | None = None) -> None:
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            project = self._locked(session, key)
            target = user_row(session, user)
            row = session.get(MemberRow, (project.id, target.id))
            if row is None:
                raise NotFoundError(
                    f"'{user}' is not a member of project '{key}'", where=Location(path=f"member:{user}")
                )
            if check is not None:
                check(_role(session, project, actor), row.role)
            if row.role == "owner":
                self._keep_an_owner(session, project, user, "removed")
            session.delete(row)
            self._audit(session, now, project, user, "delete", actor, row.role, None)

    @staticmethod
    def _locked(session: Session, key: str) -> ProjectRow:
        project = session.scalar(
            sa.select(ProjectRow)
            .where(ProjectRow.key == key, ProjectRow.deleted_at.is_(None))
            .with_for_update()
        )
        if project is None:
            return steps.project(session, key)  # raises NotFoundError
        return project

    @staticmethod
    def _keep_an_owner(session: Session, project: ProjectRow, user: str, what: str) -> None:
        owners = session.scalar(
            sa.select(sa.func.count()).where(MemberRow.project_id == project.id, MemberRow.role == "owner")
        )
        if owners == 1:
            raise ConflictError(
                f"'{user}' is the last owner of project '{project.key}' and cannot be {what}",
                where=Location(path=f"member:{user}"),
                fix="make someone else an owner first",
            )

    @staticmethod
    def _audit(session: Session, at: dt.datetime, project: ProjectRow, user: str, action: str,
               actor: str | None, before: str | None, after: str | None) -> None:  # fmt: skip
        session.add(
            AuditRow(
                at=at, actor=actor, project_id=project.id, entity="member", entity_key=user, action=action,
                before=None if before is None else {"role": before},
                after=None if after is None else {"role": after},
            )
        )  # fmt: skip
