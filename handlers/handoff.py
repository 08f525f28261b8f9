"""Human hand-off: the unanswered-question queue and the coordinator's answers.

- A family's question the bot cannot answer (or "人工") becomes a ticket and is forwarded to
  the on-duty coordinator for the asker's region, with the bot's best guesses. A bare "人工"
  with no question before it first asks for the question; the next one goes to a person.
- The coordinator answers with ``回复 <编号> <内容>``; the bot relays it to the asker (app
  member or 微信客服 customer) and offers ``入库 <编号>`` to draft a knowledge-base entry.
- ``xiehui kb unanswered`` lists the queue; the console lists, answers, assigns and drafts
  through the same functions (:func:`tickets_for`, :func:`answer_as`, :func:`assign_ticket`,
  :func:`draft_as`).
- Staff act only on tickets inside their region (:mod:`handlers.core.permissions`); every
  answer, assignment and draft is written to the audit log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel, col, select

from handlers.core import audit
from handlers.core.db import session_scope, utcnow
from handlers.core.errors import DomainError, PermissionDenied
from handlers.core.members import Member, RegionPath
from handlers.core.messages import Channel, IncomingMessage, Reply, Role, Target, TargetKind
from handlers.core.permissions import Actor, can_act
from handlers.core.router import STAFF, Route, Router
from handlers.core.services import Context, Services
from handlers.profiles import remembered_region
from knowledge.base import PENDING_FILE, Entry

logger = logging.getLogger(__name__)

HUMAN_WORDS = frozenset(
    {"人工", "转人工", "人工客服", "人工服务", "找人工", "真人", "转人工服务", "我要人工",
     "找工作人员", "联系工作人员", "客服"}
)  # fmt: skip
LAST_QUESTION = "faq_last_question"  # conversation key the FAQ route keeps for "人工"
#: Set after a bare "人工": the asker's next question goes to a person (the FAQ route takes it).
AWAITING_QUESTION = "handoff_awaiting_question"
AWAITING_TTL = 600
ASK_FOR_QUESTION = (
    "好的，我帮您转给协会工作人员。请先把您的问题发给我（一两句话说清楚就行），"
    "我会连同问题一起转过去，这样工作人员能更快答复您。"
)
#: The question of tickets raised before a bare "人工" asked for one (never knowledge).
PLACEHOLDER = "（用户请求人工服务，还没说具体问题）"
_REPLY = re.compile(r"^\s*回复\s*#?(\d+)[\s:：,，]+(.+)$", re.DOTALL)
_DRAFT = re.compile(r"^\s*入库\s*#?(\d+)\s*$")


class HandoffTicket(SQLModel, table=True):
    """One unanswered question (its id is the 编号 coordinators quote)."""

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(default="", max_length=16)
    asker_id: str = Field(default="", max_length=128, index=True)
    account: str = ""  # 微信客服 open_kfid the customer wrote to
    region: str = ""  # 省/市/县... as known when the ticket was made
    question: str = ""
    candidates: str = ""  # entry ids the bot considered, '|' separated
    status: str = Field(default="open", index=True)  # open | forwarded | answered
    forwarded_to: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None
    answered_by: str = ""
    answer: str = ""
    drafted: bool = False

    @property
    def candidate_ids(self) -> list[str]:
        return [c for c in self.candidates.split("|") if c]


class TicketAssignment(SQLModel, table=True):
    """Who a ticket was handed to by a colleague (the latest assignment wins)."""

    __tablename__ = "ticket_assignment"

    ticket_id: int = Field(primary_key=True)
    assignee_id: str = Field(default="", max_length=64, index=True)
    assigned_by: str = Field(default="", max_length=64)
    assigned_at: datetime = Field(default_factory=utcnow)


def asker_region(ctx: Context) -> RegionPath:
    """The member registry region, else the remembered family region."""
    if not ctx.region.is_empty:
        return ctx.region
    remembered = remembered_region(
        ctx.services.engine, ctx.message.channel.value, ctx.message.user_id
    )
    return RegionPath(remembered.province, remembered.city)


def create_ticket(
    ctx: Context, question: str, candidates: Sequence[Entry | str] = ()
) -> HandoffTicket:
    """Queue ``question`` from the current asker; returns the stored ticket (with its id)."""
    ids = [c.id if isinstance(c, Entry) else str(c) for c in candidates]
    region = asker_region(ctx)
    ticket = HandoffTicket(
        channel=ctx.message.channel.value,
        asker_id=ctx.message.user_id,
        account=ctx.message.account,
        region="/".join(p for p in region.parts() if p),
        question=question.strip()[:1000],
        candidates="|".join(ids),
    )
    with session_scope(ctx.services.engine) as session:
        session.add(ticket)
        session.flush()
        session.refresh(ticket)
    logger.info("handoff ticket %s queued channel=%s", ticket.id, ticket.channel)
    return ticket


def get_ticket(engine: Engine, ticket_id: int) -> HandoffTicket | None:
    with session_scope(engine) as session:
        return session.get(HandoffTicket, ticket_id)


def list_tickets(engine: Engine, *, include_answered: bool = False) -> list[HandoffTicket]:
    with session_scope(engine) as session:
        query = select(HandoffTicket)
        if not include_answered:
            query = query.where(HandoffTicket.status != "answered")
        return list(session.exec(query.order_by(HandoffTicket.id)))  # type: ignore[arg-type]


def ticket_region(ticket: HandoffTicket) -> RegionPath:
    """The region the ticket belongs to ("" levels unknown)."""
    return audit.region_of(ticket.region)


def tickets_for(
    engine: Engine, scope: RegionPath, *, include_answered: bool = False
) -> list[HandoffTicket]:
    """Tickets inside ``scope`` (an actor's :meth:`Actor.scope`), oldest first."""
    return [
        t for t in list_tickets(engine, include_answered=include_answered) if in_scope(scope, t)
    ]


def in_scope(scope: RegionPath, ticket: HandoffTicket) -> bool:
    return scope.contains(ticket_region(ticket))


def ticket_for(services: Services, actor: Actor, ticket_id: int, action: str) -> HandoffTicket:
    """Ticket ``ticket_id`` if ``actor`` may ``action`` it; raises a polite DomainError.

    A ticket outside the actor's region is refused without showing its content.
    """
    scope = actor.scope(action)
    ticket = get_ticket(services.engine, ticket_id)
    if ticket is None:
        raise DomainError(f"找不到编号 {ticket_id} 的问题，请核对编号。")
    if not in_scope(scope, ticket):
        raise PermissionDenied(
            f"编号 {ticket_id} 的问题不在您负责的地区（{actor.region.display()}），不能{action}。"
        )
    return ticket


def assignments(engine: Engine, ticket_ids: Sequence[int]) -> dict[int, TicketAssignment]:
    """The current assignment of each ticket that has one."""
    if not ticket_ids:
        return {}
    with session_scope(engine) as session:
        rows = session.exec(
            select(TicketAssignment).where(col(TicketAssignment.ticket_id).in_(list(ticket_ids)))
        )
        return {row.ticket_id: row for row in rows}


def colleagues_for(services: Services, ticket: HandoffTicket) -> list[Member]:
    """Staff who may act on ``ticket`` (whom it can be assigned to), nearest level first."""
    able = [
        m
        for m in services.members.staff()
        if can_act(m.role_enum, m.region) and in_scope(m.region, ticket)
    ]
    return sorted(able, key=lambda m: (-sum(1 for p in m.region.parts() if p), m.user_id))


def coordinator_for(ctx: Context, ticket: HandoffTicket) -> Member | None:
    """The nearest on-duty coordinator for the ticket's region (province, then anyone).

    Staff who may not act (a coordinator with no region) are never chosen.
    """
    members = ctx.services.members
    region = ticket_region(ticket)

    def able(found: list[Member]) -> list[Member]:
        return [m for m in found if can_act(m.role_enum, m.region)]

    found = able(members.on_duty_for(region))
    if not found and region.province:
        found = able(members.on_duty_for(RegionPath(region.province)))
    if not found:
        found = [m for m in able(members.on_duty_for(RegionPath())) if m.on_duty]
    return found[0] if found else None


def _hint_lines(services: Services, ticket: HandoffTicket) -> list[str]:
    store = services.knowledge
    if store is None or not ticket.candidate_ids:
        return []
    kb = store.current()
    lines = ["机器人猜测的相关条目："]
    for number, entry_id in enumerate(ticket.candidate_ids[:3], start=1):
        entry = kb.by_id.get(entry_id)
        if entry is not None:
            lines.append(f"{number}. {entry.questions[0]}（{entry.region}，{entry.id}）")
    return lines if len(lines) > 1 else []


def _forward_text(services: Services, ticket: HandoffTicket, lead: str) -> str:
    who = "微信客服的群众" if ticket.channel == Channel.KF.value else "用户"
    lines = [
        f"【{lead} 编号{ticket.id}】来自{who}，地区：{ticket.region or '未知'}",
        f"问题：{ticket.question or '（对方没有说具体问题，请直接联系对方）'}",
        *_hint_lines(services, ticket),
        f"请直接发送“回复 {ticket.id} 您的答复”，我会转告提问人。",
    ]
    return "\n".join(lines)


def forward_ticket(ctx: Context, ticket: HandoffTicket) -> list[Reply]:
    """Forward to the coordinator on duty and tell the asker honestly what happens next."""
    coordinator = coordinator_for(ctx, ticket)
    if coordinator is None:
        return [
            Reply(
                f"这个问题我先记下了（编号 {ticket.id}）。现在没有工作人员值班，"
                "有人值班后会尽快答复您；急事可以直接联系村里的计生专干或县计生协。"
            )
        ]
    with session_scope(ctx.services.engine) as session:
        stored = session.get(HandoffTicket, ticket.id)
        if stored is not None:
            stored.status = "forwarded"
            stored.forwarded_to = coordinator.user_id
            session.add(stored)
    note = "" if coordinator.on_duty else "（现在不是值班时间，答复可能会慢一些）"
    return [
        Reply(_forward_text(ctx.services, ticket, "转人工"), to=Target.user(coordinator.user_id)),
        Reply(f"已帮您转给协会工作人员{note}，对方答复后我会马上转告您。编号 {ticket.id}。"),
    ]


def answer_ticket(engine: Engine, ticket_id: int, answer: str, by: str) -> HandoffTicket:
    with session_scope(engine) as session:
        ticket = session.get(HandoffTicket, ticket_id)
        if ticket is None:
            raise DomainError(f"找不到编号 {ticket_id} 的问题，请核对编号。")
        ticket.status = "answered"
        ticket.answer = answer.strip()
        ticket.answered_by = by
        ticket.answered_at = utcnow()
        session.add(ticket)
        return ticket


def asker_target(ticket: HandoffTicket) -> Target:
    if ticket.channel == Channel.KF.value:
        return Target(TargetKind.KF, (ticket.asker_id,), account=ticket.account)
    return Target.user(ticket.asker_id)


@dataclass(frozen=True)
class Answered:
    """An answer given: the message for the asker and the acknowledgement for the staff."""

    ticket: HandoffTicket
    relay: Reply  # to the asker (app member or 微信客服 customer)
    ack: str  # what the answering staff member is told


MAX_ANSWER_CHARS = 1500


def answer_as(
    services: Services,
    actor: Actor,
    ticket_id: int,
    text: str,
    *,
    via: str,
    deliver: bool = False,
) -> Answered:
    """Answer ticket ``ticket_id`` as ``actor`` ("回复 N 内容", or the console's answer form).

    Chat: the caller returns ``relay`` as a reply (the webhook puts it in the outbox). With
    ``deliver`` (the console) the answer is put in the outbox here, and only if nobody has
    answered the ticket yet: the status changes in one conditional update, so a form sent
    twice, or by two colleagues at once, reaches the family once.
    """
    text = text.strip()
    if not text:
        raise DomainError("答复内容是空的，请写上答复。")
    if len(text) > MAX_ANSWER_CHARS:
        raise DomainError(f"答复太长（{len(text)}字），请控制在{MAX_ANSWER_CHARS}字以内。")
    ticket = ticket_for(services, actor, ticket_id, "答复这个问题")
    if deliver:
        claimed = _answer_if_open(services.engine, ticket_id, text, actor.user_id)
        if claimed is None:
            raise DomainError(f"编号 {ticket_id} 已经有人答复过了，没有重复发送。")
        ticket = claimed
    else:
        ticket = answer_ticket(services.engine, ticket_id, text, actor.user_id)
    audit.record(
        services.engine,
        actor_id=actor.user_id,
        actor_name=actor.name,
        via=via,
        area=audit.TICKETS,
        subject=f"ticket:{ticket_id}",
        region=ticket.region,
        summary=f"答复了编号 {ticket_id}：{text[:80]}",
    )
    if has_question(ticket):
        relayed = f"关于您问的“{ticket.question[:60]}”，协会工作人员答复：\n{ticket.answer}"
    else:
        relayed = f"协会工作人员答复您：\n{ticket.answer}"
    relay = Reply(relayed, to=asker_target(ticket))
    if deliver:
        assert relay.to is not None
        services.outbox.enqueue(
            relay.to, relay.text, key=f"ticket-answer:{ticket_id}", origin=f"ticket:{ticket_id}"
        )
    return Answered(
        ticket,
        relay,
        f"已转告提问人（编号 {ticket.id}）。如果这个问答别人也常问，"
        f"发送“入库 {ticket.id}”可加入知识库待审核草稿。",
    )


def _answer_if_open(engine: Engine, ticket_id: int, answer: str, by: str) -> HandoffTicket | None:
    with session_scope(engine) as session:
        result: Any = session.exec(
            update(HandoffTicket)  # type: ignore[call-overload]
            .where(col(HandoffTicket.id) == ticket_id, col(HandoffTicket.status) != "answered")
            .values(status="answered", answer=answer, answered_by=by, answered_at=utcnow())
        )
        if result.rowcount != 1:
            return None
        return session.get(HandoffTicket, ticket_id)


def assign_ticket(
    services: Services, actor: Actor, ticket_id: int, assignee_id: str, *, via: str
) -> Reply:
    """Hand ticket ``ticket_id`` to a colleague; returns the message telling them.

    The colleague must be staff who may act on the ticket's region.
    """
    ticket = ticket_for(services, actor, ticket_id, "转交这个问题")
    if ticket.status == "answered":
        raise DomainError(f"编号 {ticket_id} 已经答复过了，不用再转交。")
    assignee = services.members.get(assignee_id.strip())
    if assignee is None:
        raise DomainError(f"名册里没有账号“{assignee_id}”。")
    colleague = Actor.of(assignee)
    if not colleague.can_act or not in_scope(colleague.region, ticket):
        raise DomainError(f"{colleague.label}不负责编号 {ticket_id} 所在的地区，不能转交给他/她。")
    with session_scope(services.engine) as session:
        row = session.get(TicketAssignment, ticket_id) or TicketAssignment(ticket_id=ticket_id)
        row.assignee_id = colleague.user_id
        row.assigned_by = actor.user_id
        row.assigned_at = utcnow()
        session.add(row)
        stored = session.get(HandoffTicket, ticket_id)
        if stored is not None:
            stored.status = "forwarded"
            stored.forwarded_to = colleague.user_id
            session.add(stored)
    audit.record(
        services.engine,
        actor_id=actor.user_id,
        actor_name=actor.name,
        via=via,
        area=audit.TICKETS,
        subject=f"ticket:{ticket_id}",
        region=ticket.region,
        summary=f"把编号 {ticket_id} 转交给 {colleague.label}",
    )
    lead = f"{actor.name or actor.user_id}转交给您的问题"
    return Reply(_forward_text(services, ticket, lead), to=Target.user(colleague.user_id))


def draft_as(
    services: Services,
    actor: Actor,
    ticket_id: int,
    *,
    via: str,
    question: str | None = None,
    answer: str | None = None,
) -> str:
    """Add an answered ticket to the knowledge base's review drafts ("入库 N"); returns the
    confirmation. The console may pass an edited ``question``/``answer``."""
    ticket = ticket_for(services, actor, ticket_id, "把这个问答加入知识库")
    if ticket.status != "answered":
        raise DomainError(f"编号 {ticket_id} 还没有答复，请先发“回复 {ticket_id} 内容”。")
    store = services.knowledge
    if store is None:
        raise DomainError("知识库没有加载，暂时不能入库。")
    edited = ticket.model_copy(
        update={
            "question": (question or ticket.question).strip(),
            "answer": (answer or ticket.answer).strip(),
        }
    )
    if not has_question(edited):
        raise DomainError(f"编号 {ticket_id} 没有具体问题，不能加入知识库。")
    if not edited.answer:
        raise DomainError("答复不能是空的。")
    append_pending(store.directory, draft_entry(edited))
    with session_scope(services.engine) as session:
        stored = session.get(HandoffTicket, ticket_id)
        if stored is not None:
            stored.drafted = True
            session.add(stored)
    audit.record(
        services.engine,
        actor_id=actor.user_id,
        actor_name=actor.name,
        via=via,
        area=audit.TICKETS,
        subject=f"ticket:{ticket_id}",
        region=ticket.region,
        summary=f"把编号 {ticket_id} 的问答加入知识库草稿：{edited.question[:60]}",
    )
    return (
        f"已把编号 {ticket_id} 的问答存为知识库草稿。管理员审核、补上来源后，"
        "机器人才会用它自动回答。"
    )


def draft_entry(ticket: HandoffTicket) -> dict[str, Any]:
    """A knowledge-base entry draft from an answered ticket (for pending.yaml review)."""
    province = ticket.region.split("/")[0] if ticket.region else ""
    return {
        "id": f"pending.ticket-{ticket.id}",
        "region": province or "全国",
        "status": "secondary",
        "facts": [],
        "questions": [ticket.question],
        "answer": ticket.answer + "\n",
        "source": f"协会工作人员答复（转人工编号 {ticket.id}），待审核补充来源",
        "reviewed": date.today(),
        "from_ticket": ticket.id,
    }


def append_pending(directory: Path, draft: dict[str, Any]) -> Path:
    """Append a draft to ``pending.yaml`` (kept out of the live index until reviewed)."""
    path = directory / PENDING_FILE
    data: dict[str, Any] = {"entries": []}
    if path.exists():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(loaded, dict) and isinstance(loaded.get("entries"), list):
            data = loaded
    data["entries"] = [e for e in data["entries"] if e.get("id") != draft["id"]] + [draft]
    header = (
        "# Drafts from answered hand-offs (xiehui: 入库 <编号>). Review each one, add the source,\n"
        "# then move it into the right topic file. This file is not used for answering.\n"
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(header + body, encoding="utf-8")
    return path


def read_pending(directory: Path) -> list[dict[str, Any]]:
    path = directory / PENDING_FILE
    if not path.exists():
        return []
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = loaded.get("entries") if isinstance(loaded, dict) else None
    return [e for e in entries or [] if isinstance(e, dict)]


@dataclass(frozen=True)
class ReplyCommand:
    ticket_id: int
    text: str


def routes(_router: Router) -> list[Route[Any]]:
    def match_reply(message: IncomingMessage, _ctx: Context) -> ReplyCommand | None:
        found = _REPLY.match(message.text)
        return ReplyCommand(int(found.group(1)), found.group(2).strip()) if found else None

    def relay(message: IncomingMessage, cmd: ReplyCommand, ctx: Context) -> Sequence[Reply]:
        """工作人员发“回复 12 答复内容”：把答复转告提问人，并提示可发“入库 12”。"""
        answered = answer_as(ctx.services, ctx.actor, cmd.ticket_id, cmd.text, via="chat")
        return [answered.relay, Reply(answered.ack)]

    def match_draft(message: IncomingMessage, _ctx: Context) -> int | None:
        found = _DRAFT.match(message.text)
        return int(found.group(1)) if found else None

    def draft(_message: IncomingMessage, ticket_id: int, ctx: Context) -> Sequence[Reply]:
        """工作人员发“入库 12”：把编号 12 的问答加入知识库待审核草稿（pending.yaml）。"""
        return [Reply(draft_as(ctx.services, ctx.actor, ticket_id, via="chat"))]

    def match_human(message: IncomingMessage, _ctx: Context) -> bool | None:
        text = message.text.strip().strip("。！!？?").lower()
        return True if text in HUMAN_WORDS else None

    def to_human(_message: IncomingMessage, _match: object, ctx: Context) -> Sequence[Reply]:
        """发“人工”：转给所在地区值班的协会工作人员，带上刚才没答上的问题；
        还没说问题的，先请对方把问题发来。"""
        last = ctx.conversation.pop(LAST_QUESTION) or {}
        question = str(last.get("question") or "")
        if not question and not ctx.conversation.get(AWAITING_QUESTION):
            ctx.conversation.set(AWAITING_QUESTION, True, ttl=AWAITING_TTL)
            return [Reply(ASK_FOR_QUESTION)]
        # "人工" a second time: the asker wants a person even without saying why.
        ctx.conversation.clear(AWAITING_QUESTION)
        ticket = create_ticket(ctx, question, list(last.get("candidates") or []))
        return forward_ticket(ctx, ticket)

    return [
        Route(
            "handoff.reply",
            match_reply,
            relay,
            help="回复 编号 内容：答复转人工的问题",
            audience=STAFF,
            example="回复 12 出生一个月内到派出所办理",
        ),
        Route(
            "handoff.draft",
            match_draft,
            draft,
            help="入库 编号：把答复过的问题加入知识库草稿",
            audience=STAFF,
        ),
        Route("handoff.human", match_human, to_human),
    ]


def has_question(ticket: HandoffTicket) -> bool:
    """Whether a ticket carries the asker's own question (not the old placeholder)."""
    question = ticket.question.strip()
    return bool(question) and question != PLACEHOLDER


def is_family(ctx: Context) -> bool:
    return ctx.role is Role.FAMILY
