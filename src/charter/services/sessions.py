"""Login sessions: a new random id at every login, expiry and logout kept on the server."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from charter.errors import AuthenticationError
from charter.services.accounts import AccountService
from charter.services.actor import Actor
from charter.services.secrets import new_secret, secret_hash
from charter.store import Store
from charter.store.records import SessionInfo

LIFETIME = dt.timedelta(hours=12)
ENDED = "the session has ended"


@dataclass(frozen=True, slots=True)
class NewSession:
    info: SessionInfo
    session_id: str
    """For the cookie; the database keeps only its hash."""


class SessionService:
    def __init__(self, store: Store, accounts: AccountService, lifetime: dt.timedelta = LIFETIME) -> None:
        self._store = store
        self._accounts = accounts
        self._lifetime = lifetime

    def start(self, name: str, password: str) -> NewSession:
        """Log in: check the password, then open a session with a fresh id."""
        actor = self._accounts.authenticate(name, password)
        assert actor.name is not None
        session_id = new_secret()
        expires = self._store.now() + self._lifetime
        return NewSession(
            self._store.accounts.add_session(actor.name, secret_hash(session_id), expires), session_id
        )

    def verify(self, session_id: str) -> Actor:
        found = self._store.accounts.session_by_hash(secret_hash(session_id))
        if found is None or found[0].revoked_at is not None or found[0].expires_at <= self._store.now():
            raise AuthenticationError(ENDED, fix="sign in again")
        return Actor(found[1].name, is_admin=found[1].is_admin)

    def end(self, session_id: str) -> None:
        """Log out; ending a session that has already ended is harmless."""
        self._store.accounts.revoke_session(secret_hash(session_id))
