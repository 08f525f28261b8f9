"""Reminder definitions and run records, stored in the database so they survive restarts.

A reminder has a crontab-style ``spec`` (five fields: minute hour day month day-of-week, read in
Asia/Shanghai), a text, an audience and a region scope. Every time it fires, one
:class:`ReminderRun` row keyed by (reminder, period) is written; the unique key is what makes a
reminder fire at most once per period however many processes or restarts try.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from handlers.core.db import utcnow
from handlers.core.errors import DomainError
from handlers.core.members import REGION_LEVELS, RegionPath
from handlers.core.messages import SHANGHAI

logger = logging.getLogger(__name__)

#: Audiences: every active group in the scope; only groups whose leader logged nothing this
#: month; the leaders of the groups in the scope (message/send to each leader).
AUDIENCE_GROUPS = "groups"
AUDIENCE_NO_ACTIVITY = "groups_without_activity"
AUDIENCE_LEADERS = "leaders"
AUDIENCE_LABELS = {
    AUDIENCE_GROUPS: "全体小组",
    AUDIENCE_NO_ACTIVITY: "本月未登记活动的小组",
    AUDIENCE_LEADERS: "小组长",
}

#: Kinds of reminders, for listing and for the defaults seeded at start.
KIND_MONTHLY = "monthly"
KIND_NUDGE = "nudge"
KIND_CALENDAR = "calendar"
KIND_CUSTOM = "custom"


class Reminder(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = ""
    kind: str = KIND_CUSTOM
    spec: str  # "10 9 1 * *": minute hour day month day_of_week, Asia/Shanghai
    text: str  # may use {month} (e.g. 5月) and {theme} (the month's suggested theme)
    audience: str = AUDIENCE_GROUPS
    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""
    village: str = ""
    calendar_code: str = Field(default="", index=True)  # "5.29" for association days
    enabled: bool = True
    created_by: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def region(self) -> RegionPath:
        return RegionPath(self.province, self.city, self.county, self.township, self.village)

    def set_region(self, region: RegionPath) -> None:
        for level in REGION_LEVELS:
            setattr(self, level, getattr(region, level))


class ReminderRun(SQLModel, table=True):
    """One firing of one reminder for one period; the unique key makes firing idempotent."""

    __table_args__ = (UniqueConstraint("reminder_id", "period", name="uq_reminder_period"),)

    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(index=True)
    period: str = Field(max_length=32)  # the scheduled time, "2026-06-01T09:10:00" (Shanghai)
    scheduled_for: datetime
    ran_at: datetime = Field(default_factory=utcnow)
    messages: int = 0
    late: bool = False  # fired on start-up after being missed
    ran_by: str = ""  # the scheduler lease owner that fired it (host:pid:nonce)


# -- the association's calendar --------------------------------------------------------------


@dataclass(frozen=True)
class AssociationDay:
    code: str  # what coordinators type: "5·29" / "5.29"
    name: str
    month: int
    day: int
    text: str
    region_note: str = ""  # "" nationwide; "广西" where only one province keeps the day


ASSOCIATION_DAYS: tuple[AssociationDay, ...] = (
    AssociationDay(
        "5.15", "国际家庭日", 5, 15, "今天是5·15国际家庭日。请各小组结合本月主题开展家庭健康宣传。"
    ),
    AssociationDay(
        "5.29",
        "会员活动日",
        5,
        29,
        "今天是5·29会员活动日（中国计生协成立纪念日）。请各小组按计划开展会员活动，"
        "活动后记得登记人数和照片。",
    ),
    AssociationDay(
        "7.11", "世界人口日", 7, 11, "今天是7·11世界人口日。请各小组做好人口和家庭发展宣传。"
    ),
    AssociationDay(
        "8.1",
        "世界母乳喂养周",
        8,
        1,
        "8月1日至7日是世界母乳喂养周。请各小组向孕产妇家庭宣传母乳喂养知识。",
    ),
    AssociationDay(
        "9.25",
        "会员活动日（广西）",
        9,
        25,
        "今天是9·25会员活动日。请各小组按计划开展会员活动，活动后记得登记。",
        region_note="广西",
    ),
    AssociationDay(
        "12.1",
        "世界艾滋病日",
        12,
        1,
        "今天是12·1世界艾滋病日。请各小组开展预防艾滋病宣传。",
    ),
)

#: The month's suggested theme for the monthly reminder (coordinators can rewrite the text).
MONTHLY_THEMES: dict[int, str] = {
    1: "新春关怀：走访计生特殊家庭",
    2: "优生优育：孕前优生健康检查宣传",
    3: "青春健康：家长课与青少年健康",
    4: "健康生活：春季传染病预防",
    5: "国际家庭日和5·29会员活动日",
    6: "关爱保险：宣传计生家庭保险",
    7: "7·11世界人口日：人口和家庭发展宣传",
    8: "世界母乳喂养周：母乳喂养知识",
    9: "会员活动：小组学习和经验交流",
    10: "敬老关怀：重阳节走访老人",
    11: "家庭健康：冬季健康知识",
    12: "12·1世界艾滋病日：预防艾滋病宣传",
}

DEFAULT_MONTHLY_TEXT = (
    "【{month}会员活动提醒】本月建议主题：{theme}。请各小组长本月组织一次会员活动，"
    "活动后把时间、地点、人数发给协会助手登记。"
)
DEFAULT_NUDGE_TEXT = (
    "【{month}活动提醒】本月还没有收到本小组的活动登记。如已开展活动，"
    "请小组长把时间、地点、人数发给协会助手；如未开展，请在月底前安排。"
)
DEFAULT_MONTHLY_SPEC = "10 9 1 * *"  # 1st at 09:10: WeCom advises avoiding :00 and :30
DEFAULT_NUDGE_SPEC = "20 9 25 * *"  # 25th at 09:20


def normalise_day_code(text: str) -> str:
    """ "5·29" / "5.29" / "5月29日" -> "5.29"."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*(?:[·.．。/\-]|月)\s*(\d{1,2})\s*日?\s*", text)
    if not match:
        return text.strip()
    return f"{int(match.group(1))}.{int(match.group(2))}"


def association_day(code: str) -> AssociationDay | None:
    wanted = normalise_day_code(code)
    for day in ASSOCIATION_DAYS:
        if day.code == wanted or day.name == code.strip():
            return day
    return None


def calendar_spec(day: AssociationDay) -> str:
    return f"20 8 {day.day} {day.month} *"  # 08:20 on the day itself


# -- schedules --------------------------------------------------------------------------------

_LOOKBACKS = (
    timedelta(minutes=2),
    timedelta(hours=2),
    timedelta(days=2),
    timedelta(days=35),
    timedelta(days=400),
)
_WEEKDAYS = {"一": "mon", "二": "tue", "三": "wed", "四": "thu", "五": "fri", "六": "sat"}
_WEEKDAYS.update({"日": "sun", "天": "sun"})
_WEEKDAY_LABELS = {v: k for k, v in _WEEKDAYS.items() if k != "天"}


def trigger_for(spec: str) -> CronTrigger:
    """Five crontab fields; a sixth leading field (seconds) is accepted for tests and drills."""
    fields = spec.split()
    try:
        if len(fields) == 6:
            second, minute, hour, day, month, weekday = fields
            return CronTrigger(
                second=second,
                minute=minute,
                hour=hour,
                day=day,
                month=month,
                day_of_week=weekday,
                timezone=SHANGHAI,
            )
        return CronTrigger.from_crontab(spec, timezone=SHANGHAI)
    except ValueError as exc:
        raise DomainError(f"提醒时间“{spec}”无法识别") from exc


def previous_fire_time(spec: str, now: datetime) -> datetime | None:
    """The latest scheduled time at or before ``now`` (within about a year), else None."""
    trigger = trigger_for(spec)
    now = now.astimezone(SHANGHAI)
    for lookback in _LOOKBACKS:
        candidate = trigger.get_next_fire_time(None, now - lookback)
        if candidate is None or candidate > now:
            continue
        while True:
            following = trigger.get_next_fire_time(candidate, candidate + timedelta(seconds=1))
            if following is None or following > now:
                result: datetime = candidate.astimezone(SHANGHAI)
                return result
            candidate = following
    return None


def next_fire_time(spec: str, now: datetime) -> datetime | None:
    value = trigger_for(spec).get_next_fire_time(None, now.astimezone(SHANGHAI))
    return None if value is None else value.astimezone(SHANGHAI)


def period_of(when: datetime) -> str:
    return when.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M:%S")


_SCHEDULE = re.compile(
    r"^\s*(?:"
    r"每月\s*(?P<mday>\d{1,2})\s*[日号]"
    r"|每年\s*(?P<ymonth>\d{1,2})\s*月\s*(?P<yday>\d{1,2})\s*[日号]"
    r"|每(?:周|星期)\s*(?P<wday>[一二三四五六日天])"
    r"|(?P<daily>每天|每日)"
    r")\s*(?:(?P<ampm>上午|早上|下午|晚上)\s*)?(?P<hour>\d{1,2})\s*[:：点]\s*(?P<minute>\d{1,2})?\s*分?"
)


def parse_schedule(text: str) -> tuple[str, str]:
    """ "每月5日 9:10 各小组上报本月活动" -> ("10 9 5 * *", "各小组上报本月活动").

    Accepts 每月N日 / 每年M月D日 / 每周X / 每天, then a time (9:10, 9点10, 下午3点).
    """
    match = _SCHEDULE.match(text)
    if not match:
        raise DomainError(
            "没看懂提醒时间。请这样写：提醒 每月5日 9:10 各小组上报本月活动"
            "（也可以写“每年5月29日 8:20”“每周一 9:10”“每天 9:10”）。"
        )
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    if match.group("ampm") in ("下午", "晚上") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        raise DomainError("提醒时间不对：小时要在0到23之间，分钟在0到59之间。")
    if match.group("mday"):
        day = int(match.group("mday"))
        if not 1 <= day <= 28:
            raise DomainError("每月提醒请选1日到28日之间的日子（有的月份没有29到31日）。")
        spec = f"{minute} {hour} {day} * *"
    elif match.group("ymonth"):
        month, day = int(match.group("ymonth")), int(match.group("yday"))
        try:
            datetime(2024, month, day)
        except ValueError:
            raise DomainError("日期不对，请检查月份和日子。") from None
        spec = f"{minute} {hour} {day} {month} *"
    elif match.group("wday"):
        spec = f"{minute} {hour} * * {_WEEKDAYS[match.group('wday')]}"
    else:
        spec = f"{minute} {hour} * * *"
    rest = text[match.end() :].strip(" ：:，,")
    return spec, rest


def describe_spec(spec: str) -> str:
    """ "10 9 5 * *" -> "每月5日 09:10" (falls back to the spec itself)."""
    fields = spec.split()
    if len(fields) != 5 or not (fields[0].isdigit() and fields[1].isdigit()):
        return spec
    minute, hour, day, month, weekday = fields
    clock = f"{int(hour):02d}:{int(minute):02d}"
    if day.isdigit() and month.isdigit() and weekday == "*":
        return f"每年{month}月{day}日 {clock}"
    if day.isdigit() and month == "*" and weekday == "*":
        return f"每月{day}日 {clock}"
    if day == "*" and month == "*" and weekday in _WEEKDAY_LABELS:
        return f"每周{_WEEKDAY_LABELS[weekday]} {clock}"
    if day == "*" and month == "*" and weekday == "*":
        return f"每天 {clock}"
    return spec


def render_text(template: str, when: datetime) -> str:
    """Fill {month} and {theme}; unknown braces are left as typed."""
    local = when.astimezone(SHANGHAI)
    values = {"month": f"{local.month}月", "theme": MONTHLY_THEMES.get(local.month, "")}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template
