"""Short-lived conversation state (pending drafts, numbered choices), kept in the database.

A pending draft that a user confirms is part of their message, so it lives where messages
live: one row per (channel, user, name) with an expiry time, not in Redis, which may be down or
emptied. Each call is one small statement on the primary key. Expired rows are invisible at
once and deleted in bulk by :func:`purge_expired` (the callback sweeper runs it).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from handlers.core import hotsql
from handlers.core.db import upsert, utcnow


class ConversationState(SQLModel, table=True):
    __tablename__ = "conversation_state"

    channel: str = Field(primary_key=True, max_length=16)
    user_id: str = Field(primary_key=True, max_length=128)
    name: str = Field(primary_key=True, max_length=64)
    value: str
    expires_at: datetime = Field(index=True)


_STATE: Any = ConversationState.__table__  # type: ignore[attr-defined]
#: A user's live values, read once per message (built once: building costs more than running).
_LIVE_VALUES: Any = core_select(_STATE.c.name, _STATE.c.value).where(
    _STATE.c.channel == bindparam("channel"),
    _STATE.c.user_id == bindparam("user_id"),
    _STATE.c.expires_at > bindparam("now"),
)

_KEY = (
    _STATE.c.channel == bindparam("k_channel"),
    _STATE.c.user_id == bindparam("k_user_id"),
    _STATE.c.name == bindparam("k_name"),
)
_DELETE_VALUE: Any = delete(_STATE).where(*_KEY)


class Conversation:
    """Per-user scratch state: ``set("faq_choices", {...}, ttl=600)``, ``get``, ``pop``, ``clear``.

    ``pop`` is atomic: of two concurrent pops of the same value exactly one gets it (a second
    "确认发送" finds nothing).
    """

    def __init__(
        self,
        engine: Engine,
        channel: str,
        user_id: str,
        *,
        snapshot: bool = False,
        preloaded: dict[str, str] | None = None,
    ) -> None:
        self._engine = engine
        self._channel = channel
        self._user = user_id
        # With ``snapshot`` (one message's context), the first ``get`` reads all of the
        # user's live values in one statement and later reads use it; writes go to the
        # database as always and keep the snapshot current. Clearing a value the snapshot
        # does not hold is then free (most messages clear what was never set). ``preloaded``
        # is that snapshot read already (with the sender's member row, handlers.core.asker).
        self._snapshot: dict[str, str] | None = dict(preloaded) if preloaded is not None else None
        self._use_snapshot = snapshot or preloaded is not None

    def _where(self, name: str) -> tuple[Any, ...]:
        return (
            col(ConversationState.channel) == self._channel,
            col(ConversationState.user_id) == self._user,
            col(ConversationState.name) == name,
        )

    def _key(self, name: str) -> dict[str, str]:
        return {"k_channel": self._channel, "k_user_id": self._user, "k_name": name}

    def _load(self) -> dict[str, str]:
        if self._snapshot is None:
            rows = hotsql.execute(
                self._engine,
                _LIVE_VALUES,
                {"channel": self._channel, "user_id": self._user, "now": utcnow()},
            ).rows
            self._snapshot = {name: value for name, value in rows}
        return self._snapshot

    def get(self, name: str) -> Any | None:
        if self._use_snapshot:
            raw = self._load().get(name)
            return None if raw is None else json.loads(raw)
        with Session(self._engine) as session:
            row = session.exec(
                select(ConversationState.value).where(
                    *self._where(name), col(ConversationState.expires_at) > utcnow()
                )
            ).first()
        return None if row is None else json.loads(row)

    def ttl(self, name: str) -> float | None:
        """Seconds until ``name`` expires (None when absent or expired)."""
        with Session(self._engine) as session:
            expires = session.exec(
                select(ConversationState.expires_at).where(*self._where(name))
            ).first()
        if expires is None:
            return None
        left = (_aware(expires) - utcnow()).total_seconds()
        return left if left > 0 else None

    def set(self, name: str, value: Any, ttl: int) -> None:
        payload = json.dumps(value, ensure_ascii=False)
        expires = utcnow() + timedelta(seconds=ttl)
        # one upsert: two workers handling two messages of one user may set the same name
        upsert(
            self._engine,
            ConversationState.__table__,  # type: ignore[attr-defined]
            {
                "channel": self._channel,
                "user_id": self._user,
                "name": name,
                "value": payload,
                "expires_at": expires,
            },
            ("channel", "user_id", "name"),
        )
        if self._snapshot is not None:
            self._snapshot[name] = payload

    def pop(self, name: str) -> Any | None:
        if self._snapshot is not None:
            self._snapshot.pop(name, None)
        with Session(self._engine) as session:
            row = session.exec(
                select(ConversationState.value, ConversationState.expires_at).where(
                    *self._where(name)
                )
            ).first()
            if row is None:
                return None
            result = session.execute(
                delete(ConversationState).where(
                    *self._where(name), col(ConversationState.value) == row[0]
                )
            )
            session.commit()
        if result.rowcount != 1 or _aware(row[1]) <= utcnow():  # type: ignore[attr-defined]
            return None  # another pop won the race, or the value had expired
        return json.loads(row[0])

    def clear(self, name: str) -> None:
        if self._snapshot is not None and self._snapshot.pop(name, None) is None:
            return  # not set (or expired) when this message's snapshot was read
        hotsql.execute(self._engine, _DELETE_VALUE, self._key(name))

    @staticmethod
    def forget(engine: Engine, channel: str, user_id: str) -> int:
        """Delete everything kept for one user on one channel; returns how many rows."""
        with Session(engine) as session:
            result = session.execute(
                delete(ConversationState).where(
                    col(ConversationState.channel) == channel,
                    col(ConversationState.user_id) == user_id,
                )
            )
            session.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]


def purge_expired(engine: Engine) -> int:
    """Delete expired conversation rows; returns how many."""
    with Session(engine) as session:
        result = session.execute(
            delete(ConversationState).where(col(ConversationState.expires_at) <= utcnow())
        )
        session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
