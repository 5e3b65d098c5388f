"""Permission tests generated from the permission table.

Every service call × every kind of actor × every kind of project: the expected answer (allowed,
ForbiddenError, NotFoundError) is derived from ``PERMISSIONS`` by the rules stated in
``charter.services.permissions``, restated here independently of the code that applies them.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from charter.domain import Assignment, Link
from charter.errors import ForbiddenError, NotFoundError
from charter.services import (
    PERMISSIONS,
    Action,
    Actor,
    AnalysisService,
    AttachmentService,
    CommentService,
    MemberService,
    PlanItemService,
    ProjectService,
    Services,
    TaskService,
    TimeEntryService,
)
from charter.store import Store
from charter.store.wbs import TaskFilter
from tests.services.calls_records import RECORD_CALLS
from tests.services.conftest import ACTORS, PROJECT_ROLES, SITUATIONS, actor_for

Call = Callable[[Services, Store, Actor, str], Any]


def _version(store: Store, key: str) -> int:
    return store.members.access(key, None)[0].version


CALLS: dict[str, tuple[Action, Call]] = {
    "ProjectService.summary": (Action.VIEW_SUMMARY, lambda s, _, a, k: s.projects.summary(a, k)),
    "ProjectService.export_plan": (Action.VIEW_PLAN, lambda s, _, a, k: s.projects.export_plan(a, k)),
    "ProjectService.schedule": (Action.VIEW_PLAN, lambda s, _, a, k: s.projects.schedule(a, k)),
    "ProjectService.schedule_json": (Action.VIEW_PLAN, lambda s, _, a, k: s.projects.schedule_json(a, k)),
    "AnalysisService.workload": (Action.VIEW_PLAN, lambda s, _, a, k: s.analysis.workload(a, k)),
    "AnalysisService.levelling": (Action.VIEW_PLAN, lambda s, _, a, k: s.analysis.levelling(a, k)),
    "AnalysisService.risk": (
        Action.VIEW_SUMMARY,
        lambda s, _, a, k: s.analysis.risk(a, k, iterations=50, seed=1),
    ),
    "AnalysisService.evm": (
        Action.VIEW_SUMMARY,
        lambda s, _, a, k: s.analysis.evm(a, k, dt.date(2027, 2, 1)),
    ),
    "ProjectService.audit_log": (Action.VIEW_AUDIT, lambda s, _, a, k: s.projects.audit_log(a, k)),
    "ProjectService.delete": (
        Action.DELETE_PROJECT,
        lambda s, st, a, k: s.projects.delete(a, k, _version(st, k)),
    ),
    "TaskService.get": (Action.VIEW_PLAN, lambda s, _, a, k: s.tasks.get(a, k, "build")),
    "TaskService.trash": (Action.VIEW_PLAN, lambda s, _, a, k: s.tasks.trash(a, k)),
    "TaskService.patch": (
        Action.EDIT_TASKS,
        lambda s, st, a, k: s.tasks.patch(
            a, k, "build", {"name": "Renamed"}, st.get_task(k, "build").version
        ),
    ),
    "TaskService.delete": (
        Action.EDIT_TASKS,
        lambda s, st, a, k: s.tasks.delete(a, k, "golive", st.get_task(k, "golive").version),
    ),
    "TaskService.restore": (Action.EDIT_TASKS, lambda s, _, a, k: s.tasks.restore(a, k, "notes")),
    "ProjectService.restore": (Action.DELETE_PROJECT, lambda s, _, a, k: s.projects.restore(a, k)),
    "ProjectService.critical": (Action.VIEW_PLAN, lambda s, _, a, k: s.projects.critical(a, k)),
    "ProjectService.settings": (Action.VIEW_PLAN, lambda s, _, a, k: s.projects.settings(a, k)),
    "ProjectService.update": (
        Action.EDIT_PLAN,
        lambda s, _, a, k: s.projects.update(a, k, {"description": "Changed"}, None),
    ),
    "ProjectService.update#visibility": (
        Action.SET_VISIBILITY,
        lambda s, _, a, k: s.projects.update(a, k, {}, None, visibility="private"),
    ),
    "TaskService.page": (Action.VIEW_PLAN, lambda s, _, a, k: s.tasks.page(a, k, TaskFilter())),
    "TaskService.create": (
        Action.EDIT_TASKS,
        lambda s, _, a, k: s.tasks.create(a, k, {"name": "New", "milestone": True}),
    ),
    "TaskService.move": (
        Action.EDIT_TASKS,
        lambda s, st, a, k: s.tasks.move(
            a, k, "golive", st.get_task(k, "golive").version, parent=None, before="design"
        ),
    ),
    "TaskService.link": (Action.VIEW_PLAN, lambda s, _, a, k: s.tasks.link(a, k, "review", "arch")),
    "TaskService.put_link": (
        Action.EDIT_TASKS,
        lambda s, st, a, k: s.tasks.put_link(
            a, k, "golive", Link(predecessor="arch"), st.get_task(k, "golive").version
        ),
    ),
    "TaskService.delete_link": (
        Action.EDIT_TASKS,
        lambda s, st, a, k: s.tasks.delete_link(a, k, "review", "arch", st.get_task(k, "review").version),
    ),
    "TaskService.assignment": (
        Action.VIEW_PLAN,
        lambda s, _, a, k: s.tasks.assignment(a, k, "arch", "alice"),
    ),
    "TaskService.put_assignment": (
        Action.EDIT_TASKS,
        lambda s, st, a, k: s.tasks.put_assignment(
            a, k, "review", Assignment(resource="bob"), st.get_task(k, "review").version
        ),
    ),
    "TaskService.delete_assignment": (
        Action.EDIT_TASKS,
        lambda s, st, a, k: s.tasks.delete_assignment(a, k, "arch", "alice", st.get_task(k, "arch").version),
    ),
    "PlanItemService.list_items": (
        Action.VIEW_PLAN,
        lambda s, _, a, k: s.plan_items.list_items(a, k, "calendars"),
    ),
    "PlanItemService.get": (
        Action.VIEW_PLAN,
        lambda s, _, a, k: s.plan_items.get(a, k, "resources", "alice"),
    ),
    "PlanItemService.put": (
        Action.EDIT_PLAN,
        lambda s, _, a, k: s.plan_items.put(
            a, k, "risks", "vendor", {"title": "Vendor late", "probability": 0.3}, ""
        ),
    ),
    "PlanItemService.delete": (
        Action.EDIT_PLAN,
        lambda s, _, a, k: s.plan_items.delete(a, k, "resources", "bob", "*"),
    ),
    "PlanItemService.restore": (
        Action.EDIT_PLAN,
        lambda s, st, a, k: (
            st.items.delete(k, "resources", "bob", "*", actor=None),
            s.plan_items.restore(a, k, "resources", "bob"),
        ),
    ),
    "PlanItemService.save_baseline": (
        Action.EDIT_PLAN,
        lambda s, _, a, k: s.plan_items.save_baseline(a, k, 0, "Approved"),
    ),
    "MemberService.of_project": (Action.VIEW_MEMBERS, lambda s, _, a, k: s.members.of_project(a, k)),
    "MemberService.role_of": (Action.VIEW_MEMBERS, lambda s, _, a, k: s.members.role_of(a, k, "target2")),
    "MemberService.put": (
        Action.MANAGE_MEMBERS,
        lambda s, _, a, k: s.members.put(a, k, "target", "stakeholder"),
    ),
    "MemberService.delete": (Action.MANAGE_MEMBERS, lambda s, _, a, k: s.members.delete(a, k, "target2")),
}
CALLS.update(RECORD_CALLS)
NO_PERMISSION = {"AttachmentService.using", "AttachmentService.writer", "ProjectService.close"}  # no project
GLOBAL_CALLS = {"ProjectService.create", "ProjectService.visible", "ProjectService.trash"}  # test_projects.py


def expected(actor: str, situation: str, action: Action) -> type[Exception] | None:
    """The answer the rules give: None (allowed), ForbiddenError or NotFoundError."""
    rule = PERMISSIONS[action]
    role = actor if actor in PROJECT_ROLES and situation.startswith("own") else None
    public = situation.endswith("public")
    admin = actor == "admin"
    if not (admin or role or public):
        return NotFoundError
    held = {r for r in (role, "viewer" if public else None) if r}
    return None if admin or held & set(rule.roles) else ForbiddenError


def test_every_service_method_is_in_the_generated_tests() -> None:
    methods = {
        f"{cls.__name__}.{name}"
        for cls in (
            ProjectService,
            TaskService,
            PlanItemService,
            MemberService,
            TimeEntryService,
            CommentService,
            AttachmentService,
            AnalysisService,
        )
        for name, _ in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }
    assert methods == {call.split("#")[0] for call in CALLS} | GLOBAL_CALLS | NO_PERMISSION


def test_every_project_action_of_the_table_is_exercised() -> None:
    project_actions = {a for a, rule in PERMISSIONS.items() if not rule.any_account}
    assert project_actions == {action for action, _ in CALLS.values()}


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("call", CALLS)
def test_permission(services: Services, store: Store, call: str, actor: str, situation: str) -> None:
    action, run = CALLS[call]
    outcome = expected(actor, situation, action)
    if outcome is None:
        run(services, store, actor_for(actor), SITUATIONS[situation])
    else:
        with pytest.raises(outcome):
            run(services, store, actor_for(actor), SITUATIONS[situation])


@pytest.mark.parametrize("call", CALLS)
def test_a_read_token_only_reads(services: Services, store: Store, call: str) -> None:
    action, run = CALLS[call]
    actor = actor_for("owner", scope="read")
    if PERMISSIONS[action].writes:
        with pytest.raises(ForbiddenError, match="read-only token"):
            run(services, store, actor, "own-private")
    else:
        run(services, store, actor, "own-private")


def test_not_visible_reads_exactly_like_not_there(services: Services) -> None:
    with pytest.raises(NotFoundError) as hidden:
        services.projects.summary(actor_for("outsider"), "others-private")
    with pytest.raises(NotFoundError) as missing:
        services.projects.summary(actor_for("outsider"), "nothing-here")
    assert str(hidden.value).replace("others-private", "K") == str(missing.value).replace("nothing-here", "K")


@pytest.mark.parametrize("actor", ACTORS)
def test_create_project(services: Services, actor: str) -> None:
    from charter.formats.planfile import parse_plan
    from tests.store.conftest import SMALL

    if PERMISSIONS[Action.CREATE_PROJECT].any_account and actor != "anonymous":
        key = services.projects.create(actor_for(actor), parse_plan(SMALL), f"new-{actor}")
        assert services.projects.summary(actor_for(actor), key).role == "owner"
    else:
        with pytest.raises(ForbiddenError, match="signing in"):
            services.projects.create(actor_for(actor), parse_plan(SMALL))
