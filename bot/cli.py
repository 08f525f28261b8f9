"""The ``xiehui`` command line: serve, chat, members, and each capability's commands.

Capability commands live in their own ``bot/cli_*.py`` modules, each exposing
``register(subparsers)``; add a module to CLI_MODULES to make its commands appear.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from bot.container import Runtime, build_runtime
from bot.settings import Settings, load_settings
from handlers.errors import DomainError
from handlers.members import Member
from handlers.messages import SHANGHAI, Channel, IncomingMessage, Kind, Role, parse_role

logger = logging.getLogger(__name__)

#: Modules that add subcommands (each has ``register(subparsers) -> None``).
CLI_MODULES: tuple[str, ...] = (
    "bot.cli_groups",
    "bot.cli_reminders",
    "bot.cli_broadcast",
    "bot.cli_privacy",
    "bot.cli_kb",
    "bot.cli_activities",
    "bot.cli_probe",
)

Command = Callable[[argparse.Namespace, Settings], int]


def open_runtime(settings: Settings) -> Runtime:
    """The same container the web service builds, for CLI commands."""
    return build_runtime(settings)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from bot.app import create_app

    app = create_app(settings)
    uvicorn.run(
        app,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level="info",
    )
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    runtime = open_runtime(settings)
    try:
        role = parse_role(args.role)
    except ValueError as exc:
        print(f"角色无法识别：{exc}", file=sys.stderr)
        return 2
    registry = runtime.services.members
    if role is not Role.FAMILY or args.region:
        existing = registry.get(args.user)
        member = existing or Member(user_id=args.user, name=args.name or args.user)
        member.role = role.value
        if args.region:
            parts = [p for p in args.region.replace("/", " ").split() if p]
            for level, value in zip(
                ("province", "city", "county", "township", "village"), parts, strict=False
            ):
                setattr(member, level, value)
        if args.group:
            member.group_code = args.group
        registry.upsert(member)
    print(
        f"协会助手（终端模式），您是 {args.user}（{role.label}）。输入“帮助”查看功能，Ctrl-D 退出。"
    )
    counter = 0
    try:
        while True:
            try:
                line = input("> ")
            except EOFError:
                print()
                return 0
            text = line.strip()
            if not text:
                continue
            counter += 1
            kind = Kind.TEXT
            media_id = ""
            if text.startswith("/photo "):  # simulate sending a picture from a local file
                kind, media_id, text = Kind.IMAGE, text.split(" ", 1)[1], ""
            message = IncomingMessage(
                user_id=args.user,
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
    finally:
        runtime.close()


def _members_import(args: argparse.Namespace, settings: Settings) -> int:
    runtime = open_runtime(settings)
    try:
        report = runtime.services.members.import_file(Path(args.file))
    finally:
        runtime.close()
    print(report.summary())
    return 0 if not report.errors else 1


def _members_list(args: argparse.Namespace, settings: Settings) -> int:
    runtime = open_runtime(settings)
    try:
        for m in runtime.services.members.all():
            print(
                f"{m.user_id}\t{m.name}\t{m.role_enum.label}\t{m.region.display()}\t{m.group_code}"
            )
    finally:
        runtime.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xiehui", description="协会助手 xiehui")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the webhook service")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.set_defaults(func=_serve)

    chat = sub.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--user", default="demo")
    chat.add_argument("--role", default="family", help="family/volunteer/leader/coordinator/admin")
    chat.add_argument("--name", default="")
    chat.add_argument("--region", default="", help="e.g. 广西/北海市/合浦县/廉州镇/江口村")
    chat.add_argument("--group", default="", help="member group code")
    chat.set_defaults(func=_chat)

    members = sub.add_parser("members", help="the member registry")
    msub = members.add_subparsers(dest="members_command", required=True)
    imp = msub.add_parser("import", help="import members from a CSV or Excel file")
    imp.add_argument("file")
    imp.set_defaults(func=_members_import)
    lst = msub.add_parser("list", help="list registered members")
    lst.set_defaults(func=_members_list)

    for name in CLI_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    quiet = args.command in ("chat", "ask")  # keep the conversation readable
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL at INFO, and a group robot's URL carries its key (the
    # credential) while API URLs carry the access token: keep them out of the logs.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings = load_settings()
    func: Command = args.func
    try:
        return func(args, settings)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
