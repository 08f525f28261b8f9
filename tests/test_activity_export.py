"""Monthly export (xlsx/csv/json) and the ``xiehui activities`` commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from redis import Redis

from bot.cli.main import main
from bot.container import build_runtime
from handlers.activity.export import export
from handlers.activity.stats import month_stats, parse_month
from handlers.core.members import MemberGroup, RegionPath
from handlers.core.messages import SHANGHAI, Role
from handlers.core.registry import build_router
from handlers.core.services import Services
from tests.conftest import add_member, make_settings, text_message

AT = datetime(2026, 5, 27, 20, 0, tzinfo=SHANGHAI)
COUNTY = ("广西", "北海市", "合浦县")


def seed(services: Services) -> None:
    router = build_router()
    groups = (
        ("JK01", "廉州镇", "江口村"),
        ("WZ01", "廉州镇", "文竹村"),
        ("SW01", "石湾镇", "大田村"),
        ("SW02", "石湾镇", "平山村"),
    )
    for code, town, village in groups:
        services.members.save_group(
            MemberGroup(
                code=code,
                name=f"{village}会员小组",
                province="广西",
                city="北海市",
                county="合浦县",
                township=town,
                village=village,
            )
        )
    reports = (
        ("l1", "JK01", "廉州镇", "江口村", "5月22日江口村会员活动 到了13个会员 发宣传资料30份"),
        ("l2", "WZ01", "廉州镇", "文竹村", "5月20日文竹村义诊 六十多名群众参加 发避孕套200多只"),
        ("l3", "SW01", "石湾镇", "大田村", "5月15号下午 大田村 开展会员活动 会员20人参加"),
    )
    for user, code, town, village, text in reports:
        add_member(services, user, Role.LEADER, group=code, region=(*COUNTY, town, village))
        for index, said in enumerate((text, "对")):
            message = text_message(user, said, at=AT, msg_id=f"{user}-{index}")
            router.dispatch(message, services)


def test_month_stats_and_exports(services: Services) -> None:
    seed(services)
    stats = month_stats(services, 2026, 5, RegionPath(*COUNTY))
    assert stats.total.records == 3 and stats.total.participants == 93
    assert [g.code for g in stats.missing] == ["SW02"]

    workbook = load_workbook(io.BytesIO(export(stats, "xlsx")))
    assert workbook.sheetnames == ["汇总", "明细", "未上报小组"]
    summary = [list(row) for row in workbook["汇总"].iter_rows(values_only=True)]
    assert summary[1][:5] == ["层级", "名称", "上报小组数", "活动记录数", "参加人数"]
    towns = {row[1]: row for row in summary if row[0] == "乡镇"}
    assert towns["廉州镇"][2:5] == [2, 2, 73] and towns["石湾镇"][2:5] == [1, 1, 20]
    assert "宣传资料30份" in towns["廉州镇"][6] and "避孕药具200只" in towns["廉州镇"][6]
    detail = list(workbook["明细"].iter_rows(values_only=True))[1:]  # below the title row
    assert len(detail) == 4  # header + 3 records
    header = list(detail[0])
    wenzhu = next(row for row in detail if row[header.index("地点")] == "文竹村")
    assert wenzhu[header.index("参加人数")] == 60
    assert wenzhu[header.index("人数为约数")] == "是"
    assert wenzhu[header.index("地区")] == "广西/北海市/合浦县/廉州镇/文竹村"
    assert wenzhu[header.index("照片数")] == 0
    assert "六十多名群众" in wenzhu[header.index("原文")]
    missing = list(workbook["未上报小组"].iter_rows(values_only=True))
    assert missing[2][:2] == ("SW02", "平山村会员小组")

    rows = list(csv.DictReader(io.StringIO(export(stats, "csv").decode("utf-8-sig"))))
    assert [r["地点"] for r in rows] == ["大田村", "文竹村", "江口村"]
    data = json.loads(export(stats, "json"))
    assert data["month"] == "2026-05" and data["not_reported"] == ["SW02"]
    assert data["records"][1]["items"] == "避孕套200多只"


def test_stats_scope_is_the_coordinators_region(services: Services) -> None:
    seed(services)
    town = month_stats(services, 2026, 5, RegionPath(*COUNTY, "石湾镇"))
    assert town.total.records == 1 and [g.code for g in town.missing] == ["SW02"]


def test_parse_month() -> None:
    assert parse_month("活动统计 2026-05", AT) == (2026, 5)
    assert parse_month("活动统计 2025年12月", AT) == (2025, 12)
    assert parse_month("本月活动", AT) == (2026, 5)
    assert parse_month("上月活动", AT) == (2026, 4)
    assert parse_month("活动统计 12月", AT) == (2025, 12)


def test_cli_export_and_eval(
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
    out = tmp_path / "may.xlsx"
    assert main(["activities", "export", "--month", "2026-05", "--out", str(out)]) == 0
    assert "活动记录 3 条" in capsys.readouterr().out
    assert load_workbook(out).sheetnames == ["汇总", "明细", "未上报小组"]
    out_csv = tmp_path / "may.csv"
    assert (
        main(
            [
                "activities",
                "export",
                "--month",
                "2026-05",
                "--format",
                "csv",
                "--out",
                str(out_csv),
            ]
        )
        == 0
    )
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["activities", "export", "--month", "2026-13"]) == 1
    assert "月份“2026-13”看不懂" in capsys.readouterr().err

    data = Path(__file__).parent / "data"
    labelled = str(data / "activity_labelled.yaml")
    questions = str(data / "activity_questions.yaml")
    assert main(["activities", "eval", "--set", labelled, "--questions", questions]) == 0
    printed = capsys.readouterr().out
    for field in ("date", "place", "participants", "items"):
        assert field in printed
    assert "questions taken as reports" in printed and "reports taken as questions" in printed


def test_cli_bench_runs_small(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["activities", "bench", "--leaders", "4"]) == 0
    printed = capsys.readouterr().out
    assert "records saved: 4" in printed and "report -> card: p50" in printed
