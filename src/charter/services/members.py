"""Project members: who has which role, and the rules for changing that.

Managing members takes the ``manage_members`` permission; nobody grants a role above their own
or changes a member ranked above them; the last owner can neither leave nor be demoted (a
ConflictError, kept by the store inside the writing transaction). Anyone may leave a project
they belong to.
"""

from __future__ import annotations

from charter.errors import InvalidChangeError, Location, NotFoundError, StaleVersionError
from charter.services.access import authorize
from charter.services.actor import Actor
from charter.services.permissions import Action, Role, check_grant, check_project
from charter.store import Store
from charter.store.records import MemberInfo

NOT_A_MEMBER = ""
"""The ``expected`` role of a user who is not a member (yet)."""


class MemberService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def of_project(self, actor: Actor, key: str) -> list[MemberInfo]:
        authorize(self._store, actor, key, Action.VIEW_MEMBERS)
        return self._store.members.of_project(key)

    def role_of(self, actor: Actor, key: str, user: str) -> MemberInfo:
        """``user``'s membership of project ``key``; NotFoundError when they are not a member."""
        for member in self.of_project(actor, key):
            if member.user == user:
                return member
        raise NotFoundError(
            f"'{user}' is not a member of project '{key}'", where=Location(path=f"member:{user}")
        )

    def put(self, actor: Actor, key: str, user: str, role: str, *, expected: str | None = None) -> MemberInfo:
        """Give ``user`` the ``role`` in project ``key`` (the REST API's PUT).

        With ``expected`` (the role the caller read, or NOT_A_MEMBER), nothing is written unless
        the membership is still as read: StaleVersionError otherwise.
        """
        granted = _role(role)
        info, _ = authorize(self._store, actor, key, Action.MANAGE_MEMBERS)

        def rules(own: str | None, current: str | None) -> None:
            # Re-checked on the roles as they are inside the writing transaction.
            held = None if own is None else Role(own)
            check_project(actor, Action.MANAGE_MEMBERS, key, held, info.visibility)
            check_grant(actor, held, granted, None if current is None else Role(current))
            _check_expected(user, expected, current)

        return self._store.members.put(key, user, granted.value, actor=actor.name, check=rules)

    def delete(self, actor: Actor, key: str, user: str, *, expected: str | None = None) -> None:
        """Remove ``user`` from the project; a member may always remove themselves.

        ``expected`` is as for :meth:`put`.
        """
        leaving = actor.name is not None and actor.name == user
        action = Action.VIEW_SUMMARY if leaving else Action.MANAGE_MEMBERS
        info, _ = authorize(self._store, actor, key, action)

        def rules(own: str | None, current: str | None) -> None:
            held = None if own is None else Role(own)
            check_project(actor, action, key, held, info.visibility)
            if not leaving:
                check_grant(actor, held, None, None if current is None else Role(current))
            _check_expected(user, expected, current)

        self._store.members.delete(key, user, actor=actor.name, check=rules)


def _check_expected(user: str, expected: str | None, current: str | None) -> None:
    if expected is not None and expected != (current or NOT_A_MEMBER):
        raise StaleVersionError(
            f"the membership of '{user}' has changed since you read it "
            f"(now: {current or 'not a member'}, you read: {expected or 'not a member'})",
            where=Location(path=f"member:{user}"),
            fix="read the membership again, then re-apply your change",
        )


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidChangeError(
            f"'{role}' is not a project role",
            where=Location(path="role"),
            fix=f"use one of {', '.join(r.value for r in Role)}",
        ) from None
