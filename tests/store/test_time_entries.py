"""The record tables under concurrency: numbers are never shared, versions never lost."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from charter.errors import InvalidChangeError, StaleVersionError
from charter.store import Comments, NewTimeEntry, Store, TimeEntries, TimeEntryQuery

DAY = dt.date(2027, 1, 4)


def test_concurrent_writers_take_distinct_consecutive_numbers(store: Store, project: str) -> None:
    entries = TimeEntries(store)

    def log(n: int) -> list[int]:
        added = entries.add(project, [NewTimeEntry("alice", "build", DAY, 30 + n)] * 2, actor="alice")
        return [e.id for e in added]

    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(log, range(12)))
    numbers = sorted(n for batch in batches for n in batch)
    assert numbers == list(range(1, 25))
    assert all(b == [b[0], b[0] + 1] for b in batches)  # a batch is numbered in one go
    assert entries.page(project, TimeEntryQuery(limit=100)).total == 24


def test_of_two_writers_on_one_version_exactly_one_wins(store: Store, project: str) -> None:
    comments = Comments(store)
    comments.add(project, "build", "first", actor="alice")

    def edit(text: str) -> str:
        try:
            comments.update(project, "build", 1, text, 1, actor="alice")
        except StaleVersionError:
            return "stale"
        return "ok"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(edit, ["from bob", "from carol"]))
    assert outcomes == ["ok", "stale"]
    stored = comments.get(project, "build", 1)
    assert stored.version == 2 and stored.text in {"from bob", "from carol"}


def test_a_failed_batch_writes_nothing(store: Store, project: str) -> None:
    entries = TimeEntries(store)
    batch = [NewTimeEntry("alice", "build", DAY, 60), NewTimeEntry("alice", "build", DAY, 25 * 60)]
    with pytest.raises(InvalidChangeError, match="at most 24 hours") as caught:
        entries.add(project, batch, actor="alice")
    assert caught.value.where is not None and caught.value.where.path == "entries[1].hours"
    assert entries.page(project, TimeEntryQuery()).total == 0
    assert [e.entity for e in store.audit_log(project)] == ["project"]
