"""Corrections that come with a reason, cards confirmed by what they were about, and answers that
name no field, through the real encrypted callback.

A correction often says why the card was wrong ("昨天我在镇里开会没搞活动"): that clause tells what
happened and is no new value, while the clause that says the value outright (是 / 改成) is. Values
said again after 其他没错 must be the card's own, else the bot asks. A card is confirmed by its
activity ("讲座那个确认"), the rest of several by "剩下两条都对"; "前天发的" answers the day the card
asked for; "刚才那个发出去没有" asks whether it was saved and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis

from handlers.core.messages import Role
from tests.conftest import add_member
from tests.test_activity_callback import Chat, add_lilan, items_of, last_evening, open_chat, today

REPORT = "今天在江口村搞了优生优育宣传 来了25人 发宣传单100张"


@pytest.fixture
def chat(tmp_path: Path, redis: Redis) -> Iterator[Chat]:
    with open_chat(tmp_path, redis) as chat:
        services = chat.runtime.services
        add_lilan(services)
        add_member(
            services,
            "lianghy",
            Role.LEADER,
            group="YS01",
            region=("广东", "东莞市", "常平镇", "袁山贝村"),
        )
        # no village in the roster: a report without a place is asked for it
        add_member(services, "liufang", Role.VOLUNTEER, region=("广西", "钦州市", "钦南区"))
        yield chat


def test_a_day_corrected_with_the_reason_for_the_mistake(chat: Chat) -> None:
    chat.say("lilan", REPORT)
    card = chat.say("lilan", "日期改成前天 昨天我在镇里开会没搞活动 记混了")
    assert "已修改" in card
    assert "已登记" in chat.say("lilan", "确认")
    [(record, _)] = chat.records("lilan")
    assert record.date_start == (today() - timedelta(days=2)).date()


def test_a_place_described_beside_the_card_and_why(chat: Chat) -> None:
    chat.say("lilan", REPORT)
    card = chat.say("lilan", "地点错了 是在隔壁文竹村搞的 帮他们村弄的")
    assert "地点：文竹村" in card and "隔壁" not in card
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert record.place == "文竹村"


def test_a_value_said_twice_and_a_reason_still_asks_when_two_values_are_said(chat: Chat) -> None:
    # two days each said outright: which one is meant is asked, nothing is changed
    chat.say("lilan", REPORT)
    asked = chat.say("lilan", "改成前天 是大前天 记混了")
    assert "已修改" not in asked and "什么都没改" in asked
    assert chat.records("lilan") == []


def test_cantonese_corrections(chat: Chat) -> None:
    chat.say("lianghy", "琴日喺袁山贝村搞咗宣传 派咗资料80份 有三十几人嚟")
    card = chat.say("lianghy", "唔好意思 唔係琴日 係前日 琴日落雨所以改咗期")
    assert "已修改" in card
    card = chat.say("lianghy", "派嘅係宣传册唔係资料")
    assert "宣传册80份" in card
    assert "已登记" in chat.say("lianghy", "确认")
    [(record, items)] = chat.records("lianghy")
    assert record.date_start == (today() - timedelta(days=2)).date()
    assert items_of(items) == [("宣传册", 80, "份")]


def test_the_other_values_said_again_after_saying_they_are_right(chat: Chat) -> None:
    chat.say("lilan", REPORT)
    card = chat.say("lilan", "不是25人 是三十来个 其他没错 今天 江口村")
    assert "已修改" in card and "人数：30多人" in card
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert record.participants == 30 and record.participants_approx


def test_a_value_said_again_that_is_not_the_cards_is_asked(chat: Chat) -> None:
    chat.say("lilan", REPORT)
    asked = chat.say("lilan", "不是25人 是30人 其他没错 昨天 江口村")
    assert "已修改" not in asked and "什么都没改" in asked


def test_a_thing_said_wrong_with_its_count_is_replaced(chat: Chat) -> None:
    chat.say("lilan", REPORT)
    card = chat.say("lilan", "不是宣传单100张 是宣传折页80张 其他对的")
    assert "宣传折页80张" in card and "宣传单100张" not in card
    chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("宣传折页", 80, "张")]


def test_a_card_confirmed_by_its_activity(chat: Chat) -> None:
    chat.say("lilan", "昨天在文竹村搞了青春健康讲座 来了50人")
    chat.say("lilan", "今天在江口村入户走访计生特殊家庭3户")
    saved = chat.say("lilan", "讲座那个对")
    assert "已登记" in saved and "文竹村" in saved
    [(record, _)] = chat.records("lilan")
    assert record.place == "文竹村"
    # the one left is confirmed by its activity too, after a question in between
    chat.say("lilan", "育儿补贴怎么领")
    assert "已登记" in chat.say("lilan", "晓得了 刚才那个走访的确认")
    assert len(chat.records("lilan")) == 2


def test_a_card_named_by_an_activity_no_card_is_shown_and_asked(chat: Chat) -> None:
    chat.say("lilan", REPORT)
    asked = chat.say("lilan", "义诊那个确认")
    assert "已登记" not in asked and "请核对" in asked
    assert chat.records("lilan") == []
    assert "已登记" in chat.say("lilan", "对")


def test_the_rest_confirmed_after_one_card_is_dropped(chat: Chat) -> None:
    chat.say("lilan", "10号江口村青春健康讲座 来了38个学生")
    chat.say("lilan", "17号江口村慰问计生特殊家庭5户")
    chat.say("lilan", "18号江口村小组会 到会12人")
    chat.say("lilan", "第2条不要了 那个是镇里组织的")
    saved = chat.say("lilan", "剩下两条都对")
    assert saved.count("已登记") == 2
    assert sorted(r.participants or 0 for r, _ in chat.records("lilan")) == [12, 38]


def test_the_day_asked_for_answered_with_the_verb(chat: Chat) -> None:
    asked = chat.say("lilan", "在文竹村发放了避孕药具 发了40盒")
    assert "哪一天" in asked
    card = chat.say("lilan", "前天发的")
    assert "收到" in card
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert record.date_start == (today() - timedelta(days=2)).date()


def test_whether_the_card_was_saved_is_answered(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了关爱保险宣传 办了关爱保险14份")
    status = chat.say("lilan", "刚才那个发出去没有")
    assert "还没保存" in status and "关爱保险14份" in status
    assert "已登记" in chat.say("lilan", "对")
    status = chat.say("lilan", "存上了吗")
    assert "已经保存了" in status
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("关爱保险", 14, "份")]


def test_a_card_pointed_at_by_its_activity_gets_the_place(chat: Chat) -> None:
    at = last_evening()  # 今天下午 is past (after midnight it would still be to come)
    asked = chat.say("liufang", "今天下午开了会员活动 到会15人", at)
    assert "哪个村" in asked
    chat.say("liufang", "前天在东风社区开展入户走访 走访计生特殊家庭3户", at)
    card = chat.say("liufang", "今天下午那个会员活动是在沙埠社区开的", at)
    assert "地点：沙埠社区" in card and "第3条" not in card
    chat.say("liufang", "都对", at)
    records = chat.records("liufang")
    assert sorted((r.place, r.participants) for r, _ in records) == [
        ("东风社区", None),
        ("沙埠社区", 15),
    ]


def test_the_first_card_called_the_head_one_and_a_named_card_checked(chat: Chat) -> None:
    chat.say("lilan", "昨天在文竹村搞了青春健康讲座 来了50人")
    chat.say("lilan", "今天在江口村入户走访计生特殊家庭3户")
    held = chat.say("lilan", "确认一下")  # "let me check": the cards wait
    assert "先留着" in held and chat.records("lilan") == []
    saved = chat.say("lilan", "头一个对")
    assert "已登记" in saved and "文竹村" in saved
    assert "已登记" in chat.say("lilan", "走访那个 确认一下")
    assert len(chat.records("lilan")) == 2


@pytest.mark.parametrize("yes", ["要得", "没得问题", "好哒", "確認", "得喇"])
def test_a_regional_yes_saves_the_card(chat: Chat, yes: str) -> None:
    chat.say("lilan", REPORT)
    assert "已登记" in chat.say("lilan", yes)
    assert len(chat.records("lilan")) == 1


def test_a_brush_off_saves_nothing(chat: Chat) -> None:
    chat.say("lilan", REPORT)
    assert "已登记" not in chat.say("lilan", "得了吧")
    assert chat.records("lilan") == []


def test_a_thing_renamed_in_cantonese_with_its_new_count(chat: Chat) -> None:
    chat.say("lianghy", "今日喺袁山贝村搞咗宣传 派咗资料80份 大概有三十几人嚟")
    card = chat.say("lianghy", "其实系宣传册唔系资料 派咗80本")
    assert "已修改" in card and "宣传册80本" in card
    chat.say("lianghy", "系")
    [(_, items)] = chat.records("lianghy")
    assert items_of(items) == [("宣传册", 80, "本")]
