"""``xiehui console link 账号`` and ``xiehui console bench``.

``link`` is the emergency sign-in: when WeCom cannot deliver the "工作台" message (an outage,
a server without WeCom set up yet), someone with shell access to the server prints a one-time
link for a coordinator or admin in the roster and hands it over in person. The link is the
same as the bot's: single use, ten minutes, opening a normal 12-hour session. No password or
shared token exists anywhere.

``bench`` prints the console's page timings on a county's worth of data (English output).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.runtime import open_runtime
from bot.settings import Settings
from handlers.core.permissions import Actor
from handlers.signin import issue_code, login_link


def _link(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:
        member = runtime.services.members.get(args.user.strip())
        if member is None:
            print(f"名册里没有账号“{args.user}”。请先导入名册。")
            return 1
        code = issue_code(runtime.services, Actor.of(member))  # refuses non-staff politely
        link = login_link(runtime.services, code)
    print(f"{member.name or member.user_id} 的工作台登录链接（10分钟内有效，只能用一次）：")
    print(link)
    return 0


def _bench(args: argparse.Namespace, _settings: Settings) -> int:
    from bot.web.console.bench import run

    return run(args)


def register(subparsers: Any) -> None:
    console = subparsers.add_parser("console", help="网页工作台：一次性登录链接、页面速度测试")
    csub = console.add_subparsers(dest="console_command", required=True)
    link = csub.add_parser(
        "link", help="给名册里的协会工作人员或管理员生成一次性登录链接（企业微信不通时用）"
    )
    link.add_argument("user", help="企业微信账号")
    link.set_defaults(func=_link)
    bench = csub.add_parser(
        "bench", help="每个工作台页面的服务器耗时，300个小组×12个月的数据（开发者用，英文输出）"
    )
    from bot.web.console.bench import register as bench_options

    bench_options(bench)
    bench.set_defaults(func=_bench)
