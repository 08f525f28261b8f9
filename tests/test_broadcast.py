"""Broadcast handler: preview, confirm, region and permission checks, reports."""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.broadcast import Broadcast, follow_up_broadcasts, parse_notice
from handlers.core.db import session_scope
from handlers.core.members import MemberGroup
from handlers.core.messages import SHANGHAI, Role, TargetKind
from handlers.core.outbox import SendResult
from handlers.core.registry import build_router
from handlers.core.services import Services
from tests.conftest import RecordingSender, add_member, text_message, texts

JIANGKOU = ("广西", "北海市", "合浦县", "廉州镇", "江口村")
OTHER = ("广西", "北海市", "合浦县", "石湾镇", "大坡村")


def make_groups(services: Services) -> None:
    services.members.save_group(
        MemberGroup(
            code="JK01",
            name="江口村一组",
            province="广西",
            city="北海市",
            county="合浦县",
            township="廉州镇",
            village="江口村",
            channel="robot",
            robot_key="robotkey-jk01-abcdef",
        )
    )
    services.members.save_group(
        MemberGroup(
            code="JK02",
            name="江口村二组",
            province="广西",
            city="北海市",
            county="合浦县",
            township="廉州镇",
            village="江口村",
            leader_id="lead2",
        )
    )
    services.members.save_group(
        MemberGroup(
            code="SW01",
            name="大坡村一组",
            province="广西",
            city="北海市",
            county="合浦县",
            township="石湾镇",
            village="大坡村",
            channel="appchat",
            chat_id="chatSW01",
        )
    )
    for uid in ("lead2", "m21", "m22"):
        add_member(
            services,
            uid,
            Role.LEADER if uid == "lead2" else Role.VOLUNTEER,
            region=JIANGKOU,
            group="JK02",
        )


def say(services: Services, user: str, text: str, at: datetime | None = None) -> str:
    router = build_router()
    return texts(router.dispatch(text_message(user, text, at=at), services).replies)


@pytest.mark.parametrize(
    ("text", "audience", "body"),
    [
        ("通知 全体小组：5月29日上午9点开展活动", "全体小组", "5月29日上午9点开展活动"),
        ("通知 江口镇 明天开会", "江口镇", "明天开会"),
        ("通知小组长：请上报", "小组长", "请上报"),
        ("通知 江口村一组、江口村二组：好", "江口村一组、江口村二组", "好"),
    ],
)
def test_parse_notice(text: str, audience: str, body: str) -> None:
    request = parse_notice(text)
    assert request is not None
    assert (request.audience, request.text) == (audience, body)


def test_parse_notice_ignores_ordinary_questions() -> None:
    assert parse_notice("通知书怎么办理") is None
    assert parse_notice("你好") is None


def test_family_cannot_broadcast(services: Services) -> None:
    make_groups(services)
    add_member(services, "fam", Role.FAMILY)
    assert "只有协会工作人员" in say(services, "fam", "通知 全体小组：开会")


def test_preview_then_confirm_enqueues_once_per_group(services: Services) -> None:
    make_groups(services)
    add_member(services, "coord", Role.COORDINATOR, region=JIANGKOU[:3])
    preview = say(services, "coord", "通知 全体小组：5月29日上午9点开展会员活动日")
    assert "3 个小组" in preview and "确认发送" in preview
    assert services.outbox.counts() == {}
    done = say(services, "coord", "确认发送")
    assert "已开始发送" in done
    again = say(services, "coord", "确认发送")
    assert "没有等待发送的通知" in again
    with session_scope(services.engine) as session:
        rows = list(session.exec(__import__("sqlmodel").select(Broadcast)))
    assert len(rows) == 1
    messages = services.outbox.by_origin(f"broadcast:{rows[0].id}")
    kinds = sorted(m.target_kind for m in messages)
    assert kinds == [TargetKind.APPCHAT.value, TargetKind.ROBOT.value, TargetKind.USER.value]
    assert all(m.duplicate_check for m in messages)


def test_region_limits_what_a_township_coordinator_reaches(services: Services) -> None:
    make_groups(services)
    add_member(services, "tc", Role.COORDINATOR, region=JIANGKOU[:4])
    assert "2 个小组" in say(services, "tc", "通知 全体小组：开会")
    refused = say(services, "tc", "通知 大坡村一组：开会")
    assert "不在您负责的地区" in refused
    refused_region = say(services, "tc", "通知 石湾镇 开会")
    assert "不在您负责的地区" in refused_region


def test_leaders_audience_and_unknown_name(services: Services) -> None:
    make_groups(services)
    add_member(services, "coord", Role.COORDINATOR, region=JIANGKOU[:3])
    preview = say(services, "coord", "通知 小组长：请上报")
    assert "各小组长" in preview and "1 个小组" in preview
    assert "没找到“火星村”" in say(services, "coord", "通知 火星村 开会")


def test_cancel_drops_the_pending_notice(services: Services) -> None:
    make_groups(services)
    add_member(services, "coord", Role.COORDINATOR, region=JIANGKOU[:3])
    say(services, "coord", "通知 全体小组：开会")
    assert "已取消" in say(services, "coord", "取消")
    assert services.outbox.counts() == {}


def test_scheduled_notice_is_due_at_its_time(services: Services) -> None:
    make_groups(services)
    add_member(services, "coord", Role.COORDINATOR, region=JIANGKOU[:3])
    services.clock = lambda: datetime(2026, 5, 27, 10, 0, tzinfo=SHANGHAI)
    preview = say(services, "coord", "定时 5月28日 18:00 通知 江口村 明天活动")
    assert "05月28日 18:00" in preview
    assert "已安排" in say(services, "coord", "确认发送")
    assert "已经过去" in say(services, "coord", "定时 5月1日 8:00 通知 江口村 晚了")
    rows = services.outbox.by_origin("broadcast:1")
    assert len(rows) == 2
    due = datetime(2026, 5, 28, 18, 0, tzinfo=SHANGHAI)
    assert all(r.not_before.astimezone(SHANGHAI) == due for r in rows)


def test_report_after_sending_with_failure_reasons(
    services: Services, sender: RecordingSender
) -> None:
    make_groups(services)
    add_member(services, "coord", Role.COORDINATOR, region=JIANGKOU[:3])
    say(services, "coord", "通知 全体小组：开会")
    say(services, "coord", "确认发送")
    assert follow_up_broadcasts(services) == 0  # nothing sent yet: no report
    # rows go out in id order: appchat? order is by group code: JK01 robot, JK02 users, SW01 chat
    sender.results = [
        SendResult(ok=False, errcode=93000, errmsg="invalid webhook url"),
        SendResult(ok=True, invalid=("m22",)),
        SendResult(ok=False, errcode=45009, errmsg="freq"),
    ]
    services.outbox.deliver_due(sender)
    status = say(services, "coord", "通知状态 1")
    assert "等待发送 1 个" in status
    from sqlalchemy import update

    from handlers.core.outbox import OutboxMessage

    with session_scope(services.engine) as session:  # make the retried row due now
        session.execute(
            update(OutboxMessage).values(not_before=datetime(2000, 1, 1, tzinfo=SHANGHAI))
        )
    services.outbox.deliver_due(sender)
    assert follow_up_broadcasts(services) == 1
    assert follow_up_broadcasts(services) == 0  # reported once
    report = services.outbox.by_origin("broadcast-report:1")
    assert len(report) == 1
    text = report[0].text
    assert "已送达 2 个" in text and "失败 1 个" in text
    assert "群机器人地址失效" in text and "江口村一组" in text
    assert "自动重试后已送达" in text and "1 个成员账号无效" in text
    assert "robotkey" not in text


def test_status_of_someone_elses_region_is_refused(services: Services) -> None:
    make_groups(services)
    add_member(services, "coord", Role.COORDINATOR, region=JIANGKOU[:4])
    add_member(services, "other", Role.COORDINATOR, region=OTHER[:4])
    say(services, "coord", "通知 全体小组：开会")
    say(services, "coord", "确认发送")
    assert "不能查看" in say(services, "other", "通知状态 1")
    assert "没有编号为 9" in say(services, "coord", "通知状态 9")


def test_a_scheduled_notice_can_be_withdrawn_before_it_goes_out(
    services: Services, sender: RecordingSender
) -> None:
    make_groups(services)
    add_member(services, "coord", Role.COORDINATOR, region=JIANGKOU[:3])
    add_member(services, "other", Role.COORDINATOR, region=("广东", "深圳市"))
    services.clock = lambda: datetime(2026, 5, 27, 10, 0, tzinfo=SHANGHAI)
    say(services, "coord", "定时 5月28日 18:00 通知 全体小组：明天活动")
    say(services, "coord", "确认发送")
    assert "不能查看或取消" in say(services, "other", "取消通知 1")
    reply = say(services, "coord", "取消通知 1")
    assert "已撤回通知 1：3 个小组不会再收到" in reply
    # the outbox runs on the real clock, long past 5月28日: the rows would be due now
    assert services.outbox.deliver_due(sender).handled == 0
    assert sender.sent == []
    status = say(services, "coord", "通知状态 1")
    assert "已撤回 3 个小组" in status and "等待发送 0 个" in status
    assert follow_up_broadcasts(services) == 0  # a withdrawn notice gets no delivery report
    assert "没有可撤回" in say(services, "coord", "取消通知 1")
