"""Login sessions: a new random id at every login, expiry and logout kept on the server.

Each session also has a CSRF token for the ``X-CSRF-Token`` header, derived from its id (an
HMAC keyed by the id). It needs no storage, a page can read it from its cookie, and it is bound
to the session: a cookie planted by a neighbouring site cannot match a session it does not
know, and the token reveals nothing about the id it came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from charter.errors import AuthenticationError
from charter.services.accounts import AccountService
from charter.services.actor import Actor
from charter.services.secrets import new_secret, secret_hash
from charter.store import Store
from charter.store.records import SessionInfo

LIFETIME = dt.timedelta(hours=12)
ENDED = "the session has ended"
_CSRF_PURPOSE = b"charter csrf token v1"


def csrf_token(session_id: str) -> str:
    """The CSRF token of the session with this id."""
    return hmac.new(session_id.encode("utf-8"), _CSRF_PURPOSE, hashlib.sha256).hexdigest()


def csrf_matches(session_id: str, token: str) -> bool:
    """Whether ``token`` is the session's CSRF token (compared in constant time)."""
    return hmac.compare_digest(csrf_token(session_id).encode("ascii"), token.encode("utf-8", "replace"))


@dataclass(frozen=True, slots=True)
class NewSession:
    info: SessionInfo
    session_id: str
    """For the cookie; the database keeps only its hash."""

    @property
    def csrf_token(self) -> str:
        return csrf_token(self.session_id)


class SessionService:
    def __init__(self, store: Store, accounts: AccountService, lifetime: dt.timedelta = LIFETIME) -> None:
        self._store = store
        self._accounts = accounts
        self._lifetime = lifetime

    def start(self, name: str, password: str, *, address: str | None = None) -> NewSession:
        """Log in: check the password (rate-limited per name and ``address``), then open a session."""
        actor = self._accounts.authenticate(name, password, address=address)
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

    def change_password(
        self,
        actor: Actor,
        current: str,
        new: str,
        *,
        keep: str | None = None,
        address: str | None = None,
    ) -> int:
        """Change the actor's own password and end their other sessions; how many were ended.

        ``keep`` is the id of the session the change was made in, which stays open. API tokens
        are not touched: they are revoked one by one.
        """
        self._accounts.change_password(actor, current, new, address=address)
        assert actor.name is not None
        return self._store.accounts.revoke_sessions(
            actor.name, keep=None if keep is None else secret_hash(keep)
        )
