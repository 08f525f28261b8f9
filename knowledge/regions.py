"""Region names: provinces, prefecture-level cities and the city -> province map.

The knowledge base covers the whole country plus 广西, 广东 and 内蒙古 in detail; other
provinces are still recognised so that a 湖南 asker gets the national answer with a note
instead of another province's figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NATIONAL = "全国"

#: Short province name -> spellings people use.
PROVINCES: dict[str, tuple[str, ...]] = {
    "广西": ("广西壮族自治区", "广西区", "广西"),
    "广东": ("广东省", "广东"),
    "内蒙古": ("内蒙古自治区", "内蒙古", "内蒙"),
    "北京": ("北京市", "北京"),
    "天津": ("天津市", "天津"),
    "上海": ("上海市", "上海"),
    "重庆": ("重庆市", "重庆"),
    "河北": ("河北省", "河北"),
    "山西": ("山西省", "山西"),
    "辽宁": ("辽宁省", "辽宁"),
    "吉林": ("吉林省",),
    "黑龙江": ("黑龙江省", "黑龙江"),
    "江苏": ("江苏省", "江苏"),
    "浙江": ("浙江省", "浙江"),
    "安徽": ("安徽省", "安徽"),
    "福建": ("福建省", "福建"),
    "江西": ("江西省", "江西"),
    "山东": ("山东省", "山东"),
    "河南": ("河南省", "河南"),
    "湖北": ("湖北省", "湖北"),
    "湖南": ("湖南省", "湖南"),
    "海南": ("海南省", "海南"),
    "四川": ("四川省", "四川"),
    "贵州": ("贵州省", "贵州"),
    "云南": ("云南省", "云南"),
    "陕西": ("陕西省", "陕西"),
    "甘肃": ("甘肃省", "甘肃"),
    "青海": ("青海省", "青海"),
    "西藏": ("西藏自治区", "西藏"),
    "宁夏": ("宁夏回族自治区", "宁夏"),
    "新疆": ("新疆维吾尔自治区", "新疆"),
}

#: Prefecture-level cities of the three detailed provinces (canonical name with its suffix).
CITIES: dict[str, tuple[str, ...]] = {
    "广西": (
        "南宁市", "柳州市", "桂林市", "梧州市", "北海市", "防城港市", "钦州市",
        "贵港市", "玉林市", "百色市", "贺州市", "河池市", "来宾市", "崇左市",
    ),
    "广东": (
        "广州市", "深圳市", "珠海市", "汕头市", "佛山市", "韶关市", "湛江市",
        "肇庆市", "江门市", "茂名市", "惠州市", "梅州市", "汕尾市", "河源市",
        "阳江市", "清远市", "东莞市", "中山市", "潮州市", "揭阳市", "云浮市",
    ),
    "内蒙古": (
        "呼和浩特市", "包头市", "乌海市", "赤峰市", "通辽市", "鄂尔多斯市",
        "呼伦贝尔市", "巴彦淖尔市", "乌兰察布市", "兴安盟", "锡林郭勒盟", "阿拉善盟",
    ),
}  # fmt: skip

#: Extra colloquial city spellings.
CITY_ALIASES: dict[str, str] = {"呼市": "呼和浩特市", "鄂市": "鄂尔多斯市", "锡盟": "锡林郭勒盟"}

CITY_TO_PROVINCE: dict[str, str] = {c: p for p, cities in CITIES.items() for c in cities}


def _short(city: str) -> str:
    return city[:-1] if city.endswith(("市", "盟")) and len(city) > 2 else city


@dataclass(frozen=True)
class Region:
    """A resolved place: a province (short name) and optionally a city (canonical name)."""

    province: str = ""
    city: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.province

    def label(self) -> str:
        if self.city:
            return _short(self.city)
        return self.province


def _spellings() -> dict[str, Region]:
    table: dict[str, Region] = {}
    for province, names in PROVINCES.items():
        for name in names:
            table[name] = Region(province)
    for city, province in CITY_TO_PROVINCE.items():
        table[city] = Region(province, city)
        short = _short(city)
        # Two-character short names (北海, 包头) are safe; "中山" alone is also a common word
        # but still most often means the city in a question about local rules.
        table[short] = Region(province, city)
    for alias, city in CITY_ALIASES.items():
        table[alias] = Region(CITY_TO_PROVINCE[city], city)
    return table


SPELLINGS: dict[str, Region] = _spellings()
_PATTERN = re.compile("|".join(sorted(map(re.escape, SPELLINGS), key=len, reverse=True)))


def find_region(text: str) -> Region:
    """The most specific region named in ``text`` (a city beats a province), else empty."""
    found = Region()
    for match in _PATTERN.finditer(text):
        region = SPELLINGS[match.group()]
        if region.city:
            return region
        if found.is_empty:
            found = region
    return found


def region_words() -> list[str]:
    """Every spelling, for the segmentation dictionary."""
    return list(SPELLINGS)


def parse_region_value(value: str) -> Region | None:
    """Turn a knowledge-base ``region`` value (全国, 广西, 包头市...) into a Region.

    Returns ``Region()`` for 全国 and None for an unknown value.
    """
    value = value.strip()
    if value == NATIONAL:
        return Region()
    if value in CITY_TO_PROVINCE:
        return Region(CITY_TO_PROVINCE[value], value)
    if value in SPELLINGS and not SPELLINGS[value].city:
        return SPELLINGS[value]
    return None


def from_path(province: str, city: str) -> Region:
    """A Region from a member registry path (province and city as typed in the sheet)."""
    prov = find_region(province).province if province else ""
    found_city = find_region(city) if city else Region()
    if found_city.city and (not prov or found_city.province == prov):
        return found_city
    return Region(prov)
