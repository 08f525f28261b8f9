"""The audit log: who changed what, when, and through which channel (chat or console).

Services that change shared state on behalf of staff (answering a hand-off, assigning it,
drafting a knowledge entry, notices, reminders, flags on activity records, roster imports) call
:func:`record`; the console shows the entries of each area on the page that area lives on,
filtered to the viewer's region.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel, col, select

from handlers.core.db import session_scope, utcnow
from handlers.core.members import RegionPath

logger = logging.getLogger(__name__)

#: Areas of the audit log (one per console page).
TICKETS = "tickets"
NOTICES = "notices"
REMINDERS = "reminders"
ACTIVITIES = "activities"
ROSTER = "roster"


class AuditEntry(SQLModel, table=True):
    """One change made by a person."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: str = Field(default="", max_length=64, index=True)
    actor_name: str = ""
    via: str = Field(default="chat", max_length=16)  # chat / console / cli
    area: str = Field(default="", max_length=32, index=True)
    subject: str = Field(default="", max_length=64, index=True)  # "ticket:12", "broadcast:3"
    region: str = ""  # '/'-joined region the change belongs to ("" = everywhere)
    summary: str = ""  # Chinese, shown as is (escaped) on the console


def region_text(region: RegionPath) -> str:
    return "/".join(p for p in region.parts() if p)


def region_of(text: str) -> RegionPath:
    parts = [p for p in text.split("/") if p]
    return RegionPath(*parts[:5])


def record(
    engine: Engine,
    *,
    actor_id: str,
    actor_name: str = "",
    via: str,
    area: str,
    subject: str,
    region: RegionPath | str,
    summary: str,
) -> AuditEntry:
    """Store one entry; returns it (with its id)."""
    entry = AuditEntry(
        actor_id=actor_id,
        actor_name=actor_name,
        via=via,
        area=area,
        subject=subject,
        region=region if isinstance(region, str) else region_text(region),
        summary=summary[:500],
    )
    with session_scope(engine) as session:
        session.add(entry)
        session.flush()
        session.refresh(entry)
    logger.info("audit %s %s by %s via %s", area, subject, actor_id, via)
    return entry


def recent(
    engine: Engine,
    scope: RegionPath,
    *,
    area: str | None = None,
    subjects: Sequence[str] | None = None,
    limit: int = 20,
) -> list[AuditEntry]:
    """The latest entries inside ``scope`` (an entry for everywhere is shown only to those who
    see everywhere), newest first."""
    with session_scope(engine) as session:
        query = select(AuditEntry)
        if area is not None:
            query = query.where(AuditEntry.area == area)
        if subjects is not None:
            query = query.where(col(AuditEntry.subject).in_(list(subjects)))
        prefix = region_text(scope)
        if prefix and not any(not part for part in scope.parts()[: len(prefix.split("/"))]):
            # a contiguous scope ("广西/北海市/合浦县"): narrow in SQL, check exactly below
            query = query.where(
                (col(AuditEntry.region) == prefix)
                | col(AuditEntry.region).startswith(prefix + "/")
            )
        query = query.order_by(col(AuditEntry.id).desc()).limit(limit * 5)
        rows = list(session.exec(query))
    visible = [row for row in rows if scope.contains(region_of(row.region))]
    return visible[:limit]
