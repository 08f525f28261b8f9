"""The precomputed pinyin table (knowledge/dict/pinyin.txt) is exactly pypinyin's readings.

The matcher reads the table instead of loading pypinyin (about 55 MB in every service
process). Regenerate it after upgrading pypinyin: ``python -m tests.test_pinyin_table``.
"""

from __future__ import annotations

import pytest

from knowledge.typos import CJK_FIRST, CJK_LAST, PINYIN_FILE, syllable

HEADER = (
    "# Toneless pinyin of U+4E00..U+9FFF, one reading per character (its most common), in code"
    " point\n"
    "# order, 16 per line; '-' where there is none. Generated from pypinyin (Style.NORMAL) by\n"
    "# tests/test_pinyin_table.py, which also checks it; the service reads this table instead"
    " of\n"
    "# loading pypinyin's dictionaries (about 55 MB per process).\n"
)


def pypinyin_readings() -> list[str]:
    from pypinyin import Style, lazy_pinyin

    out = []
    for point in range(CJK_FIRST, CJK_LAST + 1):
        reading = lazy_pinyin(chr(point), style=Style.NORMAL, errors="ignore")
        out.append(reading[0] if reading else "")
    return out


def render(readings: list[str]) -> str:
    words = [r or "-" for r in readings]
    rows = [" ".join(words[i : i + 16]) for i in range(0, len(words), 16)]
    return HEADER + "\n".join(rows) + "\n"


def test_table_is_pypinyins_reading_of_every_character() -> None:
    pytest.importorskip("pypinyin")
    readings = pypinyin_readings()
    assert [syllable(chr(p)) for p in range(CJK_FIRST, CJK_LAST + 1)] == readings
    assert PINYIN_FILE.read_text(encoding="utf-8") == render(readings)


def test_characters_outside_the_block_have_no_reading() -> None:
    assert syllable("a") == "" and syllable("，") == "" and syllable("") == ""
    assert syllable("失") == "shi" and syllable("独") == "du" and syllable("贴") == "tie"


if __name__ == "__main__":
    PINYIN_FILE.write_text(render(pypinyin_readings()), encoding="utf-8")
