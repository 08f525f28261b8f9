"""The durable inbox: one row per inbound message key, the system of record for "seen it".

A callback is claimed here (one ``INSERT ... ON CONFLICT DO NOTHING``) before anything is
answered, so a retry, a second worker or a restart never handles a message twice, whatever
state Redis is in. The row also decides, atomically, how the answer leaves:

- ``route`` starts empty. The handler's completion sets it to ``passive`` (storing the
  encrypted reply, which WeCom's retries are then given) only while it is still empty;
- an HTTP request that stops waiting sets it to ``outbox`` only while it is still empty, and
  then the answer goes through the outbox. So exactly one of the two happens.

While a handler runs, its owner refreshes ``heartbeat_at``; a claim whose heartbeat is older
than the stale time belongs to a dead or stalled process and is taken over (compare-and-set on
the old heartbeat), with the decrypted payload kept in ``payload`` until the message is done so
the new owner can run it. Done rows keep only the key, the route and the reply; they are
deleted after the retention time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from handlers.core import hotsql
from handlers.core.db import utcnow

logger = logging.getLogger(__name__)

PROCESSING = "processing"
DONE = "done"
PASSIVE = "passive"
OUTBOX = "outbox"
UNDECIDED = ""


class InboxClaim(SQLModel, table=True):
    __tablename__ = "inbox_claim"

    key: str = Field(primary_key=True, max_length=200)
    status: str = Field(default=PROCESSING, index=True, max_length=16)
    route: str = Field(default=UNDECIDED, max_length=16)
    owner: str = Field(default="", max_length=80)
    heartbeat_at: datetime = Field(default_factory=utcnow)
    attempts: int = 1
    payload: str = ""  # the decrypted message while it is being handled; cleared when done
    reply: str = ""  # the encrypted passive reply, replayed to retries
    created_at: datetime = Field(default_factory=utcnow, index=True)


@dataclass(frozen=True)
class ClaimView:
    key: str
    status: str
    route: str
    owner: str
    heartbeat_at: datetime
    attempts: int
    reply: str

    @property
    def done(self) -> bool:
        return self.status == DONE


class Inbox:
    """Claims and decisions on inbound message keys (every method is one or two statements)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._upsert = _insert_ignore(engine)
        # SQLite counts the rows an INSERT ... ON CONFLICT DO NOTHING inserted exactly
        # (sqlite3_changes: 1 or 0), so there the claim needs no RETURNING, whose row costs
        # the driver a second step (and a second release of the GIL) per callback.
        self._counted = engine.dialect.name == "sqlite"
        self._claim: Any = (
            self._upsert if self._counted else self._upsert.returning(col(InboxClaim.key))
        )
        # Statements are built once: building one costs more than running it, and these run
        # for every callback. They run on a plain connection; no ORM session is needed.
        self._updates: dict[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], Any] = {}
        self._get: Any = core_select(*_VIEW_COLUMNS).where(col(InboxClaim.key) == bindparam("key"))
        self._claim_reads: dict[int, Any] = {}

    def claim(self, key: str, owner: str, payload: str = "", route: str = UNDECIDED) -> bool:
        """Claim ``key`` for ``owner``; False when it was claimed before (by anyone).

        ``route`` OUTBOX up front for messages that cannot take a passive reply.
        """
        now = utcnow()
        values = {
            "key": key,
            "status": PROCESSING,
            "route": route,
            "owner": owner,
            "heartbeat_at": now,
            "attempts": 1,
            "payload": payload,
            "reply": "",
            "created_at": now,
        }
        # Elsewhere RETURNING says whether this statement inserted the row (rowcount is no
        # portable answer: on PostgreSQL it is not 1 for an insert that happened).
        try:
            outcome = hotsql.execute(self.engine, self._claim, values)
        except IntegrityError:  # dialects without ON CONFLICT: the key exists
            return False
        except self.engine.dialect.loaded_dbapi.IntegrityError:  # the same, from the driver
            return False
        return outcome.rowcount == 1 if self._counted else outcome.first() is not None

    def claim_reading(
        self,
        key: str,
        owner: str,
        payload: str,
        route: str,
        statement: Any,
        params: Mapping[str, Any],
    ) -> tuple[bool, list[tuple[Any, Mapping[str, Any], hotsql.Outcome]]]:
        """:meth:`claim`, and also run the prebuilt SELECT ``statement`` with ``params``.

        On PostgreSQL both go in one round trip (the claim is a data-modifying ``WITH``, the
        read the statement's own, so nothing changes about either); elsewhere the claim is
        one statement and the read is left to its caller. Returns whether the message was
        claimed and, when the read ran and the message was claimed, its answer in the form
        :func:`handlers.core.hotsql.read_ahead` takes.
        """
        if self.engine.dialect.name != "postgresql":
            return self.claim(key, owner, payload, route), []
        combined = self._claim_reads.get(id(statement))
        if combined is None:
            combined = self._claim_reads[id(statement)] = _claim_reading(statement)
        values: dict[str, Any] = {f"c_{name}": value for name, value in params.items()}
        values.update(
            {
                "n_key": key,
                "n_status": PROCESSING,
                "n_route": route,
                "n_owner": owner,
                "n_heartbeat_at": utcnow(),
                "n_attempts": 1,
                "n_payload": payload,
                "n_reply": "",
                "n_created_at": utcnow(),
            }
        )
        rows = hotsql.execute(self.engine, combined, values).rows
        if not rows or rows[0][0] is None:  # the key existed: claimed before
            return False, []
        read = [row[1:] for row in rows]
        return True, [(statement, dict(params), hotsql.Outcome(read, len(read)))]

    def get(self, key: str) -> ClaimView | None:
        row = hotsql.execute(self.engine, self._get, {"key": key}).first()
        if row is None:
            return None
        return ClaimView(row[0], row[1], row[2], row[3], _aware(row[4]), row[5], row[6])

    def payload(self, key: str) -> str:
        with Session(self.engine) as session:
            row = session.get(InboxClaim, key)
            return row.payload if row is not None else ""

    def heartbeat(self, key: str, owner: str) -> bool:
        """Still working on ``key``; False when the claim was taken over or is done."""
        return self._update(
            key, {"heartbeat_at": utcnow()}, ("owner", "=", owner), ("status", "=", PROCESSING)
        )

    def take_over(self, view: ClaimView, owner: str, stale_seconds: float) -> bool:
        """Take a claim whose heartbeat is older than ``stale_seconds`` (compare-and-set on
        the attempt counter seen in ``view``, so of two contenders exactly one wins)."""
        cutoff = utcnow() - timedelta(seconds=stale_seconds)
        return self._update(
            view.key,
            {"owner": owner, "heartbeat_at": utcnow(), "attempts": view.attempts + 1},
            ("status", "=", PROCESSING),
            ("attempts", "=", view.attempts),
            ("heartbeat_at", "<", cutoff),
        )

    def settle_passive(self, key: str, owner: str, reply: str) -> bool:
        """The answer goes back as ``reply`` on an HTTP response, if nobody chose the outbox."""
        return self._update(
            key,
            {"route": PASSIVE, "reply": reply, "status": DONE, "payload": ""},
            ("owner", "=", owner),
            ("route", "=", UNDECIDED),
        )

    def route_to_outbox(self, key: str, owner: str) -> bool:
        """The owner sends the answer through the outbox (unless it lost the claim)."""
        return self._update(
            key,
            {"route": OUTBOX},
            ("owner", "=", owner),
            ("status", "=", PROCESSING),
            ("route", "in", [UNDECIDED, OUTBOX]),
        )

    def give_up_waiting(self, key: str) -> ClaimView | None:
        """An HTTP request stops waiting: choose the outbox unless the reply is already out."""
        self._update(key, {"route": OUTBOX}, ("route", "=", UNDECIDED))
        return self.get(key)

    def finish(self, key: str, owner: str, *, route: str | None = None) -> bool:
        values: dict[str, object] = {"status": DONE, "payload": ""}
        if route is not None:
            values["route"] = route
        return self._update(key, values, ("owner", "=", owner), ("status", "=", PROCESSING))

    def stale(self, older_than: float, limit: int = 50) -> list[ClaimView]:
        """Claims still processing whose heartbeat is older than ``older_than`` seconds."""
        cutoff = utcnow() - timedelta(seconds=older_than)
        with Session(self.engine) as session:
            rows = session.exec(
                select(InboxClaim)
                .where(
                    col(InboxClaim.status) == PROCESSING,
                    col(InboxClaim.heartbeat_at) < cutoff,
                )
                .order_by(col(InboxClaim.created_at))
                .limit(limit)
            ).all()
            return [
                ClaimView(
                    r.key,
                    r.status,
                    r.route,
                    r.owner,
                    _aware(r.heartbeat_at),
                    r.attempts,
                    r.reply,
                )
                for r in rows
            ]

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as session:
            statuses = session.exec(select(InboxClaim.status)).all()
        out: dict[str, int] = {}
        for status in statuses:
            out[status] = out.get(status, 0) + 1
        return out

    def purge(self, older_than: timedelta) -> int:
        """Delete finished claims created before ``older_than`` ago."""
        cutoff = utcnow() - older_than
        with Session(self.engine) as session:
            result = session.execute(
                delete(InboxClaim).where(
                    col(InboxClaim.status) == DONE, col(InboxClaim.created_at) < cutoff
                )
            )
            session.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]

    def _update(
        self, key: str, values: dict[str, object], *conditions: tuple[str, str, object]
    ) -> bool:
        """``UPDATE ... WHERE key = :key AND <conditions>``; True when it changed the row.

        Conditions are ``(column, "=" | "<" | "in", value)``. One statement is built per
        shape (columns set, conditions) and reused; the values are bound parameters.
        """
        shape = (tuple(sorted(values)), tuple((c, op) for c, op, _ in conditions))
        statement = self._updates.get(shape)
        if statement is None:
            clauses = [col(InboxClaim.key) == bindparam("key_")]
            for index, (column, op, _value) in enumerate(conditions):
                field = getattr(InboxClaim.__table__.c, column)  # type: ignore[attr-defined]
                param: Any = bindparam(f"w_{index}", expanding=op == "in")
                clauses.append(
                    field.in_(param)
                    if op == "in"
                    else field < param
                    if op == "<"
                    else field == param
                )
            statement = (
                update(InboxClaim)
                .where(*clauses)
                .values({name: bindparam(f"v_{name}") for name in values})
            )
            self._updates[shape] = statement
        params: dict[str, object] = {f"v_{name}": value for name, value in values.items()}
        params.update({f"w_{i}": value for i, (_c, _op, value) in enumerate(conditions)})
        params["key_"] = key
        return hotsql.execute(self.engine, statement, params).rowcount == 1


_VIEW_COLUMNS = (
    col(InboxClaim.key),
    col(InboxClaim.status),
    col(InboxClaim.route),
    col(InboxClaim.owner),
    col(InboxClaim.heartbeat_at),
    col(InboxClaim.attempts),
    col(InboxClaim.reply),
)


def _insert_ignore(engine: Engine):  # type: ignore[no-untyped-def]
    """``INSERT ... ON CONFLICT DO NOTHING`` for the dialects that have it."""
    name = engine.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(InboxClaim).on_conflict_do_nothing(index_elements=["key"])
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(InboxClaim).on_conflict_do_nothing(index_elements=["key"])
    return insert(InboxClaim)


def _claim_reading(statement: Any) -> Any:
    """PostgreSQL: ``WITH claimed AS (INSERT ... ON CONFLICT DO NOTHING RETURNING key)
    SELECT (SELECT key FROM claimed), read.* FROM (<statement>) AS read``. The insert runs
    exactly once whether or not its rows are read; the read's parameters are renamed
    ``c_<name>`` and the claim's ``n_<column>``, so neither shadows the other."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    table: Any = InboxClaim.__table__  # type: ignore[attr-defined]
    claimed = (
        pg_insert(table)
        .values({c.name: bindparam(f"n_{c.name}", type_=c.type) for c in table.columns})
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(table.c.key)
        .cte("claimed")
    )
    renamed = {
        bind.key: bindparam(f"c_{bind.key}", type_=bind.type) for bind in _bindparams(statement)
    }
    read = _rebind(statement, renamed).subquery("hot_read")
    return core_select(core_select(claimed.c.key).scalar_subquery().label("claimed_key"), *read.c)


def _bindparams(statement: Any) -> list[Any]:
    from sqlalchemy.sql import visitors

    found: list[Any] = []
    visitors.traverse(statement, {}, {"bindparam": found.append})
    return found


def _rebind(statement: Any, renamed: dict[str, Any]) -> Any:
    from sqlalchemy.sql import visitors

    def replace(element: Any, **_kw: Any) -> Any:
        if getattr(element, "__visit_name__", "") == "bindparam" and element.key in renamed:
            return renamed[element.key]
        return None

    opts: dict[str, Any] = {}
    result: Any = visitors.replacement_traverse(statement, opts, replace)
    return result


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
