"""The ``xiehui`` command line: serve, chat, members, and each capability's commands.

Capability commands live in their own modules in ``bot/cli/``, each exposing
``register(subparsers)``; add a module to CLI_MODULES to make its commands appear.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from bot.container import Runtime, build_runtime
from bot.settings import Settings, load_settings
from handlers.core.errors import DomainError
from handlers.core.members import REGION_LEVELS, Member
from handlers.core.messages import SHANGHAI, Channel, IncomingMessage, Kind, Role, parse_role

logger = logging.getLogger(__name__)

#: Modules that add subcommands (each has ``register(subparsers) -> None``).
CLI_MODULES: tuple[str, ...] = (
    "bot.cli.groups",
    "bot.cli.reminders",
    "bot.cli.broadcast",
    "bot.cli.privacy",
    "bot.cli.kb",
    "bot.cli.activities",
    "bot.cli.probe",
    "bot.cli.console",
)

Command = Callable[[argparse.Namespace, Settings], int]


@contextmanager
def open_runtime(settings: Settings) -> Iterator[Runtime]:
    """The same container the web service builds, for a CLI command; closed afterwards."""
    runtime = build_runtime(settings)
    try:
        yield runtime
    finally:
        runtime.close()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from bot.web.app import create_app

    app = create_app(settings)
    uvicorn.run(
        app,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level="info",
    )
    return 0


class LocalFileMedia:
    """The terminal chat's stand-in for WeCom media/get: "/photo PATH" sends a local file."""

    def fetch(self, media_id: str) -> tuple[bytes, str]:
        path = Path(media_id).expanduser()
        return path.read_bytes(), path.suffix or ".jpg"


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    try:
        role = parse_role(args.role)
    except ValueError as exc:
        print(f"角色无法识别：{exc}", file=sys.stderr)
        return 2
    with open_runtime(settings) as runtime:
        if role is not Role.FAMILY or args.region:
            _register_chat_member(runtime, args, role)
        runtime.services.media = LocalFileMedia()
        print(
            f"协会助手（终端模式），您是 {args.user}（{role.label}）。"
            "输入“帮助”查看功能，“/photo 文件路径”发照片，Ctrl-D 退出。"
        )
        _chat_loop(runtime, args.user)
    return 0


def _register_chat_member(runtime: Runtime, args: argparse.Namespace, role: Role) -> None:
    registry = runtime.services.members
    member = registry.get(args.user) or Member(user_id=args.user, name=args.name or args.user)
    member.role = role.value
    if args.region:
        parts = [p for p in args.region.replace("/", " ").split() if p]
        for level, value in zip(REGION_LEVELS, parts, strict=False):
            setattr(member, level, value)
    if args.group:
        member.group_code = args.group
    registry.upsert(member)


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


def _members_import(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:
        report = runtime.services.members.import_file(Path(args.file))
    print(report.summary())
    return 0 if not report.errors else 1


def _members_list(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:
        for m in runtime.services.members.all():
            print(
                f"{m.user_id}\t{m.name}\t{m.role_enum.label}\t{m.region.display()}\t{m.group_code}"
            )
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
