"""Who sent a message, as the router needs to know before routing it: one statement.

Every message needs its sender's member row (role, region), for most routes the sender's live
conversation values (a pending numbered choice, an open question), and for a question from
someone without a registered region the region the family told us before
(:func:`handlers.profiles.remembered_region`). Read apart they were three statements per
message, each a trip to the database driver (on PostgreSQL a network round trip) and a
release of the GIL that another thread may take; read together they are one:

    SELECT member.*, familyprofile.user_id, familyprofile.province, familyprofile.city,
           conversation_state.name, conversation_state.value, conversation_state.expires_at
    FROM (SELECT :user_id AS uid) AS asker
    LEFT OUTER JOIN member ON member.user_id = asker.uid
    LEFT OUTER JOIN familyprofile ON channel = :channel AND user_id = asker.uid
    LEFT OUTER JOIN conversation_state ON channel = :channel AND user_id = asker.uid

Every join is a primary-key lookup. The result has one row per live conversation value (one
row with NULLs when there is none), each carrying the member's and the profile's columns. The
remembered region is handed on as the answer of ``remembered_region``'s own statement
(:func:`handlers.core.hotsql.read_ahead`) while the router handles the message.

Expired conversation values (kept until the sweeper purges them) are dropped here rather than
in SQL, so the statement's parameters are the sender alone: on PostgreSQL the callback runs it
in the same round trip as the message's claim (:meth:`handlers.core.inbox.Inbox.claim_reading`)
and hands the rows on to this read, again through ``read_ahead``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, cast
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine

from handlers.core import hotsql
from handlers.core.db import utcnow
from handlers.core.members import MEMBER_FIELDS, Member
from handlers.core.state import ConversationState
from handlers.profiles import REMEMBERED_REGION, FamilyProfile

_MEMBER: Any = Member.__table__  # type: ignore[attr-defined]
_STATE: Any = ConversationState.__table__  # type: ignore[attr-defined]
_PROFILE: Any = FamilyProfile.__table__  # type: ignore[attr-defined]
_ASKER: Any = core_select(cast(bindparam("user_id"), String).label("uid")).subquery("asker")
_READ: Any = core_select(
    *(_MEMBER.c[name] for name in MEMBER_FIELDS),
    _PROFILE.c.user_id,
    _PROFILE.c.province,
    _PROFILE.c.city,
    _STATE.c.name,
    _STATE.c.value,
    _STATE.c.expires_at,
).select_from(
    _ASKER.outerjoin(_MEMBER, _MEMBER.c.user_id == _ASKER.c.uid)
    .outerjoin(
        _PROFILE,
        and_(_PROFILE.c.channel == bindparam("channel"), _PROFILE.c.user_id == _ASKER.c.uid),
    )
    .outerjoin(
        _STATE,
        and_(_STATE.c.channel == bindparam("channel"), _STATE.c.user_id == _ASKER.c.uid),
    )
)
_WIDTH = len(MEMBER_FIELDS)
_KEY = MEMBER_FIELDS.index("user_id")


@dataclass(frozen=True)
class Asker:
    """The sender's member row (None: not registered), live conversation values (raw JSON by
    name, as :class:`handlers.core.state.Conversation` keeps them) and what
    ``remembered_region``'s statement would have read, with its parameters."""

    member: Member | None
    conversation: dict[str, str]
    read: list[tuple[Any, dict[str, Any], hotsql.Outcome]]


def statement(channel: str, user_id: str) -> tuple[Any, dict[str, str]]:
    """The sender's statement and its parameters (to run it together with another)."""
    return _READ, {"user_id": user_id, "channel": channel}


def read_asker(engine: Engine, channel: str, user_id: str) -> Asker:
    """The member and the live conversation values of ``user_id`` on ``channel``."""
    rows = hotsql.execute(engine, *statement(channel, user_id)).rows
    now = utcnow()
    first = rows[0]  # the derived table makes at least one row
    member = (
        None
        if first[_KEY] is None
        else Member(**dict(zip(MEMBER_FIELDS, first[:_WIDTH], strict=True)))
    )
    profile = [] if first[_WIDTH] is None else [(first[_WIDTH + 1], first[_WIDTH + 2])]
    values = {
        row[_WIDTH + 3]: row[_WIDTH + 4]
        for row in rows
        if row[_WIDTH + 3] is not None and _aware(row[_WIDTH + 5]) > now
    }
    read = [
        (
            REMEMBERED_REGION,
            {"channel": channel, "user_id": user_id},
            hotsql.Outcome(profile, len(profile)),
        )
    ]
    return Asker(member, values, read)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
