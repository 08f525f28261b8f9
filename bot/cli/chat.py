"""``xiehui chat``: talk to the bot in the terminal, through the same router as WeCom.

By default the chat is a trial: it runs on a throwaway copy of the data (a snapshot of the
SQLite database and of the knowledge folder, an embedded Redis of its own), sends nothing to
WeCom, and the profile given with ``--role`` / ``--region`` / ``--group`` exists only in that
copy; everything is discarded on exit. ``--save`` talks to the real data instead, and only then
is the profile written to the roster.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.cli.runtime import open_runtime
from bot.container import Runtime, build_runtime, knowledge_dir
from bot.settings import Settings
from handlers.core.errors import DomainError
from handlers.core.members import REGION_LEVELS, Member
from handlers.core.messages import SHANGHAI, Channel, IncomingMessage, Kind, Role, parse_role

ROLE_HELP = (
    "角色：family 群众、volunteer 志愿者、leader 小组长、coordinator 协会工作人员、admin 管理员"
    "（默认：名册里登记的角色，没登记的是群众）"
)


class LocalFileMedia:
    """The terminal chat's stand-in for WeCom media/get: "/photo PATH" sends a local file."""

    def fetch(self, media_id: str) -> tuple[bytes, str]:
        path = Path(media_id).expanduser()
        return path.read_bytes(), path.suffix or ".jpg"


@contextmanager
def sandbox_settings(settings: Settings) -> Iterator[Settings]:
    """Settings for a throwaway copy of the data: temp folder, no WeCom, own Redis."""
    with tempfile.TemporaryDirectory(prefix="xiehui-chat-") as folder:
        root = Path(folder)
        source = settings.sqlite_path
        if source is not None and source.is_file():
            # sqlite's backup API copies a consistent snapshot even while the service writes.
            with sqlite3.connect(source) as live, sqlite3.connect(root / "xiehui.db") as copy:
                live.backup(copy)
        knowledge_copy = root / "knowledge"
        shutil.copytree(knowledge_dir(settings), knowledge_copy)
        values: dict[str, Any] = {
            "XIEHUI_DATA_DIR": root,
            "XIEHUI_KNOWLEDGE_DIR": knowledge_copy,
            "XIEHUI_RUN_SCHEDULER": False,
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "WECOM_CORP_ID": "",
            "WECOM_AGENT_ID": None,
            "WECOM_SECRET": "",
            "WECOM_TOKEN": "",
            "WECOM_AES_KEY": "",
        }
        yield Settings(**values)


def _profile(runtime: Runtime, args: argparse.Namespace, role: Role | None) -> Member:
    """The chat user's member record with the command line's overrides applied."""
    registry = runtime.services.members
    member = registry.get(args.user) or Member(user_id=args.user, name=args.name or args.user)
    overridden = role is not None or args.region or args.group or args.name
    if role is not None:
        member.role = role.value
    if args.name:
        member.name = args.name
    if args.region:
        parts = [p for p in args.region.replace("/", " ").split() if p]
        for level in REGION_LEVELS:
            setattr(member, level, "")
        for level, value in zip(REGION_LEVELS, parts, strict=False):
            setattr(member, level, value)
    if args.group:
        member.group_code = args.group
    if overridden or registry.get(args.user) is None:
        registry.upsert(member)
    return member


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    try:
        role = parse_role(args.role) if args.role else None
    except ValueError:
        raise DomainError(f"角色“{args.role}”无法识别。{ROLE_HELP}") from None
    if args.save:
        with open_runtime(settings, create=True) as runtime:
            member = _profile(runtime, args, role)
            print(
                f"正式模式：使用真实数据（{settings.data_dir}），{member.user_id} 的资料已在名册里。"
            )
            _converse(runtime, member)
        return 0
    with sandbox_settings(settings) as trial:
        runtime = build_runtime(trial)
        try:
            member = _profile(runtime, args, role)
            print(
                "试用模式：用的是数据的临时副本，名册和活动记录都不会改动，消息也不会真的发出，"
                "退出后全部丢弃（加 --save 使用真实数据）。"
            )
            _converse(runtime, member)
        finally:
            runtime.close()
    return 0


def _converse(runtime: Runtime, member: Member) -> None:
    runtime.services.media = LocalFileMedia()
    print(
        f"协会助手（终端模式），您是 {member.user_id}（{member.role_enum.label}，"
        f"{member.region.display()}）。输入“帮助”查看功能，“/photo 文件路径”发照片，Ctrl-D 退出。"
    )
    _chat_loop(runtime, member.user_id)


def _chat_loop(runtime: Runtime, user: str) -> None:
    for counter in itertools.count(1):
        try:
            text = input("> ").strip()
        except EOFError:
            print()
            return
        if not text:
            continue
        kind, media_id = Kind.TEXT, ""
        if text.startswith("/photo "):
            kind, media_id, text = Kind.IMAGE, text.split(" ", 1)[1].strip(), ""
        message = IncomingMessage(
            user_id=user,
            text=text,
            kind=kind,
            channel=Channel.CLI,
            sent_at=datetime.now(SHANGHAI),
            msg_id=f"cli-{counter}-{datetime.now().timestamp():.0f}",
            media_id=media_id,
        )
        dispatch = runtime.router.dispatch(message, runtime.services)
        for index, reply in enumerate(dispatch.replies):
            if reply.to is None:
                print(reply.text)
                continue
            # Messages for other people take the same outbox path as in the service.
            runtime.services.outbox.enqueue(
                reply.to, reply.text, key=f"reply:{message.msg_id}:{index}"
            )
            print(f"[已转发给 {reply.to.describe()}]\n{reply.text}")
        runtime.services.outbox.deliver_due(runtime.sender)
        print()


def register(sub: Any) -> None:
    chat = sub.add_parser(
        "chat",
        help="在终端里和机器人对话（默认试用，不改真实数据）",
        description="在终端里和机器人对话，走的是和企业微信相同的处理流程。默认是试用模式："
        "用数据的临时副本，名册和记录都不会改动，消息也不会发出；加 --save 才使用真实数据"
        "并把 --role/--region/--group 写进名册。",
    )
    chat.add_argument("--user", default="demo", help="企业微信账号（默认 demo）")
    chat.add_argument("--role", default=None, help=ROLE_HELP)
    chat.add_argument("--name", default="", help="姓名")
    chat.add_argument("--region", default="", help="地区，如 广西/北海市/合浦县/廉州镇/江口村")
    chat.add_argument("--group", default="", help="会员小组编号")
    chat.add_argument(
        "--save", action="store_true", help="使用真实数据，并把上面的资料写进名册（慎用）"
    )
    chat.set_defaults(func=_chat)
