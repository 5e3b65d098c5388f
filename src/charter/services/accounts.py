"""User accounts and password checks (rate-limited by a :class:`~charter.services.throttle.LoginThrottle`)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from charter.errors import AuthenticationError, ForbiddenError, InvalidChangeError, Location
from charter.services.actor import Actor
from charter.services.throttle import LoginThrottle
from charter.store import Store
from charter.store.records import UserInfo

USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD = 8
WRONG_CREDENTIALS = "wrong user name or password"


class AccountService:
    """Adding users and checking their passwords.

    ``hasher`` is argon2's; tests pass a cheap one. An unknown user name is checked against a
    dummy hash, so that it takes as long and answers the same as a wrong password. Every
    password check goes through ``throttle`` first (one per process, shared by all front ends).
    """

    def __init__(
        self, store: Store, hasher: PasswordHasher | None = None, throttle: LoginThrottle | None = None
    ) -> None:
        self._store = store
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None
        self.throttle = throttle or LoginThrottle()

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

    def authenticate(self, name: str, password: str, *, address: str | None = None) -> Actor:
        """The user, if ``password`` is theirs; AuthenticationError (the same one) otherwise.

        ``address`` is the client's (an IP address), counted by the throttle next to the name;
        over either limit, LoginThrottledError comes before any password is looked at.
        """
        attempt = self.throttle.begin(name, address)
        stored = self._store.accounts.password_hash(name)
        if not self._verify(stored, password) or stored is None:
            raise AuthenticationError(WRONG_CREDENTIALS, fix="check both and try again")
        self.throttle.succeeded(attempt)
        if self._hasher.check_needs_rehash(stored):
            self._store.accounts.set_password_hash(name, self._hasher.hash(password), actor=name)
        return self.actor(name)

    def change_password(self, actor: Actor, current: str, new: str, *, address: str | None = None) -> None:
        """Set the actor's own password; the current one must be given (and is rate-limited).

        A wrong current password counts as a failed sign-in, so that a stolen session or token
        cannot be used to guess the password faster than the sign-in page allows.
        """
        if actor.name is None:
            raise ForbiddenError("only a signed-in user can change their password", fix="sign in first")
        if not actor.may_write:
            raise ForbiddenError(
                "a read-only token may not change the password",
                fix="sign in, or use a token with the write scope",
            )
        check_password(new, path="new_password")
        attempt = self.throttle.begin(actor.name, address)
        stored = self._store.accounts.password_hash(actor.name)
        if not self._verify(stored, current) or stored is None:
            raise InvalidChangeError(
                "the current password is not right",
                where=Location(path="current_password"),
                fix="enter the password you sign in with now",
            )
        self.throttle.succeeded(attempt)
        if new == current:
            raise InvalidChangeError(
                "the new password is the same as the current one",
                where=Location(path="new_password"),
                fix="choose a different password",
            )
        self._store.accounts.set_password_hash(actor.name, self._hasher.hash(new), actor=actor.name)

    def actor(self, name: str) -> Actor:
        user = self._store.accounts.get_user(name)
        return Actor(user.name, is_admin=user.is_admin)

    def _verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored``; with no stored hash, one check all the same."""
        try:
            return bool(self._hasher.verify(stored if stored is not None else self._dummy_hash(), password))
        except (VerificationError, InvalidHashError):
            return False

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self._hasher.hash("charter: no such user")
        return self._dummy


def check_password(password: str, *, path: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidChangeError(
            f"the password is too short ({len(password)} characters)",
            where=Location(path=path),
            fix=f"use at least {MIN_PASSWORD} characters",
        )
