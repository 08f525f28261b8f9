"""``xiehui db status|upgrade|revision``: the database schema's version (Alembic).

``status`` and ``upgrade`` are for operators (Chinese output); ``revision`` is for developers
who changed a model: it writes a new migration file comparing an up-to-date database with
the models.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.info import _mask
from bot.settings import Settings
from handlers.core import schema
from handlers.core.db import make_engine


def _describe(state: schema.SchemaStatus) -> str:
    if state.empty:
        return "空数据库（还没有建表）"
    if state.legacy:
        return "0.1.0 版建的库（没有版本记录）"
    return str(state.current)


def _status(args: argparse.Namespace, settings: Settings) -> int:
    url = settings.resolved_database_url
    engine = make_engine(url)
    try:
        state = schema.status(engine)
    finally:
        engine.dispose()
    print(f"数据库：{_mask(url)}")
    print(f"当前版本：{_describe(state)}")
    print(f"程序需要的版本：{state.head}")
    if state.up_to_date:
        print("数据库结构是最新的。")
        return 0
    print("数据库结构需要升级：请先备份，再运行 xiehui db upgrade。")
    return 1


def _upgrade(args: argparse.Namespace, settings: Settings) -> int:
    url = settings.resolved_database_url
    if settings.sqlite_path is not None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        before = schema.status(engine)
        if before.up_to_date:
            print(f"数据库结构已经是最新版本 {before.head}，不需要升级。")
            return 0
        after = schema.upgrade(engine, args.revision)
    finally:
        engine.dispose()
    print(f"数据库：{_mask(url)}")
    print(f"已升级：{_describe(before)} → {after.current}")
    return 0


def _revision(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.resolved_database_url)
    try:
        state = schema.status(engine)
        if not state.up_to_date:
            print("The database is not at head; run `xiehui db upgrade` first.")
            return 1
        path = schema.new_revision(engine, args.message)
    finally:
        engine.dispose()
    print(f"wrote {path}; review it (server defaults for new NOT NULL columns) before committing")
    return 0


def register(subparsers: Any) -> None:
    db = subparsers.add_parser(
        "db",
        help="数据库结构版本：查看、升级",
        description="数据库结构的版本。升级程序后，用 PostgreSQL 的部署需要先运行 "
        "xiehui db upgrade（内置的 SQLite 数据库会在启动时自动升级）。",
    )
    dsub = db.add_subparsers(dest="db_command", required=True)
    status = dsub.add_parser(
        "status",
        help="查看数据库结构的当前版本和程序需要的版本",
        description="查看数据库结构的当前版本和程序需要的版本；需要升级时退出码为 1",
    )
    status.set_defaults(func=_status)
    upgrade = dsub.add_parser(
        "upgrade",
        help="把数据库结构升级到程序需要的版本（请先备份）",
        description="把数据库结构升级到程序需要的版本，数据保留。请先备份数据库；"
        "多个服务进程共用一个数据库时只需运行一次。",
    )
    upgrade.add_argument("--revision", default="head", help="目标版本（默认最新 head）")
    upgrade.set_defaults(func=_upgrade)
    revision = dsub.add_parser(
        "revision",
        help="（开发者）根据模型的改动生成新的迁移文件",
        description="For developers: autogenerate a migration from the model changes "
        "(the database must be at head).",
    )
    revision.add_argument("-m", "--message", required=True, help="what the revision changes")
    revision.set_defaults(func=_revision)
