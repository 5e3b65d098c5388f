"""Comments on tasks: members write, the author or a manager changes and deletes, readers read."""

from __future__ import annotations

import pytest

from charter.errors import ForbiddenError, InvalidChangeError, NotFoundError, StaleVersionError
from charter.services import Actor, Services

KEY = "own-private"


def test_a_member_comments_and_edits_their_own_comment(services: Services) -> None:
    added = services.comments.add(Actor("member"), KEY, "arch", "See the *ERD* draft.")
    assert (added.id, added.task, added.author, added.version) == (3, "arch", "member", 1)
    edited = services.comments.edit(Actor("member"), KEY, "arch", 3, "See the ERD v2.", 1)
    assert (edited.text, edited.version) == ("See the ERD v2.", 2)
    page = services.comments.page(Actor("viewer"), KEY, "arch")
    assert [(c.id, c.text) for c in page.items] == [(3, "See the ERD v2.")] and page.total == 1


def test_only_the_author_or_a_manager_changes_a_comment(services: Services) -> None:
    with pytest.raises(ForbiddenError, match="moderate comments"):
        services.comments.edit(Actor("member"), KEY, "build", 1, "Hijacked", 1)
    with pytest.raises(ForbiddenError, match="comment"):
        services.comments.add(Actor("viewer"), KEY, "build", "Me too")
    assert services.comments.edit(Actor("manager"), KEY, "build", 1, "Moderated", 1).text == "Moderated"
    services.comments.delete(Actor("manager"), KEY, "build", 1, 2)
    assert services.comments.page(Actor("owner"), KEY, "build").total == 0
    assert [c.id for c in services.comments.trash(Actor("owner"), KEY)][:1] == [1]
    assert services.comments.restore(Actor("owner"), KEY, 1).version == 4


def test_a_comment_is_found_under_its_own_task_only(services: Services) -> None:
    with pytest.raises(NotFoundError, match="no comment 1 on task 'arch'"):
        services.comments.get(Actor("owner"), KEY, "arch", 1)
    with pytest.raises(NotFoundError, match="no task 'notes'"):
        services.comments.add(Actor("owner"), KEY, "notes", "on a task in the trash")


def test_stale_edits_and_empty_text_are_refused(services: Services) -> None:
    services.comments.edit(Actor("owner"), KEY, "build", 1, "First", 1)
    with pytest.raises(StaleVersionError):
        services.comments.edit(Actor("owner"), KEY, "build", 1, "Second", 1)
    with pytest.raises(InvalidChangeError, match="needs some text"):
        services.comments.add(Actor("owner"), KEY, "build", "   ")
    assert services.comments.get(Actor("owner"), KEY, "build", 1).text == "First"


def test_each_change_of_a_comment_is_audited_with_before_and_after(services: Services) -> None:
    owner = Actor("owner")
    services.comments.edit(owner, KEY, "build", 1, "Edited", 1)
    services.comments.delete(owner, KEY, "build", 1, 2)
    services.comments.restore(owner, KEY, 1)
    log = [e for e in services.projects.audit_log(owner, KEY) if e.entity == "comment"][-3:]
    assert [(e.entity_key, e.action) for e in log] == [("1", "update"), ("1", "delete"), ("1", "restore")]
    edit, delete, restore = log
    assert edit.before and edit.after and delete.before and delete.after and restore.before and restore.after
    assert (edit.after["text"], edit.after["version"]) == ("Edited", 2) and edit.before["version"] == 1
    assert delete.after["version"] == 3 and delete.after["deleted_at"] == restore.before["deleted_at"]
    assert (restore.after["text"], restore.after["version"]) == ("Edited", 4)
