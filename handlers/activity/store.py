"""Reads and writes activity records, their items and photos."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from handlers.activity.models import ActivityItem, ActivityPhoto, ActivityRecord
from handlers.activity.parser import ActivityDraft, find_places
from handlers.core.db import session_scope, utcnow
from handlers.core.members import REGION_LEVELS, Member, RegionPath

logger = logging.getLogger(__name__)


@dataclass
class RecordView:
    """A record with its items and how many photos back it."""

    record: ActivityRecord
    items: list[ActivityItem] = field(default_factory=list)
    photos: int = 0

    @property
    def region(self) -> RegionPath:
        r = self.record
        return RegionPath(r.province, r.city, r.county, r.township, r.village)


def normalise_place(place: str) -> str:
    return place.replace(" ", "").replace("村委会", "村").strip()


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, following


def fill_region_from_text(record: ActivityRecord, draft: ActivityDraft) -> None:
    """A coordinator registered at county level reporting for 廉州镇江口村: take the township and
    village the text names for the levels the reporter's own region leaves empty."""
    if record.village:
        return
    places = find_places(draft.text)
    towns = [place for place, level in places if level == "town"]
    villages = [place for place, level in places if level == "village"]
    if not record.township and towns:
        record.township = towns[0]
    if villages:
        record.village = villages[0]


class ActivityStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(
        self,
        draft: ActivityDraft,
        *,
        reporter_id: str,
        member: Member | None,
        channel: str,
        photos: Sequence[tuple[str, str]] = (),
    ) -> ActivityRecord:
        """Store a confirmed draft (date and place must be known) with its items and photos."""
        if draft.date is None or draft.place is None:
            raise ValueError("a record needs a date and a place")
        record = ActivityRecord(
            reporter_id=reporter_id,
            reporter_name=member.name if member else "",
            channel=channel,
            group_code=member.group_code if member else "",
            date_start=draft.date.start,
            date_end=draft.date.end,
            place=normalise_place(draft.place),
            kind=draft.kind,
            participants=draft.participants,
            participants_approx=draft.participants_approx,
            text=draft.text,
        )
        if member is not None:
            for level in REGION_LEVELS:
                setattr(record, level, getattr(member, level))
        fill_region_from_text(record, draft)
        with session_scope(self.engine) as session:
            session.add(record)
            session.flush()
            assert record.id is not None
            for item in draft.items:
                session.add(
                    ActivityItem(
                        record_id=record.id,
                        name=item.name,
                        category=item.category,
                        quantity=item.quantity,
                        unit=item.unit,
                        approximate=item.approximate,
                    )
                )
            for path, media_id in photos:
                session.add(ActivityPhoto(record_id=record.id, path=path, media_id=media_id))
        logger.info("activity record %s saved (items=%d)", record.id, len(draft.items))
        return record

    def find_duplicate(self, reporter_id: str, day: date, place: str) -> ActivityRecord | None:
        """A live record by the same reporter on the same start date at the same place."""
        with session_scope(self.engine) as session:
            query = select(ActivityRecord).where(
                ActivityRecord.reporter_id == reporter_id,
                ActivityRecord.date_start == day,
                ActivityRecord.place == normalise_place(place),
                col(ActivityRecord.revoked_at).is_(None),
            )
            return session.exec(query).first()

    def get(self, record_id: int) -> ActivityRecord | None:
        with session_scope(self.engine) as session:
            return session.get(ActivityRecord, record_id)

    def revoke(self, record_id: int, reporter_id: str) -> ActivityRecord | None:
        """Mark a live record of ``reporter_id`` revoked; None when there is nothing to undo."""
        with session_scope(self.engine) as session:
            record = session.get(ActivityRecord, record_id)
            if record is None or record.reporter_id != reporter_id or record.revoked_at:
                return None
            record.revoked_at = utcnow()
            session.add(record)
            return record

    def add_photo(self, record_id: int, path: str, media_id: str) -> int:
        """Attach a stored photo; returns how many photos the record now has.

        Idempotent on (record, media id): the same message handled twice stores one photo.
        """
        with session_scope(self.engine) as session:
            seen = session.exec(
                select(ActivityPhoto.id).where(
                    ActivityPhoto.record_id == record_id, ActivityPhoto.media_id == media_id
                )
            ).first()
            if seen is None or not media_id:
                session.add(ActivityPhoto(record_id=record_id, path=path, media_id=media_id))
                session.flush()
            count = session.exec(
                select(func.count()).where(ActivityPhoto.record_id == record_id)
            ).one()
            return int(count)

    def photos(self, record_id: int) -> list[ActivityPhoto]:
        with session_scope(self.engine) as session:
            query = select(ActivityPhoto).where(ActivityPhoto.record_id == record_id)
            return list(session.exec(query))

    def in_month(
        self, year: int, month: int, region: RegionPath | None = None
    ) -> list[RecordView]:
        """Live records whose activity started in the month, inside ``region``."""
        first, following = month_bounds(year, month)
        with session_scope(self.engine) as session:
            records = list(
                session.exec(
                    select(ActivityRecord)
                    .where(
                        ActivityRecord.date_start >= first,
                        ActivityRecord.date_start < following,
                        col(ActivityRecord.revoked_at).is_(None),
                    )
                    .order_by(col(ActivityRecord.date_start), col(ActivityRecord.id))
                )
            )
            views = [RecordView(record) for record in records]
            if region is not None:
                views = [view for view in views if region.contains(view.region)]
            ids = [view.record.id for view in views]
            if not ids:
                return []
            items = list(
                session.exec(select(ActivityItem).where(col(ActivityItem.record_id).in_(ids)))
            )
            photos = list(
                session.exec(select(ActivityPhoto).where(col(ActivityPhoto.record_id).in_(ids)))
            )
        by_id = {view.record.id: view for view in views}
        for item in items:
            by_id[item.record_id].items.append(item)
        for photo in photos:
            by_id[photo.record_id].photos += 1
        return views


def photo_dir(data_dir: Path) -> Path:
    return data_dir / "photos"
