"""Cantonese read as Mandarin (``dict/cantonese.txt``).

Families in 广东 type the way they speak: 我仔2023年出世 仲可以攞育儿补贴冇 is 我儿子2023年出生
还可以领育儿补贴没有. The knowledge base, the synonym table and the question patterns are written
in Mandarin, so a Cantonese message is rewritten word for word before it is read; a Mandarin
message has none of these spellings and passes unchanged.

One alternation of a hundred-odd spellings (some with lookarounds) costs about 40 µs a
character in ``re``, so the spellings are kept by their first character and only those starting
with the character at hand are tried there (a few µs a message).
"""

from __future__ import annotations

import re
from pathlib import Path

#: A regular expression's own characters, left out when spellings are ordered by length.
_SYNTAX = re.compile(r"\(\?[<!=i:]+[^)]*\)|\[[^\]]*\]|[()?*+|\\]")
#: Lookbehinds and an inline flag group a spelling may start with, before its first character.
_OPENING = re.compile(r"^(?:\(\?<[=!][^)]*\))*(?:\(\?i:)?")


class Dialect:
    """Spellings of one dialect and the Mandarin word each stands for."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        # longest first (by the characters a spelling matches, not its syntax)
        ordered = sorted(pairs, key=lambda p: len(_SYNTAX.sub("", p[0])), reverse=True)
        self._by_first: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for spelling, word in ordered:
            first = _OPENING.sub("", spelling)[:1]
            pattern = re.compile(spelling)
            for char in {first, first.lower(), first.upper()}:
                self._by_first.setdefault(char, []).append((pattern, word))
        # one character class of those first characters: a search in C jumps to the next
        # position where some spelling may start (most messages have none, or one or two)
        firsts = "".join(re.escape(c) for c in sorted(self._by_first) if len(c) == 1)
        self._gate = re.compile(f"[{firsts}]") if firsts else None

    @classmethod
    def read(cls, path: Path) -> Dialect:
        pairs: list[tuple[str, str]] = []
        if path.exists():
            for raw in path.read_text(encoding="utf-8").splitlines():
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                word, *spellings = line.split()
                pairs += [(s, "" if word == "-" else word) for s in spellings]
        return cls(pairs)

    def mandarin(self, text: str) -> str:
        """``text`` with each dialect spelling replaced by its Mandarin word (leftmost, then
        longest first, as one alternation would)."""
        gate = self._gate
        if gate is None:
            return text
        hit = gate.search(text)
        if hit is None:
            return text
        by_first = self._by_first
        out: list[str] = []
        copied = 0  # text[:copied] is in ``out``
        at = hit.start()
        while True:
            for pattern, word in by_first[text[at]]:
                found = pattern.match(text, at)
                if found is not None and found.end() > at:
                    out.append(text[copied:at])
                    out.append(word)
                    copied = at = found.end()
                    break
            else:
                at += 1
            hit = gate.search(text, at)
            if hit is None:
                break
            at = hit.start()
        out.append(text[copied:])
        return "".join(out)
