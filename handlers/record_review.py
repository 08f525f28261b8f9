"""Coordinators' review marks on activity records: "存疑" (doubtful) with a note.

A mark does not change the record or the statistics; it tells colleagues and the office that a
record needs checking (a count that looks too high, a place outside the group's area …). Marks
are kept apart from the activity tables so the activity log stays the reporters' own words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Field, SQLModel, col, select

from handlers.activity.models import ActivityRecord
from handlers.activity.store import ActivityStore
from handlers.core import audit
from handlers.core.db import session_scope, utcnow
from handlers.core.errors import DomainError
from handlers.core.members import RegionPath
from handlers.core.permissions import Actor
from handlers.core.services import Services

ACTION = "标记活动记录"
MAX_NOTE_CHARS = 200


class RecordFlag(SQLModel, table=True):
    """The current review mark of one activity record."""

    __tablename__ = "activity_record_flag"

    record_id: int = Field(primary_key=True)
    doubtful: bool = False
    note: str = ""
    flagged_by: str = Field(default="", max_length=64)
    flagged_at: datetime = Field(default_factory=utcnow)


def record_region(record: ActivityRecord) -> RegionPath:
    return RegionPath(record.province, record.city, record.county, record.township, record.village)


def record_for(services: Services, scope: RegionPath, record_id: int) -> ActivityRecord:
    """Record ``record_id`` if it lies inside ``scope``; a record elsewhere reads as missing."""
    record = ActivityStore(services.engine).get(record_id)
    if record is None or not scope.contains(record_region(record)):
        raise DomainError(f"没有编号为 {record_id} 的活动记录。")
    return record


def flags_for(services: Services, record_ids: Sequence[int]) -> dict[int, RecordFlag]:
    if not record_ids:
        return {}
    with session_scope(services.engine) as session:
        rows = session.exec(
            select(RecordFlag).where(col(RecordFlag.record_id).in_(list(record_ids)))
        )
        return {row.record_id: row for row in rows}


def mark(
    services: Services,
    actor: Actor,
    record_id: int,
    *,
    doubtful: bool,
    note: str,
    via: str,
) -> RecordFlag:
    """Mark a record doubtful (with a note) or clear the mark; recorded in the audit log."""
    record = record_for(services, actor.scope(ACTION), record_id)
    note = note.strip()
    if len(note) > MAX_NOTE_CHARS:
        raise DomainError(f"说明太长，请控制在{MAX_NOTE_CHARS}字以内。")
    if doubtful and not note:
        raise DomainError("请写一句存疑的原因，方便同事核实。")
    with session_scope(services.engine) as session:
        flag = session.get(RecordFlag, record_id) or RecordFlag(record_id=record_id)
        flag.doubtful = doubtful
        flag.note = note if doubtful else ""
        flag.flagged_by = actor.user_id
        flag.flagged_at = utcnow()
        session.add(flag)
    audit.record(
        services.engine,
        actor_id=actor.user_id,
        actor_name=actor.name,
        via=via,
        area=audit.ACTIVITIES,
        subject=f"record:{record_id}",
        region=record_region(record),
        summary=(
            f"把活动记录 {record_id} 标为存疑：{note}"
            if doubtful
            else f"取消了活动记录 {record_id} 的存疑标记"
        ),
    )
    return flag
