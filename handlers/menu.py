"""Core routes: the help menu, app events, and message kinds the bot cannot read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from handlers.core.messages import IncomingMessage, Kind, Reply
from handlers.core.router import Route, Router
from handlers.core.services import Context

HELP_WORDS = frozenset(
    {"帮助", "菜单", "help", "?", "？", "功能", "你能做什么", "你会什么", "使用说明"}
)
WELCOME_EVENTS = frozenset({"enter_agent", "subscribe", "enter_session"})
UNREADABLE = {
    Kind.VOICE: "暂时听不了语音，请把内容打成文字发给我（可以用输入法的“语音转文字”）。",
    Kind.LOCATION: "收到您的位置。如需登记活动，请直接用一句话告诉我时间、地点和人数。",
    Kind.OTHER: "这种消息我暂时看不懂，请发文字给我。发送“帮助”查看我能做什么。",
}


def routes(router: Router) -> list[Route[Any]]:
    def match_help(message: IncomingMessage, _ctx: Context) -> bool | None:
        if message.kind is Kind.EVENT:
            return True if message.event in WELCOME_EVENTS else None
        if message.kind is Kind.TEXT and message.text.strip().lower() in HELP_WORDS:
            return True
        return None

    def show_help(_message: IncomingMessage, _match: object, ctx: Context) -> Sequence[Reply]:
        """发“帮助”或打开应用：回复本菜单。"""
        return [Reply(router.help_text(ctx.role))]

    def match_ignored_event(message: IncomingMessage, _ctx: Context) -> bool | None:
        return True if message.kind is Kind.EVENT else None

    def match_unreadable(message: IncomingMessage, _ctx: Context) -> Kind | None:
        return message.kind if message.kind in UNREADABLE else None

    def explain_unreadable(_m: IncomingMessage, kind: Kind, _ctx: Context) -> Sequence[Reply]:
        return [Reply(UNREADABLE[kind])]

    return [
        Route("help", match_help, show_help),
        Route("event", match_ignored_event, lambda _m, _x, _c: []),
        Route("unreadable", match_unreadable, explain_unreadable),
    ]


def fallback_routes() -> list[Route[Any]]:
    """Last resort when no capability claimed a text (or an image with nothing pending)."""

    def match_any(_message: IncomingMessage, _ctx: Context) -> bool:
        return True

    def answer(message: IncomingMessage, _m: object, _ctx: Context) -> Sequence[Reply]:
        if message.kind is Kind.IMAGE:
            return [
                Reply("收到图片。如果是活动照片，请先发活动情况（时间、地点、人数），再发照片。")
            ]
        return [
            Reply("这个问题我暂时答不上来。发送“帮助”查看我能做什么，或发送“人工”转人工服务。")
        ]

    return [Route("fallback", match_any, answer)]
