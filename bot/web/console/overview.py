"""概览: the month at a glance — groups reported and not, a bar chart by township, a 12-month
trend of activities and participants, notices sent and questions waiting."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Depends, Request, Response

from bot.web.console.charts import Bar, bar_chart, line_chart, natural_key
from bot.web.console.web import (
    ConsoleRoute,
    Viewer,
    current_viewer,
    month_options,
    month_param,
    render,
    services,
    svg,
)
from handlers.activity.queries import month_span, monthly_totals
from handlers.activity.stats import month_stats
from handlers.broadcast import broadcasts_for
from handlers.core.members import REGION_LEVELS, MemberGroup
from handlers.core.messages import SHANGHAI
from handlers.handoff import tickets_for

router = APIRouter(route_class=ConsoleRoute)

LEVEL_LABELS = {
    "province": "省",
    "city": "市",
    "county": "县（区）",
    "township": "乡镇",
    "village": "村（社区）",
}


def breakdown_level(groups: Sequence[MemberGroup]) -> str:
    """The level to chart by: the first one at which the groups differ (乡镇 in a county)."""
    for level in REGION_LEVELS:
        values = {getattr(g, level) for g in groups}
        if len(values) > 1:
            return level
    return "village" if groups and groups[0].township else "township"


def reporting_bars(groups: Sequence[MemberGroup], reported: set[str]) -> tuple[str, list[Bar]]:
    level = breakdown_level(groups)
    totals: dict[str, list[int]] = {}
    for group in groups:
        name = getattr(group, level) or "未登记"
        tally = totals.setdefault(name, [0, 0])
        tally[1] += 1
        tally[0] += group.code in reported
    ordered = sorted(totals.items(), key=lambda item: natural_key(item[0]))
    bars = [Bar(name, done, total) for name, (done, total) in ordered]
    return level, bars


@router.get("/console")
@router.get("/console/")
def overview(
    request: Request, month: str = "", viewer: Viewer = Depends(current_viewer)
) -> Response:
    svc = services(request)
    (year, number), note = month_param(month, svc.now())
    stats = month_stats(svc, year, number, viewer.scope)
    trend = monthly_totals(svc.engine, month_span((year, number), 12), viewer.scope)
    waiting = tickets_for(svc.engine, viewer.scope)
    notices = [
        row
        for row in broadcasts_for(svc, viewer.actor, limit=200)
        if (row.created_at.astimezone(SHANGHAI).year, row.created_at.astimezone(SHANGHAI).month)
        == (year, number)
    ]
    # a group has reported when a record carries its code or was held in its village
    missing = {g.code for g in stats.missing}
    reported = {g.code for g in stats.groups} - missing
    level, bars = reporting_bars(stats.groups, reported)
    labels = [f"{m}月" for _, m in ((t.year, t.month) for t in trend)]
    return render(
        request,
        "overview.html",
        viewer=viewer,
        note=note,
        month=f"{year:04d}-{number:02d}",
        months=month_options(svc.now()),
        title=f"{year}年{number}月",
        stats=stats,
        reported=len(reported),
        waiting=len(waiting),
        notices=len(notices),
        level_label=LEVEL_LABELS[level],
        bar_svg=svg(bar_chart(bars, title=f"按{LEVEL_LABELS[level]}：已上报小组/全部小组")),
        records_svg=svg(
            line_chart(
                list(zip(labels, (t.records for t in trend), strict=True)),
                title="近12个月活动次数",
            )
        ),
        people_svg=svg(
            line_chart(
                list(zip(labels, (t.participants for t in trend), strict=True)),
                title="近12个月参加人数",
                css="line-b",
            )
        ),
    )
