"""Opening the data folder for a command: the full container, or just the database.

Commands that only read (lists, exports, status, previews) refuse to run on a data folder
that has no database, instead of silently creating a new empty one somewhere else: a command
run from another folder, or with a mistyped ``XIEHUI_DATA_DIR``, says where it looked.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine

from bot.container import Runtime, build_runtime
from bot.settings import Settings
from handlers.core.db import init_db, make_engine
from handlers.core.errors import DomainError


def database_exists(settings: Settings) -> bool:
    """True for an existing SQLite file, and always for a server database (DATABASE_URL)."""
    path = settings.sqlite_path
    return path is None or path.is_file()


def require_database(settings: Settings) -> None:
    """Raise a Chinese DomainError when the configured data folder has no database yet."""
    if database_exists(settings):
        return
    raise DomainError(
        f"数据目录 {settings.data_dir} 里还没有数据库，没有做任何事。\n"
        "如果数据在别的目录，请设置环境变量 XIEHUI_DATA_DIR 指向它"
        "（运行 xiehui info 查看当前设置）；\n"
        "第一次使用请先导入名册（xiehui members import 名册.xlsx --apply）或启动服务（xiehui serve）。"
    )


def announce_new_database(settings: Settings) -> None:
    if not database_exists(settings):
        print(f"新建数据目录和数据库：{settings.data_dir}", file=sys.stderr)


@contextmanager
def open_runtime(settings: Settings, *, create: bool = False) -> Iterator[Runtime]:
    """The same container the web service builds, for a CLI command; closed afterwards.

    ``create``: the command may create the database (it writes); otherwise a missing
    database is an error.
    """
    if create:
        announce_new_database(settings)
    else:
        require_database(settings)
    runtime = build_runtime(settings)
    try:
        yield runtime
    finally:
        runtime.close()


@contextmanager
def open_database(settings: Settings, *, create: bool = False) -> Iterator[Engine]:
    """Just the database engine (no Redis, no knowledge base), for table-only commands."""
    if create:
        announce_new_database(settings)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    else:
        require_database(settings)
    engine = make_engine(settings.resolved_database_url)
    try:
        init_db(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def scratch_database() -> Iterator[Engine]:
    """An empty in-memory database: previews against a data folder that has none yet."""
    from sqlalchemy.pool import StaticPool
    from sqlmodel import create_engine

    engine = create_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )
    try:
        init_db(engine)
        yield engine
    finally:
        engine.dispose()
