"""What a new tuning pair (activity_reports_dev17 with activity_nonreports_dev19) got wrong at
its first score.

Non-reports: another body's work told in full with the own side said to have had no part in
it (我们小组没人参加, 我们协会没人参与, 同计生协没关系, 不是协会组织的), another body at the head
of the message holding something somewhere (县人民医院在石窝村搞了义诊), other bodies' business
(低保评议会, 家长会, 分红会, 招聘会) and family feasts (杀猪, 新屋入伙, 升学宴), and a plan of
the own group after what the office above asked.

Reports: a count of people with who they were between the count and the verb (40名育龄妇女参加)
keeps a formal report that ends with a request; the day a catch-up is sent (今日补返) is not
the day of the activity; a village named only as who did it (柳甲村计生协会员小组…在绍水镇…举办)
is not where it was held; leaflets about insurance make no insurance work; 讲座搞了两场 counts
sessions.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from handlers.activity.dates import find_date
from handlers.activity.normalise import fold
from handlers.activity.notices import not_a_report
from handlers.activity.parser import (
    REPORT_THRESHOLD,
    classify_kind,
    extract_items,
    extract_place,
    looks_like_report,
    parse_reports,
)
from tests.test_activity_callback import Chat, items_of

SENT = datetime(2026, 11, 20, 17, 30)


# -- not reports ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # the own side said to have had no part in it
        "跟你讲一声 前天镇卫生院在我们江口村搞了健康体检 查了90多个老人 我们小组没人参加",
        "琴日县妇联喺我哋村搞咗两癌筛查 查咗六十几个 我哋协会冇人参与",
        "昨天县里在福禄村开了产业培训 来了80多人 跟计生协一点关系没有",
        "镇里在文竹村搞了禁毒宣传 发了200份资料 同我们计生协没关系",
        "昨天村里组织了义务植树 去了40个人 不是协会组织的",
        "前天学校在江口村搞了运动会 来了300人 我们计生协事先都不知道",
        # another body at the head of the message, holding it somewhere
        "昨天县人民医院在我们江口村村委会搞了义诊 测血压一百多人次",
        "县妇幼今天在文竹村搞孕前优生检查 来了20对夫妻 查了40人次",
        "镇司法所昨天在江口村搞普法宣传 发了三百份资料",
        # other bodies' business, family feasts
        "昨晚村委会开的低保评议会 来了二十多个村民代表",
        "今天孩子学校开家长会 班上45个家长来了40个",
        "上午合作社开分红会 每户分了1200块 来了六十多户",
        "夜来我们家杀猪 请了三十来个人吃饭",
        "我儿子考上大学了 今天中午摆升学宴 来了二十多桌",
        # the own group's plan after what the office above asked
        "县计生协要求月底前每个组完成2次会员活动 我们组打算25号搞一次",
    ],
)
def test_not_the_groups_activity(text: str) -> None:
    assert looks_like_report(text, SENT) < REPORT_THRESHOLD, not_a_report(fold(text))


@pytest.mark.parametrize(
    "text",
    [
        # another body with the own group, or brought in by it, or the group's part said
        "昨天县人民医院和我们组在江口村搞了义诊 测血压120人次",
        "县医院的医生今天在江口村义诊 我们组组织了50个群众参加",
        "今天请了镇卫生院的医生来江口村讲孕期保健 来了30人",
        # a meeting of the group's own, whatever it talked over
        "今天在江口村开会员活动 到会15人 讲了低保政策",
        "今天在江口村搞了冬季防火防病宣传 来了40人 发资料120份",
    ],
)
def test_still_the_groups_activity(text: str) -> None:
    assert looks_like_report(text, SENT) >= REPORT_THRESHOLD


def test_a_formal_report_ending_with_a_request_is_one() -> None:
    text = (
        "11月18日，合浦县廉州镇江口村计生协会员小组在江口村开展避孕节育知识宣传，"
        "发放避孕药具150盒、宣传资料200份，40名育龄妇女参加。近期药具库存不足，请协会协调补货。"
    )
    [draft] = parse_reports(text, SENT, None)
    assert (draft.participants, draft.place) == (40, "江口村")
    assert sorted((i.name, i.quantity) for i in draft.items) == [
        ("宣传资料", 200),
        ("避孕药具", 150),
    ]


# -- fields ----------------------------------------------------------------------------------------


def test_the_day_a_catch_up_is_sent_is_not_the_activitys() -> None:
    sent = datetime(2026, 7, 9, 18, 30)  # a Thursday
    for text in (
        "上周三在龙门村走访计生家庭 走了11户 一直冇得闲报 今日补返",
        "今天补报一下 上周三在龙门村走访了11户",
    ):
        found = find_date(text, sent)
        assert found is not None and found[0].start == date(2026, 7, 1), text
    # said alone, today is the day it was held
    found = find_date("今天在龙门村走访计生家庭 走了11户", sent)
    assert found is not None and found[0].start == date(2026, 7, 9)


def test_a_village_named_as_the_doer_is_not_where_it_was_held() -> None:
    text = "11月13日，绍水镇柳甲村计生协会员小组与绍水中学联合开展同伴教育，在绍水镇绍水中学举办同伴教育课3期"
    assert extract_place(text) == "绍水镇"
    # held in the same village it is named by: that village
    text = "5月12日，民安镇石窝村计生协会员小组联合民安镇卫生院在石窝村开展义诊活动"
    assert extract_place(text) == "石窝村"
    assert (
        extract_place("今天我们组和村小学一起搞了防溺水宣传 在联福村小学门口 发了200份")
        == "联福村"
    )


def test_leaflets_about_insurance_make_no_insurance_work() -> None:
    assert (
        classify_kind(
            "我们会员小组同镇计生办一起在西河村入户走访 走访了计生家庭九户 派了保险宣传单九份"
        )
        == "visit"
    )
    assert classify_kind("今天在西河村搞关爱保险宣传 办了20份关爱保险") == "insurance"


def test_sessions_counted_after_the_event_and_its_verb() -> None:
    items = extract_items("今天在拉仁村讲孕期保健 讲座搞了两场 来了三十五人 发叶酸35瓶")
    assert sorted((i.name, i.quantity, i.unit) for i in items) == [
        ("叶酸", 35, "瓶"),
        ("讲座", 2, "场"),
    ]


# -- through the real callback ---------------------------------------------------------------------


def test_another_bodys_work_with_no_part_of_ours_gets_no_card(chat: Chat) -> None:
    answer = chat.say(
        "lilan", "跟你讲一声 昨天县妇联在我们江口村搞了两癌筛查 查了86个妇女 我们小组没人参加"
    )
    assert "请核对" not in answer
    chat.say("lilan", "对")
    assert chat.records("lilan") == []


def test_a_family_feast_gets_no_card(chat: Chat) -> None:
    answer = chat.say("lilan", "今天我屋下新屋入伙 请了十五桌 来了一百五十人")
    assert "请核对" not in answer
    chat.say("lilan", "对")
    assert chat.records("lilan") == []


def test_a_formal_report_with_a_request_is_saved_through_the_callback(chat: Chat) -> None:
    answer = chat.say(
        "lilan",
        "11月18日，江口村计生协会员小组在江口村开展避孕节育知识宣传，发放避孕药具150盒，"
        "40名育龄妇女参加。近期药具库存不足，请协会协调补货。",
    )
    assert "请核对" in answer
    chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert (record.participants, items_of(items)) == (40, [("避孕药具", 150, "盒")])
