"""The first migration creates exactly the ORM's schema, and connections are set up safely."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from charter.errors import SchemaVersionError
from charter.store import database_url, make_engine, open_store, upgrade
from charter.store.database import driver_url
from charter.store.migrate import head_revision
from charter.store.models import Base


def test_migration_creates_exactly_the_orm_tables(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            assert tables == {*Base.metadata.tables, "alembic_version"}
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            assert context.get_current_revision() == head_revision()
    finally:
        engine.dispose()


def test_upgrade_twice_is_harmless(url: str) -> None:
    upgrade(url)
    with open_store(url) as store:
        assert store.list_projects() == []


def test_an_unmigrated_database_is_refused(db_url: str) -> None:
    with pytest.raises(SchemaVersionError, match="no Charter tables") as caught:
        open_store(db_url)
    assert "charter db upgrade" in str(caught.value)


@pytest.mark.backends("sqlite")
def test_every_sqlite_connection_is_set_up(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert pragma == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 30000}


def test_database_url_points_into_the_data_directory(tmp_path: Path) -> None:
    assert database_url(tmp_path) == f"sqlite:///{tmp_path.resolve() / 'charter.db'}"


def test_a_postgresql_url_without_a_driver_gets_psycopg_3() -> None:
    assert (
        str(driver_url("postgresql://charter@db:5432/charter"))
        == "postgresql+psycopg://charter@db:5432/charter"
    )
    assert str(driver_url("postgresql+psycopg2://db/charter")) == "postgresql+psycopg2://db/charter"
    assert str(driver_url("sqlite:///charter.db")) == "sqlite:///charter.db"
