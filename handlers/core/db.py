"""Database engine and session helpers (SQLite file by default, PostgreSQL via DATABASE_URL).

The schema itself is versioned with Alembic: :func:`init_db` defers to
:func:`handlers.core.schema.ensure_schema`.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, bindparam, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from handlers.core import hotsql

logger = logging.getLogger(__name__)

#: Modules that define SQLModel tables; imported before the models' metadata is used.
MODEL_MODULES = (
    "handlers.core.members",
    "handlers.core.outbox",
    "handlers.core.state",
    "handlers.core.inbox",
    "scheduler.models",
    "handlers.broadcast",
    "handlers.handoff",
    "handlers.profiles",
    "handlers.activity.models",
    "handlers.core.audit",
    "handlers.signin",
    "handlers.record_review",
)


def utcnow() -> datetime:
    """Timestamps stored in the database are timezone-aware (stored as UTC)."""
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL mode and a busy timeout so several processes can share it."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # WAL + NORMAL survives a process crash (our exactly-once concern); it only risks
            # the last commits on a power loss, and makes each outbox commit far cheaper.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def import_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)


#: The newest revision under ``handlers/core/migrations/versions`` (a test holds it equal to
#: what Alembic reads there): a database already at it needs nothing of Alembic.
SCHEMA_HEAD = "0002"


def init_db(engine: Engine, *, auto_upgrade: bool | None = None) -> None:
    """Make sure the schema is the newest: a new database is created, an embedded SQLite one
    is upgraded in place, a server database that is behind raises
    :class:`handlers.core.schema.SchemaOutOfDate` (the operator runs ``xiehui db upgrade``).

    A database already at :data:`SCHEMA_HEAD` (every start but the first after an upgrade) is
    recognised by one ``SELECT`` of its version: Alembic, its migration scripts and Mako stay
    unimported, about 12 MB of every worker's resident memory."""
    if at_schema_head(engine):
        return
    from handlers.core.schema import ensure_schema

    ensure_schema(engine, auto_upgrade=auto_upgrade)


def at_schema_head(engine: Engine) -> bool:
    """True when the database records exactly one schema version and it is
    :data:`SCHEMA_HEAD` (what :func:`handlers.core.schema.status` calls up to date); False
    for anything else, a database without the version table included, which the full check
    then handles."""
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    except DBAPIError:  # no version table (an empty or a legacy database): the full check
        return False
    return [tuple(row) for row in rows] == [(SCHEMA_HEAD,)]


def upsert(engine: Engine, table: Table, values: dict[str, Any], keys: Sequence[str]) -> None:
    """Insert ``values`` or, when a row with the same ``keys`` exists, overwrite its other
    columns: one ``INSERT ... ON CONFLICT DO UPDATE`` statement (SQLite and PostgreSQL), so
    two workers writing the same new row at once cannot collide on the primary key, as a
    read-then-insert does."""
    hotsql.execute(
        engine, _upsert_statement(engine.dialect.name, table, tuple(values), tuple(keys)), values
    )


@functools.cache
def _upsert_statement(
    dialect: str, table: Table, names: tuple[str, ...], keys: tuple[str, ...]
) -> Any:
    """The upsert of :func:`upsert` for one shape, built once (building costs more than running)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).values({name: bindparam(name) for name in names})
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: statement.excluded[name] for name in names if name not in keys},
    )


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
