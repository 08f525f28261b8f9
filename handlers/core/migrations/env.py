"""Alembic's environment: runs migrations on the connection :mod:`handlers.core.schema` gives.

SQLite cannot alter columns in place, so its migrations run in batch mode (a copy of the
table); the same revision files serve SQLite and PostgreSQL.
"""

from __future__ import annotations

from alembic import context

from handlers.core.schema import render_item, target_metadata

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    render_as_batch=connection.dialect.name == "sqlite",
    render_item=render_item,
    compare_type=True,
    compare_server_default=False,
    # each revision in its own transaction: a failing one leaves the ones before it applied
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
