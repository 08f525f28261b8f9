"""FAQ round 6 (issue 10): mechanisms meant to work for any wording, each shown with questions
that are not in any evaluation set, and with the lawful or in-scope questions that share their
words."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.matcher import Outcome, Segmenter
from tests.conftest import ask

# -- a child as the object of a trade, a death certificate for someone only missing ---------


@pytest.mark.parametrize(
    "text",
    [
        "想领养个女孩 哪有人卖 要多少钱",
        "邻居说他家老三可以给我们一个 私下贴补他们点钱就行",
        "孩子太多带不过来 谁收 给几个钱的那种也行",
        "老公出去好多年失联了 能不能办个死亡证明 好按失独家庭领补助",
    ],
)
def test_a_child_traded_for_money_or_a_missing_person_declared_dead_is_refused(
    kb: KnowledgeBase, text: str
) -> None:
    assert ask(kb, text).outcome is Outcome.ILLEGAL


@pytest.mark.parametrize(
    "text",
    [
        "给孩子买计生保险要多少钱",
        "孩子出生后育儿补贴一共能领多少钱",
        "儿子去世了 要开死亡证明才能申请特扶吗",
        "收养的孩子能领育儿补贴吗",
    ],
)
def test_questions_with_a_child_and_money_that_trade_nothing_are_answered(
    kb: KnowledgeBase, text: str
) -> None:
    assert ask(kb, text).outcome is not Outcome.ILLEGAL


@pytest.mark.parametrize(
    "text",
    [
        # a copy made of a paper instead of one issued
        "结婚证找不到了 谁能照着做一个一模一样的",
        # a status claimed that the family is not in (words between 其实 and the count)
        "我想办独生子女证 其实我们家里有两个娃",
        # a date moved to fit a claim
        "孩子是去年生的 能不能把出生日子往前挪一下多领点补贴",
        "伤是买保险前摔的 能不能就说是上个月摔的",
        # another family's member moved into one's household to be paid
        "把我外甥的户口迁到我们家 补贴是不是就能领",
        # a child not born to the couple registered as theirs
        "孩子是亲戚给的 不是我们生的 上户口能不能直接写我们俩",
        # a fetus of the unwanted sex ended with a pill
        "四个月了 查出来是女娃 吃什么药能流下来",
    ],
)
def test_papers_dates_and_pills_of_a_prohibited_plan_are_refused(
    kb: KnowledgeBase, text: str
) -> None:
    assert ask(kb, text).outcome is Outcome.ILLEGAL


@pytest.mark.parametrize(
    "text",
    [
        "出生证明上的日期写错了 能改吗 会不会影响领补贴",
        "出生证明丢了 去哪补办",
        "收养的孩子上户口要带什么",
        "怀孕四个月了 吃什么药能预防流产",
    ],
)
def test_the_lawful_side_of_papers_dates_and_pills_is_not_refused(
    kb: KnowledgeBase, text: str
) -> None:
    assert ask(kb, text).outcome is not Outcome.ILLEGAL


# -- one sentence asking several things of one subject ---------------------------------------


def test_a_sentence_asking_several_things_of_one_subject_is_one_question_per_thing() -> None:
    from knowledge.matcher import Matcher

    assert Matcher.facets("请问育儿补贴的发放标准和申领渠道是什么？") == (
        "请问育儿补贴的发放标准是什么 请问育儿补贴的申领渠道是什么？"
    )
    assert Matcher.facets("出生登记的期限、地点和材料分别是什么") == (
        "出生登记的期限分别是什么 出生登记的地点分别是什么 出生登记的材料分别是什么"
    )
    # no subject before the things asked, or no question word after them: unchanged
    for text in ("产假和陪产假多少天", "我和老公的户口都在包头", "孩子的户口和医保都办好了"):
        assert Matcher.facets(text) == text


def test_each_thing_asked_of_one_subject_gets_its_answer(kb: KnowledgeBase) -> None:
    hit = ask(kb, "请问新生儿出生登记的办理时限和所需材料是什么？")
    ids = [p.entry.id for p in (hit.parts or (hit,)) if p.entry is not None]
    assert hit.outcome is Outcome.CONFIDENT
    assert "t1.birth.registration.deadline" in ids
    assert "t1.birth.registration.materials" in ids


# -- a synonym does not swallow the first character of the next word ------------------------


def test_a_synonym_gives_back_the_character_that_starts_the_next_word() -> None:
    seg = Segmenter()
    words = seg.words(seg.normalise("计生协会员可以退会吗"))
    assert "会员" in words and "员" not in words
    # a synonym followed by no such word is replaced whole
    assert seg.words(seg.normalise("计生协会在哪里"))[0] == "计生协"


def test_a_member_question_after_the_associations_name_is_answered(kb: KnowledgeBase) -> None:
    hit = ask(kb, "计生协会员不想干了 能退出吗", "包头")
    assert hit.outcome is Outcome.CONFIDENT
    assert hit.entry is not None and hit.entry.id == "t4.member.leave"


# -- formal questions: the regulation cited carries no topic ---------------------------------


def test_a_formal_question_citing_the_regulation_is_answered_for_its_subject(
    kb: KnowledgeBase,
) -> None:
    hit = ask(kb, "请问广西壮族自治区人口和计划生育条例规定的育儿假天数为多少？", "广西")
    assert hit.outcome is Outcome.CONFIDENT
    assert hit.entry is not None and hit.entry.id.startswith("t1.leave.parental")


# -- what one message recomputes is remembered only while that message is read ---------------


def test_segmentation_remembered_for_a_message_follows_new_words_and_new_messages() -> None:
    seg = Segmenter()
    before = seg.words(seg.normalise("暖心小屋怎么去"))
    assert "暖心小屋" not in before
    seg.add_words(["暖心小屋"])  # a new keyword: what was remembered no longer holds
    assert "暖心小屋" in seg.words(seg.normalise("暖心小屋怎么去"))
    seg.forget()
    assert seg.words(seg.normalise("暖心小屋怎么去")) == seg.words(seg.normalise("暖心小屋怎么去"))


def test_the_same_question_is_decided_the_same_way_each_time(kb: KnowledgeBase) -> None:
    text = "我老婆拖地滑倒手摔断了 那个计生意外险能赔吗 要怎么报"
    first, second = ask(kb, text, "南宁"), ask(kb, text, "南宁")
    assert first.outcome is second.outcome is Outcome.CONFIDENT
    assert [p.entry for p in first.parts or (first,)] == [
        p.entry for p in second.parts or (second,)
    ]


# -- a year dictated digit by digit ----------------------------------------------------------


def test_a_year_said_digit_by_digit_reads_like_one_written_in_digits(kb: KnowledgeBase) -> None:
    seg = kb.matcher.segmenter
    assert seg.normalise("二〇二四年生的") == seg.normalise("2024年生的")
    hit = ask(kb, "娃是二零二二年出生的 育儿补贴能补发吗")
    assert hit.outcome is Outcome.CONFIDENT
    assert hit.entry is not None and hit.entry.id == "t1.subsidy.born-before-2025"
