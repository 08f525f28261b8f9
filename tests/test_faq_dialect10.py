"""FAQ round 10: questions as 广东 families type them (Cantonese), a family naming its county
rather than its city, a question announced by 我想问下 inside a long story, and a city's entry
that must still state the national basics. Through the matcher and the real encrypted WeCom
callback. The questions are in no evaluation set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from knowledge.base import KnowledgeBase
from knowledge.dialect import Dialect
from knowledge.matcher import DICT_DIR, Outcome
from knowledge.regions import Region, find_region
from tests.test_activity_callback import Chat, open_family_chat

FAMILIES = {
    "foshan": ("广东", "佛山市"),
    "zhanjiang": ("广东", "湛江市"),
    "baise": ("广西", "百色市"),
}


@pytest.fixture
def chat(tmp_path: Path, redis: Redis) -> Iterator[Chat]:
    with open_family_chat(tmp_path, redis, FAMILIES) as chat:
        yield chat


@pytest.fixture(scope="module")
def cantonese() -> Dialect:
    return Dialect.read(DICT_DIR / "cantonese.txt")


# -- Cantonese read as Mandarin -----------------------------------------------------------------


def test_cantonese_words_are_read_as_mandarin(cantonese: Dialect) -> None:
    assert cantonese.mandarin("我仔2023年出世 仲可以攞育儿补贴冇") == (
        "我儿子2023年出生 还可以领育儿补贴没有"
    )
    # the longer spelling first: 唔使 is 不用, not 不 + 使
    assert cantonese.mandarin("生仔唔使钱 系唔系真") == "生孩子不用钱 是不是真"
    assert cantonese.mandarin("喺边度报 几耐到账") == "在哪里报 多久到账"
    assert cantonese.mandarin("我老公系独生仔") == "我老公是独生子"


def test_mandarin_passes_unchanged(cantonese: Dialect) -> None:
    for text in (
        "计生系列保险的联系电话是多少",
        "关系到孩子的户口",
        "育儿补贴怎么领",
        "牛仔裤",
        "系统里查不到",
        "呼市那边一孩一万二孩五万",
        "单位不给产假能去劳动仲裁吗",
        "孕期饮食要注意什么",
        "我是打工仔",
    ):
        assert cantonese.mandarin(text) == text


def test_a_cantonese_question_gets_the_guangdong_answer(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("深圳老婆生BB产假有几多日")
    assert hit.outcome is Outcome.CONFIDENT and hit.entry is not None
    assert hit.entry.id == "t1.leave.maternity.guangdong"
    hit = kb.matcher.match("佛山男人陪产假几耐")
    assert hit.entry is not None and hit.entry.id == "t1.leave.paternity.guangdong"
    hit = kb.matcher.match("阿妈住咗院 我系独生仔 公司俾唔俾护理假", Region("广东", "广州市"))
    assert hit.entry is not None and hit.entry.id == "t1.leave.only-child-care.guangdong"


def test_a_foshan_family_asks_in_cantonese_how_to_claim_the_subsidy(chat: Chat) -> None:
    reply = chat.say("foshan", "我个女今年三月出世 育儿补贴点样攞")
    assert "小程序" in reply and "户籍" in reply


def test_a_zhanjiang_family_asks_in_cantonese_how_long_to_take_folic_acid(chat: Chat) -> None:
    reply = chat.say("zhanjiang", "我喺湛江 老婆怀咗BB 叶酸要食几耐")
    assert "0.4" in reply and "3个月" in reply


# -- counties name their region -------------------------------------------------------------------


def test_counties_of_the_three_provinces_name_their_city() -> None:
    assert find_region("我是隆林那边的") == Region("广西", "百色市")
    assert find_region("梅县的") == Region("广东", "梅州市")
    assert find_region("在虎门镇打工") == Region("广东", "东莞市")
    assert find_region("乌审旗") == Region("内蒙古", "鄂尔多斯市")
    # a county's short name that is also an everyday word is left alone
    assert find_region("宝宝黄疸高要照蓝光吗").is_empty


def test_a_grandmother_from_a_county_is_answered_for_her_province(chat: Chat) -> None:
    # the children work in 东莞; the family, its county (凌云) and the roster are 广西
    reply = chat.say(
        "baise",
        "我是凌云那边的 我外孙今年生的 是老二 他爸妈在东莞打工 "
        "我想问下国家每年发的那个养娃的钱 老二有没有 一年多少",
    )
    assert "3600" in reply
    assert "广东" not in reply.split("\n")[0]


# -- a question announced without a question word ----------------------------------------------


def test_a_clause_announced_by_i_want_to_ask_is_a_question(kb: KnowledgeBase) -> None:
    matcher = kb.matcher
    clauses = matcher.clauses("孩子户口还在老家 我想问下国家那个每年发的钱 老二也有吗")
    assert [c.asking for c in clauses] == [False, True, True]
    # what happened, not a question: 我问了好几个人
    clauses = matcher.clauses("我问了好几个人都说得不一样 到底按啥")
    assert clauses[0].asking is False
    # saying one lacks something is no question, though 没有 closes many (吃了没有)
    clauses = matcher.clauses("派出所说要出生证明 我们没有 该去哪里办")
    assert [c.asking for c in clauses] == [False, False, True]


def test_waiting_until_an_age_is_no_topic(kb: KnowledgeBase) -> None:
    assert not kb.matcher.own_topic("要等到多大")
    assert kb.matcher.own_topic("特扶要等到多大")


# -- a city's entry states the national basics -----------------------------------------------------


def test_hohhot_families_are_told_what_the_heel_prick_test_screens_for(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("宝宝足跟血是查什么病 什么时候采", Region("内蒙古", "呼和浩特市"))
    assert hit.outcome is Outcome.CONFIDENT and hit.entry is not None
    first = hit.entry.answer.strip().split("\n")[0]
    assert "甲减" in first and "苯丙酮尿症" in first and "72小时" in first


# -- a typo right after a rightly spelt word ------------------------------------------------------


def test_a_typo_after_a_right_word_is_corrected_on_its_own(kb: KnowledgeBase) -> None:
    # 独生子女 is spelt right; 护里 is 护理, not 独生子女护 -> 独生子女户
    assert "独生子女护理假" in kb.matcher.correct("广东独生子女护里假几天")
    hit = kb.matcher.match("广东独生子女护里假几天", Region("广东", "广州市"))
    assert hit.entry is not None and hit.entry.id == "t1.leave.only-child-care.guangdong"


# -- a long story read as each question with each story clause ----------------------------------


def test_a_story_clause_lends_only_its_known_words_to_a_question(kb: KnowledgeBase) -> None:
    matcher = kb.matcher
    clauses = matcher.clauses(
        "宝宝是上个月生的 一直在坐月子没顾上 今天才想起来还没上户口 是不是已经超时了 会不会罚"
    )
    fixed = "".join(c.text for c in clauses)
    scope = matcher._scope(fixed, Region("内蒙古", "包头市"), "asker", {})
    hit = matcher._pairs(clauses, scope)
    assert hit is not None and hit.outcome is Outcome.CONFIDENT
    assert hit.entry is not None and hit.entry.id == "t1.birth.registration.late"
