"""Unit tests of the activity conversation classifier (handlers/activity/intent.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from handlers.activity.dates import DateSpan
from handlers.activity.intent import (
    Control,
    Target,
    apply_changes,
    change_from_json,
    change_to_json,
    decide,
    follow_up,
    read_control,
    read_correction,
)
from handlers.activity.parser import ActivityDraft, Item
from handlers.core.messages import SHANGHAI

FRI = datetime(2026, 11, 20, 17, 30, tzinfo=SHANGHAI)  # a Friday


def card(no: int, text: str, **fields: object) -> Target:
    values: dict[str, object] = {"date": DateSpan(date(2026, 11, 20), date(2026, 11, 20))}
    values.update(place="江口村", kind="publicity")
    values.update(fields)
    return Target(no, ActivityDraft(text=text, **values))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对", Control("confirm")),
        ("对的，没问题", Control("confirm")),
        ("好的谢谢", Control("confirm")),
        ("都对", Control("confirm", all=True)),
        ("全部确认", Control("confirm", all=True)),
        ("三条都对", Control("confirm", all=True)),
        ("以上都对", Control("confirm", all=True)),
        ("第2条对", Control("confirm", (2,))),
        ("2对", Control("confirm", (2,))),
        ("1、3都对", Control("confirm", (1, 3), all=True)),
        ("第一条第二条都对", Control("confirm", (1, 2), all=True)),
        ("撤销", Control("cancel")),
        ("不要了 报错了", Control("cancel")),
        ("第2条不要了", Control("cancel", (2,))),
        ("撤销第2条", Control("cancel", (2,))),
        ("撤销 昨天报的那条搞错了", Control("cancel", saved=True)),
        ("帮我把刚才那条撤销", Control("cancel")),
        ("重新来", Control("restart")),
        ("发错了 我重发", Control("restart")),
        ("不对", Control("wrong")),
    ],
)
def test_control_words(text: str, expected: Control) -> None:
    assert read_control(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "对了 关爱保险今年多少钱一份",  # 对了 = by the way
        "原定今天的义诊取消了 医生来不了",  # an activity called off, not a command
        "要不要撤销",
        "撤销怎么弄",
        "谢谢",
        "12",
    ],
)
def test_not_control_words(text: str) -> None:
    assert read_control(text) is None


def fields_of(text: str) -> dict[str, object]:
    correction = read_correction(text, FRI, "江口村")
    out: dict[str, object] = {}
    for change in correction.changes:
        if change.field == "date" and change.date:
            out["date"] = change.date.start
        elif change.field == "place":
            out["place"] = change.place
        elif change.field == "participants":
            out["participants"] = change.people
        elif change.field == "kind":
            out["kind"] = change.kind
        elif change.item is not None:
            out[change.field] = (change.name, change.item.name, change.item.quantity)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不是45人，是15人", {"participants": (15, False)}),
        ("人不是六十多，是四十来个", {"participants": (40, True)}),
        ("人数应该是一百来个 不是120", {"participants": (100, True)}),
        ("志愿者是30人 不是13", {"participants": (30, False)}),
        ("45人是错的 15人", {"participants": (15, False)}),
        ("不对，是前天开的", {"date": date(2026, 11, 18)}),
        ("日期错了 是3号", {"date": date(2026, 11, 3)}),
        ("改成上周五", {"date": date(2026, 11, 13)}),
        ("打错了 不是江口村，是文竹村", {"place": "文竹村"}),
        ("地点不对 我今天是去文竹村村部帮他们搞的", {"place": "文竹村"}),
        ("地点是我们村", {"place": "江口村"}),
        ("类型是义诊", {"kind": "clinic"}),
        ("不是宣传，是义诊", {"kind": "clinic"}),
        ("发的是宣传册不是资料", {"item_rename": ("资料", "宣传册", 0)}),
        ("少写了50个环保袋", {"item_add": ("环保袋", "环保袋", 50)}),
        ("关爱保险是20份 刚才打错了", {"item": ("关爱保险", "关爱保险", 20)}),
        ("资料不是120份，是150份", {"item": ("资料", "资料", 150)}),
        ("测血糖是80人次", {"item": ("测血糖", "测血糖", 80)}),
    ],
)
def test_corrections_read_field_and_value(text: str, expected: dict[str, object]) -> None:
    assert fields_of(text) == expected


def test_a_correction_names_its_card_by_number_topic_or_saved_record() -> None:
    numbered = read_correction("第2条 测血糖是80人次", FRI)
    assert numbered.numbers == (2,) and numbered.explicit
    topic = read_correction("开会员活动那个是在巴音敖包嘎查", FRI)
    assert topic.topic == "会员活动" and topic.reference
    saved = read_correction("昨天报的走访 户数是6户不是4户 大米也是6袋", FRI)
    assert saved.saved_ref and saved.topic == "走访"
    assert [c.field for c in saved.changes] == ["households", "item"]
    # 刚才报的 may still be the waiting card: not forced onto a saved record
    assert not read_correction("刚才报的那条人数错了 是12人", FRI).saved_ref


def test_that_one_points_at_a_card_even_when_it_reads_like_a_report() -> None:
    waiting = card(1, "今天下午开会员活动，到会15人", place=None, kind="member", participants=15)
    visit = card(2, "今天在福禄村开展入户走访", place="福禄村", kind="visit")
    decision = decide("刚才开会员活动那个是在文竹村开的", FRI, "江口村", [waiting], [visit])
    assert decision is not None and decision.action in ("correct", "answer")
    assert [t.no for t in decision.targets] == [1]
    assert [c.place for c in decision.changes] == ["文竹村"]
    # without a card to point at it is a report like any other
    alone = decide("刚才开会员活动那个是在文竹村开的", FRI, "江口村", [], [])
    assert alone is not None and alone.action == "report"


def test_an_approximation_after_the_unit_is_approximate_in_a_correction() -> None:
    changes = read_correction("人数没有那么多 30个左右", FRI).changes
    assert [(c.field, c.people) for c in changes] == [("participants", (30, True))]


def test_a_plan_sent_while_a_card_waits_is_no_value_for_the_card() -> None:
    shown = card(1, "今天在江口村搞了优生优育宣传，来了45人，发资料120份", participants=45)
    for text in (
        "下周三在文竹村还要搞一次义诊，到时候再报",
        "明天在文竹村开会",
        "下次争取来30个人",
    ):
        assert decide(text, FRI, "江口村", [shown], [], shown=[1]) is None, text
    # a place said alone is still read against the card
    said = decide("在文竹村搞的", FRI, "江口村", [shown], [], shown=[1])
    assert said is not None and [c.place for c in said.changes] == ["文竹村"]


def test_a_new_report_while_a_card_asks_is_a_new_report_not_an_answer() -> None:
    asking = card(1, "今天下午在嘎查村部开会员活动，到会15人", place=None, kind="member")
    decision = decide(
        "11月9日在查干哈达嘎查开展入户走访，走访慰问计生特殊家庭6户", FRI, None, [asking], [], [1]
    )
    assert decision is not None and decision.action == "report"
    assert decision.drafts[0].place == "查干哈达嘎查"
    # the place for card 1, named by what it was about
    second = card(2, "11月9日在查干哈达嘎查开展入户走访", kind="visit")
    answer = decide("开会员活动那个是在巴音敖包嘎查", FRI, None, [asking, second], [], [2])
    assert answer is not None and answer.action == "correct"
    assert answer.targets[0].no == 1 and answer.changes[0].place == "巴音敖包嘎查"


def test_a_slot_answer_must_look_like_the_slot() -> None:
    asking = card(1, "艾不盖嘎查开展黄手环行动 给老人发了黄手环25个", date=None)
    answer = decide("今天", FRI, None, [asking], [], [1])
    assert answer is not None and answer.action == "answer"
    # a question is not the answer: it is left to the FAQ
    assert decide("育儿补贴在支付宝怎么申请", FRI, None, [asking], [], [1]) is None
    # a correction of another field is no place
    no_place = card(1, "今天上午新桥村义诊 有六十多个", place=None, participants=60)
    decision = decide("人不是六十多，是四十来个", FRI, None, [no_place], [], [1])
    assert decision is not None and decision.action == "correct"
    assert decision.changes[0].field == "participants"


def test_counts_alone_go_to_the_card_shown_and_ask_before_overwriting() -> None:
    shown = card(1, "今天在江口村搞宣传 发资料120份", items=[Item("资料", 120, "份")])
    added = decide("还发了30个环保袋", FRI, "江口村", [shown], [], [1])
    assert added is not None and added.action == "correct"
    assert added.changes[0].item == Item("环保袋", 30, "个")
    named_before = card(1, "今天新桥村发放避孕药具 来了二十几个人领", participants=20)
    decision = decide("发了35盒", FRI, None, [named_before], [], [1])
    assert decision is not None and decision.changes[0].item == Item("避孕药具", 35, "盒")
    counted = card(1, "今天在江口村开会员活动 到会21人", participants=21)
    ask = decide("来了15人", FRI, None, [counted], [], [1])
    assert ask is not None and ask.action == "ask_value"


def test_an_unclear_target_is_asked_not_guessed() -> None:
    one = card(1, "11月3日江口村小组会到会12人", participants=12, kind="member")
    two = card(2, "11月10日江口村会员活动到了20人", participants=20, kind="member")
    decision = decide("人数是15人", FRI, None, [one, two], [], [1, 2])
    assert decision is not None and decision.action == "ask_target"
    # the old value tells them apart
    by_old = decide("不是12人 是15人", FRI, None, [one, two], [], [1, 2])
    assert by_old is not None and by_old.action == "correct" and by_old.targets[0].no == 1


def test_questions_and_commands_are_not_the_conversations() -> None:
    waiting = card(1, "今天在江口村开展关爱保险宣传 办理关爱保险15份")
    for text in ("对了 关爱保险今年多少钱一份", "本月活动", "我们组这个月报了几次活动？", "帮助"):
        assert decide(text, FRI, "江口村", [waiting], [], [1]) is None, text


def test_confirm_then_a_new_report_in_one_message() -> None:
    waiting = card(1, "今天在江口村开了会员活动 到了20人", participants=20, kind="member")
    decision = decide(
        "好的 还有一个 昨天在文竹村也开了会 到了10人", FRI, "江口村", [waiting], [], [1]
    )
    assert decision is not None and decision.action == "report"
    assert decision.control == Control("confirm")
    assert decision.drafts[0].participants == 10


def test_apply_changes_renames_adds_and_replaces_numbers() -> None:
    draft = ActivityDraft(
        text="x",
        participants=35,
        items=[Item("资料", 80, "份"), Item("计生特殊家庭", 4, "户")],
    )
    changes = read_correction("发的是宣传册不是资料", FRI).changes
    changes += read_correction("少写了50个环保袋", FRI).changes
    changes += read_correction("户数是6户不是4户", FRI).changes
    changes += read_correction("不是35是25", FRI).changes
    draft, problems = apply_changes(draft, changes)
    assert problems == []
    assert draft.items == [
        Item("宣传册", 80, "份"),
        Item("计生特殊家庭", 6, "户"),
        Item("环保袋", 50, "个"),
    ]
    assert draft.participants == 25
    _, problems = apply_changes(draft, read_correction("发的是扇子不是横幅", FRI).changes)
    assert problems and "横幅" in problems[0]


def test_an_old_value_replaced_and_a_copula_that_is_no_replacement() -> None:
    assert fields_of("45人改成15人") == {"participants": (15, False)}
    assert fields_of("江口村改为文竹村") == {"place": "文竹村"}
    assert fields_of("把人数改成15") == {"participants": (15, False)}
    # 今天是…: not "今天 was wrong"; the place named after it is the new place
    assert fields_of("地点不对 我今天是去文竹村村部帮他们搞的") == {"place": "文竹村"}
    # a dated report is a report, not a correction of a date
    waiting = card(1, "今天下午在嘎查村部开会员活动，到会15人", place=None, kind="member")
    decision = decide("11月9日在查干哈达嘎查开展入户走访", FRI, None, [waiting], [], [1])
    assert decision is not None and decision.action == "report"


def test_answers_to_the_bots_own_questions() -> None:
    one = card(1, "今天在江口村开了会员活动 来了25人", participants=25, kind="member")
    two = card(2, "11月10日江口村会员活动到了20人", participants=20, kind="member")
    proposal = {
        "kind": "proposal",
        "no": 1,
        "saved": False,
        "changes": [change_to_json(c) for c in read_correction("地点是文竹村", FRI).changes],
    }
    yes = follow_up("改", FRI, None, proposal, [one])
    assert yes is not None and yes.action == "correct" and yes.changes[0].place == "文竹村"
    no = follow_up("不改", FRI, None, proposal, [one])
    assert no is not None and no.action == "kept"
    assert follow_up("育儿补贴怎么领", FRI, None, proposal, [one]) is None
    which = {"kind": "which", "changes": proposal["changes"]}
    picked = follow_up("第2条", FRI, None, which, [one, two])
    assert picked is not None and picked.targets == [two]
    field = {"kind": "field", "no": 1, "saved": False, "field": "participants"}
    answer = follow_up("18人", FRI, None, field, [one])
    assert answer is not None and answer.changes[0].people == (18, False)
    assert follow_up("昨天", FRI, None, field, [one]) is None  # not a head count
    # the proposal survives a round trip through JSON with its values
    item = change_to_json(read_correction("关爱保险是20份", FRI).changes[0])
    assert change_from_json(item).item == Item("关爱保险", 20, "份")
