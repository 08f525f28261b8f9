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

#: Well-known counties / districts / banners -> their city (full names; short forms below).
COUNTIES: dict[str, str] = {
    # 广西
    "东兴市": "防城港市", "防城区": "防城港市", "上思县": "防城港市",
    "凭祥市": "崇左市", "龙州县": "崇左市", "宁明县": "崇左市", "大新县": "崇左市",
    "天等县": "崇左市", "扶绥县": "崇左市", "靖西市": "百色市", "那坡县": "百色市",
    "平果市": "百色市", "田阳区": "百色市", "田东县": "百色市", "合浦县": "北海市",
    "武鸣区": "南宁市", "横州市": "南宁市", "宾阳县": "南宁市", "上林县": "南宁市",
    "马山县": "南宁市", "隆安县": "南宁市", "桂平市": "贵港市", "平南县": "贵港市",
    "北流市": "玉林市", "陆川县": "玉林市", "博白县": "玉林市", "兴业县": "玉林市",
    "阳朔县": "桂林市", "荔浦市": "桂林市", "全州县": "桂林市", "临桂区": "桂林市",
    "岑溪市": "梧州市", "藤县": "梧州市", "蒙山县": "梧州市", "宜州区": "河池市",
    "都安瑶族自治县": "河池市", "巴马瑶族自治县": "河池市", "柳城县": "柳州市",
    "融水苗族自治县": "柳州市", "三江侗族自治县": "柳州市", "浦北县": "钦州市",
    "灵山县": "钦州市", "钟山县": "贺州市", "富川瑶族自治县": "贺州市", "象州县": "来宾市",
    # 广东
    "顺德区": "佛山市", "南海区": "佛山市", "番禺区": "广州市", "花都区": "广州市",
    "增城区": "广州市", "从化区": "广州市", "白云区": "广州市", "宝安区": "深圳市",
    "龙岗区": "深圳市", "南山区": "深圳市", "福田区": "深圳市", "罗湖区": "深圳市",
    "龙华区": "深圳市", "台山市": "江门市", "开平市": "江门市", "恩平市": "江门市",
    "普宁市": "揭阳市", "潮阳区": "汕头市", "潮南区": "汕头市", "雷州市": "湛江市",
    "廉江市": "湛江市", "吴川市": "湛江市", "化州市": "茂名市", "高州市": "茂名市",
    "信宜市": "茂名市", "英德市": "清远市", "连州市": "清远市", "兴宁市": "梅州市",
    "陆丰市": "汕尾市", "海丰县": "汕尾市", "惠阳区": "惠州市", "博罗县": "惠州市",
    "惠东县": "惠州市", "四会市": "肇庆市", "阳春市": "阳江市", "罗定市": "云浮市",
    # 内蒙古
    "土默特左旗": "呼和浩特市", "托克托县": "呼和浩特市", "和林格尔县": "呼和浩特市",
    "武川县": "呼和浩特市", "清水河县": "呼和浩特市", "新城区": "呼和浩特市",
    "赛罕区": "呼和浩特市", "回民区": "呼和浩特市", "玉泉区": "呼和浩特市",
    "土默特右旗": "包头市", "固阳县": "包头市", "达尔罕茂明安联合旗": "包头市",
    "达茂旗": "包头市", "白云鄂博矿区": "包头市", "昆都仑区": "包头市", "青山区": "包头市",
    "东河区": "包头市", "九原区": "包头市", "石拐区": "包头市", "海勃湾区": "乌海市",
    "乌达区": "乌海市", "集宁区": "乌兰察布市", "丰镇市": "乌兰察布市",
    "卓资县": "乌兰察布市", "化德县": "乌兰察布市", "商都县": "乌兰察布市",
    "四子王旗": "乌兰察布市", "满洲里市": "呼伦贝尔市", "海拉尔区": "呼伦贝尔市",
    "牙克石市": "呼伦贝尔市", "扎兰屯市": "呼伦贝尔市", "东胜区": "鄂尔多斯市",
    "准格尔旗": "鄂尔多斯市", "伊金霍洛旗": "鄂尔多斯市", "达拉特旗": "鄂尔多斯市",
    "二连浩特市": "锡林郭勒盟", "锡林浩特市": "锡林郭勒盟", "乌兰浩特市": "兴安盟",
    "临河区": "巴彦淖尔市", "五原县": "巴彦淖尔市", "霍林郭勒市": "通辽市",
    "红山区": "赤峰市",
}  # fmt: skip

#: County short forms that are unambiguous in questions (南山, 福田, 南海, 阳春... are not).
COUNTY_SHORT: tuple[str, ...] = (
    "东兴", "凭祥", "龙州", "宁明", "靖西", "那坡", "平果", "田阳", "田东", "合浦", "武鸣",
    "横州", "横县", "宾阳", "上林", "马山", "隆安", "桂平", "平南", "北流", "陆川", "博白",
    "阳朔", "荔浦", "全州", "临桂", "岑溪", "宜州", "都安", "巴马", "柳城", "融水", "三江",
    "浦北", "灵山", "钟山", "富川", "象州", "顺德", "番禺", "花都", "增城", "从化", "宝安",
    "龙岗", "台山", "普宁", "潮阳", "潮南", "雷州", "廉江", "吴川", "化州", "高州", "信宜",
    "英德", "连州", "兴宁", "陆丰", "海丰", "惠阳", "博罗", "惠东", "四会", "罗定",
    "土左旗", "托县", "和林", "武川", "固阳", "达茂", "白云鄂博", "昆区", "九原", "石拐",
    "海勃湾", "乌达", "集宁", "丰镇", "卓资", "化德", "商都", "四子王", "满洲里", "海拉尔",
    "牙克石", "扎兰屯", "东胜", "准格尔", "伊金霍洛", "达拉特", "二连浩特", "锡林浩特",
    "乌兰浩特", "临河", "五原", "霍林郭勒",
)  # fmt: skip

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
    by_prefix: dict[str, str] = {}
    for county, county_city in COUNTIES.items():
        table[county] = Region(CITY_TO_PROVINCE[county_city], county_city)
        by_prefix.setdefault(county[:2], county_city)
    for short in COUNTY_SHORT:
        found = next((c for n, c in COUNTIES.items() if n.startswith(short)), None)
        found = found or by_prefix.get(short[:2])
        if found is not None and short not in table:
            table[short] = Region(CITY_TO_PROVINCE[found], found)
    table.setdefault("横县", Region("广西", "南宁市"))
    table.setdefault("土左旗", Region("内蒙古", "呼和浩特市"))
    table.setdefault("托县", Region("内蒙古", "呼和浩特市"))
    table.setdefault("昆区", Region("内蒙古", "包头市"))
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
