"""Monthly activity statistics for coordinators: per township and village, and who is missing."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from handlers.activity.store import ActivityStore, RecordView
from handlers.core.members import MemberGroup, RegionPath, filter_by_region
from handlers.core.messages import SHANGHAI
from handlers.core.services import Services

UNKNOWN_TOWN = "未登记乡镇"
UNKNOWN_VILLAGE = "未登记村"

_MONTH = re.compile(r"(?P<y>\d{4})\s*[-年./]\s*(?P<m>\d{1,2})\s*月?")
_MONTH_ONLY = re.compile(r"(?<!\d)(?P<m>\d{1,2})\s*月")


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
    """'2026-05', '2026年5月', '5月', '上月' or nothing (this month) → (year, month)."""
    local = now.astimezone(SHANGHAI)
    match = _MONTH.search(text)
    if match and 1 <= int(match.group("m")) <= 12:
        return int(match.group("y")), int(match.group("m"))
    match = _MONTH_ONLY.search(text)
    if match and 1 <= int(match.group("m")) <= 12:
        month = int(match.group("m"))
        return (local.year if month <= local.month else local.year - 1), month
    if "上月" in text or "上个月" in text:
        return (local.year - 1, 12) if local.month == 1 else (local.year, local.month - 1)
    return local.year, local.month


def month_stats(services: Services, year: int, month: int, region: RegionPath) -> MonthStats:
    views = ActivityStore(services.engine).in_month(year, month, region)
    total = Tally()
    towns: dict[str, Tally] = {}
    villages: dict[tuple[str, str], Tally] = {}
    for view in views:
        town = view.record.township or UNKNOWN_TOWN
        village = view.record.village or UNKNOWN_VILLAGE
        total.add(view)
        towns.setdefault(town, Tally()).add(view)
        villages.setdefault((town, village), Tally()).add(view)
    groups = filter_by_region(services.members.groups(), region)
    missing = [g for g in groups if g.code not in total.groups]
    return MonthStats(year, month, region, total, towns, villages, groups, missing, views)


def items_text(items: Counter[tuple[str, str]]) -> str:
    return "，".join(f"{name}{qty}{unit}" for (name, unit), qty in items.most_common())


def _people(tally: Tally) -> str:
    text = f"参加{tally.participants}人"
    return text + ("（含约数）" if tally.approximate else "")


def stats_text(stats: MonthStats) -> str:
    """Plain-text report for chat (the caller splits it to the byte limit)."""
    scope = stats.region.display() if not stats.region.is_empty else "全部地区"
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
        lines.append(f"本月还没上报的小组（{len(stats.missing)}个）：{names}{more}")
    elif stats.groups:
        lines.append("所有小组都已上报。")
    return "\n".join(lines)
