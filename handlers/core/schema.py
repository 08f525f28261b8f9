"""The database schema's version: Alembic migrations, status, and the start-up check.

The revisions live in :mod:`handlers.core.migrations` (shipped inside the package). How a
process meets its database at start-up (:func:`ensure_schema`):

- an empty database is created at the newest revision in one step (``create_all`` and a
  stamp, Alembic's recipe for new databases; a test proves the models equal the migrations);
- an embedded SQLite database that is behind is upgraded in place (one process at a time: a
  file lock beside the database);
- a server database (PostgreSQL) that is behind or empty is left alone: the process stops
  with :class:`SchemaOutOfDate`, whose Chinese message tells the operator to run
  ``xiehui db upgrade`` (upgrading a shared database is the operator's decision, taken once,
  not a race among N workers starting together);
- a database created before migrations existed (release 0.1.0, no ``alembic_version``
  table) is stamped at the baseline revision first, or at the head when it already matches.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from handlers.core.errors import DomainError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The revision that is the schema of release 0.1.0 (databases it created have no version).
BASELINE = "0001"


class SchemaOutOfDate(DomainError):
    """The database is older than this program; the operator must upgrade it."""


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None  # None: no version recorded
    head: str
    empty: bool  # no tables at all
    legacy: bool  # tables but no version (created before migrations)

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def target_metadata() -> MetaData:
    """The models' metadata, every table module imported."""
    from handlers.core.db import import_models

    import_models()
    return SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Revisions name plain SQLAlchemy types, not SQLModel's wrappers (stable across
    SQLModel versions): AutoString -> String, UTCDateTime -> DateTime(timezone=True)."""
    if type_ != "type":
        return False
    if isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    revision = script_directory().get_current_head()
    assert revision is not None
    return revision


def status(engine: Engine) -> SchemaStatus:
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
    return SchemaStatus(
        current=current,
        head=head(),
        empty=current is None and not tables,
        legacy=current is None and bool(tables),
    )


def differences(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the database match the models (empty: none)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_item": render_item}
        )
        return list(compare_metadata(context, target_metadata()))


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One process at a time migrates: a file lock for SQLite, an advisory lock on
    PostgreSQL (held on its own connection until the block ends)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        lock_path = Path(str(url.database)).with_suffix(".migrate.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with lock_path.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    if url.get_backend_name() == "postgresql":
        from sqlalchemy import text

        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(4711029)"))
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(4711029)"))
                connection.commit()
        return
    yield


def _stamp(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        MigrationContext.configure(connection).stamp(script_directory(), revision)


def _run_upgrade(engine: Engine, revision: str) -> None:
    """Run the revisions. On SQLite, batch mode rebuilds a table by copy-and-drop, which the
    foreign keys of the rows pointing at it would refuse: they are switched off for the
    migration (the pragma only works outside a transaction) and checked afterwards."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), revision)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.commit()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> SchemaStatus:
    """Bring the database to ``revision``: create an empty one, adopt a legacy one, then run
    the revisions it lacks. Returns the status afterwards."""
    with _migration_lock(engine):
        before = status(engine)
        if before.empty and revision == "head":
            target_metadata().create_all(engine)
            _stamp(engine, "head")
            logger.info("created the database schema at revision %s", before.head)
        else:
            if before.legacy:
                adopted = "head" if not differences(engine) else BASELINE
                _stamp(engine, adopted)
                logger.warning("database without a schema version adopted at %s", adopted)
            _run_upgrade(engine, revision)
            logger.info("database schema upgraded from %s to %s", before.current, revision)
    return status(engine)


def ensure_schema(engine: Engine, *, auto_upgrade: bool | None = None) -> SchemaStatus:
    """The start-up check (see the module docstring). ``auto_upgrade`` defaults to True for
    SQLite and False for server databases."""
    if auto_upgrade is None:
        auto_upgrade = engine.url.get_backend_name() == "sqlite"
    state = status(engine)
    if state.up_to_date:
        return state
    if auto_upgrade:
        return upgrade(engine)
    raise SchemaOutOfDate(out_of_date_message(state))


def out_of_date_message(state: SchemaStatus) -> str:
    where = (
        "数据库是空的（还没有建表）"
        if state.empty
        else f"数据库结构版本是 {state.current or '0.1.0（无版本记录）'}，本程序需要 {state.head}"
    )
    return (
        f"{where}，服务没有启动，也没有改动数据库。"
        "请先备份数据库，再由管理员运行一次 xiehui db upgrade 升级数据库结构"
        "（多个服务进程共用同一个数据库时只需运行一次），然后重新启动服务。"
        "运行 xiehui db status 可以查看当前版本。"
    )


def new_revision(engine: Engine, message: str) -> str | None:
    """Autogenerate a revision comparing the (up-to-date) database with the models; returns
    the new file's path, or None when there is nothing to change. For developers."""
    rev_id = f"{int(head()) + 1:04d}"
    with engine.begin() as connection:
        script = command.revision(
            alembic_config(connection), message=message, autogenerate=True, rev_id=rev_id
        )
    script_directory.cache_clear()
    if script is None or isinstance(script, list):
        return None
    return str(script.path)
