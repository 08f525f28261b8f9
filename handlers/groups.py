"""Member groups: how each is reached, registering them by message, creating their app chat.

A group is reached through one channel, recorded on its ``MemberGroup`` row:

- ``robot``: the group robot's webhook key (the key is a credential: never echoed or logged);
- ``appchat``: an app group chat the bot created (``建群 CODE``);
- ``members``: message/send to the group's members (explicit user/party/tag ids, else the
  members registered with that group code).

Creating an app chat is a WeCom API call; handlers see it only through :class:`ChatCreator`,
put into ``Services.extras["chat_creator"]`` by the container.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlmodel import col, select

from handlers.core.db import session_scope
from handlers.core.errors import DomainError
from handlers.core.members import REGION_LEVELS, Member, MemberGroup, RegionPath, filter_by_region
from handlers.core.messages import IncomingMessage, Kind, Reply, Target, TargetKind
from handlers.core.router import STAFF, Route, Router
from handlers.core.services import Context, Services

logger = logging.getLogger(__name__)

CHANNEL_ROBOT = "robot"
CHANNEL_APPCHAT = "appchat"
CHANNEL_MEMBERS = "members"
CHANNEL_LABELS = {
    CHANNEL_ROBOT: "群机器人",
    CHANNEL_APPCHAT: "应用群聊",
    CHANNEL_MEMBERS: "逐人消息",
}
#: WeCom sends message/send to at most 1000 user ids per call.
MAX_USERS_PER_SEND = 1000


class ChatCreateFailed(DomainError):
    """appchat/create was refused; ``message`` says why in Chinese."""


class ChatCreator(Protocol):
    """Creates a WeCom app group chat (appchat/create); returns its chat id."""

    def appchat_create(
        self, name: str, owner: str, user_ids: Sequence[str], chat_id: str
    ) -> str: ...


@dataclass(frozen=True)
class Reach:
    """Where one group's message goes and how many people it reaches."""

    group: MemberGroup
    target: Target | None  # None: the group has no usable channel
    people: int


class GroupDirectory:
    """Members per group, loaded once, to plan sends to many groups without N queries."""

    def __init__(self, services: Services) -> None:
        with session_scope(services.engine) as session:
            rows = session.exec(
                select(Member.group_code, Member.user_id).where(Member.group_code != "")
            ).all()
        self.members: dict[str, list[str]] = {}
        for code, user_id in rows:
            self.members.setdefault(code, []).append(user_id)

    def reach(self, group: MemberGroup) -> Reach:
        members = self.members.get(group.code, [])
        people = len(members)
        if group.channel == CHANNEL_ROBOT and group.robot_key:
            return Reach(group, Target(TargetKind.ROBOT, (group.robot_key,)), people)
        if group.channel == CHANNEL_APPCHAT and group.chat_id:
            return Reach(group, Target(TargetKind.APPCHAT, (group.chat_id,)), people)
        explicit = _ids(group.user_ids)
        if explicit:
            ids = explicit[:MAX_USERS_PER_SEND]
            return Reach(group, Target(TargetKind.USER, tuple(ids)), max(people, len(ids)))
        if _ids(group.party_ids):
            return Reach(group, Target(TargetKind.PARTY, tuple(_ids(group.party_ids))), people)
        if _ids(group.tag_ids):
            return Reach(group, Target(TargetKind.TAG, tuple(_ids(group.tag_ids))), people)
        if members:
            ids = sorted(members)[:MAX_USERS_PER_SEND]
            return Reach(group, Target(TargetKind.USER, tuple(ids)), people)
        return Reach(group, None, 0)


def _ids(value: str) -> list[str]:
    return [i for i in value.split("|") if i]


def groups_in(services: Services, region: RegionPath) -> list[MemberGroup]:
    """Active groups inside ``region``."""
    return filter_by_region(services.members.groups(), region)


def chat_members(services: Services, chat_id: str) -> list[str]:
    """Who is in an app chat: the registered members of the group that uses it."""
    with session_scope(services.engine) as session:
        codes = list(session.exec(select(MemberGroup.code).where(MemberGroup.chat_id == chat_id)))
        if not codes:
            return []
        return sorted(
            session.exec(select(Member.user_id).where(col(Member.group_code).in_(codes))).all()
        )


def chat_id_for(code: str) -> str:
    """WeCom chat ids are [0-9a-zA-Z], at most 32 characters."""
    if re.fullmatch(r"[0-9A-Za-z]{1,32}", code):
        return code
    return "xh" + hashlib.sha1(code.encode()).hexdigest()[:20]


def create_chat(services: Services, code: str) -> MemberGroup:
    """Create the group's app chat from its registered members and switch it to appchat."""
    creator = services.extras.get("chat_creator")
    group = services.members.group(code)
    if group is None:
        raise DomainError(f"没有编号为“{code}”的小组。")
    if creator is None:
        raise DomainError("当前没有连接企业微信接口，不能建群。")
    members = sorted(m.user_id for m in services.members.in_group(code))
    if len(members) < 2:
        raise DomainError(f"小组“{group.name or code}”登记的成员不足2人，不能建群。")
    owner = group.leader_id if group.leader_id in members else members[0]
    chat_id = _creator(creator).appchat_create(
        (group.name or code)[:50], owner, members, chat_id_for(code)
    )
    group.channel = CHANNEL_APPCHAT
    group.chat_id = chat_id
    services.members.save_group(group)
    logger.info("created appchat for group %s with %d members", code, len(members))
    return group


def _creator(value: object) -> ChatCreator:
    if not hasattr(value, "appchat_create"):
        raise DomainError("建群功能没有配置好，请联系管理员。")
    return value  # type: ignore[return-value]


# -- registering groups by message ------------------------------------------------------------

_REGISTER = re.compile(r"^\s*登记小组\s+(?P<rest>.+)$", re.S)
_CHANNEL_WORDS = {"机器人": CHANNEL_ROBOT, "群聊": CHANNEL_APPCHAT, "成员": CHANNEL_MEMBERS}


@dataclass(frozen=True)
class GroupRegistration:
    code: str
    name: str
    channel: str
    value: str  # robot key or chat id
    place: str  # optional 地区 (a village or township name below the coordinator's region)


def parse_registration(text: str) -> GroupRegistration | None:
    """ "登记小组 JK01 江口村一组 机器人 KEY" / "登记小组 江口村一组 群聊 CHATID" / "... 成员".

    Optional "地区 江口村" places the group one level below the coordinator's region.
    """
    match = _REGISTER.match(text)
    if not match:
        return None
    tokens = match.group("rest").split()
    names: list[str] = []
    channel, value, place = CHANNEL_MEMBERS, "", ""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in _CHANNEL_WORDS:
            channel = _CHANNEL_WORDS[token]
            if channel != CHANNEL_MEMBERS:
                value = tokens[index + 1] if index + 1 < len(tokens) else ""
                index += 1
        elif token == "地区":
            place = tokens[index + 1] if index + 1 < len(tokens) else ""
            index += 1
        else:
            names.append(token)
        index += 1
    if not names:
        return None
    code = names[0]
    name = " ".join(names[1:]) or code
    return GroupRegistration(code, name, channel, value, place)


def register_group(services: Services, reg: GroupRegistration, region: RegionPath) -> MemberGroup:
    if reg.channel == CHANNEL_ROBOT and not re.fullmatch(r"[0-9A-Za-z\-]{8,64}", reg.value):
        raise DomainError("机器人 KEY 格式不对：请复制群机器人 webhook 地址里 key= 后面的部分。")
    if reg.channel == CHANNEL_APPCHAT and not re.fullmatch(r"[0-9A-Za-z]{1,32}", reg.value):
        raise DomainError("群聊 ID 格式不对：只能是字母和数字，最多32位。")
    group = services.members.group(reg.code) or MemberGroup(code=reg.code)
    if group.name and not region.contains(group.region):
        raise DomainError(f"小组“{reg.code}”不在您负责的地区，不能修改。")
    group.name = reg.name
    levels = list(region.parts())
    if reg.place:
        empty = [i for i, part in enumerate(levels) if not part]
        if not empty:
            raise DomainError("您的地区已经到村一级，不用再写“地区”。")
        levels[empty[0]] = reg.place
    for level, value in zip(REGION_LEVELS, levels, strict=True):
        setattr(group, level, value)
    group.channel = reg.channel
    if reg.channel == CHANNEL_ROBOT:
        group.robot_key = reg.value
    elif reg.channel == CHANNEL_APPCHAT:
        group.chat_id = reg.value
    group.active = True
    services.members.save_group(group)
    return group


def routes(router: Router) -> list[Route[Any]]:
    def match_register(message: IncomingMessage, _ctx: Context) -> GroupRegistration | None:
        if message.kind is not Kind.TEXT:
            return None
        return parse_registration(message.text)

    def handle_register(
        _message: IncomingMessage, reg: GroupRegistration, ctx: Context
    ) -> Sequence[Reply]:
        """发“登记小组 编号 名称 机器人 KEY”（或“群聊 ID”“成员”）：登记小组及通知方式。

        回复登记结果；机器人 KEY 不回显。
        """
        group = register_group(ctx.services, reg, ctx.staff_scope("登记小组"))
        return [
            Reply(
                f"已登记小组“{group.name}”（编号 {group.code}，{group.region.display()}），"
                f"通知方式：{CHANNEL_LABELS[group.channel]}。"
            )
        ]

    def match_create_chat(message: IncomingMessage, _ctx: Context) -> str | None:
        found = re.fullmatch(r"\s*建群\s+(\S+)\s*", message.text)
        return found.group(1) if found else None

    def handle_create_chat(_message: IncomingMessage, code: str, ctx: Context) -> Sequence[Reply]:
        """发“建群 小组编号”：用该小组登记的成员建一个应用群聊，以后通知发到群里。"""
        scope = ctx.staff_scope("建群")
        group = ctx.services.members.group(code)
        if group is not None and not scope.contains(group.region):
            raise DomainError(f"小组“{code}”不在您负责的地区。")
        group = create_chat(ctx.services, code)
        return [Reply(f"已为小组“{group.name}”建好群聊，群里发第一条消息后大家就能看到。")]

    def match_list(message: IncomingMessage, _ctx: Context) -> bool | None:
        return True if message.text.strip() in ("小组列表", "小组清单") else None

    def handle_list(_message: IncomingMessage, _m: object, ctx: Context) -> Sequence[Reply]:
        """发“小组列表”：列出本地区登记的小组和通知方式。"""
        groups = groups_in(ctx.services, ctx.staff_scope("查看小组列表"))
        if not groups:
            return [Reply("您的地区还没有登记小组。发“登记小组 编号 名称 机器人 KEY”登记。")]
        lines = [f"本地区共 {len(groups)} 个小组："]
        lines += [
            f"{g.code} {g.name}（{CHANNEL_LABELS.get(g.channel, g.channel)}）" for g in groups
        ]
        return [Reply("\n".join(lines))]

    return [
        Route(
            "groups.register",
            match_register,
            handle_register,
            help="登记小组和通知方式",
            audience=STAFF,
            example="登记小组 JK01 江口村一组 机器人 KEY",
        ),
        Route(
            "groups.create_chat",
            match_create_chat,
            handle_create_chat,
            help="为小组建应用群聊",
            audience=STAFF,
            example="建群 JK01",
        ),
        Route("groups.list", match_list, handle_list, help="查看小组列表", audience=STAFF),
    ]
