"""Who is asking: a user (through a session, a token or the CLI), or nobody."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["read", "write"]


@dataclass(frozen=True, slots=True)
class Actor:
    """The one on whose behalf a service acts.

    ``name`` is None for an anonymous visitor (and for :data:`SYSTEM`). ``scope`` is the API
    token's scope; None means the actor's full rights (a login session, or the CLI).
    """

    name: str | None
    is_admin: bool = False
    scope: Scope | None = None

    @property
    def signed_in(self) -> bool:
        return self.name is not None or self.is_admin

    @property
    def may_write(self) -> bool:
        return self.scope != "read"

    @property
    def audit_name(self) -> str:
        """How the audit log names this actor."""
        if self.name is not None:
            return self.name
        return "system" if self.is_admin else "anonymous"


ANONYMOUS = Actor(None)
SYSTEM = Actor(None, is_admin=True)
"""Whoever runs the command line against the database directly: full rights."""
