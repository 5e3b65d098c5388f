"""User accounts and password checks."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from charter.errors import AuthenticationError, ForbiddenError, InvalidChangeError, Location
from charter.services.actor import Actor
from charter.store import Store
from charter.store.records import UserInfo

USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD = 8
WRONG_CREDENTIALS = "wrong user name or password"


class AccountService:
    """Adding users and checking their passwords.

    ``hasher`` is argon2's; tests pass a cheap one. An unknown user name is checked against a
    dummy hash, so that it takes as long and answers the same as a wrong password.
    """

    def __init__(self, store: Store, hasher: PasswordHasher | None = None) -> None:
        self._store = store
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    def add_user(self, actor: Actor, name: str, password: str, *, is_admin: bool = False) -> UserInfo:
        if not actor.is_admin:
            raise ForbiddenError("only an administrator may add users")
        if not USER_NAME.match(name):
            raise InvalidChangeError(
                f"'{name}' is not a valid user name",
                where=Location(path="name"),
                fix="use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
            )
        check_password(password)
        return self._store.accounts.add_user(
            name, self._hasher.hash(password), is_admin=is_admin, actor=actor.audit_name
        )

    def authenticate(self, name: str, password: str) -> Actor:
        """The user, if ``password`` is theirs; AuthenticationError (the same one) otherwise."""
        stored = self._store.accounts.password_hash(name)
        try:
            self._hasher.verify(stored if stored is not None else self._dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            raise AuthenticationError(WRONG_CREDENTIALS, fix="check both and try again") from None
        if stored is None:
            raise AuthenticationError(WRONG_CREDENTIALS, fix="check both and try again")
        if self._hasher.check_needs_rehash(stored):
            self._store.accounts.set_password_hash(name, self._hasher.hash(password), actor=name)
        return self.actor(name)

    def actor(self, name: str) -> Actor:
        user = self._store.accounts.get_user(name)
        return Actor(user.name, is_admin=user.is_admin)

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self._hasher.hash("charter: no such user")
        return self._dummy


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidChangeError(
            f"the password is too short ({len(password)} characters)",
            where=Location(path="password"),
            fix=f"use at least {MIN_PASSWORD} characters",
        )
