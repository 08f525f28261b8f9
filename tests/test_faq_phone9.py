"""FAQ round 9, phone-style questions (issue 10): questions as families type them, through the
real encrypted WeCom callback. A situation told without its name (就一个闺女 前几年生病走了: a
family that lost its only child), "is this allowed" asked of a story (政策允许不, 这样合理吗), "does
it cost anything" after a question already answered, a story whose subject is not its last clause,
and an answer that only says papers are handed in. The questions are in no evaluation set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from knowledge.base import KnowledgeBase
from tests.test_activity_callback import Chat, open_family_chat

#: Families registered in the member roster with their region (province, city).
FAMILIES = {
    "nanning": ("广西", "南宁市"),
    "qinzhou": ("广西", "钦州市"),
    "fangchenggang": ("广西", "防城港市"),
    "laibin": ("广西", "来宾市"),
    "huizhou": ("广东", "惠州市"),
    "zhaoqing": ("广东", "肇庆市"),
}


@pytest.fixture
def chat(tmp_path: Path, redis: Redis) -> Iterator[Chat]:
    with open_family_chat(tmp_path, redis, FAMILIES) as chat:
        yield chat


# -- a situation told without its name ----------------------------------------------------------


def test_a_parent_who_lost_an_only_child_is_told_the_special_assistance(chat: Chat) -> None:
    reply = chat.say("nanning", "就一个闺女 前几年生病走了 我们老两口能领啥补助 每月有多少")
    assert "590" in reply
    # not the childcare subsidy of a child born some years ago (前几年生 + 病 is no birth)
    assert "3600" not in reply and "折算" not in reply


def test_the_situation_is_named_and_an_illness_is_no_birth(kb: KnowledgeBase) -> None:
    segmenter = kb.matcher.segmenter
    assert "失独" in segmenter.normalise("唯一的儿子前年出车祸走了")
    assert "失独" in segmenter.normalise("就一个闺女前几年生病走了")
    # a living only child, or a child who left home, is no loss
    assert "失独" not in segmenter.normalise("就一个闺女在外地打工")
    assert "失独" not in segmenter.normalise("独生子去年走了一趟广州")
    assert "以前出生" not in segmenter.normalise("老人前几年生病住院")
    assert "以前出生" in segmenter.normalise("孩子是前几年生的")


# -- "is this allowed" asked of the story ---------------------------------------------------------


def test_a_border_family_asking_whether_a_fourth_child_is_allowed(chat: Chat) -> None:
    reply = chat.say(
        "fangchenggang", "我们是东兴的 两口子户口都在东兴 已经三个娃了 还想再生一个 政策允许不"
    )
    assert "边境" in reply and "再生育" in reply


def test_a_nursing_mother_put_on_night_shifts_asks_whether_that_is_fair(chat: Chat) -> None:
    reply = chat.say("huizhou", "宝宝十个月 单位让我上夜班 这样合理吗")
    assert "夜班" in reply and "哺乳" in reply


def test_allowed_and_fair_are_no_topic_no_entry_knows(kb: KnowledgeBase) -> None:
    matcher = kb.matcher
    for word in ("允许", "合理"):
        normalised = matcher.segmenter.normalise(f"这样{word}吗")
        assert not any(matcher._is_strange(w) for w in matcher.segmenter.words(normalised))


# -- "does it cost anything" after the question it follows ---------------------------------------


def test_is_it_free_after_a_vaccine_question_is_the_vaccine_answer(chat: Chat) -> None:
    reply = chat.say("zhaoqing", "宝宝打了乙肝疫苗 第二针什么时候打 要钱吗")
    assert "免费" in reply and "1月龄" in reply
    # one answer: nothing about prenatal screening
    assert "产前筛查" not in reply and "2." not in reply


def test_a_story_whose_subject_is_not_its_last_clause(chat: Chat) -> None:
    reply = chat.say(
        "laibin",
        "孩子在镇卫生院生的第二天 医生说要打卡介苗 我们手头紧 家里还欠着钱 这个要钱吗",
    )
    assert "卡介苗" in reply and "免费" in reply


# -- papers asked for ---------------------------------------------------------------------------


def test_a_claim_papers_question_gets_the_list_of_papers(chat: Chat) -> None:
    reply = chat.say("qinzhou", "计生险报销要带什么东西")
    assert "身份证" in reply and "发票" in reply and "病历" in reply


def test_an_answer_saying_papers_are_handed_in_does_not_give_papers(kb: KnowledgeBase) -> None:
    matcher = kb.matcher
    # 交材料时要提供银行卡: where the payout goes, not which papers
    assert matcher.lacks(kb.by_id["t2.claim.payment"], "理赔要带什么")
    assert not matcher.lacks(kb.by_id["t2.claim.documents"], "理赔要带什么")


# -- a follow-up naming no topic of its own --------------------------------------------------------


def test_how_a_couple_splits_the_deduction_is_the_deduction_answer(chat: Chat) -> None:
    reply = chat.say("nanning", "孩子3岁以下个税能扣多少 我和老婆怎么分")
    assert "2000" in reply and "50%" in reply
    # one answer, not the insurance's 均分 (a family's cover shared among its members)
    assert "保险" not in reply and "2." not in reply


def test_until_when_after_since_when_is_the_deduction_period(chat: Chat) -> None:
    reply = chat.say("huizhou", "个税那个婴幼儿扣除从啥时候开始扣 到啥时候")
    assert "出生当月" in reply and "满3周岁的前一个月" in reply
    assert "排畸" not in reply


@pytest.mark.parametrize("text", ["我和老婆怎么分", "到啥时候", "老公呢"])
def test_family_members_and_what_is_wanted_are_no_topic(kb: KnowledgeBase, text: str) -> None:
    assert not kb.matcher.own_topic(text)


def test_a_question_about_the_husband_still_names_its_own_topic(kb: KnowledgeBase) -> None:
    assert kb.matcher.own_topic("男方能休几天")


# -- words people type for a deadline, a birth order and papers ------------------------------------


def test_the_latest_day_to_register_a_birth_is_the_deadline(chat: Chat) -> None:
    reply = chat.say("nanning", "孩子户口最迟多久要报")
    assert "一个月" in reply


def test_san_tai_typed_for_third_child_is_answered(chat: Chat) -> None:
    reply = chat.say("zhaoqing", "三台有补贴吗")
    assert "3600" in reply


def test_what_is_needed_to_register_a_newborn_names_the_papers(chat: Chat) -> None:
    reply = chat.say("laibin", "新生儿上护口要什么")
    assert "出生医学证明" in reply and "户口簿" in reply


# -- the facts a region's asker combines with a question --------------------------------------------


def test_a_guangxi_couple_preparing_a_pregnancy_hears_of_thalassaemia_screening(
    chat: Chat,
) -> None:
    reply = chat.say("qinzhou", "准备要孩子了 孕前要去查些什么")
    assert "地贫" in reply or "地中海贫血" in reply
    assert "19项" in reply


# -- a follow-up read past the answer already given ------------------------------------------------


def test_whether_the_claim_is_renewed_each_year_follows_the_subsidy_answer(chat: Chat) -> None:
    reply = chat.say("laibin", "我家孩子两岁了 还能领育儿补贴吗 每年都要申请吗")
    assert "续申" in reply
    assert "母乳" not in reply


def test_a_direct_answer_is_never_moved_away_as_a_disclaimer(chat: Chat) -> None:
    reply = chat.say("qinzhou", "叶酸一天吃多少 要吃多久 哪里领免费的")
    first = reply.split("\n\n")[0]
    assert "0.4毫克" in first


def test_a_formal_question_keeps_its_words_when_they_sound_like_a_synonym(
    kb: KnowledgeBase,
) -> None:
    assert kb.matcher.correct("对男方陪产假有何规定") == "对男方陪产假有何规定"
