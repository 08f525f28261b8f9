"""Knowledge content, round 8: no other city's figures unasked, and the facts askers combine.

A 包头 family asking what they get for a child is told the national subsidy and that 包头 has
no known city subsidy; the 呼和浩特 amounts are for 呼和浩特 askers only. Answers also carry the
fact families ask together with their question (a child born before 2025 is prorated; an
accident insurance does not pay for illness; a death claim needs its own papers). Each case asks
in words of its own and checks the reply a family reads, as rendered.
"""

from __future__ import annotations

import pytest

from handlers.core.messages import MAX_TEXT_BYTES, utf8_len
from knowledge.answers import render
from knowledge.base import KnowledgeBase
from knowledge.matcher import Outcome
from tests.conftest import ask, assert_reply_states

#: The 呼和浩特 city subsidy amounts, in the spellings a reply could use.
HOHHOT_FIGURES = ["1万", "5万", "10万", "一万", "五万", "十万", "10000", "50000", "100000"]


@pytest.mark.parametrize(
    "text",
    [
        "包头生老二能领多少钱",
        "我们包头生三个娃一共能拿多少补贴",
        "包头生娃市里给不给钱",
    ],
)
def test_a_baotou_asker_is_not_told_hohhot_figures(kb: KnowledgeBase, text: str) -> None:
    hit = ask(kb, text, "包头")
    assert hit.outcome is Outcome.CONFIDENT, (text, hit.outcome)
    reply = render(hit)
    assert "3600" in reply
    stated = [figure for figure in HOHHOT_FIGURES if figure in reply]
    assert not stated, (text, stated, reply)


def test_a_baotou_asker_who_quotes_the_rumour_learns_whose_rule_it_is(kb: KnowledgeBase) -> None:
    hit = ask(kb, "网上说一孩一万二孩五万三孩十万 我们包头有吗", "包头")
    assert hit.outcome is Outcome.CONFIDENT
    reply = render(hit)
    assert "呼和浩特" in reply and "不能套用到包头" in reply
    assert "3600" in reply


def test_a_hohhot_asker_still_gets_the_city_amounts(kb: KnowledgeBase) -> None:
    hit = ask(kb, "呼市生三孩市里给多少", "呼和浩特")
    assert hit.outcome is Outcome.CONFIDENT
    assert "10万" in render(hit)


#: question, asker's region, facts the reply must state (each: accepted spellings).
CASES: list[tuple[str, str, list[list[str]]]] = [
    ("孩子2023年8月出生的 现在还能领育儿补贴吗", "南宁", [["折算"], ["2022年1月1日"]]),
    ("我们是瑶族 户口在山里 育儿补贴标准一样吗", "河池", [["不分户籍"], ["3600"]]),
    ("江西失独老人住院一天能补多少 一年补几天", "江西", [["100元"], ["90天"]]),
    ("奶奶在家摔了一跤骨折住院 南宁关爱保险赔吗", "南宁", [["能赔"], ["95519"]]),
    ("计生意外险生病住院能报吗", "", [["只保意外"], ["生病住院不属于意外"]]),
    ("出意外后过了半年人才走 计生意外险身故还赔吗", "", [["180天"]]),
    ("三孩放开以后独生子女家庭的奖励扶助还有吗", "", [["继续"]]),
    ("两口子都扣婴幼儿个税 每人每月扣多少", "", [["50%"], ["一千"]]),
    ("包头计生协2023年对计生保险有什么要求", "包头", [["暖心行动"], ["覆盖率"]]),
    ("没领结婚证生的孩子怎么上户口 想跟爸爸姓", "", [["亲子鉴定"]]),
    ("上户口要多久之内办 带哪些材料", "", [["一个月"], ["派出所"], ["出生医学证明"]]),
    ("生育津贴是按什么标准发的 产假没休满怎么算", "", [["月平均工资"]]),
    ("孕早期要建什么手册", "", [["母子健康手册"]]),
]


@pytest.mark.parametrize(("text", "region", "facts"), CASES)
def test_the_reply_states_every_fact_the_question_needs(
    kb: KnowledgeBase, text: str, region: str, facts: list[list[str]]
) -> None:
    assert_reply_states(kb, text, region, facts)


def test_jiangxi_nursing_figures_stay_with_jiangxi_askers(kb: KnowledgeBase) -> None:
    hit = ask(kb, "失独老人住院护理补贴一天多少", "南宁")
    assert hit.outcome is Outcome.CONFIDENT
    assert hit.entry is not None and hit.entry.id == "t2.nursing.national"
    reply = render(hit)
    assert "江西" not in reply and "90天" not in reply


def test_guangxi_parental_leave_is_not_doubled_and_never_says_20_days(kb: KnowledgeBase) -> None:
    hit = ask(kb, "广西两个孩子都不到三岁 育儿假能翻倍吗", "柳州")
    assert hit.outcome is Outcome.CONFIDENT
    reply = render(hit)
    assert "不叠加" in reply and "10天" in reply
    assert "20天" not in reply


def test_an_insurance_reply_in_parts_keeps_the_full_coverage_answer(kb: KnowledgeBase) -> None:
    # Whether it is covered, how long the cover renews, and whether it pays after 医保: the
    # coverage answer keeps its conditions and how to report, and the whole fits one message.
    hit = ask(kb, "我爸干活摔伤住院了 计生保险能赔吗 保险能续到多少岁 医保报过的还能报吗", "钦州")
    assert hit.outcome is Outcome.CONFIDENT
    assert len(hit.parts) >= 2
    reply = render(hit)
    assert utf8_len(reply) <= MAX_TEXT_BYTES
    for fact in ("只保意外", "二级", "95519", "70周岁"):
        assert fact in reply, (fact, reply)


@pytest.mark.parametrize(
    ("text", "region", "other_figures"),
    [
        # 深圳's 160元 is for 深圳 askers; 佛山's own amount is not known
        ("独生子女父母奖励费一个月多少", "佛山", ["160"]),
        ("广东生娃地方上有补贴吗", "佛山", ["160"]),
        # 安徽's raised 特扶 amount is 安徽's
        ("特扶一个月多少钱", "柳州", ["800"]),
        # 乌海's and 乌兰察布's premiums are theirs, not 赤峰's
        ("内蒙古计生保险多少钱一份", "赤峰", ["100元", "70元", "30元"]),
    ],
)
def test_another_places_figure_is_not_given_unasked(
    kb: KnowledgeBase, text: str, region: str, other_figures: list[str]
) -> None:
    hit = ask(kb, text, region)
    assert hit.outcome is Outcome.CONFIDENT, (text, hit.outcome)
    reply = render(hit)
    stated = [figure for figure in other_figures if figure in reply]
    assert not stated, (text, stated, reply)


@pytest.mark.parametrize(
    ("text", "region", "entry_id", "facts"),
    [
        ("乌兰察布特扶老人的保险保费是多少 谁出", "乌兰察布", "t2.premium.wulanchabu", ["100元"]),
        ("乌海失独家庭的保险保费怎么出", "乌海", "t2.premium.wuhai", ["70元", "30元"]),
    ],
)
def test_a_city_with_known_premiums_answers_with_its_own(
    kb: KnowledgeBase, text: str, region: str, entry_id: str, facts: list[str]
) -> None:
    hit = ask(kb, text, region)
    assert hit.outcome is Outcome.CONFIDENT
    assert hit.entry is not None and hit.entry.id == entry_id
    reply = render(hit)
    assert all(fact in reply for fact in facts), reply
