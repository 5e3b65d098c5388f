"""Schedules computed in worker processes, so that a server's request threads keep the interpreter.

Scheduling a project of ten thousand tasks is a fraction of a second of pure Python; in the
server's own process it would hold the interpreter lock while every other request waits. A
worker opens the same database itself (once per process), reads the project from one snapshot
and sends back the version it read with the schedule document.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from charter.engine.cpm import schedule
from charter.store import Store, open_store
from charter.views.schedule import schedule_document

_stores: dict[str, Store] = {}


@dataclass(frozen=True, slots=True)
class ComputedSchedule:
    """A schedule document as it is sent (compact UTF-8 JSON) and the figures an overview shows.

    The document is encoded where it is computed: a server then neither unpickles ten thousand
    task dictionaries nor encodes them again for every request, work that would hold its
    interpreter lock while every other request waits.
    """

    json: bytes
    start: str
    finish: str
    tasks: int
    critical_tasks: int
    conflicts: int

    @classmethod
    def of(cls, document: dict[str, Any]) -> ComputedSchedule:
        tasks = [t for t in document["tasks"] if not t["is_summary"]]
        return cls(
            json=json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode(),
            start=document["project"]["start"],
            finish=document["project"]["finish"],
            tasks=len(tasks),
            critical_tasks=sum(1 for t in tasks if t["critical"]),
            conflicts=len(document["conflicts"]),
        )


def schedule_of(store: Store, key: str) -> tuple[int, ComputedSchedule]:
    """The project's version and its schedule (the document of `charter schedule --json`)."""
    plan, version = store.export_versioned(key)
    return version, ComputedSchedule.of(schedule_document(schedule(plan)))


def compute_schedule(url: str, key: str) -> tuple[int, ComputedSchedule]:
    """In a worker: :func:`schedule_of`, on the worker's own connection to the database."""
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = open_store(url, check=False)
    return schedule_of(store, key)


WORKER_NICENESS = 10
"""How much lower than the server's the workers' CPU priority is (Unix ``nice``)."""


def _lower_priority() -> None:
    """Yield the CPU to the server's request threads when both want it.

    A team writing to a large project keeps its schedule being recomputed; at equal priority
    that would take a whole core from the quick reads and writes everyone waits on. Niced, the
    workers use what the requests leave, and a schedule still comes when nothing else runs.
    """
    with contextlib.suppress(OSError, AttributeError):  # no nice() on Windows
        os.nice(WORKER_NICENESS)


class ScheduleWorkers:
    """A pool of worker processes computing schedules of the projects in one database."""

    def __init__(self, url: str, processes: int) -> None:
        self._url = url
        self._pool = ProcessPoolExecutor(
            processes, mp_context=multiprocessing.get_context("spawn"), initializer=_lower_priority
        )

    def schedule(self, key: str) -> tuple[int, ComputedSchedule]:
        return self._pool.submit(compute_schedule, self._url, key).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
