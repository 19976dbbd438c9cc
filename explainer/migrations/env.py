"""Alembic environment: runs on the connection the store hands over (or the ini URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from explainer.store.engine import make_engine
from explainer.store.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Plain `alembic` runs (e.g. `alembic revision`) read sqlalchemy.url from their ini.
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


_main()
