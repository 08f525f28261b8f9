"""Coordinators manage scheduled reminders by message.

- "提醒 每月5日 9:10 各小组上报本月活动": a new reminder to every group in the sender's region
  (start the text with "小组长：" to remind only the leaders);
- "提醒列表": the reminders that apply to the sender's region, with their numbers;
- "删除提醒 3" / "暂停提醒 3" / "恢复提醒 3" / "修改提醒 3 新的文字";
- "开启 5·29 提醒" / "关闭 5·29 提醒": the association's days, switched on per region.

Reminders live in the database (``scheduler.models.Reminder``); the scheduler leader picks up
changes within its sync interval.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from handlers.core import audit
from handlers.core.db import session_scope, utcnow
from handlers.core.errors import DomainError
from handlers.core.members import RegionPath
from handlers.core.messages import IncomingMessage, Kind, Reply
from handlers.core.permissions import Actor
from handlers.core.router import STAFF, Route, Router
from handlers.core.services import Context, Services
from scheduler.models import (
    ASSOCIATION_DAYS,
    AUDIENCE_GROUPS,
    AUDIENCE_LABELS,
    AUDIENCE_LEADERS,
    KIND_CALENDAR,
    KIND_CUSTOM,
    KIND_MONTHLY,
    KIND_NUDGE,
    Reminder,
    association_day,
    calendar_spec,
    describe_spec,
    next_fire_time,
    parse_schedule,
)

logger = logging.getLogger(__name__)

ACTION = "管理提醒"


@dataclass(frozen=True)
class ReminderCommand:
    action: str  # add / list / delete / edit / pause / resume / calendar_on / calendar_off
    number: int = 0
    text: str = ""


_ADD = re.compile(r"^\s*提醒\s*(?P<rest>每.+)$", re.S)
_DELETE = re.compile(r"^\s*删除提醒\s*(?P<n>\d+)\s*$")
_PAUSE = re.compile(r"^\s*(?P<verb>暂停|恢复)提醒\s*(?P<n>\d+)\s*$")
_EDIT = re.compile(r"^\s*修改提醒\s*(?P<n>\d+)\s+(?P<text>.+)$", re.S)
_CALENDAR = re.compile(r"^\s*(?P<verb>开启|打开|关闭)\s*(?P<day>[^\s]+?)\s*(?:的)?提醒\s*$")


def parse_command(text: str) -> ReminderCommand | None:
    stripped = text.strip()
    if stripped in ("提醒列表", "查看提醒", "我的提醒"):
        return ReminderCommand("list")
    if found := _DELETE.match(text):
        return ReminderCommand("delete", int(found.group("n")))
    if found := _PAUSE.match(text):
        action = "pause" if found.group("verb") == "暂停" else "resume"
        return ReminderCommand(action, int(found.group("n")))
    if found := _EDIT.match(text):
        return ReminderCommand("edit", int(found.group("n")), found.group("text").strip())
    if found := _CALENDAR.match(text):
        action = "calendar_off" if found.group("verb") == "关闭" else "calendar_on"
        return ReminderCommand(action, text=found.group("day"))
    if found := _ADD.match(text):
        return ReminderCommand("add", text=found.group("rest").strip())
    return None


def visible_reminders(services: Services, scope: RegionPath) -> list[Reminder]:
    """Reminders reaching ``scope``: region-wide ones above it and those inside it."""
    with session_scope(services.engine) as session:
        rows = list(session.exec(select(Reminder).order_by(col(Reminder.id))))
    return [r for r in rows if r.region.contains(scope) or scope.contains(r.region)]


def editable(reminder: Reminder, scope: RegionPath) -> bool:
    """Staff may change reminders inside their region, not those set above it."""
    return scope.contains(reminder.region)


def owned_reminder(services: Services, scope: RegionPath, number: int) -> Reminder:
    """Reminder ``number`` if it lies inside ``scope``; else a polite DomainError.

    A reminder of another region is reported as missing, so its existence is not revealed.
    """
    with session_scope(services.engine) as session:
        reminder = session.get(Reminder, number)
    if reminder is None or not (editable(reminder, scope) or reminder.region.contains(scope)):
        raise DomainError(f"没有编号为 {number} 的提醒。发“提醒列表”查看编号。")
    if not editable(reminder, scope):
        raise DomainError(f"提醒 {number} 是上级设置的，您不能修改，可以联系上级协会。")
    return reminder


def _audit(services: Services, actor: Actor, reminder: Reminder, via: str, summary: str) -> None:
    audit.record(
        services.engine,
        actor_id=actor.user_id,
        actor_name=actor.name,
        via=via,
        area=audit.REMINDERS,
        subject=f"reminder:{reminder.id}",
        region=reminder.region,
        summary=summary,
    )


def remove_reminder(services: Services, actor: Actor, number: int, *, via: str) -> str:
    """ "删除提醒 N": returns the Chinese confirmation."""
    reminder = owned_reminder(services, actor.scope(ACTION), number)
    outcome = delete_reminder(services, number)
    if outcome == "disabled":
        _audit(services, actor, reminder, via, f"关闭了默认提醒 {number}：{reminder.name}")
        return f"提醒 {number} 是默认提醒，已关闭（不会再发）。"
    _audit(services, actor, reminder, via, f"删除了提醒 {number}：{reminder.name}")
    return f"已删除提醒 {number}。"


def set_enabled(services: Services, actor: Actor, number: int, enabled: bool, *, via: str) -> str:
    """ "暂停提醒 N" / "恢复提醒 N": returns the Chinese confirmation."""
    reminder = owned_reminder(services, actor.scope(ACTION), number)
    with session_scope(services.engine) as session:
        stored = session.get(Reminder, number)
        if stored is not None:
            stored.enabled = enabled
            stored.updated_at = utcnow()
            session.add(stored)
    verb = "恢复" if enabled else "暂停"
    _audit(services, actor, reminder, via, f"{verb}了提醒 {number}：{reminder.name}")
    if enabled:
        return f"已恢复提醒 {number}，到时间会照常发送。"
    return f"已暂停提醒 {number}，发“恢复提醒 {number}”可以恢复。"


def edit_reminder(services: Services, actor: Actor, number: int, text: str, *, via: str) -> str:
    """ "修改提醒 N 新文字"."""
    reminder = owned_reminder(services, actor.scope(ACTION), number)
    if not text.strip():
        raise DomainError("请写上提醒的新内容。")
    if len(text) > 500:
        raise DomainError("提醒内容太长，请控制在500字以内。")
    with session_scope(services.engine) as session:
        stored = session.get(Reminder, reminder.id)
        if stored is not None:
            stored.text = text
            stored.name = text[:20]
            stored.updated_at = utcnow()
            session.add(stored)
    _audit(services, actor, reminder, via, f"修改了提醒 {number} 的内容：{text[:60]}")
    return f"已修改提醒 {number} 的内容。"


def create_reminder(services: Services, actor: Actor, text: str, *, via: str) -> Reminder:
    """ "提醒 每月5日 9:10 内容": a reminder to the groups (or "小组长：…" the leaders) of the
    actor's region."""
    scope = actor.scope(ACTION)
    reminder = add_reminder(services, scope, actor.user_id, text)
    _audit(
        services,
        actor,
        reminder,
        via,
        f"新建了提醒 {reminder.id}：{describe_spec(reminder.spec)} {reminder.text[:60]}",
    )
    return reminder


def added_text(services: Services, reminder: Reminder) -> str:
    """The confirmation for a new reminder."""
    upcoming = next_fire_time(reminder.spec, services.now())
    when = f"，下次 {upcoming:%m月%d日 %H:%M}" if upcoming else ""
    note = ""
    if reminder.spec.split()[0] in ("0", "30"):
        note = "\n建议避开整点和半点（企业微信那时最繁忙，可能送达变慢）。"
    scope = reminder.region.display() if not reminder.region.is_empty else "全部地区"
    return (
        f"已新建提醒 {reminder.id}：{describe_spec(reminder.spec)}{when}，"
        f"发给{scope}的{AUDIENCE_LABELS[reminder.audience]}。{note}"
    )


def delete_reminder(services: Services, number: int) -> str:
    """Delete a reminder; the seeded defaults are switched off instead (else they would be
    seeded again on the next start). Returns "deleted", "disabled" or "missing"."""
    with session_scope(services.engine) as session:
        stored = session.get(Reminder, number)
        if stored is None:
            return "missing"
        if stored.kind in (KIND_MONTHLY, KIND_NUDGE):
            stored.enabled = False
            stored.updated_at = utcnow()
            session.add(stored)
            return "disabled"
        session.delete(stored)
        return "deleted"


def add_reminder(services: Services, region: RegionPath, created_by: str, text: str) -> Reminder:
    spec, rest = parse_schedule(text)
    audience = AUDIENCE_GROUPS
    if found := re.match(r"^(小组长|组长)\s*[：:]\s*", rest):
        audience = AUDIENCE_LEADERS
        rest = rest[found.end() :]
    if not rest:
        raise DomainError("请在时间后面写上提醒的内容。例：提醒 每月5日 9:10 各小组上报本月活动")
    if len(rest) > 500:
        raise DomainError("提醒内容太长，请控制在500字以内。")
    reminder = Reminder(
        name=rest[:20],
        kind=KIND_CUSTOM,
        spec=spec,
        text=rest,
        audience=audience,
        created_by=created_by,
    )
    reminder.set_region(region)
    with session_scope(services.engine) as session:
        session.add(reminder)
        session.flush()
        session.refresh(reminder)
    return reminder


def line_for(reminder: Reminder) -> str:
    state = "" if reminder.enabled else "（已关闭）"
    scope = reminder.region.display() if not reminder.region.is_empty else "全部地区"
    who = AUDIENCE_LABELS.get(reminder.audience, reminder.audience)
    return (
        f"{reminder.id}. {describe_spec(reminder.spec)} {who}（{scope}）{state}：{reminder.name}"
    )


def routes(router: Router) -> list[Route[Any]]:
    def match(message: IncomingMessage, _ctx: Context) -> ReminderCommand | None:
        if message.kind is not Kind.TEXT:
            return None
        return parse_command(message.text)

    def handle(
        message: IncomingMessage, command: ReminderCommand, ctx: Context
    ) -> Sequence[Reply]:
        """发“提醒 每月5日 9:10 内容”新建提醒；“提醒列表”查看；“删除提醒 3”删除；

        “暂停提醒 3”“恢复提醒 3”暂停或恢复；“修改提醒 3 新内容”改文字；
        “开启 5·29 提醒”“关闭 5·29 提醒”开关协会纪念日提醒。
        """
        scope = ctx.staff_scope(ACTION)
        services = ctx.services
        actor = ctx.actor
        if command.action == "list":
            rows = visible_reminders(services, scope)
            if not rows:
                return [Reply("还没有提醒。发“提醒 每月5日 9:10 内容”新建。")]
            lines = ["提醒列表："] + [line_for(r) for r in rows]
            days = "、".join(f"{d.code.replace('.', '·')}{d.name}" for d in ASSOCIATION_DAYS)
            lines.append(f"可开启的纪念日提醒：{days}（发“开启 5·29 提醒”）")
            return [Reply("\n".join(lines))]
        if command.action == "add":
            reminder = create_reminder(services, actor, command.text, via="chat")
            return [Reply(added_text(services, reminder))]
        if command.action == "delete":
            return [Reply(remove_reminder(services, actor, command.number, via="chat"))]
        if command.action == "edit":
            return [
                Reply(edit_reminder(services, actor, command.number, command.text, via="chat"))
            ]
        if command.action in ("pause", "resume"):
            enabled = command.action == "resume"
            return [Reply(set_enabled(services, actor, command.number, enabled, via="chat"))]
        return [Reply(_switch_calendar(ctx, command))]

    return [
        Route(
            "reminders",
            match,
            handle,
            help="设置定期提醒（提醒列表 / 删除提醒 编号 / 开启 5·29 提醒）",
            audience=STAFF,
            example="提醒 每月5日 9:10 各小组上报本月活动",
        )
    ]


def _switch_calendar(ctx: Context, command: ReminderCommand) -> str:
    day = association_day(command.text)
    if day is None:
        names = "、".join(f"{d.code.replace('.', '·')}{d.name}" for d in ASSOCIATION_DAYS)
        raise DomainError(f"没有“{command.text}”这个纪念日。可以开启：{names}")
    label = f"{day.code.replace('.', '·')}{day.name}"
    region = ctx.staff_scope(ACTION)
    if day.region_note and region.province and region.province != day.region_note:
        raise DomainError(f"{label}只在{day.region_note}开展。")
    with session_scope(ctx.services.engine) as session:
        existing = [
            r
            for r in session.exec(
                select(Reminder).where(
                    Reminder.calendar_code == day.code, Reminder.kind == KIND_CALENDAR
                )
            )
            if r.region == region
        ]
        enable = command.action == "calendar_on"
        if existing:
            for row in existing:
                row.enabled = enable
                row.updated_at = utcnow()
                session.add(row)
        elif enable:
            row = Reminder(
                name=label,
                kind=KIND_CALENDAR,
                spec=calendar_spec(day),
                text=day.text,
                calendar_code=day.code,
                created_by=ctx.message.user_id,
            )
            row.set_region(region)
            session.add(row)
    audit.record(
        ctx.services.engine,
        actor_id=ctx.message.user_id,
        actor_name=ctx.actor.name,
        via="chat",
        area=audit.REMINDERS,
        subject=f"calendar:{day.code}",
        region=region,
        summary=f"{'开启' if enable else '关闭'}了{label}提醒",
    )
    if enable:
        return f"已开启{label}提醒：每年{day.month}月{day.day}日 08:20 发给{region.display()}的全体小组。"
    return f"已关闭{region.display()}的{label}提醒。"
