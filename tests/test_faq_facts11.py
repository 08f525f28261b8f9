"""FAQ round 11: every question of a message answered with the facts it needs. A second
question whose reading only repeats the first answer gets its own answer; a question leaning on a
story is read with the story's family-planning words; entries state the neighbouring facts the
fact sheet gives. Through the matcher and the real encrypted WeCom callback. The questions are in
no evaluation set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from knowledge.base import KnowledgeBase
from knowledge.matcher import FaqHit, Outcome
from knowledge.regions import Region
from tests.test_activity_callback import Chat, open_family_chat

FAMILIES: dict[str, tuple[str, ...]] = {
    "maoming": ("广东", "茂名市"),
    "foshan": ("广东", "佛山市"),
    "chifeng": ("内蒙古", "赤峰市"),
}


@pytest.fixture
def chat(tmp_path: Path, redis: Redis) -> Iterator[Chat]:
    with open_family_chat(tmp_path, redis, FAMILIES) as chat:
        yield chat


def answered(hit: FaqHit) -> list[str]:
    """The ids of the entries a decision answers with, one per question."""
    assert hit.outcome is Outcome.CONFIDENT and hit.entry is not None
    return [p.entry.id for p in hit.parts if p.entry is not None] or [hit.entry.id]


# -- a second question that the first answer does not answer ----------------------------------------


def test_a_follow_up_about_renewing_gets_its_own_answer(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("拿了育儿补贴会不会影响家里低保 每年都得重新申请吗", Region("广东"))
    assert answered(hit) == ["t1.subsidy.dibao-tax", "t1.subsidy.renewal"]


def test_two_tests_compared_after_the_first_is_answered(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match(
        "医生叫我做无创或者羊水穿刺 无创几周可以做 两个有什么区别", Region("广东", "佛山市")
    )
    assert answered(hit) == ["t3.screen.nipt_timing", "t3.screen.nipt_vs_amnio"]


def test_a_follow_up_the_first_answer_gives_adds_nothing(kb: KnowledgeBase) -> None:
    # the amount is what the special assistance's answer gives: no history of old amounts
    hit = kb.matcher.match("俺家是失独家庭 社区说有特扶 我们能领不 一个月多少钱", Region("广东"))
    assert answered(hit) == ["t1.assist.special.amount"]


def test_a_follow_up_asking_for_papers_stays_on_its_subject(kb: KnowledgeBase) -> None:
    # alone, 需要准备哪些材料 is the insurance claim's papers; here it is the registration's
    hit = kb.matcher.match("新生儿出生登记要在多长时间内办？需要准备哪些材料？")
    ids = answered(hit)
    assert ids[0] == "t1.birth.registration.deadline"
    assert all(not i.startswith("t2.") for i in ids)


def test_tax_after_the_subsidy_is_the_subsidy_tax(kb: KnowledgeBase) -> None:
    # 需要交税吗 alone is the parents' income-tax deduction; after the subsidy it is its tax
    hit = kb.matcher.match("育儿补贴一年给多少 需要交税吗", Region("广西", "百色市"))
    ids = answered(hit)
    assert ids[0].startswith("t1.subsidy.amount.")
    assert "t1.subsidy.dibao-tax" in ids
    assert "t1.tax.infant-care.amount" not in ids


def test_an_in_scope_follow_up_is_not_declined_for_the_word_before_it(kb: KnowledgeBase) -> None:
    matcher = kb.matcher
    # 低保 alone is out of scope; asked about the subsidy it is not, nor is what follows it
    assert matcher.off_clause("领了育儿补贴影响低保不是不是每年都要申请")
    hit = matcher.match("领了育儿补贴影响低保不 是不是每年都要申请")
    assert hit.declined == 0
    assert "t1.subsidy.renewal" in answered(hit)


# -- a question leaning on a story -----------------------------------------------------------------


def test_the_subject_of_a_story_is_its_own_family_planning_words(kb: KnowledgeBase) -> None:
    # in the order the story names them, not the generic ones (计生, 二胎)
    assert kb.matcher._subject("我老公他公司说育儿假只有五天") == "育儿假"
    assert kb.matcher._subject("二胎计生保险和育儿补贴") == "育儿补贴"
    assert kb.matcher._subject("我们孩子两岁了") == ""


def test_two_near_misses_agreeing_settle_the_answer(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match(
        "我老公他公司说育儿假只有五天 我们孩子两岁了 在广州 到底是几天",
        Region("广东", "广州市"),
    )
    ids = answered(hit)
    assert ids[0] == "t1.leave.parental.guangdong"
    assert not any(i.startswith("t3.") for i in ids)


# -- entries state the neighbouring facts -----------------------------------------------------------


def test_entries_state_what_askers_ask_next(kb: KnowledgeBase) -> None:
    by_id = {e.id: e for e in kb.entries}
    birth = by_id["t3.vaccine.birth"].answer.split("\n")[0]
    assert "1月龄" in birth and "6月龄" in birth and "卡介苗" in birth
    assert "1月龄" in by_id["t3.vaccine.schedule"].answer
    assert "子女教育" in by_id["t1.tax.infant-care.amount"].answer
    huhehaote = by_id["t1.subsidy.amount.huhehaote"]
    assert "2022年1月1日" in huhehaote.answer and "T1-09" in huhehaote.facts
    for key in ("t1.onlychild.reward.neimenggu", "t1.onlychild.reward.national"):
        entry = by_id[key]
        assert "奖励扶助" in entry.answer and "60周岁" in entry.answer
        assert "T1-57" in entry.facts
    assert "100元" in by_id["t2.products.neimenggu"].answer


# -- through the encrypted callback ----------------------------------------------------------------


def test_a_maoming_family_gets_both_answers_about_the_subsidy(chat: Chat) -> None:
    reply = chat.say("maoming", "领了育儿补贴影响低保不 是不是每年都要申请")
    assert "免征" in reply and "低保" in reply
    assert "1. " in reply and "2. " in reply
    assert "不在我能回答的范围" not in reply


def test_a_foshan_mother_gets_the_weeks_and_the_difference(chat: Chat) -> None:
    reply = chat.say(
        "foshan",
        "我32了 在佛山南海 怀孕13周 医生让做无创或者羊穿 我妈说羊穿不好 "
        "无创几周能做 两个有啥不一样",
    )
    assert "12" in reply and "22周" in reply
    assert "羊水穿刺" in reply and "0.5%" in reply


def test_a_chifeng_couple_is_told_of_the_reward_assistance(chat: Chat) -> None:
    reply = chat.say(
        "chifeng",
        "我们老两口八几年领的独生子女证 在赤峰农村 现在都六十多了 听说还有奖励 能领啥",
    )
    assert "奖励扶助" in reply and "60周岁" in reply
