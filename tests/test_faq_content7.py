"""Knowledge content, round 7: an answer states the facts families ask together with it.

A question often needs a fact its closest entry used to leave to a neighbour (上户口: the
deadline and the 派出所; 个税: the period and where to declare; 陪产假: the mother's days as
well). Each case asks in words of its own and checks the reply a family reads, as rendered.
"""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from tests.conftest import assert_reply_states

#: question, asker's region, facts the reply must state (each: accepted spellings).
CASES: list[tuple[str, str, list[list[str]]]] = [
    ("娃出生后户口最迟多久要报", "", [["一个月", "1个月"], ["派出所"]]),
    ("出生证明办下来了 户口在哪上", "", [["派出所"]]),
    ("孩子一岁半了还没落户怎么弄", "", [["补登"], ["派出所"]]),
    ("育儿补贴只有老大有吗", "", [["一孩、二孩、三孩"], ["3600"]]),
    ("婴幼儿照护扣除我和老公一人一半还是一个人扣", "", [["50%"], ["100%"]]),
    ("一对龙凤胎个税每月一共扣多少", "", [["4000"]]),
    ("孩子照护的个税扣除从哪个月扣到哪个月", "", [["出生当月"], ["前一个月"]]),
    ("深圳男的陪产假几天", "深圳", [["15天"]]),
    ("梧州老婆生三胎 我能休几天", "梧州", [["25天"]]),
    ("广州生二胎产假是不是比一胎长", "广州", [["178天"], ["15天"]]),
    ("怀孕两个半月自然流产 单位该给多少天假", "", [["15天"]]),
    ("免费孕检是只查女方吗", "", [["夫妻双方"], ["19项"]]),
    ("准备明年要孩子 孕前检查提前多久做", "", [["4—6个月"]]),
    ("怀上了第一次产检什么时候 总共多少次", "", [["13周"], ["9—15"]]),
    ("家里人在地里干活摔骨折了 计生意外险赔不赔", "钦州", [["意外"], ["报案"]]),
    ("保险的事过去一年多了才想起来 还能不能赔", "", [["2年"]]),
    ("包头计生协暖心行动都有啥服务", "包头", [["精神慰藉"], ["保险保障"]]),
    ("会员小组多少人合适 活动多久一次", "北海", [["10—15"], ["每月"]]),
    ("入计生协会费必须交吗", "", [["自愿"]]),
    ("潮州村里买的计生保险一份多少钱", "潮州", [["60元"], ["1—65周岁"]]),
]


@pytest.mark.parametrize(("text", "region", "facts"), CASES)
def test_the_reply_states_every_fact_the_question_needs(
    kb: KnowledgeBase, text: str, region: str, facts: list[list[str]]
) -> None:
    assert_reply_states(kb, text, region, facts)


def _answer(kb: KnowledgeBase, entry_id: str) -> str:
    return next(e.answer for e in kb.entries if e.id == entry_id)


def test_the_infant_care_deduction_is_stated_at_todays_standard_only(kb: KnowledgeBase) -> None:
    # 1000元 a month was the 2022 standard: the split is said in shares, never as 1000元.
    for entry_id in ("t1.tax.infant-care.amount", "t1.tax.infant-care.period"):
        answer = _answer(kb, entry_id)
        assert "每孩每月2000元" in answer
        assert "1000元" not in answer
        assert "100%" in answer and "50%" in answer


@pytest.mark.parametrize(
    "entry_id",
    [
        "t1.subsidy.amount.national",
        "t1.subsidy.amount.guangxi",
        "t1.subsidy.amount.guangdong",
        "t1.subsidy.amount.neimenggu",
        "t1.subsidy.amount.baotou",
    ],
)
def test_every_subsidy_amount_answer_says_where_and_how_to_apply(
    kb: KnowledgeBase, entry_id: str
) -> None:
    answer = _answer(kb, entry_id)
    assert "3600元" in answer
    assert "户籍所在地" in answer
    assert "小程序" in answer and "乡镇（街道）" in answer


def test_the_statute_answer_gives_only_the_term_for_accident_cover(kb: KnowledgeBase) -> None:
    # 计生意外险 is not life insurance: its claims lapse after 2 years; the 5 years of life
    # insurance would only mislead.
    answer = _answer(kb, "t2.claim.statute")
    assert "2年" in answer
    assert "5年" not in answer


def test_the_baotou_warm_action_entry_is_baotou_only(kb: KnowledgeBase) -> None:
    entry = next(e for e in kb.entries if e.id == "t4.baotou.warm-action")
    assert entry.region == "包头市"
    assert "T2-24" in entry.facts
    # its unknowns are said as unknown, not filled in
    assert "没有查到" in entry.answer


def test_guangxi_member_group_rules_say_whose_rules_they_are(kb: KnowledgeBase) -> None:
    for entry_id in ("t4.group.setup", "t4.group.monthly-activity", "t4.group.six-haves"):
        answer = _answer(kb, entry_id)
        assert "广西" in answer.split("\n")[0]
        assert "10—15名" in answer and "每月开展一次" in answer
