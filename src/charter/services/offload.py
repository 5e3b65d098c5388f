"""Schedules computed in worker processes, so that a server's request threads keep the interpreter.

Scheduling a project of ten thousand tasks is a fraction of a second of pure Python; in the
server's own process it would hold the interpreter lock while every other request waits. A
worker opens the same database itself (once per process), reads the project from one snapshot
and sends back the version it read with the schedule document.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from charter.engine.cpm import schedule
from charter.store import Store, open_store
from charter.views.schedule import schedule_document

_stores: dict[str, Store] = {}


def compute_schedule(url: str, key: str) -> tuple[int, dict[str, Any]]:
    """In a worker: the project's version and its schedule document (as `charter schedule --json`)."""
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = open_store(url, check=False)
    plan, version = store.export_versioned(key)
    return version, schedule_document(schedule(plan))


class ScheduleWorkers:
    """A pool of worker processes computing schedules of the projects in one database."""

    def __init__(self, url: str, processes: int) -> None:
        self._url = url
        self._pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))

    def schedule(self, key: str) -> tuple[int, dict[str, Any]]:
        return self._pool.submit(compute_schedule, self._url, key).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
