"""活动: a month's records with township/village filters, each record's card (photos, the
original message, a 存疑 mark), the Excel export (the CLI's workbook) and the groups that have
not reported, with their leaders and a one-click reminder through the notice preview."""

from __future__ import annotations

import mimetypes
from dataclasses import replace
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import FileResponse

from bot.web.console.charts import natural_key
from bot.web.console.web import (
    ConsoleRoute,
    NotFound,
    Viewer,
    check_form,
    current_viewer,
    month_options,
    month_param,
    number,
    page_url,
    redirect,
    render,
    services,
)
from handlers.activity.export import default_name, export
from handlers.activity.parser import KINDS
from handlers.activity.queries import photo, record_view
from handlers.activity.stats import MonthStats, month_stats
from handlers.activity.store import ActivityStore, photo_dir
from handlers.core import audit
from handlers.core.errors import DomainError
from handlers.core.members import RegionPath
from handlers.record_review import flags_for, mark, record_for, record_region

router = APIRouter(route_class=ConsoleRoute)

PAGE_SIZE = 50
REMIND_TEXT = "【提醒】{year}年{month}月的活动还没有登记。请小组长在企业微信里给“协会助手”发一句话登记本月活动，谢谢！"


def narrowed(scope: RegionPath, township: str, village: str) -> RegionPath | None:
    """``scope`` narrowed to a township/village; None when the filter lies outside it."""
    region = scope
    for level, value in (("township", township.strip()), ("village", village.strip())):
        if not value:
            continue
        current = getattr(region, level)
        if current and current != value:
            return None
        region = replace(region, **{level: value})
    return region


def _stats(
    request: Request, viewer: Viewer, month: str, township: str, village: str
) -> tuple[MonthStats, str, RegionPath | None]:
    svc = services(request)
    (year, month_number), note = month_param(month, svc.now())
    region = narrowed(viewer.scope, township, village)
    stats = month_stats(svc, year, month_number, region or viewer.scope)
    return stats, note, region


@router.get("/console/activities")
def activities(
    request: Request,
    month: str = "",
    township: str = "",
    village: str = "",
    page: str = "1",
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    svc = services(request)
    stats, note, region = _stats(request, viewer, month, township, village)
    if region is None:
        note = f"“{township or village}”不在您负责的地区（{viewer.scope_label}），下面显示的是您的全部地区。"
        township = village = ""
    month_text = f"{stats.year:04d}-{stats.month:02d}"
    all_groups = [g for g in svc.members.groups() if viewer.scope.contains(g.region)]
    townships = sorted({g.township for g in all_groups if g.township}, key=natural_key)
    villages = sorted(
        {g.village for g in all_groups if g.village and g.township == township}, key=natural_key
    )
    page_number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    views = stats.views
    pages = max(1, -(-len(views) // PAGE_SIZE))
    page_number = min(page_number, pages)
    shown = views[(page_number - 1) * PAGE_SIZE : page_number * PAGE_SIZE]
    flags = flags_for(svc, [v.record.id for v in shown if v.record.id is not None])
    names = {g.code: g.name or g.code for g in stats.groups}
    leaders = svc.members.get_many(g.leader_id for g in stats.missing)
    filters = {"month": month_text, "township": township, "village": village}
    remind = REMIND_TEXT.format(year=stats.year, month=stats.month)
    return render(
        request,
        "activities.html",
        viewer=viewer,
        note=note,
        stats=stats,
        month=month_text,
        months=month_options(svc.now()),
        township=township,
        village=village,
        townships=townships,
        villages=villages,
        shown=shown,
        flags=flags,
        names=names,
        kinds=KINDS,
        leaders=leaders,
        page=page_number,
        pages=pages,
        prev_url=page_url("/console/activities", **filters, page=page_number - 1),
        next_url=page_url("/console/activities", **filters, page=page_number + 1),
        export_url=page_url("/console/activities.xlsx", **filters),
        remind_url=page_url("/console/notices/new", text=remind),
        remind_text=remind,
        audit_entries=audit.recent(svc.engine, viewer.scope, area=audit.ACTIVITIES, limit=10),
    )


@router.get("/console/activities.xlsx")
def activities_xlsx(
    request: Request,
    month: str = "",
    township: str = "",
    village: str = "",
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    """The month's workbook, the same as ``xiehui activities export --format xlsx``."""
    stats, _note, region = _stats(request, viewer, month, township, village)
    if region is None:
        raise NotFound(f"“{township or village}”不在您负责的地区，不能导出。")
    content = export(stats, "xlsx")
    name = default_name(stats, "xlsx").name  # the CLI's name (Chinese: RFC 5987 below)
    fallback = f"activities-{stats.year:04d}-{stats.month:02d}.xlsx"
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": (
                f"attachment; filename={fallback}; filename*=UTF-8''{quote(name)}"
            )
        },
    )


@router.get("/console/activities/{record_id}")
def record_card(
    request: Request, record_id: str, viewer: Viewer = Depends(current_viewer)
) -> Response:
    svc = services(request)
    record_number = number(record_id)
    try:
        record = record_for(svc, viewer.scope, record_number)
    except DomainError as exc:
        raise NotFound(exc.message) from None
    view = record_view(svc.engine, record_number)
    assert view is not None
    photos = ActivityStore(svc.engine).photos(record_number)
    group = svc.members.group(record.group_code) if record.group_code else None
    return render(
        request,
        "record.html",
        viewer=viewer,
        view=view,
        record=record,
        region=record_region(record),
        group=group,
        kind=KINDS.get(record.kind, record.kind),
        photos=photos,
        flag=flags_for(svc, [record_number]).get(record_number),
        audit_entries=audit.recent(
            svc.engine, viewer.scope, area=audit.ACTIVITIES, subjects=[f"record:{record_number}"]
        ),
    )


@router.post("/console/activities/{record_id}/doubt")
def doubt(
    request: Request,
    record_id: str,
    csrf: str = Form(""),
    doubtful: str = Form("1"),
    note: str = Form(""),
    viewer: Viewer = Depends(current_viewer),
) -> Response:
    check_form(request, viewer, csrf)
    record_number = number(record_id)
    back = f"/console/activities/{record_number}"
    try:
        mark(
            services(request),
            viewer.actor,
            record_number,
            doubtful=doubtful == "1",
            note=note,
            via="console",
        )
    except DomainError as exc:
        return redirect(back, error=exc.message)
    return redirect(back, done="已标记为存疑。" if doubtful == "1" else "已取消存疑标记。")


@router.get("/console/photos/{photo_id}")
def photo_file(
    request: Request, photo_id: str, viewer: Viewer = Depends(current_viewer)
) -> Response:
    svc = services(request)
    row = photo(svc.engine, number(photo_id))
    if row is None:
        raise NotFound("没有这张照片。")
    try:
        record_for(svc, viewer.scope, row.record_id)
    except DomainError:
        raise NotFound("没有这张照片。") from None
    root = photo_dir(svc.data_dir).resolve()
    path = (svc.data_dir / row.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound("照片文件不在了。")
    kind = mimetypes.guess_type(path.name)[0] or "image/jpeg"
    return FileResponse(path, media_type=kind, headers={"Cache-Control": "private, max-age=3600"})
