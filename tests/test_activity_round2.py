"""Second round of the activity conversation: general rules found on unseen conversations.

Each test uses its own wording. Parser rules first, then flows through the real router.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from handlers.activity.dates import DateSpan
from handlers.activity.intent import Target, apply_changes, decide, read_correction
from handlers.activity.parser import (
    ActivityDraft,
    Item,
    extract_items,
    find_participants,
    parse_reports,
)
from handlers.core.messages import SHANGHAI, Role
from handlers.core.registry import build_router
from handlers.core.router import Router
from handlers.core.services import Services
from tests.conftest import add_member, saved_records, text_message, texts

NOW = datetime(2026, 11, 18, 16, 0, tzinfo=SHANGHAI)  # a Wednesday

# -- parser -------------------------------------------------------------------------------------


def names(text: str) -> list[tuple[str, int, str, bool]]:
    return [(i.name, i.quantity, i.unit, i.approximate) for i in extract_items(text)]


def test_households_walked_are_a_visit_and_a_named_family_wins() -> None:
    assert names("下午去了新村 走了六户困难家庭") == [("困难家庭", 6, "户", False)]
    # the door-to-door activity named before the bare count is the visit (入户宣传 走了25户)
    assert names("组织志愿者入户宣传防艾知识 一共跑了9户") == [("入户宣传", 9, "户", False)]


def test_a_word_ending_in_an_estimate_character_is_no_estimate() -> None:
    # 签约 / 预约 end in 约 but say nothing about the count being approximate
    assert names("在文竹村预约孕前检查17人次") == [("预约孕前检查", 17, "人次", False)]
    assert names("在东园村开展健康签约 签约了31户")[0][1:] == (31, "户", False)
    assert names("发放宣传单约300张") == [("宣传单", 300, "张", True)]


def test_estimated_attendance_after_who_came() -> None:
    found = find_participants("下午的讲座 来的家长估计三十来个 发手册40本")
    assert found is not None and found[:2] == (30, True)
    found = find_participants("来了不少老人家大概二十几个")
    assert found is not None and found[:2] == (20, True)
    # a hand-out between them is not attendance
    assert find_participants("来了以后发了约50个环保袋") is None


@pytest.mark.parametrize(
    "text",
    [
        "计划：下月3号在文竹村开展优生优育讲座，预计30人参加",
        "这周六在东园村的义诊还办不办",
        "晚上七点在村部学习政策 各位会员记得来",
        "预计明年一月在五通社区搞一次青春健康讲座",
    ],
)
def test_plans_and_invitations_are_not_reports(text: str) -> None:
    assert parse_reports(text, NOW, "江口村") == []


def test_a_bare_ten_day_part_is_this_month_or_last() -> None:
    from handlers.activity.dates import find_date

    late = find_date("中旬在东园村搞了两次宣传", NOW)
    assert late is not None and (late[0].start.day, late[0].end.day) == (11, 20)
    early = find_date("下旬去文竹村走访", datetime(2026, 12, 6, 9, 0, tzinfo=SHANGHAI))
    assert early is not None and (early[0].start, early[0].end) == (
        datetime(2026, 11, 21).date(),
        datetime(2026, 11, 30).date(),
    )


def test_a_day_of_a_month_named_by_where_it_stands() -> None:
    from handlers.activity.dates import find_date

    found = find_date("上个月29号在文竹村开了会", NOW)
    assert found is not None and found[0].start == datetime(2026, 10, 29).date()
    found = find_date("本月2日入户", NOW)
    assert found is not None and found[0].start == datetime(2026, 11, 2).date()


def test_a_numbered_list_is_one_activity_a_line() -> None:
    text = (
        "这个月的：\n1、3号 文竹村 小组会 到了14人\n2、上旬 石湾镇 统一办理关爱保险12份\n"
        "3、11.15 东园村 入户走访5户"
    )
    drafts = parse_reports(text, NOW, "江口村")
    assert [(d.place, d.date.start.day if d.date else None) for d in drafts] == [
        ("文竹村", 3),
        ("石湾镇", 1),
        ("东园村", 15),
    ]
    assert [(i.name, i.quantity) for i in drafts[1].items] == [("关爱保险", 12)]


def test_those_who_came_not_those_expected() -> None:
    found = find_participants("召开小组会，应到会员30人，实到26人")
    assert found is not None and found[:2] == (26, False)


def test_words_around_a_village_are_no_village() -> None:
    from handlers.activity.parser import find_place

    assert find_place("在石湾镇政府和别的村一起办了宣传").name == "石湾镇"
    assert find_place("镇计生办干部及村计生专干30人在廉州镇参加培训").name == "廉州镇"
    # a name with 和 in it stays a name
    assert find_place("在中和村开了会").name == "中和村"


def test_a_place_after_at_beats_our_village_as_the_doer() -> None:
    from handlers.activity.parser import find_place

    found = find_place("今天去廉州镇参加镇里的宣传日 我们村发了资料40份", "江口村")
    assert found.name == "廉州镇" and not found.home
    assert find_place("在村委会开了会", "江口村").name == "江口村"


def test_household_and_insurance_names_after_or_before_a_bare_count() -> None:
    assert names("上旬在文竹村走访了9户农户家庭") == [("农户家庭", 9, "户", False)]
    assert names("在东园村搞计生家庭意外险宣传 办了21份") == [("计生家庭意外险", 21, "份", False)]
    assert names("跟群众一块看了宣传片 发资料20份") == [("资料", 20, "份", False)]


def test_families_named_before_a_bare_household_count() -> None:
    [report] = parse_reports("下午去看了几户低保家庭 一共3户 都在本村", NOW, "江口村")
    assert [(i.name, i.quantity, i.unit) for i in report.items] == [("低保家庭", 3, "户")]
    assert report.place == "江口村" and report.date is not None


def test_just_now_followed_by_an_activity_is_today() -> None:
    from handlers.activity.dates import find_date

    found = find_date("刚才在文竹村搞完宣传", NOW)
    assert found is not None and found[0].start == NOW.date()
    assert find_date("刚才报的那条", NOW) is None


def test_a_date_still_to_come_or_a_year_back_by_a_slip_is_asked() -> None:
    sent = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    [ahead] = parse_reports("本月9号在文竹村办了讲座 到了33人", sent, "江口村")
    assert ahead.date is None and "date" in ahead.missing
    [slip] = parse_reports("12月6日在文竹村办了讲座 到了33人", sent, "江口村")
    assert slip.date is None
    [written] = parse_reports("2025年12月6日在文竹村办了讲座 到了33人", sent, "江口村")
    assert written.date is not None and written.date.start.year == 2025
    [recent] = parse_reports("11月24日在文竹村办了讲座 到了33人", sent, "江口村")
    assert recent.date is not None and recent.date.start.day == 24


def test_a_correction_to_a_date_still_to_come_is_asked() -> None:
    # NOW is 18 November: the 28th is still to come
    assert corrected("日期改成本月28号", draft(participants=9)) == "unclear"
    assert read_correction("改成本月28号", NOW).leftover


# -- reading corrections ------------------------------------------------------------------------

DAY = DateSpan(NOW.date(), NOW.date())


def draft(**fields: object) -> ActivityDraft:
    values: dict[str, object] = {"text": "", "date": DAY, "place": "江口村", "kind": "publicity"}
    values.update(fields)
    return ActivityDraft(**values)  # type: ignore[arg-type]


def corrected(text: str, card: ActivityDraft) -> ActivityDraft | str:
    """The card after ``text``, or the decision's action when nothing was applied."""
    decision = decide(text, NOW, "江口村", [Target(1, card)], [], [1])
    if decision is None or decision.action not in ("correct", "answer"):
        return decision.action if decision else "none"
    result, problems = apply_changes(card, decision.changes)
    assert problems == []
    return result


def items_of(card: ActivityDraft | str) -> list[tuple[str, int, str]]:
    assert isinstance(card, ActivityDraft)
    return [(i.name, i.quantity, i.unit) for i in card.items]


def test_an_item_count_corrected_by_its_unit() -> None:
    card = draft(items=[Item("叶酸", 30, "瓶"), Item("宣传单", 30, "张")])
    assert items_of(corrected("不是30瓶 是36瓶", card)) == [
        ("叶酸", 36, "瓶"),
        ("宣传单", 30, "张"),
    ]


def test_a_count_of_another_unit_does_not_change_attendance() -> None:
    card = draft(participants=12, items=[Item("折页", 12, "份")])
    result = corrected("不是12份是20份", card)
    assert isinstance(result, ActivityDraft) and result.participants == 12
    assert items_of(result) == [("折页", 20, "份")]


def test_an_item_renamed_and_recounted_in_two_pieces() -> None:
    card = draft(items=[Item("资料", 40, "份")])
    assert items_of(corrected("不是资料 是健康手册 45本", card)) == [("健康手册", 45, "本")]


def test_an_item_that_was_not_handed_out_is_removed() -> None:
    def card() -> ActivityDraft:
        return draft(items=[Item("毛巾", 20, "条"), Item("宣传册", 50, "本")])

    assert items_of(corrected("毛巾没发 删掉 只发了宣传册", card())) == [("宣传册", 50, "本")]
    assert items_of(corrected("去掉毛巾", card())) == [("宣传册", 50, "本")]


def test_attendance_not_counted_clears_the_number() -> None:
    card = draft(participants=80)
    result = corrected("不是到了80人 是测血压80人次 人数没统计", card)
    assert isinstance(result, ActivityDraft) and result.participants is None
    assert items_of(result) == [("测血压", 80, "人次")]


def test_a_run_on_correction_with_several_fields() -> None:
    card = draft(participants=20, items=[Item("宣传单", 100, "张")])
    result = corrected("唉不对那个宣传单是三百张不是一百张然后人数是二十五个", card)
    assert isinstance(result, ActivityDraft) and result.participants == 25
    assert items_of(result) == [("宣传单", 300, "张")]


def test_a_kind_and_a_service_count_in_one_correction() -> None:
    card = draft(kind="member", participants=25)
    result = corrected("不是小组会 是义诊 镇医院医生帮测了血糖 40人次", card)
    assert isinstance(result, ActivityDraft) and result.kind == "clinic"
    assert items_of(result) == [("测血糖", 40, "人次")]


def test_a_forgotten_item_is_added_with_the_other_change() -> None:
    card = draft(participants=11, items=[Item("资料", 30, "份")])
    result = corrected("人数是21不是11 另外还发了叶酸10瓶忘记写了", card)
    assert isinstance(result, ActivityDraft) and result.participants == 21
    assert items_of(result) == [("资料", 30, "份"), ("叶酸", 10, "瓶")]


def test_a_restated_report_with_a_stray_word_is_applied() -> None:
    card = draft(place="文竹村", participants=14)
    result = corrected("搞错了 是昨天在江口村开的 三个组一起 来了31个", card)
    assert isinstance(result, ActivityDraft)
    assert (result.place, result.participants) == ("江口村", 31)
    assert result.date is not None and result.date.start.day == NOW.day - 1


def test_a_correction_only_partly_understood_changes_nothing() -> None:
    # the second count has no thing it could belong to: asked, nothing applied alone
    card = draft(participants=11)
    assert corrected("人数是21 还有那个78也不对", card) == "unclear"
    assert read_correction("人数是21 还有那个78也不对", NOW).leftover


def test_a_card_named_by_its_activity() -> None:
    first = Target(1, draft(kind="publicity", participants=30, text="宣传"))
    second = Target(2, draft(kind="clinic", participants=50, text="义诊 来了50人"))
    decision = decide("义诊那次人数错了 是54人", NOW, "江口村", [first, second], [], [1, 2])
    assert decision is not None and decision.action == "correct"
    assert [t.no for t in decision.targets] == [2]


def test_numbered_parts_of_one_message_each_do_their_own_thing() -> None:
    first = Target(1, draft(participants=30))
    second = Target(2, draft(kind="clinic", participants=50))
    decision = decide("第1条没问题 第2条人数错了是45", NOW, "江口村", [first, second], [], [1, 2])
    assert decision is not None and decision.action == "multi"
    assert [p.action for p in decision.parts] == ["confirm", "correct"]
    dropped = decide("第1条上周已经报了 第2条对", NOW, "江口村", [first, second], [], [1, 2])
    assert dropped is not None and [p.action for p in dropped.parts] == ["cancel", "confirm"]
    unclear = decide("第1条对 第2条那个呢", NOW, "江口村", [first, second], [], [1, 2])
    assert unclear is not None and unclear.action == "unclear_parts"
    # 第2条再想想: that card waits, the first is saved
    held = decide("第1条对 第2条再想想", NOW, "江口村", [first, second], [], [1, 2])
    assert held is not None and [p.action for p in held.parts] == ["confirm", "hold"]


# -- flows through the real router --------------------------------------------------------------

Say = Callable[[str], str]


@pytest.fixture
def say(services: Services) -> Say:
    router: Router = build_router()
    services.clock = lambda: NOW
    add_member(services, "lead", Role.LEADER, group="JK01")
    counter = iter(range(10_000))

    def _say(text: str) -> str:
        message = text_message("lead", text, at=NOW, msg_id=f"r2-{next(counter)}")
        return texts(router.dispatch(message, services).replies)

    return _say


def test_naming_the_place_the_card_already_has_confirms_it(services: Services, say: Say) -> None:
    card = say("今天下午组织了一次小组学习 到了九个会员")
    assert "江口村（您登记的村）" in card
    again = say("就是在江口村村委会搞的")
    assert "改就回" not in again and "地点：江口村" in again
    assert "已登记" in say("好")
    [record] = saved_records(services)
    assert (record.place, record.participants) == ("江口村", 9)


def test_numbered_parts_through_the_router(services: Services, say: Say) -> None:
    cards = say("补报：11月2日在江口村开小组会 到了16人；11月9日在文竹村义诊 测血压70人次")
    assert "【第1条】" in cards and "【第2条】" in cards
    unclear = say("第1条对 第2条那个呢")
    assert "什么都没改" in unclear and saved_records(services) == []
    both = say("第1条对 第2条日期错了是10号")
    assert "已登记" in both and "日期：11月10日" in both
    [first] = saved_records(services)
    assert (first.place, first.date_start.day) == ("江口村", 2)
    assert "已登记" in say("对")
    days = sorted(r.date_start.day for r in saved_records(services))
    assert days == [2, 10]


def test_a_partly_understood_correction_asks_and_keeps_the_card(
    services: Services, say: Say
) -> None:
    say("今天在江口村开了会员活动 到了12人 发资料30份")
    reply = say("人数是22 然后那个30也不对")
    assert "人数：22人" not in reply
    # the correction was not understood, so 对 may mean "as I corrected it": the card is
    # shown again unchanged, and a second 对 saves it as it is
    again = say("对")
    assert "还没保存" in again and "人数：12人" in again and saved_records(services) == []
    assert "已登记" in say("对")
    [record] = saved_records(services)
    assert record.participants == 12


def test_undo_names_the_saved_record_by_its_activity(services: Services, say: Say) -> None:
    say("今天上午在江口村搞了防艾宣传 发折页90份")
    say("对")
    say("今天下午在江口村义诊 测血压44人次")
    say("对")
    assert len(saved_records(services)) == 2
    # no lecture was saved: nothing is undone rather than the wrong record
    assert "没有撤销" in say("上午报的讲座撤销 搞错了")
    assert len(saved_records(services)) == 2
    reply = say("上午报的宣传那条作废 那是镇里搞的")
    assert "已撤销" in reply
    [left] = saved_records(services)
    assert left.kind == "clinic"


def test_one_card_dropped_and_the_others_confirmed_in_one_message(
    services: Services, say: Say
) -> None:
    say("11月2日在江口村开小组会 到了16人；11月9日在文竹村义诊 测血压70人次；11月12日东园村宣传")
    reply = say("第2条重复了 剩下的都没问题")
    assert "第2条已作废" in reply and reply.count("已登记") == 2
    assert sorted(r.date_start.day for r in saved_records(services)) == [2, 12]


def test_holding_messages_keep_the_card_and_are_not_questions(
    services: Services, say: Say
) -> None:
    say("今天在江口村开了小组会 到了19人")
    for hold in ("稍等", "我先问问", "在开车 晚点再说"):
        reply = say(hold)
        assert "先留着" in reply and "问题已记录" not in reply
    assert saved_records(services) == []
    assert "已登记" in say("对")


def test_after_saying_something_is_wrong_the_next_message_is_the_fix(
    services: Services, say: Say
) -> None:
    say("今天在江口村开了小组会 到了19人")
    assert "哪里不对" in say("不对")
    fixed = say("是前天")
    assert "改就回" not in fixed and "日期：11月16日" in fixed
    assert "已登记" in say("对")
    [record] = saved_records(services)
    assert record.date_start.day == 16


def test_an_answer_to_the_bots_question_keeps_what_else_it_corrects() -> None:
    from handlers.activity.intent import follow_up

    card = Target(1, draft(participants=18, items=[Item("毛巾", 18, "条"), Item("资料", 9, "份")]))
    question = {"kind": "field", "no": 1, "saved": False, "field": "participants"}
    answer = follow_up("28人 毛巾没发", NOW, "江口村", question, [card])
    assert answer is not None and answer.action == "correct"
    assert [c.field for c in answer.changes] == ["participants", "item_remove"]
    assert follow_up("昨天", NOW, "江口村", question, [card]) is None


def test_the_own_group_summary_mentions_a_card_still_waiting(say: Say) -> None:
    say("今天在江口村开了小组会 到了19人")
    summary = say("这个月我们组报了几次活动？")
    assert "还没有上报" in summary and "另有1条活动记录还在等您确认" in summary
    assert "已登记" in say("对")
    assert "上报活动1次" in say("本月活动")


def test_a_numbered_list_of_new_reports_never_corrects_the_waiting_cards() -> None:
    waiting = Target(1, draft(participants=18))
    listed = "第1条：11月3日在文竹村搞了宣传 发资料50份；第2条：11月9日在东园村义诊 测血压30人次"
    decision = decide(listed, NOW, "江口村", [waiting], [], [1])
    assert decision is not None and decision.action == "report"
    assert [d.place for d in decision.drafts] == ["文竹村", "东园村"]
    # a numbered correction is still a correction
    fixed = decide("第1条 日期错了 是11月3日", NOW, "江口村", [waiting], [], [1])
    assert fixed is not None and fixed.action == "correct"
