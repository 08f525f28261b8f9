"""Coordinators manage reminders by message."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from handlers.core.db import session_scope
from handlers.core.messages import SHANGHAI, Role
from handlers.core.registry import build_router
from handlers.core.services import Services
from handlers.reminders import parse_command
from scheduler.jobs import ensure_default_reminders
from scheduler.models import AUDIENCE_LEADERS, KIND_CALENDAR, Reminder
from tests.conftest import add_member, text_message, texts

COUNTY = ("广西", "北海市", "合浦县")
TOWN = ("广西", "北海市", "合浦县", "廉州镇")
NOW = datetime(2026, 5, 27, 10, 0, tzinfo=SHANGHAI)


def say(services: Services, user: str, text: str) -> str:
    services.clock = lambda: NOW
    return texts(build_router().dispatch(text_message(user, text, at=NOW), services).replies)


def reminders(services: Services) -> list[Reminder]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(Reminder)))


def test_parse_commands() -> None:
    assert parse_command("提醒列表").action == "list"  # type: ignore[union-attr]
    assert parse_command("删除提醒 3").number == 3  # type: ignore[union-attr]
    assert parse_command("开启 5·29 提醒").text == "5·29"  # type: ignore[union-attr]
    assert parse_command("关闭5.29提醒").action == "calendar_off"  # type: ignore[union-attr]
    assert parse_command("提醒我明天开会") is None


def test_coordinator_adds_lists_and_deletes_a_reminder(services: Services) -> None:
    add_member(services, "tc", Role.COORDINATOR, region=TOWN)
    reply = say(services, "tc", "提醒 每月5日 9:10 各小组上报本月活动")
    assert "已新建提醒 1" in reply and "每月5日 09:10" in reply and "06月05日 09:10" in reply
    [row] = reminders(services)
    assert row.spec == "10 9 5 * *" and row.township == "廉州镇"
    listing = say(services, "tc", "提醒列表")
    assert "1. 每月5日 09:10 全体小组" in listing and "5·29会员活动日" in listing
    assert "已删除提醒 1" in say(services, "tc", "删除提醒 1")
    assert reminders(services) == []


def test_leaders_only_reminder_and_on_the_hour_advice(services: Services) -> None:
    add_member(services, "tc", Role.COORDINATOR, region=TOWN)
    reply = say(services, "tc", "提醒 每周一 9:00 小组长：请查看本周安排")
    assert "避开整点" in reply
    assert reminders(services)[0].audience == AUDIENCE_LEADERS


def test_volunteer_may_not_manage_reminders(services: Services) -> None:
    add_member(services, "vol", Role.VOLUNTEER, region=TOWN)
    assert "只有协会工作人员" in say(services, "vol", "提醒 每月5日 9:10 上报")
    assert reminders(services) == []


def test_township_cannot_delete_a_county_reminder(services: Services) -> None:
    add_member(services, "cc", Role.COORDINATOR, region=COUNTY)
    add_member(services, "tc", Role.COORDINATOR, region=TOWN)
    say(services, "cc", "提醒 每月5日 9:10 全县上报")
    assert "上级设置的" in say(services, "tc", "删除提醒 1")
    assert "全县上报" in say(services, "tc", "提醒列表")  # it still applies to the township
    assert "已修改提醒 1" in say(services, "cc", "修改提醒 1 全县上报活动照片")
    assert reminders(services)[0].text == "全县上报活动照片"


def test_default_reminders_are_only_for_top_level_staff(services: Services) -> None:
    ensure_default_reminders(services)
    add_member(services, "tc", Role.COORDINATOR, region=TOWN)
    listing = say(services, "tc", "提醒列表")
    assert "每月1日 09:10" in listing and "每月25日 09:20 本月未登记活动的小组" in listing
    assert "上级设置的" in say(services, "tc", "删除提醒 1")


def test_switch_association_day_on_and_off_per_region(services: Services) -> None:
    add_member(services, "tc", Role.COORDINATOR, region=TOWN)
    add_member(services, "other", Role.COORDINATOR, region=("广西", "北海市", "合浦县", "石湾镇"))
    assert "已开启5·29会员活动日提醒" in say(services, "tc", "开启 5·29 提醒")
    assert "已开启" in say(services, "tc", "开启 5.29 提醒")  # again: no second row
    say(services, "other", "开启 5·29 提醒")
    rows = [r for r in reminders(services) if r.kind == KIND_CALENDAR]
    assert sorted(r.township for r in rows) == ["廉州镇", "石湾镇"]
    assert rows[0].spec == "20 8 29 5 *"
    assert "已关闭" in say(services, "tc", "关闭 5·29 提醒")
    enabled = {r.township: r.enabled for r in reminders(services)}
    assert enabled == {"廉州镇": False, "石湾镇": True}
    assert "没有“6·1”这个纪念日" in say(services, "tc", "开启 6·1 提醒")


def test_guangxi_only_day_is_refused_elsewhere(services: Services) -> None:
    add_member(services, "gd", Role.COORDINATOR, region=("广东", "广州市"))
    assert "只在广西开展" in say(services, "gd", "开启 9·25 提醒")


def test_bad_schedule_gets_an_example(services: Services) -> None:
    add_member(services, "tc", Role.COORDINATOR, region=TOWN)
    assert "请这样写" in say(services, "tc", "提醒 每月 上报")
    assert "1日到28日" in say(services, "tc", "提醒 每月31日 9:10 上报")


def test_deleting_a_default_reminder_switches_it_off_for_good(services: Services) -> None:
    ensure_default_reminders(services)
    add_member(services, "admin", Role.ADMIN, region=())
    assert "已关闭" in say(services, "admin", "删除提醒 2")
    ensure_default_reminders(services)  # the next start must not bring it back
    rows = {r.id: r.enabled for r in reminders(services)}
    assert rows == {1: True, 2: False}
