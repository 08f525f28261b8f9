"""Activity records (the 六有 activity log), their counted items and photo evidence."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from handlers.core.db import utcnow


class ActivityRecord(SQLModel, table=True):
    """One confirmed activity as a leader reported it; ``revoked_at`` set by 撤销."""

    __tablename__ = "activity_record"

    id: int | None = Field(default=None, primary_key=True)
    reporter_id: str = Field(index=True, max_length=64)
    reporter_name: str = ""
    channel: str = ""
    group_code: str = Field(default="", index=True)
    # the reporter's registered region at the time of reporting
    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""
    village: str = ""
    date_start: date = Field(index=True)
    date_end: date
    # where the activity was held, as written ("文竹村", "水寨镇"), or the reporter's village
    # when the text said 村委会 / 本村 (place_home)
    place: str
    place_home: bool = False
    # the township / village of ``place`` inside the reporter's county, when known from the
    # roster and the groups; empty when not known (statistics then count the reporter's)
    held_township: str = ""
    held_village: str = ""
    kind: str = "other"
    participants: int | None = None
    participants_approx: bool = False
    text: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None  # a correction after saving changed it
    revoked_at: datetime | None = None

    @property
    def counted_township(self) -> str:
        """The township statistics count this record under: where it was held, when known."""
        return self.held_township if self.held_township or self.held_village else self.township

    @property
    def counted_village(self) -> str:
        """The village statistics count this record under: where it was held, when known."""
        return self.held_village if self.held_township or self.held_village else self.village


class ActivityItem(SQLModel, table=True):
    """A counted item of a record: 宣传资料 1000 份 (approximate when the text said 1000多)."""

    __tablename__ = "activity_item"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="activity_record.id", index=True)
    name: str
    category: str = Field(index=True)
    quantity: int
    unit: str
    approximate: bool = False


class ActivityPhoto(SQLModel, table=True):
    """A photo sent as evidence; ``path`` is relative to the data directory."""

    __tablename__ = "activity_photo"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="activity_record.id", index=True)
    path: str
    media_id: str = ""
    created_at: datetime = Field(default_factory=utcnow)
