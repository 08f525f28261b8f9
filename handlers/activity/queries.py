"""Read-only queries the web console needs besides the store's own.

- :func:`monthly_totals`: month-by-month totals over a span of months in one query (the trend
  chart) — the same records :func:`handlers.activity.stats.month_stats` counts (live records
  whose activity started in the month, inside the region), summed in the database instead of
  loading every record of twelve months;
- :func:`record_view`: one record with its items and photo count (a record's card);
- :func:`photo`: one photo row (served only after its record's region is checked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import extract, func
from sqlalchemy import select as sql_select
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from handlers.activity.models import ActivityItem, ActivityPhoto, ActivityRecord
from handlers.activity.store import RecordView, month_bounds
from handlers.core.db import session_scope
from handlers.core.members import REGION_LEVELS, RegionPath


@dataclass(frozen=True)
class MonthTotal:
    year: int
    month: int
    records: int
    participants: int
    groups: int  # groups with at least one record


def month_span(last: tuple[int, int], count: int) -> list[tuple[int, int]]:
    """``count`` months ending with ``last``, oldest first."""
    year, month = last
    out: list[tuple[int, int]] = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def monthly_totals(
    engine: Engine, months: list[tuple[int, int]], region: RegionPath
) -> list[MonthTotal]:
    """Totals for each of ``months`` (consecutive, oldest first), zeros where nothing was logged."""
    if not months:
        return []
    first, _ = month_bounds(*months[0])
    _, following = month_bounds(*months[-1])
    year_col = extract("year", col(ActivityRecord.date_start))
    month_col = extract("month", col(ActivityRecord.date_start))
    query: Any = (
        sql_select(
            year_col,
            month_col,
            func.count(col(ActivityRecord.id)),
            func.coalesce(func.sum(col(ActivityRecord.participants)), 0),
            func.count(func.distinct(func.nullif(col(ActivityRecord.group_code), ""))),
        )
        .where(
            col(ActivityRecord.date_start) >= first,
            col(ActivityRecord.date_start) < following,
            col(ActivityRecord.revoked_at).is_(None),
        )
        .group_by(year_col, month_col)
    )
    for level, value in zip(REGION_LEVELS, region.parts(), strict=True):
        if value:
            query = query.where(getattr(ActivityRecord, level) == value)
    with session_scope(engine) as session:
        rows = session.execute(query).all()
    found = {(int(y), int(m)): (int(r), int(p), int(g)) for y, m, r, p, g in rows}
    return [MonthTotal(y, m, *found.get((y, m), (0, 0, 0))) for y, m in months]


def record_view(engine: Engine, record_id: int) -> RecordView | None:
    """Record ``record_id`` (live or revoked) with its items and photo count."""
    with session_scope(engine) as session:
        record = session.get(ActivityRecord, record_id)
        if record is None:
            return None
        items = list(session.exec(select(ActivityItem).where(ActivityItem.record_id == record_id)))
        photos = session.exec(
            select(func.count()).where(ActivityPhoto.record_id == record_id)
        ).one()
    return RecordView(record, items, int(photos))


def photo(engine: Engine, photo_id: int) -> ActivityPhoto | None:
    with session_scope(engine) as session:
        return session.get(ActivityPhoto, photo_id)
