"""``xiehui groups add|import|list|template|create-chat``: member groups from the terminal.

``import`` reads the same header words as the roster (``会员小组`` is the group code) and
follows the same preview / ``--apply`` / ``--force`` rules (see ``bot.cli.members``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.members import add_import_arguments, run_import
from bot.cli.render import console, table
from bot.cli.runtime import open_database, open_runtime
from bot.settings import Settings
from handlers.core.errors import DomainError
from handlers.core.members import REGION_LEVELS, MemberGroup, MemberRegistry
from handlers.groups import CHANNEL_APPCHAT, CHANNEL_LABELS, CHANNEL_ROBOT, create_chat
from handlers.roster.importer import CHAT_ID, ROBOT_KEY, USER_ID, robot_key_from, split_ids
from handlers.roster.templates import DEFAULT_NAMES, write_template

GROUP_RULES = (
    "默认只预览、不写入；加 --apply 才写入。已有小组的地区有变化、或同一编号出现在多行且内容不同，"
    "这些行默认不改动，要同时加 --force。机器人key和群聊ID会检查格式，机器人key不会显示出来。"
)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    code = args.code.strip()
    if not code:
        raise DomainError("请给出会员小组编号。")
    group = MemberGroup(code=code, name=args.name or code)
    parts = [p for p in args.region.replace("/", " ").split() if p]
    for level, value in zip(REGION_LEVELS, parts, strict=False):
        setattr(group, level, value)
    if args.leader and not USER_ID.fullmatch(args.leader):
        raise DomainError(f"组长账号“{args.leader}”格式不对（应是企业微信账号）。")
    group.leader_id = args.leader
    users = split_ids(args.users)
    bad = [u for u in users if not USER_ID.fullmatch(u)]
    if bad:
        raise DomainError("成员账号格式不对：" + "、".join(bad))
    group.user_ids = "|".join(users)
    key = robot_key_from(args.robot)
    if key and args.chat:
        raise DomainError("--robot 和 --chat 只能给一个。")
    if key:
        if not ROBOT_KEY.fullmatch(key):
            raise DomainError("机器人key格式不对：请复制群机器人 webhook 地址里 key= 后面的部分。")
        group.channel, group.robot_key = CHANNEL_ROBOT, key
    elif args.chat:
        if not CHAT_ID.fullmatch(args.chat):
            raise DomainError("群聊ID格式不对：只能是字母和数字，最多32位。")
        group.channel, group.chat_id = CHANNEL_APPCHAT, args.chat
    with open_database(settings, create=True) as engine:
        MemberRegistry(engine).save_group(group)
    print(
        f"已登记小组 {group.code}（{group.name}，{group.region.display()}），"
        f"通知方式：{CHANNEL_LABELS[group.channel]}"
    )
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    return run_import("groups", args, settings)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with open_database(settings) as engine:
        groups = MemberRegistry(engine).groups(active_only=False)
    rows = []
    for g in groups:
        if g.channel == CHANNEL_ROBOT:
            where = "已登记机器人key"  # the key is a credential: never shown
        else:
            where = g.chat_id or g.user_ids.replace("|", "、") or "名册里的成员"
        rows.append(
            [
                g.code,
                g.name,
                g.region.display(),
                CHANNEL_LABELS.get(g.channel, g.channel),
                where,
                g.leader_id or "—",
            ]
        )
    out = console()
    out.print(table(None, ["会员小组", "小组名称", "地区", "通知方式", "发到", "组长账号"], rows))
    out.print(f"共 {len(groups)} 个小组")
    return 0


def _template(args: argparse.Namespace, _settings: Settings) -> int:
    path = Path(args.file or DEFAULT_NAMES["groups"])
    if path.exists() and not args.overwrite:
        raise DomainError(f"{path} 已经存在；换个文件名，或加 --overwrite 覆盖。")
    written = write_template("groups", path)
    print(
        f"已写出小组表样例：{written}（照着它的表头填写，再运行 xiehui groups import {written}）"
    )
    return 0


def _create_chat(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:
        group = create_chat(runtime.services, args.code)
        print(f"已为小组 {group.code} 建好应用群聊：{group.chat_id}")
    return 0


def register(sub: Any) -> None:
    groups = sub.add_parser(
        "groups", help="会员小组和通知方式：导入、登记、查看", description="会员小组和通知方式"
    )
    gsub = groups.add_subparsers(dest="groups_command", required=True)
    imp = gsub.add_parser(
        "import",
        help="从 Excel 或 CSV 导入小组（默认只预览）",
        description="从 Excel 或 CSV 导入会员小组和通知方式。" + GROUP_RULES,
    )
    add_import_arguments(imp, "小组表")
    imp.set_defaults(func=_import)
    add = gsub.add_parser("add", help="登记或修改一个小组", description="登记或修改一个小组")
    add.add_argument("code", help="会员小组编号")
    add.add_argument("--name", default="", help="小组名称")
    add.add_argument("--region", default="", help="地区，如 广西/北海市/合浦县/廉州镇/江口村")
    add.add_argument("--leader", default="", help="组长的企业微信账号")
    add.add_argument("--robot", default="", help="群机器人 key（或整个 webhook 地址）")
    add.add_argument("--chat", default="", help="应用群聊 ID")
    add.add_argument("--users", default="", help="接收人账号，用 | 或逗号隔开")
    add.set_defaults(func=_add)
    lst = gsub.add_parser(
        "list", help="列出小组（不显示机器人key）", description="列出小组（不显示机器人key）"
    )
    lst.set_defaults(func=_list)
    tpl = gsub.add_parser(
        "template",
        help="写出小组表样例文件",
        description="写出小组表样例文件（默认 Excel；文件名以 .csv 结尾则写 CSV）",
    )
    tpl.add_argument(
        "file", nargs="?", default="", help=f"输出文件（默认 {DEFAULT_NAMES['groups']}）"
    )
    tpl.add_argument("--overwrite", action="store_true", help="文件已存在时覆盖")
    tpl.set_defaults(func=_template)
    chat = gsub.add_parser(
        "create-chat",
        help="用小组登记的成员建应用群聊",
        description="用小组登记的成员建应用群聊（需要接通企业微信）",
    )
    chat.add_argument("code", help="会员小组编号")
    chat.set_defaults(func=_create_chat)
