"""Load benchmark of the team server: many clients against one 10,000-task project.

For each backend (SQLite in a fresh data directory; PostgreSQL from ``CHARTER_BENCH_POSTGRES_URL``
or a throwaway server, see ``_postgres.py``) it

1. migrates a fresh database and adds a project manager and one user per client, each with a
   write API token (through ``charter.services``, as ``charter user add``/``token create`` do);
2. starts a real ``charter serve`` (uvicorn) subprocess on a free port of 127.0.0.1;
3. creates the project with ``POST /api/v1/projects`` from a generated plan file (see
   ``_plans.py``: 10,000 tasks, summaries, ~2 links per task, 60 resources on most leaves) and
   makes every client's user a member;
4. runs the clients (threads, one keep-alive connection and one token each) for a fixed duration
   or number of requests, each pausing a random 0.2 s on average between requests (``--think``;
   ``--think 0`` measures capacity instead). Each picks, per request: GET a task (40 %), a page
   of tasks (15 %, when the API has ``GET /projects/{key}/tasks``), the project summary (8 %), the members
   (7 %), the schedule (2 %) or a PATCH of a leaf task (28 %). A PATCH quotes the ETag of the
   client's last read of that task (reading it first when it has none); half of the PATCHes
   go to a shared set of 200 "hot" tasks, so that clients sometimes collide: a 412 is answered
   by reading the task again and retrying, and is counted apart, not as an error.

It prints, per backend: requests and throughput, the CPU each request cost the server, its
schedule workers, the database server and the clients, p50/p95/p99/max latency per kind of request,
for the plain reads together, the computed view (schedule) and the writes, then PASS/FAIL against
p95 read <= 100 ms, p95 write <= 150 ms and zero errors. An error is any 5xx, any transport
error (refused, reset, timed out) and any other answer the benchmark did not expect (its
requests are all valid, so a 4xx other than a write's 412 means something is wrong).

Latency is measured by the client, from sending the request to having read the whole answer.
The server is one uvicorn process, as ``charter serve`` runs it; the clients share the same
machine, so on a 2-core machine the figures include the clients' own share of the CPU.

``--profile DIR`` samples the server with py-spy (``pip install py-spy``; root, or ptrace
permission) during the load and prints the functions where the server spends its time; the raw
stacks are written to ``DIR/<backend>.txt`` (collapsed format, for flame graph tools).

Run it from the repository root::

    .venv/bin/python benchmarks/api_load.py                        # both backends, 20 clients, 30 s
    .venv/bin/python benchmarks/api_load.py --backend sqlite --duration 60
    .venv/bin/python benchmarks/api_load.py --requests 20000 --clients 20 --tasks 10000
    .venv/bin/python benchmarks/api_load.py --backend postgres --profile /tmp/charter-profile
    .venv/bin/python benchmarks/api_load.py --skip summary --skip schedule   # without whole-plan views
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from _plans import TeamPlan, team_plan
from _postgres import PostgresUnavailableError, fresh_database, postgres_server
from charter.formats.planfile import dump_plan
from charter.services import SYSTEM, Services
from charter.store import database_url, open_store, upgrade

API = "/api/v1"
PROJECT = "bench"
READ_P95_MS = 100.0
WRITE_P95_MS = 150.0
HOT_TASKS = 200
MAX_RETRIES = 5
THINK_S = 0.2
"""A client's mean pause between requests: each of the 20 clients then sends about four requests a
second, some 80 in all — more than twenty people at work send. Without any pause, 20 clients make
a closed loop whose latency is set by capacity alone (Little's law: latency = clients /
throughput), so that p95 <= 100 ms would need several hundred requests a second on two cores."""
TIMEOUT_S = 60.0

PLAIN_READS = ("task", "tasks page", "summary", "members")
COMPUTED = ("schedule",)
WRITES = ("patch",)
MIX: tuple[tuple[str, int], ...] = (
    ("task", 40),
    ("tasks page", 15),
    ("summary", 8),
    ("members", 7),
    ("schedule", 2),
    ("patch", 28),
)
"""Kind of request -> weight (a tasks page goes to a task read when the API has no task list)."""


# -- the server ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def charter_command() -> list[str]:
    """The ``charter`` console script of this interpreter's environment, else ``python -m charter``."""
    script = Path(sys.executable).with_name("charter")
    return [str(script)] if script.exists() else [sys.executable, "-m", "charter"]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)

    def peak_rss_mb(self) -> float | None:
        """The server's peak resident memory (VmHWM), while it runs; None where /proc has none."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: str) -> tuple[int, float, str] | None:
    """(parent pid, CPU seconds used, command line) of a process, from /proc; None if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, IndexError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, command


def cpu_by_role(server_pid: int, database: str | None) -> dict[str, float]:
    """CPU seconds used so far by the server, its schedule workers and the database's server
    processes serving ``database`` (PostgreSQL backends name it on their command line)."""
    used = {"server": 0.0, "schedule workers": 0.0, "database": 0.0}
    if not Path("/proc/self/stat").exists():
        return used
    for pid in (p.name for p in Path("/proc").iterdir() if p.name.isdigit()):
        stat = _stat(pid)
        if stat is None:
            continue
        parent, seconds, command = stat
        if int(pid) == server_pid:
            used["server"] += seconds
        elif parent == server_pid and "multiprocessing" in command and "resource_tracker" not in command:
            used["schedule workers"] += seconds
        elif database is not None and command.startswith("postgres:") and f" {database} " in command:
            used["database"] += seconds
    return used


@contextlib.contextmanager
def serve(database: str, data_dir: Path | None, log: Path) -> Iterator[Server]:
    """``charter serve`` on a free port, on the SQLite data directory or else the database URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTER_")}
    command = [*charter_command(), "serve", "--host", "127.0.0.1"]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    else:
        env["CHARTER_DATABASE_URL"] = database
    for _ in range(3):  # the free port may be taken before the server binds it
        port = free_port()
        with log.open("ab") as out:
            process = subprocess.Popen(
                [*command, "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env
            )
        server = Server(process, port, log)
        if wait_until_ready(server, 60.0):
            break
        stop(process)
    else:
        raise RuntimeError(
            f"charter serve did not start; its log:\n{log.read_text(errors='replace')[-3000:]}"
        )
    try:
        yield server
    finally:
        stop(process)


def wait_until_ready(server: Server, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        connection = server.connection()
        try:
            connection.request("GET", "/openapi.json")
            if connection.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    return False


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly, closing the store
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the clients -----------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class Client:
    """One user on one keep-alive connection; reconnects after a transport error."""

    def __init__(self, server: Server, token: str) -> None:
        self.server = server
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.connection = server.connection()

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        try:
            self.connection.request(method, path, body=body, headers={**self.headers, **(headers or {})})
            response = self.connection.getresponse()
            data = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = self.server.connection()
            raise

    def close(self) -> None:
        self.connection.close()


@dataclass
class Record:
    """What one client saw: latencies (ms) per kind, statuses, and what went wrong."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    stale: int = 0
    gave_up: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def error(self, what: str, detail: str) -> None:
        self.errors[what] += 1
        if len(self.examples) < 5:
            self.examples.append(detail)

    def merge(self, other: Record) -> None:
        for kind, values in other.latencies.items():
            self.latencies.setdefault(kind, []).extend(values)
        self.statuses.update(other.statuses)
        self.stale += other.stale
        self.gave_up += other.gave_up
        self.errors.update(other.errors)
        self.examples.extend(other.examples[: max(0, 10 - len(self.examples))])


@dataclass
class Workload:
    tasks: tuple[str, ...]
    leaves: tuple[str, ...]
    hot: tuple[str, ...]
    task_page: str | None
    """The query of a page of tasks (``?limit=…``), None when the API lists no tasks."""
    skipped: frozenset[str] = frozenset()
    """Kinds of request left out of the mix (``--skip``)."""
    think: float = 0.0
    """Mean pause of a client between two requests, in seconds (``--think``; 0: none)."""


class Budget:
    """Stops the clients after a duration or a number of requests, whichever is given."""

    def __init__(self, duration: float | None, requests: int | None) -> None:
        self.deadline = None if duration is None else time.monotonic() + duration
        self.left = requests
        self.lock = threading.Lock()

    def take(self) -> bool:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return False
        if self.left is None:
            return True
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def timed(
    record: Record, kind: str, client: Client, method: str, path: str, **options: object
) -> Answer | None:
    """Send one request and record its latency; None (and an error) on a transport failure."""
    started = time.perf_counter()
    try:
        answer = client.request(method, path, **options)  # type: ignore[arg-type]
    except (OSError, http.client.HTTPException) as exc:
        record.error("transport", f"{method} {path}: {type(exc).__name__}: {exc}")
        return None
    record.latencies.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    record.statuses[answer.status] += 1
    if answer.status >= 500:
        record.error("5xx", f"{method} {path} -> {answer.status}: {answer.body[:300]!r}")
    return answer


def expect(record: Record, answer: Answer | None, method: str, path: str, *statuses: int) -> bool:
    if answer is None or answer.status >= 500:
        return False
    if answer.status not in statuses:
        record.error("unexpected", f"{method} {path} -> {answer.status}: {answer.body[:300]!r}")
        return False
    return True


CHANGES = (
    lambda rng: {"percent_complete": round(rng.random(), 2), "actual_start": "2027-01-04"},
    lambda rng: {"notes": f"status call {rng.randrange(10_000)}: on track"},
    lambda rng: {"name": f"Configure item {rng.randrange(10_000)}"},
    lambda rng: {"duration": {"value": rng.randint(1, 15), "unit": "d"}},
)
"""Progress, notes, renames and new estimates, in the task's JSON form (as GET answers it)."""


def run_client(
    server: Server, token: str, workload: Workload, budget: Budget, seed: int, record: Record
) -> None:
    rng = random.Random(seed)
    client = Client(server, token)
    versions: dict[str, str] = {}
    kinds = [kind for kind, _ in MIX if kind not in workload.skipped]
    weights = [weight for kind, weight in MIX if kind not in workload.skipped]
    project = f"{API}/projects/{PROJECT}"

    def read_task(key: str) -> bool:
        path = f"{project}/tasks/{key}"
        answer = timed(record, "task", client, "GET", path)
        if expect(record, answer, "GET", path, 200):
            assert answer is not None
            versions[key] = answer.headers["etag"]
            return True
        return False

    try:
        while budget.take():
            kind = rng.choices(kinds, weights)[0]
            if kind == "tasks page" and workload.task_page is None:
                kind = "task"
            if kind == "task":
                read_task(rng.choice(workload.tasks))
            elif kind == "tasks page":
                path = f"{project}/tasks{workload.task_page}".replace(
                    "{offset}", str(rng.randrange(0, len(workload.tasks), 50))
                )
                expect(record, timed(record, kind, client, "GET", path), "GET", path, 200)
            elif kind == "summary":
                expect(record, timed(record, kind, client, "GET", project), "GET", project, 200)
            elif kind == "members":
                path = f"{project}/members"
                expect(record, timed(record, kind, client, "GET", path), "GET", path, 200)
            elif kind == "schedule":
                path = f"{project}/schedule"
                expect(record, timed(record, kind, client, "GET", path), "GET", path, 200)
            else:
                key = rng.choice(workload.hot if rng.random() < 0.5 else workload.leaves)
                patch(record, client, key, rng, versions, read_task, project)
            if workload.think:
                time.sleep(rng.expovariate(1 / workload.think))
    finally:
        client.close()


def patch(
    record: Record,
    client: Client,
    key: str,
    rng: random.Random,
    versions: dict[str, str],
    read_task: Callable[[str], bool],
    project: str,
) -> None:
    """PATCH one task with the ETag last read; on 412 read it again and retry."""
    if key not in versions and not read_task(key):
        return
    body = json.dumps(rng.choice(CHANGES)(rng)).encode()
    path = f"{project}/tasks/{key}"
    for _ in range(MAX_RETRIES):
        headers = {"If-Match": versions[key], "Content-Type": "application/json"}
        answer = timed(record, "patch", client, "PATCH", path, body=body, headers=headers)
        if answer is not None and answer.status == 412:
            record.stale += 1
            if not read_task(key):
                return
            continue
        if expect(record, answer, "PATCH", path, 200):
            assert answer is not None
            versions[key] = answer.headers["etag"]
        return
    record.gave_up += 1
    record.error("unexpected", f"PATCH {path}: still 412 after {MAX_RETRIES} tries")


# -- one backend -----------------------------------------------------------------------------
@dataclass
class Setup:
    tokens: list[str]
    manager: str


def add_team(url: str, clients: int) -> Setup:
    """The project manager and one user per client, each with a write token."""
    with open_store(url) as store:
        services = Services(store)
        services.accounts.add_user(SYSTEM, "pm", "bench-manager-password", is_admin=False)
        manager = services.tokens.create(SYSTEM, "pm", "bench", "write", None).secret
        tokens = []
        for n in range(clients):
            name = f"client-{n + 1:02d}"
            services.accounts.add_user(SYSTEM, name, f"bench-password-{n}", is_admin=False)
            tokens.append(services.tokens.create(SYSTEM, name, "bench", "write", None).secret)
    return Setup(tokens, manager)


def create_project(server: Server, manager: str, text: str, clients: int) -> float:
    """Create the project through the API (timed, in seconds) and make every client a member."""
    client = Client(server, manager)
    try:
        started = time.perf_counter()
        answer = client.request(
            "POST",
            f"{API}/projects?key={PROJECT}",
            body=text.encode(),
            headers={"Content-Type": "application/yaml"},
        )
        seconds = time.perf_counter() - started
        if answer.status != 201:
            raise RuntimeError(f"creating the project failed: {answer.status} {answer.body[:500]!r}")
        for n in range(clients):
            path = f"{API}/projects/{PROJECT}/members/client-{n + 1:02d}"
            added = client.request(
                "PUT",
                path,
                body=json.dumps({"role": "member"}).encode(),
                headers={"Content-Type": "application/json", "If-None-Match": "*"},
            )
            if added.status not in (200, 201):
                raise RuntimeError(f"PUT {path} failed: {added.status} {added.body[:300]!r}")
        return seconds
    finally:
        client.close()


def task_page_query(server: Server) -> str | None:
    """The query for a page of 50 tasks at ``{offset}``, if the API lists tasks."""
    client = Client(server, "")
    try:
        document = json.loads(client.request("GET", "/openapi.json").body)
    finally:
        client.close()
    listing = document.get("paths", {}).get(f"{API}/projects/{{key}}/tasks", {}).get("get")
    if listing is None:
        return None
    names = {p.get("name") for p in listing.get("parameters", []) if p.get("in") == "query"}
    query = [part for name, part in (("limit", "limit=50"), ("offset", "offset={offset}")) if name in names]
    return "?" + "&".join(query) if query else ""


@dataclass
class Result:
    backend: str
    where: str
    clients: int
    think: float
    tasks: int
    seconds: float
    create_seconds: float
    record: Record
    peak_rss_mb: float | None
    profile: list[tuple[str, float, float]] | None
    cpu: dict[str, float]
    """CPU seconds used during the load, by role (server, schedule workers, database, clients)."""


def run_backend(
    backend: str,
    where: str,
    url: str,
    data_dir: Path | None,
    work: Path,
    plan: TeamPlan,
    args: argparse.Namespace,
) -> Result:
    upgrade(url)
    setup = add_team(url, args.clients)
    text = dump_plan(plan.plan)
    with serve(url, data_dir, work / "server.log") as server:
        create_seconds = create_project(server, setup.manager, text, args.clients)
        rng = random.Random(args.seed)
        workload = Workload(
            tasks=plan.leaves + plan.summaries,
            leaves=plan.leaves,
            hot=tuple(rng.sample(plan.leaves, min(HOT_TASKS, len(plan.leaves)))),
            task_page=task_page_query(server),
            skipped=frozenset(args.skip),
            think=args.think,
        )
        warm_up(server, setup.tokens[0], workload)
        profiler = start_profiler(server, args.profile, backend) if args.profile else None
        budget = Budget(args.duration if args.requests is None else None, args.requests)
        records = [Record() for _ in setup.tokens]
        threads = [
            threading.Thread(
                target=run_client,
                args=(server, token, workload, budget, args.seed * 1000 + n, records[n]),
                name=f"client-{n + 1}",
            )
            for n, token in enumerate(setup.tokens)
        ]
        database = None if data_dir is not None else sa.engine.make_url(url).database
        cpu_before, clients_before = cpu_by_role(server.process.pid, database), time.process_time()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        cpu_after = cpu_by_role(server.process.pid, database)
        cpu = {role: cpu_after[role] - cpu_before[role] for role in cpu_after}
        cpu["clients"] = time.process_time() - clients_before
        profile = stop_profiler(profiler) if profiler else None
        rss = server.peak_rss_mb()
    total = Record()
    for record in records:
        total.merge(record)
    return Result(
        backend, where, args.clients, args.think, len(workload.tasks), seconds, create_seconds, total, rss,
        profile, cpu,
    )  # fmt: skip


def warm_up(server: Server, token: str, workload: Workload) -> None:
    """One request of each kind, so that first-use costs (imports, caches) are not measured."""
    client = Client(server, token)
    project = f"{API}/projects/{PROJECT}"
    try:
        for path in (
            project,
            f"{project}/members",
            f"{project}/schedule",
            f"{project}/tasks/{workload.leaves[0]}",
        ):
            client.request("GET", path)
    finally:
        client.close()


# -- profiling -------------------------------------------------------------------------------
@dataclass
class Profiler:
    process: subprocess.Popen[bytes]
    output: Path


def start_profiler(server: Server, directory: Path, backend: str) -> Profiler:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("--profile needs py-spy: pip install py-spy (in this environment)")
    directory.mkdir(parents=True, exist_ok=True)
    output = directory / f"{backend}.txt"
    target = ["--pid", str(server.process.pid), "--format", "raw", "--output", str(output)]
    process = subprocess.Popen(
        [spy, "record", *target, "--rate", "200", "--threads", "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.0)  # py-spy attaches
    if process.poll() is not None:
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"py-spy could not sample the server (root or ptrace permission needed):\n{error}")
    return Profiler(process, output)


def stop_profiler(profiler: Profiler) -> list[tuple[str, float, float]]:
    """The top functions: (function, % of samples on it or below it, % of samples in it)."""
    profiler.process.send_signal(signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        profiler.process.wait(timeout=30)
    if profiler.process.poll() is None:
        profiler.process.kill()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    samples = 0
    if not profiler.output.exists():
        return []
    for line in profiler.output.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [
            frame for frame in stack.split(";") if frame and not frame.startswith(("thread ", "process "))
        ]
        if not frames or ("(threading.py)" in frames[-1] and "wait" in frames[-1]):
            continue  # idle worker threads
        samples += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    if not samples:
        return []
    charter_frames = [(f, n) for f, n in inclusive.most_common() if "charter" in f or "sqlalchemy" in f]
    top = charter_frames[:25]
    return [(frame, 100 * n / samples, 100 * own[frame] / samples) for frame, n in top]


# -- report ----------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0-100) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def row(label: str, values: list[float]) -> str:
    if not values:
        return f"  {label:<22} {0:>7}"
    figures = [percentile(values, q) for q in (50, 95, 99)] + [max(values)]
    return f"  {label:<22} {len(values):>7}" + "".join(f" {v:>8.1f}" for v in figures)


def report(result: Result) -> bool:
    record = result.record
    requests = sum(len(v) for v in record.latencies.values())
    reads = [v for kind in PLAIN_READS for v in record.latencies.get(kind, [])]
    computed = [v for kind in COMPUTED for v in record.latencies.get(kind, [])]
    writes = [v for kind in WRITES for v in record.latencies.get(kind, [])]
    errors = sum(record.errors.values())
    print(f"\n== {result.backend} ({result.where}) ==")
    print(
        f"  project of {result.tasks:,} tasks created through the API in {result.create_seconds:.1f} s; "
        f"{result.clients} clients, "
        + (
            f"each pausing {result.think:g} s on average between requests"
            if result.think
            else "without pauses"
        )
    )
    print(
        f"  {requests:,} requests in {result.seconds:.1f} s = {requests / result.seconds:,.0f} requests/s"
        + (f"; server peak RSS {result.peak_rss_mb:,.0f} MB" if result.peak_rss_mb else "")
    )
    if requests and any(result.cpu.values()):
        shares = ", ".join(
            f"{role} {1000 * used / requests:.1f}"
            for role, used in result.cpu.items()
            if used or role != "database"
        )
        total_cpu = sum(result.cpu.values())
        print(
            f"  CPU per request, ms: {shares}; in all {1000 * total_cpu / requests:.1f} ms, "
            f"{total_cpu / result.seconds:.2f} of the machine's {os.cpu_count()} cores busy with the load"
        )
    print(f"  {'kind':<22} {'n':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind in (*PLAIN_READS, *COMPUTED, *WRITES):
        print(row(f"{'read' if kind in PLAIN_READS else 'computed' if kind in COMPUTED else 'write'}: {kind}",
                  record.latencies.get(kind, [])))  # fmt: skip
    print(row("plain reads", reads))
    print(row("computed views", computed))
    print(row("writes (PATCH tries)", writes))
    statuses = ", ".join(f"{status}: {n:,}" for status, n in sorted(record.statuses.items()))
    print(f"  statuses: {statuses}")
    print(
        f"  412 on a write, re-read and retried: {record.stale:,} "
        f"(gave up after {MAX_RETRIES} tries: {record.gave_up})"
    )
    print(
        f"  errors: {errors} ({', '.join(f'{k}: {n}' for k, n in sorted(record.errors.items())) or 'none'})"
    )
    for example in record.examples:
        print(f"    {example}")
    read_p95 = percentile(reads, 95) if reads else math.inf
    write_p95 = percentile(writes, 95) if writes else math.inf
    checks = [
        (f"p95 read {read_p95:.1f} ms <= {READ_P95_MS:.0f} ms", read_p95 <= READ_P95_MS),
        (f"p95 write {write_p95:.1f} ms <= {WRITE_P95_MS:.0f} ms", write_p95 <= WRITE_P95_MS),
        (f"errors {errors} == 0", errors == 0),
    ]
    passed = all(ok for _, ok in checks)
    print(
        f"  {'PASS' if passed else 'FAIL'}: "
        + "; ".join(f"{text} {'ok' if ok else 'FAILED'}" for text, ok in checks)
    )
    if result.profile:
        print(
            "  where the server spends its time (py-spy; % of busy samples, at or below / in the function):"
        )
        for frame, below, inside in result.profile:
            print(f"    {below:5.1f}% {inside:5.1f}%  {frame}")
    return passed


# -- main ------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    amount.add_argument("--requests", type=int, help="stop after this many requests instead")
    parser.add_argument("--tasks", type=int, default=10_000, help="tasks in the project (default 10,000)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--think",
        type=float,
        default=THINK_S,
        help=f"mean pause of each client between requests, in seconds (exponential; default {THINK_S}: "
        "about 4 requests a second per client). 0: every client fires its next request as soon as "
        "the last is answered, which measures capacity rather than latency",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=[kind for kind, _ in MIX if kind != "patch"],
        help="leave this kind of request out of the mix (repeat for several), to see what it costs the rest",
    )
    parser.add_argument("--profile", type=Path, metavar="DIR", help="sample the server with py-spy into DIR")
    args = parser.parse_args(argv)
    for name in ("clients", "tasks"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.tasks < 100:
        parser.error("--tasks must be at least 100 (the plan has work packages of 10-30 tasks)")
    if (args.requests is not None and args.requests < 1) or args.duration <= 0:
        parser.error("--requests and --duration must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    plan = team_plan(args.tasks, args.seed)
    print(
        f"plan: {args.tasks:,} tasks ({len(plan.summaries):,} summaries), "
        f"{sum(len(t.links) for t in plan.plan.walk()):,} links, {len(plan.plan.resources)} resources "
        f"(generated in {time.perf_counter() - started:.1f} s)"
    )
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    outcomes: dict[str, bool | None] = {}
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix=f"charter-load-{backend}.") as scratch:
            work = Path(scratch)
            try:
                if backend == "sqlite":
                    data_dir = work / "data"
                    data_dir.mkdir()
                    result = run_backend(
                        backend, "a fresh data directory", database_url(data_dir), data_dir, work, plan, args
                    )
                else:
                    with (
                        postgres_server() as (server_url, where),
                        fresh_database(server_url, f"charter_load_{os.getpid()}") as url,
                    ):
                        result = run_backend(backend, where, url, None, work, plan, args)
            except PostgresUnavailableError as exc:
                print(f"\n== {backend}: not run ==\n  {exc}")
                outcomes[backend] = None
                continue
            outcomes[backend] = report(result)
    print("\nsummary: " + ", ".join(
        f"{b} {'PASS' if ok else 'FAIL' if ok is False else 'not run'}" for b, ok in outcomes.items()
    ))  # fmt: skip
    return 0 if all(ok is not False for ok in outcomes.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
