"""Monthly export of activity records as CSV, JSON or Excel (``xiehui activities export``).

The Excel workbook has a summary sheet ("汇总": one row per township, then one per village,
with groups reported, records, participants and item totals), a detail sheet ("明细": one row
per record) and the groups that have not reported ("未上报小组").
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from handlers.activity.parser import KINDS
from handlers.activity.stats import MonthStats, Tally, counted_place, items_text
from handlers.activity.store import RecordView

DETAIL_COLUMNS = (
    ("id", "编号"),
    ("reporter", "上报人"),
    ("reporter_id", "上报人账号"),
    ("group", "会员小组"),
    ("region", "地区"),
    ("township", "乡镇"),
    ("village", "村"),
    ("date", "活动日期"),
    ("date_end", "结束日期"),
    ("place", "地点"),
    ("counted_township", "计入乡镇"),
    ("counted_village", "计入村"),
    ("kind", "活动类型"),
    ("participants", "参加人数"),
    ("participants_approx", "人数为约数"),
    ("items", "物品"),
    ("items_approx", "物品含约数"),
    ("photos", "照片数"),
    ("text", "原文"),
    ("created_at", "登记时间"),
)
FORMATS = ("xlsx", "csv", "json")


def detail_rows(stats: MonthStats) -> list[dict[str, Any]]:
    groups = {g.code: g.name or g.code for g in stats.groups}
    rows: list[dict[str, Any]] = []
    for view in stats.views:
        record = view.record
        counted_township, counted_village = counted_place(view)
        rows.append(
            {
                "id": record.id,
                "reporter": record.reporter_name or record.reporter_id,
                "reporter_id": record.reporter_id,
                "group": groups.get(record.group_code, record.group_code),
                "region": view.region.display(),
                "township": record.township,
                "village": record.village,
                "date": record.date_start.isoformat(),
                "date_end": record.date_end.isoformat(),
                "place": record.place,
                # where the statistics count it: where it was held, when known in the county
                "counted_township": counted_township,
                "counted_village": counted_village,
                "kind": KINDS.get(record.kind, record.kind),
                "participants": record.participants,
                "participants_approx": record.participants_approx,
                "items": _items(view),
                "items_approx": any(item.approximate for item in view.items),
                "photos": view.photos,
                "text": record.text,
                "created_at": record.created_at.isoformat(),
            }
        )
    return rows


def _items(view: RecordView) -> str:
    return "；".join(
        f"{item.name}{item.quantity}{'多' if item.approximate else ''}{item.unit}"
        for item in view.items
    )


def to_csv(stats: MonthStats) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in DETAIL_COLUMNS])
    for row in detail_rows(stats):
        writer.writerow(["" if row[key] is None else _cell(row[key]) for key, _ in DETAIL_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel open it as UTF-8


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else ""
    return value


def to_json(stats: MonthStats) -> bytes:
    data = {
        "month": f"{stats.year:04d}-{stats.month:02d}",
        "region": stats.region.display(),
        "records": detail_rows(stats),
        "not_reported": [g.code for g in stats.missing],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _summary_row(level: str, name: str, tally: Tally) -> list[Any]:
    return [
        level,
        name,
        len(tally.groups),
        tally.records,
        tally.participants,
        "是" if tally.approximate else "",
        items_text(tally.items),
    ]


def to_xlsx(stats: MonthStats) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "汇总"
    summary.append([f"{stats.year}年{stats.month}月活动汇总（{stats.region.display()}）"])
    summary.append(["层级", "名称", "上报小组数", "活动记录数", "参加人数", "含约数", "物品合计"])
    summary.append(_summary_row("合计", "全部", stats.total))
    for town in sorted(stats.towns):
        summary.append(_summary_row("乡镇", town, stats.towns[town]))
        for (village_town, village), tally in sorted(stats.villages.items()):
            if village_town == town:
                summary.append(_summary_row("村", f"{town}/{village}", tally))
    detail = workbook.create_sheet("明细")
    detail.append([label for _, label in DETAIL_COLUMNS])
    for row in detail_rows(stats):
        detail.append([_cell(row[key]) for key, _ in DETAIL_COLUMNS])
    missing = workbook.create_sheet("未上报小组")
    missing.append(["小组编号", "小组名称", "乡镇", "村"])
    for group in stats.missing:
        missing.append([group.code, group.name, group.township, group.village])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(stats: MonthStats, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(stats)
    if fmt == "json":
        return to_json(stats)
    if fmt == "xlsx":
        return to_xlsx(stats)
    raise ValueError(f"unknown format {fmt!r}")


def default_name(stats: MonthStats, fmt: str) -> Path:
    return Path(f"activities-{stats.year:04d}-{stats.month:02d}.{fmt}")
