"""Reads and writes activity records, their items and photos.

A record keeps the reporter's registered region and where the activity was held: ``place`` as
written, and ``held_township`` / ``held_village`` when that place lies in the reporter's county
as far as the roster and the member groups know it (see :func:`resolve_held`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from handlers.activity.dates import DateSpan
from handlers.activity.models import ActivityItem, ActivityPhoto, ActivityRecord
from handlers.activity.parser import ActivityDraft, Item, find_places
from handlers.core.db import session_scope, utcnow
from handlers.core.members import REGION_LEVELS, Member, MemberGroup, RegionPath

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


def same_activity(kind: str, participants: int | None, draft: ActivityDraft) -> bool:
    """Same kind (or one unknown) and no different head count: one activity, not two."""
    kinds = {kind, draft.kind}
    if len(kinds) > 1 and "other" not in kinds:
        return False
    return participants is None or draft.participants is None or participants == draft.participants


# 又 / 再次 / 第二次 / 另一次: the report says it is another activity than one before
_ANOTHER_TIME = re.compile(r"又|再次|再去|第二次|第二场|另一次|另外一次|另一场|另外一场")


def says_another_time(draft: ActivityDraft) -> bool:
    """下午又去江口村走访了3户 / 第二场: the report says it is another activity."""
    return _ANOTHER_TIME.search(draft.text) is not None


def same_items(a: ActivityDraft, b: ActivityDraft) -> bool:
    """The same things in the same counts (names may be said shorter or longer)."""
    if len(a.items) != len(b.items):
        return False
    return all(
        any(
            (x.quantity, x.unit) == (y.quantity, y.unit) and (x.name in y.name or y.name in x.name)
            for y in b.items
        )
        for x in a.items
    )


def home_village(region: RegionPath) -> str | None:
    """The reporter's own village, for 村委会 / 本村 / 活动室: the village level, else the
    deepest level named like one (a city without counties writes 东莞市/常平镇/桥沥社区)."""
    if region.village:
        return region.village
    for part in reversed(region.parts()):
        if part.endswith(("村", "社区", "嘎查", "屯")):
            return part
    return None


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first, following


def resolve_held(
    place: str, text: str, reporter: RegionPath, known: Sequence[RegionPath]
) -> tuple[str, str]:
    """(township, village) where ``place`` lies, or ("", "") when it is not known to lie in the
    reporter's county.

    ``known`` are the regions of the roster's members and of the member groups. A village or
    township of that name inside the reporter's county resolves to it. A reporter registered
    above township level (county staff) who names the township and village ("廉州镇文竹村") is
    taken at their word, since their county is the only one they report for.
    """
    place = normalise_place(place)
    in_county = [
        region
        for region in known
        if region.county
        and region.county == reporter.county
        and (not reporter.province or region.province == reporter.province)
    ]
    for region in in_county:
        if region.village and normalise_place(region.village) == place:
            return region.township, region.village
    for region in in_county:
        if region.township and region.township == place:
            return region.township, ""
    if reporter.county and not reporter.township:
        places = find_places(text)
        towns = [name for name, level in places if level == "town"]
        if place in towns:
            return place, ""
        if any(name == place and level == "village" for name, level in places):
            return (towns[0] if towns else ""), place
    return "", ""


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
        record.place_home = draft.place_home
        self._locate(record)
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

    def known_regions(self, county: str) -> list[RegionPath]:
        """Regions of members and groups in ``county``: where its villages and townships lie."""
        if not county:
            return []
        with session_scope(self.engine) as session:
            members = session.exec(select(Member).where(Member.county == county)).all()
            groups = session.exec(select(MemberGroup).where(MemberGroup.county == county)).all()
            return [m.region for m in members] + [g.region for g in groups]

    def _locate(self, record: ActivityRecord, known: Sequence[RegionPath] | None = None) -> None:
        reporter = RegionPath(
            record.province, record.city, record.county, record.township, record.village
        )
        if known is None:
            known = self.known_regions(record.county)
        record.held_township, record.held_village = resolve_held(
            record.place, record.text, reporter, known
        )

    def draft_of(self, record_id: int) -> ActivityDraft | None:
        """A saved record as a draft, for a correction after saving."""
        with session_scope(self.engine) as session:
            record = session.get(ActivityRecord, record_id)
            if record is None or record.revoked_at is not None:
                return None
            items = session.exec(
                select(ActivityItem)
                .where(ActivityItem.record_id == record_id)
                .order_by(col(ActivityItem.id))
            ).all()
            return ActivityDraft(
                text=record.text,
                date=DateSpan(record.date_start, record.date_end),
                place=record.place,
                kind=record.kind,
                participants=record.participants,
                participants_approx=record.participants_approx,
                items=[Item(i.name, i.quantity, i.unit, i.approximate) for i in items],
                place_home=record.place_home,
            )

    def update(
        self, record_id: int, reporter_id: str, draft: ActivityDraft
    ) -> ActivityRecord | None:
        """Apply a correction to a live record of ``reporter_id``; None when there is none."""
        if draft.date is None or draft.place is None:
            raise ValueError("a record needs a date and a place")
        current = self.get(record_id)
        if current is None or current.reporter_id != reporter_id or current.revoked_at:
            return None
        known = self.known_regions(current.county)
        with session_scope(self.engine) as session:
            record = session.get(ActivityRecord, record_id)
            if record is None or record.revoked_at:
                return None
            record.date_start, record.date_end = draft.date.start, draft.date.end
            record.place = normalise_place(draft.place)
            record.place_home = draft.place_home
            record.kind = draft.kind
            record.participants = draft.participants
            record.participants_approx = draft.participants_approx
            record.updated_at = utcnow()
            self._locate(record, known)
            for old in session.exec(
                select(ActivityItem).where(ActivityItem.record_id == record_id)
            ).all():
                session.delete(old)
            for item in draft.items:
                session.add(
                    ActivityItem(
                        record_id=record_id,
                        name=item.name,
                        category=item.category,
                        quantity=item.quantity,
                        unit=item.unit,
                        approximate=item.approximate,
                    )
                )
            session.add(record)
        logger.info("activity record %s corrected", record_id)
        return record

    def same_day_and_place(self, reporter_id: str, day: date, place: str) -> list[ActivityRecord]:
        """Live records by the same reporter on the same start date at the same place."""
        with session_scope(self.engine) as session:
            query = select(ActivityRecord).where(
                ActivityRecord.reporter_id == reporter_id,
                ActivityRecord.date_start == day,
                ActivityRecord.place == normalise_place(place),
                col(ActivityRecord.revoked_at).is_(None),
            )
            return list(session.exec(query))

    def find_duplicate(self, reporter_id: str, draft: ActivityDraft) -> ActivityRecord | None:
        """The live record this draft repeats: same reporter, start date, place and kind, and no
        different head count (the same report sent twice is one record)."""
        if draft.date is None or draft.place is None:
            return None
        for record in self.same_day_and_place(reporter_id, draft.date.start, draft.place):
            if not same_activity(record.kind, record.participants, draft):
                continue
            saved = self.draft_of(record.id) if record.id is not None else None
            if saved is not None and "".join(saved.text.split()) == "".join(draft.text.split()):
                return record  # the very same words sent again
            if says_another_time(draft):
                continue  # 下午又去江口村走访了3户: said to be another activity
            if draft.items and saved is not None and saved.items and not same_items(saved, draft):
                # 走访了4户 saved, then 走访了3户 the same day: other counts, another visit;
                # never dropped as the same report sent again
                continue
            if record.kind != draft.kind and draft.items and record.id is not None:
                # 开小组会 saved, then 发环保袋30个 (no type of its own) the same day: things the
                # record does not hold are another activity, not the report sent again
                saved = self.draft_of(record.id)
                held = saved.items if saved is not None else []
                if not all(
                    any(i.name in h.name or h.name in i.name for h in held) for i in draft.items
                ):
                    continue
            return record
        return None

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
