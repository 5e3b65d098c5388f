"""Tasks: list, add, read, change, move, delete to the trash and restore, each with its version;
and the links and assignments of a task, which are parts of it (they share its version)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from charter.domain import Assignment, Link
from charter.errors import NotFoundError
from charter.services.access import authorize
from charter.services.actor import Actor
from charter.services.permissions import Action
from charter.store import Store, StoredTask
from charter.store.wbs import TaskFilter, TaskPage, TaskSort


class TaskService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def page(
        self,
        actor: Actor,
        key: str,
        where: TaskFilter,
        *,
        sort: TaskSort = "wbs",
        descending: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> TaskPage:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._store.wbs.page(key, where, sort=sort, descending=descending, limit=limit, offset=offset)

    def get(self, actor: Actor, key: str, task_key: str) -> StoredTask:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._store.get_task(key, task_key)

    def create(
        self,
        actor: Actor,
        key: str,
        fields: Mapping[str, Any],
        *,
        task_key: str | None = None,
        parent: str | None = None,
        before: str | None = None,
    ) -> StoredTask:
        authorize(self._store, actor, key, Action.EDIT_TASKS)
        return self._store.wbs.create(
            key, fields, task_key=task_key, parent=parent, before=before, actor=actor.audit_name
        )

    def move(
        self,
        actor: Actor,
        key: str,
        task_key: str,
        expected_version: int,
        *,
        parent: str | None,
        before: str | None = None,
    ) -> StoredTask:
        authorize(self._store, actor, key, Action.EDIT_TASKS)
        return self._store.wbs.move(
            key, task_key, expected_version, parent=parent, before=before, actor=actor.audit_name
        )

    def trash(self, actor: Actor, key: str) -> list[StoredTask]:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._store.trash(key)

    def patch(
        self, actor: Actor, key: str, task_key: str, changes: Mapping[str, Any], expected_version: int
    ) -> StoredTask:
        authorize(self._store, actor, key, Action.EDIT_TASKS)
        return self._store.update_task(key, task_key, changes, expected_version, actor=actor.audit_name)

    def delete(self, actor: Actor, key: str, task_key: str, expected_version: int) -> None:
        authorize(self._store, actor, key, Action.EDIT_TASKS)
        self._store.delete_task(key, task_key, expected_version, actor=actor.audit_name)

    def restore(self, actor: Actor, key: str, task_key: str) -> StoredTask:
        authorize(self._store, actor, key, Action.EDIT_TASKS)
        return self._store.restore_task(key, task_key, actor=actor.audit_name)

    # -- links and assignments: parts of the task, written through it --------------------------

    def link(self, actor: Actor, key: str, task_key: str, predecessor: str) -> tuple[Link, int]:
        """The link from ``predecessor`` to the task, and the task's version."""
        stored = self.get(actor, key, task_key)
        return _one(
            stored.task.links, predecessor, "link", task_key, lambda link: link.predecessor
        ), stored.version

    def put_link(
        self, actor: Actor, key: str, task_key: str, link: Link, expected_version: int
    ) -> StoredTask:
        """Add the link, or replace the link from the same predecessor."""
        stored = self.get(actor, key, task_key)
        others = [old for old in stored.task.links if old.predecessor != link.predecessor]
        links = [link if old.predecessor == link.predecessor else old for old in stored.task.links]
        if len(others) == len(links):
            links.append(link)
        return self.patch(actor, key, task_key, {"links": links}, expected_version)

    def delete_link(
        self, actor: Actor, key: str, task_key: str, predecessor: str, expected_version: int
    ) -> StoredTask:
        stored = self.get(actor, key, task_key)
        _one(stored.task.links, predecessor, "link", task_key, lambda link: link.predecessor)
        links = [old for old in stored.task.links if old.predecessor != predecessor]
        return self.patch(actor, key, task_key, {"links": links}, expected_version)

    def assignment(self, actor: Actor, key: str, task_key: str, resource: str) -> tuple[Assignment, int]:
        stored = self.get(actor, key, task_key)
        found = _one(stored.task.resources, resource, "assignment", task_key, lambda a: a.resource)
        return found, stored.version

    def put_assignment(
        self, actor: Actor, key: str, task_key: str, assignment: Assignment, expected_version: int
    ) -> StoredTask:
        """Assign the resource, or change its existing assignment to the task."""
        stored = self.get(actor, key, task_key)
        current = stored.task.resources
        changed = [assignment if a.resource == assignment.resource else a for a in current]
        if all(a.resource != assignment.resource for a in current):
            changed.append(assignment)
        return self.patch(actor, key, task_key, {"resources": changed}, expected_version)

    def delete_assignment(
        self, actor: Actor, key: str, task_key: str, resource: str, expected_version: int
    ) -> StoredTask:
        stored = self.get(actor, key, task_key)
        _one(stored.task.resources, resource, "assignment", task_key, lambda a: a.resource)
        kept = [a for a in stored.task.resources if a.resource != resource]
        return self.patch(actor, key, task_key, {"resources": kept}, expected_version)


def _one(items: list[Any], wanted: str, what: str, task_key: str, key_of: Any) -> Any:
    for item in items:
        if key_of(item) == wanted:
            return item
    raise NotFoundError(
        f"task '{task_key}' has no {what} '{wanted}'",
        fix=f"list the task's {what}s to see which there are",
    )
