"""Nothing lost: a failing write leaves no trace, and concurrent writers cannot both win."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from charter.errors import ConflictError
from charter.formats.planfile import parse_plan
from charter.store import Store, open_store
from tests.store.conftest import SMALL


class InjectedError(Exception):
    pass


def fail_on(store: Store, statement_start: str) -> None:
    """Make the database refuse the first statement that starts with ``statement_start``."""

    def check(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith(statement_start):
            raise InjectedError(statement_start)

    sa.event.listen(store.engine, "before_cursor_execute", check)


def test_an_import_failing_half_way_leaves_nothing(store: Store) -> None:
    fail_on(store, "INSERT INTO audit_log")  # after the project and all its tasks
    with pytest.raises(InjectedError):
        store.import_plan(parse_plan(SMALL))
    with store.engine.connect() as connection:
        counts = [
            connection.scalar(sa.text(f"SELECT count(*) FROM {t}"))
            for t in ("projects", "tasks", "audit_log")
        ]
    assert counts == [0, 0, 0]


def test_an_update_failing_half_way_leaves_the_task_as_it_was(store: Store, project: str) -> None:
    before = store.export_plan(project)
    fail_on(store, "INSERT INTO audit_log")
    with pytest.raises(InjectedError):
        store.update_task(project, "build", {"name": "Changed"}, 1)
    with pytest.raises(InjectedError):
        store.delete_task(project, "notes", 1)
    assert store.export_plan(project) == before
    assert store.get_task(project, "build").version == 1
    assert store.trash(project) == []


def test_two_writers_on_one_file_one_wins(url: str, project: str) -> None:
    """Two stores (as two server processes would) race to change the same task version."""
    stores = [open_store(url), open_store(url)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def write(store: Store, name: str) -> None:
        version = store.get_task(project, "build").version
        barrier.wait()
        try:
            store.update_task(project, "build", {"name": name}, version)
            outcomes.append(f"won:{name}")
        except ConflictError:
            outcomes.append("conflict")

    try:
        for round_ in range(5):
            outcomes.clear()
            names = [f"round {round_} writer {i}" for i in range(2)]  # never a no-op change
            threads = [
                threading.Thread(target=write, args=(s, n)) for s, n in zip(stores, names, strict=True)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "won"]
            winner = next(o for o in outcomes if o.startswith("won")).split(":")[1]
            assert stores[0].get_task(project, "build").task.name == winner
    finally:
        for s in stores:
            s.close()
    with open_store(url) as store:
        assert [e.action for e in store.audit_log(project)].count("update") == 5
