"""Corrections said the way people say them: a change and a confirmation in one message, the
activity said with the verb of holding it (搞的是义诊), and more, through the real encrypted
callback where the conversation matters.

人数改28 其他没问题 确认 applies the change and saves the card as changed, in one turn; a change
that is not all understood is never saved by the 确认 beside it. 搞的是义诊 sets the card's type:
搞的 names no field and no thing.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from handlers.activity.intent import Target, apply_changes, decide, read_correction
from handlers.activity.normalise import fold
from handlers.activity.parser import ActivityDraft, Item, parse_reports
from tests.test_activity_callback import Chat, items_of

SENT = datetime(2026, 11, 20, 17, 0)


def _fields(text: str) -> dict[str, object]:
    correction = read_correction(text, SENT, "江口村")
    assert not correction.leftover
    return {c.field: c.kind or c.place or c.people or c.date or c.item for c in correction.changes}


def draft(text: str) -> ActivityDraft:
    [report] = parse_reports(text, SENT, "福禄村")
    return report


# -- unit -----------------------------------------------------------------------------------------


def test_the_verb_of_holding_it_names_the_type() -> None:
    fields = _fields("弄错了 是在海子村村委会 搞的是义诊 卫生院来的大夫")
    assert fields["kind"] == "clinic"
    assert fields["place"] == "海子村"
    assert _fields("开的是青春健康讲座") == {"kind": "youth"}


def test_the_month_said_after_the_day_belongs_to_it() -> None:
    # (sent on the 5th: a bare 3号 still ahead would be last month's, as the labelling rule says)
    sent = datetime(2026, 11, 5, 17, 0)
    [change] = read_correction("日期错了 是3号 上个月的 忘了报", sent, "江口村").changes
    assert change.date is not None and change.date.start == date(2026, 10, 3)
    [change] = read_correction("日期是3号", sent, "江口村").changes
    assert change.date is not None and change.date.start == date(2026, 11, 3)


def test_people_who_came_later_to_take_it_are_no_attendance() -> None:
    assert _fields("保险系21份 后尾又有三个人来办") == {"item": Item("保险", 21, "份")}
    assert _fields("关爱保险是20份 后来又有3个人来领") == {"item": Item("关爱保险", 20, "份")}


def test_more_than_the_card_says_then_the_count() -> None:
    assert _fields("资料不止 是二百多份") == {"item": Item("资料", 200, "份", True)}
    assert _fields("人数不止 是四十多个") == {"participants": (40, True)}
    assert read_correction("资料不止", SENT, "江口村").leftover  # what it should be: asked


def test_people_times_said_instead_of_attendance_are_kept_apart() -> None:
    changes = read_correction("咨询是150人次 不是来了150人 来的大概八十几个", SENT).changes
    assert [c.field for c in changes] == ["item_add", "participants"]
    assert changes[0].item == Item("咨询", 150, "人次")
    assert changes[1].people == (80, True)
    cleared = read_correction("咨询是150人次 不是来了150人", SENT).changes
    assert [c.field for c in cleared] == ["item_add", "participants_clear"]


@pytest.mark.parametrize(
    "text",
    [
        "发嘅系避孕药具40盒 唔系宣传单",
        "不是宣传单 是避孕药具40盒",
        "发的是避孕药具40盒 不是宣传单",
    ],
)
def test_a_thing_said_wrong_without_its_count_is_replaced(text: str) -> None:
    [change] = read_correction(text, SENT).changes
    assert (change.field, change.name, change.item) == (
        "item_rename",
        "宣传单",
        Item("避孕药具", 40, "盒"),
    )


def test_the_type_said_wrong_then_what_was_done_instead() -> None:
    fields = _fields("说错了 不是宣传 是走访计生特殊家庭7户 资料没有发")
    assert fields["kind"] == "visit"
    assert fields["item"] == Item("计生特殊家庭", 7, "户")
    assert fields["item_remove"] is None  # (资料 taken off: the change names it)
    # the same type said again in its place changes no type
    assert "kind" not in _fields("不是宣传 是发了资料50份")


def test_the_households_of_a_visit_go_to_the_card_of_that_visit() -> None:
    correction = read_correction("慰问系5户", SENT)
    [change] = correction.changes
    assert (change.field, change.item) == ("households", Item("慰问", 5, "户"))
    assert correction.topic == "慰问"
    insurance = Target(2, draft("10月17日福禄村办关爱保险15份"))
    visit = Target(3, draft("10月24日去新塘村慰问计生特殊家庭4户"))
    decision = decide("慰问系5户", SENT, "福禄村", [insurance, visit], [], shown=[2])
    assert decision is not None and decision.action == "correct"
    assert [t.no for t in decision.targets] == [3]
    changed, problems = apply_changes(visit.draft, decision.changes)
    assert problems == [] and changed.items == [Item("计生特殊家庭", 5, "户")]
    # two visits waiting: which one is asked
    other = Target(4, draft("10月25日去福禄村走访慰问计生家庭6户"))
    asked = decide("慰问系5户", SENT, "福禄村", [insurance, visit, other], [], shown=[2])
    assert asked is not None and asked.action == "ask_target"


def test_several_fields_and_a_thing_in_one_message() -> None:
    fields = _fields("地点是东公此村 人是35个 宣传册发了60本")
    assert fields == {
        "place": "东公此村",
        "participants": (35, False),
        "item": Item("宣传册", 60, "本"),
    }


def test_the_old_number_explained_then_the_new_one() -> None:
    [change] = read_correction("哎呀又搞错了 是34个 36是另外一场的", SENT).changes
    assert (change.field, change.people, change.name) == ("number", (34, False), "36")
    card = draft("昨天在黄屋屯村搞了青春健康讲座 来了32个学生")
    card.participants = 36
    changed, problems = apply_changes(card, [change])
    assert problems == [] and changed.participants == 34


def test_a_hakka_count_of_people() -> None:
    assert fold("来了三十几只人") == "来了三十几个人"
    [report] = parse_reports("昨天在福禄村搞了计生宣传 来了三十几只人 发了宣传单200张", SENT)
    assert (report.participants, report.participants_approx) == (30, True)
    assert report.items == [Item("宣传单", 200, "张")]


def test_a_bag_is_the_cards_one_bag() -> None:
    card = draft("今天在朗洲村开展婚育新风宣传 来了25人 发环保袋25个 宣传资料100份")
    changes = read_correction("袋子是30个 人还是25", SENT).changes
    changed, problems = apply_changes(card, changes)
    assert problems == []
    assert changed.items == [Item("环保袋", 30, "个"), Item("宣传资料", 100, "份")]
    assert changed.participants == 25
    # two bags on the card: no bag is guessed
    card = draft("今天在朗洲村宣传 发环保袋25个 手提袋10个")
    changed, _ = apply_changes(card, read_correction("袋子是30个", SENT).changes)
    assert Item("环保袋", 25, "个") in changed.items and Item("手提袋", 10, "个") in changed.items


@pytest.mark.parametrize(
    ("text", "saved"),
    [
        ("人数改28 其他没问题 确认", True),
        ("不是25人 是28人 其他没问题 确认", True),
        ("人数错了 是28个 确认吧", True),
        ("人数改28 好的", True),
        # a piece not read (a change without its value, talk) is never confirmed with the rest
        ("人数改28 环保袋也改一下 确认", False),
        ("人数改28 其他的我再看看 确认", False),
        ("人数改28 确认吗", False),
    ],
)
def test_a_change_then_a_yes_is_saved_only_when_every_piece_was_read(
    text: str, saved: bool
) -> None:
    card = Target(1, draft("今天江口村开展宣传活动 参加群众25人 发放宣传资料200份 环保袋50个"))
    decision = decide(text, SENT, "江口村", [card], [], shown=[1])
    assert decision is not None
    parts = [p.action for p in decision.parts]
    assert (parts == ["correct", "confirm"]) is saved
    assert saved or decision.action in ("correct", "unclear")


def test_back_to_the_number_the_report_said() -> None:
    card = draft("今天在东公此村搞会员活动 来了25人 发毛巾25条")
    card.participants = 30  # (人数改成30, then)
    [change] = read_correction("算了还是25 刚才数错了", SENT).changes
    assert (change.field, change.people) == ("revert", (25, False))
    changed, problems = apply_changes(card, [change])
    assert problems == [] and changed.participants == 25
    assert changed.items == [Item("毛巾", 25, "条")]


def test_back_to_a_number_no_field_or_two_fields_could_mean_is_not_applied() -> None:
    card = draft("今天在东公此村搞会员活动 来了25人 发毛巾25条")
    _, problems = apply_changes(card, read_correction("还是40", SENT).changes)
    assert problems and card.participants == 25  # the report said 40 nowhere
    card.participants = 30
    card.items = [Item("毛巾", 20, "条")]
    _, problems = apply_changes(card, read_correction("还是25", SENT).changes)
    assert problems  # both the attendance and the towels were 25: which one is asked
    assert (card.participants, card.items) == (30, [Item("毛巾", 20, "条")])


# -- through the callback -------------------------------------------------------------------------


def test_a_change_then_a_yes_in_one_message_saves_the_card_as_changed(chat: Chat) -> None:
    chat.say("lilan", "今天江口村开展关爱女孩宣传活动 参加群众25人 发放宣传资料200份")
    answer = chat.say("lilan", "人数改28 其他没问题 确认")
    assert "人数：28人" in answer and "已登记" in answer
    [(record, items)] = chat.records("lilan")
    assert record.participants == 28
    assert items_of(items) == [("宣传资料", 200, "份")]


def test_a_change_not_all_understood_is_not_saved_by_the_yes_beside_it(chat: Chat) -> None:
    chat.say("lilan", "今天江口村开展关爱女孩宣传活动 参加群众25人 发放宣传资料200份")
    answer = chat.say("lilan", "人数改28 那个78也不对 确认")
    assert "已登记" not in answer
    assert chat.records("lilan") == []


def test_the_type_said_with_the_verb_of_holding_it_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "昨天在廉州镇搞了宣传 来了四十多个人")
    assert "类型：义诊" in chat.say("lilan", "弄错了 是在江口村村委会 搞的是义诊 卫生院来的大夫")
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.place, record.kind) == ("江口村", "clinic")


def test_a_count_goes_to_the_card_of_the_visit_it_names(chat: Chat) -> None:
    chat.say("lilan", "本月活动：10月10日江口村搞了计生宣传 来了四十几个人 发资料200份")
    chat.say("lilan", "10月17日江口村办关爱保险15份")
    chat.say("lilan", "10月24日去文竹村慰问计生特殊家庭4户")
    assert "关爱保险18份" in chat.say("lilan", "保险那条系18份 唔系15")
    answer = chat.say("lilan", "慰问系5户")
    assert "已修改第3条" in answer and "计生特殊家庭5户" in answer
    chat.say("lilan", "都对")
    saved = {record.kind: items_of(items) for record, items in chat.records("lilan")}
    assert saved["insurance"] == [("关爱保险", 18, "份")]
    assert saved["visit"] == [("计生特殊家庭", 5, "户")]


def test_back_to_the_reported_number_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞会员活动 来了25人 发毛巾25条")
    assert "人数：30人" in chat.say("lilan", "人数改成30")
    assert "人数：25人" in chat.say("lilan", "算了还是25 刚才数错了")
    chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.participants == 25
    assert items_of(items) == [("毛巾", 25, "条")]


def test_more_who_came_to_take_insurance_after_saving_are_no_attendance(chat: Chat) -> None:
    chat.say("lilan", "今天江口村办关爱保险 办了18份 来了二十几个人")
    chat.say("lilan", "对")
    assert "已更新登记" in chat.say("lilan", "保险系21份 后尾又有三个人来办")
    [(record, items)] = chat.records("lilan")
    assert (record.participants, record.participants_approx) == (20, True)
    assert items_of(items) == [("关爱保险", 21, "份")]
