"""A message sent while a card waits, through the real encrypted callback: read by what it
holds compared with the card. A value that differs from the card corrects it (a count said with
its measure word is no card number, a closing particle or the reason for the mistake is no
value), a question is answered and the card kept, and a correction only partly understood is
asked about, never saved silently."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.activity.cards import card_key
from handlers.core.state import Conversation
from tests.test_activity_callback import Chat, items_of, today

REPORT = "今天在江口村搞了优生优育宣传 来了25人 发宣传单100张"


@pytest.mark.parametrize(
    ("correction", "people"),
    [
        ("25个人不对哈，来的是35个", 35),  # 25个人 is a count, not card 25
        ("人没有二十五个啦 就二十个", 20),  # 没有 + the old count
        ("人数错了 不是25个是28个 语音识别错了", 28),  # the reason, said last
    ],
)
def test_a_count_corrected_in_natural_words(chat: Chat, correction: str, people: int) -> None:
    chat.say("lilan", REPORT)
    card = chat.say("lilan", correction)
    assert "已修改" in card and f"人数：{people}人" in card
    assert "已登记" in chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.participants == people
    assert items_of(items) == [("宣传单", 100, "张")]


def test_a_place_said_with_the_verb_of_writing_it(chat: Chat) -> None:
    chat.say("lilan", REPORT)
    card = chat.say("lilan", "地点写文竹村，是在村小学门口搞的")
    assert "地点：文竹村" in card and "写文竹村" not in card
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert record.place == "文竹村"


def test_a_total_beside_its_rate_is_the_count(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村开展计生特殊家庭慰问，走访慰问了6户计生特殊家庭")
    card = chat.say("lilan", "少写了 还发了慰问金 每户500元 一共3000元")
    assert "慰问金3000元" in card and "500" not in card
    chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert sorted(items_of(items)) == [("慰问金", 3000, "元"), ("计生特殊家庭", 6, "户")]


def test_a_question_about_an_item_on_the_card_changes_nothing(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村帮村民办了关爱保险 办了八份")
    answer = chat.say("lilan", "关爱保险今年几钱一份啊")
    assert "已修改" not in answer and "请核对" not in answer
    assert "已登记" in chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("关爱保险", 8, "份")]


def test_an_unknown_thing_counted_like_one_on_the_card_is_asked(chat: Chat) -> None:
    chat.say("lilan", REPORT)
    asked = chat.say("lilan", "单子是120张")
    assert "已修改" not in asked and "什么都没改" in asked
    again = chat.say("lilan", "对")  # the 对 may mean "as corrected": shown again, not saved
    assert "已登记" not in again and "宣传单100张" in again
    assert chat.records("lilan") == []
    card = chat.say("lilan", "宣传单是120张")
    assert "宣传单120张" in card
    chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("宣传单", 120, "张")]


def test_a_thing_pointed_at_is_removed_from_the_saved_record(chat: Chat) -> None:
    chat.say("lilan", "今天江口村搞了健康体检 来了45个村民做体检 发放药箱20个")
    assert "已登记" in chat.say("lilan", "对")
    updated = chat.say("lilan", "药箱没发 明天才到 把药箱那个去掉")
    assert "已更新登记" in updated
    [(record, items)] = chat.records("lilan")
    assert record.participants == 45 and items == []


def test_a_second_visit_the_same_day_is_its_own_record(chat: Chat) -> None:
    chat.say("lilan", "今天上午在江口村走访了4户计生特殊家庭")
    assert "已登记" in chat.say("lilan", "对")
    card = chat.say("lilan", "下午又在江口村走访了3户计生特殊家庭")
    assert "已经登记过了" not in card and "计生特殊家庭3户" in card
    assert "已登记" in chat.say("lilan", "对")
    # the very same words sent again are still one record
    again = chat.say("lilan", "下午又在江口村走访了3户计生特殊家庭")
    assert "已经登记过了" in again
    records = chat.records("lilan")
    assert [items_of(items) for _, items in records] == [
        [("计生特殊家庭", 4, "户")],
        [("计生特殊家庭", 3, "户")],
    ]


def test_a_waiting_card_outlives_half_an_hour(chat: Chat) -> None:
    card = chat.say("lilan", REPORT)
    assert "24小时内有效" in card
    conversation = Conversation(chat.runtime.services.engine, "app", "lilan")
    ttl = conversation.ttl(card_key(1))
    assert ttl is not None and ttl > 3 * 3600  # kept until 对 or 撤销, not thrown away


def test_talk_naming_a_card_value_is_asked_about_and_holds_the_card(chat: Chat) -> None:
    chat.say("lilan", REPORT)
    asked = chat.say("lilan", "宣传单那个有点问题")
    assert "什么都没改" in asked
    assert "已登记" not in chat.say("lilan", "对")  # shown again, not saved as it was
    assert chat.records("lilan") == []
    assert "已登记" in chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("宣传单", 100, "张")]


def test_a_place_no_word_list_knows_and_a_span_of_days(chat: Chat) -> None:
    start = (today() - timedelta(days=12)).date()
    if (start + timedelta(days=1)).month != start.month:
        start -= timedelta(days=2)
    end = start + timedelta(days=1)
    chat.say("lilan", f"{start.month}月{start.day}日在江口村开展心理健康咨询 咨询的有七十几人次")
    card = chat.say("lilan", "地点是新村屯")
    assert "地点：新村屯" in card
    card = chat.say("lilan", f"不是只有{start.day}号 是{start.day}号到{end.day}号两天")
    assert f"{start.month}月{start.day}日至{end.day}日" in card
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert record.place == "新村屯"
    assert (record.date_start, record.date_end) == (start, end)


@pytest.mark.parametrize(
    ("correction", "people", "books"),
    [
        ("手册发的是十五本，有三个人没要", 18, 15),  # why, not the attendance
        ("人数那里写错了，应该是二十一", 21, 18),  # the field pointed at where it is written
        ("手册数量不对，应该是二十本", 18, 20),  # the thing's count, never a thing named 二十本
    ],
)
def test_a_correction_changes_only_what_it_names(
    chat: Chat, correction: str, people: int, books: int
) -> None:
    chat.say("lilan", "昨天在江口村开了会员小组会，到会会员18人，发放健康手册18本")
    card = chat.say("lilan", correction)
    assert "已修改" in card and f"人数：{people}人" in card and f"手册{books}本" in card
    chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.participants == people
    assert [(name, quantity) for name, quantity, _ in items_of(items)] == [("健康手册", books)]


def test_a_value_for_a_card_named_by_its_activity_is_no_new_card(chat: Chat) -> None:
    chat.say("lilan", "昨天在江口村开了会员小组会，到会会员18人")
    chat.say("lilan", "前天在江口村搞了避孕药具发放，发了避孕药具40盒，来了30多人")
    card = chat.say("lilan", "小组会那个是20人")
    assert "【第3条】" not in card and "人数：20人" in card
    saved = chat.say("lilan", "都对")
    assert saved.count("已登记") == 2
    assert sorted(r.participants or 0 for r, _ in chat.records("lilan")) == [20, 30]


def test_the_thing_handed_out_named_anew(chat: Chat) -> None:
    chat.say("lilan", "前天在江口村搞了避孕药具发放，发了避孕药具40盒，来了30多人")
    card = chat.say("lilan", "发的是安全套")
    assert "安全套40盒" in card
    chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("安全套", 40, "盒")]


def test_a_day_word_in_other_talk_changes_no_date(chat: Chat) -> None:
    chat.say("lilan", "昨天在江口村开了会员小组会，到会会员18人")
    reply = chat.say("lilan", "今天天气真冷啊")
    assert "日期改成" not in reply and "已修改" not in reply
    assert "已登记" in chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert record.date_start == (today() - timedelta(days=1)).date()


@pytest.mark.parametrize("vague", ["算了", "那个不要", "删了吧"])
def test_a_saved_record_is_undone_only_when_that_is_said(chat: Chat, vague: str) -> None:
    chat.say("lilan", REPORT)
    assert "已登记" in chat.say("lilan", "对")
    kept = chat.say("lilan", vague)
    assert "还保存着" in kept and "已撤销" not in kept
    assert len(chat.records("lilan")) == 1
    assert "已撤销活动记录" in chat.say("lilan", "撤销")
    assert chat.records("lilan") == []


def test_a_count_said_after_saving_updates_the_record(chat: Chat) -> None:
    chat.say("lilan", "昨天在江口村开了会员小组会，到会会员18人，发了宣传册20本")
    assert "已登记" in chat.say("lilan", "对")
    updated = chat.say("lilan", "宣传册是25本")
    assert "已更新登记" in updated and "宣传册25本" in updated
    [(record, items)] = chat.records("lilan")
    assert record.participants == 18 and items_of(items) == [("宣传册", 25, "本")]


def test_the_cards_activity_named_with_its_day(chat: Chat) -> None:
    chat.say("lilan", "昨天在江口村开了会员小组会，到会会员18人")
    card = chat.say("lilan", "会是前天开的")
    assert "已修改" in card
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert record.date_start == (today() - timedelta(days=2)).date()
