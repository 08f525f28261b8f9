"""提醒: the reminders reaching the viewer's region; create, pause, resume and delete with the
same rules as the chat commands (:mod:`handlers.reminders`): reminders set above the viewer's
region are shown but cannot be changed, a default reminder is switched off rather than
deleted, and the time is written as in chat ("每月5日 9:10")."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request, Response

from bot.web.console.web import (
    ConsoleRoute,
    Viewer,
    check_form,
    current_viewer,
    number,
    redirect,
    render,
    services,
)
from handlers.core import audit
from handlers.reminders import (
    added_text,
    create_reminder,
    editable,
    remove_reminder,
    set_enabled,
    visible_reminders,
)
from scheduler.models import AUDIENCE_LABELS, describe_spec, next_fire_time

router = APIRouter(route_class=ConsoleRoute)

HOME = "/console/reminders"


@router.get("/console/reminders")
def reminder_list(request: Request, viewer: Viewer = Depends(current_viewer)) -> Response:
    svc = services(request)
    now = svc.now()
    rows = [
        {
            "reminder": r,
            "when": describe_spec(r.spec),
            "next": next_fire_time(r.spec, now) if r.enabled else None,
            "audience": AUDIENCE_LABELS.get(r.audience, r.audience),
            "editable": editable(r, viewer.scope),
        }
        for r in visible_reminders(svc, viewer.scope)
    ]
    return render(
        request,
        "reminders.html",
        viewer=viewer,
        rows=rows,
        audit_entries=audit.recent(svc.engine, viewer.scope, area=audit.REMINDERS, limit=10),
    )


@router.post("/console/reminders")
def create(
    request: Request,
    csrf: str = Form(""),
    when: str = Form(""),
    audience: str = Form("groups"),
    text: str = Form(""),
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    check_form(request, viewer, csrf)
    prefix = "小组长：" if audience == "leaders" else ""
    svc = services(request)
    reminder = create_reminder(
        svc, viewer.actor, f"{when.strip()} {prefix}{text.strip()}", via="console"
    )
    return redirect(HOME, done=added_text(svc, reminder))


@router.post("/console/reminders/{reminder_id}/{action}")
def change(
    request: Request,
    reminder_id: str,
    action: str,
    csrf: str = Form(""),
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    check_form(request, viewer, csrf)
    svc = services(request)
    reminder = number(reminder_id)
    if action == "delete":
        done = remove_reminder(svc, viewer.actor, reminder, via="console")
    elif action in ("pause", "resume"):
        done = set_enabled(svc, viewer.actor, reminder, action == "resume", via="console")
    else:
        return redirect(HOME, error="不认识的操作。")
    return redirect(HOME, done=done)
