"""Transport-free extraction of activity reports from a message.

``looks_like_report`` scores how much a message reads like a report of something done (a date,
a place, activity words, counted people or items) against how much it reads like a question, a
plan or a notice; ``split_reports`` cuts a catch-up message ("11月3日…；11月10日…") into one
text per activity; ``extract`` / ``parse_activity`` build an :class:`ActivityDraft`. All are pure
functions of the text, the sent time and the reporter's own village (for 村委会 / 本村 / 活动室),
unit-tested and measured by ``xiehui activities eval``.

Every function reads the folded text (:func:`handlers.activity.normalise.fold`): dialect and
spoken forms are written once, in Mandarin.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from handlers.activity.dates import DateSpan, find_date, find_dates, plausible, still_to_come
from handlers.activity.normalise import fold
from handlers.activity.notices import (
    disowned,
    held_after_move,
    weight_against_report,
    without_occasion,
)
from handlers.activity.numbers import APPROX_BEFORE, NUMBER, parse_quantity

REPORT_THRESHOLD = 0.6

KINDS: dict[str, str] = {
    "member": "会员活动",
    "publicity": "宣传活动",
    "lecture": "讲座培训",
    "clinic": "义诊咨询",
    "visit": "入户走访慰问",
    "insurance": "关爱保险",
    "youth": "青春健康",
    "other": "其他活动",
}
# Checked in order: the first kind whose words appear wins. An event named for what it was (义诊,
# 讲座) beats the group it was held by; a group meeting (会员小组开了会) beats the topics talked
# about there (讲了关爱保险); a bare "活动" from a leader is a member activity.
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # youth is 青春健康 education; who came (青少年, 学生) does not make an event youth work:
    # 青少年防溺水宣传 is publicity, 给初三学生开防艾讲座 a lecture
    # (同伴教育, peer education, is how 青春健康 work is done)
    ("youth", ("青春健康", "青春期", "青少年性", "同伴教育")),
    (
        "clinic",
        (
            "义诊",
            "体检",
            "检查身体",
            "量血压",
            "测血压",
            "测血糖",
            "免费检查",
            "两癌",
            "健康检查",
            "孕前检查",
            "孕检",
        ),
    ),
    (
        "lecture",
        ("讲座", "培训", "讲课", "课堂", "授课", "上课", "健康课", "家长课", "上了堂", "沙龙"),
    ),
    (
        "member",
        (
            "会员活动",
            "小组活动",
            "月度活动",
            "例会",
            "会员大会",
            "小组会",
            "会员会",
            "会员小组",
            "开会",
            "开了会",
            "开完会",
            "开了个会",
            "开小组",
            "小组在",
            "小组开",
            "会员学习",
            "组织会员",
            "学习会",
            "协会活动",
            # 会员之家活动 / 会员日活动: a members' activity named by where or on what day it is
            # held (handbooks handed out there do not make it publicity)
            "会员之家活动",
            "会员日活动",
        ),
    ),
    ("insurance", ("投保", "参保", "保险", "意外险", "伤害险")),
    ("visit", ("入户", "走访", "慰问", "探访", "家访", "看望", "上门", "随访", "回访", "送温暖")),
    (
        "publicity",
        ("宣传", "526", "5·26", "发放", "派发", "咨询", "文艺", "晚会", "有奖问答"),
    ),
    (
        "lecture",
        ("讲了", "宣讲", "讲解", "知识讲", "课", "讲优生", "讲生育", "讲政策", "讲健康", "讲堂"),
    ),
    # fund-raising, a sports day, cleaning up the village: none of the kinds above
    (
        "other",
        (
            "募捐",
            "捐款",
            "募集善款",
            "义卖",
            "运动会",
            "趣味赛",
            "趣味运动",
            "清洁家园",
            "大扫除",
            "打扫卫生",
            "志愿服务活动",
            "植树",
        ),
    ),
    ("member", ("活动",)),
)

# -- places ------------------------------------------------------------------------------------

# 旗 (a banner, county level in Inner Mongolia) only where no village or town suffix follows:
# 红旗村 is a village, 四子王旗 a banner
_PLACE_SUFFIX = (
    # 在县城 / 去县里: a bare 县 after where-to names no county (合浦县城 still does)
    # 东镇街道 / 东镇社区 are named 东镇, 西乡塘区 is a district: no 镇 or 乡 there
    r"(?:村|社区|嘎查|小区|屯|(?:镇|乡)(?!街道|社区|[\u4e00-\u9fff]{1,2}(?<![社小城辖景园片山牧街])区)|苏木|街道|(?<![在到去赴于往回])县|"
    r"前旗|后旗|中旗|左旗|右旗|"
    r"(?<!彩|国|党|队|锦|会|协|红|插|面)旗(?!村|社区|嘎查|镇|乡|苏木|街道|屯|帜|杆|袍))"
)
# A city (兴宁市计生协召开…, 在市计生协会议室): the place only when nothing smaller is named
_CITY = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{1,12}?)市(?!场|民|区|委|级|直|里|内|面|政|长|容|井|集)"
)
# A city district (武鸣区, 海勃湾区), county level; not the many other 区 (辖区, 城区, 山区,
# 自治区 …). Looked for on its own so that it never swallows the start of a town after it
# (集宁区新区街道).
_DISTRICT = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{1,12}?)"
    r"(?<![社小城辖景园片山牧街市库校住灾疫病矿发本全该各地郊老新管营军专治护范验学示我业宅活置林作])区"
    r"(?!医|民|干|级|里|长|委员|主任|计生专干)"
)
_PLACE = re.compile(
    rf"(?P<name>[\u4e00-\u9fff]{{1,12}}?)(?P<suffix>{_PLACE_SUFFIX})"
    # 扎兰屯市 is a city, not a 屯
    # 黄屋屯社区 is a community named 黄屋屯
    r"(?!医|民|干|级|里|长|委员|支书|主任|两委|村|亲|下|镇|计生专干|社区|市(?!场))"
)
_VILLAGE_LEVEL = ("村", "社区", "嘎查", "小区", "屯")
_TOWN_LEVEL = ("镇", "乡", "苏木", "街道")
# A place name never spans these: cut the candidate after the last one ("协在尖山" → "尖山");
# 旗 only when a name follows (红旗村 keeps it, 达拉特旗树林召镇 does not).
_PLACE_BOUNDARY = re.compile(
    r".*(?:协同|(?<=[组员众工])[和跟与同]|在|到|于|去|给|的|了|协|(?<=[医老利法学生])院|市|区|县|各|们|是|从|往|赴|向(?!阳)|镇(?=[\u4e00-\u9fff])|乡|苏木|街道|嘎查(?=[\u4e00-\u9fff])|"
    r"走访|慰问|入户|深入|前往|来到|走进|进|旗(?=[\u4e00-\u9fff]{2})|来(?=[\u4e00-\u9fff]{2})|"
    # 协同百灵庙镇卫生院 / 借那吉镇农贸市场 / 依托东街社区: partners and means, then the place
    r"依托|借助|携手|利用|借(?=[\u4e00-\u9fff]{2})|"
    # 县城龙山街道 / 市城区: the county or city town, an area, not part of the name after it
    r"(?<=[县市])城(?:区|里)?)"
)
# Words that end up glued in front of a place name and are not part of it; stripped only when
# a name of two characters or more remains (和平村 keeps its 和).
_PLACE_PREFIXES = (
    # 为江口村5户计生家庭送去慰问品: for whom it was done
    "为",
    # 在那个哈沙图嘎查 (voice input): a pointing word, no part of the name
    "那个",
    # 组织会员小组长对荔枝岭村计生特殊家庭开展走访: whom it was done for
    "对",
    "组织",
    "开展",
    "召开",
    "举办",
    "举行",
    "联合",
    "会同",
    "协同",
    "一起",
    "一同",
    "就",
    "又",
    "也",
    "都",
    "先",
    "再",
    "还",
    "刚",
    "才",
    "已经",
    "分别",
    "会员",
    "小组",
    "志愿者",
    "计生",
    "那边",
    "这边",
    "隔壁",
    "旁边",
    "邻近",
    "附近",
    "对面",
    "那里",
    "这里",
    "共",
    "全",
    "本",
    "报告",
    "和",
    "跟",
    "与",
    "及",
)
_NOT_PLACES = frozenset(
    {"农村", "乡村", "城乡", "家乡", "下乡", "全县", "全镇", "全村", "该村", "乡镇", "小区"}
)
# 专干及村 / 其他村 / 各村 / 邻村: words around 村, not a village's name
_NO_PLACE_NAME = re.compile(
    r"[及与]|^(?:其他|其它|别的|各|每个|邻|兄弟)|[他她你]们|人家|"
    # 镇内三个村 / 分两期举办村（社区）: places counted or sessions, no place named
    r"[一二两三四五六七八九十几\d](?:个|期|场)|^内|举办|开展"
)
# Time words are blanked out before looking for place names (今天村委会 is no 今天村).
_TIME_WORDS = re.compile(
    r"(?:本|这个?|上个?|下个?|\d{1,2})?月(?:初|底|末|中(?!旬))|\d{4}年|\d{1,2}月\d{1,2}[日号]?|\d{1,2}[日号]|[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}[日号]?|"
    r"大前天|前天|昨天|今天|今日|昨日|前日|明天|后天|今早|昨晚|今晚|上午|下午|晚上|早上|中午|傍晚|凌晨|"
    r"(?:上上|上个?|这个?|本|下个?)?(?:周|星期|礼拜)[一二三四五六日天1-7]|周末|月初|月底|月末|月中|"
    r"上旬|中旬|下旬|本月|上个?月|这个?月|\d{1,2}月份?"
)
# Institutions named after the place they stand in: the place is the administrative one around
# them (水寨镇中心小学 → 水寨镇; 联合社区卫生服务中心 is no 联合社区).
_INSTITUTIONS = re.compile(
    r"社区卫生服务中心|卫生服务中心|党群服务中心|卫生院|卫生室|卫生所|中心小学|小学|中学|学校|幼儿园|"
    r"医院|政府|会议室|文化广场|广场|礼堂|文化站|服务站|服务中心"
)
# A venue without a place name means the reporter's own village: 村委会, 村部, 活动室, 本村 …
# After a place name it is only the venue (江口村村部 → 江口村).
_HOME = "▲"
_VENUE_AFTER_NAME = re.compile(r"(?<=村|区|查)(?:村委会|村民委员会|村委|村部|居委会)")
# 来村委会 / 到村部: a motion verb before the venue, so no village name is glued to it
# 在那个村委会那里 (voice input): a pointing word before it glues no village name either
_VENUE_AFTER_VERB = re.compile(
    r"(?:(?<=[来去到回在给])|(?<=那个|这个))(?:村委会|村民委员会|村委|村部)"
)
_VENUE_OF_VILLAGE = re.compile(r"村委会|村民委员会|村委|村部")
# 红泥井村村口 / 福禄村村头: a spot in the village named before it, not a village 红泥井村村
_SPOT_IN_VILLAGE = re.compile(r"(?<=村)村(?:口|头|尾|里|边|内|中|东头|西头)")
_VENUES = re.compile(
    r"居委会|活动室|会员之家|文化室|嘎查部|"
    r"本村|我们村|我村|本社区|我们社区|本嘎查|我们嘎查|我们这里|我们这边|我们那里"
)


@dataclass(frozen=True)
class PlaceFound:
    """The place a text names: ``home`` when it is the reporter's own village (本村, 村委会)."""

    name: str | None
    home: bool = False
    home_venue: bool = False  # the text spoke of a home venue, whether or not it resolved


# What a report was done for, in a clause of its own (为丰富社区居民文化生活，/ 为进一步提升辖区
# 群众健康意识，): its aim names no place where it was held
_PURPOSE = re.compile(
    r"(?:^|(?<=[，,。；;\s]))为了?(?:进一步|更好地?|切实|深入|全面|认真|有效|持续)?"
    r"(?:助力|推进|推动|促进|丰富|提升|提高|营造|做好|服务好?|落实|贯彻|加强|深化|弘扬|倡导|普及|"
    r"增强|满足|巩固|保障|引导|树立|打造|构建|践行|响应|助推|激发|传承|倡树)[^，,。；;]{0,30}(?=[，,])"
)


def _mask_for_places(text: str) -> str:
    text = _PURPOSE.sub("，", text)
    text = _TIME_WORDS.sub("，", text)
    text = _INSTITUTIONS.sub("，", text)
    text = _SPOT_IN_VILLAGE.sub("，", text)
    text = _VENUE_AFTER_NAME.sub(_HOME, text)
    text = _VENUE_AFTER_VERB.sub(_HOME, text)
    text = _VENUE_OF_VILLAGE.sub("村" + _HOME, text)
    return _VENUES.sub(_HOME, text)


# The digits of a number written in characters, as place names carry them (二十四顷地村).
_NUMERALS = frozenset("一二三四五六七八九十百")

# 少先路第二社区 / 东风第一村: a numbered community or village
_ORDINAL_END = re.compile(r"第[一二三四五六七八九十\d]{1,3}$")


def _strip_prefixes(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _PLACE_PREFIXES:
            if name.startswith(prefix) and len(name) - len(prefix) >= 2:
                name = name[len(prefix) :]
                changed = True
    return name


# a boundary verb said right after where-to (在进德镇, 到来宾): the first character of a name
# (走进进德镇中学: after 走进 too)
_VERB_AFTER_AT = re.compile(r"(?:^|[在到于赴去往]|走进)[进来]$")


# 在镇里东风社区: 镇里 with no town named before it is "in the town", no part of the name after
_IN_THE_TOWN = re.compile(r"^(?:.*[在到去是从往赴])?[镇乡县旗市]里(?=[\u4e00-\u9fff]{2})")
#: boundary characters that also end place names (乐从镇, 新向村, 大往村)
_BOUNDARY_IN_NAMES = frozenset("从往向")
#: 返乡 / 回乡 / 家乡: the home town said of people, no township named
_NOT_A_TOWNSHIP = tuple("返回下家老同思故异")
#: what comes before a counted group of places (全镇8个行政村): no name
_COUNT_CHARS = frozenset("0123456789一二两三四五六七八九十几多")


def _cut_at_boundary(raw: str) -> str:
    """The name after the last boundary; when that leaves less than a name and the boundary was
    a county-level character (集宁区新区街道), the name after the boundary before it."""
    raw = _IN_THE_TOWN.sub("", raw)
    name = _PLACE_BOUNDARY.sub("", raw)
    if not name and len(raw) >= 2 and raw[-1] in _BOUNDARY_IN_NAMES:
        # 在乐从镇 / 去向阳村: a preposition-like character right before the suffix ends the
        # name (a boundary leaves something after it)
        return _cut_at_boundary(raw[:-1]) + raw[-1]
    verb = raw[: len(raw) - len(name)]
    if len(name) < 2 and _VERB_AFTER_AT.search(verb):
        # 在进德镇: 进 right after 在 starts the name, it is no verb (送健康进社区)
        return verb[-1] + name
    if len(name) >= 2 or len(raw) < 3 or raw[-len(name) - 1 :][:1] not in "区县市乡":
        return name
    head = raw[: len(raw) - len(name) - 1]
    earlier = _PLACE_BOUNDARY.sub("", head)
    return raw[len(head) - len(earlier) :] if len(raw) - (len(head) - len(earlier)) >= 2 else name


def _places_in(masked: str) -> list[tuple[str, str, int]]:
    found: list[tuple[str, str, int]] = []
    for match in _PLACE.finditer(masked):
        suffix = match.group("suffix")
        name = _cut_at_boundary(match.group("name"))
        start = match.end("name") - len(name)
        # 在和日斯台嘎查: a 和 right after 在/到 starts the name, it joins nothing
        named_whole = name.startswith("和") and masked[start - 1 : start] in ("在", "到", "赴")
        name = name if named_whole else _strip_prefixes(name)
        # Mongolian names are long (哈日根台嘎查, 鄂托克前旗); Han village names are short.
        limit = 6 if suffix in ("嘎查", "苏木", "镇") or suffix.endswith("旗") else 4
        if suffix == "村" and name.endswith("嘎查"):
            limit = 6  # 白音嘎查村: a 嘎查 written with 村 after it
        if _ORDINAL_END.search(name):
            limit = 6  # 少先路第二社区: the street and its number are the name
        cut = len(name) - limit
        while cut > 0 and name[cut] in _NUMERALS and name[cut - 1] in _NUMERALS:
            cut -= 1  # 二十四顷地村: a number in the name is never cut in two (十四顷地村)
        cut = max(cut, 0)
        name = name[cut:] if named_whole else _strip_prefixes(name[cut:])
        if suffix == "村" and masked.startswith("社区", match.end()):
            name, suffix = name + "村", "社区"  # 新村社区 is a community named 新村
        place = name + suffix
        at = match.end("name") - len(name)
        if (
            len(name) == 1
            and suffix == "村"
            and (
                masked[max(0, at - 1) : at] in ("镇", "乡")
                or masked[max(0, at - 2) : at] == "街道"
                # 在莘村开展: a one-character village where it was held (not 在该村 / 在本村)
                or (
                    masked[max(0, at - 1) : at] in ("在", "到", "赴")
                    and name not in "该全此各邻每本我其外他那这哪某原新老大小"
                )
            )
        ):
            pass  # 古辣镇蔡村: a one-character village, named right after its town
        elif (
            len(name) < 2
            or place in _NOT_PLACES
            or _NO_PLACE_NAME.search(name)
            # 为助力乡村振兴 / 新时代农村: 乡村 and 农村 are the countryside, no village's name
            or (suffix == "村" and name.endswith(("乡", "农")))
            # 趁国庆返乡人多: people back home, no township
            or (suffix == "乡" and name.endswith(_NOT_A_TOWNSHIP))
            # 全镇8个行政村 / 三个自然村: villages counted, none named
            or (name.startswith("个") and masked[at - 1 : at] in _COUNT_CHARS)
        ):
            continue
        if suffix in _VILLAGE_LEVEL:
            level = "village"
        elif suffix in _TOWN_LEVEL:
            level = "town"
        else:
            level = "county"
        found.append((place, level, match.start("name")))
    for match in _CITY.finditer(masked):
        name = _strip_prefixes(_cut_at_boundary(match.group("name")))
        name = _strip_prefixes(name[-4:])
        if len(name) < 2 or _NO_PLACE_NAME.search(name) or name.startswith(("全", "本", "该")):
            continue
        found.append((name + "市", "city", match.start("name")))
    for match in _DISTRICT.finditer(masked):
        name = _strip_prefixes(_cut_at_boundary(match.group("name")))
        name = _strip_prefixes(name[-4:])
        if len(name) < 2 or _NO_PLACE_NAME.search(name) or (name + "区") in _NOT_PLACES:
            continue
        found.append((name + "区", "county", match.start("name")))
    return found


def find_places(text: str) -> list[tuple[str, str]]:
    """(place name, level) pairs in order: level is village, town or county."""
    return [(place, level) for place, level, _ in _places_in(_mask_for_places(fold(text)))]


# 红旗村、锦潭村 / 廉北社区和还珠社区 / 东湖社区等4个社区: an activity held in several villages
_LISTED_AFTER = re.compile(r"[、和及与]|以及")
_AND_OTHERS = re.compile(
    rf"等(?:(?:{NUMBER})个)?(?:村|社区|嘎查|自然村|村屯|个村|个社区|个嘎查|地)"
)


def _several_villages(masked: str, villages: list[str]) -> bool:
    """True when the text lists villages side by side, or one village "and others"."""
    for first, second in zip(villages, villages[1:], strict=False):
        end = masked.find(first) + len(first)
        if second != first and _LISTED_AFTER.fullmatch(masked[end : masked.find(second, end)]):
            return True
    for village in villages:
        at = masked.find(village)
        if _AND_OTHERS.match(masked, at + len(village)):
            return True
    return False


# 在 / 去隔壁 / 到邻村的: where it was held, written right before the place
_HELD_BEFORE = re.compile(r"[在到去赴](?:隔壁|隔篱|邻近|附近|旁边|对面)?的?$")


def _held_at(masked: str, at: int) -> bool:
    return at > 0 and _HELD_BEFORE.search(masked, 0, at) is not None


def find_place(text: str, home: str | None = None) -> PlaceFound:
    """The most specific place named (village level, else township, else county); a venue
    without a name (村委会, 本村, 活动室) is ``home``, the reporter's own village, when no
    village is named."""
    folded = fold(text)
    if home and home not in folded and fold(home) in folded:
        # the reporter's registered village is named as the roster spells it, never folded
        folded = folded.replace(fold(home), home)
    masked = _mask_for_places(folded)
    places = _places_in(masked)
    home_venue = _HOME in masked
    villages = [place for place, level, _ in places if level == "village"]
    doers = _doer_villages(masked, places)
    if doers and len(doers) < len(places):
        # 柳甲村计生协会员小组与绍水中学联合开展…在绍水镇绍水中学举办: the village names who
        # did it; where it was held is said after 在
        villages = [village for village in villages if village not in doers]
    if home and home in masked:
        # a registered village name is never cut: what was found inside it is that village
        villages = [home if home.endswith(name) else name for name in villages]
    towns = [place for place, level, _ in places if level == "town"]
    if villages and towns and _several_villages(masked, villages):
        # 先后在廉北社区、还珠社区开展 / 走访红旗村、锦潭村等5个村: held across the town
        return PlaceFound(towns[0], home_venue=home_venue)
    if villages:
        return PlaceFound(villages[0], home_venue=home_venue)
    counties = [place for place, level, _ in places if level == "county"]
    if len(set(towns)) > 1 and counties and _several_villages(masked, towns):
        # 先后在水鸣镇、东平镇等4个乡镇开展: held across the county
        return PlaceFound(counties[0], home_venue=home_venue)
    venue_at = masked.find(_HOME)
    held_at = []
    for place, _level, start in places:
        at = masked.find(place, start)
        if _held_at(masked, at):
            held_at.append(place)
    venue_held = venue_at > 0 and masked[venue_at - 1] in "在到去赴"
    if home_venue and held_at and not venue_held:
        # 在那卜镇参加…我们村办了26份: held in the town, 我们村 only says who
        return PlaceFound(held_at[0], home_venue=home_venue)
    if home_venue and home:
        return PlaceFound(home, home=True, home_venue=True)
    for level in ("town", "county", "city"):
        for place, place_level, _ in places:
            if place_level == level:
                return PlaceFound(place, home_venue=home_venue)
    return PlaceFound(None, home_venue=home_venue)


# The group or the association named by its village (柳甲村计生协会员小组, 新河村小组): who
# (我们马岗村的会员今天去隔壁那蒙村: the members, named by their village)
_DOER_AFTER = re.compile(
    r"(?:计生协|计划生育协会|协会)?(?:会员小组|小组|计生协|协会)|的会员(?!之家|活动|大会|会)"
)


def _doer_villages(masked: str, places: list[tuple[str, str, int]]) -> set[str]:
    """Villages named only as who did it, when another place is named where it was held."""
    doers: set[str] = set()
    held: set[str] = set()
    for place, level, start in places:
        at = masked.find(place, start)
        if _held_at(masked, at):
            held.add(place)
        elif level == "village" and at >= 0 and _DOER_AFTER.match(masked, at + len(place)):
            doers.add(place)
    doers -= held
    return doers if held else set()


def extract_place(text: str, home: str | None = None) -> str | None:
    """The most specific place named, or ``home`` for 村委会 / 本村 (see :func:`find_place`)."""
    return find_place(text, home).name


# -- participants ------------------------------------------------------------------------------

_PEOPLE_NOUNS = r"(?:人|名|位|个|号人|口人|户代表)"
_WHO = (
    r"(?:会员|群众|村民|居民|妇女|育龄妇女|家庭|志愿者|学生|青少年|老人|党员|牧民|同学|家长|孕妇|"
    r"代表|干部|村干|群众代表|街坊|后生仔|孩子|小孩|初中生|中学生|小学生|姐妹|姊妹|大姐|阿姨|嫂子|"
    r"老人家){0,2}"
)
_PARTICIPANTS = (
    # 应到55人，实到48人: those who came, not those expected
    re.compile(
        r"(?:实到|实际到会|实际到场|实际参加|实际参会|实有)\s*(?:会员|群众|人员)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*{_PEOPLE_NOUNS}?"
    ),
    # 到了13个会员 / 来了三十几个人 / 参加的有60多人 / 参加人数50人
    re.compile(
        r"(?:到了|来了|到场|到会|参加的有|参与的有|参加人数|参与人数|参加人员|参会人数|出席|参会|"
        r"共有|一共|共计|(?<![还另又])有|共)\s*(?:约|大约|近|将近|差不多|大概)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来|左右|上下)?\s*{_PEOPLE_NOUNS}{_WHO}(?!次)"
    ),
    # 来的人估计五十多个 / 来了好多孩子大概五十几个: who came, an estimate word, the count
    re.compile(
        r"(?:来的|到的|来了|到了)[^，,。；;\s\d发送办派领测量]{0,6}?"
        # (来了老些人 有个五十来个: the estimate may follow after a breath)
        r"(?:(?<=人)\s)?"
        r"(?:估计|大概|大约|差不多|约莫|有个|得有|有|(?<=好多人)|(?<=很多人)|(?<=不少人))"
        rf"\s*(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:个|人|名|位)(?![次户])"
    ),
    # 60多名群众参加 / 群众200余人参加 / 13人参加 / 会员15人
    re.compile(
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*{_PEOPLE_NOUNS}(?:左右|上下)?{_WHO}(?:左右)?"
        r"\s*(?:参加|参与|到场|出席|参会|到会|来了|听课|接受|踊跃|积极)"
    ),
    re.compile(
        r"(?:会员|群众|村民|居民|妇女|学生|人员|家长|牧民|老人|代表|志愿者|初中生|孩子|娃娃|儿童|小孩)"
        r"(?:共|约|近|大概|大约|差不多|估计)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:人|名|位|个)(?!次)"
    ),
    re.compile(
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:名|位)"
        r"(?:会员|群众|村民|居民|妇女|学生|志愿者|青少年|老人|家长|牧民|[\u4e00-\u9fff]{0,2}(?:妈妈|母亲|父亲|爸爸))"
        r"(?=参加|参与|到场|出席|参会|到会|来了|听课|[，,。；;\s]|$)"
    ),
    re.compile(
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*个"
        r"(?:会员|群众|村民|居民|妇女|学生|青少年|老人|家长|牧民|人|娃|孩子|小孩|儿童)(?!次|小组|组|代表队)"
    ),
    re.compile(
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:口人|人)(?:左右|上下)?(?![次口员])"
    ),
    # 人到齐了 十五个 / 会员来齐了 共12人
    re.compile(
        r"(?:人|会员)(?:都)?(?:到齐|来齐|到全)了?\s*(?:共|一共|有)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:个|人|名|位)"
    ),
    # 来了学生七十多 / 到了会员十五个: who came, then how many
    re.compile(
        r"(?:来了|到了)(?:会员|群众|村民|居民|妇女|学生|家长|牧民|老人|孩子|小孩)(?:有|共)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?(?:个|人|名|位)?"
        r"(?![\d一二两三四五六七八九十百千万]|人次|次|户|份|本|张|盒|瓶|袋)"
    ),
    # 人不多十五个 / 冇几多人 得十二个 (folded 没几个人): few came, then how many
    re.compile(
        r"(?:人不多|人不太多|人少|没几个人|没多少人)[\s，,]*(?:就|只有|才|得|只|也就)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:个|人|名|位)(?![次户])"
    ),
    # 人数15 / 人数：15
    re.compile(rf"人数\s*[:：为是]?\s*(?P<num>{NUMBER})(?P<approx>多|余|几|来)?"),
    # 来的人有五十多 / 来的群众有一百多 (no unit at all)
    re.compile(
        r"(?:来的|到的|到会的|参加的|到场的|来听的|来听课的|听课的|来参加的|来领的|听讲的)"
        r"(?:人|群众|会员|村民|居民|牧民|妇女|学生|家长|老人)?(?:有|是|共)?\s*"
        rf"(?:约|大约|大概|差不多|将近|近)?(?P<num>{NUMBER})(?P<approx>多|余|几|来)?"
        r"(?![\d一二两三四五六七八九十百千万]|人次|户|份|本|张|盒|瓶|袋)"
    ),
    # 来了三十多牧民 / 到了二十几个家长: who came named right after the count, no classifier
    re.compile(
        rf"(?:来了|到了)\s*(?:约|大约|大概|差不多|将近|近)?(?P<num>{NUMBER})(?P<approx>多|余|几|来)?"
        r"(?:会员|群众|村民|居民|妇女|学生|家长|牧民|老人|孩子|小孩|青少年|姐妹|老人家|街坊)(?!次)"
    ),
    # 群众来了八十多 / 学生参加三百多个 / 学生仔参加了一百二十个: who, came, how many
    re.compile(
        r"(?:会员|群众|村民|居民|妇女|学生仔?|家长|牧民|老人|孩子|小孩|细路|青少年|街坊|人)"
        r"(?:都|也)?(?:来了|到了|参加了?|参与了?|来参加了?)(?:有|共|约|大概|差不多)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?(?:个|人|名|位)?"
        r"(?![\d一二两三四五六七八九十百千万]|人次|次|户|份|本|张|盒|瓶|袋)"
    ),
    # 来了好多人 大概八十来个 / 来的人不少三十多个 / 来人35 / 来了孕妇和家属二十多个 / 人好多
    # 大概两百多: who came, a few words, then a count that ends the clause
    re.compile(
        r"(?:来了|到了|到场|来的人|来人|人好多|人很多|人不少|好多人)"
        r"(?P<gap>[^，,。；;！!\d发送办派领测量]{0,8}?)(?:有|是|约|大概|大约|估计|差不多)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:个|人|名|位)?(?:左右|上下)?"
        r"(?=$|[\s，,。；;！!])"
    ),
    # 有200多学生参加 / 三十几个家长到会: how many, who, came (no 人 between)
    re.compile(
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:个|名|位)?"
        r"(?:会员|群众|村民|居民|妇女|育龄妇女|学生|家长|牧民|老人|青少年|孩子|小孩|中学生|小学生|"
        r"初中生|同学|志愿者)(?:参加|参与|到场|出席|参会|到会|来了|听课|听讲)"
    ),
    # 青春健康讲座 学生80多 / 会员15: who came, then how many, ending the clause (no 人)
    re.compile(
        r"(?:会员|群众|村民|居民|妇女|育龄妇女|学生仔?|同学|家长|牧民|老人|孩子|小孩|青少年|"
        r"后生仔|中学生|小学生|初中生|姐妹|街坊)(?:共|约|近|有|大概|差不多)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?(?:左右|上下)?(?=$|[\s，,。；;！!])"
    ),
    # 参训小组长40名: 名 counts people whoever they are
    re.compile(rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*名(?!次|单|额|称|字)"),
)


# "N个" straight after the name of a thing counts that thing: 安全套200个 / 环保袋 50个
_GE_FIRST = re.compile(rf"{NUMBER}(?:多|余|几|来)?\s*个(?![人会群村居妇学家牧老孩])")
_NOT_A_THING = (
    "会员",
    "群众",
    "村民",
    "居民",
    "妇女",
    "学生",
    "家长",
    "牧民",
    "老人",
    "代表",
    "孕妇",
    "孩子",
    "小孩",
    "同学",
    "干部",
    "人员",
    "党员",
    "青年",
    "儿童",
    "夫妇",
    "夫妻",
    "大概",
    "大约",
    "将近",
    "接近",
    "估计",
    "一共",
    "总共",
    "差不多",
    "了",
    "有",
    "共",
    "约",
    "近",
    "是",
    "到",
    "来",
    "计",
    "达",
    "超",
    "和",
    "及",
    "与",
    "、",
    "的",
    "人",
    # an event just named: 开会二十个参加 / 搞活动 / 宣传 / 讲座 / 义诊 / 培训
    "会",
    "动",
    "传",
    "座",
    "诊",
    "训",
)


def _thing_counted(before: str) -> bool:
    """True when the text before a count ends with the name of a thing (安全套 / 环保袋)."""
    return (
        bool(before) and "\u4e00" <= before[-1] <= "\u9fff" and not before.endswith(_NOT_A_THING)
    )


# those who ran an activity, not those who came to it
_STAFF = re.compile(r"(?:医生|大夫|医护|护士|专家|工作人员|医务人员|讲师|老师|干部|村干)")


# what may follow "一共N个" when people are counted (一共十个人 / 共二十个会员 / 一共十五个妈妈)
_PERSON_AFTER_GE = frozenset(
    "人会群村居妇学家牧老孩小同党代志青儿妈姐娃阿后准孕年细参到来左上都啊呀哦吧了的"
)


#: people who came besides those counted first (来了九个孕妇 还有家属九个)
_PEOPLE_ALSO = re.compile(
    r"家属|孕妇|妇女|老人|学生|孩子|小孩|儿童|群众|村民|居民|会员|家长|志愿者|丈夫|老公|爸爸|妈妈"
)
# 一共十八人 / 总共二十个人: the total of the people counted before it
_PEOPLE_TOTAL = re.compile(
    rf"(?:一共|总共|共计|合计|总计|加起来)(?:是|有)?\s*(?P<num>{NUMBER})(?P<approx>多|余|几|来)?"
    r"\s*(?:个人|人|名|位)(?!次)"
)


def find_participants(text: str) -> tuple[int, bool, tuple[int, int]] | None:
    """(count, approximate, span in the folded text) of the people who took part; a total said
    after them (来了九个孕妇 还有家属九个 一共十八人) is all of them."""
    folded = fold(text)
    found = _find_participants(folded)
    if found is None:
        return None
    total = _PEOPLE_TOTAL.search(folded, found[2][1])
    if total is not None:
        quantity = parse_quantity(total.group("num") + (total.group("approx") or ""), "")
        if quantity is not None and quantity.value > found[0]:
            return quantity.value, quantity.approximate, total.span()
    return found


def _find_participants(text: str) -> tuple[int, bool, tuple[int, int]] | None:
    """(count, approximate, span) of the people who took part, in the folded ``text``."""
    for pattern in _PARTICIPANTS:
        for match in pattern.finditer(text):
            if text[max(0, match.start() - 1) : match.start()] == "第":
                continue
            if text[max(0, match.start("num") - 1) : match.start("num")] in ("初", "高") or (
                text.startswith("年级", match.end("num"))
            ):
                continue  # 380名初二学生参加: a school year, not a count
            if re.search(
                r"应到|应参加|应参会|计划|预计", text[max(0, match.start() - 4) : match.start()]
            ):
                continue  # 应到会员55人: expected, not come
            if _thing_counted(text[: match.start()]) and _GE_FIRST.match(match.group(0)):
                continue  # 安全套200个参加群众60人: the 200 are condoms, not people
            after = text[match.end() : match.end() + 1]
            if (
                match.group(0).startswith(("共", "一共", "总共", "合计"))
                and match.group(0).endswith("个")
                and "\u4e00" <= after <= "\u9fff"
                and after not in _PERSON_AFTER_GE
            ):
                continue  # 一共十个书包: ten bags, not ten people
            if match.group(0).endswith("家庭") or (
                match.group(0).endswith("个") and text.startswith("家庭", match.end())
            ):
                continue  # 共有65个家庭200余人参加: households, not attendance
            if "gap" in pattern.groupindex and _STAFF.search(match.group("gap") or ""):
                continue  # 到场的医生有5个: who ran it, not who came to it
            if _STAFF.match(text, match.end()):
                continue  # 卫生院来了3个医生: who ran it, not who came to it
            if text.startswith(("人次", "次"), match.end()):
                continue  # 量血压有六十几个人次: people-times, not attendance
            if re.search(
                r"(?:带|带了|带着|领着|叫上|叫了)$",
                text[max(0, match.start() - 3) : match.start()],
            ) and re.match(r"\s*(?:一起|一同|一块)?(?:去|到|上门|入户)", text[match.end() :]):
                continue  # 带两个会员去大巷村走访: who went with the sender, not who came
            before = text[max(0, match.start() - 4) : match.start()]
            approx_word = match.group("approx") or ""
            quantity = parse_quantity(match.group("num") + approx_word, before)
            if quantity is None or quantity.value <= 1 or quantity.value > 100000:
                continue  # one person is no attendance ("还有一个" is one more thing)
            # 二十个人左右: the approximation may follow the noun after the classifier
            tail = re.sub(r"^(?:人|个人)", "", text[match.end() : match.end() + 4])
            approximate = (
                quantity.approximate
                or tail.startswith(("左右", "上下"))
                or match.group(0).endswith(("左右", "上下"))
                or any(word in match.group(0) for word in APPROX_BEFORE)
            )
            return quantity.value, approximate, match.span()
    return None


def extract_participants(text: str) -> tuple[int, bool] | None:
    found = find_participants(text)
    return (found[0], found[1]) if found else None


# -- items -------------------------------------------------------------------------------------

_ITEM_UNITS = (
    r"(?:人次|份|只|本|张|盒|瓶|袋|件|套|户|条|册|支|箱|斤|把|幅|个|元|块|副|床|吨|桶|板|包|双|"
    r"台|罐|枚|顶|卷|提|盏|棵|株|枝|朵|束|对(?![一二两三四五六七八九十\d])|面|处|期|场次|场|节|堂|次)"
)
_COUNT = re.compile(
    rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:个(?=人次))?(?P<unit>{_ITEM_UNITS})(?P<after>左右|上下)?"
)
_CLAUSE_STOP = re.compile(r"[，,。；;、：:！!？?\s“”\"（）()]")
# Verbs of handing out or doing, and the glue words around a counted thing.
_HANDOUT_VERBS = re.compile(
    r"发放了?|派发了?|分发了?|分给了?|分了|发出|发了|(?<![理头理])发|派了|派|赠送了?|送去了?|送出|送了|送上|送|张贴了?|"
    r"悬挂了?|提供了?|办理了?|办了|办|佩戴了?|戴上了?|戴了|戴|收缴了?|缴纳了?|缴了|缴(?=保费|费)|收取了?|收了|收|发放给|领取了?|领了|"
    r"开展了?|举办了?|组织了?|惠及|帮扶|资助|少写了?|漏写了?|漏了|还有|另外|以及|同时|其中|共计|"
    r"一共|总共|累计|现场|兑付了?|兑现了?|发还了?|登记了?(?![表卡册本簿单])"
)
_VISIT_VERBS = re.compile(r"(?:入户|走访|慰问|看望|探望|探访|家访|随访|访视|上门|指导|服务)+了?")
_GLUE_FRONT = (
    # what was done to the spots counted: 清理卫生死角12处 → 卫生死角
    "清理了",
    "清理",
    "清除了",
    "清除",
    "清扫了",
    "清扫",
    "整治了",
    "整治",
    # how long it went on: 发了两天资料 → 资料
    "两天",
    "三天",
    "几天",
    "一整天",
    "一天",
    "去了",
    "到了",
    "来到",
    "前往",
    "走进",
    "深入",
    "进入",
    "去",
    "接受",
    "解答",
    "为群众",
    "为辖区",
    "辖区内",
    "辖区",
    "群众",
    "免费",
    "给",
    "为",
    "对",
    "向",
    "和",
    "及",
    "与",
    "并",
    "还",
    "也",
    "又",
    "再",
    "共",
    "约",
    "近",
    "大约",
    "大概",
    "差不多",
    "将近",
    "各类",
    "各种",
    # 合计煤炭9吨: a total of the thing, not its name
    "合计",
    "总计",
    "共计",
    "那个",
    "这个",
    "一些",
    "了",
    "的",
    "是",
)
_GLUE_BACK = (
    "逾",  # 接诊群众逾三百人次
    "超过",
    "集中",  # 关爱保险集中办理: how, not what
    "统一",
    "的有",
    "的大概",
    "大概",
    "大约",
    "的",
    "有",
    "了",
    "约",
    "近",
    "共",
    "共计",
    "一共",
    "总共",
    "合计",
    "总计",
    "累计",
    "达",
    "计",
    "也是",
    "也",
    "都",
    "还",
    "又",
    "是",
    # 资料只发了150份 / 实际才发了80本: how much, said of the count, not the thing
    "只",
    "才",
    "就",
    "实际",
)
_PERSON_WORDS = re.compile(
    r"^(?:人|会员|群众|村民|居民|妇女|育龄妇女|学生|家长|牧民|老人|孕妇|孩子|小孩|老年人|青少年|"
    r"志愿者|年轻妈妈|年轻夫妻|街坊|后生仔|初中生|中学生|小学生)"
)
_EVENT_NOUNS = ("宣传活动", "宣传", "活动", "行动", "工作", "知识", "讲座", "政策")
_NOT_THINGS = (
    "嘎查",
    "苏木",
    "村",
    "镇",
    "乡",
    "街道",
    "社区",
    "屯",
    "组",
    "小组",
    "请假",
    "没来",
    "月",
    "年级",
    "学生",
    "班",
)
# an estimate word just before a count; 签约 / 预约 / 附近 are words, not estimates
_APPROX_BEFORE_COUNT = re.compile(
    r"(?:大概|大约|差不多|将近|接近|逾|超过|(?<![签预节制契])约|(?<![附最])近)[有是共计达了]{0,2}$"
)
_PER_EACH = ("每户", "每人", "每个", "每家", "每位", "人均")
_APPROX_WORDS = ("大概", "大约", "差不多", "将近", "接近", "约", "近")
# A counted name that is really a count of people ("来了20个", "两个请假").
_PEOPLE_AFTER = re.compile(
    r"^(?:人|会员|群众|村民|居民|妇女|学生|老人|家长|牧民|孩子|小孩|孕妇|街坊|后生仔|初中生|代表|志愿者|医生|大夫)"
)
_ITEM_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "宣传资料",
        (
            "宣传资料",
            "资料",
            "宣传册",
            "宣传单",
            "折页",
            "手册",
            "宣传品",
            "单张",
            "宣传页",
            "传单",
            "小册子",
            "宣传画",
            "挂图",
            "读本",
            "明白卡",
            "明白纸",
        ),
    ),
    ("避孕药具", ("避孕套", "安全套", "避孕药", "药具", "计生用品")),
    ("咨询", ("咨询", "解答", "答疑")),
    ("关爱保险", ("保险", "投保", "参保", "保单", "意外险")),
    ("慰问", ("慰问", "走访", "入户", "探访", "看望", "家访", "随访", "上门")),
    ("叶酸", ("叶酸",)),
    ("横幅", ("横幅", "标语", "条幅")),
    ("体检", ("体检", "检查", "血压", "血糖", "义诊")),
    ("慰问金", ("慰问金",)),
)
_ITEM_WORDS = tuple(word for _, words in _ITEM_CATEGORIES for word in words)


def item_category(name: str, unit: str = "") -> str:
    """A canonical item name: 宣传册 → 宣传资料, 安全套 → 避孕药具; households visited → 慰问."""
    for category, words in _ITEM_CATEGORIES:
        if any(word in name for word in words):
            return category
    if unit == "元":
        return "慰问金"
    if unit == "户":
        return "慰问"
    return name


_GLUE_FRONT_LONGEST = sorted(_GLUE_FRONT, key=len, reverse=True)
_GLUE_BACK_LONGEST = sorted(_GLUE_BACK, key=len, reverse=True)


# words ending in a glue character that are words of their own (签约 is not 签 + 约)
_WHOLE_WORDS = ("签约", "预约", "节约", "附近", "最近")


def _strip_glue(name: str) -> str:
    changed = True
    while changed and name:
        changed = False
        if name.endswith(_WHOLE_WORDS):
            head = next(w for w in _WHOLE_WORDS if name.endswith(w))
            stripped = _strip_glue(name[: -len(head)]) if len(name) > len(head) else ""
            return stripped + head
        # 量血压量了 / 测血压测了: the verb said again before the count
        if len(name) >= 3 and name.endswith("了") and name[-2] in name[:-2]:
            name, changed = name[:-2], True
        for word in _GLUE_FRONT_LONGEST:
            if name.startswith(word):
                name, changed = name[len(word) :], True
                break
        for word in _GLUE_BACK_LONGEST:
            if name.endswith(word):
                name, changed = name[: -len(word)], True
                break
    return name


def _cut_context(text: str) -> str:
    """What is left of a clause after the places, dates and 'in / for / to' glue before it."""
    masked = _mask_for_places(text)
    cut = 0
    for _place, _level, start in _places_in(masked):
        end = masked.find(_place, start)
        cut = max(cut, (end if end >= 0 else start) + len(_place))
    for match in re.finditer(r"[，▲]", masked):
        cut = max(cut, match.end())
    return masked[cut:].replace(_HOME, "")


_POLICIES_COUNTED = re.compile(rf"(?:保险|意外险|保单)\s*(?:{NUMBER})\s*(?:份|单)")
_REPORTING = frozenset({"补报", "上报", "报", "补", "再报", "还报", "报了", "补报了"})
_WORTH = frozenset(
    {"价值", "总价值", "折合", "合计价值", "价值约", "折合人民币", "价值人民币", "合计人民币"}
)
_FILLERS = re.compile(r"[啊呀吧嘛哦噢]|呢(?!子|绒)|那个|这个")
# 保险理赔金 is the claim paid, not the insurance taken out
_INSURED = re.compile(r"[\u4e00-\u9fff]{0,6}(?:保险|意外险)(?!理赔|赔付|赔款|金)")
_WALKED = {
    "走": "走访",
    "行": "走访",
    "跑": "走访",
    "看": "看望",
    "去": "走访",
    "到": "走访",
    "探": "探访",
}
# 做了入户宣传 走了25户: the door-to-door activity named before a bare count of doors
_DOOR_TO_DOOR = re.compile(
    r"(?:入户|上门)(?:走访|探访|家访|探望|看望|慰问|宣传|宣讲|服务|指导|调查|核查|随访)"
)
#: the verbs a service counted in people-times starts with (量血压, 测血糖, 查视力, 理发)
_SERVICE_VERB = re.compile(r"[量测查验理做]")
#: 就这三个 / 一共这两条 / 就这些: the activities told, counted to close the message
_ALL_TOLD = re.compile(r"(?:就|只|只有|一共|总共|共|就是)*(?:这|那)(?:么|些)?")
_BARE_VERBS = frozenset("测量发派办送戴收领做搞查走看去跑到摆挂贴拉设")


def _thing(phrase: str, unit: str) -> str:
    """The counted thing in the words before a count: the last object of a hand-out verb
    (发放宣传资料 → 宣传资料), else the visit itself (入户走访8户 → 入户走访)."""
    phrase = _cut_context(phrase)
    # 收保险那个计生家庭意外伤害险办了: what 那个 / 这个 points at is the thing, the words before
    # it are the topic (kept when nothing named follows: 资料那个发了)
    pointed = re.split(r"那个|这个", phrase)
    if len(pointed) > 1 and re.match(r"[\u4e00-\u9fff]{2}", pointed[-1]):
        pointed_at = [_strip_glue(p) for p in _HANDOUT_VERBS.split(pointed[-1])]
        if any(len(p) >= 2 for p in pointed_at):
            phrase = pointed[-1]
    # 入户走访啊走访了八户: voice-input fillers are no part of a name
    phrase = _FILLERS.sub("", phrase)
    phrase = re.sub(r"([\u4e00-\u9fff]{2})\1", r"\1", phrase)  # 走访走访了: said twice
    if re.search(r"(?:给|为|对|向|帮|替)$", phrase):
        return ""  # 给两户计生特殊家庭送了米: the count belongs to what follows
    # 帮街坊办了25份保险: who it was done for is no part of the thing
    phrase = re.sub(r"^(?:帮|替)[\u4e00-\u9fff]{1,4}?(?=办|发|送|买|交)", "", phrase)
    pieces = [_strip_glue(p) for p in _HANDOUT_VERBS.split(phrase)]
    candidate = next((p for p in reversed(pieces) if p and not _PERSON_WORDS.fullmatch(p)), "")
    if unit == "户" and candidate in _WALKED:
        return _WALKED[candidate]  # 走了12户: households visited (a name after it still wins)
    if len(candidate) == 1 and candidate in _BARE_VERBS:
        return ""  # 测了120人次: the thing was named before
    if unit == "人次":
        # a service counted in people-times keeps its verb: 测血压, not 血压; who did it for
        # whom is no part of it (大夫给量了血压 → 量血压)
        served = re.split(r"给|为|帮|替", candidate)[-1] or candidate
        # 为60岁以上老人免费理发: the service after 免费, not who had it
        served = re.sub(r"^[^免]*免费(?=[\u4e00-\u9fff]{2})", "", served)
        # 搞了义诊量血压: the activity held, said before the service, is no part of its name
        # (量血压测血糖搞了: the trailing 搞 is how it was said, and 量血压 is a service too)
        served = re.sub(r"(?<=[\u4e00-\u9fff]{2})(?:搞|做|弄|办)了?$", "", served)
        for verb in _SERVICE_VERB.finditer(served, 1):
            before = served[: verb.start()]
            if (
                len(served) - verb.start() >= 2
                and names_an_event(before)
                and not _SERVICE_VERB.match(before)
            ):
                served = served[verb.start() :]
                break
        served = re.sub(r"^([\u4e00-\u9fff])了(?=[\u4e00-\u9fff]{2})", r"\1", served)
        return _strip_glue(_PERSON_WORDS.sub("", served)) or served
    visit = _VISIT_VERBS.match(candidate) if unit == "户" else None
    if visit and visit.end() < len(candidate):
        rest = _strip_glue(candidate[visit.end() :])
        if rest and not rest.startswith(("了", "的")):
            candidate = rest  # 入户走访计生特殊家庭8户 → 计生特殊家庭
    elif visit:
        candidate = candidate.rstrip("了")
    candidate = _PERSON_WORDS.sub("", candidate) or candidate
    return _strip_glue(candidate)


def _name_after(text: str, position: int) -> str:
    tail = _CLAUSE_STOP.split(text[position : position + 14])[0]
    tail = _HANDOUT_VERBS.split(tail)[0]
    tail = re.split(
        r"[\d一二两三四五六七八九十百千万]|进行|和|及|与|以及|给|为|到|在|的|然后|接着|顺便|同时|另外",
        tail,
    )[0]
    # 5户独生子女家庭走访: the households, not the visit after them
    tail = re.sub(r"(?:入户|走访|慰问|看望|探访|家访|随访|上门)+了?$", "", tail)
    if re.fullmatch(r"[咯啦喇了啊呀哦嘛吧呢哈嘞噢喔嘅啰喽]+", tail):
        return ""  # 避孕套也发了80盒咯: a particle ends the sentence, no thing after the count
    return _strip_glue(tail)


def _goods_before(before: str) -> str:
    """送去米面油等慰问品: the thing handed out at the end of the clause before."""
    # 送去煤炭、米面等过冬物资: a list of goods is one clause here
    clauses = [c for c in re.split(r"[，,。；;：:！!？?\s“”\"（）()]", before) if c]
    if not clauses:
        return ""
    verbs = list(_HANDOUT_VERBS.finditer(clauses[-1]))
    if not verbs:
        return ""
    goods = _strip_glue(clauses[-1][verbs[-1].end() :])
    return goods if 2 <= len(goods) <= 10 and not re.search(r"\d", goods) else ""


_MONEY = re.compile(r"费|金|钱|款|资金|物资|人民币")


def money_unit(name: str, unit: str) -> str:
    """The unit a count of ``name`` is kept in: 收了保费2000块 is 2000 元 (块 is the spoken
    yuan); any other unit as said."""
    return "元" if unit == "块" and _MONEY.search(name) else unit


_ISSUED_BARE = re.compile(r"(?:办理?了?|参保了?)$")
#: the words before an insurance named earlier that are no part of its name (how, where, which
#: verb); a two-character verb is cut whole: 集中办理关爱保险 → 关爱保险, never 理关爱保险
_BEFORE_INSURED = re.compile(r"办理|参加|集中|统一|宣传|[搞办在了的村镇区和及收买交]")
_VISIT_AT_END = re.compile(r"(?:入户|走访|慰问|看望|探望|探访|家访|随访|上门)$")


def _previous_object(text: str, clause_start: int, unit: str) -> str:
    """办了计生家庭意外险 一共15份: the thing named in the clause before a bare count."""
    before = text[:clause_start]
    clauses = [c for c in _CLAUSE_STOP.split(before) if c]
    if unit == "户" and clauses:
        # 去看了几户计生特殊家庭 一共4户: the families named just before are the households
        families = re.search(r"(?:几|些)户([\u4e00-\u9fff]{2,8}家庭)$", clauses[-1])
        if families:
            return families.group(1)
    for clause in reversed(clauses[-2:]):
        if (
            unit != "人次"
            and not _HANDOUT_VERBS.search(clause)
            and not _VISIT_VERBS.search(clause)
        ):
            continue  # "来了二十几个人领": no thing handed out is named there
        count = _COUNT.search(clause)
        after = clause[count.end() :] if count else ""
        if count and count.group("unit") == unit and re.fullmatch(r"[\u4e00-\u9fff]{2,6}", after):
            return after  # 每人发了一条围裙 共28条: the thing named after the first count
        if count and count.group("unit") != unit and _HANDOUT_VERBS.search(after):
            # 给两户计生家庭兑付保险理赔金 一共八千元: what was handed to them is the total's
            handed = _thing(after, unit)
            if handed and not _PERSON_WORDS.match(handed):
                return handed
        clause = clause[: count.start()] if count else clause
        # 为每户送去慰问金500元，共计9000元: the rate's words go, the thing stays
        clause = re.sub(r"每(?:户|人|个|家|位)", "", clause)
        thing = _thing(clause, unit)
        for noun in _EVENT_NOUNS:
            if thing.endswith(noun) and len(thing) > len(noun) + 1:
                thing = thing[: -len(noun)]
        if thing and not _PERSON_WORDS.match(thing):
            return thing
    return ""


# 血压也测了 / 血糖还量了: the measurement said object first (same length, so spans hold)
_FRONTED_MEASURE = re.compile(
    r"(?:测|量|查)?(?P<what>血压|血糖|血脂|视力|体温)(?:也|还|都)(?P<verb>测|量|查)了"
)

_AGE_GROUPS = ("少年", "青年", "老年", "中年", "成年")
# the words around people counted in people-times: 参加群众累计 / 受益青少年 / 覆盖
_PEOPLE_TIMES_OF = re.compile(
    r"^(?:共|共计|累计)?(?:参加|参与|受益|覆盖|惠及)的?|(?:共|共计|累计|达)$"
)
# 讲座3场 / 义诊两场: the event named right before its count of sessions
_SESSION_EVENTS = (
    r"讲座|培训班|培训|义诊|宣讲会|宣讲|家长课堂|课堂|健康课|家长课|课程|座谈会|班会|交流会|分享会|茶话会|"
    r"沙龙|游戏|比赛|竞赛|演出|晚会|联欢会|讲堂|小组会|例会|会员大会|会员会|辅导|课|宣传|体检|筛查|汇演|同伴教育|教育活动|宣传活动|义诊活动|主题活动"
)
#: 讲了 / 搞了 / 办了 just before a count of sessions: the event was named earlier
#: (讲座搞了两场: the event named right before the verb)
_HELD_COUNT = re.compile(rf"(?:^|[\s，,]|{_SESSION_EVENTS})(?:讲|搞|办|开|上|举办|举行)了?$")
_SESSIONS_OF = re.compile(
    rf"(?P<event>{_SESSION_EVENTS})[”\"》]?\s*(?:共计|一共|共)?$|"
    # 培训育龄群众两期 / 培训会员骨干2期: the training, whoever was trained
    r"(?P<trained>培训)[^\d，,。；;、\s]{1,6}$"
)

# 举办3场讲座 / 开了两期家长课堂 / 办了三场健康讲座: the event named right after its count
_SESSIONS_AFTER = re.compile(rf"(?P<event>[\u4e00-\u9fff“”\"]{{0,16}}?(?:{_SESSION_EVENTS}))")
# 两期“青春健康同伴教育”主持人培训班: an event ending inside an open quote is the title; the
# event is what the quoted title names, after the quote
_SESSIONS_AFTER_QUOTE = re.compile(
    rf"(?P<event>[\u4e00-\u9fff]{{0,2}}“[^”]{{1,12}}”[\u4e00-\u9fff]{{0,8}}?(?:{_SESSION_EVENTS}))"
)
# The households a visit went to, named anywhere before its bare count (计生家庭走访，走访了9户 /
# 给计生特殊家庭送温暖 一共慰问了5户): 家庭医生 and 家庭健康指导员 are no households
_HOUSEHOLD_KIND = re.compile(
    r"(?:计生|计划生育|独生子女|失独|双女|困难|特殊|特困|留守儿童|困境儿童|流动人口|新生儿|新婚|"
    r"育龄|孕产妇|牧民|单亲|伤残|低保)[\u4e00-\u9fff]{0,6}?(?:家庭(?![医健意保发教指成])|户(?=[^\d一二两三四五六七八九十]|$))|"
    r"独居老人|留守老人|空巢老人|高龄老人|失能老人"
)
_KIND_AFTER = re.compile(
    rf"[，,\s]*(?:都是|全是|均为|全部是|全部为|都系)(?P<kind>{_HOUSEHOLD_KIND.pattern})"
)
_BARE_VISIT = re.compile(
    rf"(?:{_VISIT_VERBS.pattern}|走访慰问|入户走访|上门服务|上门送医|服务|送温暖)"
)
# 共计 / 合计 / 一共 alone before a count: a total of what was named before
_TOTAL_ONLY = re.compile(
    r"(?:共计|合计|总计|一共|总共|共|累计)?(?:发放了?|发了|送去了?|送出|送了|发)?(?:是|有|达)?"
)
# 宣传折页及环保袋各200份 / 控油壶、限盐勺各150个: each of the things listed, that many
_EACH_OF = re.compile(r"[、及和与]|以及")
# 人不多十五个 / 到场青少年三十来个 / 来的人估计有八十来个: people counted with 个
_PEOPLE_IN_CLAUSE = re.compile(
    r"人(?:不多|不少|数)|来的人|到的人|的人|到场|到会|参加的|来了|得(?=$)|"
    r"(?:群众|村民|居民|妇女|老人|学生|家长|牧民|孩子|小孩|青少年|会员|妈妈|爸爸)$"
)

# 搞了一个宣传 / 办了一个讲座 / 开了一个小组会: one activity held, not an item
_HELD_ONE = re.compile(r"(?:搞|开|办|举办|组织|做|弄|开展)了?$")
_EVENT_AFTER = re.compile(
    r"[^，,。；;\s\d]{0,8}?(?:宣传|活动|讲座|义诊|培训|会|课|走访|慰问|咨询|筛查|体检)"
)


# the end of a clause, where a list cut by 、 ends too
_BIG_STOP = re.compile(r"[，,。；;！!？?\s]")
_TOTAL_WORD = re.compile(r"共计|合计|总计|一共|总共|累计|共")
# couples counted are what was done for them when the service follows (为38对育龄夫妇提供地贫筛查)
_COUPLES_SERVED = re.compile(
    r"[\u4e00-\u9fff]{0,4}(?:夫妇|夫妻)(?:提供|开展|进行)了?(?:免费)?(?P<service>[^，,。；;、\s]{2,12})"
)
# 宣传计生家庭保险办了十二份关爱保险: a verb right before the count, so the thing follows it
# (种了三百棵树苗 / 栽了200株: what was planted follows the verb as well)
_VERB_LAST = re.compile(
    r"(?:办了|办理了|发了|发放了|送了|送出|派了|赠送了|领了|分了|分给了?|种了|栽了|种植了|栽种了|植了)$"
)
_CAME_ONLY = re.compile(r"(?:来|到|参加|参与|出席)了?")
#: 一块儿 / 一块 before a verb means "together"; a piece counted (一块牌匾) has a noun after it
_TOGETHER_AFTER = re.compile(
    r"儿|(?:搞|办|开|做|弄|去|来|到|走|跑|看|包|吃|参加|参与|组织|举办|开展|学|听|商量|下|进|入)"
)


_VILLAGE_SUFFIX = re.compile("|".join(_VILLAGE_LEVEL))


def _village_spans(text: str) -> list[tuple[int, int]]:
    """Where the villages (and communities) the text names stand in it: a number written
    inside one (三元成村, 二十四顷地村) is part of the name, never a count of something."""
    spans: list[tuple[int, int]] = []
    if not _VILLAGE_SUFFIX.search(text):
        return spans
    for place, level in find_places(text):
        if level != "village":
            continue
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(place), text))
    return spans


# 怀朔镇三元成村: a count right after a town (or 在) and a village suffix just after it is a name
_BEFORE_A_NAME = frozenset("镇乡在到道区县旗")
_PLACE_AFTER_COUNT = re.compile(r"[\u4e00-\u9fff]{0,2}(?:村|社区|嘎查)(?![民委干医])")
# members recruited are counted in 名: 发展新会员5名 / 新发展会员12名
_RECRUITED = re.compile(rf"(?:发展了?)?(?P<name>新发展会员|新会员|新入会会员)(?P<num>{NUMBER})名")
# 入户走访牧民 走了六户: the people whose homes were visited name the households
_VISITED_PEOPLE = re.compile(
    r"(?:走访|慰问|看望|探望|探访|家访)了?(?P<who>牧民|牧户|农户|困难户|贫困户|独居老人|空巢老人)"
)


_VISITOR_VISITED = re.compile(
    r"[\u4e00-\u9fff]{0,6}?(?:指导员|医生|村医|志愿者|干部|工作人员|我们)(?:入户)?"
    r"(?P<visit>走访|慰问|看望|探访)了?"
)


def visits_only(item: Item) -> bool:
    """Households counted by the visit alone (走访 4 户), no kind of household named."""
    return item.unit == "户" and bool(
        _BARE_VISIT.fullmatch(item.name) or item.name in _WALKED.values()
    )


def households_named(item: Item, told: str) -> Item:
    """``item`` with households counted by their visit alone (走访 7 户) named by the kind of
    household the report told before (搞了计生家庭走访 → 计生家庭 7 户); else unchanged."""
    if not visits_only(item):
        return item
    kinds = list(_HOUSEHOLD_KIND.finditer(fold(told)))
    if not kinds:
        return item
    return Item(_strip_glue(kinds[-1].group(0)), item.quantity, item.unit, item.approximate)


_QUOTED_BEFORE_COUNT = re.compile(
    r"[“\"]([\u4e00-\u9fff]{2,20})[”\"](?=\s*(?:\d|[一二两三四五六七八九十百]))"
)


def extract_items(text: str, people_span: tuple[int, int] | None = None) -> list[Item]:
    """Counted things handed out or done, in the order written: 宣传资料1000多份, 办了20份关爱保险,
    走访慰问了4户计生特殊家庭 (→ 计生特殊家庭 4 户), 接受咨询150余人次."""
    text = _FRONTED_MEASURE.sub(r"\g<verb>了\g<what>", fold(text))
    # 办理“计生家庭意外伤害保险”45份: a quoted name right before its count is the thing counted
    text = _QUOTED_BEFORE_COUNT.sub(r"\1", text)
    items: list[tuple[int, Item]] = []
    rates: dict[str, str] = {}  # unit → the thing a 每户/每人 rate just before was of
    quoted = [m.span() for m in re.finditer(r"“[^”]*”|\"[^\"]*\"|《[^》]*》", text)]
    previous_end = 0
    village_spans = _village_spans(text)
    for match in _COUNT.finditer(text):
        num_at = match.start("num")
        if any(a <= num_at < b for a, b in quoted):
            continue  # “三个全覆盖”: a name, not a count
        if any(a <= num_at and match.end("unit") <= b for a, b in village_spans):
            continue  # 11月中旬三元成村搞了两场讲座: the count and its unit are a village's name
        if people_span and people_span[0] <= num_at < people_span[1]:
            previous_end = max(previous_end, people_span[1])
            continue
        unit = match.group("unit")
        if (
            unit in ("场", "场次", "期", "次", "节", "堂")
            and text[max(0, num_at - 1) : num_at] == "第"
        ):
            continue  # 第3节课: which one, not how many
        if unit in ("场", "场次", "期", "次", "节", "堂") and match.group("num") not in (
            "一",
            "1",
        ):
            # 举办讲座3场 / 家长课堂3期 / 举办3场讲座: sessions held are items, named by the event
            # written right before or right after the count (one session, 办了一场讲座, is the
            # activity itself)
            held = _SESSIONS_OF.search(text[max(0, num_at - 8) : num_at])
            after = _SESSIONS_AFTER.match(text, match.end())
            if after and after.group("event").count("“") > after.group("event").count("”"):
                after = _SESSIONS_AFTER_QUOTE.match(text, match.end()) or after
            if text[max(0, num_at - 1) : num_at] == "分" and not held:
                # 举办…培训班，分3期对牧民进行培训: the sessions of the event events before
                events = list(re.finditer(_SESSION_EVENTS, text[:num_at]))
                if not events:
                    # 分两期举办村（社区）计生协专干培训班: or named after, in the same clause
                    clause_end = _BIG_STOP.search(text, match.end())
                    events = list(
                        re.finditer(
                            _SESSION_EVENTS,
                            text[match.end() : clause_end.start() if clause_end else None],
                        )
                    )[:1]
                if events:
                    held = re.match(r"(?P<event>.*)(?P<trained>)", events[-1].group(0))
                    after = None
            if not held and not after and _HELD_COUNT.search(text[max(0, num_at - 4) : num_at]):
                # 搞了青春期讲座 讲了两场 / 搞青春健康家长课堂 搞了两期: the event named before
                events = list(re.finditer(_SESSION_EVENTS, text[:num_at]))
                if events:
                    held = re.match(r"(?P<event>.*)(?P<trained>)", events[-1].group(0))
            sessions = parse_quantity(match.group("num") + (match.group("approx") or ""), "")
            name = (held.group("event") or held.group("trained")) if held else ""
            name = name or (after.group("event") if after else "")
            name = re.sub(r"[“”\"]", "", name)  # 两期“青春健康同伴教育”主持人培训班
            if any(
                earlier.unit == unit
                and sessions is not None
                and earlier.quantity == sessions.value
                and name in earlier.name
                for _, earlier in items
            ):
                continue  # 办了三场养老护理培训 三场加起来…: the same sessions said again
            if name and sessions is not None and sessions.value > 1:
                items.append(
                    (num_at, Item(name, sessions.value, unit, bool(sessions.approximate)))
                )
                previous_end = match.end() + (len(after.group(0)) if after and not held else 0)
            continue
        if unit in ("场", "场次", "期", "次", "节", "堂"):
            continue
        if text[max(0, num_at - 1) : num_at] == "第":
            continue  # 第28个“5·29会员活动日”: an ordinal
        if text[max(0, num_at - 1) : num_at] in _BEFORE_A_NAME and _PLACE_AFTER_COUNT.match(
            text, match.end()
        ):
            continue  # 怀朔镇三元成村: a village's name, not 3 yuan
        stop_at = max((m.end() for m in _CLAUSE_STOP.finditer(text, 0, num_at)), default=0)
        clause_start = stop_at
        # 五十个环保袋和一百份宣传册: the second count's words start after the first count
        clause_start, previous_end = max(clause_start, previous_end), match.end()
        clause = text[clause_start:num_at]
        # 每户送去煤炭1吨、棉被2床: the rate goes on through the things listed after it
        listed_from = max((m.end() for m in _BIG_STOP.finditer(text, 0, num_at)), default=0)
        rate_listed = any(word in text[listed_from:num_at] for word in _PER_EACH)
        if (
            rate_listed
            and not any(word in clause for word in _PER_EACH)
            and not _TOTAL_WORD.search(text[listed_from:num_at])
        ):
            continue  # the second thing of a rate, not a total
        if re.match(r"一(?:户|家|人)(?=[一两\d])", text[num_at:]) or re.search(
            r"(?:^|[^\d一二两三四五六七八九十百千])一(?:户|家|人)$", text[:num_at]
        ):
            continue  # 一户一桶: a rate, both its counts
        if any(word in clause for word in _PER_EACH):
            # 每户发放慰问金300元 is a rate, not a total; what it names names the total after
            # it (为每户送上价值200元的慰问品，共计4000元 → 慰问品 4000 元)
            rate_of = _thing(re.sub("|".join(_PER_EACH), "", clause), unit)
            if not rate_of or rate_of in _WORTH:
                skip = 1 if text[match.end() : match.end() + 1] == "的" else 0
                rate_of = _name_after(text, match.end() + skip)
            if rate_of and rate_of not in _WORTH and not _PERSON_WORDS.fullmatch(rate_of):
                rates[unit] = rate_of
            elif unit in rates:
                del rates[unit]
            continue
        after_text = text[match.end() :]
        if unit == "块" and text[num_at] == "一" and _TOGETHER_AFTER.match(after_text):
            continue  # 一块儿办了个培训 / 一块去走访: together, never one piece of something
        if unit in ("个", "名", "位") and (
            after_text.startswith(_NOT_THINGS)
            or _PEOPLE_AFTER.match(after_text)
            or _STAFF.match(after_text)
        ):
            continue  # 3个嘎查, 两个请假, 25个初中生: places and people, not things
        if (
            unit == "个"
            and re.search(r"(?:帮|给|为|替)了?$", text[max(0, num_at - 2) : num_at])
            and _HOUSEHOLD_KIND.match(after_text)
        ):
            continue  # 帮一个计生家庭攞保险理赔: the family served, not a thing handed out
        if unit == "个" and re.match(
            r"家庭(?=[\d一二两三四五六七八九十百]|共|参加|参与|[\s，,。；;、]|$)", after_text
        ):
            continue  # 共有65个家庭200余人参加: families who came (a 家庭健康包 is a thing)
        if (
            unit == "个"
            and match.group("num") in ("一", "1")
            and _HELD_ONE.search(text[max(0, num_at - 4) : num_at])
            and _EVENT_AFTER.match(re.sub(r"^(?:就是|那个|这个|嗯|呃|[，,\s])+", "", after_text))
        ):
            continue  # 搞了一个宣传 / 开了一个会员活动: the activity itself, not a thing
        if re.search(r"(?:任务|指标|目标|要求)(?:是|为|有)?$", clause):
            continue  # 今年任务30份: a quota, not what was handed out
        told = _PERSON_WORDS.sub("", _cut_context(clause))  # (来了40个家长就这两个)
        if _ALL_TOLD.fullmatch(told) and not _name_after(text, match.end()):
            continue  # 就这三个: how many activities were told, said to close; no thing
        before_name = _thing(clause, unit)
        if re.fullmatch(r"(?:村里|组里|本村|全村|我们村|社区里|嘎查里|镇里)", before_name):
            before_name = ""  # 为村里5户计生困难家庭: where they live, the households are after
        after_name = _name_after(text, match.end())
        if unit == "户" and after_name in ("人家", "家", "家人"):
            after_name = ""  # 十户人家: households, no kind of them named
        if _PEOPLE_AFTER.match(after_name) and unit != "户":
            # 20个村民 are people; 12户牧民家庭 and 8户独居老人 are households, named by who
            # lives in them
            after_name = ""
        bare_clause = _cut_context(clause).rstrip("了") or "-"
        visit_only = (
            _VISIT_VERBS.fullmatch(bare_clause) is not None
            or bare_clause in _WALKED
            # 我们组走访慰问了4户计生特殊家庭: who visited is no part of the households
            or (unit == "户" and _VISIT_AT_END.search(bare_clause) is not None)
        )
        insured = _INSURED.search(_CLAUSE_STOP.split(text[match.end() : match.end() + 16])[0])
        if (
            unit == "户"
            and insured
            and _POLICIES_COUNTED.search(_CLAUSE_STOP.split(after_text)[0])
        ):
            continue  # 为其中20户家庭办理了关爱保险20份: the policies are counted, not the homes
        if unit == "户" and insured:
            # 为65户计生家庭办理了关爱保险: 关爱保险 65 户; 有18户办了保险: 保险 18 户
            # 为65户计生家庭办理了关爱保险: what comes after the verb (the families before it
            # are who was insured)
            after_name = re.split(
                r"办理了?|办了|买了|参加了?|上了|投了|入了|参保了?", insured.group(0)
            )[-1] or insured.group(0)
            before_name = ""
        if after_name and re.match(
            rf"{re.escape(after_name)}(?:{_HANDOUT_VERBS.pattern})\s*(?:{NUMBER})", after_text
        ):
            # 办了33份保费收了990元: a name followed by its own verb and count is what that
            # count counts, not this one
            after_name = ""
        verb_last = _VERB_LAST.search(_cut_context(clause)) is not None
        # 为社区12户计生特殊家庭开展上门服务: the kind of household written right after the count
        # names them, whatever was said before it
        kind_after = (
            unit == "户"
            and not insured
            and bool(after_name)
            and _HOUSEHOLD_KIND.match(after_name) is not None
            and not _HOUSEHOLD_KIND.search(before_name)
        )
        if after_name and (
            not before_name or (unit == "户" and visit_only) or verb_last or kind_after
        ):
            name = after_name
            at = text.find(after_name, match.end())
            previous_end = at + len(after_name) if at >= 0 else previous_end
        elif not before_name and _ISSUED_BARE.search(clause) and _INSURED.search(text[:num_at]):
            name = ""  # 宣传关爱保险 办了6份: the insurance named before (below)
        elif before_name:
            name = before_name
        elif unit in rates and _TOTAL_ONLY.fullmatch(_cut_context(clause)):
            name = rates.pop(unit)  # 每户500元，共计9000元: the total of what the rate was of
        else:
            name = _previous_object(text, clause_start, unit)
        if not name and unit == "户":
            # 入户走访那满村5户: the visit, written before the place the households are in
            visited = _VISIT_VERBS.search(text[stop_at:num_at])
            if visited and _cut_context(text[stop_at:num_at]) == "":
                name = visited.group(0).rstrip("了")
        if unit == "户" and name in ("温暖", "送温暖"):
            name = "送温暖"  # 给计生特殊家庭送温暖 去了三户: a visit, not a thing handed out
        if unit == "户" and _BARE_VISIT.fullmatch(name):
            # 计生家庭走访，走访了9户: the households named before the count, not the visit
            kinds = list(_HOUSEHOLD_KIND.finditer(text[:num_at]))
            doors = list(_DOOR_TO_DOOR.finditer(text[:num_at]))
            people = list(_VISITED_PEOPLE.finditer(text[:num_at]))
            if kinds:
                name = _strip_glue(kinds[-1].group(0))
            elif people:
                name = people[-1].group("who")
            elif (
                doors
                and name in _WALKED.values()
                and (name not in text[stop_at:num_at] or name in doors[-1].group(0))
            ):
                # 做了入户宣传 走了25户 / 入户走访 走访了8户: the door-to-door work named before
                # (入户宣传 … 走访了12户 says another visit outright: it stays 走访)
                name = doors[-1].group(0)
        elif (
            unit == "户"
            and _VISIT_AT_END.search(name)
            and not _HOUSEHOLD_KIND.search(name)
            and list(_HOUSEHOLD_KIND.finditer(text[:num_at]))
        ):
            # 为计生特殊家庭开展…，组织心理咨询师入户走访13户: who visited is no kind of
            # household; the households named before are
            name = _strip_glue(list(_HOUSEHOLD_KIND.finditer(text[:num_at]))[-1].group(0))
        elif unit == "户" and name and not _HOUSEHOLD_KIND.search(name):
            # 为计生特殊家庭上门送医6户: the households of this clause, who were visited
            kinds = list(_HOUSEHOLD_KIND.finditer(clause))
            earlier = list(_HOUSEHOLD_KIND.finditer(text[:clause_start]))
            if kinds and _VISIT_VERBS.search(clause[kinds[-1].end() :]):
                name = _strip_glue(kinds[-1].group(0))
            elif (
                earlier
                and _TOTAL_ONLY.fullmatch(_cut_context(clause))
                and not _INSURED.search(name)
            ):
                # 给困难户送了米 一户一袋 一共十户: the households named before, not the rice
                name = _strip_glue(earlier[-1].group(0))
        if unit == "户" and (_BARE_VISIT.fullmatch(name) or name in _WALKED.values()):
            # 走了十二户 都是独生子女家庭: the households, named right after their count
            named_after = _KIND_AFTER.match(text, match.end())
            if named_after:
                name = _strip_glue(named_after.group("kind"))
        visitor = _VISITOR_VISITED.fullmatch(name) if unit == "户" else None
        if visitor:
            # 开展入户走访 家庭健康指导员走访了12户: who visited is no kind of household and
            # none is named: the door-to-door visit said before, else the visit
            name = "入户走访" if "入户走访" in text[:num_at] else visitor.group("visit")
        if unit == "对":
            served = _COUPLES_SERVED.match(after_text)
            if served:
                name = _strip_glue(served.group("service"))
            elif re.search(r"(?:为|给|帮)[\u4e00-\u9fff]{0,4}(?:夫妇|夫妻)", name):
                # 为育龄夫妇免费检查35对: the service, not who had it
                name = re.sub(r"^.*?(?:夫妇|夫妻)(?:免费)?", "", name) or name
            if _CAME_ONLY.fullmatch(name):
                continue  # 来了八对夫妻: couples who came are attendance, not a thing
        if unit == "元" and name not in _WORTH and name.endswith(tuple(_WORTH)):
            name = name[: -len(next(w for w in _WORTH if name.endswith(w)))]  # 药品价值
        if name in _WORTH and unit == "元":
            # 送去米面油等慰问品，价值3600元: the goods named before, valued
            name = _goods_before(text[:stop_at]) or name
        if not name and unit in ("份", "户", "人") and re.search(r"办理?了?$|参保了?$", clause):
            named = _INSURED.search(text[:num_at])
            # 搞关爱保险宣传 办了38份: the insurance named before, without the words before it
            # (集中办理关爱保险: 办理 is one verb, cut whole, never in half)
            name = re.split(_BEFORE_INSURED, named.group(0))[-1] if named else ""
        if unit == "户" and re.fullmatch(r"(?:宣传|宣讲|走访|慰问)[走跑去到]", name):
            # 入户宣传走了四十多户: the door-to-door work, not a walk named 宣传走
            name = "入户" + name[:-1] if "入户" + name[:-1] in text else name[:-1]
        if unit == "人次" and name in ("来", "去", "到") and re.search(r"[测量查]了$", clause):
            # 给老人们量血压 来了二十七个老人 量了四十多人次: the check named before
            checks = list(re.finditer(r"(?:测|量)(?:血压|血糖|血脂)|体检|筛查", text[:num_at]))
            name = checks[-1].group(0) if checks else ""
        if unit == "人次" and not name:
            # 参加群众累计210人次 / 受益青少年800余人次: people-times of those named (never
            # attendance, so kept as an item under their name)
            name = _PEOPLE_TIMES_OF.sub("", _cut_context(clause)).strip() if clause else ""
            name = name if _PERSON_WORDS.fullmatch(name) else ""
        elif unit == "人次" and _PERSON_WORDS.fullmatch(name):
            pass  # 服务群众 / 群众: people-times of those named are an item
        elif unit == "人次" and _PERSON_WORDS.fullmatch(_PEOPLE_TIMES_OF.sub("", name)):
            name = _PEOPLE_TIMES_OF.sub("", name)  # 参加群众160余人次: those who took part
        elif not name or (_PERSON_WORDS.fullmatch(name) and unit != "户"):
            continue  # 6户牧民 are households, named by who lives in them
        if not name or name in _REPORTING or name in ("不", "不是", "不对"):
            continue  # 补报两个: how many reports follow; 十二个不是十三个: a count denied
        if unit in ("支", "个") and re.match(r"(?:家庭)?(?:代表)?队", after_text):
            continue  # 全旗12支家庭代表队 / 八个队: teams, not things
        if unit == "块" and re.match(r"(?:跟|和|同|与|加)", name) and text[num_at] == "一":
            continue  # 跟大家一块包饺子: together with, not a thing
        if unit in ("个", "名", "位") and _PERSON_WORDS.match(name):
            continue
        if (
            unit in ("个", "名", "位")
            and _PEOPLE_IN_CLAUSE.search(_cut_context(clause))
            and not _HANDOUT_VERBS.search(_cut_context(clause))
        ):
            continue  # 人不多十五个 / 到场青少年三十来个: people, not things
        if ("参与" in name or "参加" in name) and unit != "人次":
            continue  # 参与家庭18户: families who took part, not something handed out
        if re.fullmatch(r".*[月日号年周天点时分]", name) and not name.endswith(_AGE_GROUPS):
            continue  # a time, not a thing (青少年 / 老年 are people)
        before = text[max(0, num_at - 3) : num_at]
        quantity = parse_quantity(match.group("num") + (match.group("approx") or ""), before)
        if quantity is None or quantity.value <= 0:
            continue
        approximate = (
            quantity.approximate
            or bool(match.group("after"))
            or _APPROX_BEFORE_COUNT.search(clause) is not None
        )
        name = name.strip('《》“”"') or name  # 发放《优生优育手册》120册
        unit = money_unit(name, unit)
        if text[max(0, num_at - 1) : num_at] == "各" or name.endswith("各"):
            listed = name.rstrip("各")
            start = stop_at
            while start > 0 and text[start - 1] == "、":
                # 赠送书包、文具各40份: the things listed before, cut by 、
                previous = max(
                    (m.end() for m in _CLAUSE_STOP.finditer(text, 0, start - 1)), default=0
                )
                listed = _thing(text[previous : start - 1], unit) + "、" + listed
                start = previous
            names = [n for n in (_strip_glue(p) for p in _EACH_OF.split(listed)) if n]
            verb = re.match(r"[测量查]", names[0]) if names and unit == "人次" else None
            if verb:
                # 测血压、血糖各50人次: the measuring verb is shared by the things after it
                names = [
                    n if n.startswith(("测", "量", "查")) else verb.group(0) + n for n in names
                ]
            for each in names:
                items.append((num_at, Item(each, quantity.value, unit, approximate)))
            continue
        if (
            unit in ("个", "名", "位")
            and _PEOPLE_ALSO.fullmatch(name)
            and re.search(
                rf"(?:还有|另有|加上){re.escape(name)}\s*$", text[max(0, num_at - 12) : num_at]
            )
        ):
            continue  # 来了九个孕妇 还有家属九个: more people who came, nothing handed out
        items.append((num_at, Item(name, quantity.value, unit, approximate)))
    for match in _RECRUITED.finditer(text):
        recruited = parse_quantity(match.group("num"), "")
        if recruited is not None and recruited.value > 0:
            items.append((match.start(), Item(match.group("name"), recruited.value, "名", False)))
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]


# -- the draft ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A counted item: 宣传资料 1000 份 (approximate: the text said 1000多)."""

    name: str
    quantity: int
    unit: str
    approximate: bool = False

    @property
    def category(self) -> str:
        return item_category(self.name, self.unit)

    def display(self) -> str:
        mark = "多" if self.approximate else ""
        return f"{self.name}{self.quantity}{mark}{self.unit}"


@dataclass
class ActivityDraft:
    """What the bot understood from one report; fields the text did not give stay None.

    ``place_home`` says the place is the reporter's own village, taken from the roster because
    the text said 村委会 / 本村 / 活动室 without a name.
    """

    text: str
    date: DateSpan | None = None
    place: str | None = None
    kind: str = "other"
    participants: int | None = None
    participants_approx: bool = False
    items: list[Item] = field(default_factory=list)
    place_home: bool = False

    @property
    def missing(self) -> list[str]:
        return [name for name in ("date", "place") if getattr(self, name) is None]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = (
            [self.date.start.isoformat(), self.date.end.isoformat()] if self.date else None
        )
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ActivityDraft:
        span = data.get("date")
        return cls(
            text=data.get("text", ""),
            date=DateSpan(date.fromisoformat(span[0]), date.fromisoformat(span[1]))
            if span
            else None,
            place=data.get("place"),
            kind=data.get("kind", "other"),
            participants=data.get("participants"),
            participants_approx=bool(data.get("participants_approx")),
            items=[Item(**item) for item in data.get("items", [])],
            place_home=bool(data.get("place_home")),
        )


# -- kinds -------------------------------------------------------------------------------------

_EVENT = re.compile(
    r"(?:开展|组织|举办|举行|搞了|开了|办了|进行|搞)(?:了|一场|一次|个|次)?(?P<event>[^，。,；;\s]{1,14})"
)


_CLINIC_TOPIC = re.compile(
    r"(?:两癌|筛查|体检|健康检查|孕检|孕前检查)[\u4e00-\u9fff]{0,4}?宣传(?!资料|品|册|单|页|折页)"
)
# 两癌筛查的讲座 / 两癌防治知识培训: a talk whose subject is screening is a lecture
_CLINIC_TALK = re.compile(
    r"(?:两癌|筛查|体检|健康检查)[\u4e00-\u9fff]{0,6}?(?:讲座|培训|讲课|健康课|知识课)|"
    # 给妇女讲两癌筛查知识: a talk given on it
    r"(?:给|为|向|跟)[\u4e00-\u9fff]{1,6}?(?:讲|讲解|宣讲)了?[\u4e00-\u9fff]{0,4}?(?:两癌|筛查|体检)"
)
_CLINIC_ACT = re.compile(
    r"义诊|测血压|量血压|测血糖|测量血压|免费检查|免费体检|体检\s*\d|检查\s*\d|筛查\s*\d|"
    # (给妇女做了两癌筛查宣传: the screening is what the publicity was about)
    r"(?:为|给)[\u4e00-\u9fff\d至到岁]{0,12}(?:妇女|群众|老人)?(?:免费)?(?:体检|检查|筛查)(?!宣传)"
)

# the same verbs, every place they start (组织工作人员深入博白镇开展春节前走访慰问活动: the event
# after 开展, not the 14 characters after 组织)
_EVENT_ANYWHERE = re.compile(
    r"(?=(?:开展|组织|举办|举行|搞了|开了|办了|进行|搞)(?:了|一场|一次|个|次)?(?P<event>[^，。,；;\s]{1,14}))"
)
# 并为其中20户家庭办理了关爱保险 / 同时为老人免费测量血压: something also done at the activity
_ALSO_DONE = re.compile(r"[，,]\s*(?:并|还|同时|另外|顺便|顺带|会后)[^，。,；;]*")


def _kind_of(text: str, *, generic: bool) -> str | None:
    for kind, words in _KIND_WORDS:
        if not generic and words == ("活动",):
            continue
        if any(word in text for word in words):
            return kind
    return None


_HANDOUT_ONLY = re.compile(r"发放|派发|发了|发|送了|送|咨询|办了|办理")


def names_an_event(text: str) -> bool:
    """True when the text names an activity (会员活动, 讲座, 走访, 宣传 …), not only things
    handed out ("还发了30个环保袋") or people counted ("来了15人")."""
    return _kind_of(_HANDOUT_ONLY.sub("", fold(text)), generic=True) is not None


# The day an activity is held on, not the activity: 5·29会员活动日暨走访慰问活动 is a visit
_OCCASION = re.compile(
    r"[“\"]?(?:5\s*[·.．]?\s*29|五二九)?\s*会员活动日[”\"]?(?:暨|和|及|期间|(?=[\u4e00-\u9fff]))"
)
_TITLES = {
    "会员活动": "member",
    "小组活动": "member",
    "小组会": "member",
    "例会": "member",
    "义诊": "clinic",
    "讲座": "lecture",
    "培训": "lecture",
    "宣传": "publicity",
    "宣传活动": "publicity",
    "入户走访": "visit",
    "走访": "visit",
    "慰问": "visit",
    "走访慰问": "visit",
    "青春健康讲座": "youth",
}
# 宣传 as the event, not as the name of what was handed out (宣传资料, 宣传品)
_PUBLICITY_EVENT = re.compile(r"宣传(?!资料|品|册|单|页|材料|手册|折页|画|袋)")
# A talk given to some people: 给孕妇讲孕期保健 / 给新婚夫妇讲优生优育 / 跟大家讲了
# 宣传 naming what was handed out (宣传册, 宣传资料), not the activity
_MATERIALS = re.compile(r"宣传(?=资料|品|册|单|页|材料|手册|折页|画|袋|卡)")
_TALK_TO = re.compile(r"(?:给|为|向|跟|和)[\u4e00-\u9fff]{1,8}?讲(?!座)")
# Things taken to households: 给五户新生儿家庭送了大礼包, 为12户特殊家庭送去棉被, 看了几户…家庭
_TO_HOUSEHOLDS = re.compile(
    r"(?:给|为|向|去|到|看了?)[\u4e00-\u9fff\d]{0,4}户[\u4e00-\u9fff]{0,8}(?:家庭|家里|家中|老人|户)"
)


# 入户 / 上门 before another activity says how it was done, not what: 入户宣传 is publicity
# carried from door to door, 上门体检 a clinic; 入户走访 stays a visit (走访 is its head)
_MANNER = re.compile(
    r"(?:入户|上门)(?=宣传|宣讲|讲解|义诊|体检|测血|量血|测量|发放|派发|办理|投保|参保)"
)


# the lines of work a campaign is named for (an audience such as 青少年 is none)
_CAMPAIGNS = (("insurance", re.compile(r"保险")), ("youth", re.compile(r"青春健康|青春期")))


# Who was sent, not what was held: 组织会员小组长入户走访 is a visit, 分5个会员小组入户调查 too
_ORGANISERS = re.compile(
    r"(?<=组织)(?:全体)?(?:会员小组长|会员小组|会员骨干|志愿者|小组长)(?=[\u4e00-\u9fff])|"
    r"分[\d一二三四五六七八九十两]+个会员小组|"
    # the group as the doer (我们会员小组同镇计生办一起在西河村入户走访 is a visit)
    r"会员小组(?=同|和|跟|与|联合|协同|配合|在|到|去|一起)"
)


# 讲座取消了 改了入户探访 / 本来要搞义诊 医生没来取消了 改成…发了宣传资料: the activity called
# off is not the one held; what it was changed to is
_CALLED_OFF = re.compile(
    r"(?:取消|没来|没搞成|没开成|没办成|搞不成|开不成|办不成)[^，,。；;]*?[，,。；;\s]*"
    r"(?:改成|改为|改了|改做|改搞|换成|换了)"
)


def classify_kind(text: str) -> str:
    """The kind of activity (see :func:`_classify_kind`); who was sent to do it (组织会员小组…)
    does not make it a member activity when it names another kind, and an activity called off
    (讲座取消了 改了入户探访) gives way to the one held instead."""
    text = fold(text)
    called_off = list(_CALLED_OFF.finditer(text))[-1:]
    if called_off:
        instead = classify_kind(text[called_off[0].end() :])
        if instead != "other":
            return instead
    without = _ORGANISERS.sub("", text)
    if without != text:
        kind = _classify_kind(without)
        if kind != "other":
            return _shared_publicity(without, kind)
    return _shared_publicity(text, _classify_kind(text))


# 防溺水和青春期知识宣传 / 禁毒日暨青春健康宣传: 青春健康 is one topic among others of a
# publicity event, which stays publicity (暑期青春健康宣传活动, its only topic, is youth work)
_SHARED_TOPIC = re.compile(
    r"(?:和|及|暨|与|、|同)[^，。,；;\s]{0,6}(?:青春健康|青春期)[^，。,；;\s]{0,6}?宣传(?!资料|品|册|单|页|材料|手册|折页|画|袋|片)|"
    r"(?:青春健康|青春期)[^，。,；;\s]{0,6}(?:和|及|暨|与|、|同)[^，。,；;\s]{1,8}?宣传(?!资料|品|册|单|页|材料|手册|折页|画|袋|片)|"
    # 宣传防溺水还有青春期知识: the publicity said first, its topics after
    r"宣传(?!资料|品|册|单|页|材料|手册|折页|画|袋|片)[^，。,；;\s]{1,8}?(?:和|及|与|、|同|还有)"
    r"(?:青春健康|青春期)|"
    r"宣传(?:青春健康|青春期)[^，。,；;\s]{0,6}(?:和|及|与|、|同|还有)[^，。,；;\s]{1,8}"
)


# 家长课堂 讲青春期性教育: a class whose subject is 青春期 / 青春健康 is youth work
_YOUTH_SUBJECT = re.compile(
    r"(?:讲|主题是?|内容是?|关于|围绕)[^，。,；;\s]{0,4}(?:青春期|青春健康)"
)


def _shared_publicity(text: str, kind: str) -> str:
    if kind == "lecture" and _YOUTH_SUBJECT.search(text) and not _SHARED_TOPIC.search(text):
        return "youth"
    if kind == "youth" and _SHARED_TOPIC.search(text):
        return "publicity"
    if (
        kind == "clinic"
        and _CLINIC_TALK.search(text)
        and not _CLINIC_ACT.search(_CLINIC_TALK.sub("", text))
    ):
        return "lecture"
    if kind == "other" and re.search(r"会员活动日|会员日", text):
        # 529会员活动日 搞了趣味运动会 参加会员86人: what the members did on their day
        return "member"
    if kind == "clinic" and _CLINIC_TOPIC.search(text) and not _CLINIC_ACT.search(text):
        # 两癌筛查宣传 / 三八节两癌防治宣传: screening is what the publicity was about
        return "publicity"
    if kind == "publicity" and _DOORS_COUNTED.search(text) and not _PUBLICITY_DOORS.search(text):
        # 入户宣传，走访牧户26户: publicity carried to households counted is a visit to them
        return "visit"
    return kind


_DOORS_COUNTED = re.compile(
    rf"(?:入户|上门)(?:宣传|宣讲).*?(?:{NUMBER})(?:多|余|几|来)?户(?!代表)"
)
# ... unless the doors counted are the publicity's own count (入户宣传110户, 搞了入户宣传26户):
# then the households are what the publicity reached, and it stays publicity
_PUBLICITY_DOORS = re.compile(rf"(?:入户|上门)(?:宣传|宣讲)(?:{NUMBER})(?:多|余|几|来)?户(?!代表)")


_SECONDARY = re.compile(r"(?:[，,；;\s]|^)(?:并且?|同时|另外|顺便|顺带|还)[^，,。；;]*")


_GROUP_HELD = re.compile(r"组织[^，,。；;\s]{1,10}?会员小组(?=开展|举办|举行|进行|搞)")


_TOPIC_OF_MATERIAL = re.compile(
    r"(?:关爱保险|计生保险|保险)(?=宣传单|宣传册|宣传页|宣传资料|资料|单张|传单|折页|手册)"
)


def _classify_kind(text: str) -> str:
    """The kind of activity: what the event is called (开展慰问活动 → visit; "5·29会员活动日"
    宣传活动 → publicity: the last-named event wins) first, else any kind word, else "other"."""
    text = _MANNER.sub("", fold(text))
    # 派了保险宣传单九份: leaflets about insurance handed out make no insurance work
    text = _TOPIC_OF_MATERIAL.sub("", text)
    # 组织溶江村会员小组开展“暖冬行动”: the member group is who held it, not the event
    text = _GROUP_HELD.sub("", text)
    held_on = _OCCASION.sub("", text)
    if held_on != text:
        # 会员活动日暨走访慰问活动: the event held on the day when one is named (not only things
        # handed out at it: 会员活动日活动 … 发放资料 stays a member activity)
        for match in _EVENT.finditer(held_on):
            event = match.group("event")
            kind = _kind_of(event, generic=False)
            if kind is not None and (kind != "publicity" or _PUBLICITY_EVENT.search(event)):
                return kind
    for quoted in re.finditer(r"“([^”]{2,20})”|\"([^\"]{2,20})\"", text):
        # “关爱保险进万家”宣传活动 / “青春健康进校园”主题讲座: a campaign named for a line of
        # work is that work, whatever the format (宣传, 讲座, 入户) it took that day
        title = quoted.group(1) or quoted.group(2)
        for kind, campaign in _CAMPAIGNS:
            if campaign.search(title):
                return kind
    for clause in re.split(r"[，,。；;、\s]+", text):
        # 今天 新安村 会员活动 参加24人: an activity written alone, as a title, is the event
        if 2 <= len(clause) <= 6 and not re.search(r"\d", clause) and clause in _TITLES:
            return _TITLES[clause]
    for match in _EVENT_ANYWHERE.finditer(text):
        event = match.group("event")
        # "“5·29会员活动日”主题宣传活动": the quoted day is the occasion, the event is after it
        event = re.sub(r"“[^”]*”|\"[^\"]*\"", "", event) or event
        kind = _kind_of(event, generic=False)
        if kind is not None:
            return kind
    main = _SECONDARY.sub("", text)
    if main != text:
        # 走访慰问失独家庭4户，并为上述家庭办理保险 / 顺便帮老人量血压: what was done besides
        # (并 / 同时 / 顺便 …) does not make the activity its kind
        kind = _kind_of(main, generic=False)
        if kind is not None:
            return kind
    specific = _kind_of(text, generic=False)
    also = _ALSO_DONE.sub("", text)
    if specific is not None and also != text:
        # 走访慰问计生特殊家庭35户…并为其中20户家庭办理了关爱保险: what was also done is no type
        kind = _kind_of(also, generic=False)
        if kind is not None:
            return kind
    if (
        specific == "publicity"
        and _TALK_TO.search(text)
        and _kind_of(_MATERIALS.sub("", text), generic=False) is None
    ):
        # 给会员讲孕前优生知识 发宣传册40本: a talk, at which leaflets were handed out
        return "lecture"
    if specific is None and _TO_HOUSEHOLDS.search(text):
        return "visit"
    if specific is None and _TALK_TO.search(text):
        return "lecture"
    generic = _kind_of(text, generic=True)
    if (
        specific is None
        and generic is None
        and _HANDS_OUT_MATERIALS.search(text)
        and not _EVENT.search(text)
    ):
        # 在袁山贝村派资料200份: no event named, leaflets handed out to people is publicity
        return "publicity"
    return specific or generic or "other"


def kind_beyond_handouts(text: str) -> str:
    """The kind of activity with the leaflets handed out left aside (到会23人 发了宣传资料80份
    names no activity: "other")."""
    return classify_kind(_HANDS_OUT_MATERIALS.sub("", fold(text)))


# leaflets and brochures handed out (发资料 / 派了宣传单张 / 发放宣传册), named by their topic
# too (发防艾资料 / 派计生政策宣传单): the means of publicity, whatever they are about (the
# topic is a few words, no count: 发了两百份资料 counts them)
_HANDS_OUT_MATERIALS = re.compile(
    r"(?:发放?|派发?|送)(?!展|现|生|布|言|表|挥|起)了?"
    r"(?:[^\s，,。；;、了的\d一二两三四五六七八九十百千万几多]{1,4}?)?"
    r"(?:宣传)?(?:资料|单张|传单|宣传册|宣传单|折页|手册|宣传品)"
)


# -- is it a report? ---------------------------------------------------------------------------

# 派了 is Cantonese 派咗 (handed out), folded: as much a report as 发了
_ACTIVITY_WORDS = re.compile(
    r"活动(?!室|中心|场所|经费|阵地)|宣传|讲座|培训|义诊|走访|慰问|入户|开展|组织|举办|举行|召开|开了|搞了|办了|发放|发了|派发|派了|"
    r"例会|宣讲|授课|参加|参与|到了|来了|签约|投保|咨询服务|看望|探访|体检|课堂|开会|小组会|会员会|"
    r"到会|送温暖|测血压|量血压|上了(?=[一两几\d]?[堂节次个]|课)"
)
_DONE = re.compile(r"了|已|完成|顺利|圆满|共有|一共|到场|参加|共计|到会")
_QUESTION = re.compile(
    # 嘛 only at the end (搞了个讲座嘛来了四十几个 is a filler); V了没(有) and A不A ask
    # (开会不开了 too); Cantonese 报咗未啊 asks "yet?"
    # 呢 at the end asks; 今天呢在四平村… (voice input) only pauses; 开会唔开啊 (开会不开) asks
    # with a particle after it
    r"[?？]|吗|嘛\s*$|干嘛|呢(?=\s*$|[?？。.！!]|[，,][^\d]{0,12}$)|么$|了没有?(?=[啊呀哦吧呢]|\s|$|[，,。])|([\u4e00-\u9fff])不\1|谁(?![都也])|哪|怎么|怎样|咋|如何|什么|啥|多少|哪里|哪儿|哪个|哪些|哪天|几时|几点|"
    r"几次|几个月|几岁|多久|多长|多大(?!概)|能不能|可不可以|可以不|行不行|是不是|有没有|有无|要不要|会不会|"
    r"需不需要|该不该|请问|想问|问一下|问下|咨询一下|求助|谁知道|为何|为什么|算不算|还能|能否|"
    r"是否|可否|是[^，,。；;\s]{1,12}还是|算[^，,。；;\s]{0,12}还是|还是算|(?:报|登记|写|算)还是|不\s*$|没\s*$|没有\s*$|冇(?=\s*$|[?？啊呀吖])|有冇|未[啊呀吖呢]?\s*$|(?P<asked>[开搞办])[\u4e00-\u9fff]{1,2}不(?P=asked)了?[啊呀吖呢哦喔]?\s*$|(?:能|可以|可|会|要|行|是|有|好)[\u4e00-\u9fff]{0,4}不(?=\s|$|[，,。！!])"
)
_WISH = re.compile(
    r"想要|想生|想(?:在|搞|办|开|请|把|让)|打算|准备|计划(?!生育)|要不要|能生|可以生|申请|怎么办|帮我|帮忙|我家|我老婆|我媳妇|"
    r"我老公|我妈|孩子|宝宝|娃"
)
# Plans, notices and activities that did not happen: not a report of something done.
_NOT_DONE = re.compile(
    r"通知|将于|定于|拟于|拟在|明天|明儿|后天|下周|下个?月|下礼拜|下星期|改到|改在|改期|推迟|延期|取消|"
    r"没开成|没搞成|没办成|原定|本来要|本来打算|请各|请大家|准时参加|转告|报名|"
    # could not be held (宣传活动根本搞不成); a target still to meet (12月底前全镇要完成…800份)
    r"[搞开办]不成|[搞开办]不了|要完成|下了?任务|任务是|指标|没(?:时间|空|工夫)(?:搞|开|办)|"
    # a deadline passed on from above: 县里要求每个村12月底前完成入户走访
    r"要求[\u4e00-\u9fff\d]{0,12}前(?:要|须|必须|全部|都要)?完成|"
    # an instruction or a rule: 请在月底前完成并上报 / 县里要求每个组每月一次活动 (not 按照县里
    # 要求，开展了…)
    r"请(?:在|于|按时|及时|尽快)|(?<![按照据依])(?:县|镇|乡|旗|市|区|上面|上级|协会)里?(?:要求|规定)(?![，,:：])|"
    r"每个?月(?:一|1)次|"
    # not held here after all: 5·29的活动今年不在我们村搞了
    r"不(?:在|去)[\u4e00-\u9fff]{1,6}(?:搞|办|开|举办)了|"
    # a plan or an invitation: 计划：… / 预计40人参加 / 大家记得来 / 还搞不搞
    # what the records show, disputed: 统计里只有两次 / 系统里少了一次
    r"统计(?:里|上|中|表里)|(?:系统|表格?|台账)里(?:只有|没有|少了|多了)|"
    # a year ago, remembered: 去年这个时候在江口村搞义诊
    r"去年(?:这个时候|同期|这时候)|往年|"
    # a work plan with its quotas: 第四季度工作安排：走访…不少于20户
    r"工作安排\s*[:：]|工作计划\s*[:：]|工作要点\s*[:：]|不少于|不低于|"
    r"下次再|下回再|改天再|需要(?=\d|[一二两三四五六七八九十几])|[要得]把|还要|计划\s*[:：]|预计|预定|记得来|记得参加|记得到|别忘了来|([搞开办去来做])不\1|"
    # an invitation or instruction for what is to come
    r"欢迎(?:大家|各位|广大|全体|[\u4e00-\u9fff]{0,6}(?:参加|前来|光临))|届时|敬请|务必|"
    r"请(?:全体|各位|广大)|大家都来|每人带|等会儿?|待会儿?|过两天|过几天|马上(?:开始|就)|"
    # 有需要的街坊可以去 / 到时候大概二十来个人 / 月底要在…开: an offer or a plan
    r"有需要的[\u4e00-\u9fff]{0,4}可以[去来]|可以过来|到时候|到时|^[\u4e00-\u9fff]{0,4}要在|"
    # 会员都不愿意来开会: a complaint about coming, not an activity held
    r"不愿意?来|不肯来|"
    # 请发一份登记表给我: a request; 听说/好像…那边: hearsay about someone else's activity
    r"请(?:发|给|把|寄|传)|发给我|给我发|给我\s*$|听说|据说|好像[^，,。]{0,10}(?:那边|他们)|"
    # 一共报了几场 / 上报了几次: how many were reported, asked (十几场 is a count)
    r"(?:报了|登记了|一共|总共)[^，,。\d]{0,2}(?<![十百千好])几(?:场|次|回|期|个|条)|"
    # an activity that did not take place: 没搞 / 没有开 / 未开展 (没办法 is no activity)
    r"(?:没有?|未)(?:搞|开展|开|办(?!法)|举办|举行|组织)(?!完|齐|始)"
)
# What shows an activity took place even when its date reads as still to come (a slip in the
# date is asked, the report is kept): done, attended, counted at it.
_FINISHED = re.compile(
    r"(?<!为)了(?!解)|已|完成|顺利|圆满|共有|一共|共计|到会|实到|到场|[来到]了|参加了|参与了|"
    r"\d+\s*(?:人|名)(?:参加|参与|到会)"
)
_CLOCK = re.compile(
    r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})\s*点(?:半|钟|\d{1,2}分?)?(?![\u4e00-\u9fff]{0,1}[多几]?[人个份])"
)
# A message about something belonging to an activity, not the activity: its photos, notice,
# records, money, what is left over or a rate reached.
_ABOUT_A_THING = re.compile(
    r"(?:活动|讲座|宣传|会议?|义诊|培训)的?(?:照片|相片|图片|通知|记录|台账|经费|资金|材料|报表|表格|"
    r"总结|签到表|方案|钥匙)|经费|还剩|剩下|剩余|[率]达到?|覆盖率|参保率|收到|领回|领到|拿到|到货|还欠|欠了"
)
# Not the sender's own activity, or not one activity: hearsay (听说文竹村昨天搞了义诊), reports
# counted (报了4次活动), a year's tally (去年开展了36次活动), a remark (开会的人好多啊) or a
# suggestion (适合搞宣传).
_NOT_OWN = re.compile(
    r"听说|据说|听[\u4e00-\u9fff]{1,4}说|[她他]们村|人家村|群里说|群里发|群里看到|看到群里|"
    # 艾不盖嘎查好像前几天开了…: someone else's activity, half remembered
    r"好像[\u4e00-\u9fff]{0,6}(?:开了|搞了|办了|开过|搞过|办过)|"
    # 我家来了二十多个亲戚: visitors, not attendance
    r"亲戚|我家来了|家里来了|"
    r"(?<!补)(?:报|上报|登记|录)了?(?:\d+|[一二两三四五六七八九十几]+)次|"
    r"(?:去年|今年|全年|累计|总共|一年)[\u4e00-\u9fff]{0,8}?(?:\d+|[一二两三四五六七八九十几]+)次|"
    r"(?:真|好|太|挺)(?:多|好|热闹|累|辛苦|不错|冷|热|忙)[啊呀哇哦]|适合[搞开办做]|"
    # what usually happens, not one activity: 每次会员活动大概来20个人 / 一般30多人
    r"一般|每次|平时|通常|往往|经常|"
    # 我刚才只是举个例子 昨天在江口村讲座来了30人 不是真的: an example, not a report
    r"举个?例子|打个比方|不是真的|假如|假设|"
    # somebody else's activity, said so or passed on: 不是我们组搞的 / 转发一下…活动简讯给大家参考
    r"不是我们[\u4e00-\u9fff]{0,2}[搞开办]的|不用报|转发|转给大家|给大家参考|供参考|简讯|"
    # 还没上报活动的小组请抓紧 截至今天只有12个组上报: a reminder to the groups, no report
    r"请抓紧|截至[\u4e00-\u9fff]{0,4}(?:只有|共有|已有)|[\d一二两三四五六七八九十几]+个(?:小?组|村)(?:已经?|还没有?)?上报|"
    # news shared or forwarded, held up as an example: 分享一篇新闻：… / 转 …活动 我们也可以学学
    r"分享(?:一[篇条个则下]|个)|新闻\s*[:：]|^转\s*[:：\s]|(?:可以|要|值得|应该)(?:学学|学习|借鉴)|"
    r"向[\u4e00-\u9fff]{1,10}学习"
)
# What was taught at a meeting may be phrased as a question ("讲了育儿补贴怎么申请"): that
# clause is content, not the sender asking.
_TAUGHT = re.compile(
    r"(?:讲了|讲解了?|介绍了?|学习了?|学了|宣讲了?|告诉大家|解答了?|(?<!来)讲(?!座|讲)|教|"
    # 说了说下个月活动咋搞 / 商量了下个月的活动: what a meeting talked over
    r"说了说|聊了聊|谈了谈|商量了?|"
    # what was discussed or asked by those who came (大家都问补贴啥时候发, 讨论保险怎么买)
    r"讨论了?|(?:大家|群众|村民|会员|家长|老人|他们|她们|有人)(?:都|也|还)?(?:在|就)?(?:问|咨询|关心)了?)"
    r"[^，。,；;\s?？]*|"
    # what the sender forgot, not what the sender asks (发了多少资料忘了)
    r"[^，。,；;\s?？]*忘了"
)
# "本月活动：<report>", "上报：<report>", "补报一下：", "小组长报一下": said before a report.
_REPORT_PREFIX = re.compile(
    r"^\s*(?:[\u4e00-\u9fff]{0,4}(?:本月活动|这个月活动|上报|补报|报告|汇报|报一下|报下|登记)"
    r"[\u4e00-\u9fff\d]{0,8}?(?:的活动|活动|的)?\s*[:：]\s*|"
    r"(?:小组长|组长)?(?:报一下|报下|汇报一下|上报一下|补报一下|报告)\s*[:：，,]?\s*)"
)


def strip_report_prefix(text: str) -> str:
    """The report without a lead-in such as "本月活动：" or "上报：" or "报一下"."""
    return _REPORT_PREFIX.sub("", text, count=1).strip()


def is_question(text: str) -> bool:
    """True when the text carries a question marker (吗, 怎么, 多少, ？ ...) outside what was
    taught at an activity."""
    return _QUESTION.search(fold(text.strip())) is not None


def asks_something(text: str) -> bool:
    """A question once taught content ("讲了…怎么申请") is set aside."""
    return _QUESTION.search(_TAUGHT.sub("", fold(text.strip()))) is not None


_LATER = re.compile(
    r"还要|到时候|到时|以后|回头|打算|准备|计划(?!生育)|要去|要搞|要开|要办|下次|下回|争取|希望"
)


def speaks_of_later(text: str, sent: datetime) -> bool:
    """True when the text is about something still to come (下周三在文竹村还要搞一次义诊,
    明天的会改到后天): its place or date is no value for a card of something done."""
    body = fold(text.strip())
    # (开了个小组会 说了说下个月活动咋搞: what a meeting talked over is no plan of this report)
    said = _TAUGHT.sub("", body) if _DONE.search(body) else body
    if _NOT_DONE.search(body) or _LATER.search(said):
        return True
    return still_to_come(said, sent) and not _FINISHED.search(body)


# “计生家庭保险 托起幸福明天”: the title of an activity, whose words say nothing of when or
# whether it happened
_TITLE = re.compile(r"“[^”]{1,30}”|\"[^\"]{1,30}\"|《[^》]{1,30}》")


# What a moved activity was planned for, and the move (原计划 / 原定…改期至 / 推迟一天，于)
_PLANNED_BEFORE = re.compile(
    r"原(?:计划|定|订)|本来(?:要|打算|计划)|计划|推迟|顺延|延期|延后|改期|改到|改在|往后推|推后"
)


# The notice or the plan above a report was done by, in its opening clause (根据旗计生协8月5日
# 通知要求，/ 按照镇里的工作部署，): why it was done, not a notice of it
_MANDATE = re.compile(
    r"^(?:根据|按照|依据|遵照|依照|落实)[^，,。；;\s]{0,30}?"
    r"(?:通知|要求|部署|安排|精神|文件|方案)[^，,。；;\s]{0,4}[，,]\s*(?=\S)"
)
# Several sessions counted vaguely (搞了几次免费测血压), with what they came to told after them
# (一共测了150多人次): 几 is "a few" there, not "how many"
_SEVERAL_HELD = re.compile(
    r"(?:搞|办|开|做|测|量|讲|举办|组织|开展)了几(?:次|场|回|期)(?=[\u4e00-\u9fff])"
)
_COUNTED_AFTER = re.compile(
    r"[\s，,。；;].*?了?\s*\d+\s*(?:多|余|来)?\s*(?:人次|人|个|名|份|户|盒|本)"
)


def _as_said(body: str) -> str:
    """``body`` without what says nothing of whether the report was done or asked: an occasion
    named before it (听日就中秋喇), the notice it was done by, a vague count of sessions."""
    body = _MANDATE.sub("", without_occasion(body))
    several = _SEVERAL_HELD.search(body)
    if several and _COUNTED_AFTER.search(body, several.end()):
        body = body[: several.end() - 2] + "多" + body[several.end() - 1 :]
    return body


def _said_clues(body: str) -> float:
    """Said to be done, asked, wished for, or said not to have happened."""
    body = _TITLE.sub("“”", _as_said(body))
    if held_after_move(body):
        # 原计划10月14日…推迟一天，于10月15日…举行…到会38人: the plan and the move were
        # overtaken by the day it was held
        body = _PLANNED_BEFORE.sub("", body)
    score = 0.1 if _DONE.search(body) else 0.0
    if _QUESTION.search(_TAUGHT.sub("", body)):
        score -= 0.6
    if _WISH.search(_TAUGHT.sub("", body)):  # (讲了讲育儿补贴咋申请: what was taught)
        score -= 0.25
    if _NOT_DONE.search(body):
        score -= 0.5
    return score


def _cheap_clues(body: str) -> float:
    """The clues of :func:`looks_like_report` that need no date, place or count search: what
    :func:`_said_clues` reads, less what the way it is said counts against a report (a plan,
    an invitation, hearsay …: :mod:`handlers.activity.notices`)."""
    return _said_clues(body) - weight_against_report(_TITLE.sub("“”", _MANDATE.sub("", body)))


# -- asides beside a report ---------------------------------------------------------------------

# A clause ends at punctuation or a space (phone messages separate clauses with spaces).
_ASIDE_CLAUSE = re.compile(r"[^\s，,。；;！!？?、]+")
# Said to be done, in a clause of its own (了 but not 了解/为了, 已, 完成 …).
_CLAUSE_DONE = re.compile(r"(?<!为)了(?!解)|咗|已|完成|结束|圆满|顺利|过(?![来去年节])")
# What is still to come, said beside a report: 计划下月再组织一次 / 下次课定于12月中旬 /
# 县计生协表示月底前将在各乡镇推开 / 下午还要去福禄村走访 / 回来再报那个.
_ASIDE_LATER = re.compile(
    r"将(?:在|于|要|会|继续)|(?:月底|年底|月末|年末|周末)前|下次|下回|下个?月|下周|下礼拜|下星期|"
    r"明天|后天|还要|还得|再(?:组织|搞|办|开|报|去|讲)|另行|定于|拟于|计划(?!生育)|打算|准备|"
    r"原定|本来要|本来打算|推迟|延期|改期"
)
# A lead-in question word on its own (问下); a question after a report, about the reporting
# (这样报可以吗 / 咁样报得唔得 / 要分开报还是一起报) or not, is asked beside it (see _is_aside).
# One about the reporting is answered by the card itself.
_ABOUT_REPORTING = re.compile(r"报|登记|算|记上|录入|填|写")
_ONLY_ASKING = re.compile(r"^(?:请问|问下|问一下|想问下?|想问一下|咨询一下|老师|你好|您好)$")
# A quota passed on, not a count of what was done: 旗里说每组要30份 / 还差10份 / 传达…每组发放
# 200份资料的任务要求 (a rate of what was given, 每户发放慰问金300元, is part of the report).
_QUOTA = re.compile(
    r"每(?:个)?(?:组|村|社区|嘎查)(?:都)?(?:要|得|须|需)|任务|指标|还差|差(?:\d|[一二两三四五六七八九十几])|要求"
)


def _carries_nothing(clause: str) -> bool:
    """A short clause with no activity, count or place of its own: 先报今天的 / 我先报了."""
    return (
        len(clause) <= 8
        and not _ACTIVITY_WORDS.search(clause)
        and not re.search(r"\d|[一二两三四五六七八九十百千]", clause)
        and not find_place(clause).name
    )


# What others said or wish for, passed on after the report (大家都话想搞多啲活动 / 群众反映
# 想多搞几次): no part of what was done
_OTHERS_SAID = re.compile(
    r"^(?:大家|群众|村民|会员|居民|家长|老人|他们|她们|好多人|不少人|有人)(?:都|也|还)?"
    r"(?:说|话|讲|反映|表示|希望|提出|建议|要求|想)"
)


# 顺便问下 / 另外问一下 / 对了 还想问: a question said to be asked by the way
_ASKED_BY_THE_WAY = re.compile(r"^(?:顺便|顺带|另外|还有个?事|还想|再|对了|附带)")
# a report passed on about others (人家五通社区那边昨天讲座来了八十多个 / 有人讲…): no report
# of one's own, whatever is asked after it
_PASSED_ON = re.compile(r"^(?:人家|人哋|人们|别人|有人|听说|据说|他们|她们|隔壁)")


def _loose_question(clause: str) -> bool:
    """A question after a report about something else (能发个文件吗): beside the report only
    when the report before it counts what was done (see :func:`report_part`)."""
    return not _CLAUSE_DONE.search(clause) and asks_something(clause)


def _is_aside(clause: str, sent: datetime | None) -> bool:
    """A clause beside a report that is no part of it: a plan, a question about the reporting
    or asked by the way (顺便问下这个月的统计啥时候交), what others said or wish, or a quota;
    never one that says something was done."""
    if _CLAUSE_DONE.search(clause):
        return False
    if _ONLY_ASKING.match(clause):
        return True
    if asks_something(clause) and (
        _ABOUT_REPORTING.search(clause) or _ASKED_BY_THE_WAY.match(clause)
    ):
        return True
    if _OTHERS_SAID.match(clause):
        return True
    if _QUOTA.search(clause):
        return True
    if _ASIDE_LATER.search(clause):
        return True
    return sent is not None and still_to_come(clause, sent)


# A question or a remark announced as said beside (顺便问下, 另外问一下, 还有个问题)
_ASIDE_OPENER = re.compile(
    r"(?:顺便|顺带|另外|还有|再|还)(?:问|请教)|(?:顺便|顺带|另外)(?:说|讲)一?(?:下|声|句)$|"
    r"还有个?(?:问题|事)|还想问|想问(?:一下|下|问)?$|(?:请问|问一下|问下|问问)$"
)


def report_part(text: str, sent: datetime | None = None) -> str:
    """The report in ``text`` without its asides: "昨天在江口村搞了讲座来了30人 这样报可以吗",
    "…发放健康手册150本，计划下月再组织一次。", "今天村部开小组会 到会12人 月底前还要发200份
    资料": the plan, the question about reporting it and the quota are said beside the report,
    not in it, and neither make it a question or a plan nor give it a date or an item.

    Only when what remains says by itself that something was done (了, 到会, 来了 …) is it the
    report; else the text comes back unchanged (a plan stays a plan)."""
    body = fold(text.strip())
    if not (_ACTIVITY_WORDS.search(body) or _TALK_TO.search(body)):
        # no activity to report (a talk given, 给会员讲冬季慢病防治, is one): nothing to set
        # apart (most questions)
        return body
    if _EXAMPLE_LEAD.match(body):
        return body  # 比如今天在村委会搞宣传 来了二十人 这样写可以吗: an example, asked about
    clauses = list(_ASIDE_CLAUSE.finditer(body))
    if len(clauses) < 2:
        return body
    # only a lead-in question word before the report, only asides (and what carries nothing,
    # 先报今天的) after it: a clause between two of the report's is the report's, never set
    # apart (12月3日在文竹村搞宣传，办了20份关爱保险: that day's items stay with that day)
    start, end = 0, len(clauses)
    while start < end and _ONLY_ASKING.match(clauses[start].group(0)):
        start += 1
    aside = start > 0
    loose = False
    for index in range(start + 1, end):
        if _ASIDE_OPENER.match(clauses[index].group(0)):
            # …发了200份明白纸 顺便问下 育儿补贴是不是每年3600 …: all after it is the aside
            end, aside, loose = index, True, True
            break
    while end > start:
        clause = clauses[end - 1].group(0)
        if _is_aside(clause, sent):
            aside = True
        elif _loose_question(clause):
            aside = loose = True
        elif not _carries_nothing(clause):
            break
        end -= 1
    if not aside or end == start:
        return body
    kept = body[clauses[start].start() : clauses[end - 1].end()].strip(" ，,、；;。")
    if not _HAS_CONTENT.search(kept) or not _done_by_itself(kept, sent):
        return body
    if loose and (_PASSED_ON.match(kept) or not (find_participants(kept) or extract_items(kept))):
        # 宣传册发完了 能不能再给100本 / 上次在村部开会冷死了 能不能换个地方: what is said
        # first only leads to the question; a report beside a question counts what was done
        return body
    if _SENT_BEFORE.match(kept):
        return body  # 前天报的入户走访8户 怎么查不到: a report sent before, asked after
    place = find_place(kept)
    if not (place.name or place.home_venue) and (sent is None or find_date(kept, sent) is None):
        return body  # 一次搞了三个活动 要分开报还是一起报: no day, no place, no report of one
    return kept


#: 比如… / 假如… : what follows is an example or a supposition, not something done
_EXAMPLE_LEAD = re.compile(r"^(?:比如说?|例如|譬如|假如|假设|如果|要是)")
#: 前天报的… / 上午上报的… / 我昨天登记的…: a report already sent, spoken of
_SENT_BEFORE = re.compile(
    r"^(?:我|我们)?(?:前天|昨天|今天|上午|下午|早上|刚才|之前|上周|上个?月|\d+号|\d+月\d+日)?"
    r"(?:我|我们)?(?:报的|上报的|登记的|报上去的|发的那条|发上来的)"
)


def asks_beside(text: str, sent: datetime | None = None) -> bool:
    """A report with a question asked beside it (…来了十八个人 顺便问下这个月的统计啥时候交):
    the card is made from the report, and the question is left to be sent on its own. A
    question about the reporting itself (这样报可以吗) is answered by the card."""
    body = strip_report_prefix(fold(text.strip()))
    part = report_part(body, sent)
    if part == body:
        return False
    rest = body.replace(part, "，", 1)
    return asks_something(rest) and not _ABOUT_REPORTING.search(rest)


def _done_by_itself(text: str, sent: datetime | None) -> bool:
    """Said to be done (了, 到会, 来了 …), or, as newsletter prose says it, a day gone by with
    what came of it (11月23日…二十余名家长参加，发放读本20本)."""
    if _FINISHED.search(text):
        return True
    if sent is None or find_date(text, sent) is None or still_to_come(text, sent):
        return False
    return bool(find_participants(text) or extract_items(text))


def looks_like_report(text: str, sent: datetime | None = None) -> float:
    """0..1: how much ``text`` reads like a report of an activity rather than a question."""
    body = strip_report_prefix(fold(text.strip()))
    if len(body) < 6:
        return 0.0
    score = _report_score(body, sent, _cheap_clues(body))
    if score < REPORT_THRESHOLD and not disowned(body):
        part = report_part(body, sent)
        if part != body and len(part) >= 6:
            score = max(score, _report_score(part, sent, _cheap_clues(part)))
    return score


def _report_score(body: str, sent: datetime | None, cheap: float) -> float:
    """:func:`looks_like_report` of the folded ``body`` whose :func:`_cheap_clues` are ``cheap``."""
    score = 0.35 if _ACTIVITY_WORDS.search(body) else 0.0
    if sent is not None and find_date(body, sent) is not None:
        score += 0.2
    place = find_place(body)
    if place.name or place.home_venue:
        score += 0.15
    counted = bool(find_participants(body) or extract_items(body))
    if counted:
        score += 0.3
    elif (
        not (place.name or place.home_venue)
        and _kind_of(body, generic=False) is None
        and not re.search(r"[搞开办做]完|结束", body)
    ):
        # 今天累死了 搞了一天 / 昨天搞活动下大雨: no place, no count, no activity named, not
        # even said to be over (今天搞完活动了 is a report, its details are asked)
        score -= 0.3
    score += cheap
    if sent is not None and still_to_come(body, sent) and not (_FINISHED.search(body) or counted):
        # 12月5日在文竹村开展宣传活动 sent on 1 December, 今晚七点开小组会 sent in the morning:
        # a notice of what is to come, unless it says what came of it (来了30人, 发放资料100份;
        # then the date is the slip, and it is asked)
        score -= 0.5
    if _CLOCK.search(body) and not (_FINISHED.search(body) or counted):
        # 今晚七点在活动室开小组会: a time to be there, as notices give it
        score -= 0.3
    if _ABOUT_A_THING.search(body) and not find_participants(body):
        score -= 0.45
    if _NOT_OWN.search(body):
        score -= 0.6
    return max(0.0, min(1.0, score))


#: What the costly clues of :func:`looks_like_report` (date, place, people or items) add at most.
_MOST_FROM_CLUES = 0.2 + 0.15 + 0.3


def reads_like_report(text: str, sent: datetime | None = None) -> bool:
    """``looks_like_report(text, sent) >= REPORT_THRESHOLD``, without looking for a date, a
    place or counts when the cheap clues already rule it out (most questions: the penalty of
    a question mark or 吗 leaves too little for them to make up). A report with asides
    (:func:`report_part`) is judged without them."""
    body = strip_report_prefix(fold(text.strip()))
    if _reads_like_report(body, sent):
        return True
    if disowned(body):
        return False  # (镇卫生院…搞了体检 不是我们组搞的 要不要报: not without its last words)
    part = report_part(body, sent)
    return part != body and _reads_like_report(part, sent)


def _reads_like_report(body: str, sent: datetime | None) -> bool:
    if len(body) < 6:
        return False
    most = (0.35 if _ACTIVITY_WORDS.search(body) else 0.0) + _MOST_FROM_CLUES
    said = _said_clues(body)
    # the notices only count against a report: skip them when the rest already rules it out
    if most + said < REPORT_THRESHOLD - 1e-9:
        return False
    cheap = said - weight_against_report(_TITLE.sub("“”", _MANDATE.sub("", body)))
    if most + cheap < REPORT_THRESHOLD - 1e-9:
        return False
    return _report_score(body, sent, cheap) >= REPORT_THRESHOLD


# -- several activities in one message ---------------------------------------------------------

_HAS_CONTENT = re.compile(r"[\u4e00-\u9fff]{2}")


def split_reports(text: str, sent: datetime) -> list[str]:
    """One text per activity: a catch-up message listing several dated activities
    ("11月3日…；11月10日…") is cut before each date; a lead-in without an activity of its own
    ("这个月的都没报") is dropped. A message with one activity comes back whole (folded)."""
    body = strip_report_prefix(fold(text.strip()))
    if held_after_move(body):
        return [body]  # (原定9月5日…推迟至9月12日举行…: one activity, on its new day)
    listed = _split_list(body)
    if listed:
        return listed
    dates = find_dates(body, sent)
    if len(dates) < 2:
        return _split_day_parts(body, dates)
    starts = [span[0] for _, span in dates]
    pieces: list[str] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(body)
        pieces.append(body[start:end])
    lead = body[: starts[0]]
    # a piece that is only a date ("昨天（11月5日）") belongs with the next one
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        joined = carry + piece
        date_only = find_date(joined, sent)
        rest = joined
        if date_only is not None:
            a, b = date_only[1]
            rest = joined[:a] + joined[b:]
        if not _reportable(rest):
            carry = joined
            continue
        merged.append(joined.strip(" ，,；;。"))
        carry = ""
    if carry and merged:
        merged[-1] = merged[-1] + carry
    merged = _same_day_and_place(merged, sent)
    if len(merged) < 2:
        return [body]
    if _reportable(lead) and reads_like_report(lead, sent):
        merged.insert(0, lead.strip(" ，,；;。"))
    return merged


def _same_day_and_place(pieces: list[str], sent: datetime) -> list[str]:
    """ "11月3号在江口村开会，到了20人，11月3号那天还发了资料50份": a piece on the day and at
    the place of the one before it (or naming no place) is more of that activity, not another
    (one reporter, date and place is one record)."""
    out: list[str] = []
    last: tuple[DateSpan | None, str | None] = (None, None)
    for piece in pieces:
        found = find_date(piece, sent)
        span = found[0] if found else None
        place = find_place(piece).name
        if out and span is not None and span == last[0] and (place is None or place == last[1]):
            out[-1] = out[-1] + "，" + piece
            continue
        out.append(piece)
        last = (span, place)
    return out


# a numbered list, one activity a line: "1. 11月4日 …" / "2、…" / "（3）…"
_LIST_MARK = re.compile(
    r"(?m)^[ \t]*(?:[（(]\d{1,2}[）)]|\d{1,2}[ \t]*[.、．](?!\d)|[一二三四五六七八九十]{1,2}[ \t]*[、.．])"
)


def _split_list(body: str) -> list[str]:
    """The lines of a numbered list when there are two or more and each is an activity."""
    marks = list(_LIST_MARK.finditer(body))
    if len(marks) < 2:
        return []
    ends = [m.start() for m in marks[1:]] + [len(body)]
    pieces = [
        body[m.end() : end].strip(" \t\n，,；;。") for m, end in zip(marks, ends, strict=True)
    ]
    if not all(_reportable(piece) for piece in pieces):
        return []
    return pieces


_DAY_PART = re.compile(r"上午|下午|中午|晚上|早上|傍晚")


def _split_day_parts(body: str, dates: list[tuple[DateSpan, tuple[int, int]]]) -> list[str]:
    """ "今天…上午在江口村宣传 发资料80份 下午在文竹村义诊…": one activity per part of the day,
    when each part names its own place and its own activity; the day said once goes to each."""
    marks = [m.start() for m in _DAY_PART.finditer(body)]
    if len(marks) < 2:
        return [body]
    pieces = [body[a:b] for a, b in zip(marks, [*marks[1:], len(body)], strict=True)]
    places = [find_place(piece).name for piece in pieces]
    if any(p is None for p in places) or len(set(places)) < len(places):
        return [body]
    if not all(find_participants(p) or extract_items(p) or names_an_event(p) for p in pieces):
        return [body]
    day = ""
    if dates and dates[0][1][1] <= marks[0]:
        a, b = dates[0][1]
        day = body[a:b]
    return [(day + piece).strip(" ，,；;。") for piece in pieces]


def _reportable(text: str) -> bool:
    """Enough of an activity of its own: a place, a count, or an activity word."""
    if not _HAS_CONTENT.search(text):
        return False
    place = find_place(text)
    return bool(
        place.name
        or place.home_venue
        or find_participants(text)
        or extract_items(text)
        or _kind_of(text, generic=False)
    )


# -- extraction --------------------------------------------------------------------------------


def parse_activity(text: str, sent_at: datetime, home: str | None = None) -> ActivityDraft | None:
    """An :class:`ActivityDraft` when ``text`` reads like a report, else None."""
    if not reads_like_report(text, sent_at):
        return None
    # read as the webhook reads one report (parse_reports): a value taken back gives way
    draft = extract(_report_source(_taken_back(text, sent_at), sent_at), sent_at, home)
    draft.text = text.strip()
    return draft


def _report_source(text: str, sent_at: datetime) -> str:
    """What to read the report from: the text without its asides when that is a report."""
    body = strip_report_prefix(fold(text.strip()))
    part = report_part(body, sent_at)
    return part if part != body and _reads_like_report(part, sent_at) else text


#: 哦不对是 / 不对 应该是 / 说错了: the day or place just said is taken back, for the one after
_SAID_WRONG = re.compile(
    r"[\s，,。]*(?:哦|噢|喔|啊|呃|额|诶|哎|唉)?[\s，,]*(?:不对|不是|说错了?|讲错了?|口误)[\s，,。]*"
    r"(?:应该是|是)?[\s，,]*"
)
_PLACE_NAME = r"[\u4e00-\u9fff]{1,8}?(?:村|社区|嘎查|屯|镇|乡|街道|苏木)"
_DAY_PART_END = re.compile(r"(?:上午|下午|晚上|早上|中午|傍晚|晚|早)$")


# the units a count said twice in a row is taken back in (十二个不对是十三个, 20份不对是30份)
_RECOUNTED = r"(?:个人|[个人名位份本张盒户袋瓶册支套件元])"


def _taken_back(text: str, sent_at: datetime) -> str:
    """今天上午 哦不对是昨天上午 在联坡村… → 昨天上午 在联坡村…: a day (or a place) said, taken
    back and said again inside the report is the second one; anything else is left as it is."""
    body = fold(text)
    if not _SAID_WRONG.search(body):
        return text
    for marker in reversed(list(_SAID_WRONG.finditer(body))):
        before, after = body[: marker.start()], body[marker.end() :]
        dates = [span for _, span in find_dates(before, sent_at)]
        later = find_dates(after, sent_at)
        bare = _DAY_PART_END.sub("", before)
        if dates and dates[-1][1] == len(bare) and later and later[0][1][0] == 0:
            body = before[: dates[-1][0]] + after
            continue
        # 来了十二个不对是十三个人: a count said, taken back and said again
        count = re.search(
            rf"(?<![\d一二两三四五六七八九十百千])(?:{NUMBER})(?:多|余|几|来)?{_RECOUNTED}?"
            r"(?:后生仔|学生|群众|会员|村民|妇女|家长|老人|孩子|姐妹)?$",
            before,
        )
        if (
            count
            # 十二个不是十三个 keeps 12; 30个后生仔 哦不是 是35个 takes it back
            and re.search(r"不对|说错|讲错|口误|不是[\s，,]*是", marker.group(0))
            and re.match(rf"(?:{NUMBER})(?:多|余|几|来)?{_RECOUNTED}", after)
        ):
            body = before[: count.start()] + after
            continue
        said = re.search(rf"(?:在|去|到){_PLACE_NAME}$", before)
        if said and re.match(rf"(?:在|去|到)?{_PLACE_NAME}", after):
            body = (
                before[: said.start()] + ("" if after[0] in "在去到" else said.group(0)[0]) + after
            )
    return body


def parse_reports(text: str, sent_at: datetime, home: str | None = None) -> list[ActivityDraft]:
    """Every activity a report message gives (several for a catch-up list); [] when the text
    does not read like a report."""
    if not reads_like_report(text, sent_at):
        return []
    source = _report_source(_taken_back(text, sent_at), sent_at)
    pieces = split_reports(source, sent_at)
    if len(pieces) == 1:
        draft = extract(source, sent_at, home)
        draft.text = text.strip()
        return [draft]
    drafts = [extract(piece, sent_at, home, assume_home=False) for piece in pieces]
    # "11月3日在江口村开小组会；11月10日入户走访8户": a piece without a place is where the
    # others were, when they were all at one place; else the reporter's village, else asked
    places = {(d.place, d.place_home) for d in drafts if d.place is not None}
    for draft in drafts:
        if draft.place is None and len(places) == 1:
            draft.place, draft.place_home = next(iter(places))
        elif draft.place is None and home:
            draft.place, draft.place_home = home, True
    return drafts


def extract(
    text: str, sent_at: datetime, home: str | None = None, *, assume_home: bool = True
) -> ActivityDraft:
    """Extract every field the text gives, without deciding whether it is a report.

    With ``home`` (the reporter's registered village) a venue without a name (村委会, 本村) is
    that village, and so is a report that names no place at all (``assume_home``): the
    labelling rules leave the place empty only for a reporter without a village.
    """
    body = strip_report_prefix(fold(text.strip()))
    found = find_date(body, sent_at)
    if found is not None and not plausible(found[0], body, sent_at):
        found = None  # a date still to come, or a year back by a slip: asked, not guessed
    people = find_participants(body)
    place = find_place(body, home)
    name, at_home = place.name, place.home
    if name is None and home and assume_home and not place.home_venue:
        name, at_home = home, True
    return ActivityDraft(
        text=text.strip(),
        date=found[0] if found else None,
        place=name,
        kind=classify_kind(body),
        participants=people[0] if people else None,
        participants_approx=people[1] if people else False,
        items=extract_items(body, people[2] if people else None),
        place_home=at_home,
    )


# the words around a day and a place said alone: 今朝喺桥沥社区 / 昨天我们在福禄村
_OPENING_FILLER = re.compile(r"[在喺去到我们咱俺的那个这个边里呢啊哈嗯\s，,。：:]")


@dataclass(frozen=True)
class Opening:
    """A day and a place said alone, the first message of a report sent in pieces."""

    day: DateSpan
    place: str
    home: bool


def report_opening(text: str, sent: datetime, home: str | None = None) -> Opening | None:
    """今朝喺桥沥社区 / 昨天下午 村委会: a day and a place and nothing else (no question, no plan,
    nothing done yet): the rest of the report is likely to follow in the next message."""
    body = fold(text.strip())
    if not body or len(body) > 24 or asks_something(body) or speaks_of_later(body, sent):
        return None
    if weight_against_report(body) > 0 or _ACTIVITY_WORDS.search(body):
        return None
    found = find_date(body, sent)
    place = find_place(body, home)
    if found is None or place.name is None:
        return None
    span, (start, end) = found
    rest = body[:start] + body[end:]
    named = place.name if not place.home else ""
    rest = rest.replace(named, "") if named else _VENUES.sub("", _VENUE_OF_VILLAGE.sub("", rest))
    rest = _DAY_PART_END.sub("", _OPENING_FILLER.sub("", rest))
    rest = re.sub(r"上午|下午|晚上|早上|中午|傍晚", "", rest)
    if rest:
        return None
    return Opening(span, place.name, place.home)
