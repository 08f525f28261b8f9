"""The member registry and its CSV / Excel import."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from handlers.core.errors import DomainError
from handlers.core.members import RegionPath
from handlers.core.messages import Role
from handlers.core.services import Services
from handlers.roster.importer import MEMBERS, Action, ImportPlan, RosterImporter

CSV_TEXT = (
    "企业微信账号,姓名,角色,省,市,县(区),乡镇,村(社区),会员小组,值班\n"
    "lilan,李兰,小组长,广西壮族自治区,北海市,合浦县,廉州镇,江口村,JK01,\n"
    "wangfang,王芳,志愿者,广西,北海市,合浦县,廉州镇,江口村,JK01,\n"
    "zhaogang,赵刚,协会工作人员,广西,北海市,合浦县,,,,是\n"
    "nobody,,外星人,广西,,,,,,\n"
    ",无账号,志愿者,广西,,,,,,\n"
)


def import_csv(services: Services, path: Path) -> ImportPlan:
    importer = RosterImporter(services.engine)
    plan = importer.plan(MEMBERS, path.read_bytes(), path.name)
    importer.apply(plan)
    return plan


def test_csv_import_with_chinese_headers_and_gbk(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(CSV_TEXT.encode("gbk"))
    plan = import_csv(services, path)
    assert plan.summary() == "新增 3 人，修改 0 人，不变 0 人，拒绝 2 行。"
    refused = plan.having(Action.REFUSE)
    assert "角色“外星人”无法识别" in refused[0].explanation
    assert "缺少企业微信账号" in refused[1].explanation
    leader = services.members.get("lilan")
    assert leader is not None and leader.role_enum is Role.LEADER
    assert leader.province == "广西"  # normalised from 广西壮族自治区
    assert leader.region.display() == "广西/北海市/合浦县/廉州镇/江口村"
    group = services.members.group("JK01")
    assert group is not None and group.leader_id == "lilan" and group.village == "江口村"
    # importing again changes nothing instead of duplicating
    again = import_csv(services, path)
    assert (again.count(Action.ADD), again.count(Action.SAME)) == (0, 3)


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
    plan = import_csv(services, path)
    assert plan.count(Action.ADD) == 1
    member = services.members.get("bt01")
    assert member is not None and member.role_enum is Role.COORDINATOR


def test_unsupported_file_is_a_polite_error(services: Services, tmp_path: Path) -> None:
    plan = RosterImporter(services.engine).plan(MEMBERS, b"%PDF", "m.pdf")
    assert plan.errors and "不支持" in plan.errors[0]
    with pytest.raises(DomainError, match="没有导入任何内容"):
        RosterImporter(services.engine).apply(plan)


def test_on_duty_coordinator_for_a_village(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    import_csv(services, path)
    region = RegionPath("广西", "北海市", "合浦县", "廉州镇", "江口村")
    assert [m.user_id for m in services.members.on_duty_for(region)] == ["zhaogang"]
    assert services.members.on_duty_for(RegionPath("广东", "深圳市")) == []


def test_region_containment() -> None:
    county = RegionPath("广西", "北海市", "合浦县")
    assert county.contains(RegionPath("广西", "北海市", "合浦县", "廉州镇", "江口村"))
    assert not county.contains(RegionPath("广西", "北海市", "银海区"))
    assert RegionPath().contains(county)


def test_member_search_ignores_case_and_reads_wildcards_literally(services: Services) -> None:
    """The same answers on SQLite and PostgreSQL (whose LIKE is case-sensitive)."""
    from tests.conftest import add_member

    add_member(services, "LiHua", Role.LEADER, name="李华")
    add_member(services, "wang_fang", Role.VOLUNTEER, name="王芳")
    add_member(services, "wangxfang", Role.VOLUNTEER, name="王小芳")
    everywhere = RegionPath("广西")
    found, total = services.members.search(everywhere, "lihua")
    assert [m.user_id for m in found] == ["LiHua"] and total == 1
    found, _ = services.members.search(everywhere, "WANG_")
    assert [m.user_id for m in found] == ["wang_fang"]  # "_" is no wildcard
    found, _ = services.members.search(everywhere, "50%")
    assert found == []
