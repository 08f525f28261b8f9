"""A small read-only web console for coordinators (Chinese), at /console.

Without XIEHUI_CONSOLE_TOKEN it answers only requests from this machine; with it, the token
must be given as ``?token=`` (or the ``X-Console-Token`` header).
"""

from __future__ import annotations

import hmac
import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, func, select

from bot.container import Runtime
from handlers.core.members import Member, MemberGroup, RegionPath
from handlers.core.messages import SHANGHAI, Role
from handlers.core.outbox import FAILED, OutboxMessage

logger = logging.getLogger(__name__)

LOCAL_HOSTS = frozenset({"127.0.0.1", "::1", "localhost", "testclient"})
STATUS_LABELS = {
    "pending": "待发送",
    "sending": "发送中",
    "sent": "已发送",
    "failed": "失败",
    "cancelled": "已撤回",
}


@dataclass(frozen=True)
class Panel:
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    note: str = ""


PanelBuilder = Callable[[Runtime], Panel]


def members_panel(runtime: Runtime) -> Panel:
    with Session(runtime.services.engine) as session:
        counts = dict(
            session.exec(select(Member.role, func.count()).group_by(col(Member.role))).all()
        )
        groups = session.exec(select(func.count()).select_from(MemberGroup)).one()
    rows = [[role.label, counts.get(role.value, 0)] for role in Role]
    rows.append(["会员小组", groups])
    return Panel("会员名册", ["类别", "人数/个数"], rows)


def outbox_panel(runtime: Runtime) -> Panel:
    counts = runtime.services.outbox.counts()
    rows: list[list[object]] = [[STATUS_LABELS.get(k, k), v] for k, v in sorted(counts.items())]
    with Session(runtime.services.engine) as session:
        failed = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.status == FAILED)
            .order_by(col(OutboxMessage.id).desc())
            .limit(10)
        ).all()
    for row in failed:
        created = row.created_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
        rows.append(
            [f"失败 #{row.id}（{created}，{row.origin}）", f"{row.errcode} {row.last_error}"]
        )
    return Panel("消息发送", ["状态", "数量/原因"], rows or [["暂无消息", 0]])


def activity_panel(runtime: Runtime) -> Panel:
    """This month's activity reports per township and village, and who has not reported."""
    from handlers.activity.stats import items_text, month_stats

    now = runtime.services.now()
    stats = month_stats(runtime.services, now.year, now.month, RegionPath())
    rows: list[list[object]] = []
    for (town, village), tally in sorted(stats.villages.items()):
        people = f"{tally.participants}{'（约）' if tally.approximate else ''}"
        rows.append(
            [
                town or "—",
                village or "—",
                tally.records,
                len(tally.groups),
                people,
                items_text(tally.items) or "—",
            ]
        )
    missing = "、".join(g.name or g.code for g in stats.missing[:30]) or "无"
    note = (
        f"{stats.year}年{stats.month}月：活动记录 {stats.total.records} 条，"
        f"{len(stats.total.groups)}/{len(stats.groups)} 个小组已上报。未上报：{missing}"
    )
    return Panel(
        "本月活动",
        ["乡镇", "村（社区）", "记录", "小组", "人数", "物品"],
        rows or [["—", "—", 0, 0, 0, "—"]],
        note,
    )


def handoff_panel(runtime: Runtime) -> Panel:
    """Questions the bot could not answer, waiting for a person."""
    from handlers.handoff import list_tickets

    rows: list[list[object]] = []
    for ticket in list_tickets(runtime.services.engine)[:30]:
        created = ticket.created_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
        rows.append(
            [
                ticket.id,
                created,
                ticket.region or "—",
                ticket.question[:60],
                "已转给 " + ticket.forwarded_to if ticket.forwarded_to else "待处理",
            ]
        )
    return Panel(
        "待人工答复的问题",
        ["编号", "时间", "地区", "问题", "状态"],
        rows or [["—", "—", "—", "暂无", "—"]],
        "在企业微信里发“回复 编号 内容”答复，群众会收到。",
    )


def broadcast_panel(runtime: Runtime) -> Panel:
    """The latest notices and how far their delivery has got."""
    from handlers.broadcast import Broadcast, delivery_report

    with Session(runtime.services.engine) as session:
        latest = session.exec(select(Broadcast).order_by(col(Broadcast.id).desc()).limit(10)).all()
    rows: list[list[object]] = []
    for row in latest:
        report = delivery_report(runtime.services, row)
        created = row.created_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
        rows.append(
            [
                row.id,
                created,
                row.audience,
                row.text[:40],
                report.groups,
                report.sent,
                report.failed,
                report.waiting,
            ]
        )
    return Panel(
        "通知发送",
        ["编号", "时间", "对象", "内容", "小组", "已送达", "失败", "等待"],
        rows or [["—", "—", "—", "暂无通知", 0, 0, 0, 0]],
    )


#: Panels shown on the console, in order.
CONSOLE_PANELS: tuple[PanelBuilder, ...] = (
    activity_panel,
    handoff_panel,
    broadcast_panel,
    members_panel,
    outbox_panel,
)


def render(panels: Sequence[Panel], mode: str) -> str:
    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>协会助手 · 工作台</title><style>",
        "body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;margin:1.5em;"
        "color:#222;max-width:960px}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.35em .6em;"
        "text-align:left}th{background:#f4f6f8}.note{color:#666;font-size:.9em}",
        "</style></head><body>",
        f"<h1>协会助手 · 工作台</h1><p class='note'>运行模式：{html.escape(mode)}</p>",
    ]
    for panel in panels:
        parts.append(f"<h2>{html.escape(panel.title)}</h2>")
        if panel.note:
            parts.append(f"<p class='note'>{html.escape(panel.note)}</p>")
        parts.append("<table><tr>")
        parts.extend(f"<th>{html.escape(str(h))}</th>" for h in panel.header)
        parts.append("</tr>")
        for row in panel.rows:
            cells = "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row)
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def install(app: FastAPI, token: str) -> None:
    @app.get("/console", response_class=HTMLResponse)
    async def console_page(request: Request) -> HTMLResponse:
        given = request.query_params.get("token") or request.headers.get("x-console-token", "")
        if token:
            if not hmac.compare_digest(given.encode(), token.encode()):
                return HTMLResponse("<p>需要正确的访问口令。</p>", status_code=403)
        elif (request.client.host if request.client else "") not in LOCAL_HOSTS:
            return HTMLResponse("<p>工作台只允许本机访问（或设置访问口令）。</p>", status_code=403)
        runtime: Runtime = app.state.runtime
        panels: list[Panel] = []
        for build in CONSOLE_PANELS:
            try:
                panels.append(build(runtime))
            except Exception:
                logger.exception("console panel %s failed", getattr(build, "__name__", build))
                panels.append(Panel("（此部分暂时无法显示）", ["说明"], [["请查看服务日志"]]))
        mode = "本地模式（未接企业微信）" if runtime.settings.local_mode else "企业微信"
        return HTMLResponse(render(panels, mode))
