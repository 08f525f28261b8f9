"""通知: compose a notice (all groups / the leaders / a township / named groups), preview the
exact text and its reach, confirm, schedule, withdraw, and see each group's delivery.

The same service as "通知 …" → "确认发送" in chat (:func:`handlers.broadcast.stage_notice`,
:func:`~handlers.broadcast.confirm_staged`): the staged plan is kept for ten minutes and taken
atomically on confirmation, so a form sent twice sends once.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Form, Request, Response

from bot.web.console.charts import natural_key
from bot.web.console.web import (
    ConsoleRoute,
    NotFound,
    Viewer,
    check_form,
    current_viewer,
    number,
    redirect,
    render,
    services,
    wake_delivery,
)
from handlers.broadcast import (
    ALL_WORDS,
    ENQUEUEING,
    LEADER_WORDS,
    MAX_TEXT_CHARS,
    PENDING_KEY,
    REPORTED,
    SENDING,
    WITHDRAWN,
    Broadcast,
    NoticeRequest,
    broadcast_for,
    broadcasts_for,
    confirm_staged,
    delivery_report,
    group_deliveries,
    preview,
    stage_notice,
    withdraw,
)
from handlers.core import audit
from handlers.core.errors import DomainError
from handlers.core.messages import SHANGHAI
from handlers.core.state import Conversation
from handlers.groups import groups_in

router = APIRouter(route_class=ConsoleRoute)

CHANNEL = "console"
MODES = {
    "all": "全体小组",
    "leaders": "各小组长",
    "township": "一个乡镇（街道）",
    "groups": "选定的小组",
}
DELIVERY_ORDER = {"failed": 0, "waiting": 1, "cancelled": 2, "sent": 3}
DELIVERY_LABELS = {
    "sent": "已送达",
    "failed": "失败",
    "waiting": "等待发送",
    "cancelled": "已撤回",
}
EVERYONE = "全体小组"
LEADERS = "小组长"
assert EVERYONE in ALL_WORDS and LEADERS in LEADER_WORDS  # the words the chat command takes
_LOCAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})")


def conversation(request: Request, viewer: Viewer) -> Conversation:
    """Where the console keeps a staged notice (apart from the viewer's chat)."""
    return Conversation(services(request).engine, CHANNEL, viewer.actor.user_id)


def status_label(row: Broadcast) -> str:
    if row.status == WITHDRAWN:
        return "已撤回"
    if row.status == REPORTED:
        return "已发完"
    if row.status in (ENQUEUEING, SENDING) and row.scheduled_for is not None:
        return f"定时 {row.scheduled_for.astimezone(SHANGHAI):%m-%d %H:%M}"
    return "发送中"


@router.get("/console/notices")
def notice_list(request: Request, viewer: Viewer = Depends(current_viewer)) -> Response:
    svc = services(request)
    rows = broadcasts_for(svc, viewer.actor, limit=50)
    people = svc.members.get_many(r.created_by for r in rows)
    return render(
        request,
        "notices.html",
        viewer=viewer,
        rows=rows,
        people=people,
        status_label=status_label,
        audit_entries=audit.recent(svc.engine, viewer.scope, area=audit.NOTICES, limit=10),
    )


def _compose(
    request: Request,
    viewer: Viewer,
    *,
    mode: str = "all",
    township: str = "",
    chosen: list[str] | None = None,
    text: str = "",
    when: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    groups = groups_in(services(request), viewer.scope)
    return render(
        request,
        "notice_new.html",
        viewer=viewer,
        status=status,
        modes=MODES,
        mode=mode if mode in MODES else "all",
        townships=sorted({g.township for g in groups if g.township}, key=natural_key),
        township=township,
        groups=groups,
        chosen=set(chosen or []),
        text=text,
        when=when,
        error=error,
        limit=MAX_TEXT_CHARS,
    )


@router.get("/console/notices/new")
def compose(
    request: Request, text: str = "", viewer: Viewer = Depends(current_viewer)
) -> Response:
    chosen = request.query_params.getlist("groups")
    return _compose(
        request,
        viewer,
        mode="groups" if chosen else "all",
        chosen=chosen,
        text=text[:MAX_TEXT_CHARS],
    )


def audience_for(mode: str, township: str, chosen: list[str]) -> str:
    """The audience words the chat command would take for the form's choice."""
    if mode == "leaders":
        return LEADERS
    if mode == "township":
        if not township.strip():
            raise DomainError("请选择一个乡镇（街道）。")
        return township.strip()
    if mode == "groups":
        codes = [c.strip() for c in chosen if c.strip()]
        if not codes:
            raise DomainError("请至少勾选一个小组。")
        return "、".join(codes)
    return EVERYONE


def when_words(value: str) -> str | None:
    """A datetime-local value ("2026-05-28T18:00") in the words the chat command takes."""
    if not value.strip():
        return None
    found = _LOCAL.match(value.strip())
    if found is None:
        raise DomainError("定时发送的时间看不懂，请重新选择日期和时间。")
    year, month, day, hour, minute = (int(part) for part in found.groups())
    return f"{year}年{month}月{day}日 {hour:02d}:{minute:02d}"


@router.post("/console/notices/preview")
async def preview_notice(request: Request, viewer: Viewer = Depends(current_viewer)) -> Response:
    form = await request.form()
    check_form(request, viewer, str(form.get("csrf", "")))
    mode = str(form.get("mode", "all"))
    township = str(form.get("township", ""))
    chosen = [str(v) for v in form.getlist("groups")]
    text = str(form.get("text", "")).strip()
    when = str(form.get("when", ""))
    values = {"mode": mode, "township": township, "chosen": chosen, "text": text, "when": when}
    try:
        request_ = NoticeRequest(audience_for(mode, township, chosen), text, when_words(when))
        plan = stage_notice(
            services(request), conversation(request, viewer), viewer.actor, request_
        )
    except DomainError as exc:
        return _compose(request, viewer, error=exc.message, status=400, **values)  # type: ignore[arg-type]
    return render(request, "notice_preview.html", viewer=viewer, plan=plan, text=preview(plan))


@router.post("/console/notices/confirm")
def confirm(
    request: Request, csrf: str = Form(""), viewer: Viewer = Depends(current_viewer)
) -> Response:
    check_form(request, viewer, csrf)
    row = confirm_staged(services(request), conversation(request, viewer), viewer.actor, CHANNEL)
    if row is None:
        return redirect(
            "/console/notices",
            error="没有等待确认的通知（预览10分钟内有效，或已经发出），请重新填写。",
        )
    wake_delivery(request)
    if row.scheduled_for is not None:
        when = row.scheduled_for.astimezone(SHANGHAI)
        done = f"已安排：通知 {row.id} 将于 {when:%m月%d日 %H:%M} 发给 {row.groups} 个小组。"
    else:
        done = f"已开始发送：通知 {row.id}，共 {row.groups} 个小组。"
    return redirect(f"/console/notices/{row.id}", done=done)


@router.post("/console/notices/cancel")
def cancel(
    request: Request, csrf: str = Form(""), viewer: Viewer = Depends(current_viewer)
) -> Response:
    check_form(request, viewer, csrf)
    conversation(request, viewer).pop(PENDING_KEY)
    return redirect("/console/notices", done="已取消，通知没有发出。")


@router.get("/console/notices/{notice_id}")
def notice_page(
    request: Request, notice_id: str, viewer: Viewer = Depends(current_viewer)
) -> Response:
    svc = services(request)
    try:
        row = broadcast_for(svc, viewer.actor, number(notice_id))
    except DomainError:
        raise NotFound("没有这个编号的通知，或者它不是您地区发出的。") from None
    report = delivery_report(svc, row)
    creator = svc.members.get(row.created_by)
    return render(
        request,
        "notice.html",
        viewer=viewer,
        row=row,
        creator=creator,
        report=report,
        report_text=report.text(row),
        # the groups that need attention first
        deliveries=sorted(group_deliveries(svc, row), key=lambda d: DELIVERY_ORDER[d.status]),
        labels=DELIVERY_LABELS,
        status_label="已发完" if report.finished and row.status == SENDING else status_label(row),
        audit_entries=audit.recent(
            svc.engine, viewer.scope, area=audit.NOTICES, subjects=[f"broadcast:{row.id}"]
        ),
    )


@router.post("/console/notices/{notice_id}/withdraw")
def withdraw_notice(
    request: Request,
    notice_id: str,
    csrf: str = Form(""),
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    check_form(request, viewer, csrf)
    try:
        row = broadcast_for(services(request), viewer.actor, number(notice_id))
    except DomainError:
        raise NotFound("没有这个编号的通知，或者它不是您地区发出的。") from None
    assert row.id is not None
    done = withdraw(services(request), viewer.actor, row.id, via="console")
    return redirect(f"/console/notices/{row.id}", done=done.splitlines()[0])
