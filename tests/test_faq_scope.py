"""Out-of-scope and illegal questions recognised without a listed phrase (``knowledge.scope``).

The scope model reads the character n-grams of a whole message and only ever declines politely:
a question sharing words with an entry but about something else (a seed subsidy, not the
childcare subsidy) is declined, an illegal plan told in new words is declined too but never
called illegal (only the phrase rules accuse), and lawful questions that share those words stay
answered; no question of the lawful calibration set is declined by it. Each declined question
here is one the phrase lists alone would have answered (checked with the model switched off).
The questions are in no evaluation set."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from bench.scope_train import CALIBRATION, SETS, SKIP, calibration_questions, labelled
from handlers.core.messages import Role
from knowledge.answers import ILLEGAL, REJECT
from knowledge.base import KnowledgeBase
from knowledge.matcher import Matcher, Outcome
from knowledge.regions import Region
from knowledge.scope import THRESHOLDS, ScopeModel, Verdict, write_model
from tests.conftest import add_member
from tests.test_activity_callback import Chat, open_chat

#: An off-topic question that shares words with an entry (补贴 + 什么时候发, 一亩 is no child).
#: (柴油补贴什么时候发下来 reads 0.86 out of scope: below the confident threshold, which no
#: confidently answered in-scope question of the sets reaches out of fold, so it stays answered.)
OUT_OF_DOMAIN = ["种子补贴什么时候发 一亩多少钱"]
#: Illegal plans in words no phrase or rule of ``dict/illegal.txt`` holds (the first one the
#: matcher alone answers confidently, with a poor match). (邻居想花钱买我家老二 stood first until
#: round 12's rule for money paid for a family's child: it is refused as illegal now.)
ILLEGAL_PLANS = [
    "邻居想出钱把我家老二领回去养 我能收吗",
    "村里人说交点钱就能把奖扶名额弄下来 我该给谁",
]
#: Lawful questions with the same words (补贴, 报销, 钱, 奖励, 保险).
LAWFUL = [
    "二胎的育儿补贴和头胎一样吗",
    "产检的费用能报销吗",
    "怀孕了单位能辞退我吗",
    "生孩子住院的钱生育保险报多少",
    "计生意外险在家摔了能赔吗",
    "独生子女父母奖励怎么领",
    "护理假能休几天",
    # an illegal-sounding word (弄, 出生证 + 办) in a question an entry answers well
    "我们村那个协保员能不能帮我弄理赔",
    "广州医院里能不能一次性把出生证户口医保全部办了",
]


@pytest.fixture
def without_model(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Matcher:
    """The same matcher with an empty scope model: only the phrase lists decline."""
    matcher = kb.matcher
    monkeypatch.setattr(matcher.segmenter, "scope", ScopeModel())
    return matcher


@pytest.mark.parametrize("text", OUT_OF_DOMAIN)
def test_an_off_topic_question_sharing_words_is_declined(kb: KnowledgeBase, text: str) -> None:
    assert kb.matcher.match(text, Region()).outcome is Outcome.REJECT


@pytest.mark.parametrize("text", OUT_OF_DOMAIN)
def test_the_phrase_lists_alone_would_answer_it(without_model: Matcher, text: str) -> None:
    assert without_model.match(text, Region()).outcome is Outcome.CONFIDENT


@pytest.mark.parametrize("text", ILLEGAL_PLANS)
def test_an_illegal_plan_in_new_words_is_declined_without_an_accusation(
    kb: KnowledgeBase, text: str
) -> None:
    assert kb.matcher.match(text, Region()).outcome is Outcome.REJECT


@pytest.mark.parametrize("text", ILLEGAL_PLANS)
def test_no_phrase_or_rule_holds_it(without_model: Matcher, text: str) -> None:
    assert without_model.match(text, Region()).outcome is not Outcome.ILLEGAL


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_questions_with_shared_words_stay_answered(kb: KnowledgeBase, text: str) -> None:
    hit = kb.matcher.match(text, Region())
    assert hit.outcome is Outcome.CONFIDENT
    scope = kb.matcher.segmenter.scope
    assert scope.verdict(kb.matcher.scope_text(text), hit.confidence) is Verdict.IN


def test_the_shipped_model_is_read_with_thresholds(kb: KnowledgeBase) -> None:
    model = kb.matcher.segmenter.scope
    assert not model.empty
    for name in THRESHOLDS:
        assert 0.0 < getattr(model, name) <= 1.0, name


def test_the_calibration_set_says_what_it_is() -> None:
    header = CALIBRATION.read_text(encoding="utf-8").split("\n- ")[0]
    assert "LAWFUL" in header and "never trained on" in header
    assert len(calibration_questions()) >= 60


def test_no_lawful_calibration_question_is_declined_by_the_model(without_model: Matcher) -> None:
    """Lawful questions that sound close to illegal ones (出生证明上名字写错了, 三代试管查遗传病,
    医生建议引产): whatever the phrase lists make of them, the shipped model changes nothing."""
    model = ScopeModel.read()
    assert not model.empty
    judged, declined = 0, []
    for question in calibration_questions():
        hit = without_model.match(question, Region())
        if hit.outcome not in (Outcome.CONFIDENT, Outcome.UNSURE, Outcome.NONE):
            continue  # the phrase lists decide it (an illegal rule, an off-topic phrase)
        judged += 1
        confident = hit.confidence if hit.outcome is Outcome.CONFIDENT else None
        text = without_model.scope_text(question)
        if model.verdict(text, confident, hit.outcome is not Outcome.NONE) is not Verdict.IN:
            declined.append(question)
    assert judged >= 50 and declined == []


def test_the_model_never_calls_a_question_illegal(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every question of the evaluation sets the matcher calls illegal is one the phrase rules
    call illegal without the model."""
    questions = [
        question
        for path in sorted(SETS.glob("faq_*.yaml"))
        if path.stem not in SKIP
        for question, _ in labelled(path)
    ]
    with_model = [q for q in questions if kb.matcher.match(q, Region()).outcome is Outcome.ILLEGAL]
    assert with_model
    monkeypatch.setattr(kb.matcher.segmenter, "scope", ScopeModel())
    assert [
        q for q in with_model if kb.matcher.match(q, Region()).outcome is not Outcome.ILLEGAL
    ] == []


def test_an_empty_model_declines_nothing(tmp_path: Path) -> None:
    model = ScopeModel.read(tmp_path / "missing.txt")
    assert model.empty and model.verdict("代孕多少钱") is Verdict.IN


def test_scores_are_the_tf_idf_logistic_regression(tmp_path: Path) -> None:
    """A two-gram model written by hand: l2-normalised sublinear tf-idf, softmax of three
    linear scores (what scikit-learn's pipeline computes)."""
    path = tmp_path / "model.txt"
    grams = {"代": (2.0, 0.0, 0.0, 4.0), "孕": (1.0, 1.0, 0.0, 0.0)}
    thresholds = {
        "illegal_at": 0.5,
        "out_at": 0.9,
        "confident_illegal_at": 0.7,
        "well_answered": 0.6,
        "confident_out_at": 0.95,
    }
    write_model(path, grams, (0.0, 0.0, -1.0), thresholds, header="test")
    model = ScopeModel.read(path)
    # 代孕代: 代 twice (tf 1 + ln 2), 孕 once; unknown 2- and 3-grams are skipped
    a, b = (1 + math.log(2)) * 2.0, 1.0
    norm = math.hypot(a, b)
    logits = (b / norm, 0.0, 4 * a / norm - 1.0)
    exps = [math.exp(v) for v in logits]
    scores = model.scores("代孕代")
    assert scores.illegal == pytest.approx(exps[2] / sum(exps))
    assert scores.out == pytest.approx(exps[1] / sum(exps))
    assert scores.illegal > 0.7
    # declined, never called illegal: the verdict is only ever in scope or out of scope
    assert model.verdict("代孕代") is Verdict.OUT
    # with no answer at all, only the illegal probability declines
    assert model.verdict("代孕代", answered=False) is Verdict.OUT
    # a confident answer that accounts for the message well is not overridden; a poor one is
    assert model.verdict("代孕代", confident=0.6) is Verdict.IN
    assert model.verdict("代孕代", confident=0.5) is Verdict.OUT
    assert model.verdict("孕") is Verdict.IN


def test_both_set_formats_give_training_labels(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        "- q: 产假几天\n  type: answer\n- q: 车险怎么买\n  type: out_of_scope\n"
        "- q: 代孕多少钱\n  type: illegal\n",
        encoding="utf-8",
    )
    ids = tmp_path / "ids.yaml"
    ids.write_text(
        "- q: 产假几天\n  expect: [t1.leave]\n- q: 车险\n  expect: reject\n"
        "- q: 代孕\n  expect: illegal\n",
        encoding="utf-8",
    )
    expected = [Verdict.IN, Verdict.OUT, Verdict.ILLEGAL]
    assert [v for _, v in labelled(facts)] == expected
    assert [v for _, v in labelled(ids)] == expected


# -- through the real encrypted callback ----------------------------------------------------------


@pytest.fixture
def chat(tmp_path: Path, redis: Redis) -> Iterator[Chat]:
    with open_chat(tmp_path, redis) as chat:
        add_member(chat.runtime.services, "yulin", Role.FAMILY, region=("广西", "玉林市"))
        yield chat


def test_a_family_is_told_what_is_declined_and_what_is_answered(chat: Chat) -> None:
    declined = chat.say("yulin", OUT_OF_DOMAIN[0])
    assert REJECT in declined and "3600" not in declined
    refused = chat.say("yulin", ILLEGAL_PLANS[0])
    assert REJECT in refused and ILLEGAL not in refused
    answered = chat.say("yulin", "二胎的育儿补贴和头胎一样吗")
    assert "3600" in answered
