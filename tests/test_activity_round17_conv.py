"""What a new tuning set of conversations (activity_conversations_dev18) got wrong at its first
score.

Min and Hakka words (今旦 / 明旦 / 下晡, 许个 = 那个, 按呢 = 这样, 着 = 对, 个 as 的, 讲错) that left
a report without its day or a confirmation unread; a yes-or-no question (是不是 / 系毋系) read as
a correction because of its 不是; a renamed thing said again with its count; 哪有六十多 denying a
count; a premium said in 块; a remark that a message was sent twice and a count of the cards
beside 都对; 存咗未 asking whether the card was saved.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.activity.intent import (
    Change,
    Control,
    Target,
    decide,
    read_control,
    read_correction,
)
from handlers.activity.normalise import fold
from handlers.activity.parser import Item, parse_reports
from tests.test_activity_callback import Chat, items_of, last_evening

SENT = datetime(2026, 11, 20, 17, 30)


def _waiting(report: str) -> list[Target]:
    [draft] = parse_reports(report, SENT, "江口村")
    return [Target(1, draft)]


# -- folds -----------------------------------------------------------------------------------


def test_min_and_hakka_words_fold() -> None:
    assert fold("今旦下晡在江口村搞宣传 明旦上晡再去") == "今天下午在江口村搞宣传 明天上午再去"
    assert fold("许条作废 刚才许个对个") == "那条作废 刚才那个对的"
    assert fold("刚刚个活动 走访个是计生特殊家庭") == "刚刚的活动 走访的是计生特殊家庭"
    assert fold("人数讲错了 就按呢 多谢") == "人数说错了 就这样 谢谢"
    assert fold("测血压系一百二十人次") == "测血压是一百二十人次"
    # words that only look alike stay
    for text in ("也许个别人没来", "许个愿", "不许个人擅自改", "中文系一年级", "联系一下"):
        assert fold(text) == text


def test_a_report_dated_in_min_words_has_its_day() -> None:
    [draft] = parse_reports("今旦下晡阮几个去江口村入户走访 送慰问品", SENT, "江口村")
    assert draft.date is not None and draft.date.start == SENT.date()
    assert draft.kind == "visit"


# -- confirmations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "嗯 就按呢 确认",
        "好 就这么地吧",
        "着 着",
        "着 对",
        "着啦",
        "哦 冇问题",
        "好 多谢 许条对个",
        "就这么办",
    ],
)
def test_more_ways_to_say_yes(text: str) -> None:
    assert read_control(text) == Control("confirm")


def test_a_card_named_after_when_it_was_sent_is_confirmed() -> None:
    control = read_control("好 晓得了 刚刚个讲座对")
    assert control is not None and (control.action, control.topic) == ("confirm", "讲座")


@pytest.mark.parametrize(
    "text", ["着急", "存着吧", "着呢", "哦", "许个愿", "刚刚个讲座不对", "对 就这么地 改成20人"]
)
def test_no_yes_in_words_that_only_look_like_one(text: str) -> None:
    control = read_control(text)
    assert control is None or control.action != "confirm"


def test_a_remark_and_a_count_of_the_cards_beside_all_right() -> None:
    control = read_control("刚才重复了 就两条 都对")
    assert control == Control("confirm", all=True, count=2)
    assert read_control("发重了 都对") == Control("confirm", all=True)
    # a count of cards is no yes of its own, nor beside a yes for one card
    assert read_control("就两条") is None
    assert read_control("就两条 对") is None
    # anything but a yes is read as it was said
    assert read_control("就两条 撤销") is None


def test_cards_counted_wrong_asks_which_to_save() -> None:
    [one, two, three] = [
        Target(no, draft)
        for no, draft in enumerate(
            parse_reports(
                "11月3日江口村入户走访6户；11月10日江口村讲座 来了40人；11月16日江口村会员活动 到会30人",
                SENT,
                "江口村",
            ),
            start=1,
        )
    ]
    decision = decide("上面重复了 就两条 都对", SENT, "江口村", [one, two, three], [])
    assert decision is not None and decision.action == "which_save"
    decision = decide("上面重复了 就两条 都对", SENT, "江口村", [one, two], [])
    assert decision is not None and decision.action == "confirm"
    assert decision.control is not None and decision.control.all


# -- questions while a card waits ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "顺便问下 廉州镇卫生院做孕前检查系毋系免费个",
        "问下 育儿补贴三岁以下一年三千六是唔是",
        "请问镇上孕检是不是要带身份证",
    ],
)
def test_a_yes_or_no_question_is_no_correction(text: str) -> None:
    assert not read_correction(text, SENT, "江口村").explicit
    waiting = _waiting("今天在江口村搞了孕前优生宣传 来了二十几个人")
    assert decide(text, SENT, "江口村", waiting, []) is None


def test_whether_the_card_was_saved_is_asked() -> None:
    waiting = _waiting("今天在江口村搞了义诊 来了七十几个人")
    for text in ("头先报嘅嗰个存咗未呀", "刚才那个存了没有"):
        decision = decide(text, SENT, "江口村", waiting, [])
        assert decision is not None and decision.action == "status"


# -- corrections -----------------------------------------------------------------------------


def test_a_renamed_thing_said_again_with_its_count() -> None:
    for text in ("发的是宣传册不是资料 一百二十份宣传册", "宣传册不是资料 宣传册120份"):
        assert read_correction(text, SENT).changes == [
            Change("item_rename", name="资料", item=Item("宣传册", 120, "份"))
        ]


def test_a_count_denied_with_where_were_there() -> None:
    correction = read_correction("人数报多了 哪有四十多 其实就三十来个", SENT)
    assert correction.changes == [Change("participants", people=(30, True))]
    assert not correction.leftover


def test_a_count_said_wrong_in_southern_words() -> None:
    correction = read_correction("人数讲错了 系二十八个 毋系十八", SENT)
    assert correction.changes == [Change("participants", people=(28, False))]


def test_a_premium_said_in_kuai_is_in_yuan() -> None:
    [change] = read_correction("保费系两千块", SENT).changes
    assert change.item == Item("保费", 2000, "元")


# -- through the callback ----------------------------------------------------------------------


def test_a_min_report_changed_and_confirmed_through_the_callback(chat: Chat) -> None:
    at = last_evening()
    card = chat.say("lilan", "今旦下晡阮几个去江口村入户走访 送慰问品", at)
    assert f"日期：{at.month}月{at.day}日" in card
    chat.say("lilan", "漏写了 走访个是计生特殊家庭 一共6户", at)
    assert chat.records("lilan") == []
    assert "已登记" in chat.say("lilan", "着 对", at)
    [(record, items)] = chat.records("lilan")
    assert record.date_start == at.date() and record.kind == "visit"
    assert items_of(items) == [("计生特殊家庭", 6, "户")]


def test_a_question_while_a_card_waits_changes_nothing_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今朝在江口村委会开展了孕前优生健康检查宣传 来了二十几个育龄妇女")
    answer = chat.say("lilan", "顺便问下 廉州镇卫生院做孕前检查系毋系免费个")
    assert "已修改" not in answer
    chat.say("lilan", "好 晓得了 刚刚个活动对")
    [(record, _)] = chat.records("lilan")
    assert record.place == "江口村"


def test_a_premium_changed_in_kuai_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今日在江口村帮村民办计生关爱保险 办了十二份 收保费一千二百元")
    chat.say("lilan", "写错了 毋系十二份 系二十份 保费系两千块")
    chat.say("lilan", "系 对了")
    [(_, items)] = chat.records("lilan")
    assert sorted(items_of(items)) == [("保费", 2000, "元"), ("计生关爱保险", 20, "份")]


def test_a_report_sent_twice_then_all_confirmed_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "补报 11月8日在江口村开展计生家庭走访 走访了9户")
    chat.say("lilan", "11月17日在江口村委会组织会员学习 到会二十人")
    chat.say("lilan", "11月17日在江口村委会组织会员学习 到会二十人")
    chat.say("lilan", "上面重复了 就两条 都对")
    days = sorted(record.date_start.day for record, _ in chat.records("lilan"))
    assert days == [8, 17]


def test_cards_counted_wrong_save_nothing_through_the_callback(chat: Chat) -> None:
    chat.say(
        "lilan",
        "补报上个月：11月3日江口村入户走访6户；11月10日江口村讲座 来了40人；"
        "11月16日江口村会员活动 到会30人",
    )
    answer = chat.say("lilan", "就两条 都对")
    assert "有3条，不是2条" in answer
    assert chat.records("lilan") == []
    chat.say("lilan", "都对")
    assert len(chat.records("lilan")) == 3


def test_an_undo_word_beside_a_day_that_changes_nothing_is_asked() -> None:
    [draft] = parse_reports("今天在江口村搞了会员活动 来了四十个会员", SENT, "江口村")
    saved = [Target(1, draft, True, 1)]
    decision = decide("今天阿条作废 日子人数都唔对 我重新报", SENT, "江口村", [], saved)
    assert decision is not None and (decision.action, decision.fields) == ("unclear", ["undo"])
    # a day said as a change, with no undo word, is still a change
    decision = decide("日期错了 是昨天", SENT, "江口村", [], saved)
    assert decision is not None and decision.action == "correct"


def test_an_unread_undo_is_asked_then_done_through_the_callback(chat: Chat) -> None:
    at = last_evening()
    chat.say("lilan", "今天在江口村搞了会员活动 来了四十个会员", at)
    chat.say("lilan", "对", at)
    answer = chat.say("lilan", "今天阿条作废 日子人数都唔对 我重新报", at)
    assert "已更新" not in answer and "撤销" in answer
    [(record, _)] = chat.records("lilan")
    assert record.participants == 40
    chat.say("lilan", "撤销", at)
    assert chat.records("lilan") == []
