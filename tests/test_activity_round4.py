"""Unit tests of the fourth round of activity logging: festivals that name an activity rather
than date it, corrections with approximate numbers or an explanation, and corrections that do
not say which of several waiting cards they mean."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from handlers.activity.dates import DateSpan, find_dates, resolve_date
from handlers.activity.intent import (
    Control,
    Target,
    apply_changes,
    change_to_json,
    decide,
    follow_up,
    read_correction,
)
from handlers.activity.parser import ActivityDraft, find_place, parse_reports
from handlers.core.messages import SHANGHAI
from handlers.core.services import Services
from tests.conftest import beijing, saved_records


@pytest.mark.parametrize(
    ("text", "sent", "day"),
    [
        ("今天五通社区开展三八节义诊 来了100多人", "2026-03-05 10:00", date(2026, 3, 5)),
        ("今天在查干淖尔嘎查搞六一活动 给小孩发了书包30个", "2026-06-02 10:00", date(2026, 6, 2)),
        ("9月30日在福禄村开展国庆文艺活动 来了40多人", "2026-10-02 10:00", date(2026, 9, 30)),
        (
            "今天在福禄村开展“5.29”会员活动日宣传 发资料100份",
            "2026-05-30 10:00",
            date(2026, 5, 30),
        ),
        (
            "昨天在幸福社区搞三八节两癌筛查宣传 来了五十几个姐妹",
            "2026-03-06 10:00",
            date(2026, 3, 5),
        ),
    ],
)
def test_a_festival_in_the_activity_name_is_not_a_second_date(
    text: str, sent: str, day: date
) -> None:
    at = beijing(sent)
    assert [span.start for span, _ in find_dates(text, at)] == [day]
    drafts = parse_reports(text, at, "红泥井村")
    assert len(drafts) == 1
    assert drafts[0].date is not None and drafts[0].date.start == day


def test_a_festival_is_the_date_only_when_said_as_the_day() -> None:
    june = beijing("2026-06-03 10:00")
    # said as the day it happened on, and nothing else gives a date
    said = resolve_date("六一那天在新华村开展关爱活动 发书包40个", june)
    assert said is not None and said.start == date(2026, 6, 1)
    may = resolve_date(
        "5.29会员活动日在红泥井村搞了活动 会员到会52人", beijing("2026-05-30 09:00")
    )
    assert may is not None and may.start == date(2026, 5, 29)
    # naming the activity only: no date, so the bot asks for it instead of guessing
    assert resolve_date("在查干淖尔嘎查搞六一活动 给小孩发了书包30个", june) is None
    drafts = parse_reports("在查干淖尔嘎查搞六一活动 发了书包30个", june, "查干淖尔嘎查")
    assert len(drafts) == 1 and drafts[0].date is None


def test_hakka_day_words() -> None:
    nov = beijing("2026-11-12 20:00")
    today = resolve_date("今晡日喺五通社区搞咗个育儿讲座", nov)
    yesterday = resolve_date("昨晡日在福禄村帮老人家办关爱保险", nov)
    assert today is not None and today.start == date(2026, 11, 12)
    assert yesterday is not None and yesterday.start == date(2026, 11, 11)


MAR5 = datetime(2026, 3, 5, 10, 30, tzinfo=SHANGHAI)


def card(no: int, text: str, **fields: object) -> Target:
    values: dict[str, object] = {"date": DateSpan(date(2026, 3, 5), date(2026, 3, 5))}
    values.update(place="五通社区", kind="clinic")
    values.update(fields)
    return Target(no, ActivityDraft(text=text, **values))  # type: ignore[arg-type]


def test_an_approximate_count_corrected_without_a_unit() -> None:
    correction = read_correction("不是100多 是80来个", MAR5)
    assert not correction.leftover
    waiting = card(1, "今天五通社区开展三八节义诊 来了100多人", participants=100)
    waiting.draft.participants_approx = True
    decision = decide("不是100多 是80来个", MAR5, None, [waiting], [], [1])
    assert decision is not None and decision.action == "correct"
    draft, problems = apply_changes(waiting.draft, decision.changes)
    assert problems == [] and (draft.participants, draft.participants_approx) == (80, True)
    # with two cards waiting the old number picks the card
    waiting = card(1, "今天五通社区开展三八节义诊 来了100多人", participants=100)
    other = card(2, "3月3日五通社区宣传 来了30人", participants=30, kind="publicity")
    picked = decide("不是100多 是80来个", MAR5, None, [other, waiting], [], [1, 2])
    assert picked is not None and picked.action == "correct" and picked.targets[0].no == 1


def test_a_kind_correction_with_an_explanation() -> None:
    waiting = card(1, "今天在红泥井村村委会搞培训 来了20人", participants=20, kind="lecture")
    decision = decide("类型是保险 讲的是关爱保险", MAR5, None, [waiting], [], [1])
    assert decision is not None and decision.action == "correct"
    assert [(c.field, c.kind) for c in decision.changes] == [("kind", "insurance")]
    draft, problems = apply_changes(waiting.draft, decision.changes)
    assert problems == [] and draft.kind == "insurance" and draft.items == []
    # the explanation alone says no field: asked, never guessed into the card (a fresh card:
    # the one above is insurance now)
    training = card(1, "今天在红泥井村村委会搞培训 来了20人", participants=20, kind="lecture")
    alone = decide("讲的是关爱保险", MAR5, None, [training], [], [1])
    assert alone is not None and alone.action == "unclear"
    # what a meeting talked over that names no other type changes nothing: the card is kept
    meeting = card(1, "今天在红泥井村开会员活动 来了20人", participants=20, kind="member")
    kept = decide("讲的是计生奖励政策", MAR5, None, [meeting], [], [1])
    assert kept is not None and kept.action == "kept"


def test_a_spot_in_a_village_is_that_village() -> None:
    assert find_place("是在红泥井村村口搞的").name == "红泥井村"
    assert find_place("在福禄村村头发的资料").name == "福禄村"


def test_which_card_is_answered_by_number_place_or_activity() -> None:
    one = card(1, "3月3日在江口村开小组会 来了30人", participants=30, kind="member")
    one.draft.place = "江口村"
    two = card(2, "3月4日在文竹村搞宣传 来了30人", participants=30, kind="publicity")
    two.draft.place = "文竹村"
    asked = decide("人数不对 是20来个", MAR5, None, [one, two], [], [1, 2])
    assert asked is not None and asked.action == "ask_target"
    which = {
        "kind": "which",
        "changes": [change_to_json(c) for c in asked.changes],
        "among": [[1, False], [2, False]],
    }
    for answer, no in (
        ("1", 1),
        ("第2条", 2),
        ("是第一条", 1),
        ("江口村那条", 1),
        ("宣传那个", 2),
    ):
        picked = follow_up(answer, MAR5, None, which, [one, two])
        assert picked is not None and picked.action == "correct", answer
        assert picked.targets[0].no == no and picked.changes[0].people == (20, True)
    # not an answer: read as usual (the cards stay and nothing changes)
    assert follow_up("关爱保险多少钱", MAR5, None, which, [one, two]) is None
    assert follow_up("三海村那条", MAR5, None, which, [one, two]) is None
    # 对 with two cards shown asks which to save; the answer saves that one only
    save = {"kind": "which_save", "among": [[1, False], [2, False]]}
    saved = follow_up("文竹村的", MAR5, None, save, [one, two])
    assert saved is not None and saved.action == "confirm"
    assert saved.control == Control("confirm", (2,))


def test_cantonese_copula_and_voice_input_pauses() -> None:
    from handlers.activity.normalise import fold
    from handlers.activity.parser import asks_something

    assert fold("日期错咗 系3号") == "日期错了 是3号"
    assert fold("系喺勒流街道搞嘅唔系龙眼村") == "是在勒流街道搞的不是龙眼村"
    assert fold("联系电话 系统") == "联系电话 系统"  # 系 inside a word stays
    assert fold("办左12份") == "办了12份"
    assert asks_something("关爱保险今年几多钱一份")
    # 呢 in the middle of a voice-input run-on is a pause, at the end it asks
    nov = beijing("2026-11-20 18:00")
    run_on = (
        "那个今天呢我们在四平村那个搞了一个宣传就是防艾的宣传嘛来了有六十多个人然后发了资料两百份"
    )
    drafts = parse_reports(run_on, nov, "四平村")
    assert len(drafts) == 1 and drafts[0].participants == 60 and drafts[0].place == "四平村"
    assert asks_something("那我们组的呢")


def test_one_activity_held_is_no_item() -> None:
    from handlers.activity.parser import Item, extract_items

    assert extract_items("搞了一个宣传就是防艾的宣传 发了资料两百份") == [Item("资料", 200, "份")]
    assert extract_items("开了一个会员活动") == []
    assert extract_items("送了一个书包") == [Item("书包", 1, "个")]  # a thing still counts


def test_when_it_was_reported_is_no_corrected_date() -> None:
    nov = beijing("2026-11-09 18:00")
    correction = read_correction("时间错了 是11月5号搞的 今天才报", nov)
    dates = [c.date for c in correction.changes if c.field == "date"]
    assert dates == [DateSpan(date(2026, 11, 5), date(2026, 11, 5))]
    assert not correction.saved_ref and not correction.leftover


@pytest.mark.parametrize(
    "text",
    [
        "星期日喺勒流街道有免费义诊 有需要嘅街坊可以去",  # an offer
        "月底要在艾不盖嘎查开小组会 到时候大概二十来个人",  # a plan
        "艾不盖嘎查好像前几天开了会员活动日 人挺多的",  # someone else's, half remembered
        "我看群里说固阳那边11月办了六十多份关爱保险",  # hearsay from the group chat
        "村委会的活动室冬天太冷了 会员都不愿意来开会",  # a complaint
        "昨天我家来了二十多个亲戚 累得要命",  # visitors
    ],
)
def test_offers_plans_hearsay_and_complaints_are_no_reports(text: str) -> None:
    from handlers.activity.parser import reads_like_report

    assert not reads_like_report(text, beijing("2026-11-15 10:00"))


def test_a_report_with_a_hedged_count_is_still_a_report() -> None:
    from handlers.activity.parser import reads_like_report

    assert reads_like_report("今天在江口村开会员活动 好像来了30来人", beijing("2026-11-15 10:00"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("测了血糖一百二十多人次 血压也测了一百多人次", [("测血糖", 120), ("测血压", 100)]),
        ("开展入户走访 走了7户 顺便办了关爱保险3份", [("入户走访", 7), ("关爱保险", 3)]),
        (
            "为12户计生家庭送去米面油等慰问品，价值3600元",
            [("计生家庭", 12), ("米面油等慰问品", 3600)],
        ),
        ("帮街坊办咗25份保险 收咗保费2500元", [("保险", 25), ("保费", 2500)]),
        ("为60岁以上老人免费理发50人次", [("理发", 50)]),
        ("为65户计生家庭办理了关爱保险", [("关爱保险", 65)]),
    ],
)
def test_item_names(text: str, expected: list[tuple[str, int]]) -> None:
    from handlers.activity.parser import extract_items

    assert [(i.name, i.quantity) for i in extract_items(text)] == expected


def test_attendance_without_a_classifier() -> None:
    from handlers.activity.parser import find_participants

    found = find_participants("开会员活动日活动 来了三十多牧民 发米面油30份")
    assert found is not None and found[:2] == (30, True)
    near = find_participants("发了一百个 宣传册一百本 来的人有近百")
    assert near is not None and near[:2] == (100, True)


# -- flows through the real router --------------------------------------------------------------


def test_a_festival_activity_is_one_card_and_its_count_is_corrected(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    card = talk("今天在江口村开展三八节义诊 来了100多人", "2026-03-05 11:00")
    assert "【第2条】" not in card and "日期：3月5日" in card
    fixed = talk("不是100多 是80来个", "2026-03-05 11:01")
    assert "80多人" in fixed
    assert "已登记" in talk("对", "2026-03-05 11:02")
    [record] = saved_records(services)
    assert (record.date_start.day, record.participants) == (5, 80)


def test_a_correction_for_one_of_two_cards_asks_which_and_keeps_both(
    services: Services, talk: Callable[[str, str], str]
) -> None:
    cards = talk(
        "11月3日在江口村开小组会 来了30人；11月10日在文竹村搞宣传 来了30人 发资料100份",
        "2026-11-20 17:20",
    )
    assert "【第1条】" in cards and "【第2条】" in cards
    asked = talk("人数不对 是20来个", "2026-11-20 17:21")
    assert "哪一条" in asked and saved_records(services) == []
    answered = talk("江口村那条", "2026-11-20 17:22")
    assert "已修改第1条" in answered and "20多人" in answered
    assert "已登记" in talk("都对", "2026-11-20 17:23")
    people = sorted((r.place, r.participants) for r in saved_records(services))
    assert people == [("文竹村", 30), ("江口村", 20)]


def test_a_campaign_named_for_a_line_of_work_is_that_kind() -> None:
    from handlers.activity.parser import classify_kind

    assert classify_kind("在大寺镇开展“关爱保险进村入户”集中宣传活动 发放宣传资料1200余份") == (
        "insurance"
    )
    assert classify_kind("在常平镇开展“青春健康进校园”系列讲座5场") == "youth"
    # an audience in the title is no line of work: the format decides
    assert classify_kind("在安流镇开展“暑期青少年防溺水”宣传活动 发放宣传资料400余份") == (
        "publicity"
    )


def test_sessions_and_people_times_of_those_named() -> None:
    from handlers.activity.parser import Item, extract_items

    assert extract_items("举办讲座3场，参加群众累计210人次，发放宣传资料450份") == [
        Item("讲座", 3, "场"),
        Item("群众", 210, "人次"),
        Item("宣传资料", 450, "份"),
    ]
    assert Item("青少年", 800, "人次", True) in extract_items("受益青少年800余人次")
    # one session is the activity itself; sessions counted before the event are items too
    assert extract_items("搞了一场防溺水宣传") == []
    assert extract_items("办了三场健康讲座，一共有一百五十多人听课") == [Item("健康讲座", 3, "场")]


def test_who_was_sent_is_not_the_kind() -> None:
    from handlers.activity.parser import classify_kind, find_participants

    assert classify_kind("组织会员小组长入户走访计生家庭136户 发放政策明白卡136张") == "visit"
    assert classify_kind("组织会员小组在宁海村开展“世界人口日”前期宣传") == "publicity"
    assert classify_kind("组织会员小组开展活动 来了20人") == "member"  # nothing else named
    # 分5个会员小组: groups sent out, not 5 people who came
    assert find_participants("分5个会员小组入户开展计生家庭健康需求调查") is None
