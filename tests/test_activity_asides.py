"""A report said together with a plan, a question about reporting it or a quota passed on.

Leaders often add something beside the report itself: the next step ("计划下月再组织一次",
"下午还要去福禄村走访 回来再报那个"), a question about the report ("这样报可以吗", "咁样报得唔得",
"我现在补报还算这个月吗") or what the county asked for ("旗里说每组要30份 还差10份"). Before,
such a message was taken for a question or a plan and the report was lost, or the quota's counts
became items. The report is read without those asides; a plan or a question on its own stays what
it is.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.activity.parser import looks_like_report, parse_reports, report_part
from handlers.core.messages import SHANGHAI
from tests.test_activity_callback import Chat, items_of

SENT = datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "昨天在江口村搞了优生优育讲座来了30人 这样报可以吗",
            "昨天在江口村搞了优生优育讲座来了30人",
        ),
        (
            "11月19日上午，五通社区开展义诊活动，为群众测血糖200余人次，计划下月再组织一次。",
            "11月19日上午，五通社区开展义诊活动，为群众测血糖200余人次",
        ),
        (
            "今天村部开小组会 到会12人 月底前还要发200份资料 先报今天的",
            "今天村部开小组会 到会12人",
        ),
        (
            "前天村委会举办讲座3场 发资料90份 县里要的200份还差110 下周补",
            "前天村委会举办讲座3场 发资料90份",
        ),
    ],
)
def test_the_asides_are_set_apart(text: str, kept: str) -> None:
    assert report_part(text, SENT) == kept


@pytest.mark.parametrize(
    "text",
    [
        # plans and questions stay what they are: nothing of them reads as done
        "下周三在文竹村搞义诊 需要准备多少份资料",
        "下周三 在文竹村 搞义诊 来50人",
        "一次搞了三个活动 要分开报还是一起报",
        "上周在江口村那次讲座登记上没有",
        "我刚才只是举个例子 昨天在江口村讲座来了30人 不是真的",
    ],
)
def test_plans_and_questions_are_still_no_reports(text: str) -> None:
    assert parse_reports(text, SENT) == []
    assert looks_like_report(text, SENT) < 0.6


def test_a_rate_of_what_was_given_is_part_of_the_report() -> None:
    text = "今天红泥井村走访慰问困难家庭7户 每户慰问金300元 一共2100元"
    assert report_part(text, SENT) == text


@pytest.mark.parametrize(
    ("text", "day", "place", "people", "items"),
    [
        (
            "上周五在江口村给计生特殊家庭送温暖 慰问了5户 这个要报吗 我先报了",
            13,
            "江口村",
            None,
            {"计生特殊家庭5户"},
        ),
        (
            "今日喺江口村搞咗个义诊 嚟咗五十几个人 测血压80人次 咁样报得唔得",
            20,
            "江口村",
            50,
            {"测血压80人次"},
        ),
        (
            "上周三在江口村办了20份关爱保险 收保费600元 旗里说每组要30份 还差10份",
            11,
            "江口村",
            None,
            {"关爱保险20份", "保费600元"},
        ),
    ],
)
def test_the_report_beside_an_aside_is_read_whole(
    text: str, day: int, place: str, people: int | None, items: set[str]
) -> None:
    [draft] = parse_reports(text, SENT)
    assert draft.date is not None and draft.date.start.day == day
    assert draft.place == place
    assert draft.participants == people
    assert {f"{i.name}{i.quantity}{i.unit}" for i in draft.items} == items
    assert draft.text == text  # the record keeps what was sent


def test_a_report_with_a_question_about_it_gets_a_card_through_the_callback(chat: Chat) -> None:
    card = chat.say("lilan", "昨天在江口村搞了优生优育讲座来了30人 发资料60份 这样报可以吗")
    assert "请核对" in card and "30人" in card
    assert "已登记" in chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.place == "江口村" and record.participants == 30
    assert items_of(items) == [("资料", 60, "份")]


def test_a_report_with_the_next_plan_keeps_the_plan_out_through_the_callback(chat: Chat) -> None:
    card = chat.say("lilan", "今天村部开小组会 到会12人 月底前还要发200份资料 先报今天的")
    assert "请核对" in card and "12人" in card and "200" not in card
    chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.place == "江口村" and record.participants == 12 and items == []
