"""Computed views of a project (its schedule), kept per project version.

Every write bumps the project's version, so a result computed for a version is valid for as long
as the project stays at it. Two ways to ask:

* :meth:`ComputedViews.current` — the result for the version the project is at now; concurrent
  requests for the same project wait for one computation instead of each running their own;
* :meth:`ComputedViews.latest` — the freshest result there is, without waiting when one exists:
  a project's overview stays quick while its team writes to it, and says which version its
  figures are for; a newer one is computed in the background, one at a time per project and
  at most every ``refresh_every`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Compute = Callable[[], tuple[int, Any]]
"""Reads the project and computes: (the version it read, the result)."""


@dataclass
class _Entry:
    version: int = -1
    result: Any = None
    error: BaseException | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    refreshing: bool = False
    refreshed_at: float = float("-inf")


class ComputedViews:
    def __init__(
        self,
        *,
        refresh_every: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int | None = None,
    ) -> None:
        """``refresh_every``: the least time in seconds between two background refreshes of a
        project, so that a project written to all the time is not rescheduled without pause.
        ``max_entries``: how many results to keep at most (the least recently asked for go
        first), for views whose keys a client chooses."""
        self._entries: dict[str, _Entry] = {}
        self._max_entries = max_entries
        self._guard = threading.Lock()
        self._refresh_every = refresh_every
        self._clock = clock
        self._threads: set[threading.Thread] = set()
        self._closed = False

    def _entry(self, key: str) -> _Entry:
        with self._guard:
            entry = self._entries.pop(key, None) or _Entry()
            self._entries[key] = entry  # the most recently asked for is last
            if self._max_entries is not None:
                while len(self._entries) > self._max_entries:
                    del self._entries[next(iter(self._entries))]
            return entry

    def current(self, key: str, version: int, compute: Compute) -> tuple[int, Any]:
        """The result for ``version`` (or a later one), computed once however many ask."""
        entry = self._entry(key)
        if entry.version < version:
            with entry.lock:
                if entry.version < version:
                    self._run(entry, compute)
        return self._answer(entry)

    def latest(self, key: str, version: int, compute: Compute) -> tuple[int, Any]:
        """The newest result at hand; computed now only if there is none yet."""
        entry = self._entry(key)
        if entry.version < 0 or entry.error is not None:
            return self.current(key, version, compute)
        now = self._clock()
        due = now - entry.refreshed_at >= self._refresh_every
        if entry.version < version and not entry.refreshing and due and not self._closed:
            entry.refreshing, entry.refreshed_at = True, now
            thread = threading.Thread(target=self._refresh, args=(entry, compute), daemon=True)
            with self._guard:
                self._threads.add(thread)
            thread.start()
        return self._answer(entry)

    def forget(self, key: str) -> None:
        with self._guard:
            self._entries.pop(key, None)

    def close(self) -> None:
        """Start no more refreshes and wait for those running (before the store closes)."""
        self._closed = True
        with self._guard:
            running = list(self._threads)
        for thread in running:
            thread.join()

    def _refresh(self, entry: _Entry, compute: Compute) -> None:
        try:
            with entry.lock:
                self._run(entry, compute)
        finally:
            entry.refreshing = False
            with self._guard:
                self._threads.discard(threading.current_thread())

    @staticmethod
    def _run(entry: _Entry, compute: Compute) -> None:
        try:
            version, result = compute()
        except Exception as error:  # raised to whoever waited; the next request computes again
            entry.error = error
            return
        if version >= entry.version:
            entry.version, entry.result, entry.error = version, result, None

    @staticmethod
    def _answer(entry: _Entry) -> tuple[int, Any]:
        if entry.error is not None:
            raise entry.error
        return entry.version, entry.result
