"""The exported workbook as people open it: titles, types, widths, frozen header, formulas."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from redis import Redis

from bot.cli.activities import read_month
from bot.cli.main import main
from bot.container import build_runtime
from handlers.activity.export import export, title
from handlers.activity.stats import month_stats
from handlers.core.members import MemberGroup, RegionPath
from handlers.core.messages import SHANGHAI, Role
from handlers.core.registry import build_router
from handlers.core.services import Services
from tests.conftest import add_member, make_settings, text_message

AT = datetime(2026, 11, 20, 20, 0, tzinfo=SHANGHAI)
TENGXIAN = ("广西", "梧州市", "藤县")
HOSTILE = '=HYPERLINK("http://evil.example/x","点我领补贴")'


def seed(services: Services) -> None:
    for code, town, village in (("TX01", "藤州镇", "石门村"), ("TX02", "藤州镇", "濛江村")):
        services.members.save_group(
            MemberGroup(code=code, name=f"{village}小组", province="广西", city="梧州市",
                        county="藤县", township=town, village=village)
        )  # fmt: skip
    add_member(
        services,
        "l1",
        Role.LEADER,
        name=HOSTILE,
        group="TX01",
        region=(*TENGXIAN, "藤州镇", "石门村"),
    )
    router = build_router()
    for index, said in enumerate(("11月18日石门村会员活动 到了13个会员 发宣传资料30份", "对")):
        router.dispatch(text_message("l1", said, at=AT, msg_id=f"x-{index}"), services)


def sheet_rows(book_bytes: bytes, name: str) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(book_bytes))[name].iter_rows(values_only=True))


def test_workbook_titles_types_widths_and_frozen_header(services: Services) -> None:
    seed(services)
    stats = month_stats(services, 2026, 11, RegionPath(*TENGXIAN))
    assert title(stats) == "藤县 2026年11月"
    content = export(stats, "xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.properties.title == "藤县 2026年11月"
    assert book["汇总"]["A1"].value == "藤县 2026年11月活动汇总"
    assert book["明细"]["A1"].value == "藤县 2026年11月活动明细"
    assert book["未上报小组"]["A1"].value == "藤县 2026年11月未上报小组"
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A3"
        assert all(cell.font.bold for cell in sheet[2] if cell.value)
    detail = book["明细"]
    header = [cell.value for cell in detail[2]]
    row = {name: detail.cell(row=3, column=i + 1) for i, name in enumerate(header)}
    assert row["活动日期"].value == datetime(2026, 11, 18) and row["活动日期"].is_date
    assert row["活动日期"].number_format == "yyyy-mm-dd"
    created = row["登记时间"].value
    assert isinstance(created, datetime) and created.microsecond == 0
    now = datetime.now(SHANGHAI).replace(tzinfo=None)
    assert abs(created - now) < timedelta(minutes=5)  # Beijing time, not UTC
    assert row["登记时间"].number_format == "yyyy-mm-dd hh:mm"
    assert row["参加人数"].value == 13 and row["参加人数"].data_type == "n"
    widths = {
        name: detail.column_dimensions[cell.column_letter].width for name, cell in row.items()
    }
    assert widths["原文"] > widths["编号"] and widths["登记时间"] >= 16
    assert detail.auto_filter.ref is not None and detail.auto_filter.ref.startswith("A2:")
    summary = sheet_rows(content, "汇总")
    assert summary[2][:5] == ("合计", "全部", 1, 1, 13)


def test_formulas_are_stored_as_text_in_xlsx_and_csv(services: Services) -> None:
    seed(services)
    stats = month_stats(services, 2026, 11, RegionPath())
    book = load_workbook(io.BytesIO(export(stats, "xlsx")))
    detail = book["明细"]
    header = [cell.value for cell in detail[2]]
    reporter = detail.cell(row=3, column=header.index("上报人") + 1)
    assert reporter.value == HOSTILE
    assert reporter.data_type == "s" and reporter.quotePrefix  # text, not a formula
    assert not any(
        cell.data_type == "f"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )
    rows = list(csv.DictReader(io.StringIO(export(stats, "csv").decode("utf-8-sig"))))
    assert rows[0]["上报人"] == "'" + HOSTILE
    assert rows[0]["登记时间"].count(":") == 1 and "T" not in rows[0]["登记时间"]
    data = json.loads(export(stats, "json"))
    assert data["region"] == "全部地区" and data["records"][0]["created_at"].endswith("+08:00")
    assert book["汇总"]["A1"].value == "全部地区 2026年11月活动汇总"


def test_an_empty_month_says_so(services: Services) -> None:
    seed(services)
    stats = month_stats(services, 2026, 10, RegionPath(*TENGXIAN))
    content = export(stats, "xlsx")
    assert sheet_rows(content, "明细")[2][:1] == ("本月没有活动记录",)
    assert any(row[0] == "本月没有活动记录" for row in sheet_rows(content, "汇总"))
    assert [row[0] for row in sheet_rows(content, "未上报小组")[2:]] == ["TX01", "TX02"]


def test_month_words(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI)
    assert read_month("2026-11", now) == (2026, 11)
    assert read_month("2026年11月", now) == (2026, 11)
    assert read_month("11月", now) == (2026, 11)  # the latest November
    assert read_month(" 2026.3 ", now) == (2026, 3)
    for bad in ("2026-13", "13月", "十一月", "2026", "", "上月"):
        with pytest.raises(Exception, match="看不懂"):
            read_month(bad, now)


def test_cli_export_names_region_month_and_empty_months(
    tmp_path: Path,
    redis: Redis,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = make_settings(tmp_path, redis)
    monkeypatch.setenv("XIEHUI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("REDIS_URL", settings.redis_url)
    if settings.database_url:  # the suite runs on PostgreSQL
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
    runtime = build_runtime(settings)
    try:
        seed(runtime.services)
    finally:
        runtime.close()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the data folder is the configured one, not ./data
    assert (
        main(["activities", "export", "--month", "2026年11月", "--region", "广西/梧州市/藤县"])
        == 0
    )
    out = capsys.readouterr().out
    assert "已导出 藤县 2026年11月活动记录 1 条（1/2 个小组已上报）" in out
    assert (elsewhere / "活动记录-藤县-2026年11月.xlsx").is_file()
    assert not (elsewhere / "data").exists()
    assert main(["activities", "export", "--month", "10月", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "全部地区 2026年10月没有活动记录（0/2 个小组已上报）" in out
    assert (elsewhere / "活动记录-全部地区-2026年10月.csv").is_file()


def test_cli_export_refuses_a_data_folder_without_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XIEHUI_DATA_DIR", "typo-data")
    monkeypatch.chdir(tmp_path)
    assert main(["activities", "export", "--month", "2026-11"]) == 1
    err = capsys.readouterr().err
    assert f"数据目录 {tmp_path / 'typo-data'} 里还没有数据库" in err
    assert not (tmp_path / "typo-data").exists()
    assert list(tmp_path.iterdir()) == []


def test_dates_are_real_dates_in_csv_too(services: Services) -> None:
    seed(services)
    rows = list(
        csv.DictReader(
            io.StringIO(
                export(month_stats(services, 2026, 11, RegionPath()), "csv").decode("utf-8-sig")
            )
        )
    )
    assert date.fromisoformat(rows[0]["活动日期"]) == date(2026, 11, 18)
