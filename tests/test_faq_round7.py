"""FAQ round 7 (issue 10): unlawful plans recognised by what they need, questions about an
out-of-scope story declined, and the miscarriage-leave answer given for the asker's branch.
Each mechanism is shown with questions that are not in any evaluation set, and with the lawful
or in-scope questions that share their words."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.answers import for_months, render
from knowledge.base import KnowledgeBase
from knowledge.matcher import Outcome, Patterns, expand_classes, pregnancy_months
from tests.conftest import ask

# -- word classes in the pattern files ------------------------------------------------------


def test_a_word_class_is_written_out_wherever_a_rule_uses_it(tmp_path: Path) -> None:
    lines = ["@KID = 孩子|婴儿", "@PAPER = 出生证|{KID}的证", "卖{KID}", "{PAPER} && 假"]
    assert expand_classes(lines) == ["卖(?:孩子|婴儿)", "(?:出生证|(?:孩子|婴儿)的证) && 假"]
    path = tmp_path / "illegal.txt"
    path.write_text("\n".join(["# comment", *lines]), encoding="utf-8")
    patterns = Patterns.read(path)
    assert patterns.phrase_in(["有人卖婴儿"]) is not None
    assert patterns.rule_in("婴儿的证是假的")
    assert not patterns.rule_in("出生证丢了")


def test_an_undefined_word_class_is_an_error() -> None:
    with pytest.raises(ValueError, match="NOPE"):
        expand_classes(["卖{NOPE}"])


# -- unlawful plans, in wordings no rule was written from -----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # a child sold or bought, whatever is said between the verb and the child
        "网上有人出售刚满月的女孩 手续都有 能买吗",
        "听说邻村有户人家想转让自家的男娃",
        # a child handed over for money
        "表妹未婚先孕生了个娃 养不了 有户人家说给八万 能不能送过去",
        # a child not born to the asker registered as their own
        "亲戚送了我们一个刚生的娃 能不能当我们自己生的去落户",
        # surrogacy however it is put
        "我们想请人代为孕育一个孩子 合同怎么写",
        # a status the family does not have
        "女儿其实活着 就是不来往 能不能报个失独领钱",
        # receipts made out for more
        "住院能不能让医生多开点发票 好多报一些",
        # another family's paper used
        "拿我表姐家孩子的出生证明去给我家老二报户口行吗",
        # the sex asked around for, a diagnosis made worse, a status bought, a found child kept
        # from the police, a household parked to be paid twice
        "想托人打听一下肚子里是男孩女孩",
        "伤残鉴定能不能让医院把伤情说严重些 好评个级",
        "给点钱托村里把我家评成双女户行不行",
        "路边捡了个男婴 想自己养 不去派出所行吗",
        "把老二户口挂到他舅舅家 两边都能领补贴吧",
    ],
)
def test_unlawful_plans_are_refused_in_any_wording(kb: KnowledgeBase, text: str) -> None:
    assert ask(kb, text).outcome is Outcome.ILLEGAL


# -- out of scope ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "家里母猪怀了 快生了要注意啥",
        "我家猫咪生了一窝崽 要不要去登记",
        "社保交够十五年 退休每个月能领多少",
        "刚生完孩子想去做个美甲 小区门口那家店说打五折 划算吗",
        "生了二胎家里开销大 计生协能给介绍份工作吗",
    ],
)
def test_animals_pensions_and_questions_about_an_out_of_scope_story_are_declined(
    kb: KnowledgeBase, text: str
) -> None:
    assert ask(kb, text).outcome in (Outcome.REJECT, Outcome.NONE)


def test_a_question_on_a_family_planning_story_is_still_answered(kb: KnowledgeBase) -> None:
    hit = ask(kb, "属狗的 怀孕了 叶酸要吃多久")
    assert hit.outcome is Outcome.CONFIDENT
    assert hit.entry is not None and "叶酸" in hit.entry.answer


# -- miscarriage leave for the asker's branch -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("怀孕三个月流产了", 3.0),
        ("怀孕四个多月没保住", 4.5),
        ("未满4个月流产的", 3.9),
        ("孕12周胎停", 12 / 4.35),
        ("三个月的时候流产了", 3.0),
        ("孩子三个月了怀二胎流产了", None),
        ("流产有产假吗", None),
    ],
)
def test_how_long_the_pregnancy_lasted_is_read_only_next_to_it(
    text: str, months: float | None
) -> None:
    assert pregnancy_months(text) == pytest.approx(months) if months else months is None


RULE = "全国：怀孕未满4个月流产的，享受15天产假；怀孕满4个月流产的，享受42天产假。具体以当地为准。"


def test_the_branch_that_applies_is_kept() -> None:
    assert for_months(RULE, 3.0) == "全国：怀孕未满4个月流产的，享受15天产假。具体以当地为准。"
    assert for_months(RULE, 4.5) == "全国：怀孕满4个月流产的，享受42天产假。具体以当地为准。"
    assert for_months(RULE, None) == RULE
    assert for_months(RULE, 4.0) == RULE  # at the bound itself: both


@pytest.mark.parametrize(
    ("text", "given", "not_given"),
    [
        ("怀孕三个月流产了 有没有产假 几天", "15天", "42天"),
        ("我媳妇怀了五个月 孩子没保住 单位给几天假", "42天", "15天"),
    ],
)
def test_the_miscarriage_answer_gives_the_askers_days_only(
    kb: KnowledgeBase, text: str, given: str, not_given: str
) -> None:
    hit = ask(kb, text)
    assert hit.outcome is Outcome.CONFIDENT
    reply = render(hit)
    assert given in reply and not_given not in reply


def test_without_a_month_count_both_branches_are_given(kb: KnowledgeBase) -> None:
    reply = render(ask(kb, "流产有产假吗"))
    assert "15天" in reply and "42天" in reply


# -- a second question without a topic of its own -------------------------------------------


def test_a_second_question_gets_its_own_answer_on_the_same_subject(kb: KnowledgeBase) -> None:
    hit = ask(kb, "计生意外险报案打什么电话 理赔要准备什么材料")
    assert hit.outcome is Outcome.CONFIDENT
    assert len(hit.parts) == 2
    reply = render(hit)
    assert "95519" in reply and "发票" in reply


# -- a long story: approximate numbers, and a question asking only how much per month --------


def test_an_approximate_number_is_no_question_word(kb: KnowledgeBase) -> None:
    clauses = kb.matcher.clauses("十几年前出车祸没了 二十几岁生的老大 能领几年")
    assert [c.asking for c in clauses] == [False, False, True]


def test_how_much_per_month_is_asked_about_the_benefit_the_story_names(
    kb: KnowledgeBase,
) -> None:
    hit = ask(
        kb,
        "我和老伴只有一个闺女 好些年前生病走了 当年领过独生子女证 "
        "现在我们都五十好几了 听说还有个特别扶助 每个月能拿多少",
        "南宁",
    )
    assert hit.outcome is Outcome.CONFIDENT
    assert "590" in render(hit)


# -- typos of words that hold an adverb -----------------------------------------------------


def test_a_word_starting_with_zai_is_corrected_like_any_other(kb: KnowledgeBase) -> None:
    fixed = kb.matcher.correct(kb.matcher.segmenter.clean("再昏后还能生三个吗"))
    assert fixed.startswith("再婚")
    hit = ask(kb, "珠海再昏后还能生三个吗 我之前有一个")
    assert hit.outcome is Outcome.CONFIDENT
    assert hit.entry is not None and "再婚" in hit.entry.answer


# -- a formal message with two questions ----------------------------------------------------


def test_each_question_of_a_formal_message_is_read_in_the_formal_register(
    kb: KnowledgeBase,
) -> None:
    # the formal words (依据…有关规定) are in the first sentence, the questions after it
    hit = ask(
        kb,
        "依据自治区计生协的有关规定，会员小组通常由几名会员组成？会员活动多久开展一次？",
        "广西",
    )
    assert hit.outcome is Outcome.CONFIDENT
    reply = render(hit)
    assert "10—15名" in reply and "每月" in reply
