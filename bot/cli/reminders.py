"""``xiehui reminders list|add|delete`` and ``xiehui scheduler`` (a standalone scheduler).

``xiehui scheduler`` runs the same leader-elected scheduler as the web service plus a delivery
worker, until interrupted; starting it next to the web service is safe (only the lease holder
fires jobs).
"""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from sqlmodel import col, select

from bot.cli.render import console, table
from bot.cli.runtime import open_runtime
from bot.container import Runtime
from bot.settings import Settings
from bot.web.delivery import DeliveryWorker
from bot.web.scheduler_plugin import build_scheduler
from handlers.core.db import session_scope
from handlers.core.members import REGION_LEVELS
from handlers.reminders import delete_reminder
from scheduler.models import AUDIENCE_LABELS, KIND_CUSTOM, Reminder, describe_spec, parse_schedule

SCHEDULE_HELP = "时间写法：每月5日 9:10、每年5月29日 8:20、每周一 9:10、每天 9:10"


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:  # seeds the default reminders on first use
        with session_scope(runtime.services.engine) as session:
            rows = list(session.exec(select(Reminder).order_by(col(Reminder.id))))
        table_rows = [
            [
                r.id,
                "开启" if r.enabled else "关闭",
                describe_spec(r.spec),
                AUDIENCE_LABELS.get(r.audience, r.audience),
                "全部地区" if r.region.is_empty else r.region.display(),
                r.name,
            ]
            for r in rows
        ]
    out = console()
    out.print(table(None, ["编号", "状态", "时间", "对象", "地区", "名称"], table_rows))
    out.print(f"共 {len(rows)} 个提醒")
    return 0


def _add(args: argparse.Namespace, settings: Settings) -> int:
    spec, rest = parse_schedule(args.schedule + " " + args.text)  # DomainError in Chinese
    with open_runtime(settings, create=True) as runtime:
        reminder = Reminder(
            name=rest[:20], kind=KIND_CUSTOM, spec=spec, text=rest, created_by="cli"
        )
        parts = [p for p in args.region.replace("/", " ").split() if p]
        for level, value in zip(REGION_LEVELS, parts, strict=False):
            setattr(reminder, level, value)
        with session_scope(runtime.services.engine) as session:
            session.add(reminder)
            session.flush()
            session.refresh(reminder)
        scope = "全部地区" if reminder.region.is_empty else reminder.region.display()
        print(f"已添加提醒 {reminder.id}：{describe_spec(spec)}，发给{scope}：{rest}")
    return 0


def _delete(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:
        outcome = delete_reminder(runtime.services, args.id)
        if outcome == "missing":
            print(f"没有编号为 {args.id} 的提醒（xiehui reminders list 查看）。")
            return 1
        # The default reminders are switched off, not deleted, so they can be switched on again.
        if outcome == "deleted":
            print(f"提醒 {args.id} 已删除。")
        else:
            print(f"提醒 {args.id} 已关闭（默认提醒只能关闭，不能删除）。")
    return 0


def _scheduler(args: argparse.Namespace, settings: Settings) -> int:
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with open_runtime(settings, create=True) as runtime:
        _run_scheduler(runtime, args, stop)
    return 0


def _run_scheduler(runtime: Runtime, args: argparse.Namespace, stop: threading.Event) -> None:
    service = build_scheduler(runtime, grace_seconds=args.grace, lease_seconds=args.lease)
    worker = DeliveryWorker(
        runtime.services.outbox, runtime.sender, gate=runtime.extras.get("rate_gate")
    )
    service.start()
    if args.deliver:
        worker.start()
    print(f"定时任务已启动（{service.lease.owner}），按 Ctrl-C 停止。")
    try:
        stop.wait()
    finally:
        service.stop()
        worker.stop()


def register(sub: Any) -> None:
    reminders = sub.add_parser(
        "reminders", help="定时提醒：查看、添加、删除", description="定时提醒"
    )
    rsub = reminders.add_subparsers(dest="reminders_command", required=True)
    lst = rsub.add_parser("list", help="列出提醒", description="列出全部提醒")
    lst.set_defaults(func=_list)
    add = rsub.add_parser(
        "add",
        help="添加提醒",
        description='添加提醒，例如：xiehui reminders add "每月5日 9:10" "各小组上报本月活动"',
    )
    add.add_argument("schedule", metavar="时间", help=SCHEDULE_HELP)
    add.add_argument("text", metavar="内容", help="提醒的内容")
    add.add_argument(
        "--region",
        default="",
        metavar="地区",
        help="发给哪个地区，如 广西/北海市/合浦县（默认全部）",
    )
    add.set_defaults(func=_add)
    delete = rsub.add_parser(
        "delete", help="删除提醒", description="按编号删除提醒（默认提醒只能关闭）"
    )
    delete.add_argument("id", type=int, metavar="编号", help="提醒编号（见 reminders list）")
    delete.set_defaults(func=_delete)

    sched = sub.add_parser(
        "scheduler",
        help="单独运行定时任务（服务里已经包含）",
        description="在前台单独运行定时任务和消息发送；和服务同时运行也安全（只有一个在工作）。",
    )
    sched.add_argument("--grace", type=float, default=None, help="错过的任务在多少秒内补发")
    sched.add_argument("--lease", type=float, default=30.0, help="主节点租约（秒）")
    sched.add_argument("--no-deliver", dest="deliver", action="store_false", help="不发送待发消息")
    sched.set_defaults(func=_scheduler)
