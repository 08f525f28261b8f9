"""The activity-logging conversation: report → confirmation card → 对 / correction / 撤销 → record.

Flow: a leader sends one sentence ("上周五下午江口村会员小组开了月度活动，到了13个会员") → the bot
answers with a plain-text card of what it understood and keeps the draft in
``ctx.conversation`` for DRAFT_TTL seconds → "对" saves it, "人数改成15" / "地点是文竹村" /
"日期是3月10日" / "类型是义诊" change it, "撤销" drops it (or, with no draft, revokes the last
saved record) → a photo sent within PHOTO_WINDOW of the draft or the record is stored as
evidence. Coordinators ask "本月活动" / "活动统计 2026-05" for the month's figures.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers.activity.dates import find_date
from handlers.activity.numbers import NUMBER, parse_quantity
from handlers.activity.parser import (
    KINDS,
    REPORT_THRESHOLD,
    ActivityDraft,
    Item,
    classify_kind,
    extract,
    extract_items,
    extract_place,
    is_question,
    item_category,
    looks_like_report,
)
from handlers.activity.stats import month_stats, parse_month, stats_text
from handlers.activity.store import ActivityStore, photo_dir
from handlers.core.messages import IncomingMessage, Kind, Reply, split_text
from handlers.core.router import LOGGERS, STAFF, Route, Router
from handlers.core.services import Context

logger = logging.getLogger(__name__)

DRAFT_KEY = "activity_draft"
EXPIRED_KEY = "activity_draft_marker"  # outlives the draft so we can say it expired
LAST_KEY = "activity_last"  # the last saved record: photos and 撤销
DRAFT_TTL = 30 * 60
MARKER_TTL = 24 * 3600
PHOTO_WINDOW = 30 * 60
UNDO_WINDOW = 24 * 3600

CONFIRM_WORDS = frozenset(
    {
        "对",
        "对的",
        "对了",
        "确认",
        "确定",
        "是",
        "是的",
        "没错",
        "正确",
        "好",
        "好的",
        "可以",
        "ok",
        "嗯",
        "嗯嗯",
        "没问题",
        "确认保存",
        "保存",
        "对，保存",
        "确认无误",
    }
)
CANCEL_WORDS = frozenset({"撤销", "撤回", "作废", "删除", "删掉", "不要了", "算了", "取消"})
WRONG_WORDS = frozenset({"不对", "错了", "有错", "不是", "不正确"})
STATS_PATTERN = re.compile(r"^\s*(?:(?:本月|这个月|上月|上个月)活动|活动统计)\s*(?P<arg>.*)$")
_CORRECTION = re.compile(
    r"^\s*(?P<field>人数|参加人数|参与人数|人|地点|地方|村|日期|时间|类型|活动类型|物品|发放)"
    r"\s*(?:应该|应)?(?:改成|改为|改|换成|是|为|写)\s*[:：]?\s*(?P<value>.+?)\s*$"
)
_ITEM_FIX = re.compile(
    rf"^\s*(?P<name>[\u4e00-\u9fff]{{1,8}}?)\s*(?:改成|改为|应该是|是)\s*"
    rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?P<unit>[\u4e00-\u9fff]{{1,2}})\s*$"
)
KIND_ALIASES = {
    "会员活动": "member",
    "小组活动": "member",
    "例会": "member",
    "宣传": "publicity",
    "宣传活动": "publicity",
    "讲座": "lecture",
    "培训": "lecture",
    "义诊": "clinic",
    "体检": "clinic",
    "入户": "visit",
    "走访": "visit",
    "慰问": "visit",
    "保险": "insurance",
    "关爱保险": "insurance",
    "青春健康": "youth",
    "其他": "other",
}
WHO_CAN_LOG = (
    "活动登记只对会员小组长、志愿者和协会工作人员开放。您如果是小组长或志愿者，"
    "请联系县计生协把您登记进来；有问题想咨询的话，直接问我就好。"
)


@dataclass(frozen=True)
class PendingAction:
    """What a message does to the pending draft."""

    action: str  # confirm / cancel / wrong / correct / answer / expired
    field: str = ""
    value: str = ""


# -- the card ----------------------------------------------------------------------------------


def card(draft: ActivityDraft, note: str = "") -> str:
    lines = [note] if note else []
    lines.append("请核对这条活动记录：")
    lines.append(f"日期：{draft.date.display() if draft.date else '（没看出来）'}")
    lines.append(f"地点：{draft.place or '（没看出来）'}")
    lines.append(f"类型：{KINDS.get(draft.kind, KINDS['other'])}")
    if draft.participants is not None:
        approx = "多" if draft.participants_approx else ""
        mark = "（约数）" if draft.participants_approx else ""
        lines.append(f"人数：{draft.participants}{approx}人{mark}")
    else:
        lines.append("人数：（没写）")
    if draft.items:
        lines.append("物品：" + "，".join(item.display() for item in draft.items))
    if draft.missing:
        lines.append(missing_question(draft))
    else:
        lines.append(
            "没问题请回复“对”保存；有错直接说，如“人数改成15”“地点是文竹村”；"
            "回复“撤销”作废。30分钟内有效。"
        )
    return "\n".join(lines)


def missing_question(draft: ActivityDraft) -> str:
    missing = draft.missing
    if missing == ["date"]:
        return "请问活动是哪一天搞的？（例：5月20日、昨天）"
    if missing == ["place"]:
        return "请问活动是在哪个村（社区、嘎查）搞的？（例：江口村）"
    return "请问活动是哪天、在哪里搞的？（例：5月20日 江口村）"


# -- draft state -------------------------------------------------------------------------------


def load_pending(ctx: Context) -> dict[str, Any] | None:
    value = ctx.conversation.get(DRAFT_KEY)
    return value if isinstance(value, dict) else None


def store_pending(ctx: Context, pending: dict[str, Any]) -> None:
    ctx.conversation.set(DRAFT_KEY, pending, ttl=DRAFT_TTL)
    ctx.conversation.set(EXPIRED_KEY, {"at": ctx.services.now().isoformat()}, ttl=MARKER_TTL)


def classify_pending(
    text: str, pending: dict[str, Any] | None, sent: datetime | None = None
) -> PendingAction | None:
    """How ``text`` answers a pending draft (None: it does not)."""
    word = text.strip().rstrip("。.!！~～").lower()
    if word in CONFIRM_WORDS:
        return PendingAction("confirm")
    if word in CANCEL_WORDS:
        return PendingAction("cancel")
    if word in WRONG_WORDS:
        return PendingAction("wrong")
    match = _CORRECTION.match(text)
    if match:
        field_name = match.group("field")
        if field_name in ("人数", "参加人数", "参与人数", "人"):
            field_name = "participants"
        elif field_name in ("地点", "地方", "村"):
            field_name = "place"
        elif field_name in ("日期", "时间"):
            field_name = "date"
        elif field_name in ("类型", "活动类型"):
            field_name = "kind"
        else:
            field_name = "items"
        return PendingAction("correct", field_name, match.group("value"))
    match = _ITEM_FIX.match(text)
    if match and pending is not None:
        return PendingAction("correct", "item", text)
    asking = pending is not None and ActivityDraft.from_json(pending["draft"]).missing
    if not asking or len(text) > 40 or is_question(text):
        return None
    if sent is not None and find_date(text, sent) is not None or extract_place(text):
        return PendingAction("answer", value=text)
    if "place" in asking and len(text.strip()) <= 12:
        return PendingAction("answer", value=text)  # a bare place name such as "村委会"
    return None


def apply_correction(
    draft: ActivityDraft, action: PendingAction, sent: datetime
) -> tuple[ActivityDraft, str]:
    """Change one field; returns the draft and a note (empty when it worked)."""
    value = action.value.strip().rstrip("。.")
    if action.field == "participants":
        match = re.search(rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?", value)
        quantity = parse_quantity(match.group(0)) if match else None
        if quantity is None:
            return draft, "没看懂人数，请这样说：人数改成15"
        draft.participants, draft.participants_approx = quantity.value, quantity.approximate
    elif action.field == "place":
        draft.place = extract_place(value) or value.removeprefix("在")[:20]
    elif action.field == "date":
        found = find_date(value, sent)
        if found is None:
            return draft, "没看懂日期，请这样说：日期是5月20日"
        draft.date = found[0]
    elif action.field == "kind":
        kind = KIND_ALIASES.get(value) or classify_kind(value)
        if kind == "other" and value not in ("其他", "其他活动"):
            kinds = "、".join(v for v in KINDS.values())
            return draft, f"没看懂活动类型，可以说：{kinds}"
        draft.kind = kind
    elif action.field == "items":
        items = extract_items(value)
        if not items:
            return draft, "没看懂物品，请这样说：物品改成 宣传资料300份 避孕套200只"
        draft.items = items
    elif action.field == "item":
        match = _ITEM_FIX.match(value)
        assert match is not None
        quantity = parse_quantity(match.group("num") + (match.group("approx") or ""))
        if quantity is None:
            return draft, "没看懂数量，请这样说：宣传资料改成300份"
        name, unit = match.group("name"), match.group("unit")
        target = item_category(name, unit)
        kept = [i for i in draft.items if i.category != target and i.name != name]
        draft.items = [*kept, Item(name, quantity.value, unit, quantity.approximate)]
    return draft, ""


# -- routes ------------------------------------------------------------------------------------


def routes(router: Router) -> list[Route[Any]]:
    """Activity logging: pending replies, 撤销, photos, statistics, then new reports."""

    def match_pending(message: IncomingMessage, ctx: Context) -> PendingAction | None:
        if message.kind is not Kind.TEXT or not message.text.strip():
            return None
        pending = load_pending(ctx)
        if pending is None:
            word = message.text.strip().rstrip("。.!！").lower()
            if word in CANCEL_WORDS and word in ("撤销", "撤回") and ctx.role.can_log_activity:
                return PendingAction("undo")
            if ctx.conversation.get(EXPIRED_KEY) is None:
                return None
            action = classify_pending(message.text, None)
            if action is None or action.action not in ("confirm", "correct"):
                return None
            return PendingAction("expired")
        return classify_pending(message.text, pending, message.sent_at)

    def handle_pending(
        message: IncomingMessage, action: PendingAction, ctx: Context
    ) -> Sequence[Reply]:
        """回复“对”保存草稿；“人数改成15”“地点是文竹村”“日期是3月10日”“类型是义诊”修改；
        “撤销”作废草稿，没有草稿时撤销刚保存的记录。"""
        if action.action == "undo":
            return [Reply(undo_last(ctx, message.user_id))]
        if action.action == "expired":
            ctx.conversation.clear(EXPIRED_KEY)
            return [
                Reply("刚才那条活动记录超过30分钟没有确认，已经作废了。请把活动情况重新发一次。")
            ]
        pending = load_pending(ctx)
        if pending is None:  # expired between match and handle
            return [Reply("刚才那条活动记录已经过期作废了，请重新发一次。")]
        draft = ActivityDraft.from_json(pending["draft"])
        if action.action == "cancel":
            ctx.conversation.clear(DRAFT_KEY)
            ctx.conversation.clear(EXPIRED_KEY)
            for path, _media in pending.get("photos", []):
                (ctx.services.data_dir / str(path)).unlink(missing_ok=True)
            return [Reply("好的，这条活动记录已作废，没有保存。")]
        if action.action == "wrong":
            return [Reply("请直接告诉我哪里不对，比如“人数改成15”“地点是文竹村”“日期是3月10日”。")]
        if action.action == "confirm":
            return [Reply(confirm(ctx, message, draft, pending))]
        if action.action == "answer":
            found = find_date(action.value, message.sent_at)
            if draft.date is None and found is not None:
                draft.date = found[0]
            if draft.place is None:
                place = extract_place(action.value)
                if place is None and found is None:
                    place = action.value.strip().removeprefix("在").rstrip("。")[:20] or None
                draft.place = place
            note = ""
        else:
            draft, note = apply_correction(draft, action, message.sent_at)
            if note:
                return [Reply(note)]
            note = "已修改。"
        pending["draft"] = draft.to_json()
        store_pending(ctx, pending)
        return replies(card(draft, note))

    def match_photo(message: IncomingMessage, ctx: Context) -> str | None:
        if message.kind is not Kind.IMAGE or not message.media_id:
            return None
        if not ctx.role.can_log_activity:
            return None
        if load_pending(ctx) is not None:
            return "draft"
        last = ctx.conversation.get(LAST_KEY)
        if isinstance(last, dict) and _within(ctx, last.get("at"), PHOTO_WINDOW):
            return "record"
        return None

    def handle_photo(message: IncomingMessage, target: str, ctx: Context) -> Sequence[Reply]:
        """活动记录发出后30分钟内发照片：照片保存为这条活动的佐证。"""
        media = ctx.services.media
        if media is None:
            return [Reply("抱歉，现在是本地模式，照片没法保存。活动记录本身不受影响。")]
        pending = load_pending(ctx) if target == "draft" else None
        last = ctx.conversation.get(LAST_KEY) if target == "record" else None
        if pending is None and not (isinstance(last, dict) and "id" in last):
            return [Reply("刚才的活动记录已经过期，照片没有保存。请重新发活动情况。")]
        if pending is not None and any(
            m == message.media_id for _p, m in pending.get("photos", [])
        ):
            count = len(pending["photos"])  # the same message run again: stored already
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
        if pending is not None:
            pending.setdefault("photos", []).append([relative, message.media_id])
            store_pending(ctx, pending)
            count = len(pending["photos"])
            return [Reply(f"照片收到（{count}张），确认保存记录时会一起存上。请回复“对”保存。")]
        assert isinstance(last, dict)
        record_id = int(last["id"])
        count = ActivityStore(ctx.services.engine).add_photo(record_id, relative, message.media_id)
        return [Reply(f"照片已存到活动记录（编号{record_id}），这条记录现在有{count}张照片。")]

    def match_stats(message: IncomingMessage, _ctx: Context) -> str | None:
        if message.kind is not Kind.TEXT:
            return None
        match = STATS_PATTERN.match(message.text)
        return message.text.strip() if match else None

    def handle_stats(message: IncomingMessage, text: str, ctx: Context) -> Sequence[Reply]:
        """发“本月活动”或“活动统计 2026-05”：回复本地区各乡镇、村的活动上报情况和未上报的小组。"""
        ctx.require(ctx.role in STAFF, "只有协会工作人员可以查看活动统计。")
        year, month = parse_month(text, ctx.services.now())
        stats = month_stats(ctx.services, year, month, ctx.region)
        return [Reply(piece) for piece in split_text(stats_text(stats))]

    def match_report(message: IncomingMessage, ctx: Context) -> ActivityDraft | None:
        if message.kind is not Kind.TEXT:
            return None
        if looks_like_report(message.text, message.sent_at) < REPORT_THRESHOLD:
            return None
        return extract(message.text, message.sent_at)

    def handle_report(
        message: IncomingMessage, draft: ActivityDraft, ctx: Context
    ) -> Sequence[Reply]:
        """发一句话的活动情况（如“昨天江口村开了会员活动，到了13人，发资料30份”）：
        回复确认卡片，回“对”保存。"""
        if not ctx.role.can_log_activity:
            return [Reply(WHO_CAN_LOG)]
        note = ""
        if load_pending(ctx) is not None:
            note = "（上一条没确认的活动记录已被这条替换。）"
        elif ctx.conversation.get(EXPIRED_KEY) is not None:
            note = "（上一条活动记录超过30分钟没确认，已作废。）"
        if draft.date is not None and draft.place is not None:
            existing = ActivityStore(ctx.services.engine).find_duplicate(
                message.user_id, draft.date.start, draft.place
            )
            if existing is not None:
                ctx.conversation.clear(DRAFT_KEY)
                return [Reply(duplicate_text(existing.id, draft))]
        store_pending(ctx, {"draft": draft.to_json(), "photos": []})
        return replies(card(draft, note))

    return [
        Route(
            "activity_pending",
            match_pending,
            handle_pending,
            audience=LOGGERS,
        ),
        Route("activity_photo", match_photo, handle_photo, audience=LOGGERS),
        Route(
            "activity_stats",
            match_stats,
            handle_stats,
            help="查看本地区活动上报情况",
            audience=STAFF,
            example="本月活动 / 活动统计 2026-05",
        ),
        Route(
            "activity_report",
            match_report,
            handle_report,
            help="登记活动：一句话说时间、地点、人数和物品，回“对”保存，发错了回“撤销”",
            audience=LOGGERS,
            example="昨天江口村开了会员活动，到了13人，发宣传资料30份",
        ),
    ]


# -- helpers -----------------------------------------------------------------------------------


def replies(text: str) -> list[Reply]:
    """One reply per piece of at most 2048 UTF-8 bytes."""
    return [Reply(piece) for piece in split_text(text)]


def _within(ctx: Context, stamp: object, seconds: int) -> bool:
    if not isinstance(stamp, str):
        return False
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return False
    return 0 <= (ctx.services.now() - moment).total_seconds() <= seconds


def duplicate_text(record_id: int | None, draft: ActivityDraft) -> str:
    when = draft.date.display() if draft.date else ""
    return (
        f"这次活动已经登记过了（编号{record_id}，{when} {draft.place}），不会重复计算。"
        "如果是另一次活动，请写清楚日期和地点再发。"
    )


def confirm(
    ctx: Context, message: IncomingMessage, draft: ActivityDraft, pending: dict[str, Any]
) -> str:
    if draft.missing:
        return missing_question(draft)
    assert draft.date is not None and draft.place is not None
    store = ActivityStore(ctx.services.engine)
    existing = store.find_duplicate(message.user_id, draft.date.start, draft.place)
    if existing is not None:
        ctx.conversation.clear(DRAFT_KEY)
        return duplicate_text(existing.id, draft)
    if ctx.conversation.pop(DRAFT_KEY) is None:  # a second 对 racing the first
        return "这条活动记录已经处理过了。"
    ctx.conversation.clear(EXPIRED_KEY)
    photos = [(str(path), str(media)) for path, media in pending.get("photos", [])]
    record = store.save(
        draft,
        reporter_id=message.user_id,
        member=ctx.member,
        channel=message.channel.value,
        photos=photos,
    )
    ctx.conversation.set(
        LAST_KEY, {"id": record.id, "at": ctx.services.now().isoformat()}, ttl=UNDO_WINDOW
    )
    people = ""
    if draft.participants is not None:
        people = f" {draft.participants}{'多' if draft.participants_approx else ''}人"
    photo_note = f"，含照片{len(photos)}张" if photos else ""
    return (
        f"已登记（编号{record.id}）：{draft.date.display()} {draft.place} "
        f"{KINDS.get(draft.kind, KINDS['other'])}{people}{photo_note}。"
        "30分钟内可以接着发活动照片；发错了回复“撤销”。"
    )


def undo_last(ctx: Context, user_id: str) -> str:
    last = ctx.conversation.get(LAST_KEY)
    if not isinstance(last, dict) or not _within(ctx, last.get("at"), UNDO_WINDOW):
        return "没有可以撤销的活动记录（只能撤销24小时内刚登记的一条）。"
    record = ActivityStore(ctx.services.engine).revoke(int(last["id"]), user_id)
    ctx.conversation.clear(LAST_KEY)
    if record is None:
        return "这条记录已经撤销过了。"
    return f"已撤销活动记录（编号{record.id}，{record.place}），不再计入统计。"
