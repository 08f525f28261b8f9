"""Coordinators' notices to member groups: preview, confirm, send once, report.

Flow: "通知 全体小组：……" (or a region, "小组长", or named groups) -> the bot answers with a preview
and how many groups and people it will reach, and keeps the plan in ``ctx.conversation`` for ten
minutes -> "确认发送" stores a :class:`Broadcast` row and enqueues one outbox row per group with
the key ``broadcast:<id>:<group>`` (so a crash mid-enqueue followed by a resume stores nothing
twice) -> when every row is sent or failed, a follow-up job sends the coordinator a delivery
report; "通知状态 12" shows it again. "定时 5月28日 18:00 通知 ……" does the same with the rows
due at that time.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Field, SQLModel, col, select

from handlers.core import audit
from handlers.core.db import session_scope, utcnow
from handlers.core.errors import DomainError
from handlers.core.members import MemberGroup, RegionPath
from handlers.core.messages import SHANGHAI, Channel, IncomingMessage, Kind, Reply, Target
from handlers.core.outbox import CANCELLED, FAILED, RETRYABLE_ERRCODES, SENT, OutboxMessage
from handlers.core.permissions import Actor
from handlers.core.router import STAFF, Route, Router
from handlers.core.services import Context, Services
from handlers.core.state import Conversation
from handlers.groups import GroupDirectory, Reach, groups_in

logger = logging.getLogger(__name__)

PENDING_KEY = "broadcast_pending"
PENDING_TTL = 600
ALL_WORDS = frozenset({"全体小组", "所有小组", "全部小组", "各小组", "全体", "全体会员小组"})
LEADER_WORDS = frozenset({"小组长", "组长", "各小组长", "全体小组长", "会员小组长"})
CONFIRM_WORDS = frozenset({"确认发送", "确认", "发送"})
CANCEL_WORDS = frozenset({"取消", "取消发送", "不发了"})
MAX_TEXT_CHARS = 600  # a notice is one message; the outbox would split longer texts

ENQUEUEING = "enqueueing"
SENDING = "sending"
REPORTED = "reported"
WITHDRAWN = "cancelled"

FAILURE_LABELS = {
    81013: "成员账号无效或不在应用可见范围",
    93000: "群机器人地址失效（机器人被移除）",
    45009: "发送太频繁（已多次重试）",
    45033: "并发太多（已多次重试）",
    -1: "企业微信系统繁忙（已多次重试）",
}


class Broadcast(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_by: str = Field(index=True)
    channel: str = Channel.APP.value
    text: str
    audience: str  # what the coordinator wrote: 全体小组 / 江口镇 / 小组长 / group names
    group_codes: str  # '|' separated, the plan at confirmation time
    leaders_only: bool = False
    groups: int = 0
    people: int = 0
    scheduled_for: datetime | None = None
    status: str = Field(default=ENQUEUEING, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    reported_at: datetime | None = None


@dataclass(frozen=True)
class NoticeRequest:
    audience: str
    text: str
    scheduled_for: str | None = None  # ISO, Asia/Shanghai


@dataclass
class Plan:
    audience: str
    text: str
    group_codes: list[str]
    leaders_only: bool
    people: int
    unreachable: list[str]
    scheduled_for: str | None = None


# -- parsing -----------------------------------------------------------------------------------

_NOTICE = re.compile(r"^\s*(?:定时\s*(?P<when>.+?)\s+)?通知\s*(?P<rest>.+)$", re.S)
_HEAD_COLON = re.compile(r"^(?P<head>[^：:\n]{1,60}?)\s*[：:]\s*(?P<body>.+)$", re.S)
_HEAD_SPACE = re.compile(r"^(?P<head>\S{1,40})\s+(?P<body>.+)$", re.S)
_WHEN = re.compile(
    r"^(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号]\s*"
    r"(?:(?P<ampm>上午|早上|下午|晚上)\s*)?(?P<hour>\d{1,2})\s*[:：点]\s*(?P<minute>\d{1,2})?\s*分?$"
)


def parse_notice(text: str) -> NoticeRequest | None:
    """ "通知 全体小组：……" / "通知 江口镇 ……" / "定时 5月28日 18:00 通知 小组长：……"."""
    match = _NOTICE.match(text)
    if not match:
        return None
    rest = match.group("rest").strip()
    split = _HEAD_COLON.match(rest) or _HEAD_SPACE.match(rest)
    if split is None:
        return None
    head = split.group("head").strip()
    body = split.group("body").strip()
    if not head or not body:
        return None
    return NoticeRequest(head, body, match.group("when"))


def parse_when(text: str, now: datetime) -> datetime:
    match = _WHEN.match(text.strip())
    if not match:
        raise DomainError("没看懂定时的时间，请这样写：定时 5月28日 18:00 通知 全体小组：……")
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    if match.group("ampm") in ("下午", "晚上") and hour < 12:
        hour += 12
    local_now = now.astimezone(SHANGHAI)
    year = int(match.group("year") or local_now.year)
    try:
        when = datetime(
            year, int(match.group("month")), int(match.group("day")), hour, minute, tzinfo=SHANGHAI
        )
    except ValueError:
        raise DomainError("定时的日期或时间不对，请检查。") from None
    if when <= local_now:
        raise DomainError("定时的时间已经过去了，请写一个以后的时间。")
    if when - local_now > timedelta(days=366):
        raise DomainError("定时发送最多提前一年。")
    return when


# -- planning ----------------------------------------------------------------------------------


def select_groups(services: Services, audience: str, region: RegionPath) -> tuple[list[Any], bool]:
    """The groups an audience names, within ``region``; returns (groups, leaders_only)."""
    mine = groups_in(services, region)
    head = audience.strip()
    if head in ALL_WORDS:
        return mine, False
    if head in LEADER_WORDS:
        return mine, True
    tokens = [t for t in re.split(r"[、,，\s]+", head) if t]
    chosen: dict[str, Any] = {}
    everywhere = {g.code: g for g in services.members.groups()}
    for token in tokens:
        by_name = [g for g in everywhere.values() if token in (g.code, g.name)]
        if by_name:
            for group in by_name:
                if not region.contains(group.region):
                    raise DomainError(f"“{token}”不在您负责的地区，不能给它发通知。")
                chosen[group.code] = group
            continue
        in_place = [g for g in mine if token in g.region.parts()]
        if not in_place:
            if any(token in g.region.parts() for g in everywhere.values()):
                raise DomainError(f"“{token}”不在您负责的地区，不能给那里发通知。")
            raise DomainError(
                f"没找到“{token}”对应的小组或地区。可以写“全体小组”“小组长”、地区名或小组名称。"
            )
        for group in in_place:
            chosen[group.code] = group
    return sorted(chosen.values(), key=lambda g: g.code), False


def reach_of(directory: GroupDirectory, group: MemberGroup, leaders_only: bool) -> Reach:
    if leaders_only:
        if not group.leader_id:
            return Reach(group, None, 0)
        return Reach(group, Target.user(group.leader_id), 1)
    return directory.reach(group)


def plan_notice(services: Services, request: NoticeRequest, region: RegionPath) -> Plan:
    groups, leaders_only = select_groups(services, request.audience, region)
    if not groups:
        raise DomainError("您的地区还没有登记小组，无法发通知。发“登记小组 ……”先登记。")
    directory = GroupDirectory(services)
    reaches = [reach_of(directory, g, leaders_only) for g in groups]
    return Plan(
        audience=request.audience,
        text=request.text,
        group_codes=[r.group.code for r in reaches if r.target is not None],
        leaders_only=leaders_only,
        people=sum(r.people for r in reaches if r.target is not None),
        unreachable=[r.group.name or r.group.code for r in reaches if r.target is None],
    )


def preview(plan: Plan) -> str:
    who = "各小组长" if plan.leaders_only else f"{len(plan.group_codes)} 个小组"
    lines = [f"将发送给 {who}（{len(plan.group_codes)} 个小组，约 {plan.people} 人）："]
    if plan.scheduled_for:
        when = datetime.fromisoformat(plan.scheduled_for)
        lines[0] = f"将于 {when:%m月%d日 %H:%M} 发送给 {who}（约 {plan.people} 人）："
    lines.append(plan.text)
    if plan.unreachable:
        names = "、".join(plan.unreachable[:10])
        lines.append(f"注意：{len(plan.unreachable)} 个小组没有登记通知方式，收不到：{names}")
    lines.append("回复“确认发送”发出，回复“取消”放弃（10分钟内有效）。")
    return "\n".join(lines)


def commit_plan(services: Services, plan: Plan, created_by: str, channel: str) -> Broadcast:
    """Store the broadcast, then enqueue one outbox row per group (resumable, idempotent)."""
    scheduled = datetime.fromisoformat(plan.scheduled_for) if plan.scheduled_for else None
    row = Broadcast(
        created_by=created_by,
        channel=channel,
        text=plan.text,
        audience=plan.audience,
        group_codes="|".join(plan.group_codes),
        leaders_only=plan.leaders_only,
        groups=len(plan.group_codes),
        people=plan.people,
        scheduled_for=scheduled,
    )
    with session_scope(services.engine) as session:
        session.add(row)
        session.flush()
        session.refresh(row)
    enqueue_broadcast(services, row)
    return row


def enqueue_broadcast(services: Services, row: Broadcast) -> int:
    """Enqueue the rows of a stored broadcast; running it twice stores each row once."""
    assert row.id is not None
    directory = GroupDirectory(services)
    codes = [c for c in row.group_codes.split("|") if c]
    groups = {g.code: g for g in services.members.groups(active_only=False)}
    items: list[tuple[Target, str, str]] = []
    for code in codes:
        group = groups.get(code)
        if group is None:
            continue
        reach = reach_of(directory, group, row.leaders_only)
        if reach.target is None:
            continue
        items.append((reach.target, row.text, f"broadcast:{row.id}:{code}"))
    services.outbox.enqueue_many(
        items,
        origin=f"broadcast:{row.id}",
        not_before=row.scheduled_for,
        duplicate_check=True,
    )
    count = len(items)
    with session_scope(services.engine) as session:
        stored = session.get(Broadcast, row.id)
        if stored is not None and stored.status == ENQUEUEING:
            stored.status = SENDING
            session.add(stored)
    logger.info("broadcast %s enqueued for %d groups", row.id, count)
    return count


# -- reports -----------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    broadcast_id: int
    groups: int
    sent: int
    failed: int
    waiting: int
    retried: int
    invalid_users: int
    reasons: dict[str, int]
    failed_groups: list[str]
    cancelled: int = 0

    @property
    def finished(self) -> bool:
        return self.waiting == 0

    def text(self, row: Broadcast) -> str:
        head = f"通知 {self.broadcast_id} 发送情况（{row.audience}）："
        if row.scheduled_for and self.waiting and self.sent == 0 and self.failed == 0:
            when = row.scheduled_for.astimezone(SHANGHAI)
            return f"{head}定时 {when:%m月%d日 %H:%M} 发送，共 {self.groups} 个小组，尚未开始。"
        lines = [
            f"{head}共 {self.groups} 个小组，已送达 {self.sent} 个，"
            f"失败 {self.failed} 个，等待发送 {self.waiting} 个。"
        ]
        if self.cancelled:
            lines.append(f"已撤回 {self.cancelled} 个小组的通知，不会再发出。")
        if self.retried:
            lines.append(f"其中 {self.retried} 个因发送频率限制，自动重试后已送达。")
        if self.invalid_users:
            lines.append(f"有 {self.invalid_users} 个成员账号无效，未收到。")
        for reason, count in self.reasons.items():
            lines.append(f"失败原因：{reason} {count} 个")
        if self.failed_groups:
            lines.append("失败的小组：" + "、".join(self.failed_groups[:10]))
        return "\n".join(lines)


def delivery_report(services: Services, row: Broadcast) -> DeliveryReport:
    assert row.id is not None
    rows = services.outbox.by_origin(f"broadcast:{row.id}")
    names = {g.code: g.name or g.code for g in services.members.groups(active_only=False)}
    report = DeliveryReport(row.id, row.groups, 0, 0, 0, 0, 0, {}, [])
    for message in _whole_messages(rows):
        code = message.key.split(":", 2)[2].split("#", 1)[0]
        if message.status == SENT:
            report.sent += 1
            if message.attempts > 1 and message.errcode in RETRYABLE_ERRCODES:
                report.retried += 1
            report.invalid_users += len(json.loads(message.result or "{}").get("invalid", []))
        elif message.status == CANCELLED:
            report.cancelled += 1
        elif message.status == FAILED:
            report.failed += 1
            reason = FAILURE_LABELS.get(message.errcode, f"其他错误（{message.errcode}）")
            report.reasons[reason] = report.reasons.get(reason, 0) + 1
            report.failed_groups.append(names.get(code, code))
        else:
            report.waiting += 1
    accounted = report.sent + report.failed + report.waiting + report.cancelled
    if row.status != WITHDRAWN:  # groups not enqueued yet are still to come
        report.waiting += max(0, row.groups - accounted)
    return report


def _whole_messages(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """One row per group: the first part of a split text stands for the whole."""
    seen: set[str] = set()
    out: list[OutboxMessage] = []
    for row in rows:
        base = row.key.split("#", 1)[0]
        if base in seen:
            continue
        seen.add(base)
        parts = [r for r in rows if r.key.split("#", 1)[0] == base] if "#" in row.key else [row]
        worst = next((p for p in parts if p.status == FAILED), None)
        waiting = next((p for p in parts if p.status not in (SENT, FAILED)), None)
        out.append(worst or waiting or row)
    return out


def follow_up_broadcasts(services: Services, now: datetime | None = None) -> int:
    """Resume half-enqueued broadcasts and send finished ones' reports; returns reports sent.

    Run periodically by the scheduler leader. The report's outbox key is per broadcast, so a
    second run (another process, a restart) never sends a report twice.
    """
    now = now or services.now()
    with session_scope(services.engine) as session:
        open_rows = list(
            session.exec(select(Broadcast).where(col(Broadcast.status).in_([ENQUEUEING, SENDING])))
        )
    reports = 0
    for row in open_rows:
        if row.status == ENQUEUEING:
            enqueue_broadcast(services, row)
            continue
        report = delivery_report(services, row)
        if not report.finished:
            continue
        if row.channel != Channel.CLI.value:
            services.outbox.enqueue(
                Target.user(row.created_by),
                report.text(row),
                key=f"broadcast-report:{row.id}",
                origin=f"broadcast-report:{row.id}",
            )
        with session_scope(services.engine) as session:
            stored = session.get(Broadcast, row.id)
            if stored is not None:
                stored.status = REPORTED
                stored.reported_at = now
                session.add(stored)
        reports += 1
    return reports


# -- routes ------------------------------------------------------------------------------------


NOTICE_ACTION = "发通知"


def may_see(services: Services, actor: Actor, row: Broadcast, scope: RegionPath) -> bool:
    """The actor made the notice, or it was sent by someone inside the actor's scope."""
    if row.created_by == actor.user_id or scope.is_empty:
        return True
    creator = services.members.get(row.created_by)
    return creator is not None and scope.contains(creator.region)


def broadcast_for(services: Services, actor: Actor, number: int) -> Broadcast:
    """Broadcast ``number`` if ``actor`` may see and withdraw it; else a polite DomainError."""
    scope = actor.scope("查看或取消通知")
    with session_scope(services.engine) as session:
        row = session.get(Broadcast, number)
    if row is None or not may_see(services, actor, row, scope):
        if row is None:
            raise DomainError(f"没有编号为 {number} 的通知。")
        raise DomainError(f"通知 {number} 不是您地区发出的，不能查看或取消。")
    return row


def broadcasts_for(services: Services, actor: Actor, limit: int = 50) -> list[Broadcast]:
    """The latest notices ``actor`` may see, newest first."""
    scope = actor.scope("查看通知")
    with session_scope(services.engine) as session:
        rows = list(
            session.exec(select(Broadcast).order_by(col(Broadcast.id).desc()).limit(limit * 4))
        )
    creators = {row.created_by for row in rows} if not scope.is_empty else set()
    regions = {uid: m.region for uid, m in services.members.get_many(creators).items()}
    visible = [
        row
        for row in rows
        if row.created_by == actor.user_id
        or scope.is_empty
        or (row.created_by in regions and scope.contains(regions[row.created_by]))
    ]
    return visible[:limit]


def stage_notice(
    services: Services, conversation: Conversation, actor: Actor, request: NoticeRequest
) -> Plan:
    """Plan a notice inside the actor's region and keep it for :func:`confirm_staged` (ten
    minutes). Raises a polite DomainError for a text too long, an unknown audience, a group
    outside the region or a time in the past."""
    scope = actor.scope(NOTICE_ACTION)
    if not request.text.strip():
        raise DomainError("通知内容是空的，请写上要通知的事。")
    if len(request.text) > MAX_TEXT_CHARS:
        raise DomainError(
            f"通知内容太长（{len(request.text)}字），请控制在{MAX_TEXT_CHARS}字以内。"
        )
    plan = plan_notice(services, request, scope)
    if request.scheduled_for:
        plan.scheduled_for = parse_when(request.scheduled_for, services.now()).isoformat()
    if not plan.group_codes:
        raise DomainError("这些小组都没有登记通知方式（群机器人、群聊或成员），无法发送。")
    conversation.set(PENDING_KEY, asdict(plan), ttl=PENDING_TTL)
    return plan


def staged_plan(conversation: Conversation) -> Plan | None:
    """The plan waiting for confirmation, if any (not consumed)."""
    stored = conversation.get(PENDING_KEY)
    return Plan(**stored) if stored is not None else None


def confirm_staged(
    services: Services, conversation: Conversation, actor: Actor, channel: str
) -> Broadcast | None:
    """Send (or schedule) the staged plan; None when nothing is staged any more (expired, or
    already confirmed: the plan is taken atomically, so a second confirmation sends nothing)."""
    scope = actor.scope(NOTICE_ACTION)
    stored = conversation.pop(PENDING_KEY)
    if stored is None:
        return None
    plan = Plan(**stored)
    # The roster may have changed since the preview: send only inside today's region.
    groups = {g.code: g for g in services.members.groups(active_only=False)}
    outside = [c for c in plan.group_codes if c in groups and not scope.contains(groups[c].region)]
    if outside:
        names = "、".join(groups[c].name or c for c in outside[:5])
        raise DomainError(f"{names} 已不在您负责的地区，通知没有发出，请重新预览。")
    row = commit_plan(services, plan, actor.user_id, channel)
    when = ""
    if row.scheduled_for:
        when = f"，定时 {row.scheduled_for.astimezone(SHANGHAI):%m月%d日 %H:%M}"
    audit.record(
        services.engine,
        actor_id=actor.user_id,
        actor_name=actor.name,
        via="console" if channel == "console" else "chat",
        area=audit.NOTICES,
        subject=f"broadcast:{row.id}",
        region=actor.region if not actor.region.is_empty else "",
        summary=f"发出通知 {row.id}（{row.audience}，{row.groups} 个小组{when}）：{row.text[:60]}",
    )
    return row


def withdraw(services: Services, actor: Actor, number: int, *, via: str) -> str:
    """Withdraw the unsent part of notice ``number`` ("取消通知 N"); returns what happened."""
    row = broadcast_for(services, actor, number)
    with session_scope(services.engine) as session:
        stored = session.get(Broadcast, number)
        if stored is not None:
            stored.status = WITHDRAWN
            session.add(stored)
    withdrawn = services.outbox.cancel_pending(f"broadcast:{number}")
    report = delivery_report(services, row)
    logger.info("broadcast %s withdrawn: %d rows", number, withdrawn)
    if withdrawn == 0:
        return f"通知 {number} 已经没有可撤回的部分了。\n{report.text(row)}"
    audit.record(
        services.engine,
        actor_id=actor.user_id,
        actor_name=actor.name,
        via=via,
        area=audit.NOTICES,
        subject=f"broadcast:{number}",
        region=actor.region if not actor.region.is_empty else "",
        summary=f"撤回通知 {number}：{withdrawn} 个小组不再发送",
    )
    text = f"已撤回通知 {number}：{withdrawn} 个小组不会再收到。"
    if report.sent or report.waiting:
        text += f"已送达或正在发送的 {report.sent + report.waiting} 个小组无法撤回。"
    return text


@dataclass(frozen=True)
class GroupDelivery:
    """How one group's copy of a notice fared."""

    code: str
    name: str
    status: str  # sent / failed / waiting / cancelled
    reason: str = ""


def group_deliveries(services: Services, row: Broadcast) -> list[GroupDelivery]:
    """Per-group delivery status of a notice, in the order of its plan."""
    assert row.id is not None
    names = {g.code: g.name or g.code for g in services.members.groups(active_only=False)}
    by_code: dict[str, GroupDelivery] = {}
    for message in _whole_messages(services.outbox.by_origin(f"broadcast:{row.id}")):
        code = message.key.split(":", 2)[2].split("#", 1)[0]
        if message.status == SENT:
            status, reason = "sent", ""
        elif message.status == FAILED:
            status = "failed"
            reason = FAILURE_LABELS.get(message.errcode, f"其他错误（{message.errcode}）")
        elif message.status == CANCELLED:
            status, reason = "cancelled", ""
        else:
            status, reason = "waiting", ""
        by_code[code] = GroupDelivery(code, names.get(code, code), status, reason)
    out = []
    for code in (c for c in row.group_codes.split("|") if c):
        default = "cancelled" if row.status == WITHDRAWN else "waiting"
        out.append(by_code.get(code, GroupDelivery(code, names.get(code, code), default)))
    return out


def routes(router: Router) -> list[Route[Any]]:
    def match_notice(message: IncomingMessage, _ctx: Context) -> NoticeRequest | None:
        if message.kind is not Kind.TEXT:
            return None
        return parse_notice(message.text)

    def handle_notice(
        message: IncomingMessage, request: NoticeRequest, ctx: Context
    ) -> Sequence[Reply]:
        """发“通知 全体小组：内容”（或地区名、“小组长”、小组名称），可在前面加“定时 5月28日 18:00”。

        回复预览和将送达的小组数、人数；回复“确认发送”后才发出。
        """
        plan = stage_notice(ctx.services, ctx.conversation, ctx.actor, request)
        return [Reply(preview(plan))]

    def match_confirm(message: IncomingMessage, ctx: Context) -> str | None:
        word = message.text.strip()
        if word not in CONFIRM_WORDS and word not in CANCEL_WORDS:
            return None
        if ctx.conversation.get(PENDING_KEY) is None:
            return None if word not in ("确认发送",) else "missing"
        return "confirm" if word in CONFIRM_WORDS else "cancel"

    def handle_confirm(message: IncomingMessage, action: str, ctx: Context) -> Sequence[Reply]:
        """发“确认发送”：发出刚才预览的通知，回复通知编号；发“取消”放弃。"""
        actor = ctx.actor
        actor.scope(NOTICE_ACTION)
        if action == "missing":
            return [Reply("没有等待发送的通知（预览10分钟内有效），请重新发“通知 ……”。")]
        if action == "cancel":
            if ctx.conversation.pop(PENDING_KEY) is None:
                return [Reply("这条通知已经处理过了。")]
            return [Reply("已取消，通知没有发出。")]
        row = confirm_staged(ctx.services, ctx.conversation, actor, message.channel.value)
        if row is None:
            return [Reply("这条通知已经处理过了。")]
        if row.scheduled_for:
            when = row.scheduled_for.astimezone(SHANGHAI)
            return [
                Reply(
                    f"已安排：通知 {row.id} 将于 {when:%m月%d日 %H:%M} 发给 {row.groups} 个小组。"
                    f"发“通知状态 {row.id}”查看进度。"
                )
            ]
        return [
            Reply(
                f"已开始发送：通知 {row.id}，共 {row.groups} 个小组。发完后会把发送情况告诉您，"
                f"也可以发“通知状态 {row.id}”查看。"
            )
        ]

    def match_status(message: IncomingMessage, _ctx: Context) -> int | None:
        found = re.fullmatch(r"\s*通知状态\s*(\d+)\s*", message.text)
        return int(found.group(1)) if found else None

    def handle_status(_message: IncomingMessage, number: int, ctx: Context) -> Sequence[Reply]:
        """发“通知状态 12”：回复第12号通知送达、失败和等待的小组数及失败原因。"""
        row = broadcast_for(ctx.services, ctx.actor, number)
        return [Reply(delivery_report(ctx.services, row).text(row))]

    def match_withdraw(message: IncomingMessage, _ctx: Context) -> int | None:
        found = re.fullmatch(r"\s*(?:取消|撤回)通知\s*(\d+)\s*", message.text)
        return int(found.group(1)) if found else None

    def handle_withdraw(_message: IncomingMessage, number: int, ctx: Context) -> Sequence[Reply]:
        """发“取消通知 12”：撤回第12号通知里还没发出的部分（常用于定时通知）。"""
        return [Reply(withdraw(ctx.services, ctx.actor, number, via="chat"))]

    return [
        Route("broadcast.confirm", match_confirm, handle_confirm),
        Route(
            "broadcast.withdraw",
            match_withdraw,
            handle_withdraw,
            help="取消还没发出的通知（如定时通知）",
            audience=STAFF,
            example="取消通知 12",
        ),
        Route(
            "broadcast.status",
            match_status,
            handle_status,
            help="查看通知发送情况",
            audience=STAFF,
            example="通知状态 12",
        ),
        Route(
            "broadcast.notice",
            match_notice,
            handle_notice,
            help="给小组发通知（先预览，确认后发送）",
            audience=STAFF,
            example="通知 全体小组：5月29日上午9点在村委会开展会员活动日",
        ),
    ]
