"""Monthly activity statistics: per township and village for coordinators, per group for leaders.

A record counts under the township / village where the activity was held when that is known to
lie in the reporter's county (``ActivityRecord.counted_township`` / ``counted_village``), else
under the reporter's own. A group has reported when a record carries its code or was held in
its village. Months are parsed strictly (:func:`parse_month`): a month that cannot be read is an
error the user is told about, never a silent default.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from handlers.activity.numbers import chinese_to_int, normalise_digits
from handlers.activity.store import ActivityStore, RecordView
from handlers.core.errors import DomainError
from handlers.core.members import MemberGroup, RegionPath, filter_by_region
from handlers.core.messages import SHANGHAI
from handlers.core.services import Services

UNKNOWN_TOWN = "未登记乡镇"
UNKNOWN_VILLAGE = "未登记村"
TOWN_LEVEL = "乡镇本级"  # held in the township, no village named
BAD_MONTH = "月份要写成 2026-05 或 5月"

_YEAR_MONTH = re.compile(r"(?P<y>\d{4})\s*(?:[-./]|年)\s*(?P<m>\d{1,2})\s*(?:月份?)?")
_MONTH_ONLY = re.compile(r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?")
_COMMAND = re.compile(r"^\s*(?:(?P<last>上个?月的?活动)|(?:本月|这个月)的?活动|活动统计|活动情况)")
_THIS = frozenset({"", "本月", "这个月", "这月", "当月", "本月份"})
_LAST = frozenset({"上月", "上个月", "上一个月", "上月份"})


class MonthError(DomainError, ValueError):
    """A month that cannot be read: the user is told how to write one (a ValueError too, for
    callers that treat any unreadable value alike)."""

    def __init__(self, message: str = BAD_MONTH) -> None:
        super().__init__(message)


@dataclass
class Tally:
    """Records, reporting groups, participants and items of one region."""

    records: int = 0
    groups: set[str] = field(default_factory=set)
    participants: int = 0
    approximate: bool = False
    items: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, view: RecordView) -> None:
        record = view.record
        self.records += 1
        if record.group_code:
            self.groups.add(record.group_code)
        if record.participants:
            self.participants += record.participants
            self.approximate = self.approximate or record.participants_approx
        for item in view.items:
            self.items[(item.category, item.unit)] += item.quantity
            self.approximate = self.approximate or item.approximate


@dataclass
class MonthStats:
    year: int
    month: int
    region: RegionPath
    total: Tally
    towns: dict[str, Tally]
    villages: dict[tuple[str, str], Tally]
    groups: list[MemberGroup]
    missing: list[MemberGroup]
    views: list[RecordView]


def parse_month(text: str, now: datetime) -> tuple[int, int]:
    """The month a user or operator wrote → (year, month).

    Accepts 2026-11 (also 2026/11, 2026.11), 2026年11月, 11月 / 十一月 / 11月份 (the latest such
    month not after now), 本月 / 这个月 and an empty text (this month), 上月 / 上个月, with or
    without the chat command in front ("活动统计 2026-05", "上月活动"). Anything else, 2026-13
    included, raises :class:`MonthError` ("月份要写成 2026-05 或 5月").
    """
    local = now.astimezone(SHANGHAI)
    body = normalise_digits(text).strip()
    command = _COMMAND.match(body)
    if command:  # the chat command itself may come along: "活动统计 2026-05", "上月活动"
        body = body[command.end() :]
        if command.group("last") and not body.strip():
            body = "上月"
    body = body.strip().strip("：:，,。 ")
    if body in _THIS:
        return local.year, local.month
    if body in _LAST:
        return (local.year - 1, 12) if local.month == 1 else (local.year, local.month - 1)
    match = _YEAR_MONTH.fullmatch(body)
    if match:
        year, month = int(match.group("y")), int(match.group("m"))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
        raise MonthError()
    match = _MONTH_ONLY.fullmatch(body)
    if match:
        raw = match.group("m")
        month = int(raw) if raw.isdigit() else (chinese_to_int(raw) or 0)
        if 1 <= month <= 12:
            return (local.year if month <= local.month else local.year - 1), month
    raise MonthError()


def is_past(year: int, month: int, now: datetime) -> bool:
    local = now.astimezone(SHANGHAI)
    return (year, month) < (local.year, local.month)


def month_stats(services: Services, year: int, month: int, region: RegionPath) -> MonthStats:
    views = ActivityStore(services.engine).in_month(year, month, region)
    total = Tally()
    towns: dict[str, Tally] = {}
    villages: dict[tuple[str, str], Tally] = {}
    held: set[tuple[str, str]] = set()
    for view in views:
        town, village = counted_place(view)
        total.add(view)
        towns.setdefault(town, Tally()).add(view)
        villages.setdefault((town, village), Tally()).add(view)
        held.add((view.record.counted_township, view.record.counted_village))
    groups = filter_by_region(services.members.groups(), region)
    missing = [
        g
        for g in groups
        if g.code not in total.groups and not (g.village and (g.township, g.village) in held)
    ]
    return MonthStats(year, month, region, total, towns, villages, groups, missing, views)


def counted_place(view: RecordView) -> tuple[str, str]:
    """(township, village) a record is counted under, with labels for the unknown parts."""
    record = view.record
    town = record.counted_township or UNKNOWN_TOWN
    village = record.counted_village
    if not village:
        village = (
            TOWN_LEVEL if record.held_township and not record.held_village else UNKNOWN_VILLAGE
        )
    return town, village


def items_text(items: Counter[tuple[str, str]]) -> str:
    return "，".join(f"{name}{qty}{unit}" for (name, unit), qty in items.most_common())


def _people(tally: Tally) -> str:
    text = f"参加{tally.participants}人"
    return text + ("（含约数）" if tally.approximate else "")


def stats_text(stats: MonthStats, now: datetime | None = None) -> str:
    """Plain-text report for chat (the caller splits it to the byte limit); a past month is
    spoken of in the past tense."""
    scope = stats.region.display() if not stats.region.is_empty else "全部地区"
    past = now is not None and is_past(stats.year, stats.month, now)
    total = stats.total
    lines = [
        f"{stats.year}年{stats.month}月活动统计（{scope}）",
        f"活动记录{total.records}条，{len(total.groups)}/{len(stats.groups)}个小组已上报，"
        f"{_people(total)}。",
    ]
    if total.items:
        lines.append(f"物品：{items_text(total.items)}")
    for town in sorted(stats.towns):
        tally = stats.towns[town]
        lines.append(
            f"【{town}】{len(tally.groups)}个小组上报，{tally.records}条，{_people(tally)}"
        )
        for (village_town, village), vt in sorted(stats.villages.items()):
            if village_town == town:
                lines.append(f"  {village}：{vt.records}条，{_people(vt)}")
    if stats.missing:
        names = "、".join(g.name or g.code for g in stats.missing[:40])
        more = f"等{len(stats.missing)}个" if len(stats.missing) > 40 else ""
        heading = "当月没有上报的小组" if past else "本月还没上报的小组"
        lines.append(f"{heading}（{len(stats.missing)}个）：{names}{more}")
    elif stats.groups:
        lines.append("所有小组都上报了。" if past else "所有小组都已上报。")
    return "\n".join(lines)


def group_views(
    services: Services, year: int, month: int, group_code: str, reporter_id: str
) -> list[RecordView]:
    """The month's live records of one group (or of one reporter who has no group)."""
    views = ActivityStore(services.engine).in_month(year, month)
    if group_code:
        return [v for v in views if v.record.group_code == group_code]
    return [v for v in views if v.record.reporter_id == reporter_id]


def group_text(views: list[RecordView], year: int, month: int, who: str, now: datetime) -> str:
    """A leader's or volunteer's own summary: how many activities their group reported."""
    past = is_past(year, month, now)
    when = f"{year}年{month}月"
    if not views:
        if past:
            return f"{who}{when}没有上报活动。"
        return f"{who}{when}还没有上报活动。发一句话就能登记，比如“今天在江口村开了会员活动，到了13人”。"
    people = sum(v.record.participants or 0 for v in views)
    approx = any(v.record.participants_approx for v in views)
    lines = [
        f"{who}{when}{'共' if past else '已'}上报活动{len(views)}次，参加{people}人"
        f"{'（含约数）' if approx else ''}："
    ]
    for view in views[:30]:
        record = view.record
        day = f"{record.date_start.month}月{record.date_start.day}日"
        items = "，".join(
            f"{i.name}{i.quantity}{'多' if i.approximate else ''}{i.unit}" for i in view.items
        )
        people_text = (
            f" {record.participants}{'多' if record.participants_approx else ''}人"
            if record.participants is not None
            else ""
        )
        lines.append(
            f"编号{record.id} {day} {record.place} {kind_label(record.kind)}{people_text}"
            + (f" {items}" if items else "")
        )
    if len(views) > 30:
        lines.append(f"……另有{len(views) - 30}条")
    return "\n".join(lines)


def kind_label(kind: str) -> str:
    from handlers.activity.parser import KINDS

    return KINDS.get(kind, KINDS["other"])
