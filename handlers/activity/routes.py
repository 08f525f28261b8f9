"""The activity-logging conversation: reports → numbered cards → 对 / corrections / 撤销 → records.

A leader sends one sentence ("上周五下午江口村会员小组开了月度活动，到了13个会员") or several
(a month-end catch-up, or one message listing dated activities); each activity gets its own
numbered card kept in ``ctx.conversation`` (:mod:`handlers.activity.cards`). While cards wait or
a record was saved in the last 24 hours, every message is classified first
(:func:`handlers.activity.intent.decide`): 对 / 都对 / 第2条对 save, 撤销 / 第2条不要了 cancel
(or undo the record just saved), 重新来 throws the card away, a correction in natural words
changes the card it names (or the saved record, saying so), an answer fills the field a card
asked for, a new report gets a card of its own, and a question or a command is left to the
routes after this one — the cards stay. 村委会 / 本村 / 活动室 is the reporter's own village,
marked on the card. Photos sent while a card waits, or within 30 minutes of saving, are stored
as evidence. "本月活动" / "活动统计 2026-05" give coordinators their region's figures and
leaders and volunteers their own group's.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers.activity.cards import (
    LAST_KEY,
    PHOTO_WINDOW,
    Card,
    Cards,
    title,
)
from handlers.activity.intent import (
    RECORD_KIND_WORDS,
    Decision,
    Target,
    apply_changes,
    change_to_json,
    decide,
    follow_up,
    read_control,
    topic_matches,
    unread_reply,
)
from handlers.activity.normalise import fold
from handlers.activity.notices import weight_against_report
from handlers.activity.parser import (
    KINDS,
    ActivityDraft,
    asks_beside,
    asks_something,
    extract,
    find_place,
    names_an_event,
    parse_reports,
    report_opening,
    speaks_of_later,
)
from handlers.activity.stats import (
    MonthError,
    group_text,
    group_views,
    month_stats,
    parse_month,
    stats_text,
)
from handlers.activity.store import (
    ActivityStore,
    home_village,
    normalise_place,
    photo_dir,
    same_activity,
    same_items,
    says_another_time,
)
from handlers.core.messages import Channel, IncomingMessage, Kind, Reply, Role, split_text
from handlers.core.router import LOGGERS, STAFF, Route, Router
from handlers.core.services import Context
from handlers.faq import asker_region
from knowledge.matcher import Outcome

logger = logging.getLogger(__name__)

WHO_CAN_LOG = (
    "活动登记只对会员小组长、志愿者和协会工作人员开放。您如果是小组长或志愿者，"
    "请联系县计生协把您登记进来；有问题想咨询的话，直接问我就好。"
)
_STATS = re.compile(
    r"^\s*(?P<cmd>本月活动|这个月活动|这个月的活动|上月活动|上个月活动|上个月的活动|活动统计|活动情况)"
    r"\s*(?P<arg>.*?)\s*$"
)
# what may follow the command word: a month, however badly written ("2026-13" is answered)
_MONTH_ARG = re.compile(r"^[\d\s年月份\-./:：一二三四五六七八九十上本这个]*$")
# "我们组这个月报了几次活动？" / "10月份我们村报了几次" / "我们组这个月活动报齐了没有"
_OWN_REPORTS = re.compile(
    r"(?:我们|我|本|咱)(?:组|小组|村|社区|嘎查|自己)?.{0,12}(?:报了|上报|登记|报齐|报没报|报过)|"
    r"活动.{0,4}(?:报了|上报了?|登记了?|保存上?了?|报上了?)(?:吗|没有|没|几次|几条|多少|哪些)|"
    r"(?:报了|上报了?|登记了?)(?:几次|几条|多少|哪些)"
)
_MONTH_IN_TEXT = re.compile(
    r"\d{4}\s*[-年./]\s*\d{1,2}\s*月?份?|\d{1,2}\s*月份?|上个?月|这个?月|本月"
)
_UNDO_WORDS = ("撤销", "撤回")
# what undoes a saved record: said outright (算了 / 不要 alone only ask)
_UNDO_SAID = re.compile(
    r"撤销|撤回|作废|删除|删掉|不要了|不算了|不报了|不用报了|不登记了|取消(?:登记|记录|上报)|重新来|重发|"
    r"(?:那条|这条|记录|活动)[^，,。]{0,4}删了|把[^，,。]{0,8}(?:那条|这条|记录)[^，,。]{0,4}删了|"
    # 把昨天那个讲座删了 / 把新发村那个会员活动删掉: a record spoken of by its activity
    rf"把[^，,。]{{0,12}}(?:{RECORD_KIND_WORDS})"
    r"(?:活动)?的?(?:那条|这条|那个|这个|那次|记录)?(?:删了|删掉|删除)"
)
ASK_APART = "您后面问的问题请单独再发一次，我再回答。"
QUESTION_KEY = "activity_question"  # what the bot just asked about a card (10 minutes)
QUESTION_TTL = 10 * 60
# a day and a place sent alone (今朝喺桥沥社区): the rest of the report is read with it (10 minutes)
OPENING_KEY = "activity_opening"
# "10月份的活动补报一下" / "我来报一下活动": a lead-in, the reports follow
_LEAD_IN = re.compile(r"补报|上报|汇报|报一下|报下|登记一下|来报|要报")
#: 报个活动 / 补报一下 / 我来登记一个: said first, the message says it is a report
_ANNOUNCED = re.compile(
    r"^(?:我|俺|咱)?(?:来|要|想)?(?:补报|上报|汇报|报|登记)(?:一下|下|一个|个|一条|条)(?:活动)?"
    r"[，,：:。\s]*"
)
LEAD_IN_REPLY = (
    "好的，请把活动情况发给我：哪天、在哪里、做了什么、来了多少人、发了什么。"
    "几次活动可以连着发，也可以在一条里按日期分开写。"
)


def announced_report(text: str, sent: datetime, home: str | None) -> ActivityDraft | None:
    """报个活动 在额尔登嘎查开的会员小组会: a message said to be a report that names an activity,
    though too little for one on its own (no day, no count), starts a card; what it lacks is
    asked on the card, nothing is guessed. None for anything else (报一下 alone, a question,
    a plan, a notice)."""
    body = fold(text.strip())
    said = _ANNOUNCED.match(body)
    rest = body[said.end() :] if said else ""
    if not rest or asks_something(rest) or speaks_of_later(rest, sent):
        return None
    if weight_against_report(rest) > 0 or not names_an_event(rest):
        return None
    draft = extract(rest, sent, home)
    if draft.kind == "other":
        return None
    draft.text = text.strip()
    return draft


@dataclass
class Turn:
    """What the pending route decided about a message, with the loaded card state."""

    decision: Decision
    cards: Cards
    targets_saved: list[Target]


# -- rendering ---------------------------------------------------------------------------------


def _place_line(draft: ActivityDraft, ctx: Context) -> str:
    village = ctx.member.village if ctx.member else ""
    if draft.place is None:
        if find_place(draft.text).home_venue:
            return "地点：（只写了村委会/活动室，名册里没有您的村，请告诉我村名）"
        return "地点：（没看出来）"
    if draft.place_home:
        return f"地点：{draft.place}（您登记的村）"
    if village and normalise_place(draft.place) != normalise_place(village):
        return f"地点：{draft.place}（上报人所在村：{village}）"
    return f"地点：{draft.place}"


def card_body(card: Card, ctx: Context, numbered: bool) -> list[str]:
    draft = card.draft
    head = f"【第{card.no}条】" if numbered else ""
    lines = [f"{head}请核对这条活动记录："]
    lines.append(f"日期：{draft.date.display() if draft.date else '（没看出来）'}")
    lines.append(_place_line(draft, ctx))
    lines.append(f"类型：{KINDS.get(draft.kind, KINDS['other'])}")
    if draft.participants is not None:
        approx = "多" if draft.participants_approx else ""
        mark = "（约数）" if draft.participants_approx else ""
        lines.append(f"人数：{draft.participants}{approx}人{mark}")
    else:
        lines.append("人数：（没写）")
    if draft.items:
        lines.append("物品：" + "，".join(item.display() for item in draft.items))
    if card.photos:
        lines.append(f"照片：{len(card.photos)}张")
    if draft.missing:
        lines.append(missing_question(draft, card.no if numbered else 0))
    return lines


def missing_question(draft: ActivityDraft, no: int = 0) -> str:
    which = f"第{no}条" if no else "活动"
    missing = draft.missing
    if missing == ["date"]:
        return f"请问{which}是哪一天搞的？（例：5月20日、昨天）"
    if missing == ["place"]:
        return f"请问{which}是在哪个村（社区、嘎查）搞的？（例：江口村）"
    return f"请问{which}是哪天、在哪里搞的？（例：5月20日 江口村）"


def render(shown: Sequence[Card], open_cards: Sequence[Card], ctx: Context, note: str = "") -> str:
    """The cards just made or changed, then how to answer them."""
    numbered = len(open_cards) > 1 or any(card.no > 1 for card in shown)
    parts = [note] if note else []
    for card in shown:
        parts.append("\n".join(card_body(card, ctx, numbered)))
    others = [card for card in open_cards if card not in shown]
    complete = [card for card in shown if not card.draft.missing]
    if len(open_cards) == 1 and complete:
        parts.append(
            "没问题请回复“对”保存；有错直接说，如“不是45人，是15人”“日期是3号”"
            "“地点是文竹村”；回复“撤销”作废。24小时内有效。"
        )
    elif len(open_cards) > 1:
        if len(shown) == 1 and complete:
            advice = (
                f"这条没问题请回复“对”；“都对”保存全部{len(open_cards)}条，“第2条对”只保存那一条。"
            )
        else:
            advice = f"都没问题请回复“都对”，只保存一条请回复“第2条对”（共{len(open_cards)}条）。"
        parts.append(
            advice
            + "改哪条就说哪条，如“第2条 人数是15人”；“第2条不要了”作废那一条。24小时内有效。"
        )
        if others:
            names = "；".join(f"第{c.no}条 {title(c.draft)}" for c in others)
            parts.append(f"还在等您确认的：{names}")
    return "\n\n".join(parts)


def replies(text: str) -> list[Reply]:
    """One reply per piece of at most 2048 UTF-8 bytes."""
    return [Reply(piece) for piece in split_text(text)]


def _expired_note(cards: Cards) -> str:
    if not cards.expired:
        return ""
    names = "、".join(cards.expired)
    return f"（{names}超过24小时没有确认，已作废，需要的话请重新发。）"


# -- routes ------------------------------------------------------------------------------------


def routes(router: Router) -> list[Route[Any]]:
    """Activity logging: the waiting cards first, then photos, statistics and new reports."""

    def match_pending(message: IncomingMessage, ctx: Context) -> Turn | None:
        if message.kind is not Kind.TEXT or not message.text.strip():
            return None
        if not ctx.role.can_log_activity:
            return None
        cards = _cards(ctx)
        open_cards = cards.load()
        question = ctx.conversation.get(QUESTION_KEY)
        if question is not None:
            ctx.conversation.clear(QUESTION_KEY)  # answered now, or not at all
        if not cards.has_state and not cards.expired:
            control = read_control(message.text)
            if (
                control
                and control.action == "cancel"
                and message.text.strip().startswith(_UNDO_WORDS)
            ):
                return Turn(Decision("cancel", control=control), cards, [])
            return None
        store = ActivityStore(ctx.services.engine)
        saved: list[Target] = []
        for entry in saved_entries(cards.saved(), waiting=bool(open_cards)):
            draft = store.draft_of(int(entry["id"]))
            if draft is not None:
                saved.append(Target(int(entry.get("no") or 0), draft, True, int(entry["id"])))
        pending = [Target(card.no, card.draft) for card in open_cards]
        if isinstance(question, dict):
            answer = follow_up(
                message.text, message.sent_at, home_village(ctx.region), question, pending + saved
            )
            if answer is not None:
                if question.get("kind") == "which":
                    # the card the change waited for is named: the others were never in doubt
                    cards.clear_doubt(
                        [int(no) for no, was in question.get("among", []) if not was]
                    )
                return Turn(answer, cards, saved)
        decision = decide(
            message.text,
            message.sent_at,
            home_village(ctx.region),
            pending,
            saved,
            cards.shown,
        )
        if decision is None:
            return None
        if decision.action == "confirm" and not open_cards and not cards.expired:
            return None  # a stray 对: nothing waits (the FAQ acknowledges it)
        return Turn(decision, cards, saved)

    def handle_pending(message: IncomingMessage, turn: Turn, ctx: Context) -> Sequence[Reply]:
        """回复“对”保存，“都对”保存全部，“第2条对”保存一条；直接说错在哪里就改
        （“不是45人，是15人”“日期是3号”“宣传册不是资料”）；“撤销”作废，保存后24小时内也能撤销；
        “重新来”扔掉这张卡重新发。"""
        decision, cards = turn.decision, turn.cards
        action = decision.action
        note = _expired_note(cards)
        if action == "report":
            if decision.control is not None and decision.control.action == "cancel":
                # 撤销 <the report again>: the card shown (or the record just saved) goes first
                note = cancel(ctx, message, decision, cards, turn.targets_saved, note)
            elif decision.control is not None:  # 好的 还有一个…: the card shown first
                note = confirm(ctx, message, decision, cards, note)
            text = new_cards(ctx, message, decision.drafts, cards, note)
            if asks_beside(message.text, message.sent_at):
                text += "\n\n" + ASK_APART
            return replies(text)
        if action == "confirm":
            confirmed = confirm(ctx, message, decision, cards, note)
            if decision.question:
                confirmed += "\n\n" + ASK_APART
            return replies(confirmed)
        if action == "cancel":
            return replies(cancel(ctx, message, decision, cards, turn.targets_saved, note))
        if action == "restart":
            return replies(restart(ctx, decision, cards, note))
        if action == "which_save":
            open_cards = cards.load()
            named = {t.no for t in decision.targets}
            among = [c for c in open_cards if c.no in named] or open_cards
            cards.show([c.no for c in among])
            ask(ctx, {"kind": "which_save", "among": [[c.no, False] for c in among]})
            counted = decision.control.count if decision.control is not None else 0
            if counted:
                # 就两条 都对 while three wait: the user counts other cards than those waiting
                head = (
                    f"现在等您确认的有{len(among)}条，不是{counted}条。请说清楚保存哪条，"
                    f"比如“第{among[0].no}条对”；下面这{len(among)}条都要保存就回“都对”："
                )
            elif len(among) == 1:
                head = "没对上您说的是哪一条。等您确认的是下面这条，是它的话请回复“对”保存："
            else:
                head = f"有{len(among)}条对得上，请说清楚保存哪条，比如“第{among[0].no}条对”："
            return replies(render(among, open_cards, ctx, note + head))
        if action == "status":
            open_cards = cards.load()
            if open_cards:
                shown = [c for c in open_cards if c.no in cards.shown] or open_cards
                cards.show([c.no for c in shown])
                cards.keep_alive()
                which = "这条" if len(shown) == 1 else f"这{len(shown)}条"
                return replies(
                    render(shown, open_cards, ctx, note + f"{which}活动记录还没保存，在等您确认。")
                )
            numbers = "、".join(f"编号{t.record_id}" for t in decision.targets if t.record_id)
            return replies(note + f"已经保存了（{numbers}），不用再发。发错了可以回复“撤销”。")
        if action == "hold":
            open_cards = cards.load()
            cards.keep_alive()
            which = "这条" if len(open_cards) == 1 else f"这{len(open_cards)}条"
            return replies(
                note + f"好的，{which}活动记录先留着，24小时内有效。核对好了回“对”保存，"
                "有错直接说要改什么。"
            )
        if action == "wrong":
            shown_cards = [c for c in cards.load() if c.no in cards.shown]
            open_cards = cards.load()
            only = shown_cards if len(shown_cards) == 1 else open_cards
            cards.doubt([c.no for c in only])
            if len(only) == 1:
                ask(ctx, {"kind": "what", "no": only[0].no})
            return replies(
                note + "请直接告诉我哪里不对，比如“不是45人，是15人”“日期是3号”“地点是文竹村”"
                "“宣传册不是资料”“少写了50个环保袋”。"
            )
        if action in ("correct", "answer"):
            return replies(correct(ctx, message, decision, cards, note))
        if action == "multi":
            # corrections first, then what is dropped, then what is saved: "第1条对 第2条
            # 日期是25号" saves card 1 and shows card 2 changed
            order = {"correct": 0, "cancel": 1, "restart": 1, "confirm": 2}
            said = [note] if note else []
            for part in sorted(decision.parts, key=lambda d: order.get(d.action, 3)):
                if part.action == "correct":
                    said.append(correct(ctx, message, part, cards, ""))
                elif part.action == "cancel":
                    said.append(cancel(ctx, message, part, cards, turn.targets_saved, ""))
                elif part.action == "restart":
                    said.append(restart(ctx, part, cards, ""))
                elif part.action == "confirm":
                    said.append(confirm(ctx, message, part, cards, ""))
                elif part.action == "hold" and part.control is not None:
                    held = "、".join(f"第{n}条" for n in part.control.numbers)
                    said.append(f"{held}先留着，24小时内有效，核实好了回“{held}对”保存。")
            return replies("\n\n".join(s for s in said if s))
        if action == "unclear_parts":
            cards.doubt(list(decision.unread) or [t.no for t in decision.targets if not t.saved])
            names = "；".join(f"第{t.no}条 {title(t.draft)}" for t in decision.targets)
            return replies(
                note + "这条消息有一部分没看懂，所以什么都没改、也没保存。请一条一条说，"
                "比如“第1条对”“第2条 日期是25号”“第3条不要了”。\n" + names
            )
        if action == "kept":
            target = decision.targets[0]
            if target.saved:
                return replies(note + "好的，没有改。")
            card = cards.get(target.no)
            shown = [card] if card is not None else []
            cards.clear_doubt([target.no])  # the card is said to be right as it is
            cards.show([c.no for c in shown])
            return replies(render(shown, cards.load(), ctx, note + "好的，没有改。"))
        if action == "ask_target":
            # the change waits for the card it is about: a 对 now is no confirmation of it
            cards.doubt([t.no for t in decision.targets if not t.saved])
            ask(
                ctx,
                {
                    "kind": "which",
                    "changes": [change_to_json(c) for c in decision.changes],
                    "among": [[t.no, t.saved] for t in decision.targets],
                },
            )
            names = "；".join(
                f"第{t.no}条 {title(t.draft)}" + ("（已保存）" if t.saved else "")
                for t in decision.targets
            )
            example = decision.targets[0].no if decision.targets else 1
            return replies(
                note + f"您说的是哪一条？回编号就行，比如“{example}”；"
                "也可以在前面加上编号再说一次，比如“第2条 人数是15人”。"
                + (f"\n{names}" if names else "")
            )
        if action == "ask_value":
            change = decision.changes[0]
            target = decision.targets[0]
            assert change.people is not None
            people = f"{change.people[0]}{'多' if change.people[1] else ''}人"
            propose(ctx, target, decision)
            return replies(
                note
                + f"第{target.no}条的人数现在是{target.draft.participants}人，要改成{people}吗？"
                "改就回“改”，不改回“不改”。"
            )
        if action == "unclear":
            _doubt_unclear(cards, decision)
            if (
                len(decision.targets) == 1
                and len(set(decision.fields)) == 1
                and decision.fields[0] != "partly"  # no one field asked: read the next as usual
            ):
                target = decision.targets[0]
                ask(
                    ctx,
                    {
                        "kind": "field",
                        "no": target.no,
                        "saved": target.saved,
                        "field": decision.fields[0],
                        "item": decision.item,
                    },
                )
            if decision.item:
                return replies(
                    note + f"没看懂{decision.item}要改成什么。是换成别的东西，还是数量不对？"
                    f"直接回就行，比如“宣传折页”“150份”。"
                )
            return replies(note + unclear_text(decision.fields))
        if action == "not_a_value":
            if not decision.targets:
                return replies(note + "改日期请说“日期是11月3日”，改地点请说“地点是文竹村”。")
            target = decision.targets[0]
            propose(ctx, target, decision)
            what = "；".join(_change_text(c) for c in decision.changes)
            return replies(note + f"要把第{target.no}条的{what}吗？改就回“改”，不改回“不改”。")
        return replies(note or "请再说一次。")

    def match_photo(message: IncomingMessage, ctx: Context) -> str | None:
        if message.kind is not Kind.IMAGE or not message.media_id:
            return None
        if not ctx.role.can_log_activity:
            return None
        cards = _cards(ctx)
        if cards.load():
            return "draft"
        last = ctx.conversation.get(LAST_KEY)
        if isinstance(last, dict) and _within(ctx, last.get("at"), PHOTO_WINDOW):
            return "record"
        return None

    def handle_photo(message: IncomingMessage, target: str, ctx: Context) -> Sequence[Reply]:
        """活动记录发出后30分钟内发照片：照片保存为这次活动的佐证。"""
        media = ctx.services.media
        if media is None:
            return [Reply("抱歉，现在是本地模式，照片没法保存。活动记录本身不受影响。")]
        cards = _cards(ctx)
        open_cards = cards.load() if target == "draft" else []
        shown = [c for c in open_cards if c.no in cards.shown]
        candidates = shown or open_cards
        card = candidates[-1] if candidates else None
        last = ctx.conversation.get(LAST_KEY) if target == "record" else None
        if card is None and not (isinstance(last, dict) and "id" in last):
            return [Reply("刚才的活动记录已经过期，照片没有保存。请重新发活动情况。")]
        if card is not None and any(m == message.media_id for _p, m in card.photos):
            count = len(card.photos)  # the same message run again: stored already
            return [Reply(f"照片收到（{count}张），确认保存记录时会一起存上。请回复“对”保存。")]
        try:
            content, ext = media.fetch(message.media_id)
        except Exception:
            # The download can fail on WeCom's side (expired media id, network); the user can
            # simply send the photo again, so answer politely instead of the generic apology.
            logger.exception("activity photo download failed for msg %s", message.msg_id or "-")
            return [Reply("照片没有下载成功，请稍后再发一次。")]
        folder = photo_dir(ctx.services.data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        # Named after the media id: running the same message again rewrites the same file.
        digest = hashlib.sha256(message.media_id.encode()).hexdigest()[:12]
        name = f"{ctx.services.now():%Y%m%d}-{digest}{ext or '.jpg'}"
        (folder / name).write_bytes(content)
        relative = f"photos/{name}"
        if card is not None:
            card.photos.append([relative, message.media_id])
            cards.put(card)
            which = f"第{card.no}条共" if len(open_cards) > 1 else ""
            return [
                Reply(
                    f"照片收到（{which}{len(card.photos)}张），确认保存记录时会一起存上。"
                    "请回复“对”保存。"
                )
            ]
        assert isinstance(last, dict)
        record_id = int(last["id"])
        count = ActivityStore(ctx.services.engine).add_photo(record_id, relative, message.media_id)
        return [Reply(f"照片已存到活动记录（编号{record_id}），这条记录现在有{count}张照片。")]

    def match_stats(message: IncomingMessage, ctx: Context) -> tuple[str, str] | None:
        if message.kind is not Kind.TEXT:
            return None
        text = message.text.strip()
        match = _STATS.match(text)
        if match:
            arg = match.group("arg")
            if arg and not _MONTH_ARG.match(arg):
                return None  # "本月活动：11月26日五通社区…" is a report
            command = match.group("cmd")
            if command.startswith("上"):
                return ("region", arg or "上月")
            if command.startswith(("本月", "这个月")):
                return ("region", arg or "本月")
            return ("region", arg)
        if ctx.role is not Role.FAMILY and _OWN_REPORTS.search(text) and asks_something(text):
            month = _MONTH_IN_TEXT.search(text)
            return ("own", month.group(0) if month else "")
        return None

    def handle_stats(
        message: IncomingMessage, asked: tuple[str, str], ctx: Context
    ) -> Sequence[Reply]:
        """发“本月活动”或“活动统计 2026-05”：工作人员看本地区各乡镇、村的上报情况和未上报的小组，
        小组长、志愿者看自己小组上报的活动。"""
        scope, month_text = asked
        now = ctx.services.now()
        try:
            year, month = parse_month(month_text, now)
        except MonthError as error:
            return [Reply(error.message)]
        if ctx.role in STAFF and (
            scope == "region" or not ctx.member or not ctx.member.group_code
        ):
            stats = month_stats(ctx.services, year, month, ctx.region)
            return [Reply(piece) for piece in split_text(stats_text(stats, now))]
        ctx.require(
            ctx.role.can_log_activity,
            "活动统计只对会员小组长、志愿者和协会工作人员开放。",
        )
        member = ctx.member
        group = member.group_code if member else ""
        views = group_views(ctx.services, year, month, group, message.user_id)
        who = "您所在的小组" if group else "您"
        text = group_text(views, year, month, who, now)
        waiting = _cards(ctx).load()
        if waiting:
            # the summary counts saved records only: a card still waiting is said apart
            text += f"\n（另有{len(waiting)}条活动记录还在等您确认，没算在里面；回“对”保存。）"
        return replies(text)

    def match_report(message: IncomingMessage, ctx: Context) -> list[ActivityDraft] | None:
        if message.kind is not Kind.TEXT:
            return None
        home = home_village(ctx.region)
        drafts = parse_reports(message.text, message.sent_at, home)
        opening = ctx.conversation.get(OPENING_KEY) if ctx.role.can_log_activity else None
        lacking = len(drafts) == 1 and (drafts[0].date is None or drafts[0].place_home)
        if (
            (not drafts or lacking)
            and isinstance(opening, dict)
            and report_opening(message.text, message.sent_at, home) is None
        ):
            # 今朝喺桥沥社区 / 做咗青春健康讲座: the report sent in two messages, read as one
            joined = f"{opening.get('text', '')} {message.text.strip()}"
            together = parse_reports(joined, message.sent_at, home)
            for draft in together:
                draft.text = joined
            drafts = together or drafts
        if not drafts and ctx.role.can_log_activity:
            announced = announced_report(message.text, message.sent_at, home)
            drafts = [announced] if announced is not None else []
        return drafts or None

    def handle_report(
        message: IncomingMessage, drafts: list[ActivityDraft], ctx: Context
    ) -> Sequence[Reply]:
        """发一句话的活动情况（如“昨天江口村开了会员活动，到了13人，发资料30份”）：
        回复确认卡片，回“对”保存。一条消息写了几次活动，每次一张卡片。"""
        if not ctx.role.can_log_activity:
            return [Reply(WHO_CAN_LOG)]
        cards = _cards(ctx)
        cards.load()
        ctx.conversation.clear(OPENING_KEY)
        text = new_cards(ctx, message, drafts, cards, _expired_note(cards))
        if asks_beside(message.text, message.sent_at):
            # 顺便问下…: the report is logged; the question beside it is not lost in silence
            text += "\n\n" + ASK_APART
        return replies(text)

    def match_opening(message: IncomingMessage, ctx: Context) -> str | None:
        if message.kind is not Kind.TEXT or not ctx.role.can_log_activity:
            return None
        if _cards(ctx).load():
            return None  # a card waits: its own questions and corrections come first
        opening = report_opening(message.text, message.sent_at, home_village(ctx.region))
        if opening is None:
            return None
        where = f"{opening.place}（您登记的村）" if opening.home else opening.place
        return f"{opening.day.display()} {where}"

    def handle_opening(message: IncomingMessage, said: str, ctx: Context) -> Sequence[Reply]:
        """只发了日期和地点（如“今天在桥沥社区”）：记下，请接着说做了什么、来了多少人。"""
        ctx.conversation.set(
            OPENING_KEY,
            {"text": message.text.strip(), "at": message.sent_at.isoformat()},
            ttl=QUESTION_TTL,
        )
        return [
            Reply(
                f"收到：{said}。这次做了什么活动？来了多少人、发了什么？接着发就行，"
                "我会连同这句一起登记。"
            )
        ]

    def match_lead_in(message: IncomingMessage, ctx: Context) -> bool | None:
        text = message.text.strip()
        if message.kind is not Kind.TEXT or not ctx.role.can_log_activity or len(text) > 24:
            return None
        if not _LEAD_IN.search(text) or asks_something(text):
            return None
        return True

    def handle_lead_in(message: IncomingMessage, _m: bool, ctx: Context) -> Sequence[Reply]:
        """发“补报一下这个月的活动”：回复怎么报。"""
        return [Reply(LEAD_IN_REPLY)]

    def match_unread(message: IncomingMessage, ctx: Context) -> Outcome | None:
        # Last of the activity routes: a short reply no route before read (no confirmation,
        # correction, report, statistics or command) while cards wait. The FAQ keeps what it
        # can answer; anything else is asked about here, with the cards, instead of an "I
        # cannot answer that" that leaves the leader believing the card was saved.
        if message.kind is not Kind.TEXT or not ctx.role.can_log_activity:
            return None
        if not unread_reply(message.text) or not _cards(ctx).load():
            return None
        kb = ctx.knowledge_base
        if kb is None:
            return Outcome.NONE
        outcome = kb.match(message.text, asker_region(ctx)).outcome
        if outcome in (Outcome.CONFIDENT, Outcome.UNSURE, Outcome.ILLEGAL):
            return None
        return outcome

    def handle_unread(message: IncomingMessage, outcome: Outcome, ctx: Context) -> Sequence[Reply]:
        """卡片等确认时回了一句没看懂的短话（如“差不离”）：问是不是要保存，卡片留着。"""
        cards = _cards(ctx)
        open_cards = cards.load()
        shown = [c for c in open_cards if c.no in cards.shown] or open_cards
        cards.show([c.no for c in shown])
        cards.keep_alive()
        lead = {Outcome.GREETING: "您好！", Outcome.THANKS: "不客气。"}.get(
            outcome, "没看明白您这句话。"
        )
        which = "这条" if len(shown) == 1 else f"这{len(shown)}条"
        note = _expired_note(cards) + lead + f"{which}活动记录还没保存，在等您确认。"
        return replies(render(shown, open_cards, ctx, note))

    return [
        Route("activity_pending", match_pending, handle_pending, audience=LOGGERS),
        Route("activity_photo", match_photo, handle_photo, audience=LOGGERS),
        Route(
            "activity_stats",
            match_stats,
            handle_stats,
            help="查看活动上报情况（工作人员看本地区，小组长看本小组）",
            audience=LOGGERS,
            example="本月活动 / 活动统计 2026-05",
        ),
        Route(
            "activity_report",
            match_report,
            handle_report,
            help="登记活动：一句话说时间、地点、人数和物品，回“对”保存，说错了直接改，发错了回“撤销”",
            audience=LOGGERS,
            example="昨天江口村开了会员活动，到了13人，发宣传资料30份",
        ),
        Route("activity_opening", match_opening, handle_opening, audience=LOGGERS),
        Route("activity_lead_in", match_lead_in, handle_lead_in, audience=LOGGERS),
        Route("activity_unread", match_unread, handle_unread, audience=LOGGERS),
    ]


# -- actions -----------------------------------------------------------------------------------


def ask(ctx: Context, question: dict[str, Any]) -> None:
    """Remember what the bot asked, so the next message can answer it."""
    ctx.conversation.set(QUESTION_KEY, question, ttl=QUESTION_TTL)


def propose(ctx: Context, target: Target, decision: Decision) -> None:
    ask(
        ctx,
        {
            "kind": "proposal",
            "no": target.no,
            "saved": target.saved,
            "changes": [change_to_json(c) for c in decision.changes],
        },
    )


def _change_text(change: Any) -> str:
    if change.field == "date" and change.date is not None:
        return f"日期改成{change.date.display()}"
    if change.field == "place" and change.place:
        return f"地点改成{change.place}"
    if change.field == "participants" and change.people is not None:
        return f"人数改成{change.people[0]}{'多' if change.people[1] else ''}人"
    return "这一项改掉"


def _cards(ctx: Context) -> Cards:
    """The sender's cards; reminders only where a message can reach them unprompted (the app)."""
    app = ctx.message.channel is Channel.APP
    return Cards(
        ctx.conversation,
        ctx.services.now(),
        outbox=ctx.services.outbox if app else None,
        user_id=ctx.message.user_id if app else "",
    )


def _within(ctx: Context, stamp: object, seconds: int) -> bool:
    if not isinstance(stamp, str):
        return False
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return False
    return 0 <= (ctx.services.now() - moment).total_seconds() <= seconds


def _same_activity(a: ActivityDraft, b: ActivityDraft) -> bool:
    if " ".join(a.text.split()) == " ".join(b.text.split()):
        return True
    if a.date is None or b.date is None or a.place is None or b.place is None:
        return False
    if says_another_time(b) or (a.items and b.items and not same_items(a, b)):
        # 下午又走访了3户 beside a card of 4户 the same day: another activity, its own card
        return False
    return (
        a.date.start == b.date.start
        and normalise_place(a.place) == normalise_place(b.place)
        and same_activity(a.kind, a.participants, b)
        and _repeats_something(a, b)
    )


def _repeats_something(a: ActivityDraft, b: ActivityDraft) -> bool:
    """A report sent again says again what it did: its activity, its head count or a thing it
    handed out. 今天三道营子村发避孕药具30盒 after a card of that day's 会员会 of 21 people
    shares only the day and the place: another report, its own card (the leader may drop it
    with 第2条作废), never things slipped onto the meeting's card."""
    if a.kind == b.kind:
        return True
    if a.participants is not None and a.participants == b.participants:
        return True
    return any(x.name in y.name or y.name in x.name for x in a.items for y in b.items)


def _fill_gaps(card: ActivityDraft, again: ActivityDraft) -> list[str]:
    """Fill what ``card`` lacks from the same report sent again; the names of what was filled.
    Only gaps: a count or an item the card already has is never overwritten."""
    filled: list[str] = []
    if card.participants is None and again.participants is not None:
        card.participants = again.participants
        card.participants_approx = again.participants_approx
        filled.append("人数")
    named = {(item.name, item.unit) for item in card.items}
    new_items = [item for item in again.items if (item.name, item.unit) not in named]
    if new_items and not any(item.name in {n for n, _ in named} for item in new_items):
        card.items = [*card.items, *new_items]
        filled.append("物品")
    return filled


def new_cards(
    ctx: Context,
    message: IncomingMessage,
    drafts: Sequence[ActivityDraft],
    cards: Cards,
    note: str = "",
) -> str:
    """A card per new report; the same activity twice is one card (or one record)."""
    store = ActivityStore(ctx.services.engine)
    made: list[Card] = []
    notes = [note] if note else []
    for draft in drafts:
        twin = next((c for c in cards.load() if _same_activity(c.draft, draft)), None)
        if twin is not None:
            filled = _fill_gaps(twin.draft, draft)
            if filled:
                # the same report sent again with more in it: the waiting card takes what it
                # lacked (nothing it already says is changed) and is shown again for 对
                cards.put(twin)
                made.append(twin)
                notes.append(
                    f"这次活动和第{twin.no}条是同一次，没有重复记；第{twin.no}条补上了"
                    + "、".join(filled)
                    + "。"
                )
            else:
                notes.append(f"这次活动和第{twin.no}条是同一次，没有重复记。")
            continue
        existing = store.find_duplicate(message.user_id, draft)
        if existing is not None:
            notes.append(duplicate_text(existing.id, draft))
            continue
        card = cards.add(draft)
        made.append(card)
        if draft.date is not None and draft.place is not None:
            for record in store.same_day_and_place(message.user_id, draft.date.start, draft.place):
                if record.kind == draft.kind:
                    notes.append(
                        f"第{card.no}条和已登记的编号{record.id}（{title(card.draft)}）同一天同一地点，"
                        "如果是另一次活动请回复“对”保存；如果是要改那一条，直接说要改什么。"
                    )
                    break
    cards.keep_alive()
    if not made:
        if not cards.load():
            cards.show([])
        return "\n".join(notes)
    cards.show([card.no for card in made])
    return render(made, cards.load(), ctx, "\n".join(notes))


def duplicate_text(record_id: int | None, draft: ActivityDraft) -> str:
    when = draft.date.display() if draft.date else ""
    return (
        f"这次活动已经登记过了（编号{record_id}，{when} {draft.place}），不会重复计算。"
        "如果是另一次活动，请写清楚日期和地点再发。"
    )


def confirm(
    ctx: Context, message: IncomingMessage, decision: Decision, cards: Cards, note: str
) -> str:
    control = decision.control
    open_cards = cards.load()
    lines = [note] if note else []
    if not open_cards:
        return note or "没有等待确认的活动记录。"
    if control is not None and control.numbers:
        chosen = [c for c in open_cards if c.no in control.numbers]
        absent = [n for n in control.numbers if n not in {c.no for c in open_cards}]
        if absent:
            lines.append("没有第" + "、".join(map(str, absent)) + "条等待确认的记录。")
    elif control is not None and control.all:
        chosen = open_cards
    else:
        shown = [c for c in open_cards if c.no in cards.shown]
        if len(shown) == 1:
            chosen = shown
        elif len(open_cards) == 1:
            chosen = open_cards
        else:
            cards.show([c.no for c in open_cards])
            # the next message may just name the card (1 / 江口村那条)
            ask(ctx, {"kind": "which_save", "among": [[c.no, False] for c in open_cards]})
            return render(
                open_cards,
                open_cards,
                ctx,
                "\n".join([*lines, f"现在有{len(open_cards)}条等您确认，请说清楚保存哪条："]),
            )
    as_is = control is not None and control.as_is  # 不改了 就按原来的存: said outright
    doubted = [] if as_is else [c for c in chosen if c.no in cards.doubted]
    if doubted:
        # the last correction of these cards was not understood: 对 may mean "as corrected",
        # so they are shown again and saved as they are only on a second 对
        cards.clear_doubt([c.no for c in doubted])
        chosen = [c for c in chosen if c not in doubted]
    asked: list[Card] = []
    for card in chosen:
        result = save_card(ctx, message, card, cards)
        if result is None:
            asked.append(card)
        else:
            lines.append(result)
    left = cards.load()
    if doubted:
        which = "这条" if len(doubted) == 1 else "这几条"
        again = "对" if len(doubted) == 1 else "都对"
        lines.append(
            f"您刚才要改的地方我没有改（没看懂，或不知道是哪一条），{which}也还没保存。"
            f"就按下面这样保存吗？没问题请再回一次“{again}”；要改请换个说法，"
            "比如“第1条 人数是15人”“少写了50个环保袋”“日期是3号”；不要了回“撤销”。"
        )
        cards.show([c.no for c in [*doubted, *asked]])
        return render([*doubted, *asked], left, ctx, "\n".join(lines))
    if asked:
        cards.show([c.no for c in asked])
        return render(asked, left, ctx, "\n".join(lines))
    cards.show([])
    if left:
        names = "；".join(f"第{c.no}条 {title(c.draft)}" for c in left)
        lines.append(f"还有{len(left)}条等您确认：{names}。回复“第{left[0].no}条对”保存。")
    return "\n".join(lines)


def save_card(ctx: Context, message: IncomingMessage, card: Card, cards: Cards) -> str | None:
    """Save one card; None when it still lacks a date or a place (it stays and is asked)."""
    draft = card.draft
    if draft.missing:
        return None
    assert draft.date is not None and draft.place is not None
    store = ActivityStore(ctx.services.engine)
    existing = store.find_duplicate(message.user_id, draft)
    if existing is not None:
        cards.take(card.no)
        return duplicate_text(existing.id, draft)
    taken = cards.take(card.no)
    if taken is None:  # a second 对 racing the first
        return "这条活动记录已经处理过了。"
    photos = [(str(path), str(media)) for path, media in taken.photos]
    record = store.save(
        taken.draft,
        reporter_id=message.user_id,
        member=ctx.member,
        channel=message.channel.value,
        photos=photos,
    )
    assert record.id is not None
    cards.remember_saved(record.id, card.no)
    people = ""
    if draft.participants is not None:
        people = f" {draft.participants}{'多' if draft.participants_approx else ''}人"
    photo_note = f"，含照片{len(photos)}张" if photos else ""
    items = "，".join(item.display() for item in draft.items)
    return (
        f"已登记（编号{record.id}）：{draft.date.display()} {draft.place} "
        f"{KINDS.get(draft.kind, KINDS['other'])}{people}"
        + (f" {items}" if items else "")
        + f"{photo_note}。"
        "30分钟内可以接着发活动照片；发错了回复“撤销”。"
    )


def cancel(
    ctx: Context,
    message: IncomingMessage,
    decision: Decision,
    cards: Cards,
    saved: list[Target],
    note: str,
) -> str:
    control = decision.control
    open_cards = cards.load()
    numbers = control.numbers if control else ()
    topic = control.topic if control else ""
    prefix = note
    by_topic = [c for c in open_cards if topic and topic_matches(topic, c.draft)]
    if (
        topic
        and not numbers
        and not by_topic
        and any(topic_matches(topic, t.draft) for t in saved)
    ):
        open_cards = []  # 把昨天那个讲座删了: a saved record spoken of, the cards waiting stay
    if open_cards and not (control and control.saved):
        if numbers:
            chosen = [c for c in open_cards if c.no in numbers]
        elif by_topic:
            chosen = by_topic
        else:
            shown = [c for c in open_cards if c.no in cards.shown]
            chosen = shown if len(shown) == 1 else open_cards if len(open_cards) == 1 else []
        if not chosen:
            names = "；".join(f"第{c.no}条 {title(c.draft)}" for c in open_cards)
            return prefix + f"作废哪一条？请回复“第{open_cards[0].no}条不要了”这样的话。\n{names}"
        done = []
        for card in chosen:
            taken = cards.take(card.no)
            if taken is None:
                continue
            for path, _media in taken.photos:
                (ctx.services.data_dir / str(path)).unlink(missing_ok=True)
            done.append(taken)
        cards.show([])
        if not done:
            return prefix + "这条活动记录已经处理过了。"
        which = "、".join(f"第{c.no}条" for c in done) if len(open_cards) > 1 else "这条活动记录"
        left = cards.load()
        tail = ""
        if left:
            names = "；".join(f"第{c.no}条 {title(c.draft)}" for c in left)
            tail = f"\n还在等您确认的：{names}"
        return prefix + f"好的，{which}已作废，没有保存。" + tail
    if not _UNDO_SAID.search(message.text):
        # 算了 / 那个不要 / 删了吧 after saving: maybe "never mind", maybe about a thing; a saved
        # record is undone only when 撤销 (or the like) is said outright, never on a guess
        return prefix + (
            "刚才登记的记录还保存着。要撤销的话请回复“撤销”；"
            "要改哪里直接说，比如“人数是15人”“环保袋没发”。"
        )
    return prefix + undo_saved(
        ctx, message.user_id, cards, numbers, control.topic if control else ""
    )


def saved_entries(entries: list[dict[str, Any]], *, waiting: bool) -> list[dict[str, Any]]:
    """The saved records as the user numbers them. Each report sent alone was card 1 when it
    was saved; with no card waiting, records whose numbers repeat are numbered in the order
    they were saved, so 第一条 is the first one reported and 第2条 the second."""
    if waiting or len({int(e.get("no") or 0) for e in entries}) == len(entries):
        return entries
    return [{**entry, "no": no} for no, entry in enumerate(entries, start=1)]


def undo_saved(
    ctx: Context, user_id: str, cards: Cards, numbers: Sequence[int] = (), topic: str = ""
) -> str:
    entries = saved_entries(cards.saved(), waiting=bool(cards.load()))
    if numbers:
        entries = [e for e in entries if int(e.get("no") or 0) in numbers]
    if not entries:
        return "没有可以撤销的活动记录（只能撤销24小时内刚登记的记录）。"
    if topic:
        # 昨晚报的义诊撤销: only a record of that activity, never another one
        store = ActivityStore(ctx.services.engine)
        named = []
        for entry in entries:
            draft = store.draft_of(int(entry["id"]))
            if draft is not None and topic_matches(topic, draft):
                named.append(entry)
        if not named:
            return f"24小时内登记的记录里没有找到“{topic}”，没有撤销。请说“撤销第2条”这样的话。"
        if len(named) > 1:
            names = []
            for entry in named:
                draft = store.draft_of(int(entry["id"]))
                if draft is not None:
                    names.append(f"第{entry.get('no')}条 {title(draft)}（编号{entry['id']}）")
            return "有几条都像，撤销哪一条？请回复“撤销第2条”这样的话。\n" + "；".join(names)
        entries = named
        numbers = (int(named[0].get("no") or 0),)
    batch = [e for e in entries if e.get("at") == entries[-1].get("at")]
    if not numbers and len(batch) > 1:
        # 都对 saved several at once: "the record just saved" is not one record
        store = ActivityStore(ctx.services.engine)
        names = []
        for entry in batch:
            draft = store.draft_of(int(entry["id"]))
            if draft is not None:
                names.append(f"第{entry.get('no')}条 {title(draft)}（编号{entry['id']}）")
        return "刚才一起保存了几条，撤销哪一条？请回复“撤销第2条”这样的话。\n" + "；".join(names)
    entry = entries[-1]
    record = ActivityStore(ctx.services.engine).revoke(int(entry["id"]), user_id)
    cards.forget_saved(int(entry["id"]))
    if record is None:
        return "这条记录已经撤销过了。"
    return f"已撤销活动记录（编号{record.id}，{record.place}），不再计入统计。"


def restart(ctx: Context, decision: Decision, cards: Cards, note: str) -> str:
    control = decision.control
    open_cards = cards.load()
    numbers = control.numbers if control else ()
    if numbers:
        chosen = [c for c in open_cards if c.no in numbers]
    else:
        shown = [c for c in open_cards if c.no in cards.shown]
        chosen = shown if len(shown) == 1 else open_cards[-1:] if len(open_cards) == 1 else []
    if not chosen and len(open_cards) > 1:
        names = "；".join(f"第{c.no}条 {title(c.draft)}" for c in open_cards)
        return (
            note + f"重发哪一条？请回复“第{open_cards[0].no}条不要了”，再重新发那次活动。\n{names}"
        )
    for card in chosen:
        taken = cards.take(card.no)
        for path, _media in taken.photos if taken else []:
            (ctx.services.data_dir / str(path)).unlink(missing_ok=True)
    cards.show([])
    if chosen:
        which = f"第{chosen[0].no}条" if len(open_cards) > 1 else "刚才那条"
        return note + f"好的，{which}作废了，请把这次活动重新发给我。"
    return note + "好的，请把活动情况重新发给我。"


def correct(
    ctx: Context, message: IncomingMessage, decision: Decision, cards: Cards, note: str
) -> str:
    target = decision.targets[0]
    if target.saved:
        assert target.record_id is not None
        draft, problems = apply_changes(target.draft, decision.changes)
        if problems:
            return note + "；".join(problems)
        if draft.missing:
            return note + missing_question(draft)
        record = ActivityStore(ctx.services.engine).update(
            target.record_id, message.user_id, draft
        )
        if record is None:
            return note + "这条记录已经撤销了，没法再改。"
        people = ""
        if draft.participants is not None:
            people = f" {draft.participants}{'多' if draft.participants_approx else ''}人"
        items = "，".join(item.display() for item in draft.items)
        assert draft.date is not None
        return note + (
            f"已更新登记（编号{record.id}）：{draft.date.display()} {draft.place} "
            f"{KINDS.get(draft.kind, KINDS['other'])}{people}"
            + (f" {items}" if items else "")
            + "。已保存的记录已经改好，不用再回“对”。"
        )
    card = cards.get(target.no)
    if card is None:
        return note + "这条活动记录已经过期或处理过了，请重新发。"
    card.draft, problems = apply_changes(card.draft, decision.changes)
    if problems:
        cards.doubt([card.no])  # nothing was changed: a 对 now is no confirmation of it
        return note + "；".join(problems)
    cards.clear_doubt([card.no])
    cards.put(card)
    cards.keep_alive()
    cards.show([card.no])
    head = "已修改。" if decision.action == "correct" else "收到。"
    if len(cards.load()) > 1:
        head = f"已修改第{card.no}条。" if decision.action == "correct" else f"第{card.no}条收到。"
    return render([card], cards.load(), ctx, (note + "\n" if note else "") + head)


def _doubt_unclear(cards: Cards, decision: Decision) -> None:
    """The waiting cards a correction that was not understood may have been about."""
    if decision.question:
        return  # 报错了怎么改: how to correct was asked, nothing was said to be changed
    if decision.targets:
        cards.doubt([t.no for t in decision.targets if not t.saved])
        return
    open_cards = cards.load()
    shown = [c.no for c in open_cards if c.no in cards.shown]
    cards.doubt(shown or [c.no for c in open_cards])


def unclear_text(fields: Sequence[str]) -> str:
    if "undo" in fields:
        return (
            "没看明白是要作废还是要改，什么都没动。要作废这条记录请回复“撤销”；"
            "要改请直接说改什么，比如“人数是28人”“日期是3号”。"
        )
    if "partly" in fields:
        return (
            "这句话我只看懂了一部分，为免记错，什么都没改。请一样一样说，"
            "比如“人数是28人”“资料是80份”“日期是3号”。"
        )
    if "date" in fields:
        return "没看懂日期。日期应该是哪天？直接回就行，比如“11月3日”“前天”。"
    if "place" in fields:
        return "没看懂地点。应该是哪个村（社区、嘎查）？直接回村名就行，比如“文竹村”。"
    if "participants" in fields:
        return "没看懂人数。人数应该是多少？直接回就行，比如“15人”。"
    if "kind" in fields:
        kinds = "、".join(KINDS.values())
        return f"没看懂活动类型，可以说：{kinds}。"
    return (
        "没看懂要改成什么，请直接说，比如“不是45人，是15人”“日期是3号”“地点是文竹村”"
        "“宣传册不是资料”“关爱保险是20份”“少写了50个环保袋”。"
    )
