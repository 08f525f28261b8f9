"""Questions as families type them: homophone typos, long stories, two questions at once,
an accident that asks "is it covered" (on the real knowledge base)."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.core.messages import MAX_TEXT_BYTES, utf8_len
from knowledge.answers import render
from knowledge.base import KnowledgeBase
from knowledge.matcher import Outcome, Segmenter
from knowledge.regions import find_region
from knowledge.typos import TypoCorrector, loose, syllable

REAL = Path(__file__).resolve().parent.parent / "knowledge" / "data"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.from_directory(REAL, Segmenter())


def fixed(kb: KnowledgeBase, text: str) -> str:
    return kb.matcher.correct(kb.matcher.segmenter.clean(text))


def test_pinyin_readings_and_the_sounds_southern_speakers_blur() -> None:
    assert [syllable(c) for c in "失毒"] == ["shi", "du"]
    assert loose("sheng") == loose("shen") == "sen"
    assert loose("zhi") == "zi" and loose("chuang") == "cuan"


def test_homophone_and_look_alike_typos_become_the_domain_word(kb: KnowledgeBase) -> None:
    assert fixed(kb, "失毒家庭一个月补多少钱") == "失独家庭一个月补多少钱"
    assert fixed(kb, "育儿不贴怎么申请") == "育儿补贴怎么申请"
    assert fixed(kb, "独身子女父母奖励") == "独生子女父母奖励"  # shen/sheng
    assert fixed(kb, "出身一件事在广东是啥") == "出生一件事在广东是啥"
    assert fixed(kb, "计生意外显能理培吗") == "计生意外险能理赔吗"
    assert fixed(kb, "入汇要交会废吗") == "入会要交会费吗"
    assert fixed(kb, "想卖卯子") == "想卖卵子"  # a look-alike, not a homophone


def test_real_words_and_phrases_are_never_corrected(kb: KnowledgeBase) -> None:
    for text in ("生头胎国家给钱不", "我是独生女", "出了意外怎么报案", "意外险理赔有两年的期限"):
        assert fixed(kb, text) == kb.matcher.segmenter.clean(text)


def test_a_tie_between_two_words_leaves_the_text_alone() -> None:
    corrector = TypoCorrector({"保险": 1.0, "保鲜": 1.0})
    assert corrector.correct("保显") == "保显"
    assert TypoCorrector({"保险": 2.0, "保鲜": 1.0}).correct("保显") == "保险"


def test_a_tie_between_two_words_that_mean_the_same_is_no_tie(kb: KnowledgeBase) -> None:
    """教税 sounds like 交税 and 缴税, equally likely, both meaning the income tax."""
    typos = TypoCorrector({"交税": 3.0, "缴税": 3.0}, meaning={"交税": "个税", "缴税": "个税"})
    assert typos.correct("要教税吗") in ("要交税吗", "要缴税吗")
    hit = kb.match("育儿补贴要教税吗")
    assert hit.entry is not None and hit.entry.id == "t1.subsidy.dibao-tax"


def test_a_misspelt_question_is_answered(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("失毒家庭一个月补多少钱", find_region("广西"))
    assert hit.outcome is Outcome.CONFIDENT and hit.entry is not None
    assert hit.entry.id == "t1.assist.special.amount"
    assert kb.matcher.match("想卖卯子 一次能给多少钱").outcome is Outcome.ILLEGAL


def test_two_questions_get_two_sourced_answers_in_one_message(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("桂林头胎产加多少天 男方护里假呢", find_region("桂林"))
    assert hit.outcome is Outcome.CONFIDENT
    assert [p.entry.id for p in hit.parts if p.entry] == [
        "t1.leave.maternity.guangxi",
        "t1.leave.paternity.guangxi",
    ]
    text = render(hit)
    assert text.startswith("1. 广西：产假按孩次递增")
    assert "\n\n2. 广西：" in text
    assert text.count("来源：") == 2
    assert "158天" in text and "25天" in text
    assert utf8_len(text) <= MAX_TEXT_BYTES
    assert len([s for s in ("为准", "仅供参考") if s in text]) <= 1


def test_one_question_in_two_clauses_is_one_answer(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("育儿补贴 一年多少钱")
    assert hit.outcome is Outcome.CONFIDENT and not hit.parts


def test_a_long_story_is_answered_for_the_askers_own_region(kb: KnowledgeBase) -> None:
    story = (
        "我孙子是老三 今年开春刚生的 我儿子儿媳妇都在东莞厂里打工 孩子户口落在我们玉林村里 "
        "我一个老太婆也不太会弄手机 国家那个育儿补贴第三个娃也给不给 要去哪里弄"
    )
    hit = kb.matcher.match(story, find_region("玉林"))
    assert hit.outcome is Outcome.CONFIDENT and hit.entry is not None
    # the parents work in 东莞, but the child's 户口 (and the asker) are in 玉林
    assert hit.entry.region in ("广西", "全国")
    assert "3600" in render(hit)


def test_an_accident_question_says_first_whether_it_is_covered(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("我爸在单位摔了腰 计生意外显能理培吗", find_region("包头"))
    assert hit.outcome is Outcome.CONFIDENT and hit.entry is not None
    first_line = render(hit).splitlines()[0]
    assert first_line.startswith("能不能赔：")
    assert "180天" in render(hit) and "95519" in render(hit)


def test_an_off_topic_message_gets_no_part_answer(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("我的车停在路边被人刮了 对方跑了 车险能赔吗 要多久到账")
    assert hit.outcome is Outcome.REJECT and not hit.parts


def test_an_accident_and_a_second_question_get_coverage_first(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match(
        "孩子在学校摔骨折了 关爱保险能赔吗 理赔要准备什么材料", find_region("钦州")
    )
    assert hit.outcome is Outcome.CONFIDENT
    ids = [p.entry.id for p in hit.parts if p.entry]
    assert ids[0] == "t2.coverage.national" and len(ids) == 2
    assert render(hit).startswith("1. 能不能赔：")


def test_no_accident_no_coverage_first(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("中国人寿报案电话是多少")
    assert hit.entry is not None and hit.entry.id != "t2.coverage.national"
