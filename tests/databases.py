"""Which database the tests use: SQLite files (the default) or PostgreSQL (``--postgres``).

Tests ask :func:`database_url` for "the database in this folder"; under SQLite that is a file
there, under PostgreSQL a fresh database copied from a template that the migrations built
(``CREATE DATABASE ... TEMPLATE``, a fraction of a second), created on first use and dropped
when the test ends. The same folder and name give the same database within a test, as the
same file would.
"""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.servers import PostgresServer


class SqliteDatabases:
    dialect = "sqlite"

    def url(self, folder: Path, name: str = "xiehui.db") -> str:
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(folder / name).as_posix()}"

    def copy(self, source: str, folder: Path, name: str) -> str:
        """A copy of database ``source`` (closed: its engines disposed) as ``folder/name``."""
        import shutil

        target = self.url(folder, name)
        shutil.copy(source.removeprefix("sqlite:///"), target.removeprefix("sqlite:///"))
        return target

    def keep(self, url: str) -> None:
        """Nothing to do: a file lives as long as its folder."""

    def release(self) -> None:
        """Nothing to drop: the files go with the test's temporary folder."""

    def close(self) -> None:
        pass


class PostgresDatabases:
    """Databases on one PostgreSQL server: a private cluster, or the server that
    ``XIEHUI_TEST_DATABASE_URL`` names (a database there the tests may connect to, with the
    right to create databases)."""

    dialect = "postgresql"

    def __init__(self, *, server: PostgresServer | None = None, admin_url: str = "") -> None:
        self.server = server
        self.admin_url = server.url("postgres") if server is not None else admin_url
        self._prefix = f"xt{uuid.uuid4().hex[:6]}"
        self._numbers = itertools.count(1)
        self._live: dict[str, str] = {}  # "folder/name" -> database name
        self._kept: set[str] = set()  # databases that outlive one test (module fixtures)
        self.template = f"{self._prefix}_template"
        self._execute(f'CREATE DATABASE "{self.template}"')
        self._migrate(self.url_of(self.template))

    def url_of(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(False)

    def _execute(self, statement: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    @staticmethod
    def _migrate(url: str) -> None:
        """The template is built by running every migration (not create_all): each
        ``--postgres`` run exercises the revisions on PostgreSQL."""
        from alembic import command

        from handlers.core.schema import alembic_config

        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                command.upgrade(alembic_config(connection), "head")
        finally:
            engine.dispose()

    def url(self, folder: Path, name: str = "xiehui.db") -> str:
        key = f"{folder}/{name}"
        database = self._live.get(key)
        if database is None:
            database = f"{self._prefix}_{next(self._numbers)}"
            self._execute(f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')
            self._live[key] = database
        return self.url_of(database)

    def copy(self, source: str, folder: Path, name: str) -> str:
        """A copy of database ``source`` (nobody connected to it) as ``folder/name``."""
        database = f"{self._prefix}_{next(self._numbers)}"
        self._execute(f'CREATE DATABASE "{database}" TEMPLATE "{make_url(source).database}"')
        self._live[f"{folder}/{name}"] = database
        return self.url_of(database)

    def keep(self, url: str) -> None:
        """``url``'s database outlives the test that created it (dropped at the end)."""
        self._kept.add(str(make_url(url).database))

    def empty_url(self, folder: Path, name: str = "empty.db") -> str:
        """A database without any table (for migration tests)."""
        key = f"{folder}/{name}"
        database = f"{self._prefix}_{next(self._numbers)}"
        self._execute(f'CREATE DATABASE "{database}"')
        self._live[key] = database
        return self.url_of(database)

    def release(self) -> None:
        """Drop the databases the finished test created (closing what still uses them)."""
        for key, database in list(self._live.items()):
            if database not in self._kept:
                self._execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                del self._live[key]

    def close(self) -> None:
        self._kept.clear()
        self.release()
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


class _Current:
    """The session's choice, set once by conftest's ``pytest_configure``."""

    databases: SqliteDatabases | PostgresDatabases = SqliteDatabases()


current = _Current()


def database_url(folder: Path, name: str = "xiehui.db") -> str:
    """The test database "in" ``folder`` (see the module docstring)."""
    return current.databases.url(folder, name)


def on_postgres() -> bool:
    return current.databases.dialect == "postgresql"


def requested_url() -> str:
    """``XIEHUI_TEST_DATABASE_URL`` as the shell gave it (read before conftest clears the
    XIEHUI_ variables)."""
    return os.environ.get("XIEHUI_TEST_DATABASE_URL", "")
