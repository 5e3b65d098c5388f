"""Use cases: every check of who may do what, then the store and the engines.

The CLI and the web layer call these and nothing below them::

    services = Services(store)
    actor = services.sessions.verify(cookie)
    services.tasks.patch(actor, "erp", "build", {"name": "Build"}, expected_version=3)
"""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher

from charter.services.accounts import AccountService
from charter.services.actor import ANONYMOUS, SYSTEM, Actor, Scope
from charter.services.members import MemberService
from charter.services.permissions import PERMISSIONS, Action, Role, Rule
from charter.services.projects import ProjectService, ProjectSummary
from charter.services.sessions import LIFETIME, SessionService
from charter.services.tasks import TaskService
from charter.services.tokens import NewToken, TokenService
from charter.store import Store


class Services:
    """Every service, on one store."""

    def __init__(
        self,
        store: Store,
        *,
        hasher: PasswordHasher | None = None,
        session_lifetime: dt.timedelta = LIFETIME,
    ) -> None:
        self.accounts = AccountService(store, hasher)
        self.tokens = TokenService(store)
        self.sessions = SessionService(store, self.accounts, session_lifetime)
        self.projects = ProjectService(store)
        self.tasks = TaskService(store)
        self.members = MemberService(store)


__all__ = [
    "ANONYMOUS",
    "PERMISSIONS",
    "SYSTEM",
    "AccountService",
    "Action",
    "Actor",
    "MemberService",
    "NewToken",
    "ProjectService",
    "ProjectSummary",
    "Role",
    "Rule",
    "Scope",
    "Services",
    "SessionService",
    "TaskService",
    "TokenService",
]
