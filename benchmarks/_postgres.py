"""A PostgreSQL server for the benchmarks: the one ``CHARTER_BENCH_POSTGRES_URL`` names, else a
throwaway one started from the ``initdb``/``pg_ctl`` binaries, the way ``.ci/run`` starts one
for the tests.

The throwaway server lives in a temporary directory, listens on 127.0.0.1 on a free port with
trust authentication, and is stopped and its directory removed when the ``with`` block ends.
Unlike the test server it keeps PostgreSQL's default durability (``fsync``, synchronous commit),
so that write latencies compare fairly with SQLite's ``synchronous=FULL``. Under root it runs as
the ``postgres`` user (else ``nobody``), since PostgreSQL refuses to run as root.

Each benchmark run gets a database of its own (:func:`fresh_database`), dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from charter.store.database import driver_url

POSTGRES_ENV = "CHARTER_BENCH_POSTGRES_URL"
HOW = (
    f"set {POSTGRES_ENV} to the URL of a role that may CREATE DATABASE "
    f"(e.g. {POSTGRES_ENV}=postgresql://postgres@127.0.0.1:5432/postgres), or install the "
    "PostgreSQL server binaries (Debian: apt-get install postgresql) so that initdb and pg_ctl "
    "are on PATH or in /usr/lib/postgresql/*/bin"
)


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL server for the benchmark: the message says why and what to do."""


def find_binaries() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: on PATH, else the newest Debian one."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(pg_ctl).parent
    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in path.parent.name.split(".") if part.isdigit())

    for directory in sorted(candidates, key=version, reverse=True):
        if (directory / "pg_ctl").exists():
            return directory
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _run_as() -> tuple[list[str], str | None]:
    """The command prefix that drops root, and the user it drops to (None when not root)."""
    if os.geteuid() != 0:
        return [], None
    for user in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(user)
            return ["runuser", "-u", user, "--"], user
    raise PostgresUnavailableError(
        "running as root, and there is no 'postgres' or 'nobody' user to run PostgreSQL as"
    )


@contextlib.contextmanager
def throwaway_server(binaries: Path) -> Iterator[str]:
    """Start a PostgreSQL server from ``binaries``; yield the URL of its ``postgres`` database."""
    prefix, user = _run_as()
    directory = Path(tempfile.mkdtemp(prefix="charter-bench-pg."))
    data = directory / "data"
    log = directory / "server.log"
    try:
        directory.chmod(0o700)
        if user is not None:
            shutil.chown(directory, user)
        setup = ["-D", str(data), "-A", "trust", "-U", "charter", "-E", "UTF8"]
        initdb = subprocess.run(
            [*prefix, str(binaries / "initdb"), *setup],
            cwd="/",
            capture_output=True,
            text=True,
            check=False,
        )
        if initdb.returncode != 0:
            raise PostgresUnavailableError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        for _ in range(3):  # another process may take the free port before the server does
            port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c max_connections=100"
            pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
            started = subprocess.run(
                [*prefix, *pg_ctl, "-o", options, "start"],
                cwd="/",
                capture_output=True,
                text=True,
                check=False,
            )
            if started.returncode == 0:
                break
        else:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else started.stderr
            raise PostgresUnavailableError(f"the PostgreSQL server did not start:\n{tail}")
        try:
            yield f"postgresql://charter@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                cwd="/",
                capture_output=True,
                check=False,
            )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def postgres_server() -> Iterator[tuple[str, str]]:
    """A server URL and where it came from (the environment, or a throwaway server)."""
    configured = os.environ.get(POSTGRES_ENV)
    if configured:
        yield configured, f"{POSTGRES_ENV}"
        return
    binaries = find_binaries()
    if binaries is None:
        raise PostgresUnavailableError(
            f"no PostgreSQL server: {POSTGRES_ENV} is not set and initdb/pg_ctl are absent; {HOW}"
        )
    with throwaway_server(binaries) as url:
        yield url, f"a throwaway server from {binaries}"


@contextlib.contextmanager
def fresh_database(server: str, name: str) -> Iterator[str]:
    """A new, empty database ``name`` on ``server`` (a URL); dropped when the block ends."""
    admin = sa.create_engine(driver_url(server), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        try:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        except sa.exc.OperationalError as exc:
            raise PostgresUnavailableError(
                f"cannot use the PostgreSQL server at {server}: {exc.orig}"
            ) from None
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()
