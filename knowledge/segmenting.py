"""jieba's tokenizer with the weight of each word in a route computed once, not at every cut.

``jieba.Tokenizer.calc`` finds the most probable route through a sentence's word graph, taking
``log(freq) - log(total)`` of every candidate word at every cut: a logarithm and a dictionary
look-up per edge, a tenth of the matcher's segmentation time. This subclass keeps each word's
weight (the same expression, so the same float) until the dictionary changes; the route, and
so every segmentation, is exactly jieba's.
"""

from __future__ import annotations

from math import log
from typing import Any

import jieba

#: Word weights kept at most (then the memory starts afresh).
WEIGHT_MEMORY = 65536


class Tokenizer(jieba.Tokenizer):  # type: ignore[misc]
    """``jieba.Tokenizer`` with ``calc`` remembering word weights (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._weights: dict[str, float] = {}
        self._weights_total: float | None = None

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        super().add_word(word, freq, tag)
        self._weights.clear()

    def calc(self, sentence: str, DAG: dict[int, list[int]], route: dict[int, Any]) -> None:
        """jieba's ``calc``: ``route[i]`` is the best (log probability, end) from ``i``."""
        size = len(sentence)
        route[size] = (0, 0)
        logtotal = log(self.total)
        weights = self._weights
        if self._weights_total != self.total or len(weights) >= WEIGHT_MEMORY:
            weights.clear()
            self._weights_total = self.total
        freq = self.FREQ
        for idx in range(size - 1, -1, -1):
            best: tuple[float, int] | None = None
            for x in DAG[idx]:
                word = sentence[idx : x + 1]
                weight = weights.get(word)
                if weight is None:
                    weight = weights[word] = log(freq.get(word) or 1) - logtotal
                candidate = (weight + route[x + 1][0], x)
                if best is None or candidate > best:  # max(): the first of the greatest
                    best = candidate
            route[idx] = best
