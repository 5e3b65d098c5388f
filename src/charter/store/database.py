"""Where the database is and how every connection to it is set up.

SQLite is the default, one file in the data directory; PostgreSQL is reached through a URL
(``CHARTER_DATABASE_URL``, read by the caller). Nothing here runs at import time: engines are
made on request and belong to the :class:`~charter.store.repository.Store` that made them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url

DATABASE_FILE = "charter.db"
BUSY_TIMEOUT_MS = 30_000
POOL_SIZE = 20
WRITE = "charter_write"
"""Execution option marking a connection whose transaction will write (see :func:`make_engine`)."""
ONE_READ = "charter_one_read"
"""Execution option marking a connection that runs a single read and no transaction around it.

One statement sees one state of the database anyway; leaving out BEGIN and COMMIT spares two
round trips to a PostgreSQL server, on the lookups every request makes (its token, its access).
"""


def database_url(data_dir: Path) -> str:
    """The SQLite URL of the database file inside ``data_dir`` (which must exist)."""
    return f"sqlite:///{(Path(data_dir) / DATABASE_FILE).resolve()}"


def driver_url(url: str | URL) -> URL:
    """``url`` with the PostgreSQL driver Charter ships (psycopg 3) when it names none.

    SQLAlchemy reads a bare ``postgresql://`` as psycopg2, which Charter does not install.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for ``url``; for SQLite, with every connection set up for safe concurrent use.

    SQLite connections get WAL (readers never block the writer), ``synchronous=FULL`` (an
    acknowledged commit survives a power cut), a busy timeout (writers queue instead of failing)
    and foreign keys. Python's sqlite3 driver is told to keep out of transaction control, so that
    we emit BEGIN ourselves: ``BEGIN IMMEDIATE`` for a transaction that will write, which takes the
    write lock up front. A deferred BEGIN that reads and then writes can otherwise fail with
    "database is locked" when another writer committed in between, whatever the busy timeout.
    """
    target = driver_url(url)
    if target.database not in (None, "", ":memory:"):
        # As many pooled connections as the server's request threads, so that a busy server
        # reuses its connections instead of opening (and setting up) one per request.
        options.setdefault("pool_size", POOL_SIZE)
        options.setdefault("max_overflow", POOL_SIZE)
    engine = sa.create_engine(target, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    if connection.get_execution_options().get(ONE_READ, False):
        return
    immediate = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


BULK_ROWS = 1_000
"""A load of at least this many rows refreshes the planner's statistics (see below)."""


def refresh_statistics(engine: Engine, *tables: str) -> None:
    """Tell PostgreSQL's query planner what a bulk load put into ``tables`` (all when none).

    Until autovacuum samples a freshly filled table (up to a minute later), the planner takes
    it for empty and may scan ten thousand rows where an index finds ten: paging a new
    project's tasks measured 24 ms instead of 3.5. SQLite's planner keeps no such figures.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql(f"ANALYZE {', '.join(tables)}".rstrip())
        connection.commit()
