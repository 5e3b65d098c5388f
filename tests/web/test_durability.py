"""`kill -9` of a real `charter serve` in the middle of a stream of writes loses no acknowledged write.

The server runs as a subprocess on the test's database; two clients write (one changes a task
again and again with If-Match, one creates projects) until the server is killed with SIGKILL.
After a restart every write that got a 2xx answer must be there, and the write that was in
flight either entirely there or entirely absent; SQLite's integrity check must pass.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from charter.formats.planfile import parse_plan
from charter.services import SYSTEM, Actor, Services
from charter.store import open_store, upgrade
from tests.backends import Backend
from tests.conftest import plan_text
from tests.services.conftest import FAST

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

STARTUP_TIMEOUT = 20.0
WRITES_BEFORE_KILL = 15
"""Acknowledged writes per client before the kill; the clients keep writing while it lands."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@contextmanager
def serving(database: list[str], log: Path) -> Iterator[Server]:
    """`charter serve` in a subprocess, once it answers; killed at the end if still running."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTER_")}
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "charter", "serve", "--port", str(port), *database],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{server.output()}")
            try:
                if httpx.get(f"{server.base_url}/openapi.json", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within {STARTUP_TIMEOUT} s:\n{server.output()}")
            time.sleep(0.05)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@dataclass
class Writes:
    """What one client sent: the values acknowledged, in order, and the one that got no answer."""

    acknowledged: list[tuple[str, int]] = field(default_factory=list)
    in_flight: str | None = None
    error: str | None = None


def patch_task(client: httpx.Client, project: str, writes: Writes, stop: threading.Event) -> None:
    version = 1
    for n in range(1, 100_000):
        name = f"Build, take {n}"
        writes.in_flight = name
        try:
            answer = client.patch(
                f"/api/v1/projects/{project}/tasks/build",
                json={"name": name},
                headers={"If-Match": f'"{version}"'},
            )
        except httpx.TransportError:
            return
        if answer.status_code != 200:
            writes.error = f"PATCH answered {answer.status_code}: {answer.text}"
            return
        version = answer.json()["version"]
        writes.acknowledged.append((name, version))
        writes.in_flight = None
        if stop.is_set():
            return


def create_projects(client: httpx.Client, writes: Writes, stop: threading.Event) -> None:
    for n in range(1, 100_000):
        name = f"Durable {n}"
        writes.in_flight = name
        body = PLAN.replace("name: Test", f"name: {name}")
        try:
            answer = client.post(
                "/api/v1/projects", content=body, headers={"Content-Type": "application/yaml"}
            )
        except httpx.TransportError:
            return
        if answer.status_code != 201:
            writes.error = f"POST answered {answer.status_code}: {answer.text}"
            return
        writes.acknowledged.append((answer.json()["key"], n))
        writes.in_flight = None
        if stop.is_set():
            return


def test_kill_9_loses_no_acknowledged_write(backend: Backend, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    url = backend.create(data_dir)
    database = ["--data-dir", str(data_dir)] if backend.name == "sqlite" else ["--database-url", url]
    log = tmp_path / "server.log"
    try:
        upgrade(url)
        with open_store(url) as store:
            services = Services(store, hasher=FAST)
            services.accounts.add_user(SYSTEM, "alice", "correct horse battery")
            token = services.tokens.create(SYSTEM, "alice", "api", "write", None).secret
            project = services.projects.create(Actor("alice"), parse_plan(PLAN), "stream")
        headers = {"Authorization": f"Bearer {token}"}
        patches, creations = Writes(), Writes()

        with serving(database, log) as server:
            stop = threading.Event()
            clients = [
                httpx.Client(base_url=server.base_url, headers=headers, timeout=10.0) for _ in range(2)
            ]
            writers = [
                threading.Thread(target=patch_task, args=(clients[0], project, patches, stop)),
                threading.Thread(target=create_projects, args=(clients[1], creations, stop)),
            ]
            for writer in writers:
                writer.start()
            deadline = time.monotonic() + 20
            while min(len(patches.acknowledged), len(creations.acknowledged)) < WRITES_BEFORE_KILL:
                assert all(w.is_alive() for w in writers), patches.error or creations.error or server.output()
                assert time.monotonic() < deadline, f"too slow: {patches}, {creations}"
                time.sleep(0.01)
            os.kill(server.process.pid, signal.SIGKILL)  # while both clients are writing
            server.process.wait(timeout=10)
            stop.set()
            for writer in writers:
                writer.join(timeout=15)
            for client in clients:
                client.close()
        assert patches.error is None and creations.error is None, (patches.error, creations.error)
        assert server.process.returncode == -signal.SIGKILL

        with (
            serving(database, log) as server,
            httpx.Client(base_url=server.base_url, headers=headers) as client,
        ):
            task = client.get(f"/api/v1/projects/{project}/tasks/build").json()
            schedule = client.get(f"/api/v1/projects/{creations.acknowledged[-1][0]}/schedule").json()
        last_name, last_version = patches.acknowledged[-1]
        assert (task["fields"]["name"], task["version"]) in {
            (last_name, last_version),
            (patches.in_flight, last_version + 1),
        }, (task, patches.acknowledged[-3:], patches.in_flight)
        assert len(schedule["tasks"]) == 6
        with open_store(url) as store:
            stored = {p.key: p.name for p in store.list_projects()}
            for key, n in creations.acknowledged:
                assert stored.get(key) == f"Durable {n}", (key, stored)
                assert len(store.export_plan(key).tasks) == 4
        extra = set(stored) - {project, *(key for key, _ in creations.acknowledged)}
        assert len(extra) <= 1 and all(stored[k] == creations.in_flight for k in extra), extra

        if backend.name == "sqlite":
            database_file = str(make_url(url).database)
            with sqlite3.connect(database_file) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            connection.close()
    finally:
        backend.drop(url)
