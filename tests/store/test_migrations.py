"""The migrations create exactly the ORM's schema (and 0003 can be undone), and connections are set
up safely."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from charter.errors import SchemaVersionError
from charter.store import database_url, make_engine, open_store, upgrade
from charter.store.database import driver_url
from charter.store.migrate import alembic_config, head_revision
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


def test_0003_adds_the_record_tables_to_a_0002_database_and_removes_them_again(db_url: str) -> None:
    records = {"time_entries", "comments", "attachments"}
    upgrade(db_url, "0002")
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            assert not records & set(sa.inspect(connection).get_table_names())
        upgrade(db_url)
        with engine.connect() as connection:
            assert records <= set(sa.inspect(connection).get_table_names())
            checks = {c["name"] for c in sa.inspect(connection).get_check_constraints("time_entries")}
            assert "ck_time_entries_minutes" in checks
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
        with engine.connect() as connection:
            assert not records & set(sa.inspect(connection).get_table_names())
            assert MigrationContext.configure(connection).get_current_revision() == "0002"
    finally:
        engine.dispose()
