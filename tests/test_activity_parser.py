"""Unit tests of the activity numerals, dates, parser and evaluation scoring."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from handlers.activity.dates import resolve_date
from handlers.activity.evaluate import load_labelled, load_questions, score
from handlers.activity.numbers import Quantity, parse_quantity
from handlers.activity.parser import (
    REPORT_THRESHOLD,
    ActivityDraft,
    Item,
    classify_kind,
    extract_place,
    looks_like_report,
    parse_activity,
)
from handlers.core.messages import SHANGHAI

WED = datetime(2026, 5, 27, 10, 0, tzinfo=SHANGHAI)  # a Wednesday
DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13", Quantity(13)),
        ("1000多", Quantity(1000, True)),
        ("200余", Quantity(200, True)),
        ("六十多", Quantity(60, True)),
        ("三十几", Quantity(30, True)),
        ("八十来", Quantity(80, True)),
        ("十三", Quantity(13)),
        ("一百零五", Quantity(105)),
        ("一百五", Quantity(150)),
        ("两千三", Quantity(2300)),
        ("一万二", Quantity(12000)),
        ("1.2万", Quantity(12000)),
        ("三四百", Quantity(300, True)),
        ("１５", Quantity(15)),
    ],
)
def test_quantities(text: str, expected: Quantity) -> None:
    assert parse_quantity(text) == expected


def test_not_a_quantity() -> None:
    assert parse_quantity("三五") is None
    assert parse_quantity("宣传") is None
    assert parse_quantity("50", before="大约") == Quantity(50, True)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("今天", date(2026, 5, 27), None),
        ("昨天下午", date(2026, 5, 26), None),
        ("前天", date(2026, 5, 25), None),
        ("上周五", date(2026, 5, 22), None),
        ("周五", date(2026, 5, 22), None),
        ("这周一", date(2026, 5, 25), None),
        ("5月26日", date(2026, 5, 26), None),
        ("五月二十六号", date(2026, 5, 26), None),
        ("5月底", date(2026, 5, 21), date(2026, 5, 31)),
        ("本月中旬", date(2026, 5, 11), date(2026, 5, 20)),
        ("上个月底", date(2026, 4, 21), date(2026, 4, 30)),
        ("5月20日至22日", date(2026, 5, 20), date(2026, 5, 22)),
        ("4月30日至5月2日", date(2026, 4, 30), date(2026, 5, 2)),
        ("12月3日", date(2025, 12, 3), None),  # would be in the future: last year
        ("526当天", date(2026, 5, 26), None),
        ("20号", date(2026, 5, 20), None),
        ("上周末", date(2026, 5, 23), date(2026, 5, 24)),
        ("三八节那天", date(2026, 3, 8), None),
    ],
)
def test_dates(text: str, start: date, end: date | None) -> None:
    span = resolve_date(text, WED)
    assert span is not None
    assert (span.start, span.end) == (start, end or start)


def test_date_range_in_june_and_no_date() -> None:
    june = datetime(2026, 6, 4, 10, 0, tzinfo=SHANGHAI)
    span = resolve_date("6月1日至3日", june)
    assert span is not None and (span.start, span.end) == (date(2026, 6, 1), date(2026, 6, 3))
    assert resolve_date("发放宣传资料1000多份", WED) is None


def test_sent_time_is_read_in_shanghai() -> None:
    # 2026-05-27 17:00 UTC is already 5月28日 01:00 in Shanghai
    utc = datetime.fromisoformat("2026-05-27T17:00:00+00:00")
    span = resolve_date("今天", utc)
    assert span is not None and span.start == date(2026, 5, 28)


def test_issue_examples() -> None:
    casual = parse_activity(
        "上周五下午江口村会员小组开了月度活动，到了13个会员，发了宣传资料30份", WED
    )
    assert casual is not None
    assert casual.date is not None and casual.date.start == date(2026, 5, 22)
    assert casual.place == "江口村"
    assert casual.kind == "member"
    assert (casual.participants, casual.participants_approx) == (13, False)
    assert casual.items == [Item("宣传资料", 30, "份")]

    formal = parse_activity(
        "5月26日，合浦县计生协组织开展宣传活动，发放宣传资料1000多份，避孕套2000多只，"
        "健康咨询100多人次",
        WED,
    )
    assert formal is not None
    assert formal.place == "合浦县"
    assert formal.participants is None
    assert [(i.category, i.quantity, i.unit, i.approximate) for i in formal.items] == [
        ("宣传资料", 1000, "份", True),
        ("避孕药具", 2000, "只", True),
        ("咨询", 100, "人次", True),
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("新圩村会员小组开展慰问活动 慰问困难母亲6户", "visit"),
        ("前天晚上新光村小组在村文化室开了会，讲了关爱保险的事", "member"),
        ("高桥村小组开展关爱保险宣传 现场投保了12份", "insurance"),
        ("昨天在文竹村搞了个义诊", "clinic"),
        ("今天在海角社区开展青春期健康讲座", "youth"),
        ("今天下午我们在长乐社区搞了活动", "member"),
        ("今天在卫生院门口宣传 发了三百份资料", "publicity"),
    ],
)
def test_kinds(text: str, kind: str) -> None:
    assert classify_kind(text) == kind


def test_places_prefer_the_village_and_drop_glue_words() -> None:
    assert extract_place("廉州镇江口村会员小组") == "江口村"
    assert extract_place("5月19日，白沙镇计生协联合镇卫生院在白沙村开展义诊") == "白沙村"
    assert extract_place("锡尼河西苏木巴彦塔拉嘎查搞了会员活动") == "巴彦塔拉嘎查"
    assert extract_place("今天在新村社区宣传") == "新村社区"
    assert extract_place("我们村昨天开了活动") is None
    assert extract_place("昨天和村医一起去石埠村") == "石埠村"


@pytest.mark.parametrize(
    "question",
    [
        "叶酸吃多久",
        "关爱保险怎么报案",
        "会员小组一个月要开几次活动",
        "昨天的宣传活动谁参加了",
        "江口村什么时候开会员活动",
        "100多人参加的活动要拍照吗",
    ],
)
def test_questions_are_not_reports(question: str) -> None:
    assert looks_like_report(question, WED) < REPORT_THRESHOLD
    assert parse_activity(question, WED) is None


def test_draft_round_trips_through_json() -> None:
    draft = parse_activity("昨天在文竹村搞了个义诊 来了六十多名群众 发了叶酸20瓶", WED)
    assert draft is not None
    again = ActivityDraft.from_json(draft.to_json())
    assert again == draft
    assert again.participants_approx is True


def test_a_taught_question_inside_a_report_is_not_a_question() -> None:
    text = "昨天 新安村 小组活动 会员到了11个 讲了育儿补贴怎么申请"
    assert looks_like_report(text, WED) >= REPORT_THRESHOLD
    assert looks_like_report("育儿补贴怎么申请", WED) < REPORT_THRESHOLD


def test_cantonese_and_per_household_amounts() -> None:
    draft = parse_activity("琴日我哋喺东头村派咗宣传资料一百五十份", WED)
    assert draft is not None and draft.place == "东头村"
    assert draft.date is not None and draft.date.start.day == 26
    visit = parse_activity("走访慰问单亲困难母亲15户，每户发放慰问金300元", WED)
    assert visit is not None
    assert [(i.category, i.quantity) for i in visit.items] == [("慰问", 15)]


def test_labelled_sets_meet_targets() -> None:
    labelled = load_labelled(DATA / "activity_labelled.yaml")
    questions = load_questions(DATA / "activity_questions.yaml")
    assert len(labelled) >= 80 and len(questions) >= 100
    result = score(labelled, questions)
    for name in ("date", "place", "participants", "items"):
        assert result.accuracy(name) >= 0.9, name
    assert result.false_claim_rate <= 0.02
    assert result.miss_rate <= 0.02


def test_arbitrary_text_never_raises() -> None:
    import random

    from handlers.activity.intent import Target, apply_changes, decide
    from handlers.activity.parser import extract

    alphabet = list(
        "0123456789一二两三十百千万零月日号至到-.年周上本这个底中旬初多余几来左右人名位个份只"
        "户次村镇社区嘎查苏木街道县旗在开展活动会员发放宣传资料避孕套咨询，。 ？吗昨天今天前天改成是"
        "不对第条都撤销重发少写了人数日期地点类型村委会本村"
    )
    rng = random.Random(4)
    card = Target(1, ActivityDraft(text="x"))
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        looks_like_report(text, WED)
        extract(text, WED, "江口村")
        decision = decide(text, WED, "江口村", [card], [], [1])
        if decision is not None and decision.action in ("correct", "answer"):
            apply_changes(ActivityDraft(text="x"), decision.changes)
