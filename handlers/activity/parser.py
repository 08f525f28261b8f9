"""Transport-free extraction of an activity report from one message.

``looks_like_report`` scores how much a message reads like a report of something done (a date,
a place, activity words, counted people or items) against how much it reads like a question;
``parse_activity`` extracts an :class:`ActivityDraft`. Both are pure functions of the text and
the sent time, unit-tested and measured by ``xiehui activities eval``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from handlers.activity.dates import DateSpan, find_date
from handlers.activity.numbers import APPROX_BEFORE, NUMBER, normalise_digits, parse_quantity

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
    ("youth", ("青春健康", "青春期", "青少年", "中学生", "高中生", "初中生", "大学生", "学生")),
    ("clinic", ("义诊", "体检", "检查身体", "量血压", "测血压", "免费检查", "两癌")),
    ("lecture", ("讲座", "培训", "讲课", "课堂", "授课", "上课", "健康课")),
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
            "开了个会",
            "开小组",
            "小组在",
            "小组开",
        ),
    ),
    ("insurance", ("投保", "参保", "保险")),
    ("visit", ("入户", "走访", "慰问", "探访", "家访", "看望", "上门", "随访")),
    ("publicity", ("宣传", "526", "5·26", "发放", "派发", "咨询")),
    ("lecture", ("讲了", "宣讲", "讲解", "知识讲")),
    ("member", ("活动",)),
)

_PLACE_SUFFIX = r"(?:村委会|村|社区|嘎查|小区|屯|镇|乡|苏木|街道|县|前旗|后旗|中旗|左旗|右旗)"
_PLACE = re.compile(
    rf"(?P<name>[\u4e00-\u9fff]{{1,12}}?)(?P<suffix>{_PLACE_SUFFIX})"
    r"(?!医|民|干|级|里|长|委员|支书|主任|两委|村|亲|下|镇)"
)
_VILLAGE_LEVEL = ("村", "社区", "嘎查", "小区", "屯", "村委会")
_TOWN_LEVEL = ("镇", "乡", "苏木", "街道")
# A place name never spans these: cut the candidate after the last one ("协在尖山" → "尖山").
# A place name never spans these: cut the candidate after the last one ("协在尖山" → "尖山");
# 旗 only when a name follows (红旗村 keeps it, 达拉特旗树林召镇 does not).
_PLACE_BOUNDARY = re.compile(
    r".*(?:在|到|于|去|给|的|了|协|院|市|区|县|各|们|是|从|往|赴|向|镇|乡|苏木|街道|嘎查|"
    r"喺|哋|咗|旗(?=[\u4e00-\u9fff]{2}))"
)
# Words that end up glued in front of a place name and are not part of it.
_PLACE_PREFIXES = (
    "今天",
    "昨天",
    "前天",
    "今日",
    "昨日",
    "上午",
    "下午",
    "晚上",
    "早上",
    "中午",
    "傍晚",
    "昨儿",
    "今早",
    "昨晚",
    "今晚",
    "组织",
    "开展",
    "召开",
    "举办",
    "举行",
    "来到",
    "深入",
    "走进",
    "前往",
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
    "上周",
    "这周",
    "本周",
    "周",
    "星期",
    "礼拜",
    "月底",
    "月初",
    "中旬",
    "上旬",
    "下旬",
    "会员",
    "小组",
    "志愿者",
    "计生",
    "那边",
    "这边",
    "那里",
    "这里",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "日",
    "天",
    "号",
    "日",
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
    {
        "农村",
        "乡村",
        "城乡",
        "家乡",
        "下乡",
        "全县",
        "全镇",
        "全村",
        "本村",
        "该村",
        "乡镇",
        "小区",
    }
)

_PEOPLE_NOUNS = r"(?:人|名|位|个|户代表)"
_WHO = r"(?:会员|群众|村民|居民|妇女|育龄妇女|家庭|志愿者|学生|青少年|老人|党员|牧民|同学|家长|孕妇|代表|干部|村干|群众代表)?"
_PARTICIPANTS = (
    # 到了13个会员 / 来了三十几个人 / 参加的有60多人 / 参加人数50人
    re.compile(
        rf"(?:到了|来了|到场|参加的有|参与的有|参加人数|参与人数|参加人员|参会人数|出席|参会|共有|一共|共计|有|共)\s*(?:约|大约|近|将近|差不多|大概)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来|左右|上下)?\s*{_PEOPLE_NOUNS}{_WHO}(?!次)"
    ),
    # 60多名群众参加 / 群众200余人参加 / 13人参加 / 会员15人
    re.compile(
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*{_PEOPLE_NOUNS}(?:左右|上下)?{_WHO}(?:左右)?"
        r"\s*(?:参加|参与|到场|出席|参会|到会|来了|听课|接受|踊跃|积极)"
    ),
    re.compile(
        rf"(?:会员|群众|村民|居民|妇女|学生|人员|家长|牧民|老人|代表)(?:共|约|近)?\s*(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:人|名|位|个)(?!次)"
    ),
    re.compile(
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:名|位)(?:会员|群众|村民|居民|妇女|学生|志愿者|青少年|老人|家长|牧民)"
    ),
    re.compile(
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*个(?:会员|群众|村民|居民|妇女|学生|青少年|老人|家长|牧民|人)(?!次)"
    ),
    re.compile(rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*人(?:左右|上下)?(?![次口员])"),
    # 人到齐了 十五个 / 会员来齐了 共12人
    re.compile(
        rf"(?:人|会员)(?:都)?(?:到齐|来齐|到全)了?\s*(?:共|一共|有)?\s*"
        rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?:个|人|名|位)"
    ),
    # 人数15 / 人数：15
    re.compile(rf"人数\s*[:：为是]?\s*(?P<num>{NUMBER})(?P<approx>多|余|几|来)?"),
    # 参训小组长40名: 名 counts people whoever they are
    re.compile(rf"(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*名(?!次|单|额|称|字)"),
)

_ITEM_UNITS = (
    r"(?:人次|份|只|本|张|盒|瓶|袋|件|套|户|条|册|支|箱|斤|把|幅|盒|个|元|期|场|次|块|条|副)"
)
_ITEM_BEFORE = re.compile(
    rf"(?P<name>[\u4e00-\u9fff]{{1,10}}?)\s*(?:约|近|大约|共)?\s*(?P<num>{NUMBER})(?P<approx>多|余|几|来)?\s*(?P<unit>{_ITEM_UNITS})(?P<after>左右|上下)?"
)
_ITEM_NAME_STOP = re.compile(r"[，,。；;、\s]")
# Canonical item names, so "宣传册" and "宣传资料" count together in statistics.
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
        ),
    ),
    ("避孕药具", ("避孕套", "安全套", "避孕药", "药具", "计生用品")),
    ("咨询", ("咨询", "解答", "答疑")),
    ("关爱保险", ("保险", "投保", "参保", "保单")),
    ("慰问", ("慰问", "走访", "入户", "探访", "看望", "家访", "随访", "上门")),
    ("叶酸", ("叶酸",)),
    ("横幅", ("横幅", "标语", "条幅")),
    ("体检", ("体检", "检查", "血压", "义诊")),
    ("慰问金", ("慰问金", "元")),
)
_ITEM_NAME_STRIP = (
    "发放了",
    "发放",
    "派发",
    "发了",
    "发出",
    "分发",
    "赠送",
    "送出",
    "送了",
    "送去",
    "张贴",
    "悬挂",
    "提供了",
    "提供",
    "办理了",
    "办理",
    "现场",
    "免费",
    "还有",
    "以及",
    "另外",
    "同时",
    "其中",
    "共计",
    "一共",
    "总共",
    "共",
    "约",
    "近",
    "大约",
    "给",
    "和",
    "及",
    "并",
    "还",
    "有",
    "了",
    "也",
    "又",
    "计",
    "达",
    "各类",
    "各种",
    "为群众",
    "群众",
    "开展",
    "接受",
    "为",
    "发",
    "送",
)

_ACTIVITY_WORDS = re.compile(
    r"活动|宣传|讲座|培训|义诊|走访|慰问|入户|开展|组织|举办|举行|召开|开了|搞了|办了|发放|发了|派发|"
    r"例会|宣讲|授课|参加|参与|到了|来了|签约|投保|咨询服务|看望|探访|体检|课堂"
)
_DONE = re.compile(r"了|已|完成|顺利|圆满|共有|一共|到场|参加|共计")
_QUESTION = re.compile(
    r"[?？]|吗|嘛|呢|么$|谁|哪|怎么|怎样|咋|如何|什么|啥|多少|哪里|哪儿|哪个|哪些|哪天|几时|几点|"
    r"几个月|几岁|多久|多长|多大|能不能|可不可以|可以不|行不行|是不是|有没有|有无|要不要|会不会|"
    r"需不需要|该不该|请问|想问|问一下|问下|咨询一下|求助|谁知道|为何|为什么|算不算|还能|能否|"
    r"是否|可否|不\s*$|没\s*$|没有\s*$|冇|未\s*$|(?:能|可以|可|会|要|行|是|有|好)[\u4e00-\u9fff]{0,4}不(?=\s|$|[，,。！!])"
)
_WISH = re.compile(
    r"想要|想生|打算|准备|计划|要不要|能生|可以生|申请|怎么办|帮我|帮忙|我家|我老婆|我媳妇|我老公|我妈|孩子|宝宝|娃"
)


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
    """What the bot understood from one report; fields the text did not give stay None."""

    text: str
    date: DateSpan | None = None
    place: str | None = None
    kind: str = "other"
    participants: int | None = None
    participants_approx: bool = False
    items: list[Item] = field(default_factory=list)

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
        )


def item_category(name: str, unit: str = "") -> str:
    """A canonical item name: 宣传册 → 宣传资料, 安全套 → 避孕药具, 入户走访 → 慰问."""
    if unit == "元":
        return "慰问金"
    for category, words in _ITEM_CATEGORIES:
        if any(word in name for word in words):
            return category
    return name


_EVENT = re.compile(
    r"(?:开展|组织|举办|举行|搞了|开了|办了|进行)(?:了|一场|一次|个)?(?P<event>[^，。,；;\s]{1,12})"
)


def _kind_of(text: str, *, generic: bool) -> str | None:
    for kind, words in _KIND_WORDS:
        if not generic and words == ("活动",):
            continue
        if any(word in text for word in words):
            return kind
    return None


def classify_kind(text: str) -> str:
    """The kind of activity: what the event is called (开展慰问活动 → visit) first, else any
    kind word in the message, else "other"."""
    for match in _EVENT.finditer(text):
        kind = _kind_of(match.group("event"), generic=False)
        if kind is not None:
            return kind
    return _kind_of(text, generic=True) or "other"


def _strip_prefixes(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _PLACE_PREFIXES:
            if name.startswith(prefix) and len(name) - len(prefix) >= 2:
                name = name[len(prefix) :]
                changed = True
    return name


def find_places(text: str) -> list[tuple[str, str]]:
    """(place name, level) pairs in order: level is village, town or county."""
    found: list[tuple[str, str]] = []
    for match in _PLACE.finditer(text):
        suffix = match.group("suffix")
        name = _PLACE_BOUNDARY.sub("", match.group("name"))
        name = _strip_prefixes(name)
        # Mongolian names are long (哈日根台嘎查, 鄂托克前旗); Han village names are short.
        limit = 6 if suffix in ("嘎查", "苏木") or suffix.endswith("旗") else 4
        name = _strip_prefixes(name[-limit:])
        if suffix == "村委会":
            suffix = "村"
        elif suffix == "村" and text.startswith("社区", match.end()):
            name, suffix = name + "村", "社区"  # 新村社区 is a community named 新村
        place = name + suffix
        if len(name) < 2 or place in _NOT_PLACES:
            continue
        if suffix in _VILLAGE_LEVEL:
            level = "village"
        elif suffix in _TOWN_LEVEL:
            level = "town"
        else:
            level = "county"
        found.append((place, level))
    return found


def extract_place(text: str) -> str | None:
    """The most specific place named: a village-level name, else a township, else a county."""
    places = find_places(text)
    for level in ("village", "town", "county"):
        for place, place_level in places:
            if place_level == level:
                return place
    return None


def find_participants(text: str) -> tuple[int, bool, tuple[int, int]] | None:
    """(count, approximate, span in text) of the people who took part."""
    for pattern in _PARTICIPANTS:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 4) : match.start()]
            approx_word = match.group("approx") or ""
            quantity = parse_quantity(match.group("num") + approx_word, before)
            if quantity is None or quantity.value <= 0 or quantity.value > 100000:
                continue
            tail = text[match.end() : match.end() + 2]
            approximate = quantity.approximate or tail.startswith(("左右", "上下"))
            if any(word in match.group(0) for word in APPROX_BEFORE):
                approximate = True
            return quantity.value, approximate, match.span()
    return None


def extract_participants(text: str) -> tuple[int, bool] | None:
    found = find_participants(text)
    return (found[0], found[1]) if found else None


_VERB_SPLIT = re.compile(
    r"发放了?|派发了?|派咗|发了|发出|分发|赠送了?|送出|送了|送去|张贴了?|悬挂了?|提供了?|办理了?|办了|"
    r"开展了?|共计|一共|总共|累计|现场|其中|另外|同时|以及|还有"
)
_VISIT_WORDS = ("走访", "入户", "上门", "看望", "随访", "慰问", "探访", "家访", "走了", "服务")
_PERSON_WORDS = re.compile(
    r"人|会员|群众|村民|居民|妇女|学生|参加|参与|到了|来了|家长|牧民|老人|请假|没来"
)
_NOT_COUNTED_AFTER_GE = (
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
    "会员",
    "群众",
    "村民",
    "居民",
    "人",
    "妇女",
    "学生",
    "老人",
    "家长",
    "月",
)
_ITEM_WORDS = tuple(word for _, words in _ITEM_CATEGORIES for word in words)


def _recent_item_word(before: str) -> str:
    """The item word nearest before a bare count: 办理关爱保险 办了26份 → 保险."""
    best, at = "", -1
    for word in _ITEM_WORDS:
        position = before.rfind(word)
        if position > at or (position == at and len(word) > len(best)):
            best, at = word, position
    return best


_APPROX_WORDS = ("大概", "大约", "差不多", "将近", "接近", "约", "近")
_PER_EACH = ("每户", "每人", "每个", "每家", "每位", "人均")


def _clean_item_name(raw: str) -> str:
    pieces = [p for p in _VERB_SPLIT.split(_ITEM_NAME_STOP.split(raw)[-1]) if p]
    for name in reversed(pieces):
        cleaned = _strip_item_words(name)
        if cleaned:
            return cleaned
    return ""


def _strip_item_words(name: str) -> str:
    changed = True
    while changed and name:
        changed = False
        for word in (*_APPROX_WORDS, *_ITEM_NAME_STRIP):
            if name.startswith(word):
                name = name[len(word) :]
                changed = True
        for word in ("了", "的", "约", "近", "共", "有", "也", "都", "还", "又"):
            if name.endswith(word):
                name = name[: -len(word)]
                changed = True
    return name


def _name_after(text: str, position: int) -> str:
    tail = _ITEM_NAME_STOP.split(text[position : position + 8])[0]
    tail = _VERB_SPLIT.split(tail)[0]
    return re.split(r"[\d一二两三四五六七八九十百千万]", tail)[0]


def extract_items(text: str, people_span: tuple[int, int] | None = None) -> list[Item]:
    """Counted items in the order written (宣传资料1000多份, 发了30份资料, 慰问4户)."""
    items: list[tuple[int, Item]] = []
    for match in _ITEM_BEFORE.finditer(text):
        num_at = match.start("num")
        if people_span and people_span[0] <= num_at < people_span[1]:
            continue
        unit = match.group("unit")
        if unit in ("场", "期", "次"):
            continue
        clause = _ITEM_NAME_STOP.split(text[max(0, num_at - 16) : num_at])[-1]
        if any(word in clause for word in _PER_EACH):
            continue  # 每户发放慰问金300元 is a rate, not a total
        raw = match.group("name")
        name = _clean_item_name(raw)
        if "参与" in name or "参加" in name:
            continue  # 参与家庭18户: families who took part, not something handed out
        after = _strip_item_words(_name_after(text, match.end()))
        if unit == "户" and item_category(name, unit) == name:
            context = text[max(0, num_at - 12) : num_at]
            if any(word in context for word in _VISIT_WORDS) and not any(
                word in after for word in ("参保", "投保")
            ):
                name = "走访"
            elif after:
                name = after
        if unit == "个" and text.startswith(_NOT_COUNTED_AFTER_GE, match.end()):
            continue  # 3个嘎查, 两个请假: places and people, not things handed out
        if not name:
            name = _recent_item_word(text[max(0, num_at - 16) : num_at])
        if len(name) < 1 or (item_category(name, unit) == name and len(name) == 1):
            name = "" if unit == "个" else after
        if not name or "参与" in name or "参加" in name:
            continue
        if unit in ("个", "名") and _PERSON_WORDS.search(name + after[:2]):
            continue
        if re.fullmatch(r".*[月日号年周天点时分]", name):
            continue
        before = text[max(0, num_at - 3) : num_at]
        quantity = parse_quantity(match.group("num") + (match.group("approx") or ""), before)
        if quantity is None:
            continue
        approximate = (
            quantity.approximate
            or bool(match.group("after"))
            or raw.endswith(_APPROX_WORDS)
            or any(word in raw[-4:] for word in _APPROX_WORDS)
        )
        items.append((num_at, Item(name, quantity.value, unit, approximate)))
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]


# What was taught at a meeting may be phrased as a question ("讲了育儿补贴怎么申请"): that
# clause is content, not the sender asking.
_TAUGHT = re.compile(r"(?:讲了|讲解了?|介绍了?|学习了?|宣讲了?|告诉大家|解答了?)[^，。,；;\s?？]*")


def is_question(text: str) -> bool:
    """True when the text carries a question marker (吗, 怎么, 多少, ？ ...)."""
    return _QUESTION.search(normalise_digits(text.strip())) is not None


def looks_like_report(text: str, sent: datetime | None = None) -> float:
    """0..1: how much ``text`` reads like a report of an activity rather than a question."""
    body = normalise_digits(text.strip())
    if len(body) < 6:
        return 0.0
    score = 0.0
    if _ACTIVITY_WORDS.search(body):
        score += 0.35
    if sent is not None and find_date(body, sent) is not None:
        score += 0.2
    if extract_place(body):
        score += 0.15
    if extract_participants(body) or extract_items(body):
        score += 0.3
    if _DONE.search(body):
        score += 0.1
    if _QUESTION.search(_TAUGHT.sub("", body)):
        score -= 0.6
    if _WISH.search(body):
        score -= 0.25
    return max(0.0, min(1.0, score))


def parse_activity(text: str, sent_at: datetime) -> ActivityDraft | None:
    """An :class:`ActivityDraft` when ``text`` reads like a report, else None."""
    if looks_like_report(text, sent_at) < REPORT_THRESHOLD:
        return None
    return extract(text, sent_at)


def extract(text: str, sent_at: datetime) -> ActivityDraft:
    """Extract every field the text gives, without deciding whether it is a report."""
    body = normalise_digits(text.strip())
    found = find_date(body, sent_at)
    people = find_participants(body)
    return ActivityDraft(
        text=text.strip(),
        date=found[0] if found else None,
        place=extract_place(body),
        kind=classify_kind(body),
        participants=people[0] if people else None,
        participants_approx=people[1] if people else False,
        items=extract_items(body, people[2] if people else None),
    )
