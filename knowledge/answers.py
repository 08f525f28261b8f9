"""The texts the FAQ gives for each matcher outcome (shared by the chat route and ``xiehui ask``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from handlers.core.messages import MAX_TEXT_BYTES, utf8_len
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
#: For a question about the law or how to report (代孕在我国合法吗, 发现有人查男女怎么举报): the same
#: law, stated without telling the asker they asked for help with something illegal.
ILLEGAL_ABOUT_LAW = (
    "这类做法是法律明令禁止的。《人口与计划生育法》和《母婴保健法》禁止非医学需要的胎儿性别鉴定"
    "和选择性别的人工终止妊娠；任何形式的代孕、买卖婴儿、伪造出生证明等也都是违法的。"
    "具体怎么处罚、发现了向哪里反映，可以咨询当地卫生健康部门或乡镇计生办。"
)
NOT_FOUND = "这个问题我暂时答不上来。"
DECLINED = "您问的其他事情不在我能回答的范围内，我主要回答生育政策、育儿补贴、计生保险、优生优育和计生协的问题。"


#: A sentence telling the reader to check with someone ("具体以当地最新文件为准"): one per reply.
DISCLAIMER = re.compile(r"[^。！？\n]*(?:以[^。！？\n]{0,40}为准|仅供参考)[^。！？\n]*[。！？]?")
#: Region notes that must be read before the answer (another region's rule follows).
LEADING_NOTE = "以下是"


@functools.lru_cache(maxsize=4096)
def _without_disclaimers(text: str) -> tuple[str, str]:
    """``text`` without its disclaimer sentences, and the first of them.

    Remembered by text: it is an entry's answer (or a part of one), a few hundred in all, and
    the disclaimer pattern costs a few hundred microseconds on one (every reply pays it)."""
    found = DISCLAIMER.search(text)
    if found is None:
        return text, ""
    stripped = DISCLAIMER.sub("", text)
    stripped = re.sub(r"[ \t]+\n", "\n", stripped)
    return re.sub(r"\n{3,}", "\n\n", stripped).strip(), found.group().strip()


#: A rule with two branches by how long a pregnancy lasted (怀孕未满4个月流产的，享受15天产假；
#: 怀孕满4个月流产的，享受42天产假): the text before them, the branch under the bound, the
#: branch at or over it.
_BY_MONTHS = re.compile(
    r"(?P<under>(?:怀孕)?(?:未满|不满|不足|不到)(?P<n>\d+)个月[^。；;\n]*)[；;]"
    r"(?P<over>(?:怀孕)?(?:满|超过)(?P=n)个月[^。；;\n]*)"
)


def for_months(answer: str, months: float | None) -> str:
    """``answer`` with a rule that branches on how long the pregnancy lasted reduced to the
    branch that applies to the asker (``months``: what the asker said, None: unknown)."""
    if months is None:
        return answer

    def pick(found: re.Match[str]) -> str:
        bound = int(found.group("n"))
        if abs(months - bound) < 0.05:
            return found.group()  # exactly at the bound: both branches, the reader decides
        return found.group("under") if months < bound else found.group("over")

    return _BY_MONTHS.sub(pick, answer)


def entry_text(
    entry: Entry,
    note: str = "",
    *,
    disclaimer: bool = True,
    brief: bool = False,
    months: float | None = None,
) -> str:
    """An entry's answer with its region note, at most one disclaimer and its source line.

    The answer's first paragraph is the direct answer; ``brief`` keeps only that paragraph
    (used when several answers share one message). A note that says another region's rule
    follows (以下是广西的规定…) comes first; other notes follow the answer.
    """
    answer = for_months(entry.answer.strip(), months)
    if brief:
        answer = answer.split("\n")[0].strip()
    answer, said = _without_disclaimers(answer)
    lines = []
    if note and note.startswith(LEADING_NOTE):
        lines.append(note)
    lines.append(answer)
    if note and not note.startswith(LEADING_NOTE):
        lines.append(note)
    if disclaimer:
        if entry.status == "unconfirmed" and not said:
            lines.append(UNCONFIRMED_NOTE)
        elif said:
            lines.append(said)
    lines.append(entry.source_line())
    return "\n".join(line for line in lines if line)


def parts_text(hits: Sequence[FaqHit]) -> str:
    """One numbered answer per question of a message, each with its source, one disclaimer
    at the end; shortened to the direct answers when the whole would pass one message."""
    said = ""
    for hit in hits:
        if hit.entry is not None:
            said = said or _without_disclaimers(hit.entry.answer)[1]
    tail = said or (
        UNCONFIRMED_NOTE
        if any(h.entry is not None and h.entry.status == "unconfirmed" for h in hits)
        else ""
    )
    shown = [(h, h.entry) for h in hits if h.entry is not None]
    brief = [False] * len(shown)
    # Too long for one message: the longest answers are cut to their direct answer first.
    by_length = sorted(range(len(shown)), key=lambda i: -len(shown[i][1].answer))
    for step in range(len(shown) + 1):
        if step:
            brief[by_length[step - 1]] = True
        blocks = [
            f"{number}. "
            + entry_text(entry, hit.note, disclaimer=False, brief=cut, months=hit.months)
            for number, ((hit, entry), cut) in enumerate(zip(shown, brief, strict=True), start=1)
        ]
        text = "\n\n".join(blocks) + (f"\n{tail}" if tail else "")
        if utf8_len(text) <= MAX_TEXT_BYTES:
            break
    return text


def choices_text(candidates: Sequence[Entry]) -> str:
    lines = ["您问的是不是下面这些？请回复序号："]
    lines += [f"{n}. {e.questions[0]}" for n, e in enumerate(candidates, start=1)]
    lines.append("都不是的话，可以换个说法再问，或发送“人工”转人工服务。")
    return "\n".join(lines)


def render(hit: FaqHit) -> str:
    """Plain reply text for a hit (without hand-off; the FAQ route adds that)."""
    if hit.outcome is Outcome.CONFIDENT and hit.entry is not None:
        text = (
            parts_text(hit.parts)
            if hit.parts
            else entry_text(hit.entry, hit.note, months=hit.months)
        )
        # 南宁头胎产假多少天 顺便问下年假有几天: the question in scope is answered, the other
        # is said to be out of scope.
        return f"{text}\n{DECLINED}" if hit.declined else text
    if hit.outcome is Outcome.UNSURE and hit.candidates:
        return choices_text(hit.candidates)
    if hit.outcome is Outcome.GREETING:
        return GREETING
    if hit.outcome is Outcome.THANKS:
        return THANKS
    if hit.outcome is Outcome.ILLEGAL:
        return ILLEGAL_ABOUT_LAW if hit.about_law else ILLEGAL
    if hit.outcome is Outcome.REJECT:
        return REJECT
    return f"{NOT_FOUND}{CAN_HELP}"
