"""Comments on tasks: readers read them; members and up write; the author or a manager or
owner changes and deletes one (``record_action`` of the permission module)."""

from __future__ import annotations

from charter.services.access import authorize
from charter.services.actor import Actor
from charter.services.permissions import Action, Role, check_project, record_action
from charter.store import Comment, CommentPage, Comments, ProjectInfo, Store
from charter.store.comments import CommentCheck


class CommentService:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._comments = Comments(store)

    def page(self, actor: Actor, key: str, task_key: str, *, limit: int = 50, offset: int = 0) -> CommentPage:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._comments.page(key, task_key, limit=limit, offset=offset)

    def get(self, actor: Actor, key: str, task_key: str, number: int) -> Comment:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._comments.get(key, task_key, number)

    def trash(self, actor: Actor, key: str) -> list[Comment]:
        authorize(self._store, actor, key, Action.VIEW_PLAN)
        return self._comments.trash(key)

    def add(self, actor: Actor, key: str, task_key: str, text: str) -> Comment:
        authorize(self._store, actor, key, Action.COMMENT)
        return self._comments.add(key, task_key, text, actor=actor.audit_name)

    def edit(
        self, actor: Actor, key: str, task_key: str, number: int, text: str, expected_version: int
    ) -> Comment:
        info, role = authorize(self._store, actor, key, Action.COMMENT)
        return self._comments.update(
            key,
            task_key,
            number,
            text,
            expected_version,
            actor=actor.audit_name,
            check=_author(actor, info, role),
        )

    def delete(self, actor: Actor, key: str, task_key: str, number: int, expected_version: int) -> None:
        info, role = authorize(self._store, actor, key, Action.COMMENT)
        self._comments.delete(
            key, task_key, number, expected_version, actor=actor.audit_name, check=_author(actor, info, role)
        )

    def restore(self, actor: Actor, key: str, number: int) -> Comment:
        info, role = authorize(self._store, actor, key, Action.COMMENT)
        return self._comments.restore(key, number, actor=actor.audit_name, check=_author(actor, info, role))


def _author(actor: Actor, info: ProjectInfo, role: Role | None) -> CommentCheck:
    def check(comment: Comment) -> None:
        action = record_action(actor, comment.author, Action.COMMENT)
        check_project(actor, action, info.key, role, info.visibility)

    return check
