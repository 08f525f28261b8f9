"""``xiehui broadcast status N`` and ``xiehui broadcast bench`` (10,000 groups, fake WeCom).

The benchmark starts the fake WeCom API (``bot.wecom.fakeapi``, shipped with the package so the
command works from a normal install) in this process. It builds a throwaway
data folder (SQLite + embedded Redis), registers N groups (a third each reached by group robot,
app chat and app messages to two members), plans and enqueues one broadcast, drains it through
the real WeComSender and the Redis rate gate, and prints enqueue time, drain time against the
minimum the rate limits allow, and duplicates and losses counted from what the fake received.
``--scale`` shrinks the limits' windows (0.01: a minute lasts 0.6 s) so the limits are
exercised in seconds; the minimum at WeCom's real windows is printed as well.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot.cli.runtime import open_runtime
from bot.container import build_runtime
from bot.settings import Settings
from handlers.broadcast import NoticeRequest, commit_plan, delivery_report, plan_notice
from handlers.core.db import session_scope
from handlers.core.errors import DomainError
from handlers.core.members import MemberGroup, RegionPath
from handlers.core.ratelimit import RateLimits, RedisRateGate


def _status(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.broadcast import Broadcast

    with open_runtime(settings) as runtime:
        with session_scope(runtime.services.engine) as session:
            row = session.get(Broadcast, args.id)
        if row is None:
            raise DomainError(f"没有编号为 {args.id} 的通知。")
        print(delivery_report(runtime.services, row).text(row))
    return 0


def _bench(args: argparse.Namespace, _settings: Settings) -> int:
    from bot.wecom.fakeapi import FakeWeCom

    corp, secret = "wwbench", "benchsecret"
    with tempfile.TemporaryDirectory() as folder, FakeWeCom(corp_id=corp, secret=secret) as fake:
        values: dict[str, Any] = {
            "WECOM_CORP_ID": corp,
            "WECOM_AGENT_ID": 1000002,
            "WECOM_SECRET": secret,
            "WECOM_API_BASE": fake.base_url,
            "XIEHUI_DATA_DIR": Path(folder),
            "XIEHUI_RUN_SCHEDULER": False,
        }
        settings = Settings(**values)
        runtime = build_runtime(settings)
        try:
            return _run_bench(args, runtime, fake)
        finally:
            runtime.close()


def _run_bench(args: argparse.Namespace, runtime: Any, fake: Any) -> int:
    services = runtime.services
    limits = RateLimits(
        robot_per_minute=args.robot_per_minute,
        member_per_minute=args.member_per_minute,
        member_per_hour=args.member_per_hour,
        appchat_per_minute=args.appchat_per_minute,
        corp_per_minute=args.corp_per_minute,
        window_scale=args.scale,
    )
    gate = RedisRateGate(services.redis, limits)
    n = args.groups
    owner: dict[str, str] = {}  # what the fake will see -> group code
    with Session(services.engine) as session:
        for i in range(n):
            code = f"B{i:05d}"
            group = MemberGroup(code=code, name=f"测试{i}组", province="广西", county="合浦县")
            if i % 3 == 0:
                group.channel, group.robot_key = "robot", f"benchkey{i:05d}"
                owner[f"robot:{group.robot_key}"] = code
            elif i % 3 == 1:
                group.channel, group.chat_id = "appchat", f"chat{i:05d}"
                owner[f"appchat:{group.chat_id}"] = code
            else:
                group.channel, group.user_ids = "members", f"a{i}|b{i}"
                owner[f"user:{group.user_ids}"] = code
            session.add(group)
        session.commit()

    started = time.perf_counter()
    plan = plan_notice(
        services, NoticeRequest("全体小组", "基准测试：会员活动日通知"), RegionPath()
    )
    planned = time.perf_counter()
    row = commit_plan(services, plan, "bench", "cli")
    enqueued = time.perf_counter()
    print(f"groups: {n} (robot / appchat / app message, a third each)")
    print(f"plan: {planned - started:.2f} s; enqueue: {enqueued - planned:.2f} s")

    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            stats = services.outbox.deliver_due(runtime.sender, gate=gate, limit=100)
            if not stats.handled:
                time.sleep(0.01)

    threads = [threading.Thread(target=work) for _ in range(args.workers)]
    drain_start = time.perf_counter()
    for thread in threads:
        thread.start()
    deadline = drain_start + args.timeout
    while time.perf_counter() < deadline:
        counts = services.outbox.counts()
        if counts.get("pending", 0) + counts.get("sending", 0) == 0:
            break
        time.sleep(0.05)
    drained = time.perf_counter()
    stop.set()
    for thread in threads:
        thread.join()

    seen: Counter[str] = Counter()
    for call in fake.requests:
        if call.path == "/cgi-bin/webhook/send":
            seen[owner.get(f"robot:{call.query.get('key', '')}", "?")] += 1
        elif call.path == "/cgi-bin/appchat/send":
            seen[owner.get(f"appchat:{call.body.get('chatid', '')}", "?")] += 1
        elif call.path == "/cgi-bin/message/send" and call.delivered:
            seen[owner.get(f"user:{call.body.get('touser', '')}", "?")] += 1
    duplicates = sum(c - 1 for code, c in seen.items() if c > 1 and code != "?")
    losses = sum(1 for code in owner.values() if seen.get(code, 0) == 0)
    targets = [m.target for m in services.outbox.by_origin(f"broadcast:{row.id}")]
    minimum = limits.minimum_seconds(targets)
    real_minimum = RateLimits().minimum_seconds(targets)
    report = delivery_report(services, row)
    print(
        f"drain: {drained - drain_start:.2f} s with {args.workers} worker(s); "
        f"rate-limit minimum at scale {args.scale}: {minimum:.2f} s; "
        f"at WeCom's real windows: {real_minimum:.0f} s"
    )
    print(f"sent: {report.sent}, failed: {report.failed}, waiting: {report.waiting}")
    print(f"throughput: {report.sent / max(drained - drain_start, 1e-9):.0f} messages/s")
    print(f"duplicates: {duplicates}, losses: {losses}")
    return 0 if duplicates == 0 and losses == 0 else 1


def register(sub: Any) -> None:
    broadcast = sub.add_parser(
        "broadcast",
        help="通知：查看送达情况（及开发用的基准测试）",
        description="工作人员发的通知",
    )
    bsub = broadcast.add_subparsers(dest="broadcast_command", required=True)
    status = bsub.add_parser(
        "status", help="查看一条通知的送达情况", description="查看一条通知的送达报告"
    )
    status.add_argument("id", type=int, metavar="编号", help="通知编号")
    status.set_defaults(func=_status)
    bench = bsub.add_parser(
        "bench",
        help="（开发用）对模拟的企业微信发一次大通知，测速度",
        description="Developer command: enqueue and drain a broadcast against a fake WeCom "
        "(shipped in the package, so it works from a normal install).",
    )
    bench.add_argument("--groups", type=int, default=10_000)
    bench.add_argument("--workers", type=int, default=1, help="delivery threads")
    bench.add_argument("--scale", type=float, default=0.01, help="rate-limit window scale")
    bench.add_argument("--robot-per-minute", type=int, default=20)
    bench.add_argument("--member-per-minute", type=int, default=30)
    bench.add_argument("--member-per-hour", type=int, default=1000)
    bench.add_argument("--appchat-per-minute", type=int, default=200)
    bench.add_argument("--corp-per-minute", type=int, default=10_000)
    bench.add_argument("--timeout", type=float, default=600.0)
    bench.set_defaults(func=_bench)
