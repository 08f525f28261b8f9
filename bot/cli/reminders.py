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

from bot.cli.main import open_runtime
from bot.container import Runtime
from bot.settings import Settings
from bot.web.delivery import DeliveryWorker
from bot.web.scheduler_plugin import build_scheduler
from handlers.core.db import session_scope
from handlers.core.members import REGION_LEVELS
from handlers.reminders import delete_reminder
from scheduler.models import AUDIENCE_LABELS, KIND_CUSTOM, Reminder, describe_spec, parse_schedule


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:  # seeds the default reminders on first use
        with session_scope(runtime.services.engine) as session:
            rows = list(session.exec(select(Reminder).order_by(col(Reminder.id))))
        for r in rows:
            state = "on" if r.enabled else "off"
            scope = "all" if r.region.is_empty else r.region.display()
            print(
                f"{r.id}\t{state}\t{r.spec}\t{describe_spec(r.spec)}\t"
                f"{AUDIENCE_LABELS.get(r.audience, r.audience)}\t{scope}\t{r.name}"
            )
    return 0


def _add(args: argparse.Namespace, settings: Settings) -> int:
    spec, rest = parse_schedule(args.schedule + " " + args.text)
    with open_runtime(settings) as runtime:
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
        print(f"reminder {reminder.id}: {describe_spec(spec)} -> {reminder.region.display()}")
    return 0


def _delete(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:
        outcome = delete_reminder(runtime.services, args.id)
        if outcome == "missing":
            print(f"no reminder {args.id}")
            return 1
        print(f"{outcome} reminder {args.id}")  # defaults are disabled, not deleted
    return 0


def _scheduler(args: argparse.Namespace, settings: Settings) -> int:
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with open_runtime(settings) as runtime:
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
    print(f"scheduler running as {service.lease.owner}; Ctrl-C stops it")
    try:
        stop.wait()
    finally:
        service.stop()
        worker.stop()


def register(sub: Any) -> None:
    reminders = sub.add_parser("reminders", help="scheduled reminders")
    rsub = reminders.add_subparsers(dest="reminders_command", required=True)
    lst = rsub.add_parser("list", help="list reminders")
    lst.set_defaults(func=_list)
    add = rsub.add_parser(
        "add", help='add a reminder, e.g. add "每月5日 9:10" "各小组上报本月活动"'
    )
    add.add_argument("schedule", help="每月5日 9:10 / 每年5月29日 8:20 / 每周一 9:10 / 每天 9:10")
    add.add_argument("text")
    add.add_argument("--region", default="", help="scope, e.g. 广西/北海市/合浦县 (empty: all)")
    add.set_defaults(func=_add)
    delete = rsub.add_parser("delete", help="delete a reminder by id")
    delete.add_argument("id", type=int)
    delete.set_defaults(func=_delete)

    sched = sub.add_parser(
        "scheduler", help="run the scheduler (leader-elected) in the foreground"
    )
    sched.add_argument("--grace", type=float, default=None, help="misfire grace in seconds")
    sched.add_argument("--lease", type=float, default=30.0, help="leader lease in seconds")
    sched.add_argument(
        "--no-deliver", dest="deliver", action="store_false", help="do not drain the outbox"
    )
    sched.set_defaults(func=_scheduler)
