"""名册: the members and groups of the viewer's region, with search, and uploading a roster or
group list: the same importer as ``xiehui members import`` / ``xiehui groups import``
(:mod:`handlers.roster`), limited to the uploader's region, shown as a preview with each row's
result and reason, written only after 确认导入."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile

from bot.web.console.web import (
    ConsoleRoute,
    Viewer,
    check_form,
    current_viewer,
    page_url,
    redirect,
    render,
    services,
)
from handlers.core import audit
from handlers.core.members import Member, MemberGroup
from handlers.core.state import Conversation
from handlers.groups import CHANNEL_LABELS, groups_in
from handlers.roster.importer import GROUPS, MEMBERS, Action, ImportPlan, RosterImporter
from handlers.roster.review import dump_plan, limit_to_region, load_plan

router = APIRouter(route_class=ConsoleRoute)

PAGE_SIZE = 50
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PLAN_KEY = "roster_plan"
PLAN_TTL = 600
KINDS = {MEMBERS: "名册（成员）", GROUPS: "小组表"}
ORDER = (Action.REFUSE, Action.HOLD, Action.UPDATE, Action.ADD, Action.MERGED)
LISTED = 300


def _matches(query: str, *fields: str) -> bool:
    return not query or any(query in field for field in fields if field)


@router.get("/console/roster")
def roster(
    request: Request,
    q: str = "",
    show: str = "members",
    page: str = "1",
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    svc = services(request)
    query = q.strip()[:40]
    show = show if show in ("members", "groups") else "members"
    wanted = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    groups: list[MemberGroup] = [
        g
        for g in groups_in(svc, viewer.scope)
        if _matches(query, g.code, g.name, g.township, g.village, g.leader_id)
    ]
    _first, members_count = svc.members.search(viewer.scope, query, limit=1)
    total = members_count if show == "members" else len(groups)
    pages = max(1, -(-total // PAGE_SIZE))
    page_number = min(wanted, pages)
    start = (page_number - 1) * PAGE_SIZE
    shown: list[Member] | list[MemberGroup]
    if show == "members":
        shown, _total = svc.members.search(viewer.scope, query, offset=start, limit=PAGE_SIZE)
    else:
        shown = groups[start : start + PAGE_SIZE]
    return render(
        request,
        "roster.html",
        viewer=viewer,
        q=query,
        show=show,
        members_count=members_count,
        groups_count=len(groups),
        shown=shown,
        channel_labels=CHANNEL_LABELS,
        page=page_number,
        pages=pages,
        prev_url=page_url("/console/roster", q=query, show=show, page=page_number - 1),
        next_url=page_url("/console/roster", q=query, show=show, page=page_number + 1),
        members_url=page_url("/console/roster", q=query, show="members"),
        groups_url=page_url("/console/roster", q=query, show="groups"),
        audit_entries=audit.recent(svc.engine, viewer.scope, area=audit.ROSTER, limit=10),
    )


def _staged(request: Request, viewer: Viewer) -> Conversation:
    return Conversation(services(request).engine, "console", viewer.actor.user_id)


def _plan(
    request: Request, viewer: Viewer, kind: str, data: bytes, name: str, force: bool
) -> ImportPlan:
    svc = services(request)
    plan = RosterImporter(svc.engine).plan(kind, data, name, force=force)
    groups = {g.code: g.region for g in svc.members.groups(active_only=False)}
    return limit_to_region(plan, viewer.actor, groups)


@router.post("/console/roster/preview")
async def preview(
    request: Request,
    csrf: str = Form(""),
    kind: str = Form(MEMBERS),
    force: str = Form(""),
    upload: UploadFile = File(...),
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    check_form(request, viewer, csrf)
    kind = kind if kind in KINDS else MEMBERS
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    name = (upload.filename or "upload").rsplit("/", 1)[-1][:120]
    if not data:
        return redirect(
            "/console/roster#upload", error="没有收到文件，请选择一个 Excel 或 CSV 文件。"
        )
    if len(data) > MAX_UPLOAD_BYTES:
        return redirect(
            "/console/roster#upload", error="文件太大（超过5MB），请分成几个文件上传。"
        )
    plan = await asyncio.to_thread(_plan, request, viewer, kind, data, name, force == "1")
    if not plan.errors:
        await asyncio.to_thread(_staged(request, viewer).set, PLAN_KEY, dump_plan(plan), PLAN_TTL)
    listed = [row for action in ORDER for row in plan.having(action)]
    return render(
        request,
        "roster_preview.html",
        viewer=viewer,
        plan=plan,
        what=KINDS[plan.kind],
        rows=listed[:LISTED],
        more=max(0, len(listed) - LISTED),
        applicable=len(plan.applicable),
        Action=Action,
    )


@router.post("/console/roster/apply")
def apply(
    request: Request, csrf: str = Form(""), viewer: Viewer = Depends(current_viewer)
) -> Response:
    check_form(request, viewer, csrf)
    stored = _staged(request, viewer).pop(PLAN_KEY)
    if stored is None:
        return redirect(
            "/console/roster",
            error="没有等待确认的导入（预览10分钟内有效，或已经导入），请重新上传。",
        )
    plan = load_plan(stored)
    svc = services(request)
    result = RosterImporter(svc.engine).apply(plan)
    noun = plan.noun
    done = f"已导入“{plan.filename}”：新增 {result.added} {noun}，修改 {result.updated} {noun}"
    if result.groups_created:
        done += f"，新建会员小组 {len(result.groups_created)} 个"
    if result.skipped:
        done += f"；{len(result.skipped)} 行在预览后被别人改过，没有导入（第 {result.skipped[0][0]} 行等）"
    refused = plan.count(Action.REFUSE) + plan.count(Action.HOLD)
    if refused:
        done += f"；{refused} 行没有导入（见预览里的原因）"
    audit.record(
        svc.engine,
        actor_id=viewer.actor.user_id,
        actor_name=viewer.actor.name,
        via="console",
        area=audit.ROSTER,
        subject=f"import:{plan.kind}",
        region=viewer.scope,
        summary=done,
    )
    return redirect("/console/roster", done=done + "。")
