"""The permission matrix: every staff command × (own region, other region, no region) × role.

- 群众, 志愿者 and 会员小组长 are refused every staff command, whatever their region.
- A coordinator acts on their own region's tickets, groups, notices and reminders, never on
  another region's, and with no region in the roster cannot act at all (and is told why).
- An admin with a region is scoped to it like a coordinator; an admin with no region acts
  everywhere (the documented admin scope, see handlers/core/permissions.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis import Redis

from handlers.broadcast import PENDING_KEY, Broadcast
from handlers.core.db import init_db, make_engine, session_scope
from handlers.core.members import MemberGroup, RegionPath
from handlers.core.messages import Channel, IncomingMessage, Role
from handlers.core.outbox import Outbox
from handlers.core.permissions import Actor, can_act, staff_scope
from handlers.core.registry import build_router
from handlers.core.services import Services
from handlers.core.state import Conversation
from handlers.handoff import HandoffTicket
from knowledge.base import KnowledgeStore
from scheduler.models import Reminder
from tests import databases
from tests.conftest import add_member, text_message, texts
from tests.databases import database_url

OWN = ("广西", "北海市", "合浦县")
OTHER = ("广西", "北海市", "银海区")
ROUTER = build_router()
ROLES = (Role.FAMILY, Role.VOLUNTEER, Role.LEADER, Role.COORDINATOR, Role.ADMIN)
#: own: the actor's region holds the target; other: the target lies in another county;
#: none: the actor has no region in the roster and the target lies in that other county.
VARIANTS = ("own", "other", "none")


@dataclass(frozen=True)
class World:
    """Ids of the things the commands act on, in the own and the other county."""

    ticket: dict[str, int]
    group: dict[str, str]
    broadcast: dict[str, int]
    reminder: dict[str, int]


def build_world(services: Services) -> World:
    router = build_router()
    ids: dict[str, dict[str, object]] = {
        "ticket": {},
        "group": {},
        "broadcast": {},
        "reminder": {},
    }
    for side, region in (("own", OWN), ("other", OTHER)):
        code = "HP01" if side == "own" else "YH01"
        town = "廉州镇" if side == "own" else "福成镇"
        services.members.save_group(
            MemberGroup(
                code=code,
                name=f"{code}组",
                province=region[0],
                city=region[1],
                county=region[2],
                township=town,
                channel="robot",
                robot_key=f"robotkey-{code.lower()}-abcdef",
            )
        )
        ids["group"][side] = code
        family = f"fam-{side}"
        add_member(services, family, Role.FAMILY, region=(*region, town))
        with session_scope(services.engine) as session:
            ticket = HandoffTicket(
                channel="app", asker_id=family, region="/".join((*region, town)), question="问题"
            )
            session.add(ticket)
            session.flush()
            ids["ticket"][side] = ticket.id
        # made by a colleague of that county, so "own" is not just "made by me"
        maker = f"maker-{side}"
        add_member(services, maker, Role.COORDINATOR, region=region)
        router.dispatch(text_message(maker, f"通知 {code}：开会"), services)
        router.dispatch(text_message(maker, "确认发送"), services)
        with session_scope(services.engine) as session:
            row = session.exec(
                Broadcast.__table__.select().where(Broadcast.created_by == maker)  # type: ignore[attr-defined]
            ).first()
            ids["broadcast"][side] = row.id
        router.dispatch(text_message(maker, f"提醒 每月5日 9:10 {side}的提醒"), services)
        with session_scope(services.engine) as session:
            reminder = session.exec(
                Reminder.__table__.select().where(Reminder.created_by == maker)  # type: ignore[attr-defined]
            ).first()
            ids["reminder"][side] = reminder.id
    return World(**ids)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Command:
    name: str
    text: Callable[[World, str], str]
    done: str  # what the reply says when the command was carried out
    prepare: Callable[[Services, World, str, str], None] | None = None
    listing: bool = False  # a list: "other" shows only the actor's region


def _answered(services: Services, world: World, side: str, _user: str) -> None:
    with session_scope(services.engine) as session:
        ticket = session.get(HandoffTicket, world.ticket[side])
        assert ticket is not None
        ticket.status, ticket.answer = "answered", "答复"
        session.add(ticket)


def _staged(services: Services, world: World, side: str, user: str) -> None:
    plan = {
        "audience": world.group[side],
        "text": "开会",
        "group_codes": [world.group[side]],
        "leaders_only": False,
        "people": 0,
        "unreachable": [],
        "scheduled_for": None,
    }
    Conversation(services.engine, Channel.APP.value, user).set(PENDING_KEY, plan, ttl=600)


COMMANDS = (
    Command("回复", lambda w, s: f"回复 {w.ticket[s]} 请到镇卫生院办理", "已转告提问人"),
    Command("入库", lambda w, s: f"入库 {w.ticket[s]}", "已把编号", prepare=_answered),
    Command("通知", lambda w, s: f"通知 {w.group[s]}：明天开会", "将发送给"),
    Command("确认发送", lambda _w, _s: "确认发送", "已开始发送", prepare=_staged),
    Command("通知状态", lambda w, s: f"通知状态 {w.broadcast[s]}", "发送情况"),
    Command("取消通知", lambda w, s: f"取消通知 {w.broadcast[s]}", "已撤回通知"),
    Command("登记小组", lambda w, s: f"登记小组 {w.group[s]} 新名字 成员", "已登记小组"),
    Command("建群", lambda w, s: f"建群 {w.group[s]}", "不能建群"),
    Command("小组列表", lambda _w, _s: "小组列表", "个小组", listing=True),
    Command("新建提醒", lambda _w, _s: "提醒 每月6日 9:10 各小组上报", "已新建提醒"),
    Command("提醒列表", lambda _w, _s: "提醒列表", "提醒列表", listing=True),
    Command("删除提醒", lambda w, s: f"删除提醒 {w.reminder[s]}", "已删除提醒"),
    Command("修改提醒", lambda w, s: f"修改提醒 {w.reminder[s]} 新内容", "已修改提醒"),
    Command("暂停提醒", lambda w, s: f"暂停提醒 {w.reminder[s]}", "已暂停提醒"),
    Command("开启纪念日", lambda _w, _s: "开启 5·29 提醒", "已开启"),
    Command("工作台", lambda _w, _s: "工作台", "登录链接"),
)
TARGETLESS = {"新建提醒", "开启纪念日", "工作台", "小组列表", "提醒列表"}


def expected(role: Role, variant: str) -> str:
    """ "done", "role" (not staff), "region" (outside the actor's region), "no-region"."""
    if role not in (Role.COORDINATOR, Role.ADMIN):
        return "role"
    if variant == "none":
        return "done" if role is Role.ADMIN else "no-region"
    return "done" if variant == "own" else "region"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, redis_server: Redis) -> tuple[Path, World]:
    """The world built once; each test gets a copy of its database file."""
    folder = tmp_path_factory.mktemp("permissions")
    url = database_url(folder, "world.db")
    databases.current.databases.keep(url)
    engine = make_engine(url)
    init_db(engine)
    redis_server.flushall()
    built = build_world(Services(engine, redis_server, Outbox(engine), folder))
    engine.dispose()  # closes every connection, so the WAL is checkpointed into the file
    return url, built


@pytest.fixture
def services(template: tuple[str, World], redis: Redis, tmp_path: Path) -> Iterator[Services]:
    engine = make_engine(databases.current.databases.copy(template[0], tmp_path, "test.db"))
    kb = tmp_path / "kb"
    kb.mkdir()
    services = Services(engine, redis, Outbox(engine), tmp_path, knowledge=KnowledgeStore(kb))
    services.extras["public_url"] = "https://xiehui.example.org"
    yield services
    engine.dispose()


@pytest.fixture
def world(template: tuple[str, World]) -> World:
    return template[1]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_permission_matrix(
    services: Services, world: World, command: Command, role: Role, variant: str
) -> None:
    region = () if variant == "none" else OWN
    user = "actor"
    add_member(services, user, role, region=region, name="测试人")
    side = "own" if variant == "own" else "other"
    if command.prepare is not None:
        command.prepare(services, world, side, user)
    message: IncomingMessage = text_message(user, command.text(world, side), msg_id="m-actor")
    result = ROUTER.dispatch(message, services)
    reply = texts(result.replies)
    outcome = expected(role, variant)
    if command.name in TARGETLESS and outcome == "region":
        outcome = "done"  # no target: the command acts inside the actor's own region
    if outcome == "role":
        assert result.outcome == "refused", reply
        assert "只有协会工作人员和管理员" in reply
    elif outcome == "no-region":
        assert result.outcome == "refused", reply
        assert "没有登记负责的地区" in reply
    elif outcome == "region":
        assert result.outcome == "refused", reply
        assert any(why in reply for why in ("不在您负责的地区", "不是您地区", "没有编号为")), reply
        assert command.done not in reply
    else:
        assert command.done in reply, reply
        assert result.outcome in ("ok", "refused" if command.name == "建群" else "ok"), reply
    if command.listing and outcome == "done" and variant != "none":
        # an own-region actor's list never shows the other county's group or reminder
        assert "YH01" not in reply and "other的提醒" not in reply


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_staff_scope_rule(role: Role) -> None:
    county = RegionPath(*OWN)
    if role in (Role.COORDINATOR, Role.ADMIN):
        assert staff_scope(role, county, "发通知") == county
        assert can_act(role, county)
    else:
        assert not can_act(role, county)
    if role is Role.ADMIN:
        assert staff_scope(role, RegionPath(), "发通知") == RegionPath()
    else:
        assert not can_act(role, RegionPath())


def test_actions_are_audited_with_who_and_where(services: Services, world: World) -> None:
    from handlers.core import audit

    add_member(services, "actor", Role.COORDINATOR, region=OWN, name="赵专干")
    build_router().dispatch(
        text_message("actor", f"回复 {world.ticket['own']} 去镇上办"), services
    )
    entries = audit.recent(services.engine, RegionPath(*OWN), area=audit.TICKETS)
    assert [(e.actor_id, e.actor_name, e.via, e.subject) for e in entries] == [
        ("actor", "赵专干", "chat", f"ticket:{world.ticket['own']}")
    ]
    assert "去镇上办" in entries[0].summary
    # the other county's coordinator does not see it
    assert audit.recent(services.engine, RegionPath(*OTHER), area=audit.TICKETS) == []
    assert Actor.of(services.members.get("actor")).label == "赵专干（actor）"  # type: ignore[arg-type]
