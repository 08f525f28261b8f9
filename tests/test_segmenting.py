"""The segmenter's tokenizer (word weights remembered) cuts exactly as jieba's own does."""

from __future__ import annotations

from pathlib import Path

import jieba

from bot.web.callbench import faq_questions
from knowledge.evaluation import load_set
from knowledge.matcher import Segmenter
from knowledge.segmenting import Tokenizer

DATA = Path(__file__).parent / "data"


def test_cuts_are_jiebas_own() -> None:
    segmenter = Segmenter()
    ours = segmenter.tokenizer
    assert isinstance(ours, Tokenizer)
    plain = jieba.Tokenizer()
    plain.FREQ, plain.total, plain.initialized = dict(ours.FREQ), ours.total, True
    texts = faq_questions() + [i.question for i in load_set(DATA / "faq_dev.yaml")]
    texts += [segmenter.normalise(t) for t in texts]
    for text in texts:
        assert ours.lcut(text, HMM=True) == plain.lcut(text, HMM=True), text
        assert ours.lcut_for_search(text) == plain.lcut_for_search(text), text
    # a word added later changes the weights: they are computed afresh
    ours.add_word("补多少钱", 100000)
    plain.add_word("补多少钱", 100000)
    assert ours.lcut("头胎国家补多少钱啊") == plain.lcut("头胎国家补多少钱啊")
    assert "补多少钱" in ours.lcut("头胎国家补多少钱啊")
