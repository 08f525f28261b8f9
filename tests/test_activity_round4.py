"""Unit tests of the fourth round of activity logging: festivals that name an activity rather
than date it, corrections with approximate numbers or an explanation, and corrections that do
not say which of several waiting cards they mean."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from handlers.activity.dates import find_dates, resolve_date
from handlers.activity.parser import parse_reports
from handlers.core.messages import SHANGHAI


def _at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "sent", "day"),
    [
        ("今天五通社区开展三八节义诊 来了100多人", "2026-03-05 10:00", date(2026, 3, 5)),
        ("今天在查干淖尔嘎查搞六一活动 给小孩发了书包30个", "2026-06-02 10:00", date(2026, 6, 2)),
        ("9月30日在福禄村开展国庆文艺活动 来了40多人", "2026-10-02 10:00", date(2026, 9, 30)),
        (
            "今天在福禄村开展“5.29”会员活动日宣传 发资料100份",
            "2026-05-30 10:00",
            date(2026, 5, 30),
        ),
        (
            "昨天在幸福社区搞三八节两癌筛查宣传 来了五十几个姐妹",
            "2026-03-06 10:00",
            date(2026, 3, 5),
        ),
    ],
)
def test_a_festival_in_the_activity_name_is_not_a_second_date(
    text: str, sent: str, day: date
) -> None:
    at = _at(sent)
    assert [span.start for span, _ in find_dates(text, at)] == [day]
    drafts = parse_reports(text, at, "红泥井村")
    assert len(drafts) == 1
    assert drafts[0].date is not None and drafts[0].date.start == day


def test_a_festival_is_the_date_only_when_said_as_the_day() -> None:
    june = _at("2026-06-03 10:00")
    # said as the day it happened on, and nothing else gives a date
    said = resolve_date("六一那天在新华村开展关爱活动 发书包40个", june)
    assert said is not None and said.start == date(2026, 6, 1)
    may = resolve_date("5.29会员活动日在红泥井村搞了活动 会员到会52人", _at("2026-05-30 09:00"))
    assert may is not None and may.start == date(2026, 5, 29)
    # naming the activity only: no date, so the bot asks for it instead of guessing
    assert resolve_date("在查干淖尔嘎查搞六一活动 给小孩发了书包30个", june) is None
    drafts = parse_reports("在查干淖尔嘎查搞六一活动 发了书包30个", june, "查干淖尔嘎查")
    assert len(drafts) == 1 and drafts[0].date is None


def test_hakka_day_words() -> None:
    nov = _at("2026-11-12 20:00")
    today = resolve_date("今晡日喺五通社区搞咗个育儿讲座", nov)
    yesterday = resolve_date("昨晡日在福禄村帮老人家办关爱保险", nov)
    assert today is not None and today.start == date(2026, 11, 12)
    assert yesterday is not None and yesterday.start == date(2026, 11, 11)
