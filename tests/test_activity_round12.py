"""Yes said with a particle or in Cantonese, renames said the other way round, reasons after a
correction, questions that only sound like a removal, a place said of one card while another
waits, and Cantonese reports without a day, through the real encrypted callback.

A confirmation may come in two pieces, each with its own particle ("系啊 确认", "对 就咁啦"); 得
before it is Cantonese OK, 得 alone still saves nothing. "发的是宣传册 不是资料" is the same rename
as "不是资料 是宣传册". "有的是重复登记的" after a count says why, it is no rename. A question that
speaks of 撤销 ("撤销了的活动还能找回来不") is answered and the card kept. "下午开会是在弄池村开的"
corrects the card of that meeting, not the card shown. "派咗40盒" is a report however it is said.
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
        add_member(
            services,
            "weiqiang",
            Role.LEADER,
            group="LJ01",
            region=("广西", "柳州市", "柳江区", "进德镇", "三都村"),
        )
        yield chat


@pytest.mark.parametrize(
    "yes",
    ["系啊 确认", "对 就咁啦", "啱晒", "得 确认", "是嘞 确认嘞", "冇错 就系咁", "确认 谢谢晒"],
)
def test_a_yes_in_two_pieces_or_in_cantonese_saves_the_card(chat: Chat, yes: str) -> None:
    chat.say("lianghy", "今日喺袁山贝村搞咗宣传 派咗资料80份")
    assert "已登记" in chat.say("lianghy", yes)
    assert len(chat.records("lianghy")) == 1


def test_ok_alone_saves_nothing(chat: Chat) -> None:
    chat.say("lianghy", "今日喺袁山贝村搞咗宣传 派咗资料80份")
    assert "已登记" not in chat.say("lianghy", "得")
    assert chat.records("lianghy") == []


def test_a_card_confirmed_by_what_was_handed_out(chat: Chat) -> None:
    chat.say("lianghy", "今日喺袁山贝村派咗宣传资料300份 同埋50个环保袋")
    chat.say("lianghy", "几时截止报活动啊")
    assert "已登记" in chat.say("lianghy", "派资料嗰条确认")
    [(_, items)] = chat.records("lianghy")
    assert sorted(items_of(items)) == [("宣传资料", 300, "份"), ("环保袋", 50, "个")]


@pytest.mark.parametrize(
    "said", ["发的是宣传册 不是资料", "唔系资料嚟㗎 系宣传单张", "物品是宣传册 不是资料"]
)
def test_a_rename_said_new_name_first_in_two_pieces(chat: Chat, said: str) -> None:
    chat.say("lilan", "今天在江口村宣传 发资料150份 来了40人")
    card = chat.say("lilan", said)
    assert "已修改" in card and "资料150份" not in card
    chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    [(name, count, unit)] = items_of(items)
    assert name in ("宣传册", "宣传单张") and (count, unit) == (150, "份")


def test_people_corrected_and_why_some_were_counted_twice(chat: Chat) -> None:
    chat.say("lilan", "今天上午在江口村搞了义诊 给群众测血压 来了六十多人")
    card = chat.say("lilan", "人不是六十多 是四十来个 有的是重复登记的")
    assert "已修改" in card and "40多人" in card
    chat.say("lilan", "行")
    [(record, _)] = chat.records("lilan")
    assert (record.participants, record.participants_approx) == (40, True)


def test_a_day_said_wrong_in_northern_words(chat: Chat) -> None:
    chat.say("lilan", "今儿个在江口村整了个会员活动 来了二十来个人")
    card = chat.say("lilan", "不对 日子整错了 是前天整的")
    assert "已修改" in card
    chat.say("lilan", "中")
    [(record, _)] = chat.records("lilan")
    assert record.date_start == (today() - timedelta(days=2)).date()


def test_a_type_given_in_cantonese(chat: Chat) -> None:
    chat.say("lianghy", "今日上昼喺袁山贝村活动室搞咗活动 有28个人嚟")
    card = chat.say("lianghy", "类型系义诊嚟㗎 帮啲老人家量血压")
    assert "已修改" in card and "义诊" in card
    chat.say("lianghy", "对")
    [(record, _)] = chat.records("lianghy")
    assert record.kind == "clinic"


def test_a_township_whose_name_starts_with_jin(chat: Chat) -> None:
    card = chat.say("weiqiang", "今天在进德镇搞了义诊 来了100多人")
    assert "地点：进德镇" in card and "您登记的村" not in card
    chat.say("weiqiang", "对")
    [(record, _)] = chat.records("weiqiang")
    assert record.place == "进德镇"


def test_leaflets_handed_out_with_no_event_named_are_publicity(chat: Chat) -> None:
    card = chat.say("lianghy", "今日喺袁山贝村派资料200份 有60几人嚟")
    assert "类型：宣传活动" in card


def test_a_cantonese_report_without_a_day_is_asked_its_day(chat: Chat) -> None:
    asked = chat.say("lianghy", "喺袁山贝村派咗避孕药具 派咗40盒")
    assert "哪一天" in asked
    chat.say("lianghy", "今晚使唔使开会㗎")
    chat.say("lianghy", "系前日")
    assert "已登记" in chat.say("lianghy", "对")
    [(record, items)] = chat.records("lianghy")
    assert record.date_start == (today() - timedelta(days=2)).date()
    assert items_of(items) == [("避孕药具", 40, "盒")]


def test_a_question_about_undoing_keeps_the_card(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了宣传 发宣传折页300份")
    answer = chat.say("lilan", "撤销了的活动还能找回来不")
    assert "去掉" not in answer and "已修改" not in answer
    assert "已登记" in chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("宣传折页", 300, "份")]


def test_the_place_of_the_first_card_said_while_the_second_is_shown(chat: Chat) -> None:
    at = last_evening()  # 今天下午 is past (after midnight it would still be to come)
    chat.say("lilan", "今天下午开会员活动 到会15人", at)
    chat.say("lilan", "前天在文竹村开展入户走访 走访了7户", at)
    card = chat.say("lilan", "下午开会是在弄池村开的", at)
    assert "已修改第1条" in card and "第3条" not in card
    assert "已登记" in chat.say("lilan", "都对", at)
    records = chat.records("lilan")
    assert sorted((r.place, r.participants) for r, _ in records) == [
        ("弄池村", 15),
        ("文竹村", None),
    ]


def test_an_activity_called_off_gives_way_to_the_one_held(chat: Chat) -> None:
    card = chat.say("lianghy", "今日原本喺袁山贝村嘅讲座取消咗 改咗入户探访 行咗9户")
    assert "类型：入户走访慰问" in card
    chat.say("lianghy", "对")
    [(record, items)] = chat.records("lianghy")
    assert record.kind == "visit"
    assert items_of(items) == [("入户探访", 9, "户")]


def test_a_saved_record_undone_and_reported_again_in_one_message(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了义诊 来了60人")
    assert "已登记" in chat.say("lilan", "确认")
    answer = chat.say(
        "lilan", "撤销 今天的义诊取消了 医生没来 今天改成在村委会搞了健康讲座 来了25人"
    )
    assert "已撤销" in answer and "请核对" in answer and "人数：25人" in answer
    assert chat.records("lilan") == []
    assert "已登记" in chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.kind, record.participants, record.place) == ("lecture", 25, "江口村")


def test_a_waiting_card_thrown_away_and_reported_again(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了义诊 来了60人")
    answer = chat.say("lilan", "作废 今天在江口村搞的是健康讲座 来了25人")
    assert "已作废" in answer and "人数：25人" in answer
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.kind, record.participants) == ("lecture", 25)


def test_a_card_named_by_its_activity_then_its_count(chat: Chat) -> None:
    chat.say("lilan", "上报：11月5日在文竹村开会员小组会 到会22人")
    chat.say("lilan", "上报：11月19日在文竹村搞了关爱保险宣传 办了15份关爱保险")
    card = chat.say("lilan", "保险那条是18份")
    assert "已修改第2条" in card and "关爱保险18份" in card and "保险那条" not in card
    chat.say("lilan", "都对")
    items = sorted(items_of(i) for _, i in chat.records("lilan"))
    assert items == [[], [("关爱保险", 18, "份")]]


def test_a_saved_count_said_again_with_why_it_was_low(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村宣传关爱保险 办了12份")
    assert "已登记" in chat.say("lilan", "好的")
    answer = chat.say("lilan", "关爱保险是20份 刚才少报了 后面又有8个人办了")
    assert "哪一天" not in answer and "请核对" not in answer
    [(record, items)] = chat.records("lilan")
    assert items_of(items) == [("关爱保险", 20, "份")] and record.participants is None


def test_the_households_named_after_saving_with_a_note_it_was_unclear(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村入户走访了8户")
    assert "已登记" in chat.say("lilan", "对")
    answer = chat.say("lilan", "走访的是计生特殊家庭 8户 刚才没写清楚")
    assert "哪一天" not in answer
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("计生特殊家庭", 8, "户")]


def test_a_catch_up_report_that_says_it_was_missed_is_its_own_record(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村入户走访了8户")
    assert "已登记" in chat.say("lilan", "对")
    card = chat.say("lilan", "上周少报了 3号在文竹村开展入户走访 走访了5户")
    assert "请核对" in card and "文竹村" in card
    chat.say("lilan", "对")
    assert len(chat.records("lilan")) == 2


def test_whether_a_meeting_is_on_asked_in_cantonese_is_no_report(chat: Chat) -> None:
    answer = chat.say("lianghy", "今日喺村委开会唔开啊")
    assert "请核对" not in answer
    assert chat.records("lianghy") == []


def test_a_card_named_before_its_field_while_another_is_shown(chat: Chat) -> None:
    chat.say("lilan", "今天下午开会员活动 到会15人")
    chat.say("lilan", "前天在文竹村开展入户走访 走访了7户")
    card = chat.say("lilan", "会员活动的地点是弄池村")
    assert "已修改第1条" in card and "地点：弄池村" in card
    chat.say("lilan", "都对")
    records = chat.records("lilan")
    assert sorted((r.place, r.kind) for r, _ in records) == [
        ("弄池村", "member"),
        ("文竹村", "visit"),
    ]


def test_cantonese_counts_and_days_said_with_xi_and_gai_zou(chat: Chat) -> None:
    chat.say("lianghy", "今日喺袁山贝村搞咗宣传 派咗资料150份")
    card = chat.say("lianghy", "资料系200份 唔系150")
    assert "资料200份" in card and "资料系" not in card
    card = chat.say("lianghy", "改做前日")
    assert "已修改" in card
    chat.say("lianghy", "系")
    [(record, items)] = chat.records("lianghy")
    assert record.date_start == (today() - timedelta(days=2)).date()
    assert items_of(items) == [("资料", 200, "份")]
