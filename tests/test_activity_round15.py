"""What a held-out set of conversations and reports (activity_conversations_blind11,
activity_reports_blind11, activity_nonreports_blind11) got wrong, once scored.

Hakka 毋 is 不 (毋系 = 不是): a correction said in Hakka was read as a thing named 毋 or not at
all. 忘记讲了 来了六十多个人 adds what was not said. A day or a place said, taken back and said
again inside the report (今天上午 哦不对是昨天上午) is the second one. Screening that publicity was
about (给妇女做了两癌筛查宣传) is publicity; 同伴教育 is 青春健康 work; Cantonese 同 joins two
topics of one publicity. A quota for the year with how far the group has got is no report, and
families counted with the people who came, or a year's quota, are no items.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from redis import Redis

from handlers.activity.intent import read_correction
from handlers.activity.normalise import fold
from handlers.activity.parser import Item, classify_kind, looks_like_report, parse_reports
from tests.test_activity_callback import Chat, add_lilan, items_of, open_chat

SENT = datetime(2026, 11, 11, 12, 0)


@pytest.fixture
def chat(tmp_path: Path, redis: Redis) -> Iterator[Chat]:
    with open_chat(tmp_path, redis) as chat:
        add_lilan(chat.runtime.services)
        yield chat


# -- Hakka ------------------------------------------------------------------------------------


def test_hakka_negation_and_pronouns_are_folded() -> None:
    assert fold("人毋系六十多 系四十来个 𠊎算错了") == "人不是六十多 是四十来个 我算错了"
    assert fold("𠊎兜今晡日开会") == "我们今天开会"
    assert fold("毋庸置疑") == "毋庸置疑"


def test_a_hakka_correction_changes_the_one_count() -> None:
    correction = read_correction("唔好意思 避孕药具系50盒 毋系30盒", SENT)
    assert [(c.field, c.item) for c in correction.changes] == [
        ("item", Item("避孕药具", 50, "盒"))
    ]
    people = read_correction("人毋系六十多 系四十来个 𠊎算错了", SENT)
    assert [(c.field, c.people) for c in people.changes] == [("participants", (40, True))]


def test_what_was_forgotten_is_added() -> None:
    correction = read_correction("忘记讲了 来了六十多个人", SENT)
    assert [(c.field, c.people) for c in correction.changes] == [("participants", (60, True))]


def test_hakka_corrections_through_the_callback(chat: Chat) -> None:
    card = chat.say("lilan", "今晡日在江口村搞宣传 发了避孕药具30盒 宣传资料100份 来了二十几个人")
    assert "避孕药具30盒" in card
    chat.say("lilan", "对")
    answer = chat.say("lilan", "唔好意思 避孕药具系50盒 毋系30盒")
    assert "毋" not in answer and "避孕药具50盒" in answer
    [(_, items)] = chat.records("lilan")
    assert sorted(items_of(items)) == [("宣传资料", 100, "份"), ("避孕药具", 50, "盒")]


def test_a_count_forgotten_is_added_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今晡日在江口村搞义诊 测血压120人次")
    assert "60多人" in chat.say("lilan", "忘记讲了 来了六十多个人")
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.participants, record.participants_approx) == (60, True)


# -- a day or a place taken back inside the report --------------------------------------------


@pytest.mark.parametrize(
    ("text", "day", "place"),
    [
        ("今天上午 哦不对是昨天上午 在江口村搞了宣传 来了五十多人", date(2026, 11, 10), "江口村"),
        ("11月3日不对是11月4日在江口村开会员活动15人", date(2026, 11, 4), "江口村"),
        ("昨天在江口村 不对 在文竹村开了小组会 来了12人", date(2026, 11, 10), "文竹村"),
        ("昨天在江口村 说错了 文竹村开了小组会 来了12人", date(2026, 11, 10), "文竹村"),
    ],
)
def test_a_day_or_place_taken_back_is_the_second_one(text: str, day: date, place: str) -> None:
    [report] = parse_reports(text, SENT)
    assert report.date is not None and report.date.start == day
    assert report.place == place


def test_a_wrong_count_said_in_a_report_is_not_taken_for_a_day() -> None:
    [report] = parse_reports("今天在江口村开会 人数不对 是12人", SENT)
    assert report.date is not None and report.date.start == date(2026, 11, 11)


# -- kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("给妇女做了两癌筛查宣传 来了五十多人", "publicity"),
        ("给妇女做了两癌筛查 来了五十多人", "clinic"),
        ("举办“快乐六一”青少年同伴教育活动，50名青少年参加", "youth"),
        ("今朝喺英城街道搞咗防溺水同青春期知识宣传", "publicity"),
        ("在英城街道搞了青春期知识宣传", "youth"),
    ],
)
def test_kinds(text: str, kind: str) -> None:
    assert classify_kind(text) == kind


# -- no report, no item -----------------------------------------------------------------------


def test_a_quota_with_the_progress_so_far_is_no_report() -> None:
    text = "今年每个村要办30份关爱保险 我们才办了12份"
    assert parse_reports(text, SENT) == []
    assert looks_like_report(text, SENT) < 0.6


def test_a_report_with_the_years_quota_after_it_stays_a_report_without_the_quota() -> None:
    [report] = parse_reports("今天在江口村办了关爱保险12份 今年任务30份 才完成一半", SENT)
    assert report.items == [Item("关爱保险", 12, "份")]


def test_families_who_came_are_no_item() -> None:
    [report] = parse_reports(
        "11月10日，在东湖社区举办“幸福家庭”亲子活动，28个家庭共86人参加，发放亲子绘本28本。",
        SENT,
    )
    assert report.items == [Item("亲子绘本", 28, "本")]
    assert report.participants == 86
