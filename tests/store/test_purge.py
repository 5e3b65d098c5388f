"""Emptying the trash: what is older than the cut-off goes, in one audited transaction; the rest stays.

The store runs on a fake clock, so "30 days later" is a line of code.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from charter.cli.app import main
from charter.errors import CharterError
from charter.formats.planfile import parse_plan
from charter.store import Store, database_url, open_store, upgrade
from charter.store.models import AuditRow, Base, ProjectRow, TaskRow
from charter.store.purge import RETENTION, purge
from charter.web import Settings, create_app
from charter.web.app import purge_periodically
from tests.conftest import plan_text
from tests.services.conftest import Clock

PLAN = plan_text(
    """
    tasks:
      - key: design
        name: Design
        tasks:
          - {key: arch, name: Architecture, duration: 5d}
          - {key: review, name: Design review, duration: 2d, after: [arch]}
      - {key: build, name: Build, work: 80h, after: ["design +2d"]}
      - {key: notes, name: Loose end, duration: 1d}
      - {key: golive, name: Go-live, milestone: true, after: [build]}
    """
)
"""Six tasks, nothing but links between them."""
NESTED = plan_text(
    """
    tasks:
      - key: phase
        name: Phase
        tasks:
          - {key: one, name: One, duration: 1d}
          - {key: two, name: Two, duration: 1d}
      - {key: other, name: Other, duration: 1d}
    """
)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def timed(url: str, clock: Clock) -> Iterator[Store]:
    with open_store(url, clock=clock) as opened:
        yield opened


def task_keys(store: Store, *, deleted: bool | None = None) -> set[str]:
    """Keys of the task rows in the database: all, only trashed, or only live ones."""
    query = sa.select(TaskRow.key)
    if deleted is True:
        query = query.where(TaskRow.deleted_at.is_not(None))
    elif deleted is False:
        query = query.where(TaskRow.deleted_at.is_(None))
    with store.engine.connect() as connection:
        return set(connection.scalars(query))


def purges(store: Store) -> list[AuditRow]:
    with store.transaction(write=False) as session:
        return list(
            session.scalars(sa.select(AuditRow).where(AuditRow.action == "purge").order_by(AuditRow.id))
        )


def test_tasks_stay_in_the_trash_for_thirty_days_then_go(timed: Store, clock: Clock) -> None:
    key = timed.import_plan(parse_plan(PLAN))
    timed.delete_task(key, "notes", 1)
    clock.advance(days=20)
    timed.delete_task(key, "golive", 1)

    clock.advance(days=10)  # 'notes' has been in the trash exactly 30 days: not older than that
    assert purge(timed).empty
    clock.advance(seconds=1)
    result = purge(timed)

    assert result.projects == ()
    assert result.items == {key: {"tasks": ("notes",)}}
    assert result.cutoff == clock.now - RETENTION
    assert task_keys(timed) == {"design", "arch", "review", "build", "golive"}
    assert [t.task.key for t in timed.trash(key)] == ["golive"]
    entry = timed.audit_log(key)[-1]
    assert (entry.actor, entry.entity, entry.entity_key, entry.action) == ("system", "trash", key, "purge")
    assert entry.before == {"tasks": ["notes"]} and entry.at == clock.now

    clock.advance(days=20)
    assert purge(timed).items == {key: {"tasks": ("golive",)}}
    assert timed.trash(key) == []
    assert purge(timed).empty
    assert len(purges(timed)) == 2


def test_a_purged_project_goes_with_its_tasks(timed: Store, clock: Clock) -> None:
    gone = timed.import_plan(parse_plan(PLAN), "gone")
    kept = timed.import_plan(parse_plan(PLAN), "kept")
    timed.delete_project(gone, 1)
    clock.advance(days=31)
    result = purge(timed, actor="alice")

    assert result.projects == ("gone",) and result.items == {}
    assert [p.key for p in timed.list_projects()] == ["kept"]
    with timed.engine.connect() as connection:
        assert connection.scalars(sa.select(ProjectRow.key)).all() == ["kept"]
        assert connection.scalar(sa.select(sa.func.count()).select_from(TaskRow)) == 6
    (entry,) = purges(timed)
    assert (entry.project_id, entry.entity, entry.entity_key, entry.actor) == (None, "project", gone, "alice")
    assert entry.before is not None and entry.before["tasks"] == 6
    assert len(timed.export_plan(kept).tasks) == 4


def test_sub_tasks_deleted_later_keep_their_parent(timed: Store, clock: Clock) -> None:
    key = timed.import_plan(parse_plan(NESTED))
    timed.delete_task(key, "one", 1)
    clock.advance(days=20)
    timed.delete_task(key, "phase", 1)  # takes 'two' along
    clock.advance(days=11)
    assert purge(timed).items == {key: {"tasks": ("one",)}}
    assert task_keys(timed, deleted=True) == {"phase", "two"}
    clock.advance(days=20)
    assert purge(timed).items == {key: {"tasks": ("phase", "two")}}
    assert task_keys(timed) == {"other"}


def test_a_trashed_parent_of_a_live_task_is_never_purged(timed: Store, clock: Clock) -> None:
    """Should a live task ever sit under a trashed one, purging the parent would cascade to it."""
    key = timed.import_plan(parse_plan(NESTED))
    with timed.transaction(write=True) as session:
        session.execute(sa.update(TaskRow).where(TaskRow.key == "phase").values(deleted_at=clock.now))
    timed.delete_task(key, "one", 1)
    clock.advance(days=31)
    assert purge(timed).items == {key: {"tasks": ("one",)}}
    assert task_keys(timed) == {"phase", "two", "other"}


def test_records_in_the_trash_are_purged_too(timed: Store, clock: Clock) -> None:
    key = timed.import_plan(parse_plan(PLAN))
    with timed.transaction(write=True) as session:
        project_id = session.scalar(sa.select(ProjectRow.id).where(ProjectRow.key == key))
        task_id = session.scalar(sa.select(TaskRow.id).where(TaskRow.key == "build"))
        comments = Base.metadata.tables["comments"]
        for number, deleted in ((1, clock.now), (2, None), (3, clock.now + dt.timedelta(days=5))):
            session.execute(
                comments.insert().values(
                    project_id=project_id, task_id=task_id, number=number, author="alice", version=1,
                    text=f"comment {number}", created_at=clock.now, updated_at=clock.now, deleted_at=deleted,
                )
            )  # fmt: skip
    clock.advance(days=31)
    result = purge(timed)
    assert result.items == {key: {"comments": ("1",)}} and result.record_count == 1
    with timed.engine.connect() as connection:
        assert connection.scalars(sa.text("SELECT number FROM comments ORDER BY number")).all() == [2, 3]


def test_a_negative_age_is_refused(timed: Store) -> None:
    with pytest.raises(CharterError, match="positive age"):
        purge(timed, dt.timedelta(days=-1))


def test_the_server_purges_at_start_up(url: str, tmp_path: Path) -> None:
    """Old trash (deleted 40 days before the real clock) is gone once the app has started."""
    long_ago = Clock(dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
    with open_store(url, clock=long_ago) as store:
        key = store.import_plan(parse_plan(PLAN))
        store.delete_task(key, "notes", 1)
        store.delete_task(key, "golive", 1)
        long_ago.now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        store.delete_task(key, "build", 1)  # too recent to go
    app = create_app(Settings(data_dir=tmp_path, database_url=url))
    with TestClient(app, base_url="https://testserver"):
        pass
    with open_store(url) as store:
        assert [t.task.key for t in store.trash(key)] == ["build"]
        assert store.audit_log(key)[-1].before == {"tasks": ["golive", "notes"]}


def test_the_server_purges_daily(timed: Store, clock: Clock) -> None:
    key = timed.import_plan(parse_plan(PLAN))
    timed.delete_task(key, "notes", 1)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        """A day passes at once; after 40 of them the loop is stopped as the app's shutdown would."""
        if len(slept) == 40:
            raise asyncio.CancelledError
        slept.append(seconds)
        clock.advance(seconds=seconds)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(purge_periodically(timed, sleep=sleep))
    assert slept == [86400.0] * 40
    (entry,) = purges(timed)
    assert entry.at == dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC) + dt.timedelta(days=31)
    assert timed.trash(key) == []


@pytest.mark.backends("sqlite")
def test_db_purge_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    upgrade(database_url(data))
    long_ago = Clock(dt.datetime.now(dt.UTC) - dt.timedelta(hours=3))
    with open_store(database_url(data), clock=long_ago) as store:
        key = store.import_plan(parse_plan(PLAN), "erp")
        store.delete_task(key, "notes", 1)
        gone = store.import_plan(parse_plan(PLAN), "old")
        store.delete_project(gone, 1)

    assert main(["db", "purge", "--data-dir", str(data)]) == 0
    assert "the trash holds nothing deleted before" in capsys.readouterr().err
    assert main(["db", "purge", "--older-than", "2h", "--data-dir", str(data)]) == 0
    err = capsys.readouterr().err
    assert "purged 1 project(s), 1 task(s) and 0 other record(s)" in err
    assert "project old" in err and "from project erp: 1 tasks" in err
    with open_store(database_url(data)) as store:
        assert store.trash(key) == [] and [p.key for p in store.list_projects()] == ["erp"]

    for age, message in (("soon", "--older-than: 'soon' is not a duration"), ("never", "purges nothing")):
        assert main(["db", "purge", "--older-than", age, "--data-dir", str(data)]) == 2
        assert message in capsys.readouterr().err
