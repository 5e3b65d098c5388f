"""Reading and changing one task: versions, validation, the trash and the audit log."""

from __future__ import annotations

import pytest

from charter.domain import Duration
from charter.errors import ConflictError, InvalidChangeError, NotFoundError
from charter.store import Store


def test_get_task(store: Store, project: str) -> None:
    design = store.get_task(project, "design")
    assert design.is_summary and design.children == ("arch", "review")
    assert design.parent is None and design.version == 1 and design.task.tasks == []
    arch = store.get_task(project, "arch")
    assert arch.parent == "design" and not arch.is_summary
    assert arch.task.duration == Duration(value=5, unit="d")
    with pytest.raises(NotFoundError, match="has no task 'nope'"):
        store.get_task(project, "nope")


def test_update_bumps_the_version_and_shows_in_the_export(store: Store, project: str) -> None:
    updated = store.update_task(project, "arch", {"duration": {"value": 7, "unit": "d"}, "name": "Arch"}, 1)
    assert updated.version == 2 and updated.task.name == "Arch"
    assert store.export_plan(project).task_map()["arch"].duration == Duration(value=7, unit="d")
    # Domain objects are accepted as well as JSON values.
    again = store.update_task(project, "arch", {"duration": Duration(value=8, unit="d")}, 2)
    assert again.version == 3 and again.task.duration == Duration(value=8, unit="d")


def test_a_stale_version_is_a_conflict_and_changes_nothing(store: Store, project: str) -> None:
    store.update_task(project, "build", {"name": "First"}, 1)
    with pytest.raises(ConflictError, match="at version 2, you had version 1") as caught:
        store.update_task(project, "build", {"name": "Second"}, 1)
    assert caught.value.fix and "read the task again" in caught.value.fix
    assert store.get_task(project, "build").task.name == "First"


def test_a_change_that_changes_nothing_keeps_the_version(store: Store, project: str) -> None:
    assert store.update_task(project, "build", {"name": "Build"}, 1).version == 1
    assert [e.action for e in store.audit_log(project)] == ["import"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"key": "other"}, "'key' of a task cannot be changed"),
        ({"tasks": []}, "'tasks' of a task cannot be changed"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"duration": "five days"}, "duration"),
        ({"links": [{"predecessor": "ghost"}]}, "links to 'ghost', which is not a task"),
        ({"links": [{"predecessor": "build"}]}, "cannot link to itself"),
        ({"calendar": "nights"}, "calendar 'nights'"),
        ({"resources": [{"resource": "zoe"}]}, "assigned to 'zoe'"),
    ],
)
def test_invalid_changes_are_refused(
    store: Store, project: str, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidChangeError, match=message):
        store.update_task(project, "build", changes, 1)
    assert store.get_task(project, "build").version == 1


def test_delete_to_trash_and_restore(store: Store, project: str) -> None:
    before = store.export_plan(project)
    store.delete_task(project, "notes", 1, actor="bob")
    assert "notes" not in store.export_plan(project).task_map()
    with pytest.raises(NotFoundError):
        store.get_task(project, "notes")
    assert [t.key for t in store.trash(project)] == ["notes"]
    restored = store.restore_task(project, "notes", actor="bob")
    assert restored.version == 3 and restored.deleted_at is None
    assert store.export_plan(project) == before  # back in its place in the WBS
    assert store.trash(project) == []
    with pytest.raises(NotFoundError, match="not in the trash"):
        store.restore_task(project, "notes")


def test_a_summary_goes_to_the_trash_with_its_children(store: Store, project: str) -> None:
    store.update_task(project, "build", {"links": []}, 1)  # nothing outside depends on design now
    before = store.export_plan(project)
    store.delete_task(project, "design", 1)
    assert set(store.export_plan(project).task_map()) == {"build", "notes", "golive"}
    with pytest.raises(ConflictError, match="restore 'design' first"):
        store.restore_task(project, "arch")
    store.restore_task(project, "design")
    assert store.export_plan(project) == before


def test_a_task_others_depend_on_cannot_be_deleted(store: Store, project: str) -> None:
    with pytest.raises(ConflictError, match="'arch' cannot be deleted: review"):
        store.delete_task(project, "arch", 1)
    with pytest.raises(ConflictError, match="'design' cannot be deleted: build"):
        store.delete_task(project, "design", 1)
    with pytest.raises(ConflictError, match="version 1, you had version 5"):
        store.delete_task(project, "notes", 5)
    assert store.trash(project) == []


def test_restoring_a_task_whose_predecessor_is_gone_is_refused(store: Store, project: str) -> None:
    store.delete_task(project, "golive", 1)
    store.update_task(project, "build", {"links": []}, 1)
    store.delete_task(project, "design", 1)
    store.restore_task(project, "golive")  # its predecessor 'build' is still there
    store.delete_task(project, "golive", 3)
    store.delete_task(project, "build", 2)
    store.restore_task(project, "design")
    with pytest.raises(ConflictError, match="links to build, which no longer exist"):
        store.restore_task(project, "golive")


def test_every_write_is_audited(store: Store, project: str) -> None:
    store.update_task(project, "arch", {"name": "Arch"}, 1, actor="bob")
    store.delete_task(project, "notes", 1, actor="carol")
    store.restore_task(project, "notes", actor="dave")
    log = store.audit_log(project)
    assert [(e.action, e.entity, e.entity_key, e.actor) for e in log] == [
        ("import", "project", project, "alice"),
        ("update", "task", "arch", "bob"),
        ("delete", "task", "notes", "carol"),
        ("restore", "task", "notes", "dave"),
    ]
    update = log[1]
    assert update.before and update.after
    assert (update.before["name"], update.before["version"]) == ("Architecture", 1)
    assert (update.after["name"], update.after["version"]) == ("Arch", 2)
    assert log[0].after == {"name": "Test", "visibility": "private", "tasks": 6}
    assert all(e.at.tzinfo is not None for e in log)
    delete, restore = log[2], log[3]
    assert delete.before and delete.after and restore.before and restore.after
    assert (delete.before["version"], delete.after["version"]) == (1, 2)
    assert delete.after["deleted_at"] == restore.before["deleted_at"] is not None
    assert restore.after["version"] == 3 == store.get_task(project, "notes").version
