"""FAQ round 6 (issue 10): mechanisms meant to work for any wording, each shown with questions
that are not in any evaluation set, and with the lawful or in-scope questions that share their
words."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from knowledge.matcher import FaqHit, Outcome, Segmenter
from knowledge.regions import Region, find_region

REAL = Path(__file__).resolve().parent.parent / "knowledge" / "data"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.from_directory(REAL, Segmenter())


def ask(kb: KnowledgeBase, text: str, region: str = "") -> FaqHit:
    return kb.matcher.match(text, find_region(region) if region else Region())


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
