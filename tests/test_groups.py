"""Registering groups by message and CLI, and creating an app chat for a group."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from bot.cli.main import main
from bot.wecom.fakeapi import FakeWeCom
from bot.wecom.sender import WeComSender
from handlers.core.members import MemberGroup
from handlers.core.messages import Role, TargetKind
from handlers.core.registry import build_router
from handlers.core.services import Services
from handlers.groups import GroupDirectory, create_chat, parse_registration
from tests.conftest import TEST_CORP, add_member, make_settings, text_message, texts

TOWN = ("广西", "北海市", "合浦县", "廉州镇")


def say(services: Services, user: str, text: str) -> str:
    return texts(build_router().dispatch(text_message(user, text), services).replies)


def test_parse_registration() -> None:
    reg = parse_registration("登记小组 JK01 江口村一组 机器人 abcd-1234-efgh 地区 江口村")
    assert reg is not None
    assert (reg.code, reg.name, reg.channel, reg.value, reg.place) == (
        "JK01",
        "江口村一组",
        "robot",
        "abcd-1234-efgh",
        "江口村",
    )
    assert parse_registration("登记小组") is None
    assert parse_registration("登记活动 今天") is None


def test_coordinator_registers_a_robot_group_without_echoing_the_key(services: Services) -> None:
    add_member(services, "tc", Role.COORDINATOR, region=TOWN)
    reply = say(services, "tc", "登记小组 JK01 江口村一组 机器人 abcd-1234-efgh 地区 江口村")
    assert "已登记小组“江口村一组”" in reply and "群机器人" in reply
    assert "abcd" not in reply
    group = services.members.group("JK01")
    assert group is not None and group.village == "江口村" and group.robot_key == "abcd-1234-efgh"
    reach = GroupDirectory(services).reach(group)
    assert reach.target is not None and reach.target.kind is TargetKind.ROBOT
    assert "JK01 江口村一组（群机器人）" in say(services, "tc", "小组列表")


def test_bad_key_and_foreign_group_are_refused(services: Services) -> None:
    add_member(services, "tc", Role.COORDINATOR, region=TOWN)
    add_member(services, "oc", Role.COORDINATOR, region=("广西", "北海市", "合浦县", "石湾镇"))
    assert "格式不对" in say(services, "tc", "登记小组 JK01 一组 机器人 !!")
    say(services, "tc", "登记小组 JK01 一组 成员")
    assert "不在您负责的地区" in say(services, "oc", "登记小组 JK01 抢过来 成员")


def test_family_cannot_register(services: Services) -> None:
    add_member(services, "f", Role.FAMILY)
    assert "只有协会工作人员" in say(services, "f", "登记小组 JK01 一组 成员")


def test_members_channel_reaches_registered_members(services: Services) -> None:
    services.members.save_group(MemberGroup(code="G1", name="一组"))
    for uid in ("a", "b", "c"):
        add_member(services, uid, Role.VOLUNTEER, group="G1")
    group = services.members.group("G1")
    assert group is not None
    reach = GroupDirectory(services).reach(group)
    assert reach.target is not None and reach.target.ids == ("a", "b", "c") and reach.people == 3
    empty = MemberGroup(code="G2")
    assert GroupDirectory(services).reach(empty).target is None


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    with FakeWeCom(corp_id=TEST_CORP) as server:
        yield server


def test_bot_creates_an_appchat_from_registered_members(
    services: Services, tmp_path: Path, redis: Redis, fake: FakeWeCom
) -> None:
    sender = WeComSender(make_settings(tmp_path, redis, WECOM_API_BASE=fake.base_url), redis)
    services.extras["chat_creator"] = sender
    add_member(services, "tc", Role.COORDINATOR, region=TOWN)
    services.members.save_group(
        MemberGroup(
            code="JK01",
            name="江口村一组",
            leader_id="lead",
            township="廉州镇",
            province="广西",
            city="北海市",
            county="合浦县",
        )
    )
    for uid in ("lead", "m1"):
        add_member(services, uid, Role.VOLUNTEER, group="JK01")
    reply = say(services, "tc", "建群 JK01")
    assert "已为小组“江口村一组”建好群聊" in reply
    [call] = fake.calls("/cgi-bin/appchat/create")
    assert call.body["owner"] == "lead" and sorted(call.body["userlist"]) == ["lead", "m1"]
    group = services.members.group("JK01")
    assert group is not None and group.channel == "appchat" and group.chat_id == "JK01"
    fake.fail_next("/cgi-bin/appchat/create", 60011, "no privilege")
    assert "应用可见范围" in say(services, "tc", "建群 JK01")
    sender.close()


def test_create_chat_needs_two_members(services: Services) -> None:
    services.extras["chat_creator"] = object()
    services.members.save_group(MemberGroup(code="G1"))
    with pytest.raises(Exception, match="不足2人"):
        create_chat(services, "G1")


def test_cli_add_import_and_list(
    tmp_path: Path,
    redis: Redis,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = make_settings(tmp_path, redis)
    for key, value in {
        "XIEHUI_DATA_DIR": str(settings.data_dir),
        "REDIS_URL": settings.redis_url,
    }.items():
        monkeypatch.setenv(key, value)
    assert (
        main(
            [
                "groups",
                "add",
                "JK01",
                "--name",
                "江口村一组",
                "--region",
                "广西/北海市",
                "--robot",
                "secretkey-123",
            ]
        )
        == 0
    )
    csv = tmp_path / "groups.csv"
    csv.write_text(
        "编号,名称,县,乡镇,成员\nSW01,大坡村一组,合浦县,石湾镇,a|b\n,缺编号,,,\n", encoding="utf-8"
    )
    assert main(["groups", "import", str(csv)]) == 1  # one row lacks a code; a preview
    assert "缺少会员小组编号" in capsys.readouterr().out
    assert main(["groups", "import", str(csv), "--apply"]) == 1
    assert "被拒绝的 1 行没有导入，其余各行都已导入。" in capsys.readouterr().out
    assert main(["groups", "list"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    assert lines["JK01"][1:5] == ["江口村一组", "广西/北海市", "群机器人", "已登记机器人key"]
    assert lines["SW01"][1:5] == ["大坡村一组", "合浦县/石湾镇", "逐人消息", "a、b"]
    assert "secretkey" not in out
