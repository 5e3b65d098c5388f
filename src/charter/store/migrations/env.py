"""Alembic's entry point: runs migrations on the connection :func:`charter.store.upgrade` passes."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from charter.store.database import make_engine
from charter.store.models import Base

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Charter's migrations run online only: use charter.store.upgrade(url)")

given = config.attributes.get("connection")
if given is not None:
    run(given)
else:  # the alembic command line with `-x url=...`
    engine = make_engine(context.get_x_argument(as_dictionary=True)["url"])
    try:
        with engine.connect() as connection:
            run(connection)
            connection.commit()
    finally:
        engine.dispose()
