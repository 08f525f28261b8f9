"""Monthly export of activity records as CSV, JSON or Excel (``xiehui activities export``).

The Excel workbook has a summary sheet ("汇总": one row per township, then one per village,
with groups reported, records, participants and item totals), a detail sheet ("明细": one row
per record) and the groups that have not reported ("未上报小组"). Each sheet opens with a
title naming the region and month ("藤县 2026年11月活动汇总", "全部地区 …"), has a bold,
frozen header row and columns sized to their contents; dates and times are real Excel dates
in Beijing time and counts are numbers. A month without records says so in the sheets.

Text that a spreadsheet would run as a formula (a cell starting with = + - or @, e.g. a name
typed as ``=HYPERLINK(...)``) is stored as text: a string cell with Excel's quote prefix in
xlsx, and a leading apostrophe in CSV (the usual CSV-injection defence).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

from handlers.activity.parser import KINDS
from handlers.activity.stats import MonthStats, Tally, counted_place, items_text
from handlers.activity.store import RecordView
from handlers.core.members import RegionPath
from handlers.core.messages import SHANGHAI

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
#: A cell starting with one of these is a formula to Excel, WPS or LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EMPTY_MONTH = "本月没有活动记录"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"


def scope_name(region: RegionPath) -> str:
    """The region as a title says it: its smallest named level, or 全部地区."""
    parts = [p for p in region.parts() if p]
    return parts[-1] if parts else "全部地区"


def title(stats: MonthStats) -> str:
    """ "藤县 2026年11月" / "全部地区 2026年11月"."""
    return f"{scope_name(stats.region)} {stats.year}年{stats.month}月"


def beijing(moment: datetime) -> datetime:
    """A stored timestamp in Beijing time, without microseconds or tzinfo (Excel has none)."""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_safe(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula (apostrophe prefix)."""
    return "'" + value if isinstance(value, str) and is_formula_like(value) else value


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
                "date": record.date_start,
                "date_end": record.date_end,
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
                "created_at": beijing(record.created_at),
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
        writer.writerow([_csv_cell(row[key]) for key, _ in DETAIL_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel open it as UTF-8


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return csv_safe(_cell(value))


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else ""
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=SHANGHAI).isoformat()  # Beijing time, with its offset
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_json(stats: MonthStats) -> bytes:
    data = {
        "month": f"{stats.year:04d}-{stats.month:02d}",
        "region": stats.region.display() if not stats.region.is_empty else "全部地区",
        "records": [
            {key: _json_value(value) for key, value in row.items()} for row in detail_rows(stats)
        ],
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


SUMMARY_HEADER = ["层级", "名称", "上报小组数", "活动记录数", "参加人数", "含约数", "物品合计"]
MISSING_HEADER = ["小组编号", "小组名称", "乡镇", "村"]


def to_xlsx(stats: MonthStats) -> bytes:
    from openpyxl import Workbook

    name = title(stats)
    workbook = Workbook()
    workbook.properties.title = name
    summary = workbook.active
    assert summary is not None
    summary.title = "汇总"
    rows: list[list[Any]] = [_summary_row("合计", "全部", stats.total)]
    for town in sorted(stats.towns):
        rows.append(_summary_row("乡镇", town, stats.towns[town]))
        for (village_town, village), tally in sorted(stats.villages.items()):
            if village_town == town:
                rows.append(_summary_row("村", f"{town}/{village}", tally))
    if not stats.views:
        rows.append([EMPTY_MONTH])
    _fill_sheet(summary, f"{name}活动汇总", SUMMARY_HEADER, rows)

    detail = workbook.create_sheet("明细")
    records = [[_cell(row[key]) for key, _ in DETAIL_COLUMNS] for row in detail_rows(stats)]
    _fill_sheet(
        detail,
        f"{name}活动明细",
        [label for _, label in DETAIL_COLUMNS],
        records or [[EMPTY_MONTH]],
        filters=bool(records),
    )

    missing = workbook.create_sheet("未上报小组")
    absent = [[g.code, g.name, g.township, g.village] for g in stats.missing]
    if not absent:
        absent = [["所有小组都已上报" if stats.groups else "这个地区还没有登记会员小组"]]
    _fill_sheet(missing, f"{name}未上报小组", MISSING_HEADER, absent)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _width(value: Any) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fill_sheet(
    sheet: Any,
    heading: str,
    header: list[str],
    rows: list[list[Any]],
    *,
    filters: bool = False,
) -> None:
    """Title row, bold frozen header, typed cells, formulas neutralised, sized columns."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append([heading])
    sheet["A1"].font = Font(size=14, bold=True)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
    sheet.freeze_panes = "A3"
    widths = [_width(h) for h in header]
    for row, values in enumerate(rows, start=3):
        sheet.append(values)
        # sheet.max_row scans every cell: look cells up by their known row instead.
        for column in range(len(values)):
            cell = sheet.cell(row=row, column=column + 1)
            value = cell.value
            if isinstance(value, datetime):
                cell.number_format = TIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif is_formula_like(value):
                cell.data_type = "s"  # stored as text, never evaluated
                cell.quotePrefix = True  # and stays text if someone edits the cell
            if column < len(widths) and len(values) > 1:
                widths[column] = max(widths[column], _width(value) if value is not None else 0)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(60, max(6, width + 2))
    if filters and rows:
        sheet.auto_filter.ref = f"A2:{get_column_letter(len(header))}{len(rows) + 2}"


def export(stats: MonthStats, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(stats)
    if fmt == "json":
        return to_json(stats)
    if fmt == "xlsx":
        return to_xlsx(stats)
    raise ValueError(f"unknown format {fmt!r}")


def default_name(stats: MonthStats, fmt: str) -> Path:
    """活动记录-藤县-2026年11月.xlsx"""
    return Path(f"活动记录-{scope_name(stats.region)}-{stats.year}年{stats.month}月.{fmt}")
