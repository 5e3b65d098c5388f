"""Use cases: every check of who may do what, then the store and the engines.

The CLI and the web layer call these and nothing below them::

    services = Services(store)
    actor = services.sessions.verify(cookie)
    services.tasks.patch(actor, "erp", "build", {"name": "Build"}, expected_version=3)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from argon2 import PasswordHasher

from charter.services.accounts import AccountService
from charter.services.actor import ANONYMOUS, SYSTEM, Actor, Scope
from charter.services.analysis import AnalysisService
from charter.services.attachments import AttachmentService
from charter.services.comments import CommentService
from charter.services.members import MemberService
from charter.services.offload import ScheduleWorkers
from charter.services.permissions import PERMISSIONS, Action, Role, Rule
from charter.services.plan_items import PlanItemService
from charter.services.projects import ProjectService, ProjectSummary
from charter.services.sessions import LIFETIME, SessionService
from charter.services.tasks import TaskService
from charter.services.throttle import LoginLimits, LoginThrottle
from charter.services.time_entries import TimeEntryService
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
        attachments_dir: Path | None = None,
        schedule_workers: ScheduleWorkers | None = None,
        login_limits: LoginLimits | None = None,
    ) -> None:
        self.accounts = AccountService(store, hasher, LoginThrottle(login_limits))
        self.tokens = TokenService(store)
        self.sessions = SessionService(store, self.accounts, session_lifetime)
        self.projects = ProjectService(store, workers=schedule_workers)
        self.tasks = TaskService(store)
        self.plan_items = PlanItemService(store)
        self.members = MemberService(store)
        self.time_entries = TimeEntryService(store)
        self.comments = CommentService(store)
        self.attachments = AttachmentService(store, attachments_dir)
        self.analysis = AnalysisService(store)

    def close(self) -> None:
        """Let work running in the background finish; call before closing the store."""
        self.projects.close()


__all__ = [
    "ANONYMOUS",
    "PERMISSIONS",
    "SYSTEM",
    "AccountService",
    "Action",
    "Actor",
    "AnalysisService",
    "AttachmentService",
    "CommentService",
    "MemberService",
    "NewToken",
    "PlanItemService",
    "ProjectService",
    "ProjectSummary",
    "Role",
    "Rule",
    "ScheduleWorkers",
    "Scope",
    "Services",
    "SessionService",
    "TaskService",
    "TimeEntryService",
    "TokenService",
]
