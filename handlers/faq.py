"""The FAQ: answers policy questions from the knowledge base (the last route, the catch-all).

What the user types and what the bot answers:

- any question ("生头胎国家给钱不") -> the answer for the asker's region with its source line;
  when unsure, 2-3 numbered questions, and a reply "1" / "2" / "3" picks one;
- after a national answer, a region name ("广西") -> the same answer for that region, and the
  region is remembered for next time;
- a question the bot cannot answer -> a polite "暂时答不上来" with what it can help with; the
  question is queued, and a family's question goes to the coordinator on duty;
- greetings and thanks get a short reply; illegal requests (胎儿性别鉴定, 代孕) are refused.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from handlers.core.messages import IncomingMessage, Kind, Reply, Role, split_text
from handlers.core.router import Route, Router
from handlers.core.services import Context
from handlers.handoff import AWAITING_QUESTION, LAST_QUESTION, create_ticket, forward_ticket
from handlers.profiles import remember_region, remembered_region
from knowledge.answers import CAN_HELP, NOT_FOUND, choices_text, entry_text, render
from knowledge.base import KnowledgeBase
from knowledge.matcher import FaqHit, Outcome
from knowledge.regions import Region, find_region, from_path

logger = logging.getLogger(__name__)

CHOICES = "faq_choices"
REGION_OFFER = "faq_region_offer"
TTL = 600  # numbered choices and region offers expire after ten minutes
_CHOICE_WORDS = {"1": 1, "2": 2, "3": 3, "１": 1, "２": 2, "３": 3, "一": 1, "二": 2, "三": 3}
_REGION_FILLER = ("我在", "我是", "我们在", "我们是", "在", "的", "人", "这边", "我家在", "呢")


def _knowledge(ctx: Context) -> KnowledgeBase | None:
    return ctx.knowledge_base


def asker_region(ctx: Context) -> Region:
    """Member registry region, else the region this family told us before."""
    member_region = ctx.region
    if not member_region.is_empty:
        return from_path(member_region.province, member_region.city)
    return remembered_region(ctx.services.engine, ctx.message.channel.value, ctx.message.user_id)


def _choice_number(text: str) -> int | None:
    cleaned = text.strip().strip("。.、号个")
    for prefix in ("第", "选"):
        cleaned = cleaned.removeprefix(prefix)
    return _CHOICE_WORDS.get(cleaned)


@dataclass(frozen=True)
class Choice:
    entry_id: str
    note: str


def _region_reply(text: str) -> Region | None:
    """A bare region answer such as "广西" or "我在包头"; None for anything longer."""
    cleaned = text.strip().strip("。！!？?，, ")
    if not cleaned or len(cleaned) > 12:
        return None
    region = find_region(cleaned)
    if region.is_empty:
        return None
    rest = cleaned
    for word in sorted(
        (w for w in (region.province, region.city, region.label()) if w), key=len, reverse=True
    ):
        rest = rest.replace(word, "")
    for filler in _REGION_FILLER:
        rest = rest.replace(filler, "")
    for suffix in ("壮族自治区", "自治区", "省", "市", "区", "盟"):
        rest = rest.replace(suffix, "")
    return region if len(rest) <= 1 else None


def routes(_router: Router) -> list[Route[Any]]:
    def match_choice(message: IncomingMessage, ctx: Context) -> Choice | None:
        if message.kind is not Kind.TEXT:
            return None
        number = _choice_number(message.text)
        if number is None:
            return None
        stored = ctx.conversation.get(CHOICES)
        if not stored or number > len(stored):
            return None
        picked = stored[number - 1]
        return Choice(str(picked["id"]), str(picked.get("note", "")))

    def answer_choice(_m: IncomingMessage, choice: Choice, ctx: Context) -> Sequence[Reply]:
        """在编号列表之后回复“1”“2”“3”：回答所选的问题。"""
        ctx.conversation.clear(CHOICES)
        kb = _knowledge(ctx)
        entry = kb.by_id.get(choice.entry_id) if kb else None
        if kb is None or entry is None:
            return [Reply("这个选项已经失效了，请把问题再发一次。")]
        ctx.conversation.clear(LAST_QUESTION)
        _offer_region(ctx, kb, entry.group_key, choice.note)
        return _replies(entry_text(entry, choice.note))

    def match_stale_choice(message: IncomingMessage, _ctx: Context) -> bool | None:
        # A bare "1"/"2"/"3" with no numbered list pending (it expired, or never existed) is
        # not a question: matching it against the knowledge base finds dates and amounts.
        if message.kind is Kind.TEXT and _choice_number(message.text) is not None:
            return True
        return None

    def answer_stale_choice(_m: IncomingMessage, _match: object, _ctx: Context) -> Sequence[Reply]:
        """没有待选的编号列表时回复数字：请对方直接把问题发来。"""
        return [Reply("现在没有待选的问题（编号列表10分钟内有效）。请直接把您的问题发给我。")]

    def match_region(message: IncomingMessage, ctx: Context) -> tuple[str, Region] | None:
        if message.kind is not Kind.TEXT:
            return None
        region = _region_reply(message.text)
        if region is None:
            return None
        offer = ctx.conversation.get(REGION_OFFER)
        return (str(offer["group"]), region) if offer else None

    def answer_region(
        _m: IncomingMessage, match: tuple[str, Region], ctx: Context
    ) -> Sequence[Reply]:
        """在全国性答复之后回复省份或城市（如“广西”）：按该地区重新回答，并记住地区。"""
        group, region = match
        ctx.conversation.clear(REGION_OFFER)
        kb = _knowledge(ctx)
        if kb is None or not kb.matcher.group_entries(group):
            return [Reply("请把问题再发一次，我按您的地区回答。")]
        entry, note = kb.matcher.resolve(group, [], region)
        remember_region(
            ctx.services.engine, ctx.message.channel.value, ctx.message.user_id, region
        )
        return _replies(entry_text(entry, note))

    def match_for_person(message: IncomingMessage, ctx: Context) -> str | None:
        # After a bare "人工" the next question goes to a person; greetings, thanks and
        # numbers are still answered as themselves (commands and reports were routed before).
        if message.kind is not Kind.TEXT or not ctx.conversation.get(AWAITING_QUESTION):
            return None
        text = message.text.strip()
        kb = _knowledge(ctx)
        if not text or _choice_number(text) is not None:
            return None
        if kb is not None and kb.matcher.classify(text) in (Outcome.GREETING, Outcome.THANKS):
            return None
        return text

    def to_person(_m: IncomingMessage, question: str, ctx: Context) -> Sequence[Reply]:
        """发“人工”后再发问题：把问题转给值班的协会工作人员。"""
        ctx.conversation.clear(AWAITING_QUESTION)
        ctx.conversation.clear(LAST_QUESTION)
        ticket = create_ticket(ctx, question)
        return forward_ticket(ctx, ticket)

    def match_question(message: IncomingMessage, ctx: Context) -> FaqHit | None:
        if message.kind is not Kind.TEXT or not message.text.strip():
            return None
        kb = _knowledge(ctx)
        if kb is None:
            return FaqHit(Outcome.NONE)
        return kb.match(message.text, asker_region(ctx))

    def answer(message: IncomingMessage, hit: FaqHit, ctx: Context) -> Sequence[Reply]:
        """问政策、保险、优生优育、计生协的问题：按所在地区回答并注明来源；拿不准时列出 2-3 个问题供选择。"""
        logger.debug(
            "faq outcome=%s entry=%s confidence=%.2f margin=%.2f",
            hit.outcome.value,
            hit.entry.id if hit.entry else "-",
            hit.confidence,
            hit.margin,
        )
        kb = _knowledge(ctx)
        if hit.outcome is Outcome.CONFIDENT and hit.entry is not None and kb is not None:
            ctx.conversation.clear(LAST_QUESTION)
            _offer_region(ctx, kb, hit.entry.group_key, hit.note)
            return _replies(kb.rendered(hit, render))
        if hit.outcome is Outcome.UNSURE and hit.candidates:
            choices = [
                {"id": e.id, "note": note}
                for e, note in zip(hit.candidates, hit.candidate_notes, strict=False)
            ]
            ctx.conversation.set(CHOICES, choices, ttl=TTL)
            _remember_question(ctx, message.text, hit)
            return [Reply(choices_text(hit.candidates))]
        if hit.outcome is Outcome.NONE:
            return _not_found(message, hit, ctx)
        return [Reply(render(hit))]

    return [
        Route("faq.choice", match_choice, answer_choice),
        Route("faq.stale-choice", match_stale_choice, answer_stale_choice),
        Route("faq.region", match_region, answer_region),
        Route("faq.to-person", match_for_person, to_person),
        Route(
            "faq",
            match_question,
            answer,
            help="问政策：育儿补贴、产假、计生保险理赔、孕检叶酸、加入计生协等，直接打字问",
            example="生头胎国家给钱不",
        ),
    ]


def _replies(text: str) -> list[Reply]:
    """One reply, or several when an answer would pass WeCom's 2048-byte limit."""
    return [Reply(piece) for piece in split_text(text)]


def _offer_region(ctx: Context, kb: KnowledgeBase, group: str, note: str) -> None:
    """After a national answer to a question that differs by region, accept a region reply."""
    entries = kb.matcher.group_entries(group)
    if note and any(not e.is_national for e in entries):
        ctx.conversation.set(REGION_OFFER, {"group": group}, ttl=TTL)
    else:
        ctx.conversation.clear(REGION_OFFER)


def _remember_question(ctx: Context, text: str, hit: FaqHit) -> None:
    candidates = [e.id for e in hit.candidates]
    ctx.conversation.set(LAST_QUESTION, {"question": text, "candidates": candidates}, ttl=TTL)


def _not_found(message: IncomingMessage, hit: FaqHit, ctx: Context) -> list[Reply]:
    ticket = create_ticket(ctx, message.text, hit.candidates)
    if ctx.role is Role.FAMILY:
        # One message back to the asker (the passive reply allows just one), one to the staff.
        forwarded = forward_ticket(ctx, ticket)
        own = "\n".join([f"{NOT_FOUND}{CAN_HELP}", *(r.text for r in forwarded if r.to is None)])
        return [Reply(own), *(r for r in forwarded if r.to is not None)]
    return [
        Reply(
            f"{NOT_FOUND}{CAN_HELP}\n问题已记录（编号 {ticket.id}），"
            "工作人员会补充到知识库。急需答复可发送“人工”。"
        )
    ]
