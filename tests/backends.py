"""The databases the store, services and web tests run on: SQLite files or PostgreSQL databases.

A :class:`Backend` makes empty databases and copies of databases, each a URL. SQLite databases
live in a directory (the test's temporary one); PostgreSQL databases are made with
``CREATE DATABASE`` on the server ``CHARTER_TEST_POSTGRES_URL`` names (a copy is
``CREATE DATABASE … TEMPLATE``, which is fast) and dropped when the test is done.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from charter.store import database_url
from charter.store.database import driver_url

BACKENDS = ("sqlite", "postgres")
POSTGRES_ENV = "CHARTER_TEST_POSTGRES_URL"
POSTGRES_HOW = (
    f"PostgreSQL tests need a server: set {POSTGRES_ENV} to the URL of a role that may "
    f"CREATE DATABASE, e.g. {POSTGRES_ENV}=postgresql://postgres@127.0.0.1:5432/postgres "
    "(or run `bash .ci/run`, which starts a throwaway server when initdb and pg_ctl are installed)"
)


class Backend(Protocol):
    name: str

    def create(self, directory: Path) -> str:
        """The URL of a new, empty database (SQLite puts it in ``directory``)."""
        ...

    def clone(self, source: str, directory: Path) -> str:
        """The URL of a new database holding a copy of the (idle) database at ``source``."""
        ...

    def drop(self, url: str) -> None:
        """Remove a database this backend made."""
        ...

    def close(self) -> None: ...


class SQLiteBackend:
    name = "sqlite"

    def create(self, directory: Path) -> str:
        directory.mkdir(parents=True, exist_ok=True)
        return database_url(directory)

    def clone(self, source: str, directory: Path) -> str:
        url = self.create(directory)
        source_file = Path(str(make_url(source).database))
        for path in source_file.parent.glob(f"{source_file.name}*"):  # with -wal and -shm
            shutil.copy(path, directory / path.name)
        return url

    def drop(self, url: str) -> None:
        """Nothing to do: the file is in the test's temporary directory."""

    def close(self) -> None:
        pass


class PostgresBackend:
    name = "postgres"

    def __init__(self, server: str) -> None:
        self.server: URL = driver_url(server)
        self.admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        self.names = (f"charter_test_{os.getpid()}_{n}" for n in itertools.count())
        self.made: set[str] = set()
        with self.admin.connect() as connection:  # fail early when the server is not there
            version = connection.scalar(sa.text("SELECT current_setting('server_version_num')::int"))
        # FILE_COPY (PostgreSQL 15+) copies a small database several times faster than WAL_LOG
        self.strategy = " STRATEGY FILE_COPY" if version is not None and version >= 150000 else ""

    def _make(self, template: str | None) -> str:
        name = next(self.names)
        suffix = f' TEMPLATE "{template}"{self.strategy}' if template else ""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')
        self.made.add(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def create(self, directory: Path) -> str:
        return self._make(None)

    def clone(self, source: str, directory: Path) -> str:
        return self._make(make_url(source).database)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        if name in self.made:
            with self.admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.made.discard(name)

    def close(self) -> None:
        for name in sorted(self.made):
            with self.admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()
        self.admin.dispose()
