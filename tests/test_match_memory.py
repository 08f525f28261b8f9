"""The knowledge base's memory of decisions: the same decision and reply as the matcher's,
without the matcher's ranking, bounded in size, and one copy of each reply text."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import knowledge.base as base_module
from bot.settings import PACKAGED_KNOWLEDGE
from knowledge.answers import render
from knowledge.base import KnowledgeBase, without_ranking
from knowledge.evaluation import load_set
from knowledge.matcher import FaqHit

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.from_directory(PACKAGED_KNOWLEDGE)


def _bare(hit: FaqHit) -> FaqHit:
    return replace(hit, ranked=(), parts=tuple(replace(p, ranked=()) for p in hit.parts))


def test_a_remembered_decision_is_the_matchers_without_its_ranking(kb: KnowledgeBase) -> None:
    items = load_set(DATA / "faq_dev.yaml") + load_set(DATA / "faq_eval.yaml")
    ranked = 0
    for item in items:
        fresh = kb.matcher.match(item.question, item.asker_region)
        kept = kb.match(item.question, item.asker_region)
        assert kept == _bare(fresh), item.question
        assert not kept.ranked and all(not p.ranked for p in kept.parts)
        assert kb.rendered(kept, render) == render(fresh), item.question
        assert kb.match(item.question, item.asker_region) is kept  # remembered
        ranked += bool(fresh.ranked)
    assert ranked > len(items) // 2  # the matcher's hits do carry a ranking


def test_without_ranking_keeps_a_hit_with_none_as_it_is(kb: KnowledgeBase) -> None:
    hit = kb.matcher.match("你好")
    assert not hit.ranked
    assert without_ranking(hit) is hit


def test_the_memory_is_bounded_and_shares_reply_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base_module, "MATCH_MEMORY", 8)
    small = KnowledgeBase.from_directory(PACKAGED_KNOWLEDGE)
    fillers = ["", "请问", "想问下", "麻烦问问", "老师，", "打扰了，"]
    texts = [f"{lead}产假能休几天{tail}" for lead in fillers for tail in ("", "？", "呢")]
    replies = []
    for text in texts:
        hit = small.match(text)
        replies.append(small.rendered(hit, render))
        info = small._remembered.cache_info()
        assert info.currsize <= 8
        assert len(small._texts) <= 8
        assert len(small._replies) <= 8
    assert len(set(texts)) == len(texts) > 8
    # the same answer, asked in several ways: one copy of its text while remembered (the
    # first eight, before the memory is full and starts again)
    assert all(r == replies[0] for r in replies)
    assert all(r is replies[0] for r in replies[:8])


def test_what_the_matcher_remembers_across_messages_changes_no_decision(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Normalised texts, words, rankings and corrections are kept from one message to the next
    (messages share clauses): a matcher with a small memory (starting afresh every few
    messages) decides as a warm one with the full memory does, and the memory stays
    bounded."""
    import knowledge.matcher as matcher_module
    from knowledge.matcher import Matcher, Segmenter

    items = load_set(DATA / "faq_dev.yaml")
    entries = KnowledgeBase.from_directory(PACKAGED_KNOWLEDGE).entries
    warm = Matcher(entries, Segmenter())
    for item in load_set(DATA / "faq_eval.yaml"):
        warm.match(item.question, item.asker_region)
    monkeypatch.setattr(matcher_module, "SEEN_MEMORY", 40)
    small = Matcher(entries, Segmenter())
    for item in items:
        expected = warm.match(item.question, item.asker_region)
        assert small.match(item.question, item.asker_region) == expected, item.question
        assert len(small._rankings) <= 40 and len(small._corrected) <= 40
        # one message's own texts come on top of what is kept from earlier ones
        assert len(small.segmenter._seen) <= 40 + 400
    assert warm._rankings and warm._corrected and warm.segmenter._seen
