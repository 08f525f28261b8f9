"""The texts the FAQ gives for each matcher outcome (shared by the chat route and ``xiehui ask``)."""

from __future__ import annotations

from collections.abc import Sequence

from knowledge.base import Entry
from knowledge.matcher import FaqHit, Outcome

CAN_HELP = (
    "我可以回答：三孩政策和育儿补贴、产假陪产假育儿假、生育保险和生育津贴、出生登记、"
    "计生家庭保险和理赔、孕前检查和孕期保健、宝宝筛查和疫苗、怎么加入计生协等问题。"
)
UNCONFIRMED_NOTE = "（提示：这条信息还没有核实，请按上面说的去核实后再办理。）"
GREETING = (
    "您好，我是协会助手。有生育政策、育儿补贴、计生保险、优生优育或计生协的问题，直接问我就行。"
)
THANKS = "不客气！还有问题随时问我。"
REJECT = (
    "这个问题不在我能回答的范围内，抱歉。我主要回答生育政策、育儿补贴、计生保险、"
    "优生优育和计生协的问题。"
)
ILLEGAL = (
    "这件事是法律明令禁止的，我不能提供帮助。《人口与计划生育法》和《母婴保健法》禁止非医学需要"
    "的胎儿性别鉴定和选择性别的人工终止妊娠；任何形式的代孕、买卖婴儿、伪造出生证明等也都是违法的。"
    "如果有生育方面的困难，可以到正规医院就诊，或咨询当地卫生健康部门、乡镇计生办。"
)
NOT_FOUND = "这个问题我暂时答不上来。"


def entry_text(entry: Entry, note: str = "") -> str:
    """An entry's answer with the region note, the unconfirmed flag and its source line."""
    parts = [entry.answer.strip()]
    if note:
        parts.append(note)
    if entry.status == "unconfirmed":
        parts.append(UNCONFIRMED_NOTE)
    parts.append(entry.source_line())
    return "\n".join(parts)


def choices_text(candidates: Sequence[Entry]) -> str:
    lines = ["您问的是不是下面这些？请回复序号："]
    lines += [f"{n}. {e.questions[0]}" for n, e in enumerate(candidates, start=1)]
    lines.append("都不是的话，可以换个说法再问，或发送“人工”转人工服务。")
    return "\n".join(lines)


def render(hit: FaqHit) -> str:
    """Plain reply text for a hit (without hand-off; the FAQ route adds that)."""
    if hit.outcome is Outcome.CONFIDENT and hit.entry is not None:
        return entry_text(hit.entry, hit.note)
    if hit.outcome is Outcome.UNSURE and hit.candidates:
        return choices_text(hit.candidates)
    if hit.outcome is Outcome.GREETING:
        return GREETING
    if hit.outcome is Outcome.THANKS:
        return THANKS
    if hit.outcome is Outcome.ILLEGAL:
        return ILLEGAL
    if hit.outcome is Outcome.REJECT:
        return REJECT
    return f"{NOT_FOUND}{CAN_HELP}"
