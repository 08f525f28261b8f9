"""Human hand-off: the unanswered-question queue and the coordinator's answers.

- A family's question the bot cannot answer (or "人工") becomes a ticket and is forwarded to
  the on-duty coordinator for the asker's region, with the bot's best guesses. A bare "人工"
  with no question before it first asks for the question; the next one goes to a person.
- The coordinator answers with ``回复 <编号> <内容>``; the bot relays it to the asker (app
  member or 微信客服 customer) and offers ``入库 <编号>`` to draft a knowledge-base entry.
- ``xiehui kb unanswered`` lists the queue.
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
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel, select

from handlers.core.db import session_scope, utcnow
from handlers.core.errors import DomainError
from handlers.core.members import Member, RegionPath
from handlers.core.messages import Channel, IncomingMessage, Reply, Role, Target, TargetKind
from handlers.core.router import STAFF, Route, Router
from handlers.core.services import Context
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


def _region_path(text: str) -> RegionPath:
    parts = [p for p in text.split("/") if p]
    return RegionPath(*parts[:5])


def coordinator_for(ctx: Context, ticket: HandoffTicket) -> Member | None:
    """The nearest on-duty coordinator for the ticket's region (province, then anyone)."""
    members = ctx.services.members
    region = _region_path(ticket.region)
    found = members.on_duty_for(region)
    if not found and region.province:
        found = members.on_duty_for(RegionPath(region.province))
    if not found:
        found = [m for m in members.on_duty_for(RegionPath()) if m.on_duty]
    return found[0] if found else None


def _hint_lines(ctx: Context, ticket: HandoffTicket) -> list[str]:
    store = ctx.services.knowledge
    if store is None or not ticket.candidate_ids:
        return []
    kb = store.current()
    lines = ["机器人猜测的相关条目："]
    for number, entry_id in enumerate(ticket.candidate_ids[:3], start=1):
        entry = kb.by_id.get(entry_id)
        if entry is not None:
            lines.append(f"{number}. {entry.questions[0]}（{entry.region}，{entry.id}）")
    return lines if len(lines) > 1 else []


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
    who = "微信客服的群众" if ticket.channel == Channel.KF.value else "用户"
    lines = [
        f"【转人工 编号{ticket.id}】来自{who}，地区：{ticket.region or '未知'}",
        f"问题：{ticket.question or '（对方没有说具体问题，请直接联系对方）'}",
        *_hint_lines(ctx, ticket),
        f"请直接发送“回复 {ticket.id} 您的答复”，我会转告提问人。",
    ]
    note = "" if coordinator.on_duty else "（现在不是值班时间，答复可能会慢一些）"
    return [
        Reply("\n".join(lines), to=Target.user(coordinator.user_id)),
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
        ctx.require(ctx.role in STAFF, "只有协会工作人员可以答复转人工的问题。")
        ticket = answer_ticket(ctx.services.engine, cmd.ticket_id, cmd.text, message.user_id)
        if has_question(ticket):
            relayed = f"关于您问的“{ticket.question[:60]}”，协会工作人员答复：\n{ticket.answer}"
        else:
            relayed = f"协会工作人员答复您：\n{ticket.answer}"
        return [
            Reply(relayed, to=asker_target(ticket)),
            Reply(
                f"已转告提问人（编号 {ticket.id}）。如果这个问答别人也常问，"
                f"发送“入库 {ticket.id}”可加入知识库待审核草稿。"
            ),
        ]

    def match_draft(message: IncomingMessage, _ctx: Context) -> int | None:
        found = _DRAFT.match(message.text)
        return int(found.group(1)) if found else None

    def draft(_message: IncomingMessage, ticket_id: int, ctx: Context) -> Sequence[Reply]:
        """工作人员发“入库 12”：把编号 12 的问答加入知识库待审核草稿（pending.yaml）。"""
        ctx.require(ctx.role in STAFF, "只有协会工作人员可以把问答加入知识库。")
        ticket = get_ticket(ctx.services.engine, ticket_id)
        if ticket is None:
            raise DomainError(f"找不到编号 {ticket_id} 的问题，请核对编号。")
        if ticket.status != "answered":
            raise DomainError(f"编号 {ticket_id} 还没有答复，请先发“回复 {ticket_id} 内容”。")
        if not has_question(ticket):
            raise DomainError(f"编号 {ticket_id} 没有具体问题，不能加入知识库。")
        store = ctx.services.knowledge
        if store is None:
            raise DomainError("知识库没有加载，暂时不能入库。")
        append_pending(store.directory, draft_entry(ticket))
        with session_scope(ctx.services.engine) as session:
            stored = session.get(HandoffTicket, ticket_id)
            if stored is not None:
                stored.drafted = True
                session.add(stored)
        return [
            Reply(
                f"已把编号 {ticket_id} 的问答存为知识库草稿。管理员审核、补上来源后，"
                "机器人才会用它自动回答。"
            )
        ]

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
