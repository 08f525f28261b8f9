"""``xiehui privacy forget EXTERNAL_USERID`` and ``xiehui privacy purge [--days N]``.

``forget`` erases what is stored about one 微信客服 customer; ``purge`` deletes customers'
records past the retention period (the service also does this once a day).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.runtime import open_runtime
from bot.settings import Settings
from bot.wecom.kf import RETENTION_DAYS, forget_customer, purge_expired


def _forget(args: argparse.Namespace, settings: Settings) -> int:
    user = str(args.external_userid).strip()
    if not user:
        print("请提供要删除的微信客服用户 ID（external_userid）。")
        return 2
    with open_runtime(settings) as runtime:
        report = forget_customer(runtime.services, user)
    print(report.summary())
    return 0


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    with open_runtime(settings) as runtime:
        report = purge_expired(runtime.services, days=args.days)
    print(f"超过 {args.days} 天的微信客服记录：{report.summary()}")
    return 0


def register(subparsers: Any) -> None:
    privacy = subparsers.add_parser(
        "privacy", help="微信客服用户的个人数据：删除、清理", description="微信客服用户的个人数据"
    )
    psub = privacy.add_subparsers(dest="privacy_command", required=True)
    forget = psub.add_parser(
        "forget",
        help="删除一个微信客服用户的全部数据",
        description="删除一个微信客服用户存下的全部数据（会话、待发消息、待答问题等）",
    )
    forget.add_argument("external_userid", metavar="用户ID", help="微信客服用户的 external_userid")
    forget.set_defaults(func=_forget)
    purge = psub.add_parser(
        "purge",
        help="删除超过保存期限的微信客服记录（服务每天会自动做）",
        description="删除超过保存期限的微信客服用户记录（服务每天会自动做一次）",
    )
    purge.add_argument("--days", type=int, default=RETENTION_DAYS, help="保存天数")
    purge.set_defaults(func=_purge)
