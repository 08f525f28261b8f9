"""Long regex alternations (a pattern file's lines joined by ``|``), searched without trying
every line at every position.

Python's ``re`` tries each alternative of ``A|B|C…`` at each position of the text in turn; for
the pattern files (out-of-scope topics, illegal requests: a hundred lines and more) that cost
about 80 µs per clause, several times per question. :func:`compile_alternation` reads, from
the parsed pattern, which characters each top-level alternative can start with (and whether it
is anchored at the start of the text); a search then visits only the positions whose character
starts some alternative (found by one character-class search in C) and tries there only the
alternatives that can start with that character, in their original order.

Python's alternation is ordered (leftmost position first, then the first alternative that
matches there), and nothing follows the top-level alternation, so the alternatives left out at
a position are exactly those that cannot match there: the match found is the one ``search``
and ``finditer`` of the whole pattern find, with the same span. Group numbers differ (each
position's pattern holds only some alternatives), so callers use a match's span and text only.
A pattern whose starting characters cannot be read (a ``.`` or ``\\w`` first, a class of all
but some characters, flags, a possibly empty alternative) is used as compiled, unchanged.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Protocol


class Searcher(Protocol):
    """What the matcher uses of a compiled pattern."""

    @property
    def pattern(self) -> str: ...

    def search(self, text: str, /) -> re.Match[str] | None: ...

    def finditer(self, text: str, /) -> Iterable[re.Match[str]]: ...


@functools.cache
def _decimals() -> frozenset[str]:
    """What ``\\d`` matches in a str pattern: every Unicode decimal digit."""
    return frozenset(c for c in map(chr, range(sys.maxunicode + 1)) if c.isdecimal())


class _Unknown(Exception):
    """The characters a piece of pattern can start with cannot be told."""


#: (characters a path can start with, whether some path is anchored at the text's start,
#: whether some path matches without consuming a character)
_First = tuple[frozenset[str], bool, bool]

_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")
_ZERO_WIDTH_AT = frozenset({sre.AT_BEGINNING, sre.AT_BEGINNING_STRING})


def _needs(items: Sequence[tuple[Any, Any]]) -> frozenset[str] | None:
    """Characters of which a text must hold at least one for ``items`` (a parsed sequence) to
    match anywhere in it: the starting characters of one element every match consumes (the
    first such element whose starting characters can be read). None when none can be read.
    Elements that may match nothing (``.*``, lookarounds, anchors) are passed over: the
    elements after them must still match."""
    for op, av in items:
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                return None
            inner = _needs(sub.data)
            if inner is not None:
                return inner
            continue
        if op is sre.BRANCH:
            union: set[str] = set()
            for alternative in av[1]:
                inner = _needs(alternative.data)
                if inner is None:
                    break
                union |= inner
            else:
                return frozenset(union)
            continue
        try:
            chars, anchored, empty = _first([(op, av)])
        except _Unknown:
            continue
        if not anchored and not empty:
            return chars
    return None


def _first(items: Sequence[tuple[Any, Any]]) -> _First:
    chars: set[str] = set()
    anchored = False
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
            return frozenset(chars), anchored, False
        if op is sre.IN:
            for item_op, item in av:
                if item_op is sre.LITERAL:
                    chars.add(chr(item))
                elif item_op is sre.RANGE and item[1] - item[0] < 4096:
                    chars.update(map(chr, range(item[0], item[1] + 1)))
                elif item_op is sre.CATEGORY and item is sre.CATEGORY_DIGIT:
                    chars.update(_decimals())
                else:
                    raise _Unknown
            return frozenset(chars), anchored, False
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _Unknown
            alternatives = [sub.data]
        elif op is sre.BRANCH:
            alternatives = [alt.data for alt in av[1]]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, sub = av
            inner = _first(sub.data)
            chars |= inner[0]
            anchored = anchored or inner[1]
            if low >= 1 and not inner[2]:
                return frozenset(chars), anchored, False
            continue
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero width: what follows decides (a superset is all that is needed)
        elif op is sre.AT:
            if av in _ZERO_WIDTH_AT:
                return frozenset(chars), True, False  # only ever at the text's start
            continue  # a boundary or an end: zero width
        else:
            raise _Unknown
        empty = False
        for alternative in alternatives:
            inner = _first(alternative)
            chars |= inner[0]
            anchored = anchored or inner[1]
            empty = empty or inner[2]
        if not empty:
            return frozenset(chars), anchored, False
    return frozenset(chars), anchored, True


class Alternation:
    """A compiled alternation searched position by position (see the module docstring)."""

    __slots__ = (
        "regex",
        "_alternatives",
        "_starts",
        "_anchored",
        "_gate",
        "_at",
        "_needs",
        "_need_bits",
        "_needed",
        "_always",
        "_first_at",
        "_one",
    )

    def __init__(self, regex: re.Pattern[str], alternatives: list[tuple[str, _First]]) -> None:
        self.regex = regex
        self._alternatives = alternatives
        starts: set[str] = set()
        for _text, (chars, _anchored, _empty) in alternatives:
            starts |= chars
        self._anchored = any(first[1] for _text, first in alternatives)
        self._gate = re.compile("[" + "".join(re.escape(c) for c in sorted(starts)) + "]")
        #: character -> the alternatives (not anchored) that may start with it
        self._at: dict[str, re.Pattern[str] | None] = {}
        #: The anchored alternatives (they may match at the text's start whatever its first
        #: character), each with the characters a text must hold for it to match at all
        #: (``_needs``: for ``^(?!.*(保险|理赔)).*(发烧|咳嗽)`` one of 发 咳; None: unknown).
        self._needs: tuple[tuple[int, frozenset[str] | None], ...] = tuple(
            (index, _needs(sre_parse.parse(text).data))
            for index, (text, (_chars, anchored, _empty)) in enumerate(alternatives)
            if anchored
        )
        #: The same as bits (bit ``k``: the ``k``-th of ``_needs``): a character -> the
        #: anchored alternatives that need it; ``_always``: those whose needs are unknown.
        self._need_bits: dict[str, int] = {}
        self._always = 0
        for bit, (_index, needs) in enumerate(self._needs):
            if needs is None:
                self._always |= 1 << bit
                continue
            for char in needs:
                self._need_bits[char] = self._need_bits.get(char, 0) | 1 << bit
        self._needed = frozenset(self._need_bits)
        #: character -> the alternatives not anchored that may start with it (indices)
        self._first_at: dict[str, tuple[int, ...]] = {}
        #: each alternative compiled alone (at the text's start they are tried one by one)
        self._one = [re.compile(text, regex.flags) for text, _first in alternatives]

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def _here(self, char: str) -> re.Pattern[str] | None:
        try:
            return self._at[char]
        except KeyError:
            pass
        parts = [text for text, (chars, _anchored, _empty) in self._alternatives if char in chars]
        regex = re.compile("|".join(parts), self.regex.flags) if parts else None
        self._at[char] = regex
        return regex

    def _match_start(self, text: str) -> re.Match[str] | None:
        """The match at the start of ``text`` (not empty): the alternatives that may match
        there, tried alone in their order (the first that matches is the one the whole
        alternation finds there, nothing following it): the anchored ones whose needed
        characters ``text`` holds, and those that start with its first character."""
        first = text[0]
        starting = self._first_at.get(first)
        if starting is None:
            starting = self._first_at[first] = tuple(
                index
                for index, (_text, (chars, anchored, _empty)) in enumerate(self._alternatives)
                if first in chars and not anchored
            )
        need_bits = self._need_bits
        lit = self._always
        for char in self._needed.intersection(text):
            lit |= need_bits[char]
        possible = []
        needs = self._needs
        while lit:  # the anchored alternatives one of whose needed characters the text holds
            low = lit & -lit
            lit ^= low
            possible.append(needs[low.bit_length() - 1][0])
        if possible:
            order: Iterable[int] = sorted((*starting, *possible))
        else:
            order = starting
        one = self._one
        for index in order:
            found = one[index].match(text, 0)
            if found is not None:
                return found
        return None

    def _match_from(self, text: str, position: int) -> re.Match[str] | None:
        """The first match starting at ``position`` or after it."""
        if position == 0 and self._anchored:
            # the text's start, where the anchored alternatives may match too: those of them
            # whose needed characters the text holds, with those that start with its first
            # character (an anchored alternative such as ^(?!.*保险).*(发烧|咳嗽) scans the
            # whole text, and most texts hold none of what it needs)
            found = self._match_start(text)
            if found is not None:
                return found
            position = 1
        gate = self._gate
        while True:
            candidate = gate.search(text, position)
            if candidate is None:
                return None
            position = candidate.start()
            here = self._here(text[position])
            found = here.match(text, position) if here is not None else None
            if found is not None:
                return found
            position += 1

    def search(self, text: str, /) -> re.Match[str] | None:
        if not text:
            return self.regex.search(text)
        return self._match_from(text, 0)

    def finditer(self, text: str, /) -> list[re.Match[str]]:
        if not text:
            return list(self.regex.finditer(text))
        found: list[re.Match[str]] = []
        position = 0
        while True:
            match = self._match_from(text, position)
            if match is None:
                return found
            if match.end() == match.start():  # an empty match: re's own rules for what follows
                return list(self.regex.finditer(text))
            found.append(match)
            position = match.end()


def starts(pattern: str) -> frozenset[str] | None:
    """The characters every match of ``pattern`` starts with, when they can be read from it
    (None when they cannot, or when it may match at the text's start or match nothing): a text
    holding none of them has no match."""
    if _BACKREFERENCE.search(pattern):
        return None
    try:
        chars, anchored, empty = _first(sre_parse.parse(pattern).data)
    except _Unknown:
        return None
    return None if anchored or empty else chars


def needs(pattern: str) -> frozenset[str] | None:
    """Characters of which a text must hold at least one for ``pattern`` to match anywhere in
    it (its starting characters, or for an anchored pattern such as ``^(?!.*不).*(钱|红包)``
    those of an element every match consumes: 钱 红); None when they cannot be read."""
    if _BACKREFERENCE.search(pattern):
        return None
    chars = starts(pattern)
    if chars is not None:
        return chars
    return _needs(sre_parse.parse(pattern).data)


def compile_alternation(patterns: Iterable[str]) -> Searcher | None:
    """``re.compile("|".join(f"(?:{p})" for p in patterns))`` (None for no patterns), searched
    position by position when every alternative's starting characters can be read."""
    parts = [f"(?:{p})" for p in patterns]
    if not parts:
        return None
    regex = re.compile("|".join(parts))
    if any(_BACKREFERENCE.search(part) for part in parts):
        return regex  # group numbers change in the patterns made of some alternatives
    try:
        alternatives = [(part, _first(sre_parse.parse(part).data)) for part in parts]
    except _Unknown:
        return regex
    if any(empty for _part, (_chars, _anchored, empty) in alternatives):
        return regex
    return Alternation(regex, alternatives)
