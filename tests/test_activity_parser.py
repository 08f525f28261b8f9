"""Unit tests of the activity numerals, dates, parser and evaluation scoring."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from handlers.activity.dates import resolve_date
from handlers.activity.evaluate import load_labelled, load_questions, score
from handlers.activity.numbers import Quantity, parse_quantity
from handlers.activity.parser import (
    REPORT_THRESHOLD,
    ActivityDraft,
    Item,
    classify_kind,
    extract,
    extract_items,
    extract_place,
    find_place,
    looks_like_report,
    parse_activity,
    parse_reports,
    strip_report_prefix,
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
        # the day it was held on is no kind; the event held on it is
        ("5月22日闸口镇计生协开展5·29会员活动日暨计生家庭走访慰问活动 慰问10户", "visit"),
        ("举行第28个“5·29会员活动日”宣传活动，发放宣传资料1200份", "publicity"),
        ("5月16日在那隆镇开展计生协会员活动日活动 发放资料五百份", "member"),
        ("今天上午开展了计生协会员活动日活动发放宣传资料一百份", "member"),
        # an activity written alone, as a title, beats what was done at it
        ("今天 新安村 会员活动 参加24人 讲解了计生家庭保险 现场办了保险5份", "member"),
        # things taken to households, a return visit, a meeting just over, a talk given to some
        ("今天去岭头村给五户新生儿家庭送了育儿大礼包", "visit"),
        ("共回访特殊家庭31户", "visit"),
        ("刚刚在村部开完会 会员到了21个", "member"),
        ("六月三号下午在北环社区给新婚夫妇讲优生优育", "lecture"),
        ("上周五晚上在大岭社区办了场婚育新风文艺晚会", "publicity"),
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


# -- issue 9: the reporter's village, items named for the thing, catch-up lists -------------

NOV = datetime(2026, 11, 30, 20, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "place", "home"),
    [
        ("今天在村委会开了会员会 来了二十几个", "江口村", True),
        ("今天我们村开了个会员活动 大概来了三十来人", "江口村", True),
        ("今天下午在活动室搞了个会员活动 来了二十来人", "江口村", True),
        ("今天镇卫生院大夫来村委会给老人们量血压", "江口村", True),
        ("今天在牛岭社区活动室搞了防艾宣传", "牛岭社区", False),  # a named place wins
        ("昨天在江口村村部开了小组会", "江口村", False),
        ("地点不对 我今天是去文竹村村部帮他们搞的", "文竹村", False),
        ("今天在水寨镇中心小学搞了青春期健康知识讲座", "水寨镇", False),
        ("通阳道街道计生协联合社区卫生服务中心开展老年人健康体检", "通阳道街道", False),
        ("今天开了会员小组会 到会9人", "江口村", True),  # no place at all: the reporter's
    ],
)
def test_places_and_the_reporters_own_village(text: str, place: str, home: bool) -> None:
    draft = extract(text, NOV, "江口村")
    assert (draft.place, draft.place_home) == (place, home)


def test_a_venue_without_a_village_on_the_roster_is_asked_for() -> None:
    draft = extract("今天下午在嘎查村部开会员活动，到会15人", NOV, None)
    assert draft.place is None and draft.missing == ["place"]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("今天在江口村帮忙搞了关爱保险宣传，办了20份关爱保险", [("关爱保险", 20, "份")]),
        ("昨天在福禄村走访慰问了4户计生特殊家庭", [("计生特殊家庭", 4, "户")]),
        (
            "今天在五通社区发放宣传资料150份 50个环保袋",
            [("宣传资料", 150, "份"), ("环保袋", 50, "个")],
        ),
        ("今天在江口村入户走访计生特殊家庭8户", [("计生特殊家庭", 8, "户")]),
        ("今天在西湾村入户走访了12户", [("入户走访", 12, "户")]),
        ("接受咨询150余人次 测血糖200余人次", [("咨询", 150, "人次"), ("测血糖", 200, "人次")]),
        ("昨天在沙埠社区派发避孕套 派了三百个", [("避孕套", 300, "个")]),
        (
            "昨天在西湾村办了计生家庭意外险 一共15份 收了保费1800元",
            [("计生家庭意外险", 15, "份"), ("保费", 1800, "元")],
        ),
        ("为12户计生特殊家庭送去棉被12床", [("计生特殊家庭", 12, "户"), ("棉被", 12, "床")]),
        ("走访慰问单亲困难母亲15户，每户发放慰问金300元", [("单亲困难母亲", 15, "户")]),
    ],
)
def test_items_are_the_thing_handed_out_or_done(
    text: str, items: list[tuple[str, int, str]]
) -> None:
    assert [(i.name, i.quantity, i.unit) for i in extract_items(text)] == items


def test_people_times_and_households_are_not_attendance() -> None:
    draft = extract("今天在本村给老人测血压 测了60多人次 走访了5户", NOV, "福禄村")
    assert draft.participants is None
    assert [(i.name, i.quantity, i.approximate, i.unit) for i in draft.items] == [
        ("测血压", 60, True, "人次"),
        ("走访", 5, False, "户"),
    ]


def test_dialect_and_slips_are_folded() -> None:
    draft = extract("琴日喺五通社区搞咗义诊，量血压量咗六十几人次，嚟咗五十几个街坊", NOV)
    assert draft.date is not None and draft.date.start == date(2026, 11, 29)
    assert (draft.place, draft.participants, draft.participants_approx) == ("五通社区", 50, True)
    assert [(i.name, i.quantity) for i in draft.items] == [("量血压", 60)]
    yesterday = extract("夜来在咱嘎查村部开了个会员小组会 到了十五个人", NOV, "艾不盖嘎查")
    assert yesterday.date is not None and yesterday.date.start == date(2026, 11, 29)
    assert yesterday.place == "艾不盖嘎查"


def test_a_catch_up_message_is_one_draft_per_dated_activity() -> None:
    drafts = parse_reports(
        "这个月的都没报 11月4日福禄村小组会到了15个人 11月12日福禄村发放宣传资料200份 "
        "11月24日福禄村入户走访了6户",
        NOV,
        "福禄村",
    )
    assert [(d.date.start.day if d.date else 0, d.place) for d in drafts] == [
        (4, "福禄村"),
        (12, "福禄村"),
        (24, "福禄村"),
    ]
    assert drafts[0].participants == 15 and drafts[2].items == [Item("入户走访", 6, "户")]
    # a piece without a place is where the others were
    listed = parse_reports(
        "补报：11月3日在文竹村开小组会到会12人；11月10日走访计生特殊家庭8户", NOV
    )
    assert [d.place for d in listed] == ["文竹村", "文竹村"]
    # one date and its weekday in brackets are one activity
    assert len(parse_reports("11月26日（周四）江口村开了会员活动 到了20人", NOV)) == 1


def test_report_lead_ins_and_notices() -> None:
    assert (
        strip_report_prefix("本月活动：11月26日五通社区青春健康讲座")
        == "11月26日五通社区青春健康讲座"
    )
    assert (
        strip_report_prefix("上报：昨天在江口村开展关爱保险宣传") == "昨天在江口村开展关爱保险宣传"
    )
    assert strip_report_prefix("补报10月的活动：10月12日西湾村小组会") == "10月12日西湾村小组会"
    for text in (
        "通知：11月28日上午9点在廉州镇政府三楼会议室召开计生协工作会议，请各村小组长准时参加",
        "周六红泥井村的会员活动改到周日了 大家互相转告一下",
        "原定今天的义诊取消了 医生来不了",
        "12月5号想在艾不盖嘎查开会员小组会 旗里能派人来讲讲育儿补贴不",
    ):
        assert looks_like_report(text, WED) < REPORT_THRESHOLD, text
    taught = "小组长报一下 昨天村部开会 到会会员13人 学了育儿补贴怎么申请"
    assert looks_like_report(taught, WED) >= REPORT_THRESHOLD


def test_parts_of_a_month_and_a_month_alone() -> None:
    late = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
    for text, start, end in (
        ("11月中下旬", date(2026, 11, 11), date(2026, 11, 30)),
        ("11月上中旬", date(2026, 11, 1), date(2026, 11, 20)),
        ("2026年10月在江口村开展", date(2026, 10, 1), date(2026, 10, 31)),
        ("补报10月的活动：10月12日西湾村小组会", date(2026, 10, 12), date(2026, 10, 12)),
    ):
        span = resolve_date(text, late)
        assert span is not None and (span.start, span.end) == (start, end), text


def test_two_parts_of_one_day_at_two_places_are_two_activities() -> None:
    drafts = parse_reports(
        "今天搞了两场活动 上午在江口村宣传 发资料80份 下午在文竹村义诊 测血压40人次", NOV, "江口村"
    )
    assert [(d.place, d.kind, [i.display() for i in d.items]) for d in drafts] == [
        ("江口村", "publicity", ["资料80份"]),
        ("文竹村", "clinic", ["测血压40人次"]),
    ]
    assert all(d.date is not None and d.date.start == date(2026, 11, 30) for d in drafts)
    # the same place in the morning and the afternoon is one report
    assert len(parse_reports("今天上午在江口村开会 下午接着在江口村发资料30份", NOV)) == 1
    assert extract_items("前天去了5户独生子女家庭走访") == [Item("独生子女家庭", 5, "户")]


def test_plans_invitations_and_activities_that_did_not_happen_are_no_reports() -> None:
    friday_morning = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    for text in (
        # a date still to come (a bare reading would put 11月28日 a year back)
        "11月28日在五通社区开展青春健康讲座，欢迎大家参加",
        "12月5日在文竹村开展优生优育宣传活动",
        "这周六上午在村委会开会员会，每人带身份证",
        # a part of today not yet begun when the message was sent
        "今晚七点在活动室开小组会",
        "下午三点在文竹村义诊，需要20个志愿者",
        "本周五下午在村委会召开会员大会，请全体会员参加",
        # soon, not done
        "过两天去走访计生特殊家庭8户",
        # it did not take place
        "今天的活动没搞，下雨了",
        # about a thing belonging to an activity
        "11月26日的讲座照片发群里了",
        "今年县里拨了5000元活动经费",
        "宣传资料还剩50份",
        "那吉镇今年的关爱保险参保率达到了90%",
        "资料200份已经收到了",
        # not the sender's own single activity: hearsay, reports counted, a year's tally, a
        # remark, a suggestion
        "听说文竹村昨天搞了义诊，来了100多人",
        "10月份我们组报了4次活动，记一下",
        "去年我们村开展了36次活动",
        "昨天江口村开会的人好多啊",
        "星期天江口村有集市，人多，适合搞宣传",
    ):
        assert looks_like_report(text, friday_morning) < REPORT_THRESHOLD, text
    for text in (
        # what came of it is said: a report whose date slipped (the date is asked)
        "12月5日在文竹村开展宣传活动，来了30人，发了资料100份",
        "11月24日江口村发放宣传资料100份",
        # the part of the day is over
        "今天上午在江口村发资料80份",
        "昨天晚上在江口村开了小组会 到了15人",
    ):
        assert looks_like_report(text, friday_morning) >= REPORT_THRESHOLD, text


def test_things_counted_with_ge_spoken_slips_and_fillers() -> None:
    sent = datetime(2026, 11, 21, 18, 0, tzinfo=SHANGHAI)
    # N个 straight after a thing counts the thing, not people
    draft = extract("前天在那满村开展了防艾宣传活动发放宣传资料300份安全套200个参加群众60人", sent)
    assert (draft.participants, [i.display() for i in draft.items]) == (
        60,
        ["宣传资料300份", "安全套200个"],
    )
    draft = extract(
        "今天下午在文竹村搞了防艾宣传 发了宣传单300张 安全套100个 参加的群众50多人", sent
    )
    assert (draft.participants, draft.participants_approx) == (50, True)
    assert extract("开会 二十个参加", sent).participants == 20
    # Cantonese 仲 / 今朝, 号人, typed slips (活东, 开站, 70分 for 70份), 嘛 as a filler
    assert [
        i.display()
        for i in extract("琴日喺塘湖村派咗两百份宣传单张，仲办咗十二份关爱保险", sent).items
    ] == [
        "宣传单张200份",
        "关爱保险12份",
    ]
    assert extract("今朝喺和平社区派避孕套一百个", sent).date is not None
    assert extract("昨儿个俺们在嘎查村部给牧民讲优生优育，来了三十多号人", sent).participants == 30
    slips = extract("昨天在文竹村开站优生优育宣传活东 参加群众35人 发资料70分", sent)
    assert [i.display() for i in slips.items] == ["资料70份"]
    assert extract("下午3点20分在江口村开会 到了20人", sent).items == []
    spoken = "喂那个今天在福禄村搞了个健康讲座嘛来了大概四十几个人吧然后发了资料八十份"
    assert looks_like_report(spoken, sent) >= REPORT_THRESHOLD
    # two days in a row are one span
    span = resolve_date("11月8号和9号两天在那满村入户走访", sent)
    assert span is not None and (span.start, span.end) == (date(2026, 11, 8), date(2026, 11, 9))
    for text in (
        "上周五的小组会我报了没有啊 记不清了",
        "月底想在村委会开个小组会，你看30个人够不够",
        "今天好冷啊，嘎查里的路都冻上了",
    ):
        assert looks_like_report(text, sent) < REPORT_THRESHOLD, text
    assert classify_kind("今天在江口村委会给孕妇讲孕期保健 来了12个孕妇") == "lecture"


def test_venues_debts_habits_and_next_time_are_no_reports() -> None:
    sent = datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)
    for text in (
        "昨天村委会停电了，活动室的灯也坏了",  # 活动室 is a room, not an activity
        "人太少了，只来了3个，下次再搞吧",
        "上次活动的环保袋还欠20个没给",
        "村里老人多，来参加活动的一般30多人",
        "每次会员活动大概来20个人左右",
    ):
        assert looks_like_report(text, sent) < REPORT_THRESHOLD, text
    assert looks_like_report("昨天在活动室开了会员活动 到了20人", sent) >= REPORT_THRESHOLD
    # no place, no count, no activity named, not said to be over: chat about a day
    for text in ("今天累死了 搞了一天", "昨天搞活动下大雨 淋湿了"):
        assert looks_like_report(text, sent) < REPORT_THRESHOLD, text
    assert looks_like_report("今天搞完活动了", sent) >= REPORT_THRESHOLD
    # a clock time to be there, with nothing come of it, is a notice whenever it is sent
    assert looks_like_report("今晚七点在活动室开小组会", sent) < REPORT_THRESHOLD
    assert looks_like_report("昨天下午三点在活动室开了小组会 到了12人", sent) >= REPORT_THRESHOLD
    draft = extract("昨天在文竹村搞宣传 摆了两个摊 发了三百多份单子", sent)
    assert [i.display() for i in draft.items] == ["摊2个", "单子300多份"]
    booklet = extract("11月13日，福禄村开展知识讲座，发放《优生优育手册》120册。", sent)
    assert [i.display() for i in booklet.items] == ["优生优育手册120册"]


def test_who_came_then_how_many_and_insurance_taken_by_households() -> None:
    sent = datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)
    assert extract_participants_of("这周二在五通社区开展青春健康讲座 来了学生七十多", sent) == (
        70,
        True,
    )
    assert extract_participants_of("昨天在艾不盖嘎查办了个健康讲座，来听的牧民有五十多", sent) == (
        50,
        True,
    )
    draft = extract("今天在福禄村搞了一场关爱保险宣传 现场有18户办了保险", sent)
    assert [i.display() for i in draft.items] == ["保险18户"]


def extract_participants_of(text: str, sent: datetime) -> tuple[int | None, bool]:
    draft = extract(text, sent)
    return draft.participants, draft.participants_approx


def test_one_day_and_place_said_twice_and_two_days_named_together() -> None:
    late = datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)
    drafts = parse_reports("11月3号在江口村开会，到了20人，11月3号那天还发了资料50份", late)
    assert [(d.participants, [i.display() for i in d.items]) for d in drafts] == [
        (20, ["资料50份"])
    ]
    # two days and two places are still two activities
    assert len(parse_reports("11月3日在江口村开会到了20人；11月10日在文竹村发资料50份", late)) == 2
    [both] = parse_reports("昨天和前天在江口村发了两天资料 一共发了200份", late)
    assert both.date is not None and (both.date.start, both.date.end) == (
        date(2026, 11, 28),
        date(2026, 11, 29),
    )
    assert [i.display() for i in both.items] == ["资料200份"]
    # the first date said is the activity's
    span = resolve_date("前天在江口村开会 昨天和今天没搞", late)
    assert span is not None and span.start == span.end == date(2026, 11, 28)


def test_the_quick_report_check_decides_as_the_full_score() -> None:
    """``reads_like_report`` skips the costly clues only when they could not change the answer."""
    from bot.web.callbench import faq_questions
    from handlers.activity.parser import REPORT_THRESHOLD, looks_like_report, reads_like_report

    data = Path(__file__).parent / "data"
    texts = list(faq_questions())
    for name in ("activity_reports_dev.yaml", "activity_nonreports_dev.yaml"):
        for item in yaml.safe_load((data / name).read_text(encoding="utf-8")):
            texts.append(item["text"] if isinstance(item, dict) else item)
    sent = datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
    reports = 0
    for text in texts:
        full = looks_like_report(text, sent) >= REPORT_THRESHOLD
        assert reads_like_report(text, sent) == full, text
        reports += full
    assert 0 < reports < len(texts)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # a village named with a number (common in Inner Mongolia) keeps the whole number
        ("昨天在二十四顷地村开了会员小组会到会18人", "二十四顷地村"),
        ("在一百二十四顷地村发资料50份", "一百二十四顷地村"),
        ("在四十里井村开会", "四十里井村"),
        ("十里铺村走访", "十里铺村"),
    ],
)
def test_a_number_in_a_place_name_is_never_cut(text: str, place: str) -> None:
    assert find_place(text).name == place


@pytest.mark.parametrize(
    "text",
    [
        # could not be held
        "这鬼天气 连着下了一个礼拜雨 宣传活动根本搞不成",
        # somebody else's activity, said so, or passed on
        "镇计生办前天在廉州镇文化广场搞了大型宣传 发了两千多份资料 不是我们组搞的 不用报",
        "转发一下水寨镇计生协的活动简讯给大家参考：11月20日，水寨镇计生协在镇文化站开展优生优育宣传，发放资料300余份。",
        # a target still to meet
        "镇里下了任务 12月底前全镇要完成计生家庭意外伤害保险800份",
    ],
)
def test_what_was_not_done_by_the_sender_is_no_report(text: str) -> None:
    sent = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)
    assert parse_reports(text, sent) == []
