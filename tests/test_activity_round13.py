"""Village names that hold a numeral-like character, a yes said with a dialect ending, a short
reply that is not understood, a Cantonese day three back, an exact count inside an approximate
one, a second report that repeats nothing of the first, and a question asked beside a report,
through the real encrypted callback where the conversation matters.

二分子村 (固阳县) is never folded to 二份子村 nor read as 子村 2 份, and a registered village is
never cut. 对着呢 / 好着哩 / 行得很 are a yes: the yes word with the ending the dialect says after
it. A short reply no route reads while a card waits is asked about with the card, never answered
"我暂时答不上来" by the FAQ while the card waits unseen. 唔系前日 系大前日 moves the day three back.
准确是34人 after 三十多人 is applied (it says the count more precisely, it overwrites nothing).
今天三道营子村发避孕药具30盒 after a card of that day's 会员会 is a card of its own. "…来了十八个人
顺便问下这个月的统计啥时候交" is a report; the question is asked to be sent on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from redis import Redis

from handlers.activity.intent import Control, read_control, unread_reply
from handlers.activity.normalise import fold
from handlers.activity.parser import asks_beside, find_place, parse_reports
from handlers.core.messages import Role
from tests.conftest import add_member
from tests.test_activity_callback import Chat, add_lilan, items_of, open_chat, today

SENT = datetime(2026, 11, 26, 19, 20)


# -- unit: places, folds, yes words, short replies, asides --------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("11月5号二分子村开展禁毒宣传", "11月5号二分子村开展禁毒宣传"),
        ("在三分场社区开会", "在三分场社区开会"),
        ("资料70分", "资料70份"),  # the slip it was written for still folds
        ("发资料三十分 村民都来了", "发资料三十份 村民都来了"),
        ("3点20分开的会", "3点20分开的会"),
    ],
)
def test_a_numeral_before_fen_in_a_place_name_is_no_slip(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_a_village_named_with_a_numeral_is_neither_cut_nor_counted() -> None:
    [draft] = parse_reports("11月5号二分子村开展禁毒宣传 发传单150张", SENT, "二分子村")
    assert draft.place == "二分子村"
    assert [(i.name, i.quantity, i.unit) for i in draft.items] == [("传单", 150, "张")]
    [draft] = parse_reports("今天二分子村开会 来了十来个", SENT, "二分子村")
    assert (draft.place, draft.participants, draft.items) == ("二分子村", 10, [])


def test_the_registered_village_is_never_cut() -> None:
    # a long name the Han-name cut would shorten to its last four characters
    assert find_place("今天在东方红五一新村开会员会").name == "红五一新村"
    assert find_place("今天在东方红五一新村开会员会", "东方红五一新村").name == "东方红五一新村"


@pytest.mark.parametrize("yes", ["对着呢", "对着哩", "好着呢", "行得很", "对嘞", "是着呢 确认"])
def test_a_yes_with_its_dialect_ending(yes: str) -> None:
    assert read_control(yes) == Control("confirm")


@pytest.mark.parametrize("text", ["存着吧", "先存着", "看着呢", "等着", "着呢"])
def test_an_ending_alone_or_after_no_yes_is_no_yes(text: str) -> None:
    assert read_control(text) is None


@pytest.mark.parametrize("text", ["差不离", "就那样", "八九不离十"])
def test_a_short_reply_that_asks_nothing_is_unread(text: str) -> None:
    assert unread_reply(text)


@pytest.mark.parametrize(
    "text", ["育儿补贴咋领", "这个能报吗？", "今天在江口村开了会员活动来了20人"]
)
def test_a_question_or_a_long_message_is_not_an_unread_reply(text: str) -> None:
    assert not unread_reply(text)


def test_a_cantonese_day_three_back() -> None:
    assert fold("唔系前日 系大前日") == "不是前日 是大前天"


@pytest.mark.parametrize(
    ("text", "place", "people", "asks"),
    [
        ("今天在村部开了会员小组会来了十八个人 顺便问下这个月的统计啥时候交", "江口村", 18, True),
        (
            "前天江口村开展生育政策宣传来了80多人发资料200多份还有人问育儿补贴咋领 "
            "我也不太清楚 能发个文件吗",
            "江口村",
            80,
            True,
        ),
        ("琴日沙头三村开小组会 嚟咗十六个 大家都话想搞多啲活动", "沙头三村", 16, False),
        ("昨天在江口村搞了优生优育讲座来了30人 发资料60份 这样报可以吗", "江口村", 30, False),
    ],
)
def test_a_report_with_a_question_or_a_wish_beside_it(
    text: str, place: str, people: int, asks: bool
) -> None:
    [draft] = parse_reports(text, SENT, "江口村")
    assert draft.date is not None and draft.place == place and draft.participants == people
    assert asks_beside(text, SENT) is asks


@pytest.mark.parametrize(
    "text",
    [
        "上次在村部开会冷死了 能不能换个地方",
        "我们村的宣传册发完了 能不能再给100本",
        "人家五通社区那边昨天讲座来了八十多个 我们怎么搞得到",
        "人哋龙眼村话上个礼拜派咗三百份资料 系唔系真㗎",
    ],
)
def test_a_question_after_what_leads_to_it_is_still_no_report(text: str) -> None:
    # what is said first counts nothing done, or is someone else's: the question is the point
    assert parse_reports(text, SENT, "江口村") == []


# -- through the callback -------------------------------------------------------------------------


@pytest.fixture
def chat(tmp_path: Path, redis: Redis) -> Iterator[Chat]:
    with open_chat(tmp_path, redis) as chat:
        services = chat.runtime.services
        add_lilan(services)
        add_member(
            services,
            "zhaods",
            Role.VOLUNTEER,
            group="GY02",
            region=("内蒙古", "包头市", "固阳县", "金山镇", "二分子村"),
        )
        add_member(
            services,
            "wangsf",
            Role.LEADER,
            group="NC04",
            region=("内蒙古", "赤峰市", "宁城县", "八里罕镇", "三道营子村"),
        )
        add_member(
            services,
            "chenjh",
            Role.LEADER,
            group="NH02",
            region=("广东", "佛山市", "南海区", "九江镇", "沙头三村"),
        )
        yield chat


def test_a_village_named_with_a_numeral_through_the_callback(chat: Chat) -> None:
    card = chat.say("zhaods", "今天二分子村开展禁毒宣传 发传单150张")
    assert "地点：二分子村" in card and "二份子村" not in card and "子村2份" not in card
    chat.say("zhaods", "对")
    [(record, items)] = chat.records("zhaods")
    assert record.place == "二分子村"
    assert items_of(items) == [("传单", 150, "张")]


def test_a_northern_day_corrected_then_a_northern_yes(chat: Chat) -> None:
    chat.say("wangsf", "夜儿个在三道营子村开的小组会 到了18个")
    assert "已修改" in chat.say("wangsf", "不是夜儿个 是前儿个开的")
    assert "已登记" in chat.say("wangsf", "对着呢")
    [(record, _)] = chat.records("wangsf")
    assert record.date_start == (today() - timedelta(days=2)).date()
    assert record.participants == 18


def test_a_short_reply_not_understood_is_asked_about_with_the_card(chat: Chat) -> None:
    chat.say("wangsf", "今天三道营子村开会员会 来了21个")
    asked = chat.say("wangsf", "差不离")
    assert "还没保存" in asked and "请核对" in asked and "答不上来" not in asked
    assert chat.records("wangsf") == []
    assert "已登记" in chat.say("wangsf", "对")
    [(record, _)] = chat.records("wangsf")
    assert record.participants == 21


def test_a_question_while_a_card_waits_is_still_answered(chat: Chat) -> None:
    chat.say("wangsf", "今天三道营子村开会员会 来了21个")
    answer = chat.say("wangsf", "育儿补贴咋领")
    assert "请核对" not in answer
    assert "已登记" in chat.say("wangsf", "对")


def test_a_cantonese_day_three_back_through_the_callback(chat: Chat) -> None:
    chat.say("chenjh", "前日喺沙头三村开会员会 嚟咗30人")
    assert "已修改" in chat.say("chenjh", "唔系前日 系大前日")
    chat.say("chenjh", "啱")
    [(record, _)] = chat.records("chenjh")
    assert record.date_start == (today() - timedelta(days=3)).date()


def test_an_exact_count_inside_the_approximate_one_is_applied(chat: Chat) -> None:
    chat.say("lilan", "昨天在廉州镇搞防艾宣传 来了三十多人")
    card = chat.say("lilan", "准确是34人")
    assert "已修改" in card and "34人" in card
    assert "已登记" in chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.participants, record.participants_approx) == (34, False)


def test_a_count_outside_the_approximate_one_is_still_asked(chat: Chat) -> None:
    chat.say("lilan", "昨天在廉州镇搞防艾宣传 来了三十多人")
    assert "要改成45人吗" in chat.say("lilan", "来了45人")


def test_a_second_report_that_repeats_nothing_is_its_own_card(chat: Chat) -> None:
    chat.say("wangsf", "今天三道营子村开会员会 来了21个")
    card = chat.say("wangsf", "今天三道营子村发避孕药具30盒")
    assert "同一次" not in card and "【第2条】" in card
    chat.say("wangsf", "第2条不要了")
    chat.say("wangsf", "1对")
    [(record, items)] = chat.records("wangsf")
    assert (record.kind, record.participants, items) == ("member", 21, [])


def test_the_same_report_sent_again_with_more_is_still_one_card(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村开了会员活动 来了20人")
    card = chat.say("lilan", "今天在江口村开了会员活动 来了20人 发资料30份")
    assert "同一次" in card


def test_a_report_with_a_question_aside_through_the_callback(chat: Chat) -> None:
    card = chat.say("lilan", "今天在村部开了会员小组会来了十八个人 顺便问下这个月的统计啥时候交")
    assert "请核对" in card and "18人" in card and "单独再发" in card
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.place, record.participants, record.kind) == ("江口村", 18, "member")
