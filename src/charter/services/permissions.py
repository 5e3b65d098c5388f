"""The permission table: which project roles may do what. It drives the checks and the tests.

Rules besides the table:

* a project the actor may not see is *not found* (the API answers 404), so that private projects
  are not given away; one the actor sees but may not act on is *forbidden* (403);
* an actor sees a project when they are an admin or a member in any role, or when it is public;
* on a public project everybody, anonymous visitors included, has at least a viewer's rights;
* a global admin may do everything; a read-scoped token may do only what does not write;
* nobody grants a role above their own, nor changes a member whose role is above their own;
* records people add (time entries, comments, attachments) are changed by their owner with the
  action that adds them, and by anyone else only with the stronger action of ``OWN_RECORDS``:
  a member logs and edits their own time, managers and owners everybody's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from charter.errors import ForbiddenError, Location, NotFoundError
from charter.services.actor import Actor


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    MEMBER = "member"
    VIEWER = "viewer"
    STAKEHOLDER = "stakeholder"


RANK: Mapping[Role, int] = {
    Role.OWNER: 5,
    Role.MANAGER: 4,
    Role.MEMBER: 3,
    Role.VIEWER: 2,
    Role.STAKEHOLDER: 1,
}


class Action(StrEnum):
    CREATE_PROJECT = "create_project"
    VIEW_SUMMARY = "view_summary"
    VIEW_PLAN = "view_plan"
    EDIT_TASKS = "edit_tasks"
    EDIT_PLAN = "edit_plan"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    VIEW_AUDIT = "view_audit"
    DELETE_PROJECT = "delete_project"
    SET_VISIBILITY = "set_visibility"
    LOG_TIME = "log_time"
    MANAGE_TIME_ENTRIES = "manage_time_entries"
    COMMENT = "comment"
    MODERATE_COMMENTS = "moderate_comments"
    ATTACH_FILES = "attach_files"
    MANAGE_ATTACHMENTS = "manage_attachments"


@dataclass(frozen=True, slots=True)
class Rule:
    roles: frozenset[Role]
    """The project roles allowed; empty for a global action."""
    writes: bool
    """Needs write rights (a read-scoped token is refused)."""
    any_account: bool = False
    """A global action any signed-in account may take (there is no project yet)."""


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


_READERS = _roles(Role.OWNER, Role.MANAGER, Role.MEMBER, Role.VIEWER)

PERMISSIONS: Mapping[Action, Rule] = {
    Action.CREATE_PROJECT: Rule(frozenset(), writes=True, any_account=True),
    Action.VIEW_SUMMARY: Rule(_READERS | {Role.STAKEHOLDER}, writes=False),
    Action.VIEW_PLAN: Rule(_READERS, writes=False),
    Action.EDIT_TASKS: Rule(_roles(Role.OWNER, Role.MANAGER, Role.MEMBER), writes=True),
    Action.EDIT_PLAN: Rule(_roles(Role.OWNER, Role.MANAGER), writes=True),
    Action.VIEW_MEMBERS: Rule(_READERS, writes=False),
    Action.MANAGE_MEMBERS: Rule(_roles(Role.OWNER, Role.MANAGER), writes=True),
    Action.VIEW_AUDIT: Rule(_roles(Role.OWNER, Role.MANAGER), writes=False),
    Action.DELETE_PROJECT: Rule(_roles(Role.OWNER), writes=True),
    Action.SET_VISIBILITY: Rule(_roles(Role.OWNER), writes=True),
    Action.LOG_TIME: Rule(_roles(Role.OWNER, Role.MANAGER, Role.MEMBER), writes=True),
    Action.MANAGE_TIME_ENTRIES: Rule(_roles(Role.OWNER, Role.MANAGER), writes=True),
    Action.COMMENT: Rule(_roles(Role.OWNER, Role.MANAGER, Role.MEMBER), writes=True),
    Action.MODERATE_COMMENTS: Rule(_roles(Role.OWNER, Role.MANAGER), writes=True),
    Action.ATTACH_FILES: Rule(_roles(Role.OWNER, Role.MANAGER, Role.MEMBER), writes=True),
    Action.MANAGE_ATTACHMENTS: Rule(_roles(Role.OWNER, Role.MANAGER), writes=True),
}
"""The one permission table (action -> who may take it)."""


OWN_RECORDS: Mapping[Action, Action] = {
    Action.LOG_TIME: Action.MANAGE_TIME_ENTRIES,
    Action.COMMENT: Action.MODERATE_COMMENTS,
    Action.ATTACH_FILES: Action.MANAGE_ATTACHMENTS,
}
"""Records people add (time entries, comments, attachments): the action that adds one and lets
its owner change it -> the action needed to add or change one that belongs to someone else."""


def record_action(actor: Actor, owner: str | None, own: Action) -> Action:
    """The action a write on a record takes: ``own`` when the record is the actor's (a time
    entry of theirs, a comment or attachment they added), else the one of :data:`OWN_RECORDS`."""
    if actor.name is not None and actor.name == owner:
        return own
    return OWN_RECORDS[own]


def effective_roles(role: Role | None, visibility: str) -> frozenset[Role]:
    """The roles an actor holds on a project: their membership, plus viewer on a public one."""
    held = set() if role is None else {role}
    if visibility == "public":
        held.add(Role.VIEWER)
    return frozenset(held)


def visible(actor: Actor, role: Role | None, visibility: str) -> bool:
    return actor.is_admin or role is not None or visibility == "public"


def check_global(actor: Actor, action: Action) -> None:
    """Allow or refuse an action that concerns no existing project."""
    rule = PERMISSIONS[action]
    if not rule.any_account:
        raise ValueError(f"{action} concerns a project; use check_project")
    if not actor.signed_in:
        raise ForbiddenError(f"signing in is needed to {_phrase(action)}", fix="sign in, or use an API token")
    _check_scope(actor, action, rule)


def check_project(actor: Actor, action: Action, key: str, role: Role | None, visibility: str) -> None:
    """Allow or refuse ``action`` on project ``key``: NotFoundError if unseen, else ForbiddenError."""
    rule = PERMISSIONS[action]
    if not visible(actor, role, visibility):
        raise NotFoundError(f"there is no project '{key}'", where=Location(path=f"project:{key}"))
    if not (actor.is_admin or rule.roles & effective_roles(role, visibility)):
        held = f"a {role.value}" if role is not None else "not a member"
        raise ForbiddenError(
            f"you may not {_phrase(action)} in project '{key}' (you are {held})",
            where=Location(path=f"project:{key}"),
            fix="ask an owner or manager of the project for a role that allows it",
        )
    _check_scope(actor, action, rule)


def check_grant(actor: Actor, own: Role | None, granted: Role | None, current: Role | None) -> None:
    """Refuse granting a role above the actor's own, or changing someone ranked above them."""
    if actor.is_admin:
        return
    mine = 0 if own is None else RANK[own]
    if granted is not None and RANK[granted] > mine:
        raise ForbiddenError(
            f"you may not grant the role '{granted.value}', which is above your own",
            fix="ask someone with that role or higher",
        )
    if current is not None and RANK[current] > mine:
        raise ForbiddenError(
            f"you may not change a member whose role ('{current.value}') is above your own",
            fix="ask someone with that role or higher",
        )


def _check_scope(actor: Actor, action: Action, rule: Rule) -> None:
    if rule.writes and not actor.may_write:
        raise ForbiddenError(
            f"a read-only token may not {_phrase(action)}", fix="use a token created with --scope write"
        )


def _phrase(action: Action) -> str:
    return action.value.replace("_", " ")
