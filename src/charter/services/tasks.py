"""One task at a time: read, change, delete to the trash and restore, each with its version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from charter.services.access import authorize
from charter.services.actor import Actor
from charter.services.permissions import Action
from charter.store import Store, StoredTask


class TaskService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, actor: Actor, key: str, task_key: str) -> StoredTask:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._store.get_task(key, task_key)

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
