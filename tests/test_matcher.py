"""The matcher on the fixture knowledge base: normalisation, outcomes, regions."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.answers import ILLEGAL, ILLEGAL_ABOUT_LAW, entry_text, render
from knowledge.base import KnowledgeBase
from knowledge.matcher import DICT_DIR, Matcher, Outcome, Params, Segmenter
from knowledge.regions import Region, find_region, from_path

FIXTURE = Path(__file__).parent / "data" / "kb_fixture"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.from_directory(FIXTURE, Segmenter())


def answer_id(kb: KnowledgeBase, question: str, region: str = "") -> str:
    hit = kb.matcher.match(question, find_region(region) if region else None)
    assert hit.outcome is Outcome.CONFIDENT, (question, hit.outcome, hit.confidence)
    assert hit.entry is not None
    return hit.entry.id


def test_colloquial_spellings_meet_the_canonical_words(kb: KnowledgeBase) -> None:
    seg = kb.matcher.segmenter
    assert seg.normalise("生头胎") == seg.normalise("生第一胎") == "生一孩"
    assert seg.normalise("娃") == seg.normalise("小孩") == "孩子"
    assert seg.normalise("赔不赔") == seg.normalise("报销") == "理赔"
    assert seg.normalise("咋办") == "怎么"
    # one pass, longest first: the canonical word is never rewritten again
    assert seg.normalise("理赔") == "理赔"


def test_region_names_are_found_city_first() -> None:
    assert find_region("我们包头生娃给钱吗") == Region("内蒙古", "包头市")
    assert find_region("呼市的补贴") == Region("内蒙古", "呼和浩特市")
    assert find_region("内蒙古自治区") == Region("内蒙古")
    assert find_region("南宁") == Region("广西", "南宁市")
    assert find_region("叶酸吃多久").is_empty
    assert from_path("广西壮族自治区", "北海市") == Region("广西", "北海市")
    assert from_path("广西", "包头市") == Region("广西")  # city outside province: ignored


def test_colloquial_questions_find_their_entries(kb: KnowledgeBase) -> None:
    assert answer_id(kb, "生头胎国家给钱不") == "t1.subsidy.amount.national"
    assert answer_id(kb, "叶酸吃好久") == "t3.folic.duration"
    assert answer_id(kb, "叶酸每天吃几片") == "t3.folic.dose"
    assert answer_id(kb, "娃生下来多久要上户口") == "t1.birth.registration.deadline"


def test_region_from_text_then_asker_then_national(kb: KnowledgeBase) -> None:
    assert answer_id(kb, "广西产假多少天") == "t1.leave.maternity.guangxi"
    assert answer_id(kb, "产假能休几天", "广西") == "t1.leave.maternity.guangxi"
    # the question's own region beats the asker's
    assert answer_id(kb, "广西产假多少天", "内蒙古") == "t1.leave.maternity.guangxi"
    hit = kb.matcher.match("产假能休几天")
    assert hit.entry is not None and hit.entry.id == "t1.leave.maternity.national"
    assert "回复您所在的省份" in hit.note


def test_one_citys_figures_never_go_to_another_city(kb: KnowledgeBase) -> None:
    assert answer_id(kb, "育儿补贴多少钱", "包头") == "t1.subsidy.amount.baotou"
    assert answer_id(kb, "育儿补贴多少钱", "呼和浩特") == "t1.subsidy.amount.huhehaote"
    # 乌海 has no city entry: the 内蒙古 entry, not 呼和浩特's or 包头's
    assert answer_id(kb, "育儿补贴多少钱", "乌海") == "t1.subsidy.amount.neimenggu"
    # a province without its own entry gets the national answer with a note
    hit = kb.matcher.match("育儿补贴多少钱", find_region("湖南"))
    assert hit.entry is not None and hit.entry.id == "t1.subsidy.amount.national"
    assert "暂未收录湖南" in hit.note


def test_current_rule_beats_the_replaced_one_unless_asked(kb: KnowledgeBase) -> None:
    assert answer_id(kb, "产假多少天", "广西") == "t1.leave.maternity.guangxi"
    assert answer_id(kb, "广西以前产假多少天") == "t1.leave.maternity.guangxi-2016"


def test_illegal_requests_are_refused(kb: KnowledgeBase) -> None:
    for question in ("去哪里查胎儿性别", "B超能看出是男是女吗", "想找个代孕", "女孩想打掉"):
        hit = kb.matcher.match(question)
        assert hit.outcome is Outcome.ILLEGAL, question
        assert render(hit) == ILLEGAL
    # a legitimate question that mentions both sexes is not a sex-identification request
    assert kb.matcher.match("孕前检查男女都要做吗").outcome is not Outcome.ILLEGAL


def test_a_question_about_the_law_is_answered_without_accusing_the_asker(
    kb: KnowledgeBase,
) -> None:
    # Asking whether something is legal, why a rule exists or where to report it is lawful:
    # the reply states the law and where to ask, never "I cannot help you with this".
    for question in (
        "代孕在我国合法吗",
        "发现有人搞代孕 怎么举报",
        "B超单上为什么不写男女",
        "非法鉴定胎儿性别会怎么处罚",
        "听说有黑诊所查男女 能举报吗",
    ):
        hit = kb.matcher.match(question)
        assert hit.outcome is Outcome.ILLEGAL, question
        assert hit.about_law, question
        text = render(hit)
        assert text == ILLEGAL_ABOUT_LAW, question
        assert "不能提供帮助" not in text and "法律明令禁止" in text
    # A request to do it still gets the refusal.
    for question in ("想找个代孕 多少钱", "去哪里查胎儿性别"):
        hit = kb.matcher.match(question)
        assert hit.outcome is Outcome.ILLEGAL and not hit.about_law, question
        assert render(hit) == ILLEGAL


def test_out_of_scope_is_declined(kb: KnowledgeBase) -> None:
    for question in ("明天南宁下雨不", "火车票怎么买", "低保一个月多少钱", "帮我讲个笑话"):
        hit = kb.matcher.match(question)
        assert hit.outcome in (Outcome.REJECT, Outcome.NONE), question


def test_greetings_and_thanks(kb: KnowledgeBase) -> None:
    assert kb.matcher.match("你好").outcome is Outcome.GREETING
    assert kb.matcher.match("在吗？").outcome is Outcome.GREETING
    assert kb.matcher.match("谢谢！").outcome is Outcome.THANKS


def test_vague_question_is_unsure_with_numbered_candidates(kb: KnowledgeBase) -> None:
    # with a wide required margin, a bare "叶酸" fits two entries about equally
    strict = Matcher(kb.entries, kb.matcher.segmenter, Params(margin=0.2, clear=1.5))
    hit = strict.match("叶酸")
    assert hit.outcome is Outcome.UNSURE
    ids = {e.id for e in hit.candidates}
    assert ids == {"t3.folic.duration", "t3.folic.dose"}
    text = render(hit)
    assert text.startswith("您问的是不是下面这些？请回复序号：\n1. ")
    assert "2. " in text


def test_answers_carry_source_and_unconfirmed_flag(kb: KnowledgeBase) -> None:
    text = entry_text(kb.by_id["t1.subsidy.amount.baotou"])
    assert "呼和浩特的标准不适用于包头" in text
    assert "还没有核实" in text
    assert text.endswith(
        "来源：中共中央办公厅、国务院办公厅《育儿补贴制度实施方案》（2025年7月）（更新于 2026-11）"
    )
    solid = entry_text(kb.by_id["t3.folic.dose"])
    assert "还没有核实" not in solid


def test_low_confidence_is_no_match_with_best_guesses(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("孩子的事情问一下")
    assert hit.outcome is Outcome.NONE
    assert hit.confidence < kb.matcher.params.floor


def test_margin_and_confidence_are_normalised(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("国家育儿补贴一年给多少钱")
    assert hit.outcome is Outcome.CONFIDENT
    assert 0.0 <= hit.confidence <= 1.0
    assert 0.0 <= hit.margin <= hit.confidence


def test_a_topic_no_entry_knows_is_not_answered(kb: KnowledgeBase, tmp_path: Path) -> None:
    matcher = kb.matcher
    # 病假 is known only in parts (病, 假): a topic of its own, not a glued function word
    assert matcher._rank("病假多少天")[1] == ["病假"]
    assert matcher._rank("产假能休几天")[1] == []
    assert answer_id(kb, "产假能休几天") == "t1.leave.maternity.national"
    # without the out-of-scope word list, the matcher itself declines
    for name in ("synonyms.txt", "stopwords.txt", "user.txt"):
        (tmp_path / name).write_text((DICT_DIR / name).read_text(encoding="utf-8"), "utf-8")
    strict = Matcher(kb.entries, Segmenter(tmp_path), Params(strange_confident=1.0))
    hit = strict.match("病假产假多少天")
    assert hit.outcome is Outcome.NONE and hit.candidates


def test_another_provinces_rule_is_given_behind_a_note(kb: KnowledgeBase) -> None:
    # A question naming a region the group has no rule for is answered like an asker from
    # that region: the other region's rule, behind a note saying whose rule it is.
    only_guangxi = [
        e
        for e in kb.entries
        if e.group != "leave.maternity" or e.id == "t1.leave.maternity.guangxi"
    ]
    matcher = Matcher(only_guangxi, kb.matcher.segmenter)
    assert matcher.match("广西产假多少天").outcome is Outcome.CONFIDENT
    hit = matcher.match("内蒙古产假多少天")
    assert hit.outcome is Outcome.CONFIDENT and hit.entry is not None
    assert hit.entry.id == "t1.leave.maternity.guangxi"
    assert render(hit).startswith("以下是广西的规定，您所在的内蒙古请咨询")
