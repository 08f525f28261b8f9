"""The member registry and its CSV / Excel import."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from handlers.core.errors import DomainError
from handlers.core.members import RegionPath
from handlers.core.messages import Role
from handlers.core.services import Services

CSV_TEXT = (
    "企业微信账号,姓名,角色,省,市,县(区),乡镇,村(社区),会员小组,值班\n"
    "lilan,李兰,小组长,广西壮族自治区,北海市,合浦县,廉州镇,江口村,JK01,\n"
    "wangfang,王芳,志愿者,广西,北海市,合浦县,廉州镇,江口村,JK01,\n"
    "zhaogang,赵刚,协会工作人员,广西,北海市,合浦县,,,,是\n"
    "nobody,,外星人,广西,,,,,,\n"
    ",无账号,志愿者,广西,,,,,,\n"
)


def test_csv_import_with_chinese_headers_and_gbk(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(CSV_TEXT.encode("gbk"))
    report = services.members.import_file(path)
    assert (report.created, report.updated, len(report.errors)) == (3, 0, 2)
    assert "外星人" in report.errors[0] and "缺少企业微信账号" in report.errors[1]
    leader = services.members.get("lilan")
    assert leader is not None and leader.role_enum is Role.LEADER
    assert leader.province == "广西"  # normalised from 广西壮族自治区
    assert leader.region.display() == "广西/北海市/合浦县/廉州镇/江口村"
    group = services.members.group("JK01")
    assert group is not None and group.leader_id == "lilan" and group.village == "江口村"
    # importing again updates instead of duplicating
    again = services.members.import_file(path)
    assert (again.created, again.updated) == (0, 3)


def test_xlsx_import(services: Services, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["userid", "name", "role", "province", "city", "county", "township", "village"])
    sheet.append(
        ["bt01", "巴特尔", "coordinator", "内蒙古", "包头市", "达尔罕茂明安联合旗", "百灵庙镇", ""]
    )
    path = tmp_path / "m.xlsx"
    book.save(path)
    report = services.members.import_file(path)
    assert report.created == 1
    member = services.members.get("bt01")
    assert member is not None and member.role_enum is Role.COORDINATOR


def test_unsupported_file_is_a_polite_error(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "m.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(DomainError, match="不支持"):
        services.members.import_file(path)


def test_on_duty_coordinator_for_a_village(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    services.members.import_file(path)
    region = RegionPath("广西", "北海市", "合浦县", "廉州镇", "江口村")
    assert [m.user_id for m in services.members.on_duty_for(region)] == ["zhaogang"]
    assert services.members.on_duty_for(RegionPath("广东", "深圳市")) == []


def test_region_containment() -> None:
    county = RegionPath("广西", "北海市", "合浦县")
    assert county.contains(RegionPath("广西", "北海市", "合浦县", "廉州镇", "江口村"))
    assert not county.contains(RegionPath("广西", "北海市", "银海区"))
    assert RegionPath().contains(county)
