"""API tokens: created with a scope and an expiry, shown once, stored as a hash."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from charter.errors import AuthenticationError, ForbiddenError, InvalidChangeError, Location
from charter.services.actor import Actor, Scope
from charter.services.secrets import TOKEN_PREFIX, new_secret, secret_hash
from charter.store import Store
from charter.store.records import TokenInfo

INVALID = "the API token is not valid"
TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
SCOPES: tuple[Scope, ...] = ("read", "write")
"""From the narrowest to the widest."""


@dataclass(frozen=True, slots=True)
class NewToken:
    info: TokenInfo
    secret: str
    """Shown to its owner once; the database keeps only its hash."""


class TokenService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def create(
        self, actor: Actor, user: str, name: str, scope: Scope, expires_in: dt.timedelta | None
    ) -> NewToken:
        """A new token for ``user`` (the actor themselves, or anyone if the actor is an admin).

        A token may not make a token wider than itself, and a read token makes none at all.
        """
        _check_own(actor, user)
        if not TOKEN_NAME.match(name):
            raise InvalidChangeError(
                f"'{name}' is not a valid token name",
                where=Location(path="name"),
                fix="use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
            )
        if scope not in SCOPES:
            raise InvalidChangeError(
                f"'{scope}' is not a token scope", where=Location(path="scope"), fix="use 'read' or 'write'"
            )
        if expires_in is not None and expires_in <= dt.timedelta(0):
            raise InvalidChangeError("a token must expire in the future", where=Location(path="expires"))
        if actor.scope is not None and SCOPES.index(scope) > SCOPES.index(actor.scope):
            raise ForbiddenError(
                f"a {actor.scope} token may not create a {scope} token",
                fix="sign in with your password to create it",
            )
        if not actor.may_write:
            raise ForbiddenError("a read-only token may not create tokens", fix="sign in with your password")
        secret = new_secret(TOKEN_PREFIX)
        expires_at = None if expires_in is None else self._store.now() + expires_in
        info = self._store.accounts.add_token(
            user, name, scope, secret_hash(secret), expires_at, actor=actor.audit_name
        )
        return NewToken(info, secret)

    def verify(self, secret: str) -> Actor:
        """The actor a bearer token stands for; AuthenticationError if unknown, revoked or expired."""
        found = self._store.accounts.token_by_hash(secret_hash(secret))
        if found is None or found[0].revoked_at is not None:
            raise AuthenticationError(INVALID, fix="create a new token with `charter token create`")
        token, user = found
        if token.expires_at is not None and token.expires_at <= self._store.now():
            raise AuthenticationError(
                f"the API token '{token.name}' expired at {token.expires_at:%Y-%m-%d %H:%M} UTC",
                fix="create a new token with `charter token create`",
            )
        scope: Scope = "write" if token.scope == "write" else "read"
        return Actor(user.name, is_admin=user.is_admin, scope=scope)

    def revoke(self, actor: Actor, user: str, name: str) -> None:
        """Revoke the token for good (revoking a revoked token is harmless); NotFoundError if none."""
        _check_own(actor, user)
        if not actor.may_write:
            raise ForbiddenError("a read-only token may not revoke tokens", fix="sign in with your password")
        self._store.accounts.revoke_token(user, name, actor=actor.audit_name)

    def of_user(self, actor: Actor, user: str) -> list[TokenInfo]:
        """The user's tokens, revoked and expired ones included, by name (never their secrets)."""
        _check_own(actor, user)
        return self._store.accounts.tokens(user)


def _check_own(actor: Actor, user: str) -> None:
    if not (actor.is_admin or actor.name == user):
        raise ForbiddenError("only administrators manage other users' tokens")
