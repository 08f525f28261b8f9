"""Benchmark of the 微信客服 pull: ``python -m bot.wecom.kf_bench [--messages N] [--page N]``.

Feeds N scripted customer messages (a mix of policy questions and help requests) through
:class:`bot.wecom.kf.KfChannel` with an in-process kf/sync_msg (no network), the real router,
knowledge base, Redis (embedded) and a temporary SQLite outbox, and prints throughput and
per-message dispatch latency. Speed figures come from here, never from timed tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.container import build_runtime
from bot.settings import Settings
from bot.wecom.kf import KfChannel
from handlers.core.messages import IncomingMessage
from handlers.core.router import Dispatch
from handlers.core.services import Services

QUESTIONS = (
    "生孩子有补贴吗",
    "产假多少天",
    "帮助",
    "计生家庭保险怎么理赔",
    "叶酸吃多久",
    "怎么加入计生协",
    "出生证明在哪里办",
)
ACCOUNT = "wkBENCH"


class ScriptedKf:
    """kf/sync_msg over an in-memory message list (cursor = index)."""

    def __init__(self, count: int, page: int) -> None:
        now = int(time.time())
        self.page = page
        self.messages = [
            {
                "msgid": f"bench{n}",
                "open_kfid": ACCOUNT,
                "external_userid": f"wmBench{n % 200}",
                "send_time": now,
                "origin": 3,
                "msgtype": "text",
                "text": {"content": QUESTIONS[n % len(QUESTIONS)]},
            }
            for n in range(count)
        ]

    def call(
        self,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        method: str = "POST",
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        body = payload or {}
        if path != "kf/sync_msg":
            return {"errcode": 0, "errmsg": "ok"}
        start = int(str(body.get("cursor") or "0"))
        end = min(len(self.messages), start + min(self.page, int(body.get("limit", 1000))))
        return {
            "errcode": 0,
            "next_cursor": str(end),
            "has_more": int(end < len(self.messages)),
            "msg_list": self.messages[start:end],
        }


def run(count: int, page: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(XIEHUI_DATA_DIR=Path(folder), XIEHUI_RUN_SCHEDULER=False)  # type: ignore[call-arg]
        runtime = build_runtime(settings)
        millis: list[float] = []
        original = runtime.router.dispatch

        def timed(message: IncomingMessage, services: Services) -> Dispatch:
            started = time.perf_counter()
            result = original(message, services)
            millis.append((time.perf_counter() - started) * 1000)
            return result

        runtime.router.dispatch = timed  # type: ignore[method-assign]
        try:
            channel = KfChannel(runtime.services, runtime.router, ScriptedKf(count, page))
            started = time.perf_counter()
            stats = channel.pull(ACCOUNT, "bench-token")
            elapsed = time.perf_counter() - started
            again = time.perf_counter()
            repeat = channel.pull(ACCOUNT, "bench-token-2")
            idle = time.perf_counter() - again
            queued = runtime.services.outbox.counts().get("pending", 0)
        finally:
            runtime.close()
    millis.sort()
    return {
        "messages": stats.messages,
        "pages": stats.pages,
        "dispatched": stats.dispatched,
        "seconds": elapsed,
        "per_second": stats.messages / elapsed if elapsed else 0.0,
        "median_ms": statistics.median(millis) if millis else 0.0,
        "p95_ms": millis[int(len(millis) * 0.95) - 1] if millis else 0.0,
        "max_ms": millis[-1] if millis else 0.0,
        "repeat_messages": repeat.messages,
        "repeat_ms": idle * 1000,
        "queued_replies": queued,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.wecom.kf_bench")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--page", type=int, default=100, help="messages per sync_msg page")
    args = parser.parse_args(argv)
    figures = run(args.messages, args.page)
    print(
        f"pulled {figures['messages']:.0f} messages in {figures['pages']:.0f} pages, "
        f"dispatched {figures['dispatched']:.0f}, queued {figures['queued_replies']:.0f} replies"
    )
    print(f"total {figures['seconds']:.2f} s, {figures['per_second']:.0f} messages/s")
    print(
        f"dispatch per message: median {figures['median_ms']:.1f} ms, "
        f"p95 {figures['p95_ms']:.1f} ms, max {figures['max_ms']:.1f} ms (first includes warm-up)"
    )
    print(
        f"a second pull found {figures['repeat_messages']:.0f} new messages "
        f"in {figures['repeat_ms']:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
