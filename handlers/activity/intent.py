"""What a message means to the activity conversation, decided before any of it is used.

While a leader has activity cards waiting (or a record saved in the last 24 hours), every
message is read here first and classified as one of:

- a control word: 对 / 都对 / 第2条对 (confirm), 撤销 / 不要了 / 第2条不要了 (cancel or undo),
  重新来 / 重发 (throw the card away), 不对 (something is wrong, say what);
- a correction in natural words, for any field, with the card it is about: "不是45人，是15人",
  "日期错了 是3号", "开会员活动那个是在巴音敖包嘎查", "第2条 测血糖是80人次",
  "宣传册不是资料", "少写了50个环保袋", "昨天报的走访 户数是6户不是4户";
- a confirmation of the card named by its activity, place or day ("讲座那个确认", "刚才义诊那个
  确认"), of the rest ("剩下两条都对"), or a question whether the card was saved ("刚才那个发出去
  没有"), which changes nothing;
- the answer to the question a card asked (a bare "今天" or "前天发的" when the card lacks a
  date; a place that looks like a place when it lacks a place);
- a new report (which never merges into a waiting card);
- anything else (a question, a command, chat): not ours, routed as itself.

The rules prefer asking to guessing: a correction whose card cannot be told apart is not
applied (the caller asks which card), a value that does not look like the slot is no answer.
A correction often says why the card was wrong: a clause that only tells what happened
("昨天礼拜天没整活动") gives no value when another clause says the new value outright (是 / 改成 /
the field's name); a correction only partly understood is not applied at all, and asked.
Everything here is a pure function of the text, the sent time, the reporter's village and a
light view of the waiting cards; the conversation state lives in ``routes``.

Rules, not a learned classifier, because they measured better and can use the cards as
context: a character 1-3-gram naive Bayes trained on the dev sets told apart a new report, a
message about a waiting card and anything else in 84.2% of the dev conversations' messages
(leave one conversation out) and found 116/140 reports of the older held-out sets while taking
6/257 questions for reports; these rules find 140/140 and take 0/257, and read the dev
conversations' messages as the labels do except where the labels cannot tell (a re-sent
duplicate, a 对 in a conversation whose records were later undone).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from handlers.activity.dates import DateSpan, find_date, plausible
from handlers.activity.normalise import fold
from handlers.activity.numbers import NUMBER, parse_quantity, to_int
from handlers.activity.parser import (
    _PUBLICITY_EVENT,
    KINDS,
    REPORT_THRESHOLD,
    ActivityDraft,
    Item,
    asks_something,
    classify_kind,
    extract_items,
    find_participants,
    find_place,
    households_named,
    item_category,
    kind_beyond_handouts,
    looks_like_report,
    money_unit,
    names_an_event,
    parse_reports,
    speaks_of_later,
    visits_only,
)

# 关爱保险今年几钱一份 / 几多钱 / 点样报: asked (Cantonese and spoken forms), beside what
# the parser counts as asking; a count said with 几 after a number (十几个) is no question
_ASKS_MORE = re.compile(
    r"(?<![\d一二两三四五六七八九十百千])几(?:钱|多钱|多|时|号|块|毛|份钱|个钱)|"
    r"咩|点样|乜嘢|边个|边度|几钱"
)


def _asks(text: str) -> bool:
    """The message asks something: a question is answered, never read as a value."""
    return asks_something(text) or _ASKS_MORE.search(fold(text)) is not None


# -- control words -----------------------------------------------------------------------------

_CONFIRM = frozenset(
    {
        "对",
        "对的",
        "对了",
        "对啊",
        "对呀",
        "确认",
        "确定",
        "是",
        "是的",
        "没错",
        "正确",
        "好",
        "好的",
        "可以",
        "行",
        "ok",
        "嗯",
        "嗯嗯",
        "没问题",
        "没有问题",
        "没毛病",
        "没有错",
        "都没有问题",
        "保存",
        "确认保存",
        "确认无误",
        "无误",
        "对保存",
        "可以保存",
        "对头",
        "是滴",
        "好嘞",
        "好滴",
        "中",
        "就这样",
        "就这些",
        "就这",
        "就这么着",
        "是这样",
        "就是这样",
        "对哒",
        "得嘞",
        "可以了",
        "行了",
        "[ok]",
        "[强]",
        "👍",
        "👌",
        "存吧",
        "存",
        # spoken and regional yes: 要得 (西南), 妥了, 嗯呐, 是嘞, 对滴, 好咧, 好哒, 阔以 (可以 as
        # typed by ear), 没得问题 / 么得问题 / 莫问题 / 木有问题 (没有问题)
        "要得",
        "妥了",
        "妥",
        "嗯呐",
        "是嘞",
        "是咯",
        "对滴",
        "好咧",
        "好哒",
        "阔以",
        "没得问题",
        "么得问题",
        "莫问题",
        "木有问题",
        "无问题",
        # Cantonese 系 / 得喇 (yes, OK; 啱 and 冇问题 are folded to 对 and 没问题 before this is
        # read; 得 alone, 得了吧, may brush the card aside)
        "得喇",
        "系",
        "系呀",
        "系啊",
        "系的",
        # northern 就这么地 and 就这么办 = 就这样 (Min 着 = 对: see _MIN_YES)
        "就这么地",
        "就这么的",
        "就这么办",
    }
)
# said along with a confirmation and changing nothing: 对，谢谢 / 好的辛苦了
_POLITE = frozenset(
    {
        "谢谢",
        "谢谢你",
        "谢谢您",
        "辛苦了",
        "辛苦",
        "麻烦了",
        "麻烦你了",
        "收到",
        "也",
        "就",
        "都",
        # 得 确认 (Cantonese OK, said before the confirmation); 得 alone may brush the card aside
        "得",
        # 晓得了 活动那个确认: the answer just read is acknowledged, then the card confirmed
        "晓得了",
        "知道了",
        "明白了",
        "懂了",
        # 哦 没问题 对: an interjection before the yes
        "哦",
        "噢",
        "哈",
        "哎",
        # Mongolian thanks (巴雅尔拉 确认)
        "巴雅尔拉",
        "巴雅日拉",
    }
)
# the card a confirmation is about, said along with it: 对 刚才那个活动没问题
_REFERENT = frozenset(
    {
        "刚才",
        "刚刚",
        "上面",
        "那个",
        "这个",
        "那条",
        "这条",
        "那次",
        "这次",
        "活动",
        "记录",
        "的",
        "了",
        # 现在对了 / 这回对了: the card as corrected just now is right
        "现在",
        "这回",
        "这下",
    }
)
# Min 着 (= 对) said as a piece of its own (着 / 着着 / 着啦 / 着个, 个 folded to 的); never the
# ending of another word (存着吧 keeps the card, 着呢 / 等着 say it goes on; 毋着 = 不对 is
# folded before this is read)
_MIN_YES = re.compile(r"^着+[的啦咯喇嘞]?$")
_CONFIRM_LONGEST = sorted(_CONFIRM, key=len, reverse=True)
_POLITE_LONGEST = sorted(_POLITE | _REFERENT, key=len, reverse=True)
_CANCEL = re.compile(r"撤销|撤回|作废|删除|删掉|删了|不要了|不要|算了|取消|不报了|不算了")
_RECORD_CANCEL = re.compile(r"撤销|撤回|作废")
# what a reason before 撤销 speaks of: the record (刚才那条报重复了), never an item (毛巾没发)
_RECORD_WORDS = re.compile(r"那条|这条|那个|这个|记录|报|登记")
_RESTART = re.compile(r"重新来过?|重来|重发|重新发|重新报|重新说|重新登记|再发一遍|重新写")
_WRONG = frozenset({"不对", "错了", "有错", "不是", "不正确", "不对的", "有问题", "错了错了"})
_ALL = re.compile(
    r"^(?:以上|上面的?|上述|(?:剩下|其余|其他|其它|余下)的?)?"
    r"(?:都|全部|全都|全|所有的?|这?[\d一二三四五六七八九十两]+条都|几条都)"
)
_NUMBER_WORD = r"[\d一二三四五六七八九十两]+"
_ALL_INSIDE = re.compile(r"(?:都|全部|全都)(?=对|没问题|确认|可以|行|好|保存|没错|正确)")
_SELECTOR = re.compile(
    rf"^第?\s*(?P<nums>{_NUMBER_WORD}(?:\s*条?\s*(?:和|跟|、|,|，|及|与)\s*第?\s*{_NUMBER_WORD}|"
    rf"\s*条\s*第\s*{_NUMBER_WORD})*)"
    r"\s*(?P<tiao>条|个)?\s*"
)
_FILLER_END = re.compile(r"[吧啊呀哈啦呢哦噢嘛~～。.!！,，\s]+$")
# the particles a piece of a confirmation may end in, spoken ones (嘞, 喇, 咯, 啰, 哩, 咧) too;
# before them a yes may carry the spoken ending that says "it is so" (对着呢, 好着哩, 行得很):
# what a yes looks like is the yes word with whatever the dialect says after it, never a list
# of every such ending (存着 is kept for later, no save)
_PARTICLES = "吧啊呀哈啦呢哦噢嘛嘞喇咯啰哩咧呐~～"
_PIECE_END = re.compile(rf"(?<=.)(?:(?<!存)着|[得的滴]很)?[{_PARTICLES}]*$(?<=[{_PARTICLES}着很])")
# 撤销 昨天报的那条 / 刚才报的那个: the saved record, not a waiting card.
_SAVED_REF = re.compile(
    r"(?:昨天|今天|前天|上午|下午|中午|晚上|昨晚|早上|今早|刚才|刚刚|之前|前面|上面)?"
    r"(?:报|登记|发|上报|保存|存)(?:过)?的(?:那个|那条|那次|这个|这条|那一条|活动|记录)?|"
    r"(?:昨天|前天|上午|下午|昨晚|早上|今早|刚才|刚刚|之前|上面|前面)的?(?:那个|那条|那次)"
    r"(?:活动|记录)?"
)


# what a count names right after 个 (25个人 / 3个村 / 40个学生): a thing counted, not a card
# 上面重复了 / 刚才那条发重了 (beside 都对): a message said to have been sent twice; no value,
# no card named (the same report sent twice is one card anyway)
_SENT_TWICE = re.compile(
    r"^(?:上面|刚才|刚刚|前面|后面|最后)?(?:那|这)?一?[条个句]?的?(?:发|报)?(?:重复|重)了?(?:发|报)?了?$"
)
# 就两条 / 一共三条 (beside 都对): how many cards there are, as the user counts them
_CARDS_COUNTED = re.compile(
    rf"^(?:就|一共|总共|共|只有|只|就是)(?:这)?(?P<n>{_NUMBER_WORD})[条个]$"
)


_COUNTED_NOUN = re.compile(
    r"[人户家村组社学会群孩妇老牧居男女志育孕小青姐阿大党干屯点袋包盒本份张瓶]"
)


@dataclass(frozen=True)
class Control:
    """confirm / cancel / restart / wrong, for the cards numbered (none: the card shown)."""

    action: str
    numbers: tuple[int, ...] = ()
    all: bool = False
    saved: bool = False
    topic: str = ""  # 昨晚报的义诊撤销: the activity the record is spoken of by
    as_is: bool = False  # 不改了 就按原来的存: confirmed as shown, whatever was said before
    count: int = 0  # 就两条 都对: how many cards the user counts (checked against the cards)


#: 11月21号那条 / 21号的 / 11月21日那个: a card or record spoken of by the day it was held
_DAY_SPOKEN_OF = re.compile(
    r"(?P<day>(?:\d{1,2}月)?\d{1,2}[号日])的?(?:那条|这条|那个|这个|那次|那场|记录)"
)


def _numbers(text: str) -> tuple[int, ...]:
    values = []
    for raw in re.findall(_NUMBER_WORD, text):
        value = to_int(raw)
        if value is not None and 0 < value < 100:
            values.append(value)
    return tuple(values)


def _selector(text: str, *, bare: bool) -> tuple[tuple[int, ...], str]:
    """(card numbers, the rest) for 第2条 / 2条 / 第一条 (and a bare 2 when ``bare``)."""
    match = _SELECTOR.match(text)
    if match is None:
        return (), text
    said = match.group(0)
    if not bare and "第" not in said and not match.group("tiao"):
        return (), text
    rest = text[match.end() :]
    if not bare and match.group("tiao") != "条" and re.match(r"[月日号年点岁]", rest):
        return (), text  # 11月15号…: a date, not a card number
    if "第" not in said and not match.group("tiao") and _DAY_SPOKEN_OF.match(text):
        return (), text  # 11月21号那条撤销: the record of that day, not card 11
    if "第" not in said and match.group("tiao") == "个" and _COUNTED_NOUN.match(rest):
        return (), text  # 25个人不对: a count of people (or of things), not card 25
    return _numbers(match.group("nums")), rest


def _several_confirms(body: str) -> Control | None:
    """1对 2对 / 第1条对，第3条对: one confirmation per card named, said in a row."""
    pieces = [p for p in re.split(r"[，,。；;\s]+", body) if p]
    if len(pieces) < 2:
        return None
    numbers: list[int] = []
    for piece in pieces:
        control = read_control(piece)
        if control is None or control.action != "confirm" or not control.numbers or control.all:
            return None
        numbers.extend(control.numbers)
    return Control("confirm", tuple(dict.fromkeys(numbers)))


def _all_confirm(piece: str) -> bool:
    """对的没错 / 对对对 / 好的谢谢: confirmation (and thanks) words and nothing else."""
    rest, confirmed = piece, False
    while rest:
        word = next((w for w in _CONFIRM_LONGEST if rest.startswith(w)), None)
        if word is None:
            word = next((w for w in _POLITE_LONGEST if rest.startswith(w)), None)
            if word is None:
                return False
        else:
            confirmed = True
        rest = rest[len(word) :]
    return confirmed


def read_control(text: str) -> Control | None:
    """对 / 都对 / 第2条对 / 2对 / 撤销 / 第2条不要了 / 重新来 / 不对, else None."""
    body = _FILLER_END.sub("", fold(text).strip()).lower()
    # 撤销刚才那条 夏阜村的活动是村里自己搞的 不算我们组的: an undo said first may carry a
    # longer reason after it
    undo_first = _RECORD_CANCEL.match(body) is not None
    # 昨天报的那个凉亭村的会员活动作废 搞错了 那个是下个月的计划: the record named by its activity
    # right before the undo word may carry as long a reason after it
    named_first = re.search(
        rf"{_KIND_NAMED}的?(?:那条|这条|那个|这个|那次|记录)?(?:撤销|撤回|作废)", body
    )
    # 11月21号那条撤销 那天的宣传是村里搞的不算我们组: so may the record named by its day
    day_first = re.match(rf"{_DAY_SPOKEN_OF.pattern}(?:撤销|撤回|作废)", body) is not None
    # 昨天晚上报的那个撤销了吧 那个会延期了没开成: and so may the record only pointed at
    undo_word = _RECORD_CANCEL.search(body)
    pointed_first = (
        undo_word is not None
        and _RECORD_WORDS.search(body[: undo_word.start()]) is not None
        and _LEAD_OK.match(body[: undo_word.start()]) is not None
    )
    # 对 巴雅尔拉 / 好的 辛苦晒 / 那这个对的 你帮我存: thanks and chat around a confirmation
    chatless = _CHAT_AFTER_OK.sub("", _THEN_BEFORE_OK.sub("", body)).strip(" ，,。")
    if chatless and chatless != body:
        inner = read_control(chatless)
        if inner is not None and inner.action == "confirm":
            return inner
    described = _UNDO_DESCRIBED.match(body)
    if described and (
        described.group("pointer") or len(described.group("what")) > len(described.group("kind"))
    ):
        # 把昨天那个讲座删了 那个是区里搞的不算我们组的: the record spoken of by its activity
        reason = body[described.end() :]
        if not reason.strip(" ，,。") or _explains_only(reason, UNDO_REASON_LENGTH):
            place = _place_before(body[described.start("what") : described.start("kind")])
            return Control("cancel", topic=place + described.group("kind"))
    spoken_of = _undo_spoken_of(body)
    if spoken_of is not None:
        return spoken_of
    if not body or len(body) > (
        UNDO_REASON_LENGTH if undo_first or named_first or day_first or pointed_first else 30
    ):
        return None
    body = re.sub(r"^头一(?=个|条)", "第一", body)  # 头一个对: the first card
    # 刚才那个 对 (头先嗰个 对): the card pointed at, then the word said of it
    body = re.sub(r"^((?:刚才|刚刚|上面)的?(?:那个|那条|这个|这条))[，,\s]+(?=\S)", r"\1", body)
    # 不好意思 第2条作废 / 唉打漏了 重发: an apology or a slip owned before the command says
    # nothing of its own
    # (没报错 就问问 上面那条确认: a question just asked, said to be only a question)
    body = re.sub(
        r"^(?:(?:唉|哎呀?|哎哟|哦)?[，,\s]*(?:不好意思|对不起|抱歉|sorry|打漏了|漏打了|写漏了|打错了|"
        r"写错了|发错了|没报错|没错|就问问|随便问问|只是问问|问问而已|没事了?)[，,。！!\s]+)+(?=\S)",
        "",
        body,
    )
    # 前两条都对 / 前面三条确认: the first cards, by their numbers
    body = re.sub(r"^前面?(?:两|二|2)(?:条|个)", "第1、2条", body)
    body = re.sub(r"^前面?(?:三|3)(?:条|个)", "第1、2、3条", body)
    # 上面重复了 就两条 都对: a message said sent twice, and the cards counted, beside a yes
    # (of all the cards, when they are counted); anything else is read as it was said
    said = [p for p in re.split(r"[，,。；;\s]+", body) if p]
    kept = [p for p in said if not _SENT_TWICE.match(p) and not _CARDS_COUNTED.match(p)]
    if kept and len(kept) < len(said):
        inner = read_control("，".join(kept))
        counts = [to_int(m.group("n")) or 0 for p in said if (m := _CARDS_COUNTED.match(p))]
        if inner is not None and inner.action == "confirm" and not inner.topic:
            if not counts:
                return inner
            if len(counts) == 1 and inner.all and not inner.numbers:
                return replace(inner, count=counts[0])
    several = _several_confirms(body)
    if several is not None:
        return several
    numbers, rest = _selector(body, bare=True)
    rest = rest.strip()
    if numbers and not rest:
        return None  # a bare number is no control word
    everything = False
    while True:
        all_match = _ALL.match(rest)
        if not all_match or all_match.end() == 0:
            break
        everything, rest = True, rest[all_match.end() :]
    if everything and len(numbers) == 1 and not body.startswith("第"):
        numbers = ()  # 三条都对: how many, not which
    # 系啊 确认 / 是嘞 确认嘞: each piece may end in a particle of its own, not only the last one
    # (a yes that ends in one, 得喇, is kept whole)
    min_yes = "着呢" not in fold(text)  # (着呢 alone: it goes on, no yes)
    pieces = [
        "对" if min_yes and _MIN_YES.match(p) else p if p in _CONFIRM else _PIECE_END.sub("", p)
        for p in re.split(r"[，,。.!！~～\s]+", rest)
        if p
    ]
    pieces = [p for p in pieces if p and p not in _POLITE]
    stripped = []
    for piece in pieces:  # 都没问题，全部保存: "all" may be said in any piece
        all_match = _ALL.match(piece)
        if all_match and all_match.end() < len(piece):
            everything, piece = True, piece[all_match.end() :]
        stripped.append(piece)
    if stripped and all(_all_confirm(piece) for piece in stripped):
        # 好了都对 / 嗯全部没问题: "all" said after other confirmation words
        everything = everything or any(_ALL_INSIDE.search(piece) for piece in stripped)
        return Control("confirm", numbers, everything)
    named = _named_confirm(stripped)
    if named and not numbers and not everything:
        # 讲座那个确认 / 刚才义诊那个 确认: the card spoken of by its activity, confirmed
        return Control("confirm", topic=named)
    if everything and not _RESTART.search(rest):
        return None  # (全部都不对 重新来: the whole card said wrong, then thrown away)
    if _KEEP.fullmatch(_FILLER_END.sub("", rest)):
        # 算了 就按原来的存吧 / 不改了 就这样: the card as it is, saved (never 算了 = cancel)
        return Control("confirm", numbers, as_is=True)
    for pattern, action in ((_CANCEL, "cancel"), (_RESTART, "restart")):
        found = pattern.search(rest)
        if found is None:
            continue
        lead = rest[: found.start()]
        if not _LEAD_OK.match(lead) and not (
            # 刚才那条报重复了 撤销: 撤销 / 作废 are said of records only; the words before
            # explain why, as long as they report nothing and ask nothing
            _RECORD_CANCEL.fullmatch(found.group(0))
            and _RECORD_WORDS.search(lead)
            and _explains_only(lead)
        ):
            return None  # 原定今天的义诊取消了: an activity called off, not a command
        around = rest[: found.start()] + "，" + rest[found.end() :]
        pointed = pointed_first and _RECORD_CANCEL.fullmatch(found.group(0)) is not None
        limit = (
            UNDO_REASON_LENGTH
            if (undo_first or day_first or pointed) and action == "cancel"
            else 24
        )
        # 算了 不要了 这个活动由社区那边报: the other undo words say nothing more of the reason
        # (昨天报的那个撤销 …: the record pointed at is no part of it)
        reason = _CANCEL.sub("，", rest[found.end() :] if pointed else around)
        if not _explains_only(reason, limit) and not (
            # 昨晚报的义诊撤销 那个是卫生院搞的: the lead is checked above, the reason after it
            re.search(_KIND_NAMED, rest[: found.start()]) and _explains_only(rest[found.end() :])
        ):
            return None
        if _says_a_value(rest[found.end() :]):
            # 我重新说一下 人数是30 / 撤销那个环保袋: what follows corrects the card (a field, a
            # count, a thing on it), so the card is kept and the rest is read as a correction
            return None
        if not numbers:
            numbers = _numbers_named(around)
        saved = bool(_SAVED_REF.search(around)) and _strong_saved_ref(around)
        # 义诊那条撤销 / 昨天的义诊撤销: the activity named before the undo word
        topic = re.search(_KIND_NAMED, rest[: found.start()]) or re.search(
            rf"(?:{RECORD_KIND_WORDS})(?:活动)?(?=的?(?:那条|这条|那个|这个|那次|记录)?$)",
            rest[: found.start()].rstrip("，, "),
        )
        day = _DAY_SPOKEN_OF.match(rest[: found.start()]) if not numbers else None
        return Control(
            action,
            numbers,
            saved=saved and action == "cancel",
            topic=(
                _place_before(rest[: topic.start()]) + topic.group(0)
                if topic
                else day.group("day")
                if day
                else _place_spoken_of(around)
            ),
        )
    if not numbers and rest in _WRONG:
        return Control("wrong")
    return None


#: 讲座那个 / 刚才那个慰问的 / 江口村那条: a card spoken of by its activity, place or day
_CARD_REF = re.compile(
    r"^(?:刚才|刚刚|上面|之前|前面)?的?(?:那个|那条|这个|这条)?"
    r"(?P<topic>[\u4e00-\u9fff\d]{2,8}?)(?:的?(?:那个|那条|那次|那场|这个|这条)|的)"
)
# 刚刚的讲座对 / 刚才个义诊确认 (个 as 的): the card's activity said after when it was sent
_CARD_REF_SENT = re.compile(r"^(?:刚才|刚刚|上面|之前|前面)的(?P<topic>[\u4e00-\u9fff\d]{2,8}?)")
_GENERIC_TOPICS = frozenset({"活动", "记录", "活动记录"})


def _named_confirm(pieces: list[str]) -> str:
    """The topic of 讲座那个确认 (said in one piece or two), when the rest only confirms."""
    topic, rest = "", []
    for piece in pieces:
        ref = _CARD_REF.match(piece)
        if ref is None or not _plausible_topic(ref.group("topic")):
            ref = _CARD_REF_SENT.match(piece)
        if ref and not topic and _plausible_topic(ref.group("topic")):
            topic, piece = ref.group("topic"), piece[ref.end() :]
            if not piece:
                continue
        rest.append(piece)
    # 讲座那个 确认一下 (确认一下 alone is "let me check", a hold)
    rest = [re.sub(r"(?<=确认|保存)一下$", "", piece) for piece in rest]
    if topic and rest and all(_all_confirm(piece) for piece in rest):
        return topic
    return ""


def _plausible_topic(topic: str) -> bool:
    """An activity, a place or a day a card can be told by; never a field (人数那个对 says a
    value is right) or a thing on it."""
    if topic in _GENERIC_TOPICS:
        return True
    if _field_of(topic) is not None or topic in _CONFIRM or topic in _POLITE:
        return False
    return (
        _kind_value(topic) is not None
        or bool(find_place(topic).name)
        or find_date(topic, _NOON) is not None
        or _HANDED_OUT_TOPIC.fullmatch(topic) is not None
    )


# 派资料那条 / 办保险那个: a card told by what was handed out or done on it
_HANDED_OUT_TOPIC = re.compile(r"(?:发|送|办|发放|派|派发|给)了?(?P<thing>[\u4e00-\u9fff]{2,6})")


_KEEP = re.compile(
    r"(?:算了|好吧|那|嗯)?[，,\s]*"
    r"(?:(?:不改了?|不用改了?|别改了?|不要改了?)[，,\s]*(?:就这样|就这么着|保存|存)?|"
    r"(?:就|那就)?(?:按|照)(?:原来的?|原样|这个|这样|上面的?|卡片上的?)(?:保存|存|登记|来|就行|就好|就可以)?|"
    r"原来的?(?:就|也)?(?:对|行|可以|没错|没问题)|(?:那)?就这样(?:保存|存|登记)?)"
    r"[吧了的啊呀]*"
)

#: the activity words a card or record is spoken of by (讲座那条, 把昨天那个义诊删了)
RECORD_KIND_WORDS = (
    r"义诊|宣传|讲座|培训|走访|入户|会员活动|小组会|例会|关爱保险|保险|体检|青春健康"
)
# what may stand before 撤销 / 重发: who and which ("帮我把刚才那条撤销", "报错了 撤销")
# 昨晚报的义诊撤销: a record spoken of by its activity, after 报的 / 登记的
_KIND_NAMED = rf"(?<=的)(?:{RECORD_KIND_WORDS})(?:活动)?"
_THEN_BEFORE_OK = re.compile(r"^(?:哦|噢|嗯|好)?[，,\s]*那(?=这|那|刚|个|条|对|就)")
_CHAT_AFTER_OK = re.compile(
    r"[，,\s]+(?:巴雅尔拉|辛苦(?:了|晒|啦|哂|你了|您了)?|谢谢(?:你|您|晒)?|多谢(?:晒)?|麻烦了|"
    r"先存(?:起来|着|上)?|(?:你)?帮我存(?:一下|上|起来)?|存(?:起来|上)?吧|保存吧)[!！~。]*$"
)
# 把昨天那个讲座删了 / 把去江口村义诊那条删了: a record undone, spoken of by its activity (把宣传册
# 删了 names a thing: the activity word must end the description)
_UNDO_DESCRIBED = re.compile(
    rf"^把(?P<what>[^，,。\s]{{0,12}}?(?P<kind>{RECORD_KIND_WORDS})(?:活动)?)的?"
    r"(?P<pointer>那条|这条|那个|这个|那次|记录)?"
    r"(?:删了|删掉|删除|撤销|撤了|作废|不要了)(?:吧|哈|啊)?(?=$|[，,。\s])"
)
_LEAD_OK = re.compile(
    rf"^(?:帮我|麻烦|请|把|我|刚才|刚刚|昨天|今天|上午|下午|晚上|昨晚|报|发|登记|的|那条|那个|这条|"
    rf"这个|(?<=那个|这个|那条|这条)(?:活动|记录)|第?\s*{_NUMBER_WORD}\s*条|(?:报|发|搞|写|打)?错了|"
    # 不对 重新来 / 全部都不对 重来 / 全错了 重发: the card said wrong, why it is thrown away
    r"(?:全部|全都|全|都)*(?:不对|错了|有错|错)|"
    rf"{_KIND_NAMED}|[，,。\s])*$"
)
_NUMBER_NAMED = re.compile(rf"第\s*({_NUMBER_WORD})\s*条?|({_NUMBER_WORD})\s*条")


def _numbers_named(text: str) -> tuple[int, ...]:
    values: list[int] = []
    for match in _NUMBER_NAMED.finditer(text):
        values.extend(_numbers(match.group(1) or match.group(2)))
    return tuple(values)


def _explains_only(around: str, limit: int = 24) -> bool:
    """The words around 撤销 only explain it ("报错了", "昨天报的那条搞错了", "帮我…一下")."""
    around = around.strip(" ，,。")
    if not around:
        return True
    if _asks(around):
        return False
    return looks_like_report(around) < REPORT_THRESHOLD and len(around) <= limit


#: The longest message read as 撤销 and the reason for it (撤销刚才那条 夏阜村的活动是村里自己
#: 搞的 不算我们组的); any longer is read as a correction or a report
UNDO_REASON_LENGTH = 44
#: 夏阜村的活动 / 夏阜村那条: the record spoken of by its place
_PLACE_SPOKEN_OF = re.compile(
    r"(?P<place>[\u4e00-\u9fff]{2,8}?)(?:的活动|的那条|那条|的那次|那次|那个活动|那场)"
)


def _place_spoken_of(around: str) -> str:
    """The place a record to undo is spoken of by (夏阜村的活动…不算), when one is named, so
    only a record held there is undone; else ""."""
    for match in _PLACE_SPOKEN_OF.finditer(around):
        place = find_place(match.group("place")).name
        if place and place == match.group("place"):
            return place
    return ""


def _place_before(lead: str) -> str:
    """凉亭村的 (会员活动作废): the place said right before the activity a record is spoken of
    by, with its 的, so only a record of that activity held there is meant; else ""."""
    place = find_place(lead).name
    if not place or not lead.rstrip("的").endswith(place):
        return ""
    return place + "的"


_FIELD_SAID = re.compile(r"人数|日期|时间|地点|类型|物品|户数|人次")
_POINTERS = re.compile(r"那个|这个|那些|这些|一下|吧|了|的|掉|[，,。\s]")


_FIELDS_ALL_WRONG = re.compile(
    r"(?:(?:人数|日期|日子|时间|地点|地方|类型|物品|户数)[和跟、与及]?){1,4}(?:全|都|也)?"
    r"(?:不对|(?:发|报|写|打|搞|弄|填)?错了|有错)"
)


#: 人数是我估的 / 日期是他们随便填的: a field, and who made up what the card says of it
_FIELD_MADE_UP = re.compile(
    rf"(?:{_FIELD_SAID.pattern})(?:也|都)?(?:是|系)?(?:我们|我|他们|他|她|人家|别人)"
    r"[^，,。\s\d一二两三四五六七八九十百]{0,4}的"
)


def _says_a_value(after: str) -> bool:
    """What follows 重新说 / 撤销 names a field, a count or a thing (撤销那个环保袋), not a card
    (撤销那条 / 作废刚才的义诊)."""
    after = re.sub(rf"第?\s*{_NUMBER_WORD}\s*条", "", after)  # 撤销第2条: which card
    # 撤销 刚才报错了 日子和人数都不对: the fields said wrong, no value for them: why it goes
    after = _FIELDS_ALL_WRONG.sub("", after)
    # 撤销了吧 人数是我估的: the field named and who made its value up, no value of it: why it goes
    after = _FIELD_MADE_UP.sub("", after)
    if _FIELD_SAID.search(after) or _stray_count(after):
        return True
    thing = _POINTERS.sub("", after)
    return (
        2 <= len(thing) <= 8
        and re.fullmatch(r"[\u4e00-\u9fff]+", thing) is not None
        and not _RECORD_WORDS.search(thing)
        and not _SAVED_REF.search(thing)
        and not _CANCEL.search(thing)
        and not _RESTART.search(thing)
        # 数字打反了 / 报重复了 / 搞错了: why the card goes, no thing on it
        and not re.search(r"刚才|刚刚|上面|活动|记录|数字|不要|算了|[错反重打写说报发搞弄]", thing)
        # 会改到下周开了: why the record goes (a plan, a day), no thing on it
        and not re.search(r"[改到开办做去来要会周天月年号点过在没]", thing)
        and _activity_kind(thing) is None
    )


#: 昨天报的那个凉亭村的会员活动 / 哈达图嘎查那条 / 保险那条: a card or record described by when it
#: was reported, where it was held and what it was, and nothing else
_RECORD_DESCRIBED = re.compile(
    r"(?:刚才|刚刚|上面|之前|前面|昨天|前天|今天|上午|下午|昨晚|早上|今早|中午)?"
    r"(?:(?:报|发|登记|上报|报上来|发上来)的?)?(?:那个|那条|这个|这条|那次|那一条)?"
    r"(?P<place>[\u4e00-\u9fff]{2,10}?)??的?"
    rf"(?P<kind>(?:{RECORD_KIND_WORDS})(?:活动)?)?的?"
    r"(?P<pointer>那条|这条|那个|这个|那次|那场|那一条|记录)?"
)
#: the undo words a described record may stand beside, before or after it: 撤销 / 作废 say
#: it of a record outright; 不要了 / 删掉 only when a pointer (那条) makes the record the thing
_UNDO_OUTRIGHT = re.compile(r"撤销|撤回|作废")
_UNDO_POINTED = re.compile(r"不要了|删掉|删除|删了")


def _undo_spoken_of(body: str) -> Control | None:
    """撤销昨天报的那个凉亭村的会员活动 / 凉亭村的会员活动作废 / 哈达图嘎查那条不要了 /
    作废讲座那条 那个是别的组搞的: an undo of the card or record its description names (its
    place, its activity or both), the undo word before or after it; else None. The
    description is a topic only: the caller undoes what it matches, or asks."""
    pieces = re.split(r"[，,。；;\s]+", body, maxsplit=1)
    head, reason = pieces[0], pieces[1] if len(pieces) > 1 else ""
    for word in (_UNDO_OUTRIGHT, _UNDO_POINTED):
        first = word.match(head)
        last = word.search(head)
        if first is not None:
            said = head[first.end() :]
        elif last is not None and re.fullmatch(r"(?:吧|了|掉|啦|啊)*", head[last.end() :]):
            said = head[: last.start()]
        else:
            continue
        said = re.sub(r"^(?:帮我|麻烦|请|把|掉|了)+|(?:吧|了|掉|啊)+$", "", said)
        described = _RECORD_DESCRIBED.fullmatch(said)
        if described is None or not said:
            return None
        place, kind = described.group("place") or "", described.group("kind") or ""
        if place and find_place(place).name != place:
            return None  # 撤销那个环保袋: a thing on the card, no record
        if not place and not kind:
            return None
        if word is _UNDO_POINTED and not described.group("pointer"):
            return None  # 宣传不要了: maybe a thing, maybe a word; read elsewhere
        if reason and not _explains_only(reason, UNDO_REASON_LENGTH):
            return None
        topic = f"{place}的{kind}" if place and kind else place or kind
        return Control("cancel", topic=topic, saved=_strong_saved_ref(said))
    return None


def _strong_saved_ref(text: str) -> bool:
    """昨天报的 / 上午登记的: clearly a saved record. 刚才报的 may still be a waiting card."""
    return bool(re.search(r"昨天|前天|上午|下午|昨晚|早上|今早|中午|之前|登记|保存|存", text))


# -- corrections -------------------------------------------------------------------------------

_FIELD_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("date", ("日期", "时间", "日子", "哪天", "活动日期")),
    ("place", ("地点", "地方", "位置", "村名", "场地", "地址", "活动地点")),
    (
        "participants",
        (
            "参加人数",
            "参与人数",
            "到会人数",
            "参会人数",
            "到场人数",
            "人数",
            "来的人",
            "到的人",
            "参加的人",
            "人",
        ),
    ),
    ("kind", ("活动类型", "类型", "类别", "性质")),
    ("households", ("户数", "走访户数", "户")),
    ("items", ("物品", "东西", "发的东西", "发放物品")),
)
_PEOPLE_HEADS = re.compile(
    r"^(?:会员|群众|村民|居民|妇女|育龄妇女|学生|家长|牧民|老人|孕妇|志愿者|孩子|参加的|来的|到会的|"
    r"到的|参训的|参训会员|听课的)$"
)
_MARKERS = re.compile(
    r"不对|错了|有错|打错|写错|说错|搞错|弄错|记错|报错|不准|[打写弄说搞]反了?|改成|改为|改到|改一下|改下|换成|应该是|"
    r"应为|更正|纠正|少写|漏写|漏了|忘写|忘了写|多写|多打|少打|不是|"
    # 其实是十五个人 / 实际上是前天: the value it really was, said over the one on the card
    r"(?:^|(?<=[，,。\s]))(?:其实|实际上?)(?:是|有)(?=[\d一二两三四五六七八九十百前昨上在])|"
    r"(?:没有|没得|冇|哪有|哪里有)(?=[\d一二两三四五六七八九十百几])|"
    r"没有?(?:那么|这么)(?:多|少)|哪有(?:那么|这么)(?:多|少)|[少多](?:打|写)?了?一?个(?:[0零一]|\d)"
)
# 刚才少报了 / 没写清楚: the report just sent said too little or not clearly; a correction only
# when the message has no activity of its own (上周漏报了：11月3日… is a catch-up report)
_SAID_TOO_LITTLE = re.compile(r"少报|多报|报少了|报多了|没写清|没说清|没讲清|没写全|没说全")
#: 少写了个0 / 漏了个0 / 多打了一个零: a count mistyped, nothing added or left out
_MISSED_ZERO = re.compile(r"(?:[少多漏](?:打|写|输)?了?|(?:打|写|输)(?:漏|少|多)了?)一?个[0零]")
#: 算漏了 / 少算了 / 漏数了: the counting went wrong (said with what was missed in it, the
#: reason the counts corrected beside it changed)
_MISCOUNTED = re.compile(r"算漏|漏算|少算|数漏|漏数|少数")
_ADD = re.compile(
    r"少写了?|漏写了?|漏了|忘(?:了|记了?)?(?:写|说|讲|加)(?:了|上)?|漏(?:说|讲)了?|没写上|还要加上?|"
    r"补上|加上|少算了?|漏算了?|算漏了?|漏数了|少数了|(?<=[\u4e00-\u9fff])没(?:写|记|填|算)上?$"
)
# 人数没数 / 没数人数 / 人数不清楚: attendance was not counted, the card's number goes
_NO_PEOPLE = re.compile(
    r"^(?:人数|人)(?:没数|没有数|没统计|没有统计|没点|不清楚|不知道|不记得了?|记不清了?)$|"
    r"^(?:没数|没统计|没点)(?:人数|人)$"
)
# 环保袋没发 / 去掉环保袋 / 环保袋删掉: an item that was not handed out
_REMOVE_AFTER = re.compile(
    r"^(?:把|将)?(?P<name>[\u4e00-\u9fff]{2,10}?)(?:其实)?(?:没发|没有发|没派|没有派|没送|没有送|没办|没有办|没发放|"
    r"没办成|没有办成|没发成|没送成|没搞成|不算|去掉|删掉|删了|删除|不要了?|没有|"
    r"不要写|别写|不用写|不写|不要记|别记)(?:吧|了|的)?$"
)
_NOT_OURS = re.compile(
    r"^(?P<name>[\u4e00-\u9fff]{2,8}?)(?:是|都是|那是|其实是)(?:别人|人家|镇里|县里|乡里|卫生院|医院|"
    r"他们|她们|其他人|别的组|别的村|村里|计生办|妇联|疾控)[\u4e00-\u9fff]{0,4}?(?:发|送|办|搞|给|测|量|做|讲|开)的$"
)
_NOT_COUNTED = re.compile(r"^(?:不算|不要算|别算|不能算|不用算|不计|不计入)(?:吧|了|的)?$")
_POINTING = re.compile(r"那个|这个|那些|这些|那样|这样|它")
_REMOVE_BEFORE = re.compile(
    # (今天没发资料: the day the thing was not handed out is the card's own)
    r"^(?:这次|这回|今天|当天|那天|当时)?(?:把)?(?:(?:去掉|删掉|删除|去了|撤销|撤掉|取消)(?:那个|这个)?|(?:其实)?(?:没有?|并没有?)(?:发|送|发放|办))"
    r"(?P<name>[\u4e00-\u9fff]{2,10}?)(?:吧|了|的)?$"
)
# 去掉吧 / 只发了资料: said around a removal, no value of its own
_ONLY = re.compile(r"^(?:只|就|只是)(?:发|送|办|发放)了?(?P<name>[\u4e00-\u9fff]{2,10})$")
_REMOVE_FILLER = re.compile(r"^(?:去掉|删掉|删了|不要)(?:吧|了)?$")
# 然后 / 还有 / 另外: one correction message saying several things in one run
# (是另外一场的: 另外 after 是 is "another", no joiner)
_JOINERS = re.compile(r"(?<=[\u4e00-\u9fff\d])(?<![是系])(?:然后|还有|另外|并且|而且|再就是)")
# 义诊那条 / 走访那次: the card spoken of by its activity
_SPOKEN_OF = re.compile(
    r"^(?P<when>[^，,。\s是]{1,8}?(?=的))?的?(?P<what>[^，,。\s\d是为在改不]{2,6}?)"
    r"(?:那条|那一条|那次|那场|那个)?$"
)
_DATE_LEAD = re.compile(r"^(?P<when>[^，,。\s]{1,8}?)的?(?P<that>那条|那一条|那次|那场|那个)")
_TOPIC_LEAD = re.compile(r"^(?P<topic>[\u4e00-\u9fff]{2,8}?)(?P<that>那条|那一条|那次|那场|那个)")
# Said around a correction and meaning nothing for the values: anywhere (错了, 多打了个1) or at
# the start of a clause only (还有, 具体, 我: 都 and 也 may be part of a name elsewhere).
_FILLERS = re.compile(
    r"(?:打|写|说|搞|弄|记|报)(?:错|反)了?|我?(?:打|写|说|搞|弄)反了?|不对|有错|错了|说得?不准|不准|"
    + _MISSED_ZERO.pattern
    + r"|多打了?个?[\d一二三四五六七八九十]*|"
    r"多写了?个?[\d一二三四五六七八九十]*|改一下|改下|更正一下|更正|纠正|"
    r"没有?(?:那么|这么)(?:多|少)|哪有(?:那么|这么)(?:多|少)"
)
_LEAD_FILLERS = re.compile(
    r"^(?:哦|噢|啊|嗯|哎|唉|诶|然后|而且|并且|再就是|刚才|刚刚|其实|实际上|实际|具体|还有|另外|我|就|也|都|那个|这个)+"
)
_WRONG_VALUE = re.compile(
    r"^(?P<old>[^，,。\s]{1,12}?)(?:也|还|都)?(?:是错的|是错误的|是错|错了|不对|有误|写错了|打错了|报错了|"
    # 资料不止 / 人数不够: more (or fewer) than the card says, the new value follows
    r"不止|不只|不够|远不止|不止这些|不止这么多|不止那么多)$"
)
_NEGATED = re.compile(
    # 人没有六十多 / 没得25个 / 哪有六十多: the count said to be wrong, as well as 不是45人
    r"(?:不是|(?:没有|没得|冇|哪有|哪里有)(?=[\d一二两三四五六七八九十百几]))"
    r"(?P<old>[^，,。；;\s是]{1,12})"
)
_HEAD_VALUE = re.compile(
    r"^(?P<head>[^，,。是为在]{0,12}?)(?:应该|应|也|还)?(?:是|为|改成|改为|改到|换成|写成|在)(?P<value>.+)$"
)
_COUNT = re.compile(
    rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来|左右)?\s*(?P<unit>人次|口人|人|名|位|个|户|份|本|张|盒|瓶|袋|件|套|条|册|支|箱|斤|把|幅|元|块|副|床|吨|桶|板|包|双|台|罐|枚)?"
)
_PEOPLE_UNITS = ("人", "名", "位", "口人")
_KIND_ALIASES = {
    "会员活动": "member",
    "小组活动": "member",
    "小组会": "member",
    "例会": "member",
    "宣传": "publicity",
    "宣传活动": "publicity",
    "讲座": "lecture",
    "培训": "lecture",
    "讲课": "lecture",
    "义诊": "clinic",
    "体检": "clinic",
    "入户": "visit",
    "走访": "visit",
    "慰问": "visit",
    "保险": "insurance",
    "关爱保险": "insurance",
    "青春健康": "youth",
    "其他": "other",
    "其他活动": "other",
}
# 今天才报 / 现在才想起来报 / 忘了报 / 补报一下: the reporting, said beside a correction
_WHEN_REPORTED = re.compile(
    r"^(?:我|就是|只是|是)?(?:今天|今日|现在|刚刚?|这会儿?|昨天|晚上|这阵)?(?:才|刚)"
    r"(?:有空|有时间|得空|想起来?|记起来?|来|顺便)?(?:报|上报|发|想起来|汇报|登记)[的了]?(?:一下)?$|"
    r"^(?:我)?(?:忘了|忘记)(?:报|上报|发)了?$|^(?:今天|现在)补报(?:一下)?$"
)
# 讲的 / 主要讲的 / 内容 / 主题: what an activity was about, not a field or an item
_ABOUT = re.compile(
    r"^(?:主要|其实|就)?(?:讲|说|讲解|讲授|宣讲|介绍|宣传|培训|聊)(?:的内容|的主题|的)$|"
    r"^(?:活动|讲座|培训|宣传)?(?:的)?(?:内容|主题|题目)$"
)
_TOPIC_TRIM = re.compile(r"那个|那条|那次|这个|这条|这次|那场|开的|搞的|办的|的$|^开|^搞|^办|^做")


@dataclass(frozen=True)
class Change:
    """One field set by a correction.

    ``field`` is date / place / participants / kind / item / item_add / item_rename /
    households. For items ``name`` is the item spoken of ("关爱保险", or the old name of a
    rename) and ``item`` the new value.
    """

    field: str
    date: DateSpan | None = None
    place: str | None = None
    place_home: bool = False
    people: tuple[int, bool] | None = None
    kind: str | None = None
    item: Item | None = None
    name: str = ""


@dataclass
class Correction:
    """What a correction-shaped message says: which card, which fields, which values."""

    numbers: tuple[int, ...] = ()
    saved_ref: bool = False
    topic: str = ""
    changes: list[Change] = field(default_factory=list)
    explicit: bool = False  # correction words or a named field, not just a value
    fields_named: list[str] = field(default_factory=list)
    olds: list[str] = field(default_factory=list)
    reference: bool = False  # "<something>是<value>": a card spoken of by its content
    leftover: bool = False  # a clause with a count or a name that gave no change: not all read
    kept: list[str] = field(default_factory=list)  # 只发了资料: items said to stay as they are
    explained: bool = False  # 讲的是关爱保险: a clause saying what the activity was about
    about: str = ""  # what it was about (关爱保险)
    date_ref: DateSpan | None = None  # 3号那个是在福禄村开的: the card of that date
    stated: bool = False  # 是上个礼拜六搞的: the value said outright with 是, no other words
    item_wrong: str = ""  # 资料不对: the thing said to be wrong, its new value not said
    restated: list[Change] = field(default_factory=list)  # 其他没错 今天 江口村: said again

    @property
    def fields(self) -> set[str]:
        return {change.field for change in self.changes}


def _field_lead(head: str) -> str:
    """The activity named before a field (会员活动的地点 → 会员活动, 下午那个讲座人数 → 讲座),
    when it could tell one card from another; else ""."""
    head = _FIELD_SPOT.sub("", head.strip()) or head.strip()
    words = sorted(
        {w for _name, ws in _FIELD_WORDS for w in ws if len(w) > 1 and head.endswith(w)}, key=len
    )
    for word in words:  # 会员活动地点: 地点 of 会员活动 (not 活动地点 of 会员)
        lead = _topic(head[: -len(word)])
        if len(lead) < 2 or lead in _GENERIC_TOPICS:
            continue  # 活动的地点: any card's
        if _plausible_topic(lead):
            return lead
    return ""


def _field_of(head: str) -> str | None:
    # 人数那里 / 日期那一栏 / 地点这块: the field, pointed at where it is written
    head = _FIELD_SPOT.sub("", head.strip()) or head.strip()
    if not head:
        return None
    for name, words in _FIELD_WORDS:
        if head in words:
            return name
    for name, words in _FIELD_WORDS:
        if name == "households" or name == "participants":
            continue
        if any(head.endswith(word) for word in words):
            return name
    if head.endswith(("人数", "户数")):
        return "participants" if head.endswith("人数") else "households"
    if _PEOPLE_HEADS.match(head):
        return "participants"
    return None


_FIELD_SPOT = re.compile(
    r"(?:那里|这里|那儿|这儿|那块|这块|那一?栏|这一?栏|那一?项|这一?项|那一?行|那个|这个)$"
)
_WHY = re.compile(r"^(?:因为|由于|原因是|是因为)")
#: 刚才9户打错了 / 少打了个1: how the slip happened, with the old value or a digit left out;
#: no value of its own
_SLIP_SAID = re.compile(
    rf"^(?:刚才|刚刚|之前|原来|前面)?(?:那个|的)?(?:(?P<old>{NUMBER})(?:多|余|几|来)?"
    r"(?:人次|人|个|份|本|户|盒|袋|张|条)?(?:是|那个)?(?:打错|写错|说错|报错|搞错|弄错|记错|按错)了?"
    r"|[少多](?:打|写|按)了?一?个(?:\d|[零一]))$"
)
_WHAT_IT_WAS = re.compile(
    rf"^(?P<old>{NUMBER})(?:多|余|几|来)?(?:人|个|份|本)?(?:是|那是)(?!错|不对|有误|误)"
    rf"[\u4e00-\u9fff]{{1,8}}的(?:数|数量|数目|个数)?(?:字)?$"
)
_OLD_AS_ITEM = re.compile(
    rf"^(?P<old>{NUMBER})(?P<approx>多|余|几|来)?(?:人次)?(?:是|那是|其实是|系)"
    r"(?P<name>[\u4e00-\u9fff]{2,8}?)的?人次$"
)
_TOTAL = re.compile(r"^(?:一共|总共|共计|合计|总计|共|总数|加起来)")
_IN_A_WORD = re.compile(r"一(?:共|起|下|些|点|样|直|定|般|切|致|同|边|会|次性|块儿)")


def _count(text: str) -> tuple[int, bool, str] | None:
    """(value, approximate, unit) of the first count in ``text``."""
    for match in _COUNT.finditer(text):
        if _IN_A_WORD.match(text, match.start()) and not match.group("unit"):
            continue  # 一共15人 / 一起: a numeral in a word, not a count
        raw = match.group("num") + (match.group("approx") or "")
        before = text[max(0, match.start() - 3) : match.start()]
        quantity = parse_quantity(raw.replace("左右", ""), before)
        if quantity is None:
            continue
        # 30个左右: the approximation may follow the unit, as in a report
        after = text[match.end() : match.end() + 2]
        approximate = quantity.approximate or "左右" in raw or after in ("左右", "上下")
        return quantity.value, approximate, match.group("unit") or ""
    return None


def _activity_kind(name: str) -> str | None:
    """The kind ``name`` is when it names an activity (培训, 会员小组会), not a thing handed
    out (宣传册 names no activity)."""
    kind = _kind_value(name)
    if kind == "publicity" and not _PUBLICITY_EVENT.search(name):
        return None
    return kind


def _kind_value(text: str) -> str | None:
    value = text.strip().rstrip("的")
    if value in _KIND_ALIASES:
        return _KIND_ALIASES[value]
    for label_kind, label in KINDS.items():
        if value == label:
            return label_kind
    kind = classify_kind(value)
    return kind if kind != "other" else None


#: 上午 / 下午 / 晚上: a part of the day alone; at the start of a report it is today, in a
#: correction (是上午搞的 不是下午) it moves the hour, which no card holds, and never the day
_DAY_PART = re.compile(r"上午|下午|中午|早上|晚上|傍晚")


def _day_said(value: str, sent: datetime) -> tuple[DateSpan, tuple[int, int]] | None:
    """The date ``value`` says, unless it says only a part of the day."""
    found = find_date(value, sent)
    if found is not None and _DAY_PART.fullmatch(fold(value)[found[1][0] : found[1][1]]):
        return None
    return found


def _value_changes(
    field_name: str | None,
    value: str,
    head: str,
    sent: datetime,
    home: str | None,
    *,
    copula: bool = False,
) -> list[Change]:
    """The changes one value gives: for the field named, else for what the value looks like."""
    value = value.strip()
    if not value:
        return []
    if field_name == "kind":
        kind = _kind_value(value)
        return [Change("kind", kind=kind)] if kind else []
    if field_name == "date":
        found = _day_said(value, sent)
        return [Change("date", date=found[0])] if found else []
    if field_name == "place":
        place = find_place(value, home)
        if place.name:
            return [Change("place", place=place.name, place_home=place.home)]
        named_place = _NAMED_PLACE.fullmatch(value.strip())
        if named_place:
            # 地点是新村屯: the place field named, and a name that ends like a place, taken as
            # said even when no place word list knows it
            return [Change("place", place=named_place.group("name"))]
        return []
    count = _count(value)
    if field_name == "participants":
        named = [i for i in extract_items(value) if count and i.quantity == count[0]]
        if (
            count
            and count[2] in ("", "个")
            and named
            and _stray_rest(value)
            and find_participants(value) is None
            and re.search(r"发|送|办|派|领|测|量", value)
        ):
            # 人数是30 还有发了环保袋50个: a thing counted, after the attendance was said
            return [Change("item", item=i, name=i.name) for i in named]
        if count and count[2] in ("", *_PEOPLE_UNITS, "个"):
            return [Change("participants", people=(count[0], count[1]))]
        if count and count[2] == "人次":
            # 不是来了150人，是咨询了150人次: people-times are no attendance
            items = extract_items(value)
            if items:
                return [
                    Change("participants_clear"),
                    *(Change("item_add", item=i, name=i.name) for i in items),
                ]
        return []
    if field_name == "households":
        if count and count[2] in ("", "户"):
            return [Change("households", item=Item("", count[0], "户", count[1]))]
        return []
    if field_name == "items":
        items = extract_items(value)
        return [Change("item", item=item, name=item.name) for item in items]
    # no field named: what does the value look like?
    found = _day_said(value, sent)
    place = find_place(value, home)
    changes: list[Change] = []
    name = _topic(_clean_head(head)) if head else ""
    if count and name and _ROLL.search(name) and count[2] in ("", "个", *_PEOPLE_UNITS):
        # 签到表上是38个 / 名单上是40: the people on the sign-in sheet are the attendance
        return [Change("participants", people=(count[0], count[1]))]
    if count and name and count[2] and re.search(r"[上里中]$", name):
        return []  # 本子上是38个: where the count was read, no thing handed out (asked)
    if count and count[2] == "户" and head and _VISITED.fullmatch(head.strip()):
        # 走的是11户: how many households were visited, whatever the card calls them (慰问是5户:
        # the visit named, so the card of that visit is the one meant among several)
        visit = name if _KIND_ALIASES.get(name) == "visit" else ""
        return [Change("households", item=Item(visit, count[0], "户", count[1]), name=visit)]
    if count and name and count[2] and count[2] not in _PEOPLE_UNITS:
        # 关爱保险是20份 / 测血糖是80人次 / 大米也是6袋 / 保费系两千块 (in yuan)
        unit = money_unit(name, count[2])
        return [Change("item", item=Item(name, count[0], unit, count[1]), name=name)]
    kind = _KIND_ALIASES.get(value.rstrip("的")) if copula else None
    # 搞的是义诊 / 开的是讲座: the verb of holding it names no field, the activity is the type
    held = bool(head) and _HELD.fullmatch(head.strip()) is not None
    if (
        copula
        and kind is None
        and (not head or held)
        and not count
        and found is None
        and not place.name
    ):
        # 是开的讲座 / 是青春健康讲座: an activity, said outright, is the card's type (就是讲座
        # 是上午搞的: the activity is what the rest is said of, no type said)
        kind = (
            _activity_kind(_HELD.sub("", value))
            if len(value) <= 10 and "是" not in value
            else None
        )
    if kind and (not head or held or _kind_value(head)):
        return [Change("kind", kind=kind)]  # 是义诊 / 会员活动改成宣传活动
    if (
        name
        and found is None
        and not place.name
        and not count
        and _NOUN.fullmatch(value)
        and not value.endswith("的")
        and _could_name_a_thing(name, sent)
        and _could_name_a_thing(value, sent)
    ):
        # 资料那个是宣传折页: the item's name was wrong
        return [Change("item_rename", name=name, item=Item(value, 0, ""))]
    people = find_participants(value)
    if people is not None:
        changes.append(Change("participants", people=(people[0], people[1])))
    elif count and count[2] in _PEOPLE_UNITS:
        changes.append(Change("participants", people=(count[0], count[1])))
    if not head:
        for item in extract_items(value, people[2] if people else None):
            changes.append(Change("item", item=item, name=item.name))
    if found is not None:
        changes.append(Change("date", date=found[0]))
    if place.name:
        changes.append(Change("place", place=place.name, place_home=place.home))
    return changes


_NOUN = re.compile(r"[\u4e00-\u9fff]{2,10}")
#: what no name of a thing holds: a person, a negation, the verbs of what happened
_NO_THING_WORDS = re.compile(r"[我你他她咱]|们|没|不|开会|搞|办活动|下雨|落雨|有事")


def _could_name_a_thing(name: str, sent: datetime) -> bool:
    """资料 / 宣传折页 may name a thing; 昨天我 / 镇里开会没搞活动 (what happened) cannot."""
    place = find_place(name)
    return (
        find_date(name, sent) is None
        and _NO_THING_WORDS.search(name) is None
        # 剩下20张还在村委会: a count, somewhere (三孩政策宣传册 is a thing)
        and re.search(r"\d|[一二两三四五六七八九十百千]+[张份本个盒袋瓶件套户人]", name) is None
        and not place.name
        and not place.home_venue
    )


_NAMED_PLACE = re.compile(
    r"(?:在)?(?P<name>[\u4e00-\u9fff]{1,8}(?:村|屯|社区|嘎查|镇|乡|苏木|街道|寨|庄))"
    r"(?:开的|搞的|办的|做的|那边|这边|那里)?"
)
_WRITE_VERB = re.compile(
    r"^(?:要|得|应该|应)?(?:写成|写为|写作|写|填成|填为|填|记成|记为|记作|记)(?:的是|上)?"
)
_WRITE_AS = re.compile(r"^(?:就|那就|还是|干脆)(?:写|记|按|填)(?:成|作|为)?")
_ROLL = re.compile(
    r"(?:签到|名单|花名册|签名|登记表|签到本|签到簿)[表本册簿]?(?:上|里|中)?$|"
    # 点过人数了 是33个 / 数了一下 是33个: the people counted again
    r"^(?:重新|刚刚?|又|再)?(?:点过|点了|点完|数过|数了|清点了?)(?:一下|一遍)?(?:人数|人头|名)?了?$"
)
_HELD = re.compile(r"^(?:开的|搞的|办的|做的|开了?|搞了?|办了?)")


def _clean_head(head: str) -> str:
    head = re.sub(r"^(?:发的|发放的|办的|送的|还有|另外|其中)", "", head.strip())
    # 手册数量 / 资料的份数: the thing, whose count is meant
    counted = re.sub(r"的?(?:数量|数目|个数|份数|本数|张数|盒数|件数)$", "", head)
    head = counted if len(counted) >= 2 else head
    head = head.strip(" 的")
    # 保险办的是十八份 / 宣传单发的是60张: the thing, without the verb of handing it out
    verbless = re.sub(r"(?:办|发|送|发放|派|领)了?$", "", head)
    return verbless if len(verbless) >= 2 else head


def _topic(head: str) -> str:
    head = _SAVED_REF.sub("", head)
    previous = None
    while previous != head:
        previous = head
        trimmed = _TOPIC_TRIM.sub("", head).strip()
        head = trimmed if len(trimmed) >= 2 else head
    return head


#: A clause giving the reason for a change just made: 因为… / 由于… / 有两个是代领的.
_REASON = re.compile(
    r"(?:因为|因|由于|原因是|(?:有(?:\d+|[一两二三四五六七八九十几]+)"
    r"(?:个|位|名|份|本|张|盒|袋|户|人次)?人?|有的人?|有些人?|有一些人?|其中)"
    # (有三个迟来的没计到: who they were may come between)
    r"(?:[^，,。；;\s\d]{1,4}?的)?(?:是(?!在)|没|不|未)|"
    # 关爱保险是20份 后面又有8个人办了: who took the thing later, why its count changed
    # (后尾 / 跟住: Cantonese 后来; 来办: came to take it out)
    r"(?:后面|后来|之后|然后|后尾|后首|跟住)?又有(?:\d+|[一两二三四五六七八九十几]+)(?:个|位|名)?人?"
    r"(?:来|过来)?(?:办|领|买|签|交|拿)了?)"
)

#: 今天是在整理签到表 / 52是签到本上的总数 / 琴日系去镇里开会: the card's old value, and what it
#: really was; it explains the mistake and is no value of the card
_OLD_EXPLAINED = re.compile(
    r"^(?P<head>[^，,。是系]{1,8}?)(?:实际上|其实)?(?:是|系)(?P<value>.+)$"
)
#: 宣传单是上个礼拜发的 / 药具不是这次发的 / 这次没有发: a thing handed out at another time
_THING_VERB = r"(?:发|送|办|发放|派|给|量|测|做|搞)"
_OTHER_TIME = re.compile(
    r"^(?P<name>[\u4e00-\u9fff]{2,8}?)(?:是|都是|其实是)(?P<when>[^，,。\s在]{1,8}?)"
    r"(?:发|送|发放|派|给)的$"
)
#: 上个礼拜 / 上次 / 之前 / 前天: the words of a time; 顺带 / 顺便 / 免费 (said where _OTHER_TIME
#: reads its "when") say how the thing went out, not when
_TIME_SAID = re.compile(r"[次回天号日月周年前后早晚时昨今明]|礼拜|星期|平时")
_NOT_THIS_TIME = re.compile(
    rf"^(?P<name>[\u4e00-\u9fff]{{2,8}}?)(?:其实)?不是(?:这次|这回|今天|当天|这一次|那天){_THING_VERB}的$"
)
_THIS_TIME = r"(?:这次|这回|今天|当天|这一次|那天)"
_THIS_TIME_NOT = re.compile(
    rf"^{_THIS_TIME}(?:其实)?(?:没有?|并没有?|不是)(?:{_THING_VERB})?(?:的|了)?$"
)
_COUNTED_AS = re.compile(
    r"^(?:这个|这条|那个|那条|类型)?(?:应该|要|得|就)?(?:算|算是|归到|归为|归入|属于|记成|记为|记作)"
    r"(?P<kind>[\u4e00-\u9fff]{2,8}?)(?:吧|了|的|类|活动)?$"
)
_NONE_OF = re.compile(
    r"^(?:其实|根本)?(?:没有|没|并没有)(?![有发送办派给])(?P<name>[\u4e00-\u9fff]{2,10}?)(?:吧|了|的)?$"
)
_REMOVAL_WORDS = re.compile(r"去掉|删掉|删了|删除|不算|不要|别写|别记|没有?" + _THING_VERB)
#: 另外还量血压90人次 / 还有发了环保袋50个: a clause adding something done besides
#: 环保袋没派到 / 手册没发出去 / 米没送成: a thing on the card that was not handed out
_NOT_HANDED = re.compile(
    r"^(?P<name>[\u4e00-\u9fff]{1,8}?)(?:其实|实际)?(?:没有?|未)(?:派|发|送|发放|派发|给)"
    r"(?:到|出去|成|出)?(?:了|啊|呀|哦)?$"
)
_DROP_IT = re.compile(r"(?:删了?|去掉|划掉|拿掉)(?:它|这个|那个)?(?:吧|啦|了)?")
# 再加50个环保袋 / 还要再添两盒: one more thing, its count right after the word that adds it
_ADD_MORE = re.compile(
    r"^(?:另外|还有|还要|还|再|另)*(?:加|添|补|多加|多发)(?:上|了)?(?=[\d一二两三四五六七八九十百几])"
)
_ADD_LEAD = re.compile(rf"^(?:另外|还有|另)(?:还)?(?:{_THING_VERB}|了)|^还{_THING_VERB}")
#: 搞了三天 / 一共办了两天: how long an activity ran, at the end of a message
_DAYS_LONG = re.compile(
    r"[，,。\s]+(?:一共|总共|连续)?(?:搞|办|开|弄|做|宣传)了?(?:两|三|四|五|六|七|[2-7])天(?:了|的|啊)?$"
)
#: 18号到19号 / 3号至5号: a span, which a single day read from it would shorten
_SPAN_SAID = re.compile(
    r"(?P<first>\d+|[一二三四五六七八九十]+)(?:号|日)?\s*(?:到|至|—|~|-)\s*"
    r"(?P<last>\d+|[一二三四五六七八九十]+)\s*(?:号|日)"
)


_RATE = re.compile(
    r"(?:^|(?<=[，,。；;\s]))每(?:户|人|个|位|家|份|本|盒|次|名)?[^，,。；;\s]{0,4}?"
    r"(?:\d+|[一二两三四五六七八九十百千]+)\s*(?:元|块|份|本|盒|个|斤|袋|包|张|瓶|套)"
    r"(?=[，,。；;\s])"
)
_TOTAL_SAID = re.compile(r"(?:^|[，,。；;\s])(?:一共|总共|共计|合计|总计|共)")
#: 后来又去了一家 / 之后又来了3个: something done after, which a count may have grown by
_LATER_MORE = re.compile(r"^(?:后来|之后|然后|后面|后尾|跟住)(?:又|还|再)")
#: 表上 / 本子上 / 名单里: where a count was read, said before it
_READ_ON = re.compile(r"[表本册单簿子账][上里中]$")
_CLAUSE_PARTICLE = re.compile(r"(?<=[\u4e00-\u9fff\d])[吧啊呀哈啦嘛哦噢咯喔哇]+$")
_INTERJECTION = re.compile(
    r"^(?:哎呀|哎哟|哎|唉呀|唉|啊呀|哦哟|哎唷|嗨|呀|啊|呃|诶|欸|哦|噢|嗯)[，,！!。\s]*"
)


def _remove_item(result: Correction, head: str) -> None:
    """A thing on the card named as not handed out (or not by us): remove it, once."""
    result.explicit = True
    name = _clean_head(head)
    pointed = _POINTING.sub("", name).strip(" 的")
    change = Change("item_remove", name=pointed if len(pointed) >= 2 else name)
    if change not in result.changes:
        result.changes.append(change)


_MONTH_AFTER = re.compile(
    r"(?P<day>(?<![\d月])(?:\d{1,2}|[一二三四五六七八九十]{1,3})[号日])[，,\s]*(?:是|系)?"
    r"(?P<month>上个?月|上一个月|这个?月|本月)(?:的|嘅)?(?=$|[，,。；;！!\s])"
)


#: 算了还是25 / 改回25 / 还是按原来的30: back to a number the report itself said
_BACK_TO = re.compile(
    r"^(?:算了|那|那就|就)?(?:还是|改回|改回成|改回到|还是按|还是写)(?:原来的?|之前的?)?"
    r"(?P<value>[^，,。\s]{1,8})$"
)


_HOW_IT_SLIPPED = re.compile(
    r"(?:刚才|刚刚)?(?:语音|语音识别|语音输入|语音转文字|输入法|手机)(?:识别|转|打)?(?:错了|搞错了|弄错了|有误|出错了?)"
)
_SPOT_AFTER_PLACE = re.compile(
    r"(?P<place>[\u4e00-\u9fff]{2,10}?(?:村|社区|嘎查|镇|街道|苏木|乡))"
    r"(?:长者饭堂|饭堂|活动室|文化室|会议室|礼堂|文化广场|广场|门口|"
    r"会员之家|小学|中学|卫生院|卫生室|祠堂)(?=搞|开|办|做|举行|进行|的|$|[，,。\s])"
)


def _without_spot(match: re.Match[str]) -> str:
    """众涌社区长者饭堂 → 众涌社区; 社区活动室 (no place named) stays a venue."""
    place = find_place(match.group("place"))
    return match.group("place") if place.name and not place.home else match.group(0)


#: 18个是错的 是28个: a count (no 第) said wrong, then the new count in the same measure
_COUNT_SAID_WRONG = re.compile(
    rf"^(?P<old>{_NUMBER_WORD})\s*个\s*(?:是错的|是错误的|是错|错了|不对|有误|写错了|打错了|报错了)"
    rf"[，,\s]*(?:应该|其实|实际)?是{_NUMBER_WORD}\s*个"
)


def read_correction(text: str, sent: datetime, home: str | None = None) -> Correction:
    """Read ``text`` as a correction: the card it names, the fields and their new values."""
    body = _FILLER_END.sub("", fold(text).strip())
    body = _INTERJECTION.sub("", body) or body  # 哎呀说错了…: the sigh says nothing
    # 刚才语音识别错了: how the slip came about says nothing of the value
    body = _HOW_IT_SLIPPED.sub("", body) or body
    # 是在众涌社区长者饭堂搞的: the spot inside the place named is no part of it
    body = _SPOT_AFTER_PLACE.sub(_without_spot, body)
    # 应该是测血压 不是测血糖: the new name and the old one, said in two breaths, are one rename
    body = re.sub(
        r"(?<=[\u4e00-\u9fff])(是[\u4e00-\u9fff]{1,10})[\s，,]+(不是[\u4e00-\u9fff]{1,10})$",
        r"\1\2",
        body,
    )
    # 23个人 有3个请假没来: who stayed away is no value
    body = re.sub(
        r"[，,\s]*有?[\d一二两三四五六七八九十]+个?人?(?:请假|没来|没到|缺席)[^，,。\s]*", "", body
    )
    # 这个不是宣传哈 是讲座: a particle at the end of a clause says nothing
    body = re.sub(r"(?<=[\u4e00-\u9fff])[哈嘛呀](?=[\s，,。！!]|$)", "", body)
    # 是120份 120: the new value said twice
    body = re.sub(r"(\d+)([份个本人张盒户袋瓶])([\s，,]+)\1$", r"\1\2", body)
    # 做孕前检查是不是免费的: a yes-or-no question, whose 不是 says no value is wrong
    body = body.replace("是不是", "是否")
    # 不是光3号 是3号到5号: not only the 3rd
    body = re.sub(r"不是光|不光是", "不是", body)
    # 在安阳镇那边开的人是二十多个 (voice input, one breath): the people are a second clause
    body = re.sub(r"(?<=[\u4e00-\u9fff]{2}[的了])(?=人(?:数|是|有|来了|到了))", "，", body)
    # 是3号 上个月的: the month said after the day belongs to it (上个月3号, never this month's)
    body = _MONTH_AFTER.sub(lambda m: m.group("month") + m.group("day"), body)
    # 15个 不是45 手滑打错了: a bare new count first is said as 是15个
    body = re.sub(rf"^(?={NUMBER}(?:多|余|几|来)?个?[，,\s]+不是)", "是", body)
    # 点过人数了 是33个: the count after a recount is the attendance (one clause with its head)
    body = re.sub(
        r"^((?:重新|刚刚?|又|再)?(?:点过|点了|点完|数过|数了|清点了?)(?:一下|一遍)?(?:人数|人头|名)?了?)"
        r"[，,\s]+(?=是)",
        r"\1",
        body,
    )
    # 改一下第2条 人数是112: the card named after the word that asks for the change
    body = re.sub(
        rf"^(?:帮我|麻烦)?(?:改一下|改下|更正一下|修改一下|改改)[，,\s]*(?=第\s*{_NUMBER_WORD}\s*条)",
        "",
        body,
    )
    result = Correction()
    numbers, rest = _selector(body, bare=False)
    if _COUNT_SAID_WRONG.match(body):
        numbers = ()  # 18个是错的 是28个: a count said wrong and its new one, not card 18
    else:
        body = rest
    result.numbers = numbers
    result.explicit = bool(numbers)
    said_of_saving = ",".join(
        c for c in re.split(r"[，,。；;！!\s]+", body) if c and not _WHEN_REPORTED.search(c)
    )
    if _SAVED_REF.search(said_of_saving) and _strong_saved_ref(said_of_saving):
        result.saved_ref = True
    if _MARKERS.search(body):
        result.explicit = True
    add_mode = False
    context: str | None = None
    item_head = ""  # 资料不是120份，是150份: the item the next bare count is about
    said_before = ""  # the clause before, when it gave nothing of its own
    awaiting: int | None = None  # changes made when an old value was said to be wrong
    body = _JOINERS.sub("，", body)
    # 是一百二十个 不是二百: the wrong value may be said after the new one
    said_wrong = [m.group("old") for m in _NEGATED.finditer(body)]
    # 地点是查干淖尔嘎查人是21个我把数字说反了 (voice input, one breath): a field said right
    # after another's value, and who made the mistake, start clauses of their own
    body = re.sub(
        r"(?<=[村区镇乡屯寨查天号日个人份本户])(?=(?:人数|人|日期|时间|地点|类型)(?:是|应该是|改成))",
        "，",
        body,
    )
    body = re.sub(r"(?<=[\u4e00-\u9fff\d])(?=我(?:把|说|写|打|搞|记|弄))", "，", body)
    # 不是避孕套 是避孕药具: one rename said in two pieces
    body = re.sub(
        r"(不是([\u4e00-\u9fff]{1,10}))[，,\s]+(?=(?:而)?是)",
        lambda m: m.group(0) if _count(m.group(2)) else m.group(1),
        body,
    )
    # 发的是宣传册 不是资料: the same rename said the other way round, in two pieces
    body = re.sub(
        r"(?:^|(?<=[，,\s]))([^，,\s]{1,14})[，,\s]+(不是[\u4e00-\u9fff]{1,10})(?=$|[，,。\s])",
        lambda m: (
            m.group(1) + m.group(2)
            if "是" in m.group(1) and "不是" not in m.group(1) and _rename(m.group(1) + m.group(2))
            else m.group(0)
        ),
        body,
    )
    # 每户500元 一共3000元: a rate beside its total; the total is the count
    if _TOTAL_SAID.search(body):
        body = _RATE.sub("", body)
    # 25个人 / 四十几个人: the count of people, said with its measure word
    body = re.sub(r"(?<=[\d十百千几多来余两])个人", "人", body)
    clauses = [
        # 25人不对哈 / 是前天啦: a particle closing a clause says nothing
        _CLAUSE_PARTICLE.sub("", c) or c
        for c in re.split(r"[，,。；;！!\s]+", body)
        if c
    ]
    # 因为昨天我去旗里开会了 是前天开的: why, said before the value; 45是宣传册的数: what the old
    # number was; neither is a value of the card
    for clause in list(clauses):
        as_item = _OLD_AS_ITEM.match(clause)
        old_count = to_int(as_item.group("old")) if as_item else None
        if as_item and old_count is not None:
            # 一百二十是咨询的人次 实际到场的是六十人: the old count was people-times of a
            # service, kept apart from attendance as an item of its own
            result.explicit = True
            approx = bool(as_item.group("approx"))
            item = Item(as_item.group("name"), old_count, "人次", approx)
            result.changes.append(Change("item_add", item=item, name=item.name))
            clauses.remove(clause)
    for clause in clauses:
        explained = _WHAT_IT_WAS.match(clause)
        if explained:
            # 40人是签到的 实际35人 / 36是另外一场的: the old value explained, a correction;
            # the old number is the card's number a bare new one replaces (是34个)
            result.explicit = True
            result.olds.append(explained.group("old"))
        slip = _SLIP_SAID.match(clause)
        if slip and slip.group("old"):
            result.explicit = True
            result.olds.append(slip.group("old"))  # 刚才9户打错了: the old value, said wrong
    clauses = [
        c
        for i, c in enumerate(clauses)
        if not (_WHY.match(c) and i < len(clauses) - 1)
        and not _WHAT_IT_WAS.match(c)
        and not _SLIP_SAID.match(c)
    ]
    totals = [
        (found[0], found[1])
        for c in clauses
        if _TOTAL.match(c) and (found := find_participants(c)) is not None
    ]
    result.stated = len(clauses) == 1 and bool(re.match(r"(?:其实|就|那)?是", clauses[0]))
    # (changes before the clause, the clause, leftover before it): which clause gave what
    spans: list[tuple[int, str, bool]] = []
    restating = False  # after 其他没错: the values said again are the card's own
    for clause in clauses:
        spans.append((len(result.changes), clause, result.leftover))
        if _OTHERS_RIGHT.match(clause):
            # 不是50个 是四十来个 其他没错 今天 五通社区: what follows says the rest again
            restating, context = True, None
            continue
        if restating and _bare_value(clause, sent, home):
            result.restated.extend(_value_changes(None, _bare_core(clause), "", sent, home))
            continue
        if restating and not _MARKED.search(clause):
            again = find_participants(clause)
            if again is not None and _bare_people(clause):
                # 其他对的 今天 怀洪村 20来个人: the attendance said again
                result.restated.append(Change("participants", people=(again[0], again[1])))
                continue
        if result.changes and _REASON.match(clause):
            continue  # 人数改为38 有两个是帮别人代领的: why, after what was changed
        since = _LATER_MORE.match(clause)
        grown = _count(clause) if since and not _MARKED.search(clause) else None
        if grown is not None and result.changes and _counts_in(clause) == 1:
            # 是6户不是5户 后来又去了一家: what was done after, the gap between the old count
            # and the new one, explains it; any other number is not understood (asked)
            if not _adds_up(result, grown[0]):
                result.leftover = True
            continue
        old_again = next(
            (old for old in result.olds if len(old) >= 2 and clause.startswith(old)), None
        )
        if (
            old_again
            and len(clause) > len(old_again)
            and not _value_changes(None, clause[len(old_again) :], "", sent, home)
            and _is_value_only(old_again, sent, home)
        ):
            # 不是昨天 是前天 昨天下雨没搞成: what happened on the old value's day explains it
            continue
        other_time = _OTHER_TIME.match(clause)
        if (
            other_time
            and _field_of(other_time.group("name")) is None
            and not re.fullmatch(_THIS_TIME, other_time.group("when"))
            and _is_value_only(other_time.group("name"), sent, home) is False
            and _activity_kind(other_time.group("name")) is None
        ):
            when = other_time.group("when")
            if _TIME_SAID.search(when) or find_date(when, sent) is not None:
                # 宣传单是上个礼拜发的 这次没有发 去掉: not handed out at this activity;
                # removed only when the message says so, else asked (it might be the date)
                if _REMOVAL_WORDS.search(body.replace(clause, "", 1)):
                    _remove_item(result, other_time.group("name"))
                else:
                    result.explicit = result.leftover = True
                continue
            if not _NOT_OURS.match(clause) and not _stray_count(when):
                # 宣传品是顺带发的: how the thing went out (no time, no count, nobody else's
                # work) only explains; it sets nothing and blocks nothing
                continue
        not_this_time = _NOT_THIS_TIME.match(clause)
        if not_this_time and _field_of(not_this_time.group("name")) is None:
            # 药具不是这次发的: a thing on the card that was not handed out this time
            _remove_item(result, not_this_time.group("name"))
            continue
        none_of = _NONE_OF.match(clause)
        if (
            none_of
            and _field_of(none_of.group("name")) is None
            and not _is_value_only(none_of.group("name"), sent, home)
            and not _count(none_of.group("name"))
            and (
                _clean_head(none_of.group("name")) == item_head
                or _REMOVAL_WORDS.search(body.replace(clause, "", 1))
            )
        ):
            # 测血糖写错了 没有测血糖 去掉: a thing on the card that was not done at all
            _remove_item(result, none_of.group("name"))
            continue
        if _THIS_TIME_NOT.match(clause):
            # 这次没有发: said of the thing just named; alone it names nothing
            if not any(c.field == "item_remove" for c in result.changes):
                result.leftover = True
            continue
        back = _BACK_TO.match(clause)
        if back and _COUNT.fullmatch(back.group("value")) and _count(back.group("value")):
            # 算了还是25: back to the number the report said (which field is the one changed
            # away from it, worked out on the card)
            said = _count(back.group("value"))
            assert said is not None
            result.explicit = True
            result.changes.append(Change("revert", people=(said[0], said[1]), name=said[2]))
            continue
        added_here = bool(_ADD_LEAD.match(clause))
        more = _ADD_MORE.match(clause)
        if more:
            # 再加50个环保袋: the add word is no part of the thing added
            added_here, clause = True, clause[more.end() :]
        miscounted = _MISCOUNTED.search(clause) is not None
        if _ADD.search(clause) and not _MISSED_ZERO.search(clause):
            # (少写了个0 is a count mistyped, nothing added)
            add_mode = result.explicit = True
            clause = _ADD.sub("", clause)
        if _WHEN_REPORTED.search(clause) and not _MARKERS.search(clause):
            continue  # 今天才报 / 忘了报: when the report was sent, not when it happened
        not_handed = _NOT_HANDED.match(clause)
        if not_handed and _field_of(not_handed.group("name")) is None:
            # 环保袋没派到 (删了它): the thing was not handed out after all
            _remove_item(result, not_handed.group("name"))
            result.explicit = True
            continue
        if result.changes and _DROP_IT.fullmatch(clause):
            continue  # 删了它: said of the thing just removed
        not_ours = _NOT_OURS.match(clause)
        if not_ours and not _field_of(not_ours.group("name")):
            # 环保袋是别人发的 (不算): a thing handed out by somebody else is no item of ours
            _remove_item(result, not_ours.group("name"))
            continue
        ref = _SAVED_REF.search(clause)
        if ref:
            clause = clause[: ref.start()] + clause[ref.end() :]
        spoken = _SPOKEN_OF.match(clause)
        spoken_when = (
            find_date(spoken.group("when"), sent) if spoken and spoken.group("when") else None
        )
        if (
            spoken
            and not _REMOVE_AFTER.match(clause)
            and not _REMOVE_BEFORE.match(clause)
            and _activity_kind(spoken.group("what")) is not None
            and not _FIELD_SAID.search(spoken.group("what"))  # 报的义诊人数错了: a field said
            and (
                not spoken.group("when")
                or (spoken_when is not None and spoken_when[1] == (0, len(spoken.group("when"))))
            )
            and len(clauses) > 1
        ):
            # 昨天的讲座 人数是45人: a clause that only names the card (its day and activity)
            if spoken_when is not None:
                result.date_ref = spoken_when[0]
            result.topic = result.topic or spoken.group("what")
            continue
        date_lead = _DATE_LEAD.match(clause)
        when = find_date(date_lead.group("when"), sent) if date_lead else None
        if date_lead and when is not None and when[1] == (0, len(date_lead.group("when"))):
            # 3号那个是在福禄村开的 / 11月10日那条人数不对: the card is the one of that date
            result.date_ref = when[0]
            clause = clause[date_lead.end() :]
            if not clause:
                continue
        topic_lead = _TOPIC_LEAD.match(clause)
        if topic_lead and (
            topic_lead.group("that") != "那个" or topic_lead.group("topic") in _KIND_ALIASES
        ):
            # 义诊那条人数不对: the card is the one of that activity
            result.topic = result.topic or _topic(topic_lead.group("topic"))
            clause = clause[topic_lead.end() :]
            if not clause:
                continue
        if _NOT_COUNTED.match(clause) and any(c.field == "item_remove" for c in result.changes):
            continue  # 不算 / 不要算 after the thing was named
        if (
            len(clauses) > 1
            and re.fullmatch(
                r"\d+\s*[人个份本户张盒袋元]?(?:也|都|就)?(?:是)?(?:没错|对的|对|没问题)", clause
            )
            and (result.changes or result.olds)
        ):
            continue  # 宣传折页不是资料 300份没错: the count said right beside a change
        removed = _REMOVE_AFTER.match(clause) or _REMOVE_BEFORE.match(clause)
        if (
            removed
            and _POINTING.fullmatch(removed.group("name"))
            and any(c.field == "item_remove" for c in result.changes)
        ):
            continue  # 没发避孕药具 那个删掉: the item just named, said again
        if removed and not _count(removed.group("name")) and not _field_of(removed.group("name")):
            _remove_item(result, removed.group("name"))
            continue
        if _REMOVE_FILLER.match(clause) and any(c.field == "item_remove" for c in result.changes):
            continue
        if _ONLY.match(clause):
            result.kept.append(_ONLY.match(clause).group("name"))  # type: ignore[union-attr]
            continue
        if _NO_PEOPLE.match(_LEAD_FILLERS.sub("", clause)):
            result.explicit = True
            result.changes.append(Change("participants_clear"))
            continue
        wrong_value = _WRONG_VALUE.match(_LEAD_FILLERS.sub("", clause))
        several = re.split(r"和|同|跟|与|、|及", wrong_value.group("old")) if wrong_value else []
        if len(several) > 1 and all(_field_of(part) for part in several):
            # 日期和人数都错了 是昨天 35人: each value is read by what it looks like
            result.explicit = True
            result.fields_named.extend(str(_field_of(part)) for part in several)
            context = None
            awaiting = len(result.changes)
            continue
        wrong_field = _field_of(wrong_value.group("old")) if wrong_value else None
        if wrong_field is not None:
            # 人也不对 / 类型错了: a field said to be wrong; its value is in the next clause
            result.explicit = True
            result.fields_named.append(wrong_field)
            context = wrong_field
            continue
        if (
            wrong_value
            and result.changes
            and awaiting is None
            and clause is clauses[-1]
            and _field_of(wrong_value.group("old")) is None
            and not _is_value_only(wrong_value.group("old"), sent, home)
            and not _count(wrong_value.group("old"))
        ):
            # 不是18个是28个 语音识别错了: what went wrong, said after the value that fixes it;
            # it names no field and no value of the card
            continue
        if (
            wrong_value
            and _NOUN.fullmatch(wrong_value.group("old"))
            # 地点搞错了 / 错了错了 / 不好意思日期搞错了: no item is named
            and not re.search(r"[搞写打弄记报说填]$|错|对|意思|我|你", wrong_value.group("old"))
            and not _is_value_only(wrong_value.group("old"), sent, home)
            and _kind_value(wrong_value.group("old")) is None
        ):
            # 资料是错的 / 资料也不对: an item said to be wrong (never renamed to 错的); what it
            # should be must follow
            result.explicit = True
            result.fields_named.append("items")
            context = "items"
            item_head = _clean_head(wrong_value.group("old"))
            result.item_wrong = item_head
            awaiting = len(result.changes)
            continue
        if wrong_value and _is_value_only(wrong_value.group("old"), sent, home):
            # 45人是错的 / 江口村不对 / 那个78也不对: the old value, said to be wrong; the new
            # one must follow, or the message is not all understood
            result.explicit = True
            result.olds.append(wrong_value.group("old"))
            context = context or _field_from_old(wrong_value.group("old"), sent, home)
            awaiting = len(result.changes)
            continue
        for negated in _NEGATED.finditer(clause):
            result.olds.append(negated.group("old"))
        rename = _rename(clause)
        if rename is not None:
            new, old = rename
            result.explicit = True
            kind = _kind_value(new) if context == "kind" else None
            # 类型不对 不是开会是青春健康讲座: the type was named, so the new name is a type
            renamed = (
                [Change("kind", kind=kind)] if kind else _rename_changes(new, old, sent, home)
            )
            result.changes.extend(renamed)
            continue
        clause = _NEGATED.sub("", clause)
        clause = _LEAD_FILLERS.sub("", _FILLERS.sub("", clause)).strip()
        if not clause:
            if result.olds and context is None:
                context = _field_from_old(result.olds[-1], sent, home)
            continue
        if add_mode or added_here:
            items = extract_items(clause)
            result.changes.extend(Change("item_add", item=i, name=i.name) for i in items)
            if items:
                continue
            count = _count(clause)
            if (
                add_mode
                and count is not None
                and count[2]
                and not _stray_rest(clause)
                and (
                    any(c.item and c.item.unit == count[2] for c in result.changes)
                    # 保险是16份 保费是800 刚才算漏了一户: a slip in the counting, said after
                    # the counts it put right (one more 户 made them so), explains them
                    or (miscounted and any(_counted(c) for c in result.changes))
                )
            ):
                continue  # 是四户 … 漏了一户: why the count just corrected was wrong
        counted_as = _COUNTED_AS.match(clause)
        if counted_as and _kind_value(counted_as.group("kind")):
            # 算义诊 / 应该算培训 / 归到宣传: the card's type
            result.explicit = True
            result.changes.append(Change("kind", kind=_kind_value(counted_as.group("kind"))))
            continue
        explained_old = _OLD_EXPLAINED.match(clause)
        if (
            explained_old
            and _is_value_only(explained_old.group("head"), sent, home)
            and not _value_changes(None, explained_old.group("value"), "", sent, home)
            # 今天是义诊: a type said outright; 琴日系去镇里开会 (went to a meeting) is none
            and not (
                len(explained_old.group("value")) <= 4
                and _kind_value(explained_old.group("value"))
            )
            and not _count(explained_old.group("value"))
        ):
            # 今天是在整理签到表 / 52是签到本上的总数: what the card's old value really was
            result.olds.append(explained_old.group("head"))
            result.explicit = True
            continue
        head_value = _HEAD_VALUE.match(clause)
        if (
            head_value
            and clause[len(head_value.group("head")) :].startswith(
                ("改成", "改为", "改到", "换成", "写成")
            )
            and _is_value_only(head_value.group("head"), sent, home)
        ):
            # 45人改成15人 / 江口村改为文竹村: the old value, then the new one
            old = head_value.group("head")
            result.explicit = True
            result.olds.append(old)
            context = _field_from_old(old, sent, home) or context
            value = head_value.group("value")
            result.changes.extend(
                _value_changes(context, value, "", sent, home, copula=True)
                or _bare_number(value, result.olds)
            )
            continue
        if head_value and _ABOUT.match(head_value.group("head")):
            # 讲的是关爱保险 / 主题是优生优育: what the activity was about, said to explain
            # another change (类型是保险); it changes nothing itself
            result.explained = True
            result.about = head_value.group("value")
            continue
        if head_value:
            head, value = head_value.group("head"), head_value.group("value")
            if (
                context is not None
                and head.endswith("的")
                and _is_value_only(head[:-1], sent, home)
                and _field_from_old(head[:-1], sent, home) == context
            ):
                # 地点错了 江口村的是上周搞的 今天是在文竹村: where the old value came from, an
                # explanation; the new value follows
                result.olds.append(head[:-1])
                continue
            named = _field_of(head)
            if named:
                result.explicit = True
                result.fields_named.append(named)
                context = named
                # 会员活动的地点是弄池村: the card is named before its field
                result.topic = result.topic or _field_lead(head)
                result.changes.extend(_value_changes(named, value, "", sent, home))
                continue
            money = _count(value) if _MONEY_HEAD.fullmatch(head) else None
            if money and money[2] in ("块", "元") and _counts_in(value) == 1:
                # 钱是2000块 / 收的钱是2000元: the card's one sum of money (保费 1200 元)
                result.explicit = True
                result.changes.append(
                    Change("unit_count", item=Item("", money[0], "元", money[1]))
                )
                continue
            changes = _value_changes(
                None if head else context, value, head, sent, home, copula=True
            )
            read_on = _count(value) if not changes and _READ_ON.search(head) else None
            if read_on is not None and _counts_in(value) == 1 and not _stray_rest(value):
                # 关爱保险是21份 表上是21: where the new count was read, said again, explains
                # it; a count read there that is none of the new ones is not understood
                if not any(_new_count(c) == read_on[0] for c in result.changes):
                    result.leftover = True
                continue
            if not changes and not head and context == "items" and item_head:
                value = value.strip()
                if _NOUN.fullmatch(value) and _field_of(value) is None and not _count(value):
                    # 资料写错了 是宣传册: the item said to be wrong, named anew
                    changes = [Change("item_rename", name=item_head, item=Item(value, 0, ""))]
            if not changes and not head:
                changes = (
                    _item_count(item_head, value)
                    or _bare_number(value, result.olds or said_wrong)
                    or _unit_count(value)
                )
            if not head and any(c.field == "kind" for c in changes):
                result.explicit = True  # (这个)是讲座: the card's kind, said outright
            if not changes and _stray_count(value):
                result.leftover = True
            if changes and head and not _HELD.fullmatch(head):
                result.reference = True
                if not any(c.field.startswith("item") or c.field == "households" for c in changes):
                    result.topic = result.topic or _topic(head)
            result.changes.extend(changes)
            continue
        named = _field_of(clause)
        if named is None:
            for name, words in _FIELD_WORDS:
                word = next((w for w in words if clause.startswith(w) and len(w) > 1), None)
                if word:
                    named, clause = name, clause[len(word) :]
                    break
        if named:
            result.explicit = True
            result.fields_named.append(named)
            context = named
            # 地点写新巴尔虎左旗 / 日期填3号: the value after the verb of writing it down
            clause = _WRITE_VERB.sub("", clause) or clause
            if clause and _field_of(clause) is None:
                found_changes = _value_changes(named, clause, "", sent, home)
                if not found_changes and _stray_count(clause):
                    result.leftover = True
                result.changes.extend(found_changes)
            continue
        last = result.changes[-1] if result.changes else None
        if last and last.field == "item_rename" and last.item and not last.item.quantity:
            # (派了80本: the verb of handing the thing out says nothing more)
            counted = re.sub(
                r"^(?:发|派|送|办|发放|派发)了?(?=\d|[一二两三四五六七八九十百])", "", clause
            )
            # 六十份避孕药具 / 避孕药具六十份: the new name said again beside its count
            counted = counted.replace(last.item.name, "", 1) or counted
            count = _count(counted)
            if count and count[2] and count[2] not in _PEOPLE_UNITS and not _stray_rest(counted):
                # 不是资料是健康手册 45本: the renamed item's new count (and unit)
                result.changes[-1] = Change(
                    "item_rename",
                    name=last.name,
                    item=Item(last.item.name, count[0], count[2], count[1]),
                )
                continue
        changes = (
            _value_changes(context, clause, "", sent, home)
            or _item_count(item_head, clause)
            or _bare_number(clause, result.olds or said_wrong)
            or _things_counted(clause, context)
        )
        if not changes and said_before and _stray_count(clause):
            # 大夫给量了血压 60人次: the count's thing was said in the clause before
            changes = [
                Change("item", item=i, name=i.name)
                for i in extract_items(said_before + clause)
                if _count(clause) and i.quantity == _count(clause)[0]  # type: ignore[index]
            ]
        said_before = "" if changes else clause
        if not changes and ref and not result.topic:
            result.topic = _topic(clause)  # 昨天报的走访: the saved record spoken of
        elif not changes and _NOUN.fullmatch(clause) and _could_name_a_thing(clause, sent):
            item_head = clause  # (不好意思 / 我说错了 name no thing a count could be of)
        if not changes and _stray_count(clause):
            result.leftover = True  # a number nobody could place: do not apply the rest alone
        result.changes.extend(changes)
    spans.append((len(result.changes), "", result.leftover))
    _drop_explanations(result, spans, sent, home)
    if awaiting is not None and len(result.changes) <= awaiting:
        result.leftover = True
    if _ADDS.search(body) and not _names_when_or_where(body, sent, home):
        if result.leftover or not result.changes:
            _read_addition(result, body)
        elif all(c.field in ("item", "item_add") for c in result.changes) and not re.search(
            r"是|改|应该|不对|错", body
        ):
            # 还有那个量血压的 80多人次: more things, added to the card (never written over a
            # thing of the same kind already on it)
            result.changes = [Change("item_add", item=c.item, name=c.name) for c in result.changes]
            result.explicit = True
    people = [c for c in result.changes if c.field == "participants"]
    if len(people) > 1 and totals:
        # 12人不对 后来又来了3个 一共15人: the total is the attendance, the rest explain it
        for change in people:
            if change.people != totals[-1]:
                result.changes.remove(change)
    # (the same number in another unit: 100本 for 100份, never another thing's count)
    old_units = {(said[0], said[2]) for old in result.olds if (said := _count(old)) and said[2]}
    for index, change in enumerate(result.changes):
        if (
            change.field == "item"
            and change.item is not None
            and change.item.unit
            and any(
                value == change.item.quantity and unit != change.item.unit
                for value, unit in old_units
            )
        ):
            if change.item.unit == "人次" and any(
                value == change.item.quantity and unit in _PEOPLE_UNITS
                for value, unit in old_units
            ):
                # 咨询是150人次 不是来了150人: the attendance was people-times of a service,
                # kept apart as an item of its own (no item of the card is renamed)
                result.changes[index] = Change("item_add", name=change.name, item=change.item)
                if not any(c.field == "participants" for c in result.changes):
                    result.changes.append(Change("participants_clear"))
                continue
            # 资料是100本不是100份: the thing's count in another unit replaces the old one
            result.changes[index] = Change("item_rename", name=change.name, item=change.item)
    old_items = [i for old in result.olds for i in extract_items(old)]
    new_items = [c for c in result.changes if c.field == "item" and c.item is not None]
    old_names = [
        old
        for old in result.olds
        if _NOUN.fullmatch(old)
        and _field_of(old) is None
        and old not in _KIND_ALIASES
        and _activity_kind(old) is None  # 不是宣传: the type, not a thing (宣传单 is one)
        and not _is_value_only(old, sent, home)
        and _could_name_a_thing(old, sent)
    ]
    if (
        not old_items
        and len(old_names) == 1
        and len(result.olds) == 1
        and len(new_items) == 1
        and new_items[0].item is not None
        and not _has_item_named(old_names[0], new_items[0].item.name)
    ):
        # 发的是避孕药具40盒 不是宣传单: the thing said wrong, without its count, is replaced
        # by the thing counted beside it (never kept beside it)
        index = result.changes.index(new_items[0])
        result.changes[index] = Change("item_rename", name=old_names[0], item=new_items[0].item)
    if (
        len(old_items) == 1
        and len(new_items) == 1
        and new_items[0].item is not None
        and not _has_item_named(old_items[0].name, new_items[0].item.name)
    ):
        # 不是避孕套200盒 是避孕药具20盒: the thing said wrong, with its count, is replaced by
        # the thing said after it (never kept beside it)
        index = result.changes.index(new_items[0])
        result.changes[index] = Change(
            "item_rename", name=old_items[0].name, item=new_items[0].item
        )
    people = [c for c in result.changes if c.field == "participants"]
    final = [c for c in clauses if _WRITE_AS.match(c)]
    if len({c.people for c in people}) > 1 and len(final) == 1:
        # 应该是三十五六个吧 就写35: the number to write, said last, settles it
        count = _count(_WRITE_AS.sub("", final[0]))
        if count is not None and count[2] in ("", "个", *_PEOPLE_UNITS):
            for change in people:
                result.changes.remove(change)
            result.changes.append(Change("participants", people=(count[0], count[1])))
    for name in ("participants", "date", "place"):
        values = {(c.people, c.date, c.place) for c in result.changes if c.field == name}
        if len(values) > 1:
            result.leftover = True  # 人数应该是28人 另外那个30也改一下: which one is meant?
    for index, change in enumerate(result.changes):
        if (
            change.field == "item"
            and change.item is not None
            and change.item.unit == "户"
            and _KIND_ALIASES.get(change.name) == "visit"
        ):
            # 慰问是5户 / 走访系8户: the households of the visit, on the card of that visit
            # (never a thing named 慰问 put on another card)
            result.changes[index] = Change("households", item=change.item, name=change.name)
            result.topic = result.topic or change.name
        elif change.field == "households" and change.name:
            result.topic = result.topic or change.name
    if not any(c.field == "kind" for c in result.changes):
        said_kind = _kind_after_not(clauses)
        if said_kind is not None:
            result.changes.append(Change("kind", kind=said_kind))
    kinds = [c for c in result.changes if c.field == "kind"]
    for later in kinds[1:]:
        # 是青春健康讲座 给年轻人讲的: what follows the new type explains it, it sets nothing
        result.changes.remove(later)
    for change in list(result.changes):
        if (
            change.field == "date"
            and change.date
            and change.date.start == change.date.end
            and _SPAN_SAID.search(body)
        ):
            # 是18号到19号两日 read as the 18th alone: the span's last day said in the same
            # month makes the span; otherwise a span shortened is asked, not saved
            span = _SPAN_SAID.search(body)
            first_day = to_int(span.group("first")) if span else None
            last_day = to_int(span.group("last")) if span else None
            index = result.changes.index(change)
            if (
                first_day == change.date.start.day
                and last_day is not None
                and last_day > first_day
            ):
                try:
                    end = change.date.start.replace(day=last_day)
                except ValueError:
                    end = None
                if end is not None:
                    result.changes[index] = Change("date", date=DateSpan(change.date.start, end))
                    continue
            result.changes.remove(change)
            result.leftover = True
    for change in list(result.changes):
        if change.field == "date" and change.date and not plausible(change.date, body, sent):
            result.changes.remove(change)  # 改成12月5日 on 1 December: asked, not guessed
            result.leftover = True
    for change in list(result.changes):
        if change.field in ("item", "item_add") and _NO_THING.fullmatch(change.name or ""):
            # 哎呀…开的人是二十多个 read as an item 呀: a name that is no thing is not applied
            result.changes.remove(change)
            result.leftover = True
    return result


def _new_count(change: Change) -> int | None:
    """The count a change sets, if it sets one."""
    if change.field in ("participants", "number") and change.people is not None:
        return change.people[0]
    if change.field in ("item", "item_add", "households", "unit_count") and change.item:
        return change.item.quantity
    return None


def _adds_up(result: Correction, more: int) -> bool:
    """An old count said wrong and a new one set, ``more`` apart (是6户不是5户 又去了一家)."""
    olds = [said[0] for old in result.olds if (said := _count(old)) is not None]
    return any(_new_count(c) == old + more for c in result.changes for old in olds)


def _counted(change: Change) -> bool:
    """A change that sets a count (people, households, a thing's number)."""
    if change.field in ("participants", "households"):
        return True
    return change.field == "item" and change.item is not None and change.item.quantity > 0


def _kind_after_not(clauses: list[str]) -> str | None:
    """不是宣传 是走访计生特殊家庭7户: the type said wrong, then what was done instead (with its
    count); the activity said in its place is the card's new type."""
    for index, clause in enumerate(clauses):
        negated = _NEGATED.search(clause)
        if negated is None or negated.group("old") not in _KIND_ALIASES:
            continue
        after = clause[negated.end() :].strip()
        if not after and index + 1 < len(clauses):
            after = clauses[index + 1]
        if not re.match(r"(?:而)?(?:是|系)", after):
            return None  # 不是宣传 also发了资料: no new activity said in its place
        kind = classify_kind(after)
        if kind not in ("other", _KIND_ALIASES[negated.group("old")]):
            return kind
        return None
    return None


#: 其他没错 / 其他都对的 / 其余不变: the fields not spoken of are right as they are
_OTHERS_RIGHT = re.compile(
    r"^(?:其他|其它|其余|别的|剩下的?|另外的?)(?:的|几样|几项)?(?:都|全|也|全都)?"
    r"(?:没错|对的?|没问题|没毛病|没啥问题|不变|一样|照旧|没有?错)(?:的|了|啊)?$"
)
#: a clause that says a new value: with 是 / 改成 / 应该 / a field's name (人数是60), not one
#: that only tells what happened (昨天礼拜天没整活动 / 帮他们村搞的)
_MARKED = re.compile(
    r"(?:^|不对|错了|不是[^，,。\s是]{0,12})(?:其实|实际上|应该|应|就|那|而)?(?:是|为)|"
    r"改成|改为|改到|换成|写成|应该是|应为|应该|"
    r"^(?:日期|时间|地点|地方|人数|类型|物品|户数|参加人数|到会人数)"
)


def _bare_core(clause: str) -> str:
    return _VALUE_AROUND.sub("", _FILLER_END.sub("", clause)).strip()


def _bare_people(clause: str) -> bool:
    """20来个人 / 来了20多个: the attendance and nothing else."""
    core = re.sub(r"^(?:来了|到了|有|参加了?|大概|差不多|约)+", "", clause)
    return (
        _COUNT.fullmatch(core.rstrip("人")) is not None
        or re.fullmatch(rf"{NUMBER}(?:多|余|几|来)?个?人?(?:左右)?", core) is not None
    )


def _drop_explanations(
    result: Correction, spans: list[tuple[int, str, bool]], sent: datetime, home: str | None
) -> None:
    """Changes read from a clause that only tells what happened (改成上周五 昨天礼拜天没整活动:
    the second clause explains the mistake), when another clause says the new value of that
    field outright. A clause that is only a value (改成上周五 上周四) is kept, and still asked."""
    origin: list[int] = []
    for index, ((start, _clause, _left), (end, _n, _l)) in enumerate(
        zip(spans, spans[1:], strict=False)
    ):
        origin.extend([index] * (end - start))
    if len(origin) != len(result.changes):
        return  # changes rewritten inside the loop: leave them as read
    marked_fields = {
        change.field
        for change, index in zip(result.changes, origin, strict=True)
        if change.field in ("date", "place", "participants") and _MARKED.search(spans[index][1])
    }
    if not marked_fields:
        return
    dropped: set[int] = set()
    for index, (_start, clause, _left) in enumerate(spans[:-1]):
        given = [c for c, i in zip(result.changes, origin, strict=True) if i == index]
        if (
            given
            and not _MARKED.search(clause)
            and not _bare_value(clause, sent, home)
            and all(c.field in marked_fields for c in given)
        ):
            dropped.add(index)
    if not dropped:
        return
    result.changes = [c for c, i in zip(result.changes, origin, strict=True) if i not in dropped]
    set_leftover = [
        index
        for index, ((_s, _c, before), (_e, _n, after)) in enumerate(
            zip(spans, spans[1:], strict=False)
        )
        if after and not before
    ]
    if set_leftover and all(index in dropped for index in set_leftover):
        result.leftover = False


# an item name that names nothing: an interjection, a particle or a pronoun left of a run-on
_NO_THING = re.compile(
    r"[呀啊哎唉哦噢嗯吧呢嘛哈啦哟呃诶的了是有就也都还又我你他她它们这那没不冇]+|"
    # 在安阳镇那边开的…二十多个: where or how it was held, ending in the verb of holding it
    r".*(?:那边|这边|那里|这里|那儿|这儿).*|.*[开搞办弄做去来]"
)


_NOT_A_VALUE_AFTER = re.compile(r"组|小组|村|社区|镇|乡|嘎查|苏木|点|月|年|天|号|日|岁|家人")


# 还有量血压的 量了80多人次 忘记写了 / 另外发了50个环保袋: something more was done or handed out
_ADDS = re.compile(
    rf"^(?:还有|另外|另|还)|{_ADD.pattern}|(?:另外|还)(?:还)?(?:发|送|办|量|测|给|做|搞|开)"
)


def _names_when_or_where(body: str, sent: datetime, home: str | None) -> bool:
    """还有 昨天在文竹村发了资料50份: a date or a place of its own makes another report."""
    place = find_place(body, home)
    return find_date(body, sent) is not None or bool(place.name) or place.home_venue


def _read_addition(result: Correction, body: str) -> None:
    """An addition said over several clauses (the thing in one, its count in the next): the
    items of the whole message are added when every count in it is one of them."""
    whole = _ADD.sub("，", body)
    items = extract_items(whole)
    if not items:
        return
    quantities = {item.quantity for item in items}
    for match in _COUNT.finditer(whole):
        count = _count(match.group(0))
        if count is not None and _stray_count(match.group(0)) and count[0] not in quantities:
            return  # a number that is none of the items: not all understood
    kept = [c for c in result.changes if not c.field.startswith("item")]
    result.changes = [*kept, *(Change("item_add", item=i, name=i.name) for i in items)]
    result.leftover = False
    result.explicit = True


def _stray_rest(clause: str) -> bool:
    """Anything but the one count in the clause."""
    match = _COUNT.search(clause)
    return match is None or bool(clause[: match.start()] + clause[match.end() :])


def _stray_count(text: str) -> bool:
    """A count in a clause that could be a field's value (两个组一起 / 3点 are not)."""
    for match in _COUNT.finditer(text):
        if match.group("unit") in ("", "个") and _NOT_A_VALUE_AFTER.match(text, match.end()):
            continue
        if not match.group("unit") and re.fullmatch(r"[一二两三四五六七八九十]", match.group(0)):
            continue  # 一起 / 一下 / 三孩: a numeral in a word, not a count
        if not match.group("unit") and match.start() and text[match.start() - 1] in "小老阿":
            continue  # 小陆 / 老三: a person called by a numeral, not a count
        if _count(match.group(0)) is not None:
            return True
    return False


def _things_counted(clause: str, context: str | None) -> list[Change]:
    """人是35个 宣传册发了60本: a thing named with its count after another field's value;
    the field said before is not this clause's (it names its own thing)."""
    if context in (None, "items"):
        return []
    items = extract_items(clause)
    if not items or len(items) != _counts_in(clause):
        return []  # a count that is none of the things: not all understood
    if any(i.unit in _PEOPLE_UNITS or i.unit == "人次" for i in items):
        return []
    return [Change("item", item=i, name=i.name) for i in items]


def _bare_number(value: str, olds: list[str]) -> list[Change]:
    """不是35是25 / 不是15份是18份: a number (with the old number's unit, or none) replaces
    the card's number that was the old one."""
    count = _count(value)
    if count is None or not olds or _counts_in(value) != 1 or _OLD_DAY.match(olds[-1].strip()):
        return []  # (不是3号 是3号到5号: a day, no count)
    old = _count(olds[-1])
    if old is None or (count[2] and old[2] and not _same_unit(old[2], count[2])):
        return []  # (15个 不是45: the old number without a unit is matched on the card)
    return [Change("number", people=(count[0], count[1]), name=olds[-1])]


#: 钱 / 收的钱 / 金额: the sum of money on the card, whatever it is called there
_MONEY_HEAD = re.compile(r"(?:收的|收了的|收到的)?(?:钱|钱数|费用|金额|款)")


def _unit_count(value: str) -> list[Change]:
    """第二条是7户 / 是150份: a bare count, for the card's one item of that unit (the last
    reading tried: an item or an old number named around it comes first)."""
    count = _count(value)
    if (
        count is None
        or not count[2]
        or count[2] in (*_PEOPLE_UNITS, "个")
        or _counts_in(value) != 1
        or _stray_rest(value)
    ):
        return []
    return [Change("unit_count", item=Item("", count[0], count[2], count[1]))]


def _counts_in(text: str) -> int:
    """How many counts ``text`` holds (八十来个 is one, whatever its numerals)."""
    return sum(1 for match in _COUNT.finditer(text) if _count(match.group(0)) is not None)


def _same_unit(old: str, new: str) -> bool:
    """不是100多 是80来个: a count of people said without a unit, then with 个 (or 人); a
    unit said only with the new number is the old number's too."""
    return old == new or (not old and new in ("个", *_PEOPLE_UNITS))


def _item_count(name: str, value: str) -> list[Change]:
    """A bare count ("是150份") for the item named in the clause before."""
    count = _count(value)
    if not name or count is None or not count[2] or count[2] in _PEOPLE_UNITS:
        return []
    # 医生帮测了血糖 40人次: the thing as the item reader names it (测血糖), when it can
    unit = money_unit(name, count[2])  # 保费系两千块: the premium in yuan
    named = [i for i in extract_items(name + value) if i.quantity == count[0]]
    if len(named) == 1 and named[0].unit == unit:
        name = named[0].name
    return [Change("item", item=Item(name, count[0], unit, count[1]), name=name)]


def _is_value_only(text: str, sent: datetime, home: str | None) -> bool:
    """45人 / 江口村 / 昨天: a value and nothing else (no field named, no reference)."""
    if not text:
        return False
    found = find_date(text, sent)
    if found is not None:
        return found[1] == (0, len(fold(text)))
    if find_place(text, home).name == text:
        return True
    return _COUNT.fullmatch(text) is not None


def _field_from_old(old: str, sent: datetime, home: str | None) -> str | None:
    """不是45人 → participants: the field a negated old value belongs to."""
    if find_date(old, sent) is not None:
        return "date"
    if find_place(old, home).name:
        return "place"
    if _KIND_ALIASES.get(old):
        return "kind"
    count = _count(old)
    if count and count[2] in _PEOPLE_UNITS:
        return "participants"
    # 不是三百个: 个 counts people and things alike; the new number is matched against the
    # card's numbers (or named with its thing), never taken as attendance on a guess
    if count and count[2] == "户":
        return "households"
    return None


_RENAME = re.compile(
    r"^(?:这个|那个|这|那)?(?:发的|发放的|送的|办的|派的|派发的|给的)?(?:其实|实际上)?(?:应该)?(?:是)?(?P<new>[\u4e00-\u9fff]{1,10}?)不是(?P<old>[\u4e00-\u9fff]{1,10})$"
)
_THIS_ONE = re.compile(r"^(?:这个|那个|这条|那条|这次|那次|这)(?=不是)")
_RENAME_BACK = re.compile(
    r"^不是(?P<old>[\u4e00-\u9fff]{1,10}?)(?:而)?是(?P<new>[\u4e00-\u9fff]{1,10})$"
)


#: 走访的 / 发的 / 慰问的: what was visited or handed out, said before 是 and the new name
_DONE_TO = re.compile(r"(?:入户)?(?:走访|慰问|看望|探望|家访|发放|发|送|办|派发|派|给)(?:了)?的")
#: 走的是11户 / 走访的是11户 / 入户的是11户: the households visited, said before their count
_VISITED = re.compile(r"(?:入户)?(?:走访|走|访|慰问|看望|探望|家访|上门|入户)(?:了)?的?")


def _rename(clause: str) -> tuple[str, str] | None:
    """宣传册不是资料 / 发的是宣传册不是资料 / 不是资料是宣传册 → (new, old)."""
    # 这个不是宣传 是讲座: the card spoken of, then what it is not and what it is
    match = _RENAME_BACK.match(_THIS_ONE.sub("", clause)) or _RENAME.match(clause)
    if match is None:
        return None
    new, old = match.group("new"), match.group("old")
    if "是" in old:
        return None  # 这个不是X是Y read from the wrong end
    if "是" in new:
        # 物品是宣传册不是资料: the field named before 是, then the new name; any other words
        # before 是 are not understood (asked, never made part of a name)
        head, new = new.rsplit("是", 1)
        if _field_of(head) != "items" and not _DONE_TO.fullmatch(head):
            return None
    if _count(new) or _count(old) or _field_of(new) or _field_of(old):
        return None  # 人不是六十多: a count, not a name
    if re.search(r"我们|咱们|他们|别人|人家|[搞办开做]的$", old):
        return None  # 那次不是我们组搞的: whose activity it was, no thing renamed
    return new, old


def _rename_changes(new: str, old: str, sent: datetime, home: str | None) -> list[Change]:
    if find_date(new, sent) is not None:
        found = find_date(new, sent)
        assert found is not None
        return [Change("date", date=found[0])]
    place = find_place(new, home)
    if place.name:
        return [Change("place", place=place.name, place_home=place.home)]
    kind = _KIND_ALIASES.get(new)
    if kind and _KIND_ALIASES.get(old):
        return [Change("kind", kind=kind)]
    return [Change("item_rename", name=old, item=Item(new, 0, ""))]


# -- deciding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A card waiting for confirmation (``saved`` False) or a record saved within the undo
    window, as the user numbers them (第1条)."""

    no: int
    draft: ActivityDraft
    saved: bool = False
    record_id: int | None = None


@dataclass
class Decision:
    """What to do with a message. ``action``: confirm / cancel / restart / wrong / correct /
    answer / report / ask_target / unclear / not_a_value."""

    action: str
    targets: list[Target] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    drafts: list[ActivityDraft] = field(default_factory=list)
    control: Control | None = None
    fields: list[str] = field(default_factory=list)
    parts: list[Decision] = field(default_factory=list)  # "multi": one per numbered part
    unread: tuple[int, ...] = ()  # "unclear_parts": the cards whose part was not understood
    question: bool = False  # "unclear": a question about correcting (报错了怎么改), no correction
    item: str = ""  # "unclear" about ["items"]: the thing said to be wrong (资料不对)
    restated: list[Change] = field(default_factory=list)  # values said again as they are


def decide(
    text: str,
    sent: datetime,
    home: str | None,
    pending: Sequence[Target],
    saved: Sequence[Target],
    shown: Sequence[int] = (),
) -> Decision | None:
    """Classify ``text`` against the waiting cards and recently saved records; None when the
    message is not the activity conversation's (a question, a command, chat).

    A change whose value does not look like its field (a thing named 二十本, a place with a
    count in it) is never applied: the message is asked about instead, whichever rule read it.
    """
    decision = _decide(text, sent, home, pending, saved, shown)
    if decision is None:
        return None
    if decision.restated and decision.targets:
        # 其他没错 今天 五通社区: the values said again must be the card's own, else which one
        # is meant is asked
        draft = decision.targets[0].draft
        if not all(
            _already(draft, c)
            or (
                c.field == "participants"
                and c.people == (draft.participants, draft.participants_approx)
            )
            for c in decision.restated
        ):
            return Decision("unclear", targets=decision.targets[:1], fields=["partly"])
    if (
        decision.action == "correct"
        and decision.changes
        and _RECORD_CANCEL.search(fold(text))
        and all(_already(t.draft, c) for t in decision.targets for c in decision.changes)
    ):
        # 昨晚阿条作废 日子人数都唔对: an undo word beside a day that only names the record (an
        # unknown word for 那条 after it); read as a change, it would change nothing while the
        # record the user wants gone stays: whether to undo it is asked
        return Decision("unclear", targets=decision.targets[:1], fields=["undo"])
    changes = [*decision.changes, *(c for part in decision.parts for c in part.changes)]
    if decision.action in ("correct", "answer", "multi") and any(
        not _looks_like_its_field(c) for c in changes
    ):
        targets = [t for t in decision.targets if not t.saved] or decision.targets
        return Decision("unclear", targets=targets[:1], fields=["partly"])
    if (
        decision.action == "correct"
        and len(decision.targets) == 1
        and not decision.targets[0].saved
        and _confirmed_after(text, sent, home)
    ):
        # 人数改28 其他没问题 确认: the change, then the card confirmed as changed; saved in
        # the same turn (a change that cannot be applied leaves the card doubted, unsaved)
        no = decision.targets[0].no
        confirmed = Decision(
            "confirm", targets=decision.targets, control=Control("confirm", (no,))
        )
        return Decision("multi", targets=decision.targets, parts=[decision, confirmed])
    return decision


def _confirmed_after(text: str, sent: datetime, home: str | None) -> bool:
    """The message ends in a plain confirmation (确认 / 对 / 确认吧) after a correction every
    piece of which was read: each gives a value, says the rest is right (其他没问题), or says
    what was wrong (不是45人) before a piece that gives its value. 人数改28 环保袋也改一下 确认
    (a change without its value) is no confirmation of the card."""
    pieces = [p for p in re.split(r"[，,。；;！!\s]+", _FILLER_END.sub("", fold(text))) if p]
    if len(pieces) < 2 or read_control(pieces[-1]) != Control("confirm"):
        return False
    waiting = False  # a wrong value said, its new value still to come
    given = False  # the piece before gave a value
    for piece in pieces[:-1]:
        if _OTHERS_RIGHT.match(piece) or (not waiting and _ROLL.search(piece)):
            continue  # 其他没问题 / 刚刚点完名: the rest said right, or how the count was had
        read = read_correction(piece, sent, home)
        if (read.changes and not read.leftover) or (
            # 人数不对 是28个: the value of the field said wrong just before
            waiting and (_stray_count(piece) or _bare_value(piece, sent, home))
        ):
            waiting, given = False, True
        elif read.explicit and read.olds and not read.changes and given:
            given = False  # 保险是20份 不是12: the wrong value, said after the new one
        elif read.explicit and (read.olds or read.fields_named):
            waiting, given = True, False
        else:
            return False
    return not waiting


def _looks_like_its_field(change: Change) -> bool:
    """A value that may stand in its field: a thing is named by words, not a count or a field;
    a place holds no count."""
    if change.field in ("item", "item_add", "item_rename") and change.item is not None:
        name = change.item.name
        if _COUNT.fullmatch(name) is not None:
            return False  # 二十本 / 3盒: a count, not a thing
        if _field_of(name) is not None or _NO_THING.fullmatch(name):
            return False
    return not (
        change.field == "place"
        and change.place
        and (re.search(r"\d|[人个名位]$", change.place) or len(change.place) > 16)
    )


def _decide(
    text: str,
    sent: datetime,
    home: str | None,
    pending: Sequence[Target],
    saved: Sequence[Target],
    shown: Sequence[int] = (),
) -> Decision | None:
    body = fold(text).strip()
    if _SPAN_SAID.search(body):
        # 是6号到8号 搞了三天: how many days, said after the span, says it again
        body = _DAYS_LONG.sub("", body) or body
    if pending and len(pending) > 1:
        rest_too = (
            _with_the_others(body, sent, home, pending, shown)
            or _all_but(body, sent, home, pending, shown)
            or _several_controls(body)
        )
        if rest_too is not None:
            return rest_too
    control = read_control(text)
    if control is not None and control.action == "confirm" and control.topic:
        return _confirm_named(control.topic, sent, home, pending, shown)
    if control is not None and control.count and control.count != len(pending):
        # 就两条 都对 while three cards wait: the user counts other cards than those waiting;
        # which ones to save is asked, none saved on a guess
        return Decision("which_save", targets=list(pending), control=control)
    if control is not None:
        return Decision(control.action, control=control)
    if (
        (pending or saved)
        and _STATUS.search(_FILLER_END.sub("", body))
        and _status_only(body, sent)
    ):
        # 刚才那个发出去没有 / 存上了吗: whether the card was saved, asked; never a change
        return Decision("status", targets=list(pending) or list(saved))
    if pending and _holds(body):
        return Decision("hold", targets=list(pending))
    answered = _missing_answer(body, sent, home, pending, shown)
    if answered is not None:
        return answered
    if pending and _affirms_only(body):
        # 人数没错 / 日期对的 / 资料是对的: a value said to be right changes nothing and asks
        # nothing (the card is shown again for 对)
        pieces = re.split(r"[，,。！!\s]+", _FILLER_END.sub("", body))
        if any(read_control(p) == Control("confirm") for p in pieces if p):
            return Decision("confirm", control=Control("confirm"))  # 对的 人数没问题
        target = _shown_target(pending, shown)
        if target is not None:
            return Decision("kept", targets=[target])
    if pending:
        listed = _numbered_reports(body, sent, home)
        if listed is not None:
            return listed
        numbered = _numbered_parts(body, sent, home, pending, shown)
        if numbered is not None:
            return numbered
    combined = _confirm_then_report(body, sent, home)
    if combined is not None and pending:
        return combined
    replaced = _cancel_then_report(body, sent, home)
    if replaced is not None and (pending or saved):
        return replaced
    question = _asks(body)
    if question and re.search(
        r"(?:多少|几)钱|多少块|多少元|涨价|降价|价格|价钱|收费|"
        r"(?:是不是|是否|要不要|得不得)[^，,。？?\s]{0,6}?\d+(?:块|元)|\d+(?:块|元)还是\d+",
        body,
    ):
        # 关爱保险今年几多钱一份 系唔系100块 / 一份是不是50块 今年涨价冇: a price asked,
        # never a change
        return None
    if pending and question:
        first = re.match(r"^([^，,。！!\s]{1,6})[，,。！!\s]+(.+)$", body)
        if (
            first
            and first.group(1) != "对了"  # 对了 关爱保险多少钱: "by the way", no confirmation
            and read_control(first.group(1)) == Control("confirm")
            and _asks(first.group(2))
            and not read_correction(first.group(2), sent, home).explicit
        ):
            # 对，另外问一下育儿补贴怎么领: the card is confirmed (never left waiting because a
            # question came with the 对); the question is asked to be sent on its own
            return Decision("confirm", control=Control("confirm"), question=True)
    correction = read_correction(body, sent, home)
    drafts = parse_reports(body, sent, home)
    targets_pool = list(saved) if correction.saved_ref or not pending else list(pending)
    if not targets_pool:
        targets_pool = list(saved) or list(pending)
    if (
        question
        and correction.changes
        and all(c.field in ("item_remove", "item_rename") for c in correction.changes)
        and not any(_has_item(t.draft, c.name) for c in correction.changes for t in targets_pool)
    ):
        # 撤销了的活动还能找回来不: asked, and what it would remove is on no card; a question
        # answered as itself, the card kept (never read as a thing to strike off)
        return None
    if question and not (correction.explicit and correction.changes):
        if correction.explicit and (pending or saved) and not drafts:
            asked = _unclear(correction, targets_pool, shown)
            asked.question = True
            return asked
        return None
    if (
        not correction.explicit
        and correction.changes
        and (pending or saved)
        and _SAID_TOO_LITTLE.search(body)
        and all(_borrowed(d) or _pointed_at_told(body, d, [*pending, *saved]) for d in drafts)
    ):
        # 关爱保险是20份 刚才少报了: the card or record just reported, said again right
        correction.explicit = True
    if correction.explicit:
        if (
            correction.leftover
            and not correction.changes
            and correction.item_wrong
            and correction.fields_named == ["items"]
        ):
            # 资料不对: which thing is known, what it should be is asked for
            spoken = [t for t in targets_pool if _has_item(t.draft, correction.item_wrong)]
            found = _resolve(correction, spoken or targets_pool, shown, "unclear")
            targets = found.targets if found.action == "unclear" else []
            if spoken and len(targets) == 1:
                return Decision(
                    "unclear", targets=targets, fields=["items"], item=correction.item_wrong
                )
        if correction.leftover and (pending or saved):
            found = _resolve(correction, targets_pool, shown, "unclear")
            targets = found.targets if found.action == "unclear" else []
            return Decision("unclear", targets=targets, fields=["partly"])
        if not correction.changes:
            if not (pending or saved):
                return None
            return _unclear(correction, targets_pool, shown)
        return _resolve(correction, targets_pool, shown, "correct")
    if correction.date_ref is not None and correction.changes and not drafts:
        # 3号那个是在福禄村开的: the card of that date, and what follows corrects it
        dated = [t for t in targets_pool if t.draft.date == correction.date_ref]
        if len(dated) == 1:
            return Decision("correct", targets=dated, changes=correction.changes)
    if correction.topic and correction.changes and _TOPIC_LEAD.match(body) and (pending or saved):
        # 义诊那条是11月21号: a card named by its activity, then its new value
        named = [t for t in targets_pool if _topic_matches(correction.topic, t.draft)]
        if len(named) == 1:
            return Decision("correct", targets=named, changes=correction.changes)
    if correction.explained and not correction.changes and pending and not drafts:
        target = _shown_target(pending, shown)
        talked_of = classify_kind(correction.about)
        if target is not None and talked_of in ("other", target.draft.kind):
            # 讲的是计生奖励政策: what a meeting talked over names no other type; the card
            # stays as it is and can be confirmed
            return Decision("kept", targets=[target])
        # 讲的是关爱保险 alone: about the card, but which field it should change is not said
        return _unclear(correction, targets_pool, shown)
    held_at = _HELD_AT.search(_FILLER_END.sub("", body))
    if (
        held_at
        and (pending or saved)
        and correction.changes
        and all(c.field in ("place", "date") for c in correction.changes)
        and all(d.participants is None and not d.items for d in drafts)
        and len(drafts) <= 1
    ):
        # 下午开会是在弄池村开的: 是…的 says where (or when) an activity already told of was
        # held; the one card of that activity is corrected, never a new card made beside it
        told = [
            t
            for t in list(pending) + list(saved)
            if (correction.topic and _topic_matches(correction.topic, t.draft))
            or (
                drafts
                and drafts[0].kind not in (None, "other")
                and t.draft.kind == drafts[0].kind
                and (drafts[0].date is None or t.draft.date == drafts[0].date)
            )
        ]
        if len(told) == 1:
            return Decision("correct", targets=told, changes=correction.changes)
        if len(told) > 1:
            return Decision("unclear", targets=_pick(told, shown)[:1], fields=["partly"])
    pointed = (
        _POINTER.search(body) is not None
        and bool(pending or saved)
        and all(d.participants is None and not d.items for d in drafts)
    )
    if correction.reference and correction.changes and (not drafts or pointed) and len(body) <= 30:
        # "<something>是<value>": only when the something is a card's activity or item
        spoken_of = [t for t in targets_pool if _spoken_of(correction, t.draft)]
        if not spoken_of and pointed and len(drafts) == 1 and drafts[0].kind != "other":
            # 今天下午那个会员活动是在沙埠社区开的: the one waiting card of that activity (and
            # of that day, when one is said) is pointed at; what follows corrects it
            pointed_at = drafts[0]
            spoken_of = [
                t
                for t in targets_pool
                if t.draft.kind == pointed_at.kind
                and (pointed_at.date is None or t.draft.date == pointed_at.date)
            ]
            if len(spoken_of) > 1:
                spoken_of = []
        if spoken_of:
            return _resolve(correction, spoken_of, shown, "correct")
        if all(c.field == "item" for c in correction.changes):
            target = _shown_target(list(pending), shown)
            if (
                target is not None
                and not _ADDS.search(body)
                and any(
                    c.item is not None and c.item.unit and i.unit == c.item.unit
                    for c in correction.changes
                    for i in target.draft.items
                )
            ):
                # 单子是120张 while the card has 宣传单100张: a thing the card does not name,
                # counted like one it does; which thing is meant is asked, never added beside it
                return Decision("unclear", targets=[target], fields=["partly"])
            return _fragment(correction.changes, list(pending), shown)
    if (
        pending
        and len(drafts) <= 1
        and not speaks_of_later(body, sent)
        and _is_fragment(body, sent, pending, shown)
        # 保险那条是18份: a card named by its activity, then its value; 保险那条 is no thing
        and not (correction.topic and correction.changes and _TOPIC_LEAD.match(body))
    ):
        # "来了15人" / "还发了30个环保袋" after a card: more about that card, not a new report
        people = find_participants(body)
        items = [
            i
            for i in extract_items(body, people[2] if people else None)
            # 签到表上是38个: where a count was read is no thing handed out
            if not re.search(r"[上里中]$", i.name) and not _ROLL.search(i.name)
        ]
        attendance = (people[0], people[1]) if people is not None else None
        said = [c.people for c in correction.changes if c.field == "participants"]
        if attendance is None and len(said) == 1:
            attendance = said[0]  # 签到表上是38个: the attendance, read as a correction
        target = _shown_target(pending, shown)
        if not items and target is not None:
            # "发了35盒": the thing was named in the report ("发放避孕药具")
            context = fold(target.draft.text) + "，"
            with_context = extract_items(context + body)
            on_card = {i.name for i in target.draft.items}
            # 发了35盒 after 发放避孕药具: a thing the report named without a count; a thing
            # already counted on the card (资料120份) is not given a second count ("30个")
            items = [
                i
                for i in with_context
                if i not in extract_items(context) and i.name not in on_card
            ]
        carded = {i.name for i in target.draft.items} if target is not None else set()
        # 宣传册是200本 on a card with 宣传册200份: that thing's count said anew, not a second one
        changes = [
            Change("item" if i.name in carded else "item_add", item=i, name=i.name) for i in items
        ]
        if attendance is not None:
            changes.insert(0, Change("participants", people=attendance))
        if changes:
            return _fragment(changes, list(pending), shown)
    if (
        pending
        and len(drafts) == 1
        and correction.changes
        and _SAID_OUTRIGHT.match(body)
        and not _NEW_ONE.search(body)
        and not find_place(body, home).name
        and not find_place(body).home_venue
    ):
        # 是前天 还发了宣传资料40份: the card's value said outright, and more about it; no place
        # of its own, so no new report
        target = _shown_target(pending, shown)
        if target is not None:
            return Decision("correct", targets=[target], changes=correction.changes)
    handed = _HANDED_OUT.match(_FILLER_END.sub("", body))
    if pending and handed and not correction.changes and not drafts and not question:
        # 发的是安全套: the thing handed out, named anew; on a card holding one thing it is
        # that thing's new name, else which thing is meant is asked
        target = _shown_target(pending, shown)
        new = handed.group("new")
        if target is not None and len(target.draft.items) == 1 and _field_of(new) is None:
            old = target.draft.items[0].name
            if new in old or old in new:
                return Decision("kept", targets=[target])  # the thing already on the card
            change = Change("item_rename", name=old, item=Item(new, 0, ""))
            return Decision("correct", targets=[target], changes=[change])
        return Decision("unclear", targets=[target] if target else [], fields=["items"], item="")
    # after saving, only a record whose thing is named: a new report sent then (开了会员活动
    # 到了十二个会员) is asked its day and place, never written over the record just saved
    about = list(pending) or [
        t
        for t in saved
        if correction.changes
        and all(c.field == "item" and _has_item(t.draft, c.name) for c in correction.changes)
    ]
    if drafts and about and all(_borrowed(d) for d in drafts):
        # 小组会那个是20人 while cards wait (宣传册是25本 after saving): no day and no place of
        # its own, so no new activity; a change for the one card or record of that kind (or
        # holding that thing), else asked (never a card of its own beside the one it is about)
        kind = drafts[0].kind
        same_kind = [t for t in about if _spoken_of(correction, t.draft)] or [
            t for t in about if kind != "other" and t.draft.kind == kind
        ]
        if (
            not same_kind
            and len(about) == 1
            and (
                kind == "other"
                or not names_an_event(body)
                or kind_beyond_handouts(body) == "other"
            )
        ):
            # 到会23人 发了宣传资料80份: no event named (the leaflets only make it look like
            # publicity), so the counts of the one card waiting
            same_kind = list(about)
        if len(drafts) == 1 and correction.changes and len(same_kind) == 1:
            return Decision("correct", targets=same_kind, changes=correction.changes)
        return Decision("unclear", targets=_pick(about, shown)[:1], fields=["partly"])
    asked_day = _shown_target(pending, shown) if len(drafts) == 1 and not question else None
    if asked_day is not None and not correction.leftover:
        filled = _day_filled(asked_day.draft, drafts[0])
        if filled:
            # 夜儿个黑夜开的 到会17人 when the card shown asked its day: the day, with what was
            # counted; no place and no activity of its own, so the card's answer, no new report
            return Decision("answer", targets=[asked_day], changes=filled)
    if drafts:
        return Decision("report", drafts=drafts)
    if correction.changes and pending and len(body) <= 20 and not speaks_of_later(body, sent):
        asking = [t for t in pending if _answers_missing(t, correction)]
        if asking:
            decision = _resolve(correction, asking, shown, "answer")
            if decision.action == "answer":
                return decision
        if all(c.field in ("date", "place") for c in correction.changes):
            shown_card = _pick(list(pending), shown)[:1]
            if shown_card and all(_already(shown_card[0].draft, c) for c in correction.changes):
                # "在江口村搞的" while the card already says 江口村: the value is confirmed,
                # nothing changes (the card is shown again for 对)
                return Decision("answer", targets=shown_card, changes=correction.changes)
            if (
                shown_card
                and all(c.field == "place" for c in correction.changes)
                and _place_assumed(shown_card[0].draft)
            ):
                # "在文竹村搞的" when the card's place was only the reporter's village, taken
                # because the report named none: the first place said, so it is the answer
                return Decision("answer", targets=shown_card, changes=correction.changes)
            if shown_card and correction.stated:
                # 是上个礼拜六搞的 / 是在文竹村开的: the value said outright about the card shown
                return Decision("correct", targets=shown_card, changes=correction.changes)
            if (
                shown_card
                and correction.reference
                and correction.topic
                and correction.topic in fold(shown_card[0].draft.text)
            ):
                # 会是前天开的: the card's activity, in its own words, and the value said of it
                return Decision("correct", targets=shown_card, changes=correction.changes)
            if not _bare_value(body, sent, home):
                # 今天天气真冷啊: a day word inside talk about something else, no value said for
                # the card; left to the routes after this one, the card kept
                return None
            return Decision(
                "not_a_value",
                targets=_pick(list(pending), shown)[:1],
                changes=correction.changes,
            )
    if pending and not drafts and correction.topic and correction.changes and not question:
        # 小组会那条是22人: the card named by its activity, and its value
        spoken = [t for t in pending if _topic_matches(correction.topic, t.draft)]
        if len(spoken) == 1:
            return Decision("correct", targets=spoken, changes=correction.changes)
    if (
        pending
        and not drafts
        and len(body) <= 20
        and _stray_count(body)
        # a thing counted (30个, 35盒), not a command's month (活动统计 2026-05)
        and any(m.group("unit") for m in _COUNT.finditer(body))
        and not speaks_of_later(body, sent)
        and read_control(body) is None
    ):
        # 是30个 / 还发了30个 while a card waits: a number about the card that was not
        # understood; asked (and the card held for a second 对), never left to the FAQ while
        # the card is saved as it was
        return Decision("unclear", targets=_pick(list(pending), shown)[:1], fields=["partly"])
    if pending and not drafts and not question and _names_a_card_value(body, sent, home, pending):
        # 宣传单那个有点问题 / 文竹村那边也去了: a value of a waiting card (its date, its
        # place, a thing on it) spoken of in words not understood as a correction, a report,
        # a question or a command; asked, the card kept and held for a second 对
        return Decision("unclear", targets=_pick(list(pending), shown)[:1], fields=["partly"])
    return None


#: The most a reply can say and still be a short one: a few words back to the card
UNREAD_LENGTH = 8


def unread_reply(text: str) -> bool:
    """A short reply that asks nothing (差不离, 八九不离十, 就那样): when :func:`decide` read no
    confirmation, correction, report or command in it while a card waits, the card is asked
    about (是要保存吗?), never left to the FAQ as a question it cannot answer while the card
    waits on unseen."""
    body = _FILLER_END.sub("", fold(text).strip())
    return 0 < len(body) <= UNREAD_LENGTH and not _asks(body) and "?" not in body


#: 刚才那个发出去没有 / 存上了吗 / 报上去了没 / 头先报嘅嗰个存咗未 (存了未, Cantonese "saved
#: yet?"): whether the report went through
_STATUS = re.compile(
    r"(?:发出去|发过去|发上去|传上去|存上|存好|存进去|保存|存|登记上?|报上去?|提交|录上|记上|收到)"
    r"(?:了)?(?:没有?|吗|么|没|未)$|(?:保存|登记|存|提交)成功(?:了)?(?:吗|没有?|未)$|"
    r"^(?:刚才|刚刚)?的?(?:那个|这个|那条|这条)?(?:活动|记录)?(?:发|报)了?(?:没有?|吗|么|没|未)$"
)


def _status_only(body: str, sent: datetime) -> bool:
    """A short question about the report just sent, naming no other day or month."""
    return len(body) <= 16 and find_date(body, sent) is None and "月" not in body


def _missing_answer(
    body: str, sent: datetime, home: str | None, pending: Sequence[Target], shown: Sequence[int]
) -> Decision | None:
    """前天发的 / 在文竹村搞的, when the card shown lacks that day or place: the answer to what
    the card asked (a value and the words said around it, nothing else)."""
    target = _shown_target(pending, shown)
    if target is None or not target.draft.missing or _asks(body):
        return None
    core = _bare_core(body)
    if not core or not _is_value_only(core, sent, home):
        return None
    changes = [
        c for c in _value_changes(None, core, "", sent, home) if c.field in target.draft.missing
    ]
    return Decision("answer", targets=[target], changes=changes) if changes else None


def _cards_named(
    reference: str, sent: datetime, home: str | None, cards: Sequence[Target]
) -> list[Target]:
    """The cards of ``cards`` that ``reference`` names (讲座那个, 3号那条, 弄池村的): by its day,
    else its place, else, when it names neither, by its activity."""
    found = find_date(reference, sent)
    place = find_place(reference, home).name
    return [
        t
        for t in cards
        if (found is not None and t.draft.date == found[0])
        or (place is not None and t.draft.place is not None and _same_place(place, t.draft.place))
        or (found is None and place is None and _topic_matches(reference, t.draft))
    ]


def _confirm_named(
    topic: str, sent: datetime, home: str | None, pending: Sequence[Target], shown: Sequence[int]
) -> Decision:
    """讲座那个确认: the one waiting card of that activity (place, day) is saved; when none or
    several are, which one is asked."""
    if topic in _GENERIC_TOPICS or not pending:
        # (nothing waits: a stray 对, which the routes after this one acknowledge)
        return Decision("confirm", control=Control("confirm"))
    matching = _cards_named(topic, sent, home, pending)
    if len(matching) == 1:
        return Decision("confirm", control=Control("confirm", (matching[0].no,)))
    return Decision("which_save", targets=matching or list(pending))


def _names_a_card_value(
    body: str, sent: datetime, home: str | None, pending: Sequence[Target]
) -> bool:
    """A short message, not of something still to come, that names a waiting card's place or
    one of its things."""
    if len(body) > 40 or read_control(body) is not None or speaks_of_later(body, sent):
        return False
    if _COMMAND.match(body):
        return False
    for target in pending:
        draft = target.draft
        if draft.place and len(draft.place) >= 2 and draft.place in body:
            return True
        if any(len(i.name) >= 2 and i.name in body for i in draft.items):
            return True
    return False


# what other routes answer as commands, never taken for talk about a card
_COMMAND = re.compile(
    r"^(?:本月活动|这个月活动|上月活动|上个月活动|活动统计|活动情况|帮助|菜单|人工)"
)


# 刚才开会员活动那个是在文竹村开的: "that one" points at a card, so what follows corrects it
# even though it reads like a report of its own (it brings no count or item of its own)
_SAID_OUTRIGHT = re.compile(r"^(?:不对|不是|哦|噢)?[，,\s]*(?:其实|实际上|就|那)?是(?!在)")
_POINTER = re.compile(
    r"(?:那个|那条|那场|那次|那一条|那一场)\s*(?:[\u4e00-\u9fff]{2,6}?)?\s*"
    r"(?:是|在|地点|日期|人数|时间)"
)


#: 是在弄池村开的 / 是前天搞的: the 是…的 of an activity already told of, at the end
_HELD_AT = re.compile(r"是(?:在)?[^，,。！!\s是]{2,12}?(?:开|搞|办|举办|举行|做|弄)的$")
_PART_START = re.compile(rf"第\s*{_NUMBER_WORD}\s*条")
# 第1条之前报过了 / 第1条张姐已经报了 / 第3条重复了: that card is not to be saved
_DROP = re.compile(
    r"报过了?|已经报了|已经上报|已经登记|重复了|重了|不要了?|不用了|不算了?|作废|撤销|删掉|去掉"
)


# 等一下 / 我问问 / 在开车 晚点再说: the card is to wait, nothing else is said
_HOLD = re.compile(
    r"^(?:稍等|等等|等一?下|等会儿?|等一会儿?|我?[先再]?(?:看看|查查|问问|问一下|问下|核实一下|核对一下|"
    r"确认一下|想想|数数|翻翻本子|看看本子|看一下)|晚点再说|回头再说|一会儿?再说|待会儿?再说|"
    r"在开车|在忙|先放着|先别存|先不要存|先别保存|先不存|先不保存|暂时不存|暂时别存)"
)


_AFFIRM = re.compile(
    r"(?:[\u4e00-\u9fff]{1,6}?|\d+\s*[人个份本户]?)?(?:也|都|就)?(?:是)?"
    r"(?:没错|对的|对|正确|没问题|无误|准确|不错)(?:的|了|啊|呀|哈)?"
)


def _affirms_only(body: str) -> bool:
    """人数没错 / 日期对的 人数也对: values said to be right, and nothing else."""
    pieces = [p for p in re.split(r"[，,。！!\s]+", _FILLER_END.sub("", body)) if p]
    if not pieces or len(body) > 30 or _asks(body):
        return False
    said = False
    for piece in pieces:
        if read_control(piece) == Control("confirm"):
            continue
        match = _AFFIRM.fullmatch(piece)
        if match is None or re.search(r"不|没有?(?!错|问题)|错了|改", piece.replace("没错", "")):
            return False
        said = True
    return said


def _holds(body: str) -> bool:
    body = _FILLER_END.sub("", body)
    if not body or len(body) > 20 or _asks(body) or re.search(r"\d", body):
        return False
    pieces = [p for p in re.split(r"[，,。\s]+", body) if p]
    return all(_HOLD.match(p) or p in _POLITE or len(p) <= 2 for p in pieces) and bool(
        _HOLD.match(pieces[0]) if pieces else False
    )


# 第3条不要了 其他都对 / 第1条人数是12 剩下的都没问题: the cards not named are confirmed
_OTHERS_ALL = re.compile(
    r"[，,。；;\s]*(?:其他|其它|其余|剩下|另外|别的)的?(?:几条|两条|那些|的)?(?:都|全|全都|全部)"
    r"(?:对|对的|没问题|确认|可以|保存|行)[吧了啊的。！!]*$"
)


def _with_the_others(
    body: str,
    sent: datetime,
    home: str | None,
    pending: Sequence[Target],
    shown: Sequence[int],
) -> Decision | None:
    others = _OTHERS_ALL.search(body)
    if others is None or others.start() == 0:
        return None
    head = body[: others.start()]
    first = _numbered_parts(head, sent, home, pending, shown)
    if first is None:
        return None
    parts = first.parts if first.action == "multi" else [first]
    named: set[int] = set()
    for part in parts:
        if part.action == "unclear_parts":
            return part
        if part.control is not None and part.control.numbers:
            named.update(part.control.numbers)
        elif part.action == "correct" and part.targets:
            named.update(t.no for t in part.targets)
        else:
            return Decision("unclear_parts", targets=list(pending))
    rest = tuple(t.no for t in pending if t.no not in named)
    if not rest:
        return first
    # the named cards first (a corrected one is then confirmed with the rest, as it was said)
    confirm_all = Decision("confirm", control=Control("confirm", rest))
    return Decision("multi", parts=[*parts, confirm_all])


#: 都对 就是第5条人数是33: every card confirmed, one of them changed first
_ALL_BUT = re.compile(
    r"^(?:都|全部|全都)(?:对|对的|没问题|没错|可以|确认|行)[了的吧啊]*[，,。\s]*"
    r"(?:就是|只是|但是|不过|除了|只有)[，,\s]*(?=第)"
)


def _all_but(
    body: str,
    sent: datetime,
    home: str | None,
    pending: Sequence[Target],
    shown: Sequence[int],
) -> Decision | None:
    """都对 就是第5条人数是33 / 都没问题 只是第2条不要了: the numbered parts are applied, then
    every card not dropped is saved (the corrected one as corrected, as it was said)."""
    lead = _ALL_BUT.match(_FILLER_END.sub("", body))
    if lead is None:
        return None
    first = _numbered_parts(body[lead.end() :], sent, home, pending, shown)
    if first is None:
        return None
    parts = first.parts if first.action == "multi" else [first]
    dropped: set[int] = set()
    for part in parts:
        if part.action == "unclear_parts":
            return part
        if part.action == "cancel" and part.control is not None:
            dropped.update(part.control.numbers)
        elif part.action not in ("correct", "confirm"):
            return Decision("unclear_parts", targets=list(pending))
    rest = tuple(t.no for t in pending if t.no not in dropped)
    if not rest:
        return first
    return Decision("multi", parts=[*parts, Decision("confirm", control=Control("confirm", rest))])


def _several_controls(body: str) -> Decision | None:
    """1和3对 2不要了 那是街道搞的: a confirmation or a drop per card named, said in a row (a
    drop may carry its reason after it); each card named once, or the message is not this."""
    pieces = [p for p in re.split(r"[，,。；;！!\s]+", _FILLER_END.sub("", body)) if p]
    if len(pieces) < 2:
        return None
    parts: list[Decision] = []
    for piece in pieces:
        control = read_control(piece)
        if (
            control is not None
            and control.numbers
            and control.action in ("confirm", "cancel")
            and not control.all
        ):
            parts.append(Decision(control.action, control=control))
            continue
        if (
            parts
            and parts[-1].action == "cancel"
            and _explains_only(piece)
            and not _says_a_value(piece)
            and not _stray_count(piece)
        ):
            continue  # 那是街道搞的: why the card just named goes
        return None
    numbers = [n for part in parts for n in (part.control.numbers if part.control else ())]
    if len(parts) < 2 or len(set(numbers)) != len(numbers):
        return None
    if all(part.action == "confirm" for part in parts):
        return None  # 1对 2对: read as one confirmation (see _several_confirms)
    return Decision("multi", parts=parts)


def _numbered_reports(body: str, sent: datetime, home: str | None) -> Decision | None:
    """ "第1条 11月3日在文竹村宣传…；第2条 …": a numbered list of new reports, each with its own
    date and no correction word, is new reports, never corrections of the cards numbered so."""
    starts = [m for m in _PART_START.finditer(body)]
    if not starts or starts[0].start() > 0:
        return None
    ends = [m.start() for m in starts[1:]] + [len(body)]
    pieces = [
        body[m.end() : end].strip(" ：:、，,；;。") for m, end in zip(starts, ends, strict=True)
    ]
    for piece in pieces:
        if (
            find_date(piece, sent) is None
            or _MARKERS.search(piece)
            or looks_like_report(piece, sent) < REPORT_THRESHOLD
        ):
            return None
    drafts = [draft for piece in pieces for draft in parse_reports(piece, sent, home)]
    return Decision("report", drafts=drafts) if len(drafts) >= len(pieces) else None


def _numbered_parts(
    body: str,
    sent: datetime,
    home: str | None,
    pending: Sequence[Target],
    shown: Sequence[int],
) -> Decision | None:
    """ "第1条对 第2条日期错了是25号" / "第1条之前报过了 第2条对": one decision per numbered
    part, all of them understood or none applied (the caller then asks)."""
    starts = [m.start() for m in _PART_START.finditer(body)]
    if not starts or _FILLER_END.sub("", body[: starts[0]]).strip(" ，,。；;"):
        return None
    pieces = [
        body[a:b].strip(" ，,。；;") for a, b in zip(starts, [*starts[1:], len(body)], strict=True)
    ]
    parts: list[Decision] = []
    unread: list[int] = []
    for piece in pieces:
        part = _numbered_part(piece, sent, home, pending, shown)
        if part is None:
            if len(pieces) == 1:
                return None  # read as usual
            unread.extend(_selector(piece, bare=False)[0] or [t.no for t in pending])
            continue
        parts.append(part)
    if unread:
        return Decision("unclear_parts", targets=list(pending), unread=tuple(unread))
    if len(parts) == 1:
        return parts[0]
    return Decision("multi", parts=parts)


def _numbered_part(
    piece: str,
    sent: datetime,
    home: str | None,
    pending: Sequence[Target],
    shown: Sequence[int],
) -> Decision | None:
    control = read_control(piece)
    if control is not None and control.numbers:
        return Decision(control.action, control=control)
    numbers, rest = _selector(piece, bare=False)
    if numbers and _holds(rest):
        # 第3条我再核实一下人次 先不存: that card waits, nothing is done to it
        return Decision("hold", control=Control("hold", numbers))
    correction = read_correction(piece, sent, home)
    if not correction.numbers:
        return None
    if correction.changes and correction.explicit and not correction.leftover:
        decision = _resolve(correction, list(pending), shown, "correct")
        return decision if decision.action == "correct" else None
    if not correction.changes and _DROP.search(piece) and not _asks(piece):
        return Decision("cancel", control=Control("cancel", correction.numbers))
    return None


def _confirm_then_report(body: str, sent: datetime, home: str | None) -> Decision | None:
    """ "好的 还有一个 昨天在文竹村也开了会": the card shown is confirmed, then a new report.
    (对了 at the start is "by the way", not a confirmation.)"""
    pieces = re.split(r"[，,。！!\s]+", body, maxsplit=1)
    if len(pieces) < 2 or pieces[0].startswith("对了") or read_control(pieces[0]) is None:
        return None
    if read_control(pieces[0]) != Control("confirm"):
        return None
    drafts = parse_reports(pieces[1], sent, home)
    if not drafts or any(d.date is None for d in drafts):
        return None
    return Decision("report", drafts=drafts, control=Control("confirm"))


def _cancel_then_report(body: str, sent: datetime, home: str | None) -> Decision | None:
    """ "撤销 今天的义诊取消了 … 改成在活动室搞了健康讲座 来了25人": the card shown (or the record
    just saved) is thrown away, and what follows is the report sent again in its place. Only a
    report with its own day and a count or a thing: a bare 撤销 + words is left to the rest."""
    pieces = re.split(r"[，,。！!\s]+", body, maxsplit=1)
    if len(pieces) < 2:
        return None
    control = read_control(pieces[0])
    if control is None or control.action != "cancel" or not _RECORD_CANCEL.search(pieces[0]):
        return None
    drafts = parse_reports(pieces[1], sent, home)
    if not drafts or any(
        d.date is None or (d.participants is None and not d.items) for d in drafts
    ):
        return None
    return Decision("report", drafts=drafts, control=control)


_NEW_ONE = re.compile(
    r"^(?:还有|另外|又|再)?(?:还)?(?:一次|一场|一个活动|另一次|又一次)|又搞|又开|又办|还搞了|还开了"
)


def _unclear(correction: Correction, pool: list[Target], shown: Sequence[int]) -> Decision:
    """A correction without a value ("地点写错了"): asked for, with the card it is about."""
    found = _resolve(correction, pool, shown, "unclear")
    targets = found.targets if found.action == "unclear" else []
    return Decision("unclear", targets=targets, fields=correction.fields_named)


def _is_fragment(
    body: str, sent: datetime, pending: Sequence[Target], shown: Sequence[int]
) -> bool:
    """No date, no place, and no other activity named: more about the card just shown."""
    place = find_place(body)
    if (
        find_date(body, sent) is not None
        or place.name
        or place.home_venue
        or _NEW_ONE.search(body)
    ):
        return False
    if not names_an_event(body):
        return True
    target = _shown_target(pending, shown)
    return target is not None and classify_kind(body) == target.draft.kind


def _shown_target(pending: Sequence[Target], shown: Sequence[int]) -> Target | None:
    shown_cards = [t for t in pending if t.no in shown]
    if len(shown_cards) == 1:
        return shown_cards[0]
    return pending[0] if len(pending) == 1 else None


def _fragment(changes: list[Change], pending: list[Target], shown: Sequence[int]) -> Decision:
    """Counts added to the card just shown; asked about when they would overwrite a count."""
    shown_cards = [t for t in pending if t.no in shown]
    candidates = shown_cards if len(shown_cards) == 1 else pending if len(pending) == 1 else []
    if not candidates:
        return Decision("ask_target", targets=pending, changes=changes)
    target = candidates[0]
    for change in changes:
        if change.field == "participants" and change.people is not None:
            now = target.draft.participants
            if (
                now is not None
                and now != change.people[0]
                and not (target.draft.participants_approx and _within_about(now, change.people))
            ):
                return Decision("ask_value", targets=[target], changes=[change])
    return Decision("correct", targets=[target], changes=changes)


def _within_about(about: int, people: tuple[int, bool]) -> bool:
    """准确是34人 after 三十多人: an exact count inside the card's approximate one (30多 is 30 to
    39, 100多 is 100 to 199) only says it more precisely; it overwrites nothing, so it is
    applied, never asked about."""
    value, approximate = people
    if approximate or about <= 0:
        return False
    unit = 1
    while about % (unit * 10) == 0 and unit * 10 <= about:
        unit *= 10
    return about <= value < about + unit


def _spoken_of(correction: Correction, draft: ActivityDraft) -> bool:
    """The reference names this card: its activity (topic) or one of its items."""
    if correction.topic and _topic_matches(correction.topic, draft):
        return True
    return any(
        c.field in ("item", "item_rename") and _has_item(draft, c.name) for c in correction.changes
    )


def _already(draft: ActivityDraft, change: Change) -> bool:
    """The card already holds this date or place."""
    if change.field == "date" and change.date is not None:
        return draft.date == change.date
    if change.field == "place" and change.place and draft.place:
        return _same_place(draft.place, change.place)
    return False


_HANDED_OUT = re.compile(
    r"^(?:其实|实际上)?(?:发的|发放的|送的|派的|给的|派发的)(?:其实)?(?:是|应该是)"
    r"(?P<new>[\u4e00-\u9fff]{2,10})$"
)


def _pointed_at_told(body: str, draft: ActivityDraft, told: Sequence[Target]) -> bool:
    """下午那个走访是5户 报少了: 那个 points at an activity already told of (a card or record
    of that day and type), and no place of its own is named: no new activity."""
    return (
        _POINTER.search(body) is not None
        and _place_assumed(draft)
        and draft.kind not in (None, "other")
        and any(t.draft.kind == draft.kind and t.draft.date == draft.date for t in told)
    )


def _day_filled(card: ActivityDraft, told: ActivityDraft) -> list[Change]:
    """What ``told`` gives a ``card`` that asked for its day: the day and the counts, when it
    says no activity and no place of its own (a place the card lacks is taken as well); []
    when it is no answer to the card (another activity, another place, no day)."""
    if "date" not in card.missing or told.date is None:
        return []
    if told.kind not in ("other", card.kind):
        return []  # 昨天搞了义诊 beside a card of a meeting: a report of its own
    changes = [Change("date", date=told.date)]
    if told.place and not _place_assumed(told):
        if card.place is None:
            changes.append(Change("place", place=told.place, place_home=told.place_home))
        elif not _same_place(told.place, card.place):
            return []
    if told.participants is not None:
        changes.append(
            Change("participants", people=(told.participants, told.participants_approx))
        )
    changes.extend(Change("item_add", item=item, name=item.name) for item in told.items)
    return changes


def _borrowed(draft: ActivityDraft) -> bool:
    """A report with no day and no place of its own (the place only the reporter's village,
    taken because none was named): no activity apart from a waiting card."""
    return draft.date is None and (draft.place is None or _place_assumed(draft))


_VALUE_AROUND = re.compile(
    r"^(?:不对|不是|哦|噢|其实|实际上|应该|就|那)*(?:是|在)*|"
    r"(?:搞|开|办|做|弄|去|举行|进行|组织|发|送|派|走|讲|整|测)?(?:的|了)?(?:啊|呀|吧|哈|啦)*$"
)


def _bare_value(body: str, sent: datetime, home: str | None) -> bool:
    """是前天搞的 / 在文竹村 / 上周五: a value and the words said around it, nothing else."""
    core = _VALUE_AROUND.sub("", _FILLER_END.sub("", body)).strip()
    return bool(core) and _is_value_only(core, sent, home)


def _place_assumed(draft: ActivityDraft) -> bool:
    """The card's place is the reporter's village only because the report named no place and
    no venue (not 村委会 / 本村, which say it)."""
    if not draft.place_home:
        return False
    said = find_place(draft.text)
    return not said.name and not said.home_venue


def _same_place(a: str, b: str) -> bool:
    a, b = a.replace("村委会", "村").strip(), b.replace("村委会", "村").strip()
    return a == b


def _answers_missing(target: Target, correction: Correction) -> bool:
    """The correction gives what the card lacks (its day or place), and at most a count of
    people or households said beside it (昨天去的 走的是11户)."""
    missing = set(target.draft.missing)
    # 是前日礼拜三 在塘山村: the card's own place said again beside the missing day
    fields = {
        c.field
        for c in correction.changes
        if not (
            c.field == "place"
            and c.place
            and target.draft.place
            and _same_place(c.place, target.draft.place)
        )
    }
    return bool(fields & missing) and fields <= missing | {"participants", "households"}


def _pick(targets: list[Target], shown: Sequence[int]) -> list[Target]:
    shown_targets = [t for t in targets if t.no in shown]
    return shown_targets or targets


def _resolve(
    correction: Correction, pool: list[Target], shown: Sequence[int], action: str
) -> Decision:
    """Find the one card a correction is about, or ask."""
    candidates = pool
    if correction.numbers:
        candidates = [t for t in pool if t.no in correction.numbers]
        if not candidates:
            return Decision("ask_target", targets=pool, changes=correction.changes)
    if len(candidates) > 1 and correction.date_ref is not None:
        by_date = [t for t in candidates if t.draft.date == correction.date_ref]
        if by_date:
            candidates = by_date
    if len(candidates) > 1 and correction.topic:
        by_topic = [t for t in candidates if _topic_matches(correction.topic, t.draft)]
        if by_topic:
            candidates = by_topic
    if len(candidates) > 1 and correction.olds:
        by_old = [
            t for t in candidates if any(_has_value(t.draft, old) for old in correction.olds)
        ]
        if by_old:
            candidates = by_old
    if len(candidates) > 1:
        by_item = [
            t
            for t in candidates
            if any(
                c.field in ("item", "item_rename", "item_remove") and _has_item(t.draft, c.name)
                for c in correction.changes
            )
        ]
        if by_item:
            candidates = by_item
    if len(candidates) > 1:
        missing = [t for t in candidates if _answers_missing(t, correction)]
        if len(missing) == 1:
            candidates = missing
    if len(candidates) > 1:
        shown_only = [t for t in candidates if t.no in shown]
        if len(shown_only) == 1 and len(shown) == 1:
            candidates = shown_only
    if len(candidates) != 1:
        return Decision("ask_target", targets=candidates, changes=correction.changes)
    return Decision(
        action, targets=candidates, changes=correction.changes, restated=correction.restated
    )


def topic_matches(topic: str, draft: ActivityDraft) -> bool:
    """The card or record is the activity ``topic`` names (义诊, 走访, 会员活动), or was held
    on the day it names (11月21号: an undo that speaks of its record by its day)."""
    if _OLD_DAY.match(topic):
        return _has_value(draft, topic)
    return _topic_matches(topic, draft)


def _topic_matches(topic: str, draft: ActivityDraft) -> bool:
    """小组会 / 开会员活动那个 / 走访: the card's own words, or an activity of the same kind.
    A time word is no topic (今天是…)."""
    if len(topic) < 2 or find_date(topic, _NOON) is not None:
        return False
    place = find_place(topic).name
    if place and topic.startswith(place + "的") and len(topic) >= len(place) + 3:
        # 凉亭村的会员活动: that activity, and held at that place
        rest = topic[len(place) + 1 :]
        return (
            bool(draft.place)
            and _same_place(place, draft.place or "")
            and _topic_matches(rest, draft)
        )
    if topic in fold(draft.text):
        return True
    handed = _HANDED_OUT_TOPIC.fullmatch(topic)
    if handed and any(_has_item_named(handed.group("thing"), i.name) for i in draft.items):
        return True
    kind = _kind_value(topic)
    return kind is not None and kind == draft.kind


_NOON = datetime(2026, 1, 1, 12, 0)


# 不是16号 / 不是11月16日: the wrong day said, which card it is on
_OLD_DAY = re.compile(r"^(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})[号日]$")


def _has_value(draft: ActivityDraft, old: str) -> bool:
    old = old.strip()
    day = _OLD_DAY.match(old)
    if day and draft.date is not None:
        month = int(day.group("m")) if day.group("m") else None
        return draft.date.start.day == int(day.group("d")) and month in (
            None,
            draft.date.start.month,
        )
    count = _count(old)
    if count and draft.participants == count[0]:
        return True
    if count and any(item.quantity == count[0] for item in draft.items):
        return True
    return bool(draft.place and old and (old in draft.place or draft.place in old))


def _has_item_named(a: str, b: str) -> bool:
    return bool(a and b) and (a in b or b in a)


def _has_item(draft: ActivityDraft, name: str) -> bool:
    return any(name in item.name or item.name in name for item in draft.items if name)


# -- applying ----------------------------------------------------------------------------------


def apply_changes(
    draft: ActivityDraft, changes: Sequence[Change]
) -> tuple[ActivityDraft, list[str]]:
    """The draft with ``changes`` applied and a note per change that could not be applied."""
    problems: list[str] = []
    for change in changes:
        if change.field == "date" and change.date is not None:
            draft.date = change.date
        elif change.field == "place" and change.place:
            draft.place, draft.place_home = change.place, change.place_home
        elif change.field == "participants" and change.people is not None:
            draft.participants, draft.participants_approx = change.people
        elif change.field == "kind" and change.kind:
            draft.kind = change.kind
        elif change.field == "participants_clear":
            draft.participants, draft.participants_approx = None, False
        elif change.field == "item_remove":
            remaining = [
                i for i in draft.items if not (change.name in i.name or i.name in change.name)
            ]
            if len(remaining) == len(draft.items):
                problems.append(f"这条记录里没有“{change.name}”，请说清楚要去掉哪样物品")
            removed = [i for i in draft.items if i not in remaining]
            draft.items = remaining
            draft.kind = _kind_without(draft, removed)
        elif change.field == "number" and change.people is not None:
            problem = _replace_number(draft, change)
            if problem:
                problems.append(problem)
        elif change.field == "revert" and change.people is not None:
            problem = _revert(draft, change)
            if problem:
                problems.append(problem)
        elif change.field == "households" and change.item is not None:
            households = [i for i in draft.items if i.unit == "户"]
            if len(households) == 1:
                old = households[0]
                draft.items = [
                    Item(old.name, change.item.quantity, "户", change.item.approximate)
                    if i is old
                    else i
                    for i in draft.items
                ]
            elif not households and change.name:
                # 走访是8户 on a card with no households yet: the visit itself, counted
                draft.items = [*draft.items, Item(change.name, *_count_of(change.item))]
            else:
                problems.append("没找到要改的户数，请说“走访计生特殊家庭6户”这样的全称")
        elif change.field == "unit_count" and change.item is not None:
            same = [i for i in draft.items if i.unit == change.item.unit]
            if len(same) == 1:
                old = same[0]
                draft.items = [
                    Item(old.name, change.item.quantity, old.unit, change.item.approximate)
                    if i is old
                    else i
                    for i in draft.items
                ]
            else:
                problems.append(
                    f"没找到要改成{change.item.quantity}{change.item.unit}的那一项，"
                    "请连名字一起说，比如“资料是80份”"
                )
        elif change.field in ("item", "item_add") and change.item is not None:
            # 走访了7户 after 搞了计生家庭走访: the households the card's report named
            item = households_named(change.item, draft.text)
            visits = [i for i in draft.items if visits_only(i)]
            if item.unit == "户" and not visits_only(item) and len(visits) == 1:
                # 走访的是计生特殊家庭 4户 on a card with 走访 4 户: the households visited, named
                draft.items = [item if i is visits[0] else i for i in draft.items]
            else:
                draft.items = _set_item(draft.items, item, add=change.field == "item_add")
        elif change.field == "item_rename" and change.item is not None:
            renamed = False
            kept: list[Item] = []
            for item in draft.items:
                if not renamed and (change.name in item.name or item.name in change.name):
                    new = change.item
                    kept.append(
                        Item(new.name, new.quantity, new.unit, new.approximate)
                        if new.quantity
                        else Item(new.name, item.quantity, item.unit, item.approximate)
                    )
                    renamed = True
                else:
                    kept.append(item)
            new_kind = _activity_kind(change.item.name)
            if new_kind is not None and _activity_kind(change.name) is not None:
                # 不是培训 是会员小组会: both name an activity, so the type changes (and an
                # item named for the activity, 走访8户, is renamed with it)
                draft.kind = new_kind
                renamed = True
            elif not renamed:
                problems.append(f"这条记录里没有“{change.name}”，请说清楚要改哪样物品")
            draft.items = kept
    return draft, problems


def _revert(draft: ActivityDraft, change: Change) -> str:
    """算了还是25: the one field the report said ``change.people`` for and that now holds
    another number goes back to it; when none or several could be meant, nothing changes."""
    assert change.people is not None
    value, approximate = change.people
    unit = change.name
    reports = parse_reports(draft.text, _NOON, None) if draft.text else []
    fits: list[int] = []  # -1: the attendance; else the index of the item
    if len(reports) == 1:
        report = reports[0]
        if (
            unit in ("", "个", *_PEOPLE_UNITS)
            and (report.participants, report.participants_approx) == (value, approximate)
            and (draft.participants, draft.participants_approx) != (value, approximate)
        ):
            fits.append(-1)
        for index, item in enumerate(draft.items):
            if (item.quantity, item.approximate) == (value, approximate):
                continue
            if any(
                _has_item_named(said.name, item.name)
                and said.unit == item.unit
                and unit in ("", item.unit)
                and (said.quantity, said.approximate) == (value, approximate)
                for said in report.items
            ):
                fits.append(index)
    if len(fits) != 1:
        return f"没看懂要把哪一项改回{value}，请连名字一起说，比如“人数是{value}人”"
    if fits[0] == -1:
        draft.participants, draft.participants_approx = value, approximate
    else:
        item = draft.items[fits[0]]
        draft.items[fits[0]] = Item(item.name, value, item.unit, approximate)
    return ""


def _count_of(item: Item) -> tuple[int, str, bool]:
    return item.quantity, item.unit, item.approximate


def _replace_number(draft: ActivityDraft, change: Change) -> str:
    """不是35是25: the card's number that was the old one (people, or an item's count)."""
    assert change.people is not None
    old = _count(change.name)
    value, approximate = change.people
    people_unit = old is not None and old[2] in ("", *_PEOPLE_UNITS, "个")
    same_items = [i for i in draft.items if old is not None and i.quantity == old[0]]
    if old is not None and people_unit and draft.participants == old[0] and same_items:
        exact = [i for i in same_items if old[2] and i.unit == old[2]]
        if len(exact) == 1 and old[2] not in _PEOPLE_UNITS:
            # 人数15人、环保袋15个, 不是15个是20个: the number said with the item's own unit
            index = draft.items.index(exact[0])
            draft.items[index] = Item(exact[0].name, value, exact[0].unit, approximate)
            return ""
        if not old[2]:
            # 不是15是20 when both the attendance and an item are 15: asked, never guessed
            item = same_items[0]
            return (
                f"人数和{item.name}都是{old[0]}，没有改。请说清楚改哪一项，比如"
                f"“人数是{value}人”或“{item.name}是{value}{item.unit}”"
            )
    if old is not None and people_unit and draft.participants == old[0]:
        draft.participants, draft.participants_approx = value, approximate
        return ""
    if old is not None:
        for index, item in enumerate(draft.items):
            if item.quantity == old[0] and old[2] in ("", item.unit):
                draft.items[index] = Item(item.name, value, item.unit, approximate)
                return ""
    return f"这条记录里没有“{change.name}”这个数，请说清楚改哪一项，比如“人数是{value}人”"


def _kind_without(draft: ActivityDraft, removed: list[Item]) -> str:
    """入户走访…6户 办了关爱保险8份 → 保险没办成: when the type came from an item taken off the
    card (and no other item gives it), the type is read again from the report without it."""
    if not removed or not draft.text:
        return draft.kind
    if not any(classify_kind(i.name) == draft.kind for i in removed):
        return draft.kind
    if any(classify_kind(i.name) == draft.kind for i in draft.items):
        return draft.kind
    names = [i.name for i in removed]
    pieces = re.split(r"([，,。；;\s]+)", fold(draft.text))
    kept = "".join(p for p in pieces if not any(name in p for name in names))
    kind = classify_kind(kept)
    return kind if kind != "other" else draft.kind


#: 袋子 / 盒子 / 册子: a thing called by what it is (a bag), for the card's one thing of that
#: sort (环保袋). Not 单子 or 本子, which as often mean a list or a notebook as a leaflet.
_GENERIC_THING = re.compile(r"^(?:那些|这些|那个|这个)?(?P<head>[袋盒瓶箱册])子$")


def _called_generically(items: list[Item], new: Item) -> int | None:
    """The index of the card's only thing ``new`` calls by its sort (袋子 → 环保袋), counted in
    the same unit; None when no thing or more than one could be meant."""
    generic = _GENERIC_THING.match(new.name)
    if generic is None:
        return None
    fits = [
        index
        for index, item in enumerate(items)
        if item.name.endswith(generic.group("head")) and (not new.unit or item.unit == new.unit)
    ]
    return fits[0] if len(fits) == 1 else None


def _set_item(items: list[Item], new: Item, *, add: bool) -> list[Item]:
    """Set an item's count (matched by name, then by kind and unit), or add it."""
    generic = None if add else _called_generically(items, new)
    if generic is not None:
        # 袋子是30个 on a card with 环保袋25个: that thing's count, under its own name
        old = items[generic]
        changed = Item(old.name, new.quantity, old.unit, new.approximate)
        return [*items[:generic], changed, *items[generic + 1 :]]
    for index, item in enumerate(items):
        if (
            new.name
            and (new.name in item.name or item.name in new.name)
            and (item.unit == new.unit or not new.unit)
        ):
            unit = new.unit or item.unit
            return [
                *items[:index],
                Item(
                    item.name if add else _longer(item.name, new.name),
                    new.quantity,
                    unit,
                    new.approximate,
                ),
                *items[index + 1 :],
            ]
    same_name = [i for i, item in enumerate(items) if new.name and item.name == new.name]
    if not add and len(same_name) == 1 and new.unit:
        # 宣传册是200本 on a card with 宣传册200份: the count and its unit said anew
        return [*items[: same_name[0]], new, *items[same_name[0] + 1 :]]
    for index, item in enumerate(items):
        if (
            not add
            and item.unit == new.unit
            and item_category(item.name, item.unit) == item_category(new.name, new.unit)
            and item_category(new.name, new.unit) != new.name
        ):
            return [
                *items[:index],
                Item(item.name, new.quantity, item.unit, new.approximate),
                *items[index + 1 :],
            ]
    return [*items, new]


def _longer(a: str, b: str) -> str:
    return a if len(a) >= len(b) else b


# -- answers to the bot's own questions --------------------------------------------------------

_YES = frozenset(
    {"改", "要改", "改吧", "改一下", "是", "是的", "对", "对的", "好", "好的", "嗯", "可以", "要"}
)
_NO = frozenset(
    {"不改", "不用", "不用改", "不要", "不是", "不对", "算了", "没错", "不用了", "别改"}
)


def change_to_json(change: Change) -> dict[str, Any]:
    return {
        "field": change.field,
        "date": [change.date.start.isoformat(), change.date.end.isoformat()]
        if change.date
        else None,
        "place": change.place,
        "place_home": change.place_home,
        "people": list(change.people) if change.people else None,
        "kind": change.kind,
        "item": asdict(change.item) if change.item else None,
        "name": change.name,
    }


def change_from_json(data: dict[str, Any]) -> Change:
    span = data.get("date")
    people = data.get("people")
    item = data.get("item")
    return Change(
        field=str(data["field"]),
        date=DateSpan(date.fromisoformat(span[0]), date.fromisoformat(span[1])) if span else None,
        place=data.get("place"),
        place_home=bool(data.get("place_home")),
        people=(int(people[0]), bool(people[1])) if people else None,
        kind=data.get("kind"),
        item=Item(**item) if item else None,
        name=str(data.get("name") or ""),
    )


# around the answer to 哪一条: 是第1条 / 第1条的 / 江口村那条 / 小组会那个
_WHICH_LEAD = re.compile(r"^(?:是|就是|应该是|改|我说的是|说的是)")
_WHICH_TAIL = re.compile(r"(?:那一条|那条|这条|那个|这个|那次|那场|那一场|的那条|的那个|的)$")


def _which_answer(
    body: str, sent: datetime, home: str | None, asked: Sequence[Target]
) -> Target | None:
    """The one card an answer to 哪一条 names: by its number (1 / 第1条 / 是第一条) or by what
    sets it apart from the others asked about (江口村那条 / 小组会那个 / 3号那条)."""
    body = _WHICH_LEAD.sub("", body.strip(" ，,。"))
    numbers, rest = _selector(body, bare=True)
    if numbers:
        if len(numbers) != 1 or _WHICH_TAIL.sub("", rest.strip()).strip():
            return None
        named = [t for t in asked if t.no == numbers[0] and not t.saved]
        named = named or [t for t in asked if t.no == numbers[0]]
        return named[0] if named else None
    reference = _WHICH_TAIL.sub("", body).strip()
    if (
        not 2 <= len(reference) <= 12
        or _asks(body)
        or read_control(body) is not None
        or _MARKERS.search(body)
    ):
        return None
    matching = _cards_named(reference, sent, home, asked)
    return matching[0] if len(matching) == 1 else None


def _item_answer(name: str, body: str, sent: datetime, home: str | None) -> Change | None:
    """资料要改成什么？→ 宣传折页 / 150份 / 宣传折页150份: the thing's new name, count or both."""
    value = re.sub(r"^(?:应该|其实|就|那就)?(?:是|为|改成|改为|换成)", "", body).strip()
    if not value or _asks(value) or read_control(value) is not None:
        return None
    count = _count(value)
    if count is not None and _counts_in(value) == 1 and count[2] not in _PEOPLE_UNITS:
        match = _COUNT.search(value)
        assert match is not None
        rest = (value[: match.start()] + value[match.end() :]).strip(" ，,的")
        if not count[2] and not rest:
            return None  # a bare number: which unit is not said
        if not rest or rest == name:
            unit = money_unit(name, count[2])
            return Change("item", item=Item(name, count[0], unit, count[1]), name=name)
        if _NOUN.fullmatch(rest) and _field_of(rest) is None:
            return Change("item_rename", name=name, item=Item(rest, count[0], count[2], count[1]))
        return None
    if (
        _NOUN.fullmatch(value)
        and _field_of(value) is None
        and find_date(value, sent) is None
        and not find_place(value, home).name
    ):
        return Change("item_rename", name=name, item=Item(value, 0, ""))
    return None


def _whole_report(text: str, sent: datetime, home: str | None) -> bool:
    """A report with its own day, its own named place and its own activity."""
    drafts = parse_reports(text, sent, home)
    return bool(drafts) and all(
        d.date is not None and d.place is not None and not _place_assumed(d) and d.kind != "other"
        for d in drafts
    )


def follow_up(
    text: str,
    sent: datetime,
    home: str | None,
    question: dict[str, Any],
    targets: Sequence[Target],
) -> Decision | None:
    """The answer to what the bot just asked: 改成文竹村吗？→ 对; 第几条？→ 第1条; 没看懂地点 →
    文竹村. None when the message is not an answer (it is then read as usual)."""
    body = _FILLER_END.sub("", fold(text).strip()).lower()
    changes = [change_from_json(c) for c in question.get("changes", [])]
    kind = question.get("kind")
    if kind in ("field", "what") and _whole_report(text, sent, home):
        # 昨天在那坡社区搞了青春健康讲座 来了38个学生: a new report of its own, never an answer
        # to what was asked about another card (read as usual: its own card)
        return None

    def target(no: int, saved: bool) -> Target | None:
        return next((t for t in targets if t.no == no and t.saved == saved), None)

    if kind == "proposal":
        chosen = target(int(question["no"]), bool(question.get("saved")))
        if chosen is None:
            return None
        if body in _NO:
            return Decision("kept", targets=[chosen])  # 没错: the card was right as it was
        if body in _YES or read_control(body) == Control("confirm"):
            # 要改成11月19日吗？→ 对的 / 系 / 好嘞: yes to the change, never a save of the card
            # as it was before the change
            return Decision("correct", targets=[chosen], changes=changes)
        return None
    if kind == "which_save":
        # 现在有2条等您确认，请说清楚保存哪条 → 1 / 江口村那条: save that one
        waiting = [
            t for t in targets if not t.saved and [t.no, False] in question.get("among", [])
        ]
        chosen = _which_answer(body, sent, home, waiting)
        if chosen is None:
            return None
        return Decision("confirm", control=Control("confirm", (chosen.no,)))
    if kind == "which":
        among = [t for t in targets if [t.no, t.saved] in question.get("among", [])]
        chosen = _which_answer(body, sent, home, among or list(targets))
        if chosen is None:
            return None
        return Decision("correct", targets=[chosen], changes=changes)
    if kind == "what":
        # 不对 → "哪里不对？" → 是昨天 / 人数是20: the answer is a correction of that card
        chosen = target(int(question["no"]), False)
        if chosen is None or _asks(body) or read_control(body) is not None:
            return None
        correction = read_correction(body, sent, home)
        if correction.changes and not correction.leftover and not correction.numbers:
            return Decision("correct", targets=[chosen], changes=correction.changes)
        return None
    if kind == "field":
        chosen = target(int(question["no"]), bool(question.get("saved")))
        field_name = str(question.get("field"))
        if chosen is None or _asks(body):
            return None
        if field_name == "items" and question.get("item"):
            thing = _item_answer(str(question["item"]), body, sent, home)
            if thing is not None:
                return Decision("correct", targets=[chosen], changes=[thing])
        correction = read_correction(body, sent, home)
        final = [c for c in re.split(r"[，,。；;！!\s]+", body) if _WRITE_AS.match(c)]
        if correction.leftover and len(final) == 1:
            # 应该是三十五六个吧 就写35: the value to write, said outright, answers the question
            settled = _value_changes(field_name, _WRITE_AS.sub("", final[0]), "", sent, home)
            if settled:
                return Decision("correct", targets=[chosen], changes=settled)
        if correction.leftover:
            # 人数应该是多少？→ 是30个: a short answer is the value of the field asked about
            value = re.sub(r"^(?:应该|其实|就|那就)?(?:是|为|改成|改为)", "", body)
            asked = _value_changes(field_name, value, "", sent, home) if len(value) <= 8 else []
            if asked and _counts_in(value) <= 1:
                return Decision("correct", targets=[chosen], changes=asked)
            return None
        # the field asked about, and anything else the answer corrects with it
        found = list(correction.changes)
        if not any(c.field == field_name for c in found):
            asked = _value_changes(field_name, body, "", sent, home)
            found = asked + found if asked else []  # "昨天" is no number of people
        return Decision("correct", targets=[chosen], changes=found) if found else None
    return None
