"""Five corrections and undos of a held-out set (blind17b, blind18) that were clear to a person
and were refused, or stored wrong.

A sigh before the correction (啊不是昨天 改成上周五) was read as a thing renamed; a new count
said before the old one (是6户不是5户) beside what happened since (后来又去了一家) read the
gap as another new count; an undo of the record pointed at (昨天晚上报的那个撤销了吧) with a
longer reason, one of which named a field without a value (人数是我估的), was taken for a
correction; where the new count was read (表上是21) was taken for a second value; and 镇里
(in the town) before a community's name was read as part of the name (里东风社区). A reason
whose number is not the one the correction says is still asked about: nothing changes.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.activity.dates import find_date
from handlers.activity.intent import Change, Control, decide, read_control, read_correction
from handlers.activity.parser import Item, find_place
from handlers.core.messages import SHANGHAI
from tests.test_activity_callback import Chat, cards_of, items_of

SENT = datetime(2026, 11, 16, 10, 0)


def _last_friday() -> tuple[int, int]:
    found = find_date("上周五", datetime.now(SHANGHAI).replace(tzinfo=None))
    assert found is not None
    return found[0].start.month, found[0].start.day


# -- a sigh before the correction -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["啊不是昨天 改成上周五", "哦不是昨天 改成上周五", "呃 不是昨天 改成上周五"]
)
def test_a_sigh_before_a_correction_says_nothing(text: str) -> None:
    correction = read_correction(text, SENT)
    assert [(c.field, c.date.start.day if c.date else None) for c in correction.changes] == [
        ("date", 13)
    ]
    assert not correction.leftover


def test_a_date_corrected_after_a_sigh_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "昨天在石门村搞了场青春健康讲座，给村里的初中生讲的，来了26个学生")
    answer = chat.say("lilan", "啊不是昨天 改成上周五")
    assert "已修改" in answer
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.date_start.month, record.date_start.day) == _last_friday()


def test_a_sigh_and_no_value_changes_nothing_through_the_callback(chat: Chat) -> None:
    card = chat.say("lilan", "昨天在石门村搞了场青春健康讲座 来了26个学生")
    day = card.split("日期：")[1].split("\n")[0]
    answer = chat.say("lilan", "啊不是昨天")
    assert "没看懂要改成什么" in answer
    assert "还没保存" in chat.say("lilan", "对")
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert f"{record.date_start.month}月{record.date_start.day}日" == day


# -- a reason that tells how a count grew ---------------------------------------------------------


VISIT = "今天走访慰问了5户计生特殊家庭 送了米面油5份"


def test_what_happened_since_explains_the_new_count() -> None:
    correction = read_correction("昨天那个走访 是6户不是5户 米面油也是6份 后来又去了一家", SENT)
    assert correction.changes == [
        Change("number", people=(6, False), name="5户"),
        Change("item", item=Item("米面油", 6, "份"), name="米面油"),
    ]
    assert not correction.leftover


@pytest.mark.parametrize(
    "text",
    [
        "是6户不是5户 后来又去了两家",  # 5 and 2 are not 6
        "是23人不是20人 后来又来了5个",
        "人数是20 后来又来了3个",  # 20 before they came, or after? asked
    ],
)
def test_a_growth_that_does_not_add_up_is_asked(text: str) -> None:
    assert read_correction(text, SENT).leftover


def test_two_counts_corrected_with_what_happened_since_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", VISIT)
    chat.say("lilan", "对")
    answer = chat.say("lilan", "昨天那个走访 是6户不是5户 米面油也是6份 后来又去了一家")
    assert "计生特殊家庭6户，米面油6份" in answer
    [(_, items)] = chat.records("lilan")
    assert sorted(items_of(items)) == [("米面油", 6, "份"), ("计生特殊家庭", 6, "户")]


def test_a_growth_that_does_not_add_up_changes_nothing_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", VISIT)
    chat.say("lilan", "对")
    chat.say("lilan", "是6户不是5户 后来又去了两家")
    [(_, items)] = chat.records("lilan")
    assert sorted(items_of(items)) == [("米面油", 5, "份"), ("计生特殊家庭", 5, "户")]


# -- an undo of the record pointed at, with its reasons -------------------------------------------


def test_an_undo_of_the_record_pointed_at_may_give_long_reasons() -> None:
    assert read_control("昨天晚上报的那个撤销了吧 那个会延期了没开成 人数是我估的") == Control(
        "cancel", saved=True
    )


@pytest.mark.parametrize(
    "text",
    [
        "昨天报的那个撤销 人数是30",  # a value: read as a correction
        "昨天报的那个撤销 人数是我数的30个",
        "昨天报的那个撤销 那天在福禄村开展入户走访 来了20人",  # a report after the undo
    ],
)
def test_a_value_after_the_undo_is_no_reason(text: str) -> None:
    assert read_control(text) is None


def test_a_saved_record_undone_with_its_reasons_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今儿个在村部组织会员学习新的计生奖扶政策 来了28个人")
    chat.say("lilan", "好的")
    assert len(chat.records("lilan")) == 1
    answer = chat.say("lilan", "昨天晚上报的那个撤销了吧 那个会延期了没开成 人数是我估的")
    assert "已撤销" in answer
    assert chat.records("lilan") == []


# -- where the new count was read -----------------------------------------------------------------


def test_where_the_count_was_read_repeats_it() -> None:
    correction = read_correction("关爱保险是21份 刚才写错了 表上是21", SENT)
    assert correction.changes == [Change("item", item=Item("关爱保险", 21, "份"), name="关爱保险")]
    assert not correction.leftover


@pytest.mark.parametrize(
    "text",
    [
        "关爱保险是21份 刚才写错了 表上是12",
        "关爱保险是21份 本子上是20份",
        "表上是21 关爱保险是21份",
    ],
)
def test_another_count_read_somewhere_is_asked(text: str) -> None:
    assert read_correction(text, SENT).leftover


def test_a_decision_on_a_count_read_elsewhere() -> None:
    cards = cards_of(SENT, "今天在江口村委会集中办理关爱保险 来了20多人 办了12份")
    right = decide("关爱保险是21份 刚才写错了 表上是21", SENT, "江口村", cards, [])
    assert right is not None and right.action == "correct"
    wrong = decide("关爱保险是21份 刚才写错了 表上是12", SENT, "江口村", cards, [])
    assert wrong is not None and wrong.action == "unclear"


INSURANCE = "今天在江口村委会集中办理关爱保险 来了20多人 办了12份"


def test_a_count_and_where_it_was_read_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", INSURANCE)
    chat.say("lilan", "对")
    answer = chat.say("lilan", "关爱保险是21份 刚才写错了 表上是21")
    assert "只看懂了一部分" not in answer
    [(_, items)] = chat.records("lilan")
    assert [quantity for _, quantity, _ in items_of(items)] == [21]


def test_another_count_read_somewhere_changes_nothing_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", INSURANCE)
    chat.say("lilan", "对")
    answer = chat.say("lilan", "关爱保险是21份 刚才写错了 表上是12")
    assert "什么都没改" in answer
    [(_, items)] = chat.records("lilan")
    assert [quantity for _, quantity, _ in items_of(items)] == [12]


# -- 镇里: in the town ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("是在镇里东风社区搞的", "东风社区"),
        ("今天在镇里东风社区搞了宣传 来了30人", "东风社区"),
        ("去县里红旗村搞的", "红旗村"),
        # a town named before 里: 里 starts the village's name
        ("在城关镇里仁村搞的", "里仁村"),
    ],
)
def test_in_the_town_is_no_part_of_the_name(text: str, place: str) -> None:
    assert find_place(text, "西湾村").name == place


def test_a_place_in_the_town_corrected_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今天下午在村部组织了一次婚育新风宣传 来了35人 发放宣传品100份")
    answer = chat.say("lilan", "哎说错了 不是村部 是在镇里东风社区搞的")
    assert "地点：东风社区" in answer
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert record.place == "东风社区"
