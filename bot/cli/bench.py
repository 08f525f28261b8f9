"""``xiehui bench callback``: the callback path against a bare echo bot (developers).

English output, like the other bench commands. See :mod:`bot.web.callbench` for what is
measured and how.
"""

from __future__ import annotations

import argparse

from bot.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = sub.add_parser("bench", help="性能测试（开发者用，英文输出）")
    bsub = bench.add_subparsers(dest="bench_command", required=True)
    callback = bsub.add_parser(
        "callback",
        help="与 Flask + wechatpy 回显机器人对比企业微信回调的吞吐、p99 和内存（需要 wrk 和 bench 扩展）",
    )
    callback.add_argument("--requests", type=int, default=20_000, help="wrk 发送的不同回调数")
    callback.add_argument("--connections", type=int, default=16, help="wrk 的连接数")
    callback.add_argument("--rate", type=float, default=200.0, help="固定速率测试每秒发送的请求数")
    callback.add_argument("--rate-seconds", type=float, default=15.0, help="固定速率测试的秒数")
    callback.add_argument("--warmup", type=int, default=1000, help="正式测量前的预热回调数")
    callback.set_defaults(func=_callback)
    cost = bsub.add_parser(
        "cost",
        help="每条企业微信回调在本进程里执行的数据库语句、Redis 命令和 CPU 时间（与机器负载无关的计数）",
    )
    cost.add_argument("--requests", type=int, default=4000, help="wrk 发送的不同回调数")
    cost.add_argument("--connections", type=int, default=16, help="wrk 的连接数")
    cost.add_argument("--warmup", type=int, default=2000, help="正式计数前的预热回调数")
    cost.add_argument(
        "--seed",
        type=int,
        default=None,
        help="固定回调文字的起点（同一 seed 每次发送同样的问题和前后缀，便于前后对比）；默认随机",
    )
    cost.set_defaults(func=_cost)


def _callback(args: argparse.Namespace, settings: Settings) -> int:
    del settings  # the bench starts its own servers on fresh data folders
    from bot.web.callbench import Options, run

    return run(
        Options(
            requests=args.requests,
            connections=args.connections,
            rate=args.rate,
            rate_seconds=args.rate_seconds,
            warmup=args.warmup,
        )
    )


def _cost(args: argparse.Namespace, settings: Settings) -> int:
    from bot.web.callbench import missing_tools
    from bot.web.costbench import run

    if any(tool.startswith("wrk") for tool in missing_tools()):
        print("cannot measure the callback cost; missing: wrk (Debian: apt-get install wrk)")
        return 2
    # a fresh data folder, or the servers DATABASE_URL and REDIS_URL name (both set)
    return run(
        args.requests,
        args.connections,
        args.warmup,
        settings.database_url,
        settings.redis_url,
        seed=args.seed,
    )
