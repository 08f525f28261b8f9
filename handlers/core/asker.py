"""Who sent a message, as the router needs to know before routing it: one statement.

Every message needs its sender's member row (role, region) and, for most routes, the sender's
live conversation values (a pending numbered choice, an open question). Read apart they were
two statements per message, each a trip to the database driver (on PostgreSQL a network round
trip) and a release of the GIL that another thread may take; read together they are one:

    SELECT member.*, conversation_state.name, conversation_state.value
    FROM (SELECT :user_id AS uid) AS asker
    LEFT OUTER JOIN member ON member.user_id = asker.uid
    LEFT OUTER JOIN conversation_state ON channel = :channel AND user_id = asker.uid
                                          AND expires_at > :now

Both joins are primary-key lookups. The result has one row per live conversation value (one
row with NULLs when there is none), each carrying the member's columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, bindparam, cast
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine

from handlers.core import hotsql
from handlers.core.db import utcnow
from handlers.core.members import MEMBER_FIELDS, Member
from handlers.core.state import ConversationState

_MEMBER: Any = Member.__table__  # type: ignore[attr-defined]
_STATE: Any = ConversationState.__table__  # type: ignore[attr-defined]
_ASKER: Any = core_select(cast(bindparam("user_id"), String).label("uid")).subquery("asker")
_READ: Any = core_select(
    *(_MEMBER.c[name] for name in MEMBER_FIELDS), _STATE.c.name, _STATE.c.value
).select_from(
    _ASKER.outerjoin(_MEMBER, _MEMBER.c.user_id == _ASKER.c.uid).outerjoin(
        _STATE,
        and_(
            _STATE.c.channel == bindparam("channel"),
            _STATE.c.user_id == _ASKER.c.uid,
            _STATE.c.expires_at > bindparam("now"),
        ),
    )
)
_WIDTH = len(MEMBER_FIELDS)
_KEY = MEMBER_FIELDS.index("user_id")


@dataclass(frozen=True)
class Asker:
    """The sender's member row (None: not registered) and live conversation values (raw
    JSON by name, as :class:`handlers.core.state.Conversation` keeps them)."""

    member: Member | None
    conversation: dict[str, str]


def read_asker(engine: Engine, channel: str, user_id: str) -> Asker:
    """The member and the live conversation values of ``user_id`` on ``channel``."""
    rows = hotsql.execute(
        engine, _READ, {"user_id": user_id, "channel": channel, "now": utcnow()}
    ).rows
    member: Member | None = None
    values: dict[str, str] = {}
    for row in rows:
        if member is None and row[_KEY] is not None:
            member = Member(**dict(zip(MEMBER_FIELDS, row[:_WIDTH], strict=True)))
        if row[_WIDTH] is not None:
            values[row[_WIDTH]] = row[_WIDTH + 1]
    return Asker(member, values)
