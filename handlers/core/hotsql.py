"""Statements on the callback's hot path, run straight on the database driver.

Every callback runs a handful of one-row statements (the inbox claim and its settlement, the
member, the conversation state). Through SQLAlchemy each one costs a pool checkout, a
``Connection``, an execution context, a result object and a commit: several times what the
database itself spends on it. Here a statement is compiled once for the engine's dialect
(SQLAlchemy still writes the SQL and converts the values, with the column types' own
processors) and then run on a driver connection in autocommit mode that belongs to the calling
thread (on SQLite: one connection for the process, one statement at a time; see
``HotSQL.__init__``): each statement is its own transaction, exactly as before, with nothing of
SQLAlchemy left per call.

A caller that read several things in one statement can hand some of them on as the answers
of the prebuilt statements that would otherwise read them apart (:func:`read_ahead`): within
its ``with`` block, on its thread, such a statement run with the same parameters gets the
answer without a trip to the database, until any statement that is not a ``SELECT`` runs on
that thread (here or through SQLAlchemy): a write may change what was read.

Only what the compiled form fully describes is run this way; anything else (an expanding
``IN`` list, a column default computed in Python, an in-memory SQLite database, whose one
connection cannot be shared out) falls back to an ordinary SQLAlchemy execution, with the
same result. Connections are closed when the engine is disposed.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import SingletonThreadPool, StaticPool

Processor = Callable[[Any], Any] | None
_REQUIRED = object()  # a parameter the caller must give


@dataclass(frozen=True)
class Outcome:
    """What a statement returned: its rows (already converted) and the rows it changed."""

    rows: list[tuple[Any, ...]]
    rowcount: int

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None


class _Compiled:
    """One statement compiled for one dialect: the SQL, how to bind, how to read rows."""

    def __init__(self, statement: Any, engine: Engine) -> None:
        dialect = engine.dialect
        compiled: Any = statement.compile(dialect=dialect)
        self.statement = statement  # keeps id(statement), the cache key, unique
        self.sql: str = compiled.string
        self.supported = not (
            compiled.insert_prefetch
            or compiled.update_prefetch
            or getattr(compiled, "escaped_bind_names", None)
            or any(bind.expanding for bind in compiled.bind_names)
        )
        self.binds: list[tuple[str, str, Processor, Any]] = []  # (name, key, processor, default)
        for bind, name in compiled.bind_names.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            default = _REQUIRED if bind.required else bind.effective_value
            self.binds.append((name, bind.key, processor, default))
        self.order: Sequence[str] | None = compiled.positiontup if compiled.positional else None
        columns = getattr(statement, "exported_columns", ())
        self.readers: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]
        self.returns_rows = bool(self.readers)
        self.is_select = bool(getattr(statement, "is_select", False))

    def parameters(self, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        values: dict[str, Any] = {}
        for name, key, processor, default in self.binds:
            value = params.get(key, default)
            if value is _REQUIRED:
                raise KeyError(f"no value for the parameter {key!r}")
            values[name] = processor(value) if processor is not None else value
        if self.order is None:
            return values
        return [values[name] for name in self.order]

    def read(self, rows: list[Any]) -> list[tuple[Any, ...]]:
        readers = self.readers
        if not any(readers):
            return [tuple(row) for row in rows]
        return [
            tuple(r(v) if r is not None else v for r, v in zip(readers, row, strict=True))
            for row in rows
        ]


class HotSQL:
    """Runs compiled statements on autocommit driver connections of ``engine``: one per
    thread, or on SQLite one for the process, used by one thread at a time."""

    def __init__(self, engine: Engine) -> None:
        # weakly: the registry below is keyed by the engine, which must stay collectable
        self._engine = weakref.ref(engine)
        pool = engine.pool
        in_memory = engine.dialect.name == "sqlite" and engine.url.database in (
            None,
            "",
            ":memory:",
        )
        #: False: every statement goes through SQLAlchemy (a pool that shares one connection).
        self.enabled = not (in_memory or isinstance(pool, StaticPool | SingletonThreadPool))
        self._compiled: dict[int, _Compiled] = {}
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[Any] = []  # every driver connection handed out, to close
        self._error_hooks: list[Callable[[BaseException], None]] = []
        # SQLite: one driver connection for every thread, its statements one at a time under
        # this lock. A SQLite connection that finds the database changed by another connection
        # since its last statement drops its whole page cache, so with one connection per
        # thread nearly every statement of the callback threads started cold and read the
        # pages of its B-trees back from the files (about 27 pread calls per callback, 1 with
        # one connection; counted with strace). SQLite lets one writer at a time into the
        # database anyway, and a writer that finds it taken sleeps in SQLite's busy handler
        # (1 ms, then 2, 5, 10 ms … however soon it was free); these one-row statements take
        # tens of microseconds, so they queue here instead (a waiter wakes as soon as the
        # lock is released). Writers in other processes still meet the busy handler.
        self._shared_lock = threading.Lock() if engine.dialect.name == "sqlite" else None
        self._shared: Any = None  # the shared SQLite connection, once made
        event.listen(engine, "engine_disposed", lambda _engine: self.close())
        event.listen(engine, "before_cursor_execute", self._sqlalchemy_statement)

    @property
    def engine(self) -> Engine:
        engine = self._engine()
        assert engine is not None, "the engine of a HotSQL was collected"
        return engine

    def on_error(self, hook: Callable[[BaseException], None]) -> None:
        """Call ``hook`` with every error a statement raises here (the metrics count them)."""
        self._error_hooks.append(hook)

    def execute(self, statement: Any, params: Mapping[str, Any]) -> Outcome:
        """Run ``statement`` with ``params`` as its own transaction."""
        compiled = self._compiled.get(id(statement))
        if compiled is None:
            compiled = self._compiled[id(statement)] = _Compiled(statement, self.engine)
        ahead: dict[Any, Outcome] | None = self._local.__dict__.get("ahead")
        if ahead:
            if not compiled.is_select:
                self._forget_ahead()  # a write: what was read ahead may have changed
            else:
                found = ahead.get(_answer_key(statement, params))
                if found is not None:
                    return found
        if not (self.enabled and compiled.supported):
            return self._through_sqlalchemy(statement, params)
        values = compiled.parameters(params)
        if self._shared_lock is None:
            return self._run(self._connection(), compiled, values)
        with self._shared_lock:  # see __init__
            return self._run(self._connection(), compiled, values)

    def _run(self, connection: Any, compiled: _Compiled, values: Any) -> Outcome:
        cursor = connection.cursor()
        try:
            cursor.execute(compiled.sql, values)
            raw = cursor.fetchall() if compiled.returns_rows else []
            return Outcome(compiled.read(raw) if raw else [], cursor.rowcount)
        except Exception as exc:
            for hook in self._error_hooks:
                hook(exc)
            if isinstance(exc, self.engine.dialect.loaded_dbapi.Error) and (
                self.engine.dialect.is_disconnect(exc, connection, cursor)
            ):
                self._drop(connection)
            raise
        finally:
            cursor.close()

    def read_ahead(self, answers: Iterable[tuple[Any, Mapping[str, Any], Outcome]]) -> _ReadAhead:
        """Within the ``with`` block, on this thread: ``statement`` run with ``params``
        answers ``outcome`` (for each given, and what an enclosing block gives), until a
        statement that is not a SELECT runs (which forgets the enclosing blocks' answers
        too)."""
        return _ReadAhead(self._local.__dict__, answers)

    def _forget_ahead(self) -> None:
        for answers in self._local.__dict__.get("ahead_stack", ()):
            answers.clear()

    def _sqlalchemy_statement(self, _conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if self._local.__dict__.get("ahead") and sql.lstrip()[:6].upper() != "SELECT":
            self._forget_ahead()

    def _through_sqlalchemy(self, statement: Any, params: Mapping[str, Any]) -> Outcome:
        with self.engine.connect() as connection:
            result = connection.execute(statement, dict(params))
            rows = [tuple(row) for row in result] if result.returns_rows else []
            connection.commit()
        return Outcome(rows, int(result.rowcount))

    def _connection(self) -> Any:
        """This thread's connection (SQLite: the shared one; the caller holds its lock)."""
        if self._shared_lock is not None:
            if self._shared is None:
                self._shared = self._new_connection()
            return self._shared
        connection: Any = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._new_connection()
        return connection

    def _new_connection(self) -> Any:
        # Made by the engine (so its connect hooks, such as SQLite's pragmas, ran), then
        # taken out of its pool for good: its thread (or, on SQLite, this object) keeps it.
        fairy = self.engine.raw_connection()
        fairy.detach()
        connection: Any = fairy.dbapi_connection
        connection.rollback()
        self.engine.dialect.set_isolation_level(connection, "AUTOCOMMIT")
        with self._lock:
            self._connections.append(connection)
        return connection

    def _drop(self, connection: Any) -> None:
        if self._shared is connection:
            self._shared = None
        self._local.connection = None
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)
        with contextlib.suppress(Exception):  # already broken: nothing more to release
            connection.close()

    def close(self) -> None:
        """Close every connection handed out (threads that run later open new ones)."""
        with self._lock:
            connections, self._connections = self._connections, []
        self._local = threading.local()
        self._shared = None
        for connection in connections:
            with contextlib.suppress(Exception):  # a connection whose server went away
                connection.close()


class _ReadAhead:
    """The ``with`` block of :meth:`HotSQL.read_ahead` (a plain class: entered for every
    message, where a generator-based context manager costs several calls more)."""

    __slots__ = ("_local", "_answers", "_previous")

    def __init__(
        self, local: dict[str, Any], answers: Iterable[tuple[Any, Mapping[str, Any], Outcome]]
    ) -> None:
        self._local = local
        self._answers = answers
        self._previous: dict[Any, Outcome] | None = None

    def __enter__(self) -> None:
        local = self._local
        self._previous = previous = local.get("ahead")
        current = dict(previous) if previous else {}
        for statement, params, outcome in self._answers:
            current[_answer_key(statement, params)] = outcome
        local.setdefault("ahead_stack", []).append(current)
        local["ahead"] = current

    def __exit__(self, *_exc: object) -> None:
        self._local["ahead_stack"].pop()
        self._local["ahead"] = self._previous


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, HotSQL] = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def hot(engine: Engine) -> HotSQL:
    """The one :class:`HotSQL` of ``engine``."""
    runner = _BY_ENGINE.get(engine)
    if runner is None:
        with _REGISTRY_LOCK:
            runner = _BY_ENGINE.get(engine)
            if runner is None:
                runner = _BY_ENGINE[engine] = HotSQL(engine)
    return runner


def _answer_key(statement: Any, params: Mapping[str, Any]) -> tuple[int, tuple[Any, ...]]:
    return id(statement), tuple(sorted(params.items()))


def read_ahead(
    engine: Engine, answers: Iterable[tuple[Any, Mapping[str, Any], Outcome]]
) -> _ReadAhead:
    """Answers read already for prebuilt statements of ``engine`` (see the module docstring)."""
    return hot(engine).read_ahead(answers)


def execute(engine: Engine, statement: Any, params: Mapping[str, Any]) -> Outcome:
    """Run a prebuilt statement on the hot path of ``engine`` (see the module docstring)."""
    return hot(engine).execute(statement, params)
