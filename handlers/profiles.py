"""Remembered family regions: after a family says "广西", later answers use it.

Families on 微信客服 are not in the member registry, so the region they tell the bot is kept
here per (channel, user id). ``forget`` erases it (used by ``xiehui privacy forget``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

from handlers.core import hotsql
from handlers.core.db import session_scope, upsert, utcnow
from knowledge.regions import Region

logger = logging.getLogger(__name__)


class FamilyProfile(SQLModel, table=True):
    """The region a family told the bot (province short name, optional city)."""

    channel: str = Field(primary_key=True, max_length=16)
    user_id: str = Field(primary_key=True, max_length=128)
    province: str = ""
    city: str = ""
    updated_at: datetime = Field(default_factory=utcnow)


_PROFILE: Any = FamilyProfile.__table__  # type: ignore[attr-defined]
REMEMBERED_REGION: Any = core_select(_PROFILE.c.province, _PROFILE.c.city).where(
    _PROFILE.c.channel == bindparam("channel"), _PROFILE.c.user_id == bindparam("user_id")
)


def remembered_region(engine: Engine, channel: str, user_id: str) -> Region:
    """The region remembered for this asker, or an empty Region."""
    # Read for every family question: one prebuilt statement, no ORM session.
    row = hotsql.execute(
        engine, REMEMBERED_REGION, {"channel": channel, "user_id": user_id}
    ).first()
    return Region(row[0], row[1]) if row else Region()


def remember_region(engine: Engine, channel: str, user_id: str, region: Region) -> None:
    """Insert or overwrite in one statement (``INSERT ... ON CONFLICT DO UPDATE``): two
    workers remembering the same family's first region at once must not collide on the
    primary key (a read-then-insert would: an IntegrityError on the slower one)."""
    if region.is_empty:
        return
    values = {
        "channel": channel,
        "user_id": user_id,
        "province": region.province,
        "city": region.city,
        "updated_at": utcnow(),
    }
    upsert(engine, FamilyProfile.__table__, values, ("channel", "user_id"))  # type: ignore[attr-defined]


def forget(engine: Engine, channel: str, user_id: str) -> bool:
    """Erase what is remembered about this asker; True when something was deleted."""
    with session_scope(engine) as session:
        row = session.get(FamilyProfile, (channel, user_id))
        if row is None:
            return False
        session.delete(row)
    logger.info("family profile forgotten channel=%s", channel)
    return True
