"""Users, API tokens and login sessions in the database.

This module stores what the account service decides: hashes arrive already computed (argon2 for
passwords, SHA-256 for random token secrets and session ids); nothing here sees a secret.
Account changes are audited without a project.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from charter.errors import ConflictError, Location, NotFoundError
from charter.store.models import AuditRow, SessionRow, TokenRow, UserRow
from charter.store.records import SessionInfo, TokenInfo, UserInfo

if TYPE_CHECKING:
    from charter.store.repository import Store

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
"""A token's ``last_used_at`` is written at most this often, so reads do not all become writes."""


def user_row(session: Session, name: str) -> UserRow:
    row = session.scalar(sa.select(UserRow).where(UserRow.name == name))
    if row is None:
        raise NotFoundError(f"there is no user '{name}'", where=Location(path=f"user:{name}"))
    return row


def _user_info(row: UserRow) -> UserInfo:
    return UserInfo(row.name, row.is_admin, row.created_at)


def _token_info(row: TokenRow, user: str) -> TokenInfo:
    return TokenInfo(
        row.id, user, row.name, row.scope, row.created_at, row.expires_at, row.last_used_at, row.revoked_at
    )


def _audit(session: Session, at: dt.datetime, actor: str | None, entity: str, key: str, action: str,
           after: dict[str, Any] | None = None) -> None:  # fmt: skip
    session.add(AuditRow(at=at, actor=actor, project_id=None, entity=entity, entity_key=key,
                         action=action, before=None, after=after))  # fmt: skip


class Accounts:
    """The account tables of one :class:`~charter.store.repository.Store`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- users -----------------------------------------------------------------------------------

    def add_user(self, name: str, password_hash: str, *, is_admin: bool, actor: str | None) -> UserInfo:
        now = self._store.now()
        try:
            with self._store.transaction(write=True) as session:
                if session.scalar(sa.select(UserRow.id).where(UserRow.name == name)) is not None:
                    raise IntegrityError("users.name", None, Exception("taken"))
                row = UserRow(name=name, password_hash=password_hash, is_admin=is_admin, created_at=now)
                session.add(row)
                _audit(session, now, actor, "user", name, "create", {"name": name, "is_admin": is_admin})
                return _user_info(row)
        except IntegrityError:
            raise ConflictError(
                f"the user name '{name}' is already taken", fix="choose another name"
            ) from None

    def get_user(self, name: str) -> UserInfo:
        with self._store.transaction(write=False) as session:
            return _user_info(user_row(session, name))

    def password_hash(self, name: str) -> str | None:
        """The user's password hash, or None when there is no such user."""
        with self._store.transaction(write=False) as session:
            return session.scalar(sa.select(UserRow.password_hash).where(UserRow.name == name))

    def set_password_hash(self, name: str, password_hash: str, *, actor: str | None) -> None:
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            user_row(session, name).password_hash = password_hash
            _audit(session, now, actor, "user", name, "password")

    # -- tokens ----------------------------------------------------------------------------------

    def add_token(
        self,
        user: str,
        name: str,
        scope: str,
        secret_hash: str,
        expires_at: dt.datetime | None,
        *,
        actor: str | None,
    ) -> TokenInfo:
        now = self._store.now()
        try:
            with self._store.transaction(write=True) as session:
                owner = user_row(session, user)
                row = TokenRow(user_id=owner.id, name=name, scope=scope, secret_hash=secret_hash,
                               created_at=now, expires_at=expires_at)  # fmt: skip
                session.add(row)
                session.flush()
                after = {"name": name, "scope": scope, "expires_at": expires_at and expires_at.isoformat()}
                _audit(session, now, actor, "token", f"{user}/{name}", "create", after)
                return _token_info(row, user)
        except IntegrityError:
            raise ConflictError(
                f"user '{user}' already has a token named '{name}'",
                fix="choose another name, or revoke the old token first",
            ) from None

    def token_by_hash(self, secret_hash: str) -> tuple[TokenInfo, UserInfo] | None:
        """The token with this secret hash and its user, marking it used; None if there is none."""
        now = self._store.now()
        with self._store.one_read() as session:
            found = session.execute(
                sa.select(
                    TokenRow.id, UserRow.name, TokenRow.name, TokenRow.scope, TokenRow.created_at,
                    TokenRow.expires_at, TokenRow.last_used_at, TokenRow.revoked_at,
                    UserRow.is_admin, UserRow.created_at,
                )
                .join(UserRow, TokenRow.user_id == UserRow.id)
                .where(TokenRow.secret_hash == secret_hash)
            ).one_or_none()  # fmt: skip
            if found is None:
                return None
            info = TokenInfo(*found[:8]), UserInfo(found[1], found[8], found[9])
        last = info[0].last_used_at
        if info[0].revoked_at is None and (last is None or now - last >= LAST_USED_RESOLUTION):
            with self._store.transaction(write=True) as session:
                session.execute(sa.update(TokenRow).where(TokenRow.id == info[0].id).values(last_used_at=now))
        return info

    def revoke_sessions(self, user: str, *, keep: str | None = None) -> int:
        """End every live session of ``user`` but the one whose id hashes to ``keep``; how many."""
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            owner = user_row(session, user)
            query = sa.update(SessionRow).where(
                SessionRow.user_id == owner.id, SessionRow.revoked_at.is_(None), SessionRow.expires_at > now
            )
            if keep is not None:
                query = query.where(SessionRow.id_hash != keep)
            result = session.execute(query.values(revoked_at=now))
            return int(result.rowcount)  # type: ignore[attr-defined]

    def tokens(self, user: str) -> list[TokenInfo]:
        with self._store.transaction(write=False) as session:
            owner = user_row(session, user)
            rows = session.scalars(
                sa.select(TokenRow).where(TokenRow.user_id == owner.id).order_by(TokenRow.name)
            ).all()
            return [_token_info(row, user) for row in rows]

    def revoke_token(self, user: str, name: str, *, actor: str | None) -> None:
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            owner = user_row(session, user)
            row = session.scalar(
                sa.select(TokenRow).where(TokenRow.user_id == owner.id, TokenRow.name == name)
            )
            if row is None:
                raise NotFoundError(
                    f"user '{user}' has no token '{name}'", where=Location(path=f"token:{name}")
                )
            if row.revoked_at is None:
                row.revoked_at = now
                _audit(session, now, actor, "token", f"{user}/{name}", "revoke")

    # -- sessions --------------------------------------------------------------------------------

    def add_session(self, user: str, id_hash: str, expires_at: dt.datetime) -> SessionInfo:
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            owner = user_row(session, user)
            session.add(SessionRow(id_hash=id_hash, user_id=owner.id, created_at=now, expires_at=expires_at))
            return SessionInfo(user, now, expires_at, None)

    def session_by_hash(self, id_hash: str) -> tuple[SessionInfo, UserInfo] | None:
        with self._store.transaction(write=False) as session:
            found = session.execute(
                sa.select(SessionRow, UserRow)
                .join(UserRow, SessionRow.user_id == UserRow.id)
                .where(SessionRow.id_hash == id_hash)
            ).one_or_none()
            if found is None:
                return None
            row, user = found
            return SessionInfo(user.name, row.created_at, row.expires_at, row.revoked_at), _user_info(user)

    def revoke_session(self, id_hash: str) -> bool:
        """End the session; False when there was no live session with this id."""
        now = self._store.now()
        with self._store.transaction(write=True) as session:
            result = session.execute(
                sa.update(SessionRow)
                .where(SessionRow.id_hash == id_hash, SessionRow.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]
