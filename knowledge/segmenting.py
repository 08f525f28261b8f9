"""jieba's tokenizer with the work that repeats from one cut to the next done once.

- ``jieba.Tokenizer.calc`` finds the most probable route through a sentence's word graph,
  taking ``log(freq) - log(total)`` of every candidate word at every cut: a logarithm and a
  dictionary look-up per edge, a tenth of the matcher's segmentation time. This subclass keeps
  each word's weight (the same expression, so the same float) until the dictionary changes.
- ``get_DAG`` looks each prefix up once (jieba looks it up twice: is it there, is it a word).
- A run of characters the dictionary cannot segment is cut by jieba's hidden Markov model
  (``finalseg``, a Viterbi pass in Python); the same runs come back in question after question
  (想问, 吗啊, 能领), so their cuts are remembered until the dictionary changes.

The route, and so every segmentation, is exactly jieba's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from math import log
from typing import Any

import jieba
from jieba import finalseg

#: Word weights kept at most (then the memory starts afresh).
WEIGHT_MEMORY = 65536
#: Cuts of runs the dictionary cannot segment kept at most (then the memory starts afresh).
RUN_MEMORY = 2048


class Tokenizer(jieba.Tokenizer):  # type: ignore[misc]
    """``jieba.Tokenizer`` remembering word weights and the cuts of unknown runs (see the
    module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._weights: dict[str, float] = {}
        self._weights_total: float | None = None
        self._runs: dict[str, tuple[str, ...]] = {}
        self._forced = 0  # how many words jieba's model is told to split (it only grows)

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        super().add_word(word, freq, tag)
        self._weights.clear()
        self._runs.clear()

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

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:
        """jieba's ``get_DAG``: for each start, the ends of the dictionary's words there (the
        start itself when there is none). A prefix of a word is in ``FREQ`` with 0."""
        self.check_initialized()
        freq = self.FREQ
        size = len(sentence)
        dag: dict[int, list[int]] = {}
        for k in range(size):
            ends = []
            i = k
            count = freq.get(sentence[k])
            while count is not None:
                if count:
                    ends.append(i)
                i += 1
                if i >= size:
                    break
                count = freq.get(sentence[k : i + 1])
            dag[k] = ends or [k]
        return dag

    def _unknown_run(self, run: str) -> tuple[str, ...]:
        """``finalseg.cut(run)``, remembered (it depends only on the run and on the words the
        model is told to split, which jieba only ever adds to)."""
        runs = self._runs
        forced = len(finalseg.Force_Split_Words)
        if forced != self._forced or len(runs) >= RUN_MEMORY:
            runs.clear()
            self._forced = forced
        words = runs.get(run)
        if words is None:
            words = runs[run] = tuple(finalseg.cut(run))
        return words

    # jieba calls its private ``__cut_DAG`` by its mangled name, which this overrides
    def _Tokenizer__cut_DAG(self, sentence: str) -> Iterator[str]:
        """jieba's ``__cut_DAG`` (the cut with its hidden Markov model), with the cuts of
        unknown runs remembered (``_unknown_run``)."""
        dag = self.get_DAG(sentence)
        route: dict[int, Any] = {}
        self.calc(sentence, dag, route)
        x = 0
        buf = ""
        size = len(sentence)
        while x < size:
            y = route[x][1] + 1
            word = sentence[x:y]
            if y - x == 1:
                buf += word
            else:
                if buf:
                    yield from self._single_characters(buf)
                    buf = ""
                yield word
            x = y
        if buf:
            yield from self._single_characters(buf)

    def _single_characters(self, buf: str) -> Iterable[str]:
        """A run of characters the route left single: one character as it is, a word jieba
        knows character by character, anything else cut by the hidden Markov model."""
        if len(buf) == 1:
            return (buf,)
        if not self.FREQ.get(buf):
            return self._unknown_run(buf)
        return buf
