"""Homophone and near-form typo correction against the knowledge base's own vocabulary.

People type Chinese on a phone with a pinyin keyboard, so most typos are another character with
the same sound (失毒家庭 for 失独家庭, 育儿不贴 for 育儿补贴, 计生保线 for 计生保险), a near sound
that southern speakers do not tell apart (独身子女 for 独生子女: -n/-ng, z/zh, c/ch, s/sh), or,
with handwriting input, a character of nearly the same shape (卯子 for 卵子).

A span of the question is rewritten only when all of this holds:

- it is not itself a word of the vocabulary, nor a common word of the general dictionary (a
  real word is never "corrected"), and it does not cut through a rightly spelt vocabulary word;
- it reads like a vocabulary word (the most likely one when several fit): the same toneless pinyin for two characters, the
  same pinyin up to the near sounds for three or more, or the same characters but one that
  ``dict/near_forms.txt`` lists as a look-alike;
- it differs from that word in exactly one character.

The vocabulary is the knowledge base's words and keywords plus the domain dictionaries, so a
correction always lands on a word some entry (or the scope lists) uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import cast

_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
#: A run of latin letters: a word typed in pinyin (hukou), or an English one (app).
_LATIN = re.compile(r"[a-z]{4,}")
#: Latin letters between characters, part of one word with some of them (关ai保险 -> 关爱保险,
#: chan假 -> 产假).
_MIXED = re.compile(r"([\u4e00-\u9fff]{0,3})(?<![a-z])([a-z]{1,8})(?![a-z])([\u4e00-\u9fff]{0,4})")
#: Question words typed in pinyin around a domain word (yu er bu tie zen me ling): they complete
#: a run that spells at least one vocabulary word, never a run on their own (hello, wifi).
QUESTION_SPELLINGS = {
    "zenme": "怎么", "zenyang": "怎样", "zenmeban": "怎么办", "duoshao": "多少",
    "duoshaoqian": "多少钱", "shenme": "什么", "nali": "哪里", "nage": "哪个", "jitian": "几天",
    "duojiu": "多久", "duochang": "多长", "keyi": "可以", "nengbuneng": "能不能",
    "youmeiyou": "有没有", "shibushi": "是不是", "ling": "领", "ban": "办", "mai": "买",
    "neng": "能", "yao": "要", "qu": "去", "you": "有", "ma": "吗", "ne": "呢", "ji": "几",
    "sui": "岁", "tian": "天", "qian": "钱", "bu": "不", "meiyou": "没有", "shi": "是",
}  # fmt: skip
_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ang", "an"), ("eng", "en"), ("ing", "in"))
MAX_SPAN = 6
#: Spans whose verdicts ``TypoCorrector`` remembers, at most, then the memory starts afresh:
#: a question's spans are mostly the domain's words and the phrases around them (一下, 请问,
#: 育儿补), met again in the next questions.
SPAN_MEMORY = 2048
COMMON = 50  # a span this frequent in the general dictionary is a word, not a typo
#: Three-character windows whose span lengths ``TypoCorrector`` remembers, at most.
WINDOW_MEMORY = 16384
#: Span lengths as bits (1 << length): those from 2 up to n characters, by n ...
_FITTING = tuple(sum(1 << size for size in range(2, n + 1)) for n in range(MAX_SPAN + 1))
#: ... and the lengths a set of bits holds, longest first.
_LONGEST_FIRST = tuple(
    tuple(size for size in range(MAX_SPAN, 1, -1) if bits >> size & 1)
    for bits in range(1 << MAX_SPAN + 1)
)
#: Particles and pronouns: a span holding one is a phrase (出了, 是独), never a misspelt word.
PARTICLES = frozenset("了的吗呢啊吧呀么嘛是我你他她它在和就都也还又才很太更最着过把被让给")


#: ``dict/pinyin.txt``: pypinyin's toneless reading of every character of the basic CJK block,
#: precomputed (loading pypinyin's dictionaries costs about 55 MB in every process).
PINYIN_FILE = Path(__file__).parent / "dict" / "pinyin.txt"
CJK_FIRST, CJK_LAST = 0x4E00, 0x9FFF


@lru_cache(maxsize=1)
def _readings() -> tuple[str, ...]:
    words: list[str] = []
    for line in PINYIN_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            words.extend("" if w == "-" else w for w in line.split())
    if len(words) != CJK_LAST - CJK_FIRST + 1:
        raise ValueError(f"{PINYIN_FILE} holds {len(words)} readings, not one per character")
    return tuple(words)


def syllable(char: str) -> str:
    """The toneless pinyin of one character (its most common reading)."""
    if len(char) != 1 or not CJK_FIRST <= ord(char) <= CJK_LAST:
        return ""
    return _readings()[ord(char) - CJK_FIRST]


@lru_cache(maxsize=8192)
def loose(sound: str) -> str:
    """A syllable with the distinctions southern speakers blur removed (sheng -> sen)."""
    for hard, soft in _FUZZY:
        if sound.startswith(hard) and hard in ("zh", "ch", "sh"):
            sound = soft + sound[len(hard) :]
        elif sound.endswith(hard) and hard not in ("zh", "ch", "sh"):
            sound = sound[: -len(hard)] + soft
    return sound


def read_near_forms(path: Path) -> dict[str, str]:
    """``dict/near_forms.txt``: each line a group of look-alike characters (卵 卯)."""
    table: dict[str, str] = {}
    if not path.exists():
        return table
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].split()
        for char in line:
            table[char] = line[0]
    return table


class TypoCorrector:
    """Rewrites misspelt domain words in a cleaned question (see the module docstring)."""

    def __init__(
        self,
        vocabulary: Mapping[str, float],
        near_forms: dict[str, str] | None = None,
        common: Mapping[str, int] | None = None,
        meaning: Mapping[str, str] | None = None,
    ) -> None:
        """``vocabulary`` maps each word to its weight: when a span reads like several words,
        the heaviest wins (dictionary words over words seen only in some entry's variants).
        ``common`` is a general word-frequency table: a span that is a common word in its own
        right (出身, 期限, 识字) is left alone. ``meaning`` maps a word to the word it stands
        for (the synonym table): two equally likely words that mean the same (交税, 缴税 for
        教税) are no reason to leave a typo as typed."""
        self.weight = dict(vocabulary)
        self.meaning = meaning or {}
        self.common = common or {}
        self.words: set[str] = set()
        exact: dict[tuple[str, ...], set[str]] = {}
        fuzzy: dict[tuple[str, ...], set[str]] = {}
        shape: dict[tuple[str, ...], set[str]] = {}
        self.near = near_forms or {}
        for word in vocabulary:
            if not (2 <= len(word) <= MAX_SPAN) or not _CJK.match(word):
                continue
            if any(c in PARTICLES for c in word):
                continue
            self.words.add(word)
            sounds = tuple(syllable(c) for c in word)
            exact.setdefault(sounds, set()).add(word)
            fuzzy.setdefault(tuple(loose(s) for s in sounds), set()).add(word)
            if self.near:
                shape.setdefault(self._shape_key(word), set()).add(word)
        self._exact = exact
        self._fuzzy = fuzzy
        self._shape = shape
        # Words by their pinyin written out (yuer -> 育儿, zhifubao -> 支付宝), the heaviest word
        # of each reading, for questions typed partly in pinyin.
        spelt: dict[str, str] = {}
        for word in self.words:
            key = "".join(syllable(c) for c in word)
            if key and (key not in spelt or self._heavier(word, spelt[key])):
                spelt[key] = word
        self._spelt = spelt
        self._longest_spelling = max((len(k) for k in spelt), default=0)
        # Every word with one character blanked out: a span can only be a typo of a word it
        # matches with one character blanked, which rules out almost every span at once.
        self._blanked = {w[:k] + "?" + w[k + 1 :] for w in self.words for k in range(len(w))}
        # What a span one character away from a word of its length must share with that word
        # (blanked at 0: its 2nd and 3rd characters; at 1: its 1st and 3rd; later: its first
        # two; two characters: one of them): three lookups rule out most spans before the
        # blanked forms are built.
        self._heads: dict[int, tuple[set[str], set[str], set[str]]] = {}
        for w in self.words:
            first, second, third = self._heads.setdefault(len(w), (set(), set(), set()))
            if len(w) == 2:
                first.add(w[0])
                second.add(w[1])
            else:
                first.add(w[:2])
                second.add(w[1:3])
                third.add(w[0] + w[2])
        # The same by what is looked up: a span's first two characters (…) -> the lengths of
        # the words they allow, so that ``correct`` tries at a position only those lengths.
        # (each set of lengths as bits, 1 << length, for a union without a new set)
        self._allow: tuple[dict[str, int], ...] = tuple(
            {
                key: sum(1 << n for n, sets in self._heads.items() if key in sets[part])
                for key in keys
            }
            for part in range(3)
            for keys in [set().union(*(sets[part] for sets in self._heads.values()))]
        )
        # The first two characters of every word -> the lengths of the words starting with
        # them, shortest first: where none starts, no word is spelt.
        starting: dict[str, set[int]] = {}
        for w in self.words:
            starting.setdefault(w[:2], set()).add(len(w))
        self._openings = {key: tuple(sorted(sizes)) for key, sizes in starting.items()}
        # ``_sizes_at`` depends only on the three characters from the position (fewer at the
        # end of a text): its answers by those characters, remembered (``WINDOW_MEMORY``).
        self._windows: dict[str, int] = {}
        # Pure functions of a span, remembered (``SPAN_MEMORY``): ``_near_some`` and
        # ``_candidate``.
        self._near_seen: dict[str, bool] = {}
        self._typo_seen: dict[tuple[str, bool], str | None] = {}

    def _heavier(self, word: str, other: str) -> bool:
        return (self.weight.get(word, 0.0), word) > (self.weight.get(other, 0.0), other)

    def romanised(self, text: str) -> str:
        """``text`` with each run of latin letters that spells one or more vocabulary words in
        toneless pinyin written in characters (yuer补贴 -> 育儿补贴, 上hukou -> 上户口). A run
        that does not read wholly as such words (app, nt, ok) is left as typed."""
        if not self._spelt or not any("a" <= c <= "z" for c in text):
            return text
        text = _LATIN.sub(lambda found: self._spell(found.group()) or found.group(), text)
        return _MIXED.sub(self._mixed, text) if any("a" <= c <= "z" for c in text) else text

    def _mixed(self, found: re.Match[str]) -> str:
        """A word typed half in characters, half in pinyin (关ai保险, chan假), in characters:
        the widest window of the characters around the letters that, read aloud with them,
        spells words starting and ending with the characters typed."""
        left, run, right = found.group(1), found.group(2), found.group(3)
        for size in range(len(left) + len(right), 0, -1):
            for take in range(min(size, len(left)), -1, -1):
                rest = size - take
                if rest > len(right):
                    continue
                before, after = left[len(left) - take :], right[:rest]
                spoken = "".join(map(syllable, before)) + run + "".join(map(syllable, after))
                word = self._spell(spoken)
                if word and word.startswith(before) and word.endswith(after):
                    return left[: len(left) - take] + word + right[rest:]
        return found.group()

    def _spell(self, run: str) -> str | None:
        """The fewest words whose pinyin, joined, is ``run``: vocabulary words, and question
        words (``QUESTION_SPELLINGS``) beside at least one of them; None if none."""
        best: list[tuple[int, int, list[str]] | None] = [None] * (len(run) + 1)
        best[0] = (0, 0, [])  # (words, -vocabulary words, path) for run[:i]
        longest = max(self._longest_spelling, 11)
        for start in range(len(run)):
            done = best[start]
            if done is None:
                continue
            for end in range(start + 2, min(len(run), start + longest) + 1):
                piece = run[start:end]
                word = self._spelt.get(piece)
                domain = word is not None
                word = word or QUESTION_SPELLINGS.get(piece)
                if word is None:
                    continue
                path = (done[0] + 1, done[1] - domain, [*done[2], word])
                known = best[end]
                if known is None or path[:2] < known[:2]:
                    best[end] = path
        found = best[len(run)]
        return "".join(found[2]) if found and found[1] < 0 else None

    def _shape_key(self, text: str) -> tuple[str, ...]:
        return tuple(self.near.get(c, c) for c in text)

    @staticmethod
    def _differs(span: str, word: str) -> bool:
        return sum(a != b for a, b in zip(span, word, strict=True)) == 1

    def _sizes_at(self, text: str, i: int) -> int:
        """The span lengths at ``text[i]`` that ``_near_some`` does not rule out by its first
        three lookups (a superset of those it answers True for), as bits (1 << length)."""
        first, second, third = self._allow
        # two characters: the first or the second in place; longer: see __init__
        return (
            first.get(text[i : i + 2], 0)
            | first.get(text[i], 0)
            | second.get(text[i + 1 : i + 3], 0)
            | second.get(text[i + 1 : i + 2], 0)
            | third.get(text[i : i + 1] + text[i + 2 : i + 3], 0)
        )

    def _sizes(self, text: str) -> list[int]:
        """``_sizes_at`` at every position of ``text``, looked up by the three characters from
        each (the same few thousand windows come back in question after question)."""
        windows = [text[i : i + 3] for i in range(len(text))]
        known = self._windows
        sizes = list(map(known.get, windows))
        if None in sizes:
            if len(known) >= WINDOW_MEMORY:
                known.clear()
            for i, bits in enumerate(sizes):
                if bits is None:
                    sizes[i] = known[windows[i]] = self._sizes_at(windows[i], 0)
        return cast(list[int], sizes)

    def _near_some(self, span: str) -> bool:
        """Whether ``span`` is one character away from a vocabulary word (and is not one)."""
        near = self._near_seen.get(span)
        if near is None:
            if len(self._near_seen) >= SPAN_MEMORY:
                self._near_seen.clear()
            near = self._near_seen[span] = self._near(span)
        return near

    def _near(self, span: str) -> bool:
        if span in self.words:
            return False
        size = len(span)
        if size >= 2:
            heads = self._heads.get(size)
            if heads is None:
                return False  # no word of this length
            first, second, third = heads
            if size == 2:
                # a word of two characters with the first or the second in place is one
                # character away: the test below would say the same
                return span[0] in first or span[1] in second
            if (
                span[:2] not in first
                and span[1:3] not in second
                and span[0] + span[2] not in third
            ):
                return False
        return any(span[:k] + "?" + span[k + 1 :] in self._blanked for k in range(size))

    def _candidate(self, span: str, glued: bool = False) -> str | None:
        """The vocabulary word ``span`` is a typo of, if any (``glued``: a character of it
        makes a common word with the character beside it, as 亲 in 探亲假, so two characters
        are no stray word and are not matched by near sound)."""
        if not self._near_some(span):
            return None
        key = (span, glued)
        try:
            return self._typo_seen[key]
        except KeyError:
            pass
        if len(self._typo_seen) >= SPAN_MEMORY:
            self._typo_seen.clear()
        word = self._typo_seen[key] = self._typo_of(span, glued)
        return word

    def _typo_of(self, span: str, glued: bool) -> str | None:
        """``_candidate`` for a span near some word (not remembered)."""
        if not _CJK.match(span):
            return None
        if self.common.get(span, 0) >= COMMON:
            return None
        # A particle makes a short span a phrase (出了, 是独); a long one may hold a misspelt
        # character that happens to be one (唐是筛查 for 唐氏筛查).
        if any(c in PARTICLES for c in span) and len(span) < 4:
            return None
        sounds = tuple(syllable(c) for c in span)
        found = {w for w in self._exact.get(sounds, ()) if self._differs(span, w)}
        # near sounds for a long span, or for two characters that make no word at all (从新
        # for 重新: a span the general dictionary does not know is no word typed on purpose)
        if not found and (len(span) >= 3 or (span not in self.common and not glued)):
            key = tuple(loose(s) for s in sounds)
            found = {w for w in self._fuzzy.get(key, ()) if self._differs(span, w)}
        if not found and self.near:
            found = {w for w in self._shape.get(self._shape_key(span), ()) if w != span}
        if not found:
            return None
        ranked = sorted(found, key=lambda w: (self.weight.get(w, 0.0), w), reverse=True)
        tied = [w for w in ranked if self.weight.get(w) == self.weight.get(ranked[0])]
        if len({self.meaning.get(w, w) for w in tied}) > 1:
            return None  # two equally likely words: leave the question as typed
        return ranked[0]

    def _typo_after(
        self, text: str, i: int, span: str, word: str, found: Iterable[tuple[int, int]]
    ) -> bool:
        """Whether ``span`` (at ``i``) is a rightly spelt word followed by the first character
        of another misspelt one, which is the typo to correct (独生子女护里假: 护里 is 护理, not
        独生子女护 独生子女户)."""
        changed = next((k for k, (a, b) in enumerate(zip(span, word, strict=False)) if a != b), 0)
        if not changed or not any(s == i and e <= i + changed for s, e in found):
            return False
        at = i + changed
        return any(
            self._near_some(text[at : at + size]) and self._candidate(text[at : at + size])
            for size in range(2, min(MAX_SPAN, len(text) - at) + 1)
        )

    def correct(self, text: str, protected: Iterable[tuple[int, int]] = ()) -> str:
        """``text`` with misspelt vocabulary words rewritten, longest span first.

        ``protected`` spans (region names) are never touched.
        """
        if not self.words:
            return text
        guard: list[bool] | None = None
        for start, end in protected:
            guard = guard or [False] * len(text)
            for i in range(start, min(end, len(text))):
                guard[i] = True
        # Vocabulary words already spelt right: a correction may not cut through one
        # (生头胎国家 is not 生头泰国家, 我是独生女 is not 我失独生女); looked for only where a
        # word starts.
        words, openings = self.words, self._openings
        length = len(text)
        found = [
            (i, i + size)
            for i in range(length - 1)
            for size in openings.get(text[i : i + 2], ())
            if i + size <= length and text[i : i + size] in words
        ]
        # Where a word spelt right is cut (inside it, not at its ends): a span cuts through one
        # exactly when it starts or ends at such a place.
        cut = [False] * (len(text) + 1)
        for start, end in found:
            for inside in range(start + 1, end):
                cut[inside] = True
        out: list[str] = []
        kept = 0  # text[:kept] is written to ``out``: up to the last correction's end
        # the positions where a span may start: some length allowed, inside no word spelt
        # right (most positions are ruled out by one or the other)
        sizes_at = self._sizes(text)
        for i in [at for at, bits in enumerate(sizes_at) if bits and not cut[at]]:
            if i < kept:
                continue  # inside a correction already made
            # the lengths that fit before the end, longest first
            for size in _LONGEST_FIRST[sizes_at[i] & _FITTING[min(MAX_SPAN, length - i)]]:
                end = i + size
                if cut[end]:
                    continue  # it would cut through a word spelt right
                if guard is not None and any(guard[i:end]):
                    continue
                span = text[i:end]
                # most spans are one character away from no word (for two characters the bit
                # of their length says that already: see ``_near``)
                if size == 2:
                    if span in words:
                        continue
                elif not self._near_some(span):
                    continue
                glued = size == 2 and (
                    (i > 0 and self.common.get(text[i - 1 : i + 1], 0) >= COMMON)
                    or (end < len(text) and self.common.get(text[end - 1 : end + 1], 0) >= COMMON)
                )
                word = self._candidate(span, glued)
                if word is not None and self._typo_after(text, i, span, word, found):
                    continue
                if word is not None:
                    out.append(text[kept:i])
                    out.append(word)
                    kept = end
                    break
        out.append(text[kept:])
        return "".join(out)
