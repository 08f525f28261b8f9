"""Monthly statistics: strict months, records counted where they were held, group summaries."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from handlers.activity.dates import DateSpan
from handlers.activity.parser import ActivityDraft
from handlers.activity.stats import (
    BAD_MONTH,
    MonthError,
    group_text,
    group_views,
    month_stats,
    parse_month,
    stats_text,
)
from handlers.activity.store import ActivityStore, resolve_held
from handlers.core.members import MemberGroup, RegionPath
from handlers.core.messages import SHANGHAI, Role
from handlers.core.services import Services
from tests.conftest import add_member

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
HEPU = ("广西", "北海市", "合浦县")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11", (2026, 11)),
        ("2026/5", (2026, 5)),
        ("2026年11月", (2026, 11)),
        ("2025年12月份", (2025, 12)),
        ("11月", (2026, 11)),
        ("十月", (2026, 10)),
        ("12月", (2025, 12)),  # not after now: last year's December
        ("上月", (2026, 10)),
        ("上个月", (2026, 10)),
        ("本月", (2026, 11)),
        ("", (2026, 11)),
        ("活动统计 2026-05", (2026, 5)),
        ("上月活动", (2026, 10)),
    ],
)
def test_parse_month_accepts(text: str, expected: tuple[int, int]) -> None:
    assert parse_month(text, NOW) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-0", "13月", "0月", "明年", "2026-11-35", "abc"])
def test_parse_month_rejects_with_a_clear_answer(text: str) -> None:
    with pytest.raises(MonthError) as caught:
        parse_month(text, NOW)
    assert caught.value.message == BAD_MONTH == "月份要写成 2026-05 或 5月"


def test_january_last_month_is_last_years_december() -> None:
    assert parse_month("上月", datetime(2026, 1, 5, tzinfo=SHANGHAI)) == (2025, 12)


def test_held_place_resolves_inside_the_reporters_county_only() -> None:
    reporter = RegionPath(*HEPU, "廉州镇", "江口村")
    known = [
        RegionPath(*HEPU, "廉州镇", "文竹村"),
        RegionPath(*HEPU, "石湾镇", "大塘村"),
        RegionPath("广西", "梧州市", "藤县", "太平镇", "福禄村"),
    ]
    assert resolve_held("文竹村", "", reporter, known) == ("廉州镇", "文竹村")
    assert resolve_held("石湾镇", "", reporter, known) == ("石湾镇", "")
    assert resolve_held("福禄村", "", reporter, known) == ("", "")  # another county
    assert resolve_held("不知村", "", reporter, known) == ("", "")
    county_staff = RegionPath(*HEPU)
    text = "5月20日廉州镇新安村开展义诊"
    assert resolve_held("新安村", text, county_staff, known) == ("廉州镇", "新安村")


def save(services: Services, user: str, place: str, day: int, people: int, kind: str) -> None:
    member = services.members.get(user)
    draft = ActivityDraft(
        text=f"{place}活动",
        date=DateSpan(date(2026, 11, day), date(2026, 11, day)),
        place=place,
        kind=kind,
        participants=people,
    )
    ActivityStore(services.engine).save(draft, reporter_id=user, member=member, channel="app")


def test_a_record_counts_where_it_was_held(services: Services) -> None:
    for code, village in (("JK01", "江口村"), ("WZ01", "文竹村")):
        group = MemberGroup(code=code, name=f"{village}一组", township="廉州镇", village=village)
        group.province, group.city, group.county = HEPU
        services.members.save_group(group)
    add_member(services, "lilan", Role.LEADER, group="JK01", region=(*HEPU, "廉州镇", "江口村"))
    save(services, "lilan", "文竹村", 6, 11, "member")  # went to help 文竹村
    save(services, "lilan", "福禄村", 7, 5, "member")  # not known in 合浦县
    stats = month_stats(services, 2026, 11, RegionPath(*HEPU))
    assert stats.villages[("廉州镇", "文竹村")].records == 1
    assert stats.villages[("廉州镇", "江口村")].records == 1  # the unknown place: reporter's
    assert stats.missing == []  # 文竹村一组 had an activity held in its village
    text = stats_text(stats, NOW)
    assert "文竹村：1条" in text and "江口村：1条" in text


def test_past_months_are_spoken_of_in_the_past(services: Services) -> None:
    services.members.save_group(MemberGroup(code="DT01", name="大塘村一组", village="大塘村"))
    stats = month_stats(services, 2026, 10, RegionPath())
    assert "当月没有上报的小组（1个）：大塘村一组" in stats_text(stats, NOW)
    now = month_stats(services, 2026, 11, RegionPath())
    assert "本月还没上报的小组（1个）" in stats_text(now, NOW)


def test_a_group_summary_lists_the_groups_own_records(services: Services) -> None:
    add_member(services, "lilan", Role.LEADER, group="JK01", region=(*HEPU, "廉州镇", "江口村"))
    add_member(services, "vol", Role.VOLUNTEER, group="JK01", region=(*HEPU, "廉州镇", "江口村"))
    add_member(services, "other", Role.LEADER, group="WZ01", region=(*HEPU, "廉州镇", "文竹村"))
    save(services, "lilan", "江口村", 3, 12, "member")
    save(services, "vol", "江口村", 10, 20, "publicity")
    save(services, "other", "文竹村", 4, 9, "member")
    views = group_views(services, 2026, 11, "JK01", "lilan")
    text = group_text(views, 2026, 11, "您所在的小组", NOW)
    assert text.startswith("您所在的小组2026年11月已上报活动2次，参加32人")
    assert "11月3日 江口村 会员活动 12人" in text and "文竹村" not in text
    empty = group_text([], 2026, 10, "您所在的小组", NOW)
    assert empty == "您所在的小组2026年10月没有上报活动。"
