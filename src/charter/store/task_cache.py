"""Decoded tasks by (row id, version), shared by the threads of one process.

Turning a task row's JSON into a validated ``Task`` is the main cost of exporting a large
project; a row's version changes with every write to it, so an entry never goes stale — it
simply stops being asked for. The cache is bounded: when full, it starts again empty.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from charter.domain import Task
from charter.store.codec import decode_task

RowVersion = tuple[int, int]
MAX_ENTRIES = 400_000


class TaskCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._tasks: dict[RowVersion, Task] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def get_many(self, keys: Iterable[RowVersion]) -> dict[RowVersion, Task]:
        tasks = self._tasks
        with self._lock:
            return {key: task for key in keys if (task := tasks.get(key)) is not None}

    def decode(self, row_id: int, version: int, key: str, data: dict[str, Any]) -> Task:
        """The row's task, decoded once per version."""
        found = self._tasks.get((row_id, version))
        return found if found is not None else self.put((row_id, version), decode_task(key, data))

    def put(self, key: RowVersion, task: Task) -> Task:
        with self._lock:
            if len(self._tasks) >= self._max:
                self._tasks.clear()
            self._tasks[key] = task
        return task
