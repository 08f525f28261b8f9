"""Cantonese read as Mandarin (``dict/cantonese.txt``).

Families in 广东 type the way they speak: 我仔2023年出世 仲可以攞育儿补贴冇 is 我儿子2023年出生
还可以领育儿补贴没有. The knowledge base, the synonym table and the question patterns are written
in Mandarin, so a Cantonese message is rewritten word for word before it is read; a Mandarin
message has none of these spellings and passes unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

#: A regular expression's own characters, left out when spellings are ordered by length.
_SYNTAX = re.compile(r"\(\?[<!=i:]+[^)]*\)|\[[^\]]*\]|[()?*+|\\]")


class Dialect:
    """Spellings of one dialect and the Mandarin word each stands for."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        # longest first (by the characters a spelling matches, not its syntax), one group each
        ordered = sorted(pairs, key=lambda p: len(_SYNTAX.sub("", p[0])), reverse=True)
        self._words = [word for _, word in ordered]
        self._pattern = (
            re.compile("|".join(f"(?P<s{i}>{s})" for i, (s, _) in enumerate(ordered)))
            if ordered
            else None
        )

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
        """``text`` with each dialect spelling replaced by its Mandarin word."""
        if self._pattern is None:
            return text
        return self._pattern.sub(self._word, text)

    def _word(self, found: re.Match[str]) -> str:
        group = found.lastgroup
        return self._words[int(group[1:])] if group else found.group()
