"""The member registry: who is who, their role, region and member group.

Filled from the office's roster and group files by ``handlers.roster`` (``xiehui members
import`` / ``xiehui groups import``); capabilities use it for permissions (who may log or
broadcast) and for regional answers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel, col, func, select

from handlers.core import hotsql
from handlers.core.db import session_scope, utcnow
from handlers.core.messages import Role

logger = logging.getLogger(__name__)

#: Region levels, top-down: 省 / 市(盟) / 县(区, 旗) / 乡镇(苏木, 街道) / 村(嘎查, 社区).
REGION_LEVELS = ("province", "city", "county", "township", "village")


class Member(SQLModel, table=True):
    """A registered person. Families on 微信客服 are not stored here."""

    user_id: str = Field(primary_key=True, max_length=64)
    name: str = ""
    role: str = Role.FAMILY.value
    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""
    village: str = ""
    group_code: str = Field(default="", index=True)
    phone: str = ""
    on_duty: bool = False  # coordinator who takes handed-off questions for their region
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def region(self) -> RegionPath:
        return RegionPath(self.province, self.city, self.county, self.township, self.village)


class MemberGroup(SQLModel, table=True):
    """A member group (会员小组, 10-15 members) and how the bot reaches it."""

    code: str = Field(primary_key=True, max_length=64)
    name: str = ""
    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""
    village: str = ""
    leader_id: str = ""
    # How notices reach the group: "appchat" (chat_id), "robot" (robot_key) or "members"
    # (message/send to its members, or to user_ids / party_ids / tag_ids when given).
    channel: str = "members"
    chat_id: str = ""
    robot_key: str = ""
    user_ids: str = ""  # '|' separated
    party_ids: str = ""
    tag_ids: str = ""
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def region(self) -> RegionPath:
        return RegionPath(self.province, self.city, self.county, self.township, self.village)


PROVINCE_ALIASES = {
    "广西": "广西",
    "广西壮族自治区": "广西",
    "广东": "广东",
    "广东省": "广东",
    "内蒙古": "内蒙古",
    "内蒙古自治区": "内蒙古",
    "内蒙": "内蒙古",
}


def normalise_province(name: str) -> str:
    name = name.strip()
    return PROVINCE_ALIASES.get(name, name)


@dataclass(frozen=True)
class RegionPath:
    """省 / 市 / 县(旗) / 乡镇(苏木) / 村(嘎查, 社区); empty strings for unknown levels."""

    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""
    village: str = ""

    def parts(self) -> tuple[str, ...]:
        """The levels in REGION_LEVELS order (spelled out: read for every message)."""
        return (self.province, self.city, self.county, self.township, self.village)

    def display(self) -> str:
        return "/".join(p for p in self.parts() if p) or "未登记地区"

    def contains(self, other: RegionPath) -> bool:
        """True when ``other`` lies inside this region (an empty level is a wildcard)."""
        for mine, theirs in zip(self.parts(), other.parts(), strict=True):
            if mine and mine != theirs:
                return False
        return True

    @property
    def is_empty(self) -> bool:
        return not (self.province or self.city or self.county or self.township or self.village)


_GET_MEMBER: Any = None  # built after Member below


class MemberRegistry:
    """Reads and writes members and member groups."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, user_id: str) -> Member | None:
        # Read for every message: a statement built once, run on the hot path, not an ORM
        # session (which costs several times the query itself).
        row = hotsql.execute(self.engine, _GET_MEMBER, {"user_id": user_id}).first()
        return None if row is None else Member(**dict(zip(MEMBER_FIELDS, row, strict=True)))

    def upsert(self, member: Member) -> bool:
        """Insert or update; returns True when the member is new."""
        member.province = normalise_province(member.province)
        with session_scope(self.engine) as session:
            existing = session.get(Member, member.user_id)
            if existing is None:
                session.add(member)
                return True
            for key, value in member.model_dump(exclude={"user_id"}).items():
                setattr(existing, key, value)
            existing.updated_at = utcnow()
            session.add(existing)
            return False

    def get_many(self, user_ids: Iterable[str]) -> dict[str, Member]:
        """Members by user id (ids not registered are left out)."""
        wanted = sorted({u for u in user_ids if u})
        if not wanted:
            return {}
        with session_scope(self.engine) as session:
            rows = session.exec(select(Member).where(col(Member.user_id).in_(wanted)))
            return {m.user_id: m for m in rows}

    def search(
        self, region: RegionPath, text: str = "", *, offset: int = 0, limit: int = 50
    ) -> tuple[list[Member], int]:
        """Members inside ``region`` whose id, name, group, phone, township or village contains
        ``text``, ordered by region and name; returns (one page, how many match in all)."""
        conditions: list[Any] = [
            getattr(Member, level) == value
            for level, value in zip(REGION_LEVELS, region.parts(), strict=True)
            if value
        ]
        if text:
            # icontains: ILIKE on PostgreSQL, lower() LIKE lower() on SQLite, so "LiHua" finds
            # "lihua" on both (SQLite's LIKE ignored ASCII case, PostgreSQL's does not); a
            # % or _ typed by the user is a character, not a wildcard.
            fields = ("user_id", "name", "group_code", "phone", "township", "village")
            conditions.append(
                or_(*(col(getattr(Member, f)).icontains(text, autoescape=True) for f in fields))
            )
        with session_scope(self.engine) as session:
            total = session.exec(select(func.count()).select_from(Member).where(*conditions)).one()
            query = (
                select(Member)
                .where(*conditions)
                .order_by(col(Member.township), col(Member.village), col(Member.group_code))
                .order_by(col(Member.user_id))
                .offset(offset)
                .limit(limit)
            )
            return list(session.exec(query)), int(total)

    def staff(self) -> list[Member]:
        """Coordinators and admins."""
        with session_scope(self.engine) as session:
            query = select(Member).where(
                col(Member.role).in_([Role.COORDINATOR.value, Role.ADMIN.value])
            )
            return list(session.exec(query.order_by(Member.user_id)))

    def all(self) -> list[Member]:
        with session_scope(self.engine) as session:
            return list(session.exec(select(Member).order_by(Member.user_id)))

    def in_group(self, group_code: str) -> list[Member]:
        with session_scope(self.engine) as session:
            return list(session.exec(select(Member).where(Member.group_code == group_code)))

    def on_duty_for(self, region: RegionPath) -> list[Member]:
        """Coordinators on duty whose region contains ``region``, nearest level first.

        Falls back to any coordinator/admin whose region contains it when nobody is on duty.
        """
        with session_scope(self.engine) as session:
            staff = list(
                session.exec(
                    select(Member).where(
                        Member.role.in_([Role.COORDINATOR.value, Role.ADMIN.value])  # type: ignore[attr-defined]
                    )
                )
            )
        covering = [m for m in staff if m.region.contains(region)]
        on_duty = [m for m in covering if m.on_duty] or covering
        return sorted(on_duty, key=lambda m: -sum(1 for p in m.region.parts() if p))

    def groups(self, active_only: bool = True) -> list[MemberGroup]:
        with session_scope(self.engine) as session:
            query = select(MemberGroup)
            if active_only:
                query = query.where(MemberGroup.active == True)  # noqa: E712
            return list(session.exec(query.order_by(MemberGroup.code)))

    def group(self, code: str) -> MemberGroup | None:
        with session_scope(self.engine) as session:
            return session.get(MemberGroup, code)

    def save_group(self, group: MemberGroup) -> None:
        with session_scope(self.engine) as session:
            group.province = normalise_province(group.province)
            group.updated_at = utcnow()
            session.merge(group)


def filter_by_region(items: Sequence[MemberGroup], region: RegionPath) -> list[MemberGroup]:
    return [g for g in items if region.contains(g.region)]


_GET_MEMBER = core_select(*Member.__table__.c).where(  # type: ignore[attr-defined]
    Member.__table__.c.user_id == bindparam("user_id")  # type: ignore[attr-defined]
)
MEMBER_FIELDS = tuple(column.key for column in _GET_MEMBER.selected_columns)
