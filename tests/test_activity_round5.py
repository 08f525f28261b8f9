"""Fifth round of activity logging, through the real router: corrections that name the wrong
value in Chinese numerals or only hint at the field (人也不对 / 没那么多), a type corrected by
naming the old and the new activity, a confirmation that says which card it is about, a
door-to-door activity whose type is what was carried to the doors, and a month span whose
中旬 is no part of the place."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from handlers.activity.models import ActivityItem
from handlers.activity.parser import (
    REPORT_THRESHOLD,
    classify_kind,
    looks_like_report,
    parse_reports,
)
from handlers.core.db import session_scope
from handlers.core.messages import Role
from handlers.core.services import Services
from tests.conftest import add_member, beijing, saved_records, talker


def test_an_old_count_in_chinese_numerals_is_replaced(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    card = talk("今天在江口村搞健康义诊 来了一百多人 测血压120人次", "2026-11-21 10:00")
    assert "100多人" in card
    fixed = talk("不是一百多 是八十来个", "2026-11-21 10:01")
    assert "80多人" in fixed and "测血压120人次" in fixed
    assert "已登记" in talk("对", "2026-11-21 10:02")
    [record] = saved_records(services)
    assert (record.participants, record.participants_approx) == (80, True)


def test_a_field_said_to_be_wrong_takes_the_next_value(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("前天在江口村搞宣传来了30人", "2026-11-18 10:00")
    talk("日期不对 是11月12号", "2026-11-18 10:01")
    fixed = talk("人也不对 是35个", "2026-11-18 10:02")
    assert "35人" in fixed and "物品" not in fixed  # no item called 人也
    assert "已登记" in talk("对", "2026-11-18 10:03")
    [record] = saved_records(services)
    assert (record.date_start.day, record.participants) == (12, 35)


def test_not_that_many_corrects_the_count_without_asking(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("昨天江口村妇女健康讲座，参加群众近百人", "2026-10-08 09:00")
    fixed = talk("没那么多 七十来人", "2026-10-08 09:01")
    assert "70多人" in fixed and "要改成" not in fixed
    assert "已登记" in talk("对", "2026-10-08 09:02")
    [record] = saved_records(services)
    assert (record.participants, record.participants_approx, record.kind) == (70, True, "lecture")


@pytest.mark.parametrize(
    ("report", "correction", "kind"),
    [
        ("昨天在江口村搞了一个培训 参加26人", "不是培训 是会员小组会", "member"),
        (
            "今天在江口村开了个会 到会22人",
            "类型不对 不是开会 是青春健康讲座 给村里的年轻人讲的",
            "youth",
        ),
    ],
)
def test_a_type_corrected_by_naming_old_and_new(
    services: Services, talk: Callable[[str, str], str], report: str, correction: str, kind: str
) -> None:
    talk(report, "2026-11-25 10:00")
    fixed = talk(correction, "2026-11-25 10:01")
    assert "已修改" in fixed and "没有“" not in fixed
    assert "已登记" in talk("对", "2026-11-25 10:02")
    [record] = saved_records(services)
    assert record.kind == kind and record.participants is not None


def test_a_thing_renamed_is_no_type(services: Services, talk: Callable[[str, str], str]) -> None:
    talk("今天在江口村搞宣传 发了宣传单40张", "2026-11-25 10:00")
    reply = talk("宣传册不是宣传页", "2026-11-25 10:01")
    assert "没有“宣传页”" in reply  # asked, not turned into the activity's type
    # nothing was changed, so 对 shows the card again before it is saved as it is
    assert "还没保存" in talk("对", "2026-11-25 10:02")
    assert "已登记" in talk("对", "2026-11-25 10:03")
    [record] = saved_records(services)
    assert record.kind == "publicity"


def test_a_confirmation_that_names_its_card_after_a_question(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("昨天江口村小组会 到会19人 发宣传单40张", "2026-11-03 08:00")
    talk("育儿补贴怎么领", "2026-11-03 08:01")
    saved = talk("对 刚才那个活动没问题", "2026-11-03 08:02")
    assert "已登记" in saved
    [record] = saved_records(services)
    assert (record.date_start.day, record.participants, record.kind) == (2, 19, "member")


def test_a_bare_referent_is_no_confirmation(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("昨天江口村小组会 到会19人", "2026-11-03 08:00")
    talk("对了 刚才那个活动", "2026-11-03 08:01")
    assert saved_records(services) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("今天在沙头村搞了入户宣传 参加的有18人 派了环保袋50个", "publicity"),
        ("今天在福禄村上门体检 测血压30人次", "clinic"),
        ("今天在福禄村入户走访 走访了12户", "visit"),
        # 走访 said as well: the households were visited
        ("这个月中旬在召河嘎查入户宣传 走访了牧户20户 发折页40份", "visit"),
    ],
)
def test_door_to_door_is_how_not_what(text: str, kind: str) -> None:
    assert classify_kind(text) == kind


def test_a_corrected_door_to_door_publicity_stays_publicity(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞了入户宣传 参加的有18人 派了环保袋50个", "2026-11-02 21:00")
    assert "已登记" in talk("确认", "2026-11-02 21:01")
    updated = talk("刚才那条人数错了 是28个", "2026-11-02 21:05")
    assert "已更新" in updated
    [record] = saved_records(services)
    assert (record.kind, record.participants) == ("publicity", 28)


def test_mid_month_is_no_part_of_the_place(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    sent = beijing("2026-11-30 20:00")
    [draft] = parse_reports("11月中旬江口村会员活动 到会22人", sent, "江口村")
    assert draft.place == "江口村" and draft.date is not None
    assert (draft.date.start.day, draft.date.end.day) == (11, 20)
    cards = talk(
        "本月活动：11月上旬在文竹村开展入户走访，走访计生家庭12户；11月中旬江口村会员活动 到会22人",
        "2026-11-30 20:00",
    )
    assert "旬江口村" not in cards
    talk("都对", "2026-11-30 20:01")
    places = sorted(r.place for r in saved_records(services))
    assert places == ["文竹村", "江口村"]


@pytest.mark.parametrize(
    ("report", "correction", "saved_kind", "people"),
    [
        # the activity said outright after 是, with the old one denied after it
        ("今天在江口村开了小组会 来了二十人", "是开的讲座 不是小组会", "lecture", 20),
        # a dropped digit is a correction, applied without a yes/no question
        ("今天在江口村开展宣传活动 来了50人", "少了个0 是500人", "publicity", 500),
    ],
)
def test_corrections_said_the_other_way_round(
    services: Services,
    talk: Callable[[str, str], str],
    report: str,
    correction: str,
    saved_kind: str,
    people: int,
) -> None:
    talk(report, "2026-11-20 17:20")
    fixed = talk(correction, "2026-11-20 17:21")
    assert "已修改" in fixed and "要改成" not in fixed
    assert "已登记" in talk("对", "2026-11-20 17:22")
    [record] = saved_records(services)
    assert (record.kind, record.participants) == (saved_kind, people)


def test_an_activity_named_item_is_renamed_with_the_type(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞了入户走访 走访了8户", "2026-11-20 17:20")
    fixed = talk("不是走访 是上门宣传", "2026-11-20 17:21")
    assert "宣传活动" in fixed
    assert "已登记" in talk("没问题了", "2026-11-20 17:22")
    [record] = saved_records(services)
    assert record.kind == "publicity"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # who visited is no part of the households; the families named after the count are
        ("昨天我们组走访慰问了4户计生特殊家庭", "计生特殊家庭"),
        # no families named: the visit itself is what was counted, as it was named
        ("今天在江口村入户走访 走访了8户", "入户走访"),
    ],
)
def test_households_visited(text: str, name: str) -> None:
    [draft] = parse_reports(text, beijing("2026-11-20 10:00"), "江口村")
    assert [(i.name, i.unit) for i in draft.items] == [(name, "户")]


def test_staff_are_no_attendance_and_no_item() -> None:
    text = "今天我们村搞了个健康义诊 镇卫生院来了3个医生 测血压70多人次 来了60多个村民"
    [draft] = parse_reports(text, beijing("2026-11-20 10:00"), "江口村")
    assert (draft.participants, draft.participants_approx) == (60, True)
    assert [(i.name, i.quantity, i.unit) for i in draft.items] == [("测血压", 70, "人次")]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        # a bare 办了6份 is the insurance named before, not the visit before that
        (
            "今天去那良村入户走访8户 宣传关爱保险 办了6份",
            [("入户走访", 8, "户"), ("关爱保险", 6, "份")],
        ),
        # 块 said of money is yuan; 块 of soap stays 块
        (
            "本月初在我们村办了关爱保险 一共办了40份 收了保费2000块",
            [("关爱保险", 40, "份"), ("保费", 2000, "元")],
        ),
        ("今天在江口村搞宣传 发了2块肥皂", [("肥皂", 2, "块")]),
    ],
)
def test_item_names_and_units(text: str, items: list[tuple[str, int, str]]) -> None:
    [draft] = parse_reports(text, beijing("2026-11-20 10:00"), "江口村")
    assert [(i.name, i.quantity, i.unit) for i in draft.items] == items


def test_a_place_said_after_a_card_that_assumed_one_is_the_answer(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    card = talk("昨天搞了个宣传 发资料100份", "2026-11-20 17:20")
    assert "江口村（您登记的村）" in card
    assert "还没有上报" in talk("本月活动", "2026-11-20 17:21")
    fixed = talk("在文竹村搞的", "2026-11-20 17:22")
    assert "地点：文竹村" in fixed and "改就回" not in fixed
    assert "已登记" in talk("对", "2026-11-20 17:23")
    [record] = saved_records(services)
    assert (record.place, record.place_home) == ("文竹村", False)


def test_a_place_said_after_a_card_with_a_named_place_is_asked(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("昨天在江口村搞了个宣传 发资料100份", "2026-11-20 17:20")
    asked = talk("在文竹村搞的", "2026-11-20 17:21")
    assert "改就回" in asked  # the report named 江口村: a second place is not just taken
    assert "已登记" in talk("不改", "2026-11-20 17:22") + talk("对", "2026-11-20 17:23")
    [record] = saved_records(services)
    assert record.place == "江口村"


def test_undo_with_its_reason_before_it(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村开了小组会 来了20人", "2026-11-20 17:20")
    assert "已登记" in talk("对", "2026-11-20 17:21")
    undone = talk("刚才那条报重复了 撤销", "2026-11-20 17:25")
    assert "撤销" in undone and "答不上来" not in undone
    assert saved_records(services) == []


def test_several_numbered_confirmations_in_a_row(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("11月4号江口村小组会 到了16个", "2026-11-30 20:00")
    talk("11月18号文竹村宣传 发资料60份", "2026-11-30 20:01")
    saved = talk("1对 2对", "2026-11-30 20:02")
    assert saved.count("已登记") == 2
    places = sorted(r.place for r in saved_records(services))
    assert places == ["文竹村", "江口村"]


def test_a_cantonese_yes_confirms(services: Services) -> None:
    add_member(
        services,
        "ahua",
        Role.VOLUNTEER,
        region=("广东", "梅州市", "五华县", "水寨镇", "五通社区"),
    )
    say = talker(services, "ahua")
    say("今日喺五通社区搞咗个讲座 嚟咗三十几人", "2026-11-20 17:20")
    assert "20多人" in say("唔系三十几 系二十几个", "2026-11-20 17:21")
    assert "已登记" in say("系", "2026-11-20 17:22")
    [record] = saved_records(services)
    assert (record.place, record.participants, record.participants_approx) == (
        "五通社区",
        20,
        True,
    )


def test_about_twenty_people_added_to_a_card_stays_approximate(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在文竹村开了小组会", "2026-11-20 17:20")
    assert "约数" in talk("到了二十个人左右", "2026-11-20 17:21")
    assert "已登记" in talk("对", "2026-11-20 17:22")
    [record] = saved_records(services)
    assert (record.participants, record.participants_approx) == (20, True)


def test_a_card_named_by_its_date_is_the_one_corrected(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("11月3日在江口村开小组会 来了30人", "2026-11-20 15:20")
    talk("11月10日在文竹村搞宣传 发资料100份", "2026-11-20 15:21")
    fixed = talk("3号那个是在福禄村开的", "2026-11-20 15:22")
    assert "已修改第1条" in fixed and "地点：福禄村" in fixed
    talk("都对", "2026-11-20 15:23")
    places = sorted((r.date_start.day, r.place) for r in saved_records(services))
    assert places == [(3, "福禄村"), (10, "文竹村")]


def test_a_date_said_outright_with_shi_is_applied(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞了个义诊 来了50多人", "2026-11-20 15:20")
    fixed = talk("是上个礼拜六搞的", "2026-11-20 15:21")
    assert "11月14日" in fixed and "改就回" not in fixed
    assert "已登记" in talk("对", "2026-11-20 15:22")
    [record] = saved_records(services)
    assert record.date_start.day == 14


def test_a_bare_date_after_a_dated_card_is_still_asked(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞了个义诊 来了50多人", "2026-11-20 15:20")
    asked = talk("上个礼拜六", "2026-11-20 15:21")
    assert "改就回" in asked  # no 是, no correction word: asked, not taken


def test_only_before_a_count_is_no_part_of_the_item(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞宣传 发了宣传资料200份", "2026-11-20 15:20")
    fixed = talk("资料只发了150份", "2026-11-20 15:21")
    assert "宣传资料150份" in fixed and "200份" not in fixed
    assert "已登记" in talk("对", "2026-11-20 15:22")


def test_a_bare_count_sets_the_one_item_of_its_unit(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("11月5日江口村小组会 到会18人", "2026-11-30 20:00")
    talk("11月12日文竹村入户走访 走访6户", "2026-11-30 20:00")
    fixed = talk("第二条是7户", "2026-11-30 20:01")
    assert "已修改第2条" in fixed and "7户" in fixed
    talk("都对", "2026-11-30 20:02")
    counts = sorted((r.date_start.day, r.participants, r.kind) for r in saved_records(services))
    assert counts == [(5, 18, "member"), (12, None, "visit")]
    with session_scope(services.engine) as session:
        items = [(i.quantity, i.unit) for i in session.exec(select(ActivityItem)).all()]
    assert items == [(7, "户")]


def test_a_saved_record_named_by_its_day_and_activity(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("昨天在江口村开展了母亲健康讲座 参加的群众有四十多人", "2026-11-20 15:20")
    talk("对", "2026-11-20 15:21")
    talk("今天在文竹村开了小组会 来了12个", "2026-11-20 15:30")
    talk("对", "2026-11-20 15:31")
    updated = talk("昨天的讲座 人数是45人", "2026-11-20 15:40")
    assert "已更新" in updated and "45人" in updated
    people = sorted((r.kind, r.participants) for r in saved_records(services))
    assert people == [("lecture", 45), ("member", 12)]


@pytest.mark.parametrize(
    ("text", "sessions"),
    [
        (
            "7月中旬在沙头村开展青春健康教育，共开展课程4场，参与青少年150余人次。",
            ("课程", 4, "场"),
        ),
        ("11月中旬在萨拉齐镇开展家长课堂3期，参加家长120余人。", ("家长课堂", 3, "期")),
    ],
)
def test_sessions_held_are_counted(text: str, sessions: tuple[str, int, str]) -> None:
    [draft] = parse_reports(text, beijing("2026-11-30 10:00"), "江口村")
    assert sessions in [(i.name, i.quantity, i.unit) for i in draft.items]


def test_all_said_after_other_confirmation_words_saves_every_card(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("11月3号江口村小组会20人", "2026-11-30 20:00")
    talk("11月10号文竹村宣传资料80份", "2026-11-30 20:00")
    talk("第一条人数是22", "2026-11-30 20:01")
    assert talk("好了都对", "2026-11-30 20:02").count("已登记") == 2
    people = sorted((r.date_start.day, r.participants) for r in saved_records(services))
    assert people == [(3, 22), (10, None)]


def test_records_saved_one_by_one_are_numbered_in_saving_order(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("11月3号江口村小组会 到了20人", "2026-11-30 20:00")
    talk("对", "2026-11-30 20:00")
    talk("11月10号文竹村宣传 资料80份", "2026-11-30 20:01")
    talk("对", "2026-11-30 20:01")
    updated = talk("第一条日期是4号", "2026-11-30 20:03")
    assert "已更新" in updated and "11月4日" in updated
    undone = talk("撤销第2条", "2026-11-30 20:04")
    assert "已撤销" in undone and "文竹村" in undone
    [record] = saved_records(services)
    assert (record.place, record.date_start.day) == ("江口村", 4)


@pytest.mark.parametrize(
    "text",
    [
        "五通社区10月份一共报了几场讲座",
        "请发一份会员活动登记表模板给我",
        "好像石化社区那边这个月已经搞了三场讲座了",
    ],
)
def test_requests_hearsay_and_count_questions_are_no_reports(text: str) -> None:
    assert looks_like_report(text, beijing("2026-11-20 10:00")) < REPORT_THRESHOLD


def test_a_count_of_some_dozen_is_still_a_report() -> None:
    text = "今天在江口村搞宣传 一共发了十几份资料"
    assert looks_like_report(text, beijing("2026-11-20 10:00")) >= REPORT_THRESHOLD


def test_a_question_while_a_card_waits_makes_no_second_card(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村开了小组会 来了20人", "2026-11-20 10:00")
    answer = talk("江口村10月份一共报了几场讲座", "2026-11-20 10:01")
    assert "【第2条】" not in answer
    assert "已登记" in talk("对", "2026-11-20 10:02")
    [record] = saved_records(services)
    assert (record.kind, record.participants) == ("member", 20)


def test_any_yes_to_a_proposed_change_applies_it_and_saves_nothing(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村搞了个义诊 来了50多人", "2026-11-20 15:20")
    assert "改就回" in talk("上个礼拜六", "2026-11-20 15:21")
    applied = talk("好嘞", "2026-11-20 15:22")
    assert "11月14日" in applied and "已登记" not in applied
    assert saved_records(services) == []
    assert "已登记" in talk("对", "2026-11-20 15:23")
    [record] = saved_records(services)
    assert record.date_start.day == 14


def test_cantonese_not_right_is_a_correction(services: Services) -> None:
    add_member(
        services, "ahua", Role.VOLUNTEER, region=("广东", "梅州市", "五华县", "水寨镇", "五通社区")
    )
    say = talker(services, "ahua")
    say("今日喺五通社区派咗宣传单80张", "2026-11-20 15:20")
    fixed = say("唔啱 系琴日", "2026-11-20 15:21")
    assert "11月19日" in fixed
    say("啱", "2026-11-20 15:22")
    [record] = saved_records(services)
    assert record.date_start.day == 19


def test_an_old_number_with_the_items_unit_changes_the_item(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村开了会员活动 到会15人 发了环保袋15个", "2026-11-20 15:20")
    fixed = talk("不是15个是20个", "2026-11-20 15:21")
    assert "人数：15人" in fixed and "环保袋20个" in fixed


def test_an_old_bare_number_both_fields_hold_is_asked(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在江口村开了会员活动 到会15人 发了资料15份", "2026-11-20 15:20")
    asked = talk("不是15是20", "2026-11-20 15:21")
    assert "没有改" in asked and "人数是20人" in asked
    assert "已登记" in talk("人数是20人", "2026-11-20 15:22") + talk("对", "2026-11-20 15:23")
    [record] = saved_records(services)
    assert record.participants == 20


def test_a_run_on_cantonese_report_with_about_forty_is_a_report(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    # 好多大概四十几个人: 多大 inside 好多 + 大概 asks nothing
    card = talk(
        "今日喺浮月村文化楼做咗防艾滋宣传嗰啲后生仔嚟咗好多大概四十几个人派咗宣传册一百本",
        "2026-07-19 18:00",
    )
    assert "请核对" in card and "浮月村" in card and "40多人" in card
    assert "宣传册100本" in card
    assert "已登记" in talk("对", "2026-07-19 18:01")
    [record] = saved_records(services)
    assert record.date_start.isoformat() == "2026-07-19"
    question = "这个会场有多大"
    assert looks_like_report(question, beijing("2026-07-19 18:02")) < REPORT_THRESHOLD


def test_a_look_alike_slip_in_the_day_word_is_read() -> None:
    [draft] = parse_reports("今曰喺石龙村搞咗防艾宣传 嚟咗33人", beijing("2026-09-08 20:00"))
    assert draft.date is not None and draft.date.start.isoformat() == "2026-09-08"
    assert (draft.place, draft.participants) == ("石龙村", 33)


def test_households_named_by_who_lives_there(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    card = talk("今日喺大塘村搞咗敬老慰问 探望咗8户独居老人", "2026-10-22 16:00")
    assert "独居老人8户" in card
    assert "已登记" in talk("对", "2026-10-22 16:01")
    with session_scope(services.engine) as session:
        items = [(i.name, i.quantity, i.unit) for i in session.exec(select(ActivityItem)).all()]
    assert items == [("独居老人", 8, "户")]


def test_a_reason_after_a_correction_is_no_second_change(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    talk("今天在四那村给育龄妇女发放叶酸 来领的有40个人 发叶酸40瓶", "2026-01-20 10:00")
    fixed = talk("人数改为38 有两个是帮别人代领的", "2026-01-20 10:01")
    assert "38人" in fixed and "叶酸40瓶" in fixed and "没有“" not in fixed
    assert "已登记" in talk("对", "2026-01-20 10:02")
    [record] = saved_records(services)
    assert record.participants == 38
