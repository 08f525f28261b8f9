"""Chinese and Arabic numerals with the approximations leaders use (1000多, 200余, 八十来人)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4}
_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
# the capital forms of receipts and formal prose (一百伍十份, 贰佰本)
_DIGITS.update({"壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9})
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")

CN_CHARS = "零〇一二两俩三四五六七八九十拾百佰千仟万壹贰叁肆伍陆柒捌玖"
#: A number as written: Arabic (with an optional 万/千 multiplier) or Chinese numerals.
NUMBER = rf"(?:\d+(?:\.\d+)?\s*[万千]?|[{CN_CHARS}]+)"
#: Words after a number that make it approximate: 1000多, 200余, 三十几, 八十来, 50左右.
APPROX_AFTER = r"(?:多|余|几|来|左右|上下)"
APPROX_BEFORE = (
    "约",
    "大约",
    "近",
    "将近",
    "差不多",
    "大概",
    "接近",
    "约有",
    "估计",
    "逾",
    "超过",
)
# 过 as "over", before a round number: after a pause, 了 / 咗, 有, 数 (人数过百) or a word
# that says how much; right after a verb it says what was done before (走过, 去过)
_OVER = re.compile(r"(?:^|[了咗有数是就都已也共\s，,：:])过$")
QUANTITY = re.compile(rf"(?P<num>{NUMBER})(?P<approx>{APPROX_AFTER})?")


@dataclass(frozen=True)
class Quantity:
    """A stated number: the base value written and whether it was approximate."""

    value: int
    approximate: bool = False


def normalise_digits(text: str) -> str:
    """Full-width digits become ASCII so one pattern serves both."""
    return text.translate(_FULLWIDTH)


def chinese_to_int(text: str) -> int | None:
    """Parse 十三, 二十五, 一百零五, 两千, 一万二 (=12000), 三五 is not a number (None)."""
    if not text:
        return None
    if "万" in text:
        head, _, tail = text.partition("万")
        high = chinese_to_int(head) if head else 1
        if high is None:
            return None
        low = 0
        if tail:
            low_value = chinese_to_int(tail)
            if low_value is None:
                return None
            # 一万二 means 12000: a single trailing digit is a thousands digit.
            low = low_value * 1000 if len(tail) == 1 and tail in _DIGITS else low_value
        return high * 10000 + low
    total = 0
    digit: int | None = None
    last_unit = 10000
    zero = False
    for char in text:
        if char in ("零", "〇"):
            zero = True
        if char in _DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row (三五) is a range, not a number
            digit = _DIGITS[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
        else:
            return None
    if digit:
        # 一百五 = 150, 两千三 = 2300: a trailing digit scales to one unit below the last.
        scaled = not zero and 10 < last_unit < 10000
        total += digit * (last_unit // 10 if scaled else 1)
    return total


def to_int(text: str) -> int | None:
    """Arabic ('1000', '1.2万', '3千') or Chinese numerals to an int."""
    raw = normalise_digits(text).replace(" ", "")
    if not raw:
        return None
    if raw[0].isdigit():
        multiplier = 1
        if raw.endswith("万"):
            multiplier, raw = 10000, raw[:-1]
        elif raw.endswith("千"):
            multiplier, raw = 1000, raw[:-1]
        try:
            return int(round(float(raw) * multiplier))
        except ValueError:
            return None
    return chinese_to_int(raw)


_PAIR = re.compile(r"^(?P<a>[一二两三四五六七八九])(?P<b>[二三四五六七八九])(?P<unit>[十百千万])$")


def parse_pair(text: str) -> int | None:
    """三四百, 七八十, 两三千: two neighbouring digits mean "about"; the lower one is stated."""
    match = _PAIR.match(text)
    if match is None:
        return None
    low, high = _DIGITS[match.group("a")], _DIGITS[match.group("b")]
    if high != low + 1:
        return None
    return low * _UNITS.get(match.group("unit"), 10000)


def parse_quantity(text: str, before: str = "") -> Quantity | None:
    """Parse '1000多', '200余', '六十多', '三十几', '八十来', '50'; ``before`` is the text just
    ahead of the number (a leading 约/近/大概 marks it approximate too)."""
    match = QUANTITY.fullmatch(normalise_digits(text).strip())
    if match is None:
        return None
    value = to_int(match.group("num"))
    approximate = bool(match.group("approx")) or before.endswith(APPROX_BEFORE)
    if value is None:
        value = parse_pair(match.group("num"))
        approximate = True
    if value is None:
        return None
    if not approximate and _OVER.search(before) and value >= 100 and value % 100 == 0:
        # 嚟咗过百人 / 人数过千: "over" a round number is more than it, as 100多 is
        approximate = True
    return Quantity(value, approximate)
