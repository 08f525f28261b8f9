"""What the round-17 tuning sets (activity_conversations_dev17, activity_reports_dev15 with
activity_nonreports_dev17) and the retired blind14 conversations got wrong at their first score.

A card spoken of (这个不是宣传 是讲座) before what it is not; a talk about screening; a sports
day or a clean-up; a recount explained after the new count (漏算了一户); a price checked with
是不是 N块 while a card waits; 头先嗰个 对; what a meeting talked over said alone; Teochew 外 /
阮, Hakka 侪, northern 一满; a school year before the pupils counted; the total of people said
after its parts; the kind of household said after the count; an example asked about; a report
sent before, asked after.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.activity.intent import Control, read_control, read_correction
from handlers.activity.normalise import fold
from handlers.activity.parser import (
    REPORT_THRESHOLD,
    classify_kind,
    extract_items,
    looks_like_report,
    parse_activity,
)
from tests.test_activity_callback import Chat, items_of

SENT = datetime(2026, 11, 20, 12, 0)


def _items(text: str) -> list[tuple[str, int, str]]:
    return [(i.name, i.quantity, i.unit) for i in extract_items(text)]


def _changes(text: str) -> list[tuple[str, object]]:
    correction = read_correction(text, SENT, "江口村")
    return [
        (c.field, c.kind or (c.item and (c.item.name, c.item.quantity)) or c.name)
        for c in correction.changes
    ]


# -- corrections --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["哦 类型不对 这个不是宣传哈 是讲座 医生给大家上课的", "这个不是宣传 是讲座"],
)
def test_the_card_spoken_of_then_what_it_is_not(text: str) -> None:
    assert _changes(text) == [("kind", "lecture")]


def test_a_rename_after_a_pointer_keeps_the_new_name_whole() -> None:
    assert _changes("那个宣传册不是资料") == [("item_rename", ("宣传册", 0))]
    assert _changes("这个不是资料是宣传册") == [("item_rename", ("宣传册", 0))]


def test_a_recount_explained_after_the_new_count() -> None:
    assert _changes("不是5户 是6户 漏算了一户") == [("households", ("", 6))]
    # said alone it names no new count: nothing is guessed
    assert _changes("漏算了一户") == []


def test_the_card_pointed_at_then_confirmed() -> None:
    assert read_control("头先嗰个 对") == Control("confirm")
    assert read_control("刚才那个 对") == Control("confirm")
    assert read_control("刚才那个 不要了") is not None


# -- kinds --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("今天在大英图村活动室搞了个两癌筛查的讲座 请了镇卫生院大夫来讲", "lecture"),
        ("昨天下午在平朗村文化室给妇女讲两癌筛查知识 来了三十二人", "lecture"),
        ("3月22日袁山贝村计生协举办孕前优生健康检查宣传讲座，40余人参加", "lecture"),
        ("今天给妇女做了两癌筛查 来了30人", "clinic"),
        ("为计划怀孕夫妇免费开展孕前优生健康检查172人次", "clinic"),
        ("在六坡村搞了免费孕检宣传 来了三十一人", "publicity"),
        ("在遇龙村举办“幸福家庭”亲子趣味运动会，共有130余名群众参加，发放纪念品42份", "other"),
        ("组织志愿者在广海社区开展“清洁家园”志愿服务活动，30名志愿者参加", "other"),
        ("529会员活动日 今天在和平社区搞了趣味运动会 参加会员86人", "member"),
    ],
)
def test_kinds_by_what_the_event_was(text: str, kind: str) -> None:
    assert classify_kind(text) == kind


# -- spoken forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("来了四十外人", "来了四十多人"),
        ("派资料三百外份", "派资料三百多份"),
        ("来有百外人", "来了百多人"),
        ("来了三十几侪人", "来了三十几个人"),
        ("昨日阮村活动室搞宣传", "昨日我们村活动室搞宣传"),
        ("一满办了四十份", "一共办了四十份"),
        ("学生参家了八十几个", "学生参加了八十几个"),
        ("入户走方计生特殊家庭5户", "入户走访计生特殊家庭5户"),
    ],
)
def test_dialect_and_slips_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_original_words_stay() -> None:
    # 原来有 says what there was; 外 not after a round number stays
    assert fold("原来有30人") == "原来有30人"
    assert fold("村外来了20人") == "村外来了20人"


# -- counts -------------------------------------------------------------------------------------


def test_a_school_year_is_no_count() -> None:
    draft = parse_activity(
        "9月16日，河田镇计生协在河田中学开展知识讲座，380名初二学生参加，发放读本380本。", SENT
    )
    assert draft is not None and draft.participants == 380


def test_the_total_said_after_the_people_counted() -> None:
    text = "前天我们几个志愿者在村委会给孕妇讲孕期保健 来了九个孕妇 还有家属九个 一共十八人"
    draft = parse_activity(text, SENT, "江口村")
    assert draft is not None and (draft.participants, draft.items) == (18, [])
    # a total of things is no attendance
    things = parse_activity("今天开会员活动 来了20人 一共发了50份资料", SENT)
    assert things is not None and things.participants == 20


def test_the_kind_of_household_said_after_the_count() -> None:
    text = "今天在我们村搞了入户走访 走了十二户 都是独生子女家庭"
    assert _items(text) == [("独生子女家庭", 12, "户")]


# -- not reports --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "前天报的入户走访8户 怎么查不到",
        "比如今天下午在村委会搞宣传 来了二十人 发资料一百份 这样写可以吗",
    ],
)
def test_asked_about_reports_are_no_reports(text: str) -> None:
    assert looks_like_report(text, SENT) < REPORT_THRESHOLD


def test_a_report_with_a_question_about_it_is_still_one() -> None:
    assert looks_like_report("昨天在江口村搞了讲座来了30人 这样报可以吗", SENT) >= REPORT_THRESHOLD


# -- through the real callback ------------------------------------------------------------------


def test_a_price_checked_while_a_card_waits_changes_nothing(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村委会开展会员活动 来了25人 讲优生优育")
    answer = chat.say("lilan", "问一下 关爱保险一份是不是50块 今年涨价冇")
    assert "已修改" not in answer
    chat.say("lilan", "刚才那个对")
    [(record, items)] = chat.records("lilan")
    assert (record.participants, items_of(items)) == (25, [])


def test_a_cantonese_pointer_confirms_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今日在江口村搞计生政策宣传 发宣传册100本 来咗四十来人")
    chat.say("lilan", "本月活动")
    chat.say("lilan", "头先嗰个 对")
    [(record, items)] = chat.records("lilan")
    assert (record.participants, items_of(items)) == (40, [("宣传册", 100, "本")])


def test_what_a_meeting_talked_over_keeps_the_card_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今天在会员之家开会")
    chat.say("lilan", "来了21个")
    answer = chat.say("lilan", "讲的是计生奖励政策")
    assert "没看懂" not in answer
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.participants, record.kind) == (21, "member")


def test_a_type_said_wrong_of_this_card_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今天下午在江口村搞了优生优育宣传 请了县妇幼保健院的医生来 来了40人")
    answer = chat.say("lilan", "哦 类型不对 这个不是宣传哈 是讲座 医生给大家上课的")
    assert "已修改" in answer
    chat.say("lilan", "对")
    [(record, _)] = chat.records("lilan")
    assert (record.kind, record.participants) == ("lecture", 40)


def test_a_recount_with_its_reason_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村入户走方计生特殊家庭5户 送了米和油")
    chat.say("lilan", "不是5户 是6户 漏算了一户")
    chat.say("lilan", "可以")
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("计生特殊家庭", 6, "户")]


# -- the retired sets' last misses ----------------------------------------------------------------


def test_the_money_on_the_card_by_any_name() -> None:
    assert ("unit_count", ("", 2000)) in _changes("关爱保险是20份 钱是2000块")


def test_a_card_held_among_numbered_parts_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "上报：10月9日在江口村开展会员活动 到会30人")
    chat.say("lilan", "上报：10月16日在江口村开展青春期知识讲座 到会学生27人")
    chat.say("lilan", "上报：10月23日在江口村搞义诊 测血糖100多人次")
    answer = chat.say("lilan", "第1条对 第2条对 第3条我再核实一下人次 先不存")
    assert "第3条先留着" in answer
    assert sorted(r.date_start.day for r, _ in chat.records("lilan")) == [9, 16]
    chat.say("lilan", "第3条对")
    assert len(chat.records("lilan")) == 3


def test_households_added_later_are_the_kind_told_before_through_the_callback(
    chat: Chat,
) -> None:
    chat.say("lilan", "11月13号 在江口村")
    chat.say("lilan", "搞了计生家庭走访")
    chat.say("lilan", "走访了7户")
    chat.say("lilan", "对")
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("计生家庭", 7, "户")]


# -- what the held-out blind15 sets got wrong at their final score (fixed after it) -------------


def test_a_missed_zero_is_explained() -> None:
    correction = read_correction("手册是150份 漏了个0", SENT, "江口村")
    assert not correction.leftover
    assert [(c.field, c.item and c.item.quantity) for c in correction.changes] == [("item", 150)]


def test_a_thing_not_handed_out_is_removed() -> None:
    assert _changes("环保袋冇派到 删咗佢") == [("item_remove", "环保袋")]
    assert _changes("环保袋没发") == [("item_remove", "环保袋")]


def test_the_new_name_then_the_old_in_two_breaths() -> None:
    assert _changes("11月14日那个应该是测血压 不是测血糖") == [("item_rename", ("测血压", 0))]


def test_a_count_said_anew_in_another_unit_replaces_it_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今天在江口村搞了婚育新风宣传 发了宣传册200份 来了老些人 有个五十来个吧")
    chat.say("lilan", "宣传册是200本")
    chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert (record.participants, items_of(items)) == (50, [("宣传册", 200, "本")])


def test_the_households_visited_named_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今天到江口村村民家里走访为问 走访了4户")
    chat.say("lilan", "走访的是计生特殊家庭 4户")
    chat.say("lilan", "确认")
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("计生特殊家庭", 4, "户")]


def test_a_span_with_its_length_through_the_callback(chat: Chat) -> None:
    at = datetime(2026, 10, 9, 10, 0)
    chat.say("lilan", "10月6号在江口村搞了国庆返乡青年婚育宣传 发资料300份", at)
    answer = chat.say("lilan", "是6号到8号 搞了三天", at)
    assert "已修改" in answer
    chat.say("lilan", "对的", at)
    [(record, _)] = chat.records("lilan")
    assert (record.date_start.day, record.date_end.day) == (6, 8)


def test_an_or_question_about_the_price_changes_nothing_through_the_callback(chat: Chat) -> None:
    chat.say("lilan", "今日喺江口村帮村民办咗关爱保险18份")
    answer = chat.say("lilan", "关爱保险一份系100蚊定系200蚊")
    assert "已修改" not in answer
    chat.say("lilan", "ok确认")
    [(_, items)] = chat.records("lilan")
    assert items_of(items) == [("关爱保险", 18, "份")]


def test_mongolian_thanks_before_a_confirmation() -> None:
    assert read_control("巴雅尔拉 确认") == Control("confirm")


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("在小江街道各社区开展人口家庭知识宣传，共举办宣讲会8场", ("宣讲会", 8, "场")),
        ("今天上午在营盘镇中心小学搞了青春期讲座 讲了两场 学生四百来个参加", ("讲座", 2, "场")),
        (
            "琴日喺黄坡镇中心小学搞青春健康家长课堂 搞咗两期 嚟咗一百几个家长",
            ("家长课堂", 2, "期"),
        ),
    ],
)
def test_sessions_counted_after_the_event(text: str, item: tuple[str, int, str]) -> None:
    assert item in _items(text)


def test_two_kinds_of_people_before_they_came() -> None:
    draft = parse_activity(
        "4月22日，乌审旗计生协在嘎鲁图镇开展义务植树活动，30余名干部群众参加。", SENT
    )
    assert draft is not None and (draft.participants, draft.kind) == (30, "other")


@pytest.mark.parametrize(
    "text",
    [
        "昨天镇卫生院在我们村搞了体检 不是我们协会搞的 这个要报吗",
        "这个月还没上报活动的小组请抓紧 截至今天只有12个组上报",
    ],
)
def test_another_bodys_work_and_a_reminder_are_no_reports(text: str) -> None:
    assert looks_like_report(text, SENT) < REPORT_THRESHOLD


# -- non-reports weighted to hard cases (activity_nonreports_dev18, at its first score) ----------


@pytest.mark.parametrize(
    "text",
    [
        "今天县妇联来我们村搞了个家庭教育讲座 来了四十来个妈妈 我就去听了一下",
        "前天乡中心小学的老师带学生来我们村做防溺水宣传 发了一百多张传单 挺好的",
        "我们村今天来了县医院的体检车 村里六十岁以上的都去体检了 大概有九十个人",
        "昨日司法所嚟我哋村讲普法 嚟咗廿几人 我都坐喺度听咗",
        "我们社区今天居委会组织老人体检，来了一百多个老人，我只是去帮忙排队",
        "县农业局昨天在我们村培训种植技术，来了五十多个农户，我们计生协没参与",
        "今天民政的人到我们村慰问了5户低保户 送了米和油 不是我们协会去的",
        "村里昨天搞了个篮球赛 是村委会自己组织的 来了两百多人看 不算我们的活动",
        "昨天在村部搞了个防诈骗讲座来了30人，这个要报吗？",
        "我们11月8号跟卫生院一起在上林村搞了义诊，测血压60人次，这个能不能算我们组的活动？",
        "上个月25号在村里办了20份关爱保险 当时忘了报 现在还能补吗",
        "镇计生办通知：关爱保险今年办理截止到12月15日，目前全镇只办了260份，离任务还差140份",
        "群里转的：桂林那边有个村办关爱保险一天办了300份 真厉害",
    ],
)
def test_another_bodys_work_and_whether_to_report_are_no_reports(text: str) -> None:
    assert looks_like_report(text, SENT) < REPORT_THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        # the group's own activity, held with or through another body
        "今天请了县医院的医生来我们村义诊 测血压60人次",
        "昨天跟卫生院一起在我们村搞了两癌筛查宣传 来了40人",
        # asked, then sent all the same
        "上周五在江口村给计生特殊家庭送温暖 慰问了5户 这个要报吗 我先报了",
        # how to write it is asked, not whether
        "昨天在江口村搞了讲座来了30人 这样报可以吗",
    ],
)
def test_the_groups_own_activity_stays_a_report(text: str) -> None:
    assert looks_like_report(text, SENT) >= REPORT_THRESHOLD


def test_another_bodys_work_makes_no_card_through_the_callback(chat: Chat) -> None:
    answer = chat.say(
        "lilan", "今天县妇联来我们村搞了个家庭教育讲座 来了四十来个妈妈 我就去听了一下"
    )
    assert "请核对" not in answer
    assert chat.records("lilan") == []
