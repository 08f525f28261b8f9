"""``xiehui groups add|import|list|create-chat``: the member-group registry from the terminal."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.main import open_runtime
from bot.settings import Settings
from handlers.core.errors import DomainError
from handlers.core.members import REGION_LEVELS, MemberGroup, read_table
from handlers.groups import CHANNEL_APPCHAT, CHANNEL_MEMBERS, CHANNEL_ROBOT, create_chat

#: Accepted column headers on import (Chinese or English).
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "编号", "小组编号"),
    "name": ("name", "名称", "小组名称", "小组"),
    "province": ("province", "省", "省份"),
    "city": ("city", "市", "市(盟)"),
    "county": ("county", "县", "县(区)", "县(旗)", "区县"),
    "township": ("township", "乡镇", "镇", "乡镇(苏木)", "街道"),
    "village": ("village", "村", "村(社区)", "社区", "嘎查"),
    "leader_id": ("leader", "leader_id", "组长", "小组长", "组长账号"),
    "robot_key": ("robot_key", "robot", "机器人", "机器人key"),
    "chat_id": ("chat_id", "群聊", "群聊id"),
    "user_ids": ("user_ids", "成员", "成员账号"),
}


def _group_from(values: dict[str, str]) -> MemberGroup:
    code = values.get("code", "").strip()
    if not code:
        raise DomainError("missing group code")
    group = MemberGroup(code=code, name=values.get("name", "") or code)
    for level in REGION_LEVELS:
        setattr(group, level, values.get(level, ""))
    group.leader_id = values.get("leader_id", "")
    group.user_ids = "|".join(
        u for u in values.get("user_ids", "").replace(",", "|").replace("，", "|").split("|") if u
    )
    if values.get("robot_key"):
        group.channel, group.robot_key = CHANNEL_ROBOT, values["robot_key"]
    elif values.get("chat_id"):
        group.channel, group.chat_id = CHANNEL_APPCHAT, values["chat_id"]
    else:
        group.channel = CHANNEL_MEMBERS
    return group


def _add(args: argparse.Namespace, settings: Settings) -> int:
    values = {
        "code": args.code,
        "name": args.name,
        "leader_id": args.leader,
        "robot_key": args.robot,
        "chat_id": args.chat,
        "user_ids": args.users,
    }
    parts = [p for p in args.region.replace("/", " ").split() if p]
    values.update(dict(zip(REGION_LEVELS, parts, strict=False)))
    with open_runtime(settings) as runtime:
        group = _group_from(values)
        runtime.services.members.save_group(group)
        print(f"group {group.code} ({group.region.display()}) via {group.channel}")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    lookup = {alias.lower(): key for key, aliases in HEADERS.items() for alias in aliases}
    rows = read_table(Path(args.file))
    errors = 0
    with open_runtime(settings) as runtime:
        for line, raw in enumerate(rows, start=2):
            values = {
                lookup[str(k).strip().lower()]: (v or "").strip()
                for k, v in raw.items()
                if str(k).strip().lower() in lookup
            }
            try:
                runtime.services.members.save_group(_group_from(values))
            except DomainError as exc:
                errors += 1
                print(f"line {line}: {exc.message}")
        print(f"imported {len(rows) - errors} groups, {errors} rows with problems")
    return 0 if errors == 0 else 1


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:
        for g in runtime.services.members.groups(active_only=False):
            where = "robot" if g.channel == CHANNEL_ROBOT else g.chat_id or g.user_ids or "-"
            print(f"{g.code}\t{g.name}\t{g.region.display()}\t{g.channel}\t{where}\t{g.leader_id}")
    return 0


def _create_chat(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:
        group = create_chat(runtime.services, args.code)
        print(f"group {group.code}: appchat {group.chat_id}")
    return 0


def register(sub: Any) -> None:
    groups = sub.add_parser("groups", help="member groups and how notices reach them")
    gsub = groups.add_subparsers(dest="groups_command", required=True)
    add = gsub.add_parser("add", help="register or update a group")
    add.add_argument("code")
    add.add_argument("--name", default="")
    add.add_argument("--region", default="", help="e.g. 广西/北海市/合浦县/廉州镇/江口村")
    add.add_argument("--leader", default="", help="leader's WeCom user id")
    add.add_argument("--robot", default="", help="group robot webhook key")
    add.add_argument("--chat", default="", help="app chat id")
    add.add_argument("--users", default="", help="member user ids, '|' or ',' separated")
    add.set_defaults(func=_add)
    imp = gsub.add_parser("import", help="import groups from a CSV or Excel file")
    imp.add_argument("file")
    imp.set_defaults(func=_import)
    lst = gsub.add_parser("list", help="list groups (robot keys are not shown)")
    lst.set_defaults(func=_list)
    chat = gsub.add_parser("create-chat", help="create the group's app chat from its members")
    chat.add_argument("code")
    chat.set_defaults(func=_create_chat)
