"""名册: the members and groups of the viewer's region, with search."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from bot.web.console.web import (
    ConsoleRoute,
    Viewer,
    current_viewer,
    page_url,
    render,
    services,
)
from handlers.core import audit
from handlers.core.members import Member, MemberGroup
from handlers.groups import CHANNEL_LABELS, groups_in

router = APIRouter(route_class=ConsoleRoute)

PAGE_SIZE = 50


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
