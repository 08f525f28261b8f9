"""Resolve the dates leaders write (今天, 上周五, 5月底, 本月中旬, 6月1日至3日) against the sent time.

All dates are Asia/Shanghai calendar dates. Vague parts of a month are ranges by convention:
上旬/月初 = 1-10, 中旬/月中 = 11-20, 下旬/月底/月末 = 21-last day. A date without a year that
would lie more than a few days after the message is taken as last year's.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from handlers.activity.normalise import fold
from handlers.activity.numbers import CN_CHARS, to_int
from handlers.core.messages import SHANGHAI

_N = rf"(?:\d{{1,2}}|[{CN_CHARS}]{{1,3}})"
_RANGE = re.compile(
    rf"(?:(?P<y>\d{{4}})年)?(?P<m>{_N})月(?P<d>{_N})[日号]?\s*(?:至|到|~|～|-|—|－)\s*"
    rf"(?:(?P<m2>{_N})月)?(?P<d2>{_N})[日号]"
)
# 11月8号和9号两天: two days in a row are one span
_PAIR = re.compile(
    rf"(?:(?P<y>\d{{4}})年)?(?P<m>{_N})月(?P<d>{_N})[日号]?\s*(?:和|与|跟|、)\s*(?P<d2>{_N})[日号]"
    r"(?P<two>两天|二天|这两天)?"
)
_RELATIVE_BACK = {"今天": 0, "昨天": 1, "前天": 2, "大前天": 3}
# (昨天今天两天: side by side, nothing between)
_DAY_PAIR = re.compile(
    r"(?P<a>大前天|前天|昨天|今天)\s*(?:和|跟|与|、|加)?\s*(?P<b>大前天|前天|昨天|今天)(?!\S{0,2}[的])"
)
_FULL = re.compile(rf"(?:(?P<y>\d{{4}})年)?(?P<m>{_N})月(?P<d>{_N})[日号]?(?![\d份])")
_YMD = re.compile(r"(?<!\d)(?P<y>20\d\d)[./-](?P<m>1[0-2]|0?[1-9])[./-](?P<d>[0-3]?\d)(?!\d)")
_DOTTED = re.compile(r"(?<![\d.])(?P<m>1[0-2]|0?[1-9])[./](?P<d>[0-3]?\d)(?![\d.万千%])")
_PART = re.compile(
    rf"(?P<which>本月|这个月|这月|当月|上个?月|(?P<m>{_N})月份?)?"
    r"(?P<part>上中旬|中下旬|上旬|中旬|下旬|月初|月中|月底|月末|初|中|底|末)"
)
# A month named alone ("2026年10月", "10月份"): the whole month, used only when nothing more
# precise is written.
_MONTH_ALONE = re.compile(
    rf"(?:(?P<y>\d{{4}})年)?(?P<m>{_N})月份?(?![\d{CN_CHARS}日号初中底末上下])"
)
_RELATIVE = re.compile(
    r"大前天|前天|前日|昨天|昨日|昨晚|昨早|昨儿|今天|今日|今早|今晚|今儿|今上午|今下午|"
    r"(?:刚刚|刚才)(?=在|开|搞|办|组织|去|到)|"  # 刚刚在村部开完会: today
    r"琴日|寻日|尋日"  # Cantonese for yesterday
)
_WEEKDAY = re.compile(
    r"(?P<which>上上|上个?|这个?|本)?(?:周|星期|礼拜)(?P<d>[一二三四五六日天1-7])"
)
# "526当天": a month-day written as one number, only when a day word follows.
_COMPACT = re.compile(r"(?<!\d)(?P<m>[1-9]|1[0-2])(?P<d>[0-3]\d)(?=当天|那天|当日|那日)")
# A report that starts with 上午/下午/晚上 without a day speaks of today.
# (还有下午在横江厦村…: a second report of the same day)
_TODAY_PART = re.compile(
    r"^\W{0,3}(?:还有|另外|然后|接着|仲有)?\W{0,2}(?P<part>上午|下午|中午|早上|晚上|傍晚)"
)
_WEEKEND = re.compile(r"(?P<which>上上|上个?|这个?|本)?(?:周末|礼拜天和礼拜六)")
# Days named by their festival. A festival in a message mostly names the activity (三八节义诊,
# 六一活动, “5·29”会员活动日宣传): it is read as the date only when nothing else gives one and the
# wording says the activity happened on that day (六一那天, 三八节当天, 5.29会员活动日在红泥井村…).
_FESTIVALS = (
    (re.compile(r"元旦"), 1, 1),
    (re.compile(r"三八|妇女节"), 3, 8),
    (re.compile(r"五一|劳动节"), 5, 1),
    (re.compile(r"五四|青年节"), 5, 4),
    (re.compile(r"六一|儿童节"), 6, 1),
    (re.compile(r"七一|建党节"), 7, 1),
    (re.compile(r"国庆节?"), 10, 1),
    (re.compile(r"5\s*[.·•．]\s*29(?:会员活动日|活动日|会员日)?|会员活动日"), 5, 29),
    # international days the association marks
    (re.compile(r"世界人口日"), 7, 11),
    (re.compile(r"国际家庭日"), 5, 15),
    (re.compile(r"世界艾滋病日"), 12, 1),
)
_FESTIVAL_DAY = re.compile(
    r"(?:节|妇女节|儿童节|劳动节|青年节|建党节)?[”\"’']?\s*(?:的?那天|的?当天|当日|的?这天|那日|那一天|这一天|在)"
)
# "5.29”会员活动日" is the association's day, not a date written with a dot
_NAMED_DAY_AFTER = re.compile(r"[”\"’']?\s*(?:会员)?(?:活动日|纪念日|宣传日)")
# 上个月30号 / 本月5日: a day of the month named by where it stands
_MONTH_DAY = re.compile(
    rf"(?P<which>上上个?月|上个?月|本月|这个?月|当月)(?:的)?(?P<d>{_N})"
    # 上月28搞了宣传: the day without 号 too, when no count follows it
    r"(?:[号日](?![\d])|(?![\d号日个人份本张盒户名位元次场期天周年]))"
)
_DAY_ONLY = re.compile(rf"(?<![月\d{CN_CHARS}])(?P<d>{_N})[号日](?![\d])")
# 搞咗5日夏令营 / 连续3日: days counted after a verb, how long it went on, not a day of the month
_DAYS_LONG = re.compile(r"(?:了|连续|连着|一共|共)\s*$")


def _day_only(text: str) -> re.Match[str] | None:
    for match in _DAY_ONLY.finditer(text):
        if match.group(0).endswith("日") and _DAYS_LONG.search(text, 0, match.start()):
            continue
        return match
    return None


# 1号到3号: a span of days with no month, the month's as 3号 is
_DAY_RANGE = re.compile(
    rf"(?<![月\d{CN_CHARS}])(?P<d>{_N})(?P<hao>[号日])?\s*(?P<to>至|到|~|～|—|－|-|、|和|跟)?\s*"
    rf"(?P<d2>{_N})[号日]"
    r"(?![\d])(?P<two>两天|二天|这两天)?"
)

# 上礼拜一到礼拜三 / 周一至周三: the last weekday of a span said after the first
_WEEKDAY_UNTIL = re.compile(
    r"\s*(?:到|至|~|～|-|—)\s*(?:礼拜|星期|周)?(?P<d>[一二三四五六日天1-7])"
)
# 星期一二三连着: the days after the first, said as their numbers alone (not 星期二三十个人 or
# 星期二三个会员, a count after the day)
_WEEKDAY_RUN = re.compile(
    r"(?P<run>[二三四五六日天]{1,6})(?![十百千万两\d个人名位户份场次本张盒袋多余来几])"
)
_RELATIVE_DAYS = {"大前天": 3, "前天": 2, "前日": 2, "琴日": 1, "寻日": 1, "尋日": 1}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAYS.update({str(n): n - 1 for n in range(1, 8)})
_FUTURE_SLACK = timedelta(days=3)


@dataclass(frozen=True)
class DateSpan:
    """An activity date or date range (``start == end`` for one day)."""

    start: date
    end: date

    def display(self) -> str:
        if self.start == self.end:
            return f"{self.start.month}月{self.start.day}日"
        if self.start.month == self.end.month:
            return f"{self.start.month}月{self.start.day}日至{self.end.day}日"
        return f"{self.start.month}月{self.start.day}日至{self.end.month}月{self.end.day}日"


def _local(sent: datetime) -> date:
    if sent.tzinfo is None:
        return sent.date()
    return sent.astimezone(SHANGHAI).date()


def _make(year: int | None, month: int, day: int, today: date) -> date | None:
    try:
        value = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and value > today + _FUTURE_SLACK:
        try:
            value = date(value.year - 1, month, day)
        except ValueError:
            return None
    return value


def _num(text: str | None) -> int | None:
    return to_int(text) if text else None


def _month_start(today: date, which: str | None, month: int | None) -> date | None:
    if month is not None:
        if not 1 <= month <= 12:
            return None
        return _make(None, month, 1, today)
    if which and which.startswith("上"):
        prev = today.replace(day=1) - timedelta(days=1)
        return prev.replace(day=1)
    return today.replace(day=1)


_YEAR_WRITTEN = re.compile(r"\d{4}\s*年|(?<!\d)20\d\d[./-]\d")
# A date read without a year this far back is more likely a slip than a catch-up
_FAR_BACK = timedelta(days=330)


def plausible(span: DateSpan, text: str, sent: datetime) -> bool:
    """An activity date that can be recorded without asking: not still to come, and not most
    of a year back unless the year was written (12月5日 sent on 1 December is asked, not
    taken as last year's)."""
    today = _local(sent)
    if span.start > today + _FUTURE_SLACK:
        return False
    return bool(_YEAR_WRITTEN.search(fold(text))) or today - span.start <= _FAR_BACK


# A day named for what it is (12月1日是世界艾滋病日) or looked forward to (迎接12月1日), not
# the day of the activity
_REFERENCE_DAY = re.compile(
    r"(?<=迎接|纪念)\d{1,2}月\d{1,2}[日号]|\d{1,2}月\d{1,2}[日号](?=是[^，,。；;\s]{0,16}[日节])|"
    # 根据旗计生协8月5日通知要求，8月18日…: the day of the notice a report was done by
    r"\d{1,2}月\d{1,2}[日号](?=的?(?:通知|文件|会议精神|部署|印发|下发))|"
    # 今日补返 / 今天才来报 / 今天补报一下: the day of the report, not of the activity
    # (今日先报返 / 今天报给你: any reporting verb; 报名 is signing up, something done)
    r"(?:今天|今日|今晚|现在)(?=[^，,。；;\s]{0,3}(?:补|报(?!名|销|纸|刊|社|道)))|"
    # 下次定了12月5号开 / 下回定在下个月: a clause on the next time says what is still to come
    r"(?:下次|下回|下一次|下一回|下期|下一期)[^，,。；;！!？?\s]*"
)


# Moved to another day (推迟至 / 改期至 / 顺延至 / 挪到 / 推迟一天，于): the day after it is the one
_MOVED_TO = re.compile(
    r"挪到|挪在|改到|改在|改至|调到|调至|移到|移至|"
    r"(?:推迟|顺延|延期|延后|改期|往后推|推后)[^。；;！!？?\d]{0,8}?(?:至|到|在|于)?"
)


def find_date(
    text: str, sent: datetime, *, festivals: bool = True
) -> tuple[DateSpan, tuple[int, int]] | None:
    """The first date expression in ``text`` and where it is; None when there is none.

    A festival (六一, 三八节) is a date only when nothing else is, and only said as the day the
    activity happened on (六一那天); ``festivals=False`` never reads one."""
    text = fold(text)
    today = _local(sent)
    told = _REFERENCE_DAY.sub(lambda m: "_" * len(m.group(0)), text)
    if told != text and find_date(told, sent, festivals=festivals) is not None:
        # 12月1日是世界艾滋病日，11月28日…开展 / 为迎接12月1日…，11月30日…: the day named for
        # what it is is not the day of the activity, when another day is given
        text = told
    moved = _MOVED_TO.search(text)
    if moved:
        # 原定9月5日的会员活动推迟至9月12日举行 / 小组会就挪到今天了: the day it was moved to
        later = find_date(text[moved.end() :], sent, festivals=festivals)
        if later is not None:
            span, (a, b) = later
            return span, (moved.end() + a, moved.end() + b)
    match = _RANGE.search(text)
    if match:
        year = _num(match.group("y"))
        month = _num(match.group("m"))
        month2 = _num(match.group("m2")) or month
        day, day2 = _num(match.group("d")), _num(match.group("d2"))
        if month and day and month2 and day2:
            start = _make(year, month, day, today)
            end = _make(year or (start.year if start else None), month2, day2, today)
            if start and end and end >= start:
                return DateSpan(start, end), match.span()
    match = _PAIR.search(text)
    if match:
        year, month = _num(match.group("y")), _num(match.group("m"))
        day, day2 = _num(match.group("d")), _num(match.group("d2"))
        if month and day and day2 and (day2 == day + 1 or (match.group("two") and day2 > day)):
            start = _make(year, month, day, today)
            end = _make(start.year, month, day2, today) if start else None
            if start and end and end >= start:
                return DateSpan(start, end), match.span()
    match = _DAY_PAIR.search(text)
    if match and not re.search(r"[今昨前]天|\d\s*[月号日]", text[: match.start()]):
        # 昨天和前天: both days, one span
        backs = sorted(_RELATIVE_BACK[match.group(n)] for n in ("a", "b"))
        return DateSpan(
            today - timedelta(days=backs[1]), today - timedelta(days=backs[0])
        ), match.span()
    match = _YMD.search(text)
    if match:
        try:
            value = date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        except ValueError:
            value = None
        if value:
            return DateSpan(value, value), match.span()
    match = _FULL.search(text)
    if match:
        month, day = _num(match.group("m")), _num(match.group("d"))
        if month and day and 1 <= month <= 12:
            value = _make(_num(match.group("y")), month, day, today)
            if value:
                return DateSpan(value, value), match.span()
    match = _PART.search(text)
    if match and (
        match.group("which")
        or match.group("part").startswith("月")
        or match.group("part").endswith("旬")  # 下旬 alone: this month's (see below)
    ):
        first = _month_start(today, match.group("which"), _num(match.group("m")))
        bare = not match.group("which")
        if first and bare and match.group("part") in ("中旬", "下旬", "中下旬"):
            start_day = 21 if match.group("part") == "下旬" else 11
            if first.replace(day=start_day) > today:
                # 下旬 written on the 5th: last month's, as 3号 in the future is
                first = (first - timedelta(days=1)).replace(day=1)
        if first:
            last_day = calendar.monthrange(first.year, first.month)[1]
            part = match.group("part")
            if part == "上中旬":
                span = DateSpan(first, first.replace(day=20))
            elif part == "中下旬":
                span = DateSpan(first.replace(day=11), first.replace(day=last_day))
            elif part in ("上旬", "月初", "初"):
                span = DateSpan(first, first.replace(day=10))
            elif part in ("中旬", "月中", "中"):
                span = DateSpan(first.replace(day=11), first.replace(day=20))
            else:
                span = DateSpan(first.replace(day=21), first.replace(day=last_day))
            return span, match.span()
    match = _RELATIVE.search(text)
    if match:
        word = match.group(0)
        back = _RELATIVE_DAYS.get(word, 1 if word.startswith("昨") else 0)
        value = today - timedelta(days=back)
        return DateSpan(value, value), match.span()
    match = _WEEKDAY.search(text)
    until = _WEEKDAY_UNTIL.match(text, match.end()) if match else None
    last_said, said_end = (until.group("d"), until.end()) if until else (None, 0)
    run = _WEEKDAY_RUN.match(text, match.end()) if match and not until else None
    if match and run:
        days = [_WEEKDAYS[day] for day in match.group("d") + run.group("run")]
        if all(b == a + 1 for a, b in zip(days, days[1:], strict=False)):
            last_said, said_end = run.group("run")[-1], run.end()
    if match:
        weekday = _WEEKDAYS[match.group("d")]
        which = match.group("which") or ""
        monday = today - timedelta(days=today.weekday())
        if which.startswith("上上"):
            value = monday - timedelta(days=14) + timedelta(days=weekday)
        elif which.startswith("上"):
            value = monday - timedelta(days=7) + timedelta(days=weekday)
        elif which:
            value = monday + timedelta(days=weekday)
        else:  # a bare 周五 in a report is the most recent one
            value = monday + timedelta(days=weekday)
            if value > today:
                value -= timedelta(days=7)
        last = _WEEKDAYS[last_said] if last_said else weekday
        if last_said and last > weekday:
            # 上礼拜一到礼拜三: the days of that week from the first to the last
            end = value + timedelta(days=last - weekday)
            if end > today and not which:
                value, end = value - timedelta(days=7), end - timedelta(days=7)
            if end <= today:
                return DateSpan(value, end), (match.start(), said_end)
        return DateSpan(value, value), match.span()
    match = _COMPACT.search(text)
    if match:
        value = _make(None, int(match.group("m")), int(match.group("d")), today)
        if value:
            return DateSpan(value, value), match.span()
    match = _DOTTED.search(text)
    if match and _NAMED_DAY_AFTER.match(text, match.end()):
        match = None
    if match:
        value = _make(None, int(match.group("m")), int(match.group("d")), today)
        if value:
            return DateSpan(value, value), match.span()
    match = _MONTH_DAY.search(text)
    if match:
        day = _num(match.group("d"))
        first = today.replace(day=1)
        back = (
            2
            if match.group("which").startswith("上上")
            else (1 if match.group("which").startswith("上") else 0)
        )
        for _ in range(back):
            first = (first - timedelta(days=1)).replace(day=1)
        value = _make(first.year, first.month, day, today) if day else None
        if value is not None:
            return DateSpan(value, value), match.span()
    match = _DAY_RANGE.search(text)
    if match:
        day, day2 = _num(match.group("d")), _num(match.group("d2"))
        if not match.group("to") and not match.group("hao"):
            day2 = None  # 1213号: one number, no span
        joined = match.group("to") in ("、", "和", "跟", None)
        if joined and day and day2 and day2 != day + 1 and not match.group("two"):
            day2 = None  # 3号、10号各搞了一次: two days, no span
        if day and day2 and 1 <= day < day2 <= 31:
            # 1号到3号: this month's, unless its last day is still ahead, then last month's
            start, end = _make(today.year, today.month, day, today), None
            if start is not None:
                end = _make(today.year, today.month, day2, today)
            if start is None or end is None or end > today:
                previous = today.replace(day=1) - timedelta(days=1)
                start = _make(previous.year, previous.month, day, today)
                end = _make(previous.year, previous.month, day2, today)
            if start and end:
                return DateSpan(start, end), match.span()
    match = _day_only(text)
    if match:
        day = _num(match.group("d"))
        if day and 1 <= day <= 31:
            # 3号: this month's, unless that is still ahead (even tomorrow), then last month's
            value = _make(today.year, today.month, day, today)
            if value is None or value > today:
                previous = today.replace(day=1) - timedelta(days=1)
                value = _make(previous.year, previous.month, day, today)
            if value:
                return DateSpan(value, value), match.span()
    match = _WEEKEND.search(text)
    if match:
        which = match.group("which") or ""
        monday = today - timedelta(days=today.weekday())
        if which.startswith("上上"):
            monday -= timedelta(days=14)
        elif which.startswith("上") or (not which and today.weekday() < 5):
            monday -= timedelta(days=7)  # a bare 周末 on a weekday is the one just past
        saturday = monday + timedelta(days=5)
        return DateSpan(saturday, saturday + timedelta(days=1)), match.span()
    for pattern, month, day in _FESTIVALS if festivals else ():
        for match in pattern.finditer(text):
            if not _FESTIVAL_DAY.match(text, match.end()):
                continue  # 三八节义诊, 六一活动: the festival names the activity
            value = _make(None, month, day, today)
            if value:
                return DateSpan(value, value), match.span()
    match = _TODAY_PART.search(text)
    if match:
        return DateSpan(today, today), match.span("part")
    match = _MONTH_ALONE.search(text)
    if match:
        month = _num(match.group("m"))
        year = _num(match.group("y"))
        if month and 1 <= month <= 12:
            first = _make(year, month, 1, today)
            if first:
                last_day = calendar.monthrange(first.year, first.month)[1]
                return DateSpan(first, first.replace(day=last_day)), match.span()
    return None


def resolve_date(text: str, sent: datetime) -> DateSpan | None:
    """Just the date span of :func:`find_date`."""
    found = find_date(text, sent)
    return found[0] if found else None


def find_dates(text: str, sent: datetime) -> list[tuple[DateSpan, tuple[int, int]]]:
    """Every date expression in ``text`` (folded), in reading order, without overlaps. A
    festival counts only when it is the one date the text gives (see :func:`find_date`)."""
    text = fold(text)
    found: list[tuple[DateSpan, tuple[int, int]]] = []
    masked = text
    while True:
        hit = find_date(masked, sent, festivals=False)
        if hit is None:
            break
        start, end = hit[1]
        if end <= start:
            break
        found.append(hit)
        # blank the expression out (same length, so later spans stay true) and look again
        masked = masked[:start] + "_" * (end - start) + masked[end:]
    if not found:
        only = find_date(text, sent)
        if only is not None:
            found.append(only)
    found.sort(key=lambda pair: pair[1][0])
    return found


# A part of the day and, optionally, the hour said with it: 下午三点, 今晚7点, 上午
_DAY_PART_AT = re.compile(
    rf"(?P<part>今晚|今天晚上|晚上|傍晚|下午|中午|上午|早上)\s*(?:(?P<h>\d{{1,2}}|[{CN_CHARS}]{{1,3}})\s*[点:：时])?"
)
_PART_START = {
    "早上": 6.0,
    "上午": 8.0,
    "中午": 11.5,
    "下午": 13.0,
    "傍晚": 17.0,
    "晚上": 18.0,
    "今晚": 18.0,
    "今天晚上": 18.0,
}


def still_to_come(text: str, sent: datetime) -> bool:
    """True when the time the text gives lies after the moment it was sent: a date later than
    today (这周六 on a Friday, 12月5日 on 1 December, which a bare reading would only place a
    year back), or a part of today not yet begun (今晚七点 sent at ten in the morning)."""
    text = fold(text)
    today = _local(sent)
    found = find_date(text, sent)
    bare = _day_only(text)
    if found is not None and bare is not None and found[1] == bare.span():
        # 3号在村部开会 sent on the 2nd: a bare day just ahead in this month is to come (read
        # as a date, a day still ahead is last month's)
        ahead = _make(today.year, today.month, _num(bare.group("d")) or 0, today)
        if ahead is not None and today < ahead <= today + _FUTURE_SLACK:
            return True
    if found is not None:
        span = found[0]
        if span.start > today or not plausible(span, text, sent):
            return True
        if span.start != today:
            return False
    part = _DAY_PART_AT.search(text)
    if part is None:
        return False
    start = _PART_START[part.group("part")]
    hour = _num(part.group("h"))
    if hour is not None and 0 < hour <= 24:
        start = float(hour + 12 if hour < 12 and start >= 13 else hour)
    local = sent.astimezone(SHANGHAI) if sent.tzinfo else sent
    return local.hour + local.minute / 60 < start
