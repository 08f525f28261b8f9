"""What two held-out pairs (activity_reports_blind17 / blind18 with their non-report sets) still
got wrong, fixed by general rules; a field left empty is asked for, a wrong one is shown.

Items: a two-character verb is cut whole from the insurance named before it (集中办理关爱保险 →
关爱保险, never 理关爱保险); 一块儿 / 一块 before a verb is "together", never one piece; what 那个
/ 这个 points at is the thing (收保险那个计生家庭意外伤害险办了33份), and a name with its own verb
and count after it is that count's (保费收了990元), not the count before; sessions said again
(三场加起来) are counted once; teams (八个队) and a family helped (帮一个计生家庭…) are no things.

Places: a bare 县 after where-to names no county (在县城龙山街道 → 龙山街道); 从 / 往 / 向 right
before the suffix end a name (乐从镇); 返乡 / 回乡 is people back home, no township; villages
counted (全镇8个行政村) name none.

Dates: any reporting verb after 今天 / 今日 (今日先报返) says the day of the report, not of the
activity, so a day number past today's is last month's; a clause on the next time (下次定咗
12月5号开) is set aside when another day is given.

Reports: 上个礼拜五 is no coming day; the association's own people (县计生协的老师) are no other
body; Cantonese 人都几多嘅 (quite a crowd) is said, not asked. A non-report: 转一下 at the head
passes a notice on.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from handlers.activity.dates import find_date
from handlers.activity.normalise import fold
from handlers.activity.parser import (
    REPORT_THRESHOLD,
    extract_items,
    extract_place,
    looks_like_report,
    parse_reports,
)
from tests.test_activity_callback import Chat, items_of, last_evening

SENT = datetime(2026, 11, 27, 18, 0)


def _items(text: str) -> list[tuple[str, int, str]]:
    return [(i.name, i.quantity, i.unit) for i in extract_items(text)]


# -- items -------------------------------------------------------------------------------------


def test_a_verb_before_the_insurance_is_cut_whole() -> None:
    assert _items("今天在大英图村委会集中办理关爱保险 来了20多人 办了12份") == [
        ("关爱保险", 12, "份")
    ]
    assert _items("统一办理计生保险 办了8份") == [("计生保险", 8, "份")]


def test_together_is_never_a_count() -> None:
    assert _items("昨天我们计生协和镇妇联在团结社区一块儿办了个育儿知识培训 到会的有38个") == []
    assert _items("大家一块儿包了饺子 来了20人") == []
    assert _items("我们和卫生院一块去走访了5户") == [("走访", 5, "户")]
    # one piece of something is still counted
    assert _items("送了一块牌匾") == [("牌匾", 1, "块")]


def test_what_a_demonstrative_points_at_and_a_name_with_its_own_count() -> None:
    assert _items("今天在新民村收保险那个计生家庭意外伤害险办了33份保费收了990元") == [
        ("计生家庭意外伤害险", 33, "份"),
        ("保费", 990, "元"),
    ]
    assert _items("在江口村宣传保险 这个独生子女意外险办了12份 保费收了360元") == [
        ("独生子女意外险", 12, "份"),
        ("保费", 360, "元"),
    ]


def test_sessions_said_again_teams_and_a_family_helped_are_no_more_items() -> None:
    assert _items("3号至5号在哈林格尔镇办了三场养老护理培训 三场加起来来了九十多人") == [
        ("养老护理培训", 3, "场")
    ]
    assert _items("在江口村办了两期家长课堂 两期一共来了60人") == [("家长课堂", 2, "期")]
    assert _items("今天下午我们村计生协组织婆姨们搞广场舞比赛 八个队 来了一百多人看") == []
    assert _items("今日去素龙街道帮一个计生家庭攞保险理赔 送咗理赔金3000元") == [
        ("理赔金", 3000, "元")
    ]


# -- places ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("今天上午在县城龙山街道搞金秋助学发放仪式 发了助学金三万元", "龙山街道"),
        ("去县城的龙山街道搞宣传", "龙山街道"),
        ("在合浦县城搞宣传", "合浦县"),  # a county named before 城 still is one
        ("琴日同镇妇联一齐喺乐从镇文化站搞咗场育儿讲座 嚟咗四十几个妈妈", "乐从镇"),
        ("10月1号到3号趁国庆返乡人多 喺端芬镇墟上摆摊宣传育儿补贴", "端芬镇"),
        ("春节回乡的人多 在石湾镇搞了宣传", "石湾镇"),
        (
            "11月24日至26日，土右旗将军尧镇计生协开展义诊进村活动，先后深入全镇8个行政村，"
            "为群众测血压260余人次",
            "将军尧镇",
        ),
    ],
)
def test_places_with_area_words_and_counted_villages(text: str, place: str) -> None:
    assert extract_place(text, "沙滘村") == place


def test_villages_counted_name_no_village() -> None:
    assert extract_place("先后深入全镇8个行政村") is None


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sent", "day"),
    [
        (
            "30号喺会员之家开咗会员大会 嚟咗58个 今日先报返",
            datetime(2026, 7, 3, 10),
            date(2026, 6, 30),
        ),
        ("28号在大洞村搞了宣传 今天报给你", SENT, date(2026, 10, 28)),
        (
            "前日晚喺活动室开咗第三季度会员会 到咗22个会员 下次定咗12月5号开",
            SENT,
            date(2026, 11, 25),
        ),
        ("昨天开了小组会 到了15个 下回定在12月20号", SENT, date(2026, 11, 26)),
        # signing up today is something done today
        ("今天报名参加培训的有20个", SENT, date(2026, 11, 27)),
    ],
)
def test_the_day_of_the_report_and_the_next_time_are_not_the_activitys(
    text: str, sent: datetime, day: date
) -> None:
    found = find_date(text, sent)
    assert found is not None and found[0].start == found[0].end == day


# -- reports and non-reports -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "上个礼拜五去那排镇中心小学上青春期教育课 五六年级学生一百多个参加 下个月15号还要再去一次",
        "上个星期三在大洞村搞了宣传 来了30个人",
        "昨天县计生协的老师来我们村小学上青春健康课 五六年级的学生都来了 有八十多个",
        "前天镇计生协的医生来我们村义诊 来了四十多人",
        "琴日喺坡塘村做咗宣传 派咗资料两百几份 环保袋50个 人都几多嘅 大概有六十几个人嚟",
    ],
)
def test_reports_once_read_as_questions(text: str) -> None:
    assert looks_like_report(text, SENT) >= REPORT_THRESHOLD, text


@pytest.mark.parametrize(
    "text",
    [
        "转下 县里的育儿补贴通知 月底前交材料",
        # another body, not the association's, still is another body's work
        "昨天县医院的医生来我们村义诊 来了五十多人",
        # a coming weekday is still a plan; 几多 alone still asks
        "下个礼拜五去那排镇中心小学上青春期教育课",
        "你哋嗰度都几多人嚟",
    ],
)
def test_forwarded_notices_other_bodies_plans_and_questions_stay_non_reports(text: str) -> None:
    assert looks_like_report(text, SENT) < REPORT_THRESHOLD, text


def test_a_notice_passed_on_is_no_report() -> None:
    # sent in May, the deadline reads as a day gone by: only the head says it is passed on
    sent = datetime(2026, 5, 27, 12, 0)
    for text in (
        "转一下 市里那个青春健康征文比赛 截止到12月31号 有学生想参加的来找我拿表",
        "转下 县里那个家庭摄影比赛 截止到12月20号 有会员想参加的来找我报名",
    ):
        assert looks_like_report(text, sent) < REPORT_THRESHOLD, text


def test_quite_a_crowd_is_said_not_asked() -> None:
    assert "都挺多" in fold("人都几多嘅")
    assert "多少" in fold("都几多人嚟")


def test_a_report_with_a_next_visit_keeps_its_own_fields() -> None:
    text = (
        "上个礼拜五去那排镇中心小学上青春期教育课 五六年级学生一百多个参加 下个月15号还要再去一次"
    )
    [draft] = parse_reports(text, datetime(2026, 6, 8, 8, 30), None)
    assert draft.date is not None and draft.date.start == date(2026, 6, 5)
    assert (draft.place, draft.participants, draft.participants_approx) == ("那排镇", 100, True)


# -- through the real callback -----------------------------------------------------------------


def test_insurance_counts_and_premiums_are_saved_apart_through_the_callback(chat: Chat) -> None:
    at = last_evening()
    answer = chat.say("lilan", "今天在江口村收保险那个计生家庭意外伤害险办了33份保费收了990元", at)
    assert "请核对" in answer
    chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert record.place == "江口村"
    assert items_of(items) == [("计生家庭意外伤害险", 33, "份"), ("保费", 990, "元")]


def test_a_verb_and_together_leave_no_wrong_item_through_the_callback(chat: Chat) -> None:
    at = last_evening()
    answer = chat.say(
        "lilan", "今天和镇妇联在江口村一块儿集中办理关爱保险 来了20多人 办了12份", at
    )
    assert "请核对" in answer
    chat.say("lilan", "对")
    [(record, items)] = chat.records("lilan")
    assert items_of(items) == [("关爱保险", 12, "份")]


def test_a_place_in_the_county_town_is_saved_through_the_callback(chat: Chat) -> None:
    at = last_evening()
    answer = chat.say("lilan", "今天上午在县城廉州街道搞宣传 来了三十多人 发了资料100份", at)
    assert "请核对" in answer
    chat.say("lilan", "对")
    [(record, _items_saved)] = chat.records("lilan")
    assert record.place == "廉州街道"


def test_the_associations_teacher_in_the_village_is_saved_through_the_callback(
    chat: Chat,
) -> None:
    at = last_evening()
    answer = chat.say(
        "lilan", "昨天县计生协的老师来我们村小学上青春健康课 五六年级的学生都来了 有八十多个", at
    )
    assert "请核对" in answer
    chat.say("lilan", "对")
    [(record, _items_saved)] = chat.records("lilan")
    assert (record.place, record.participants) == ("江口村", 80)
    assert record.date_start == at.date() - timedelta(days=1)


def test_a_meeting_with_the_next_date_set_is_saved_through_the_callback(chat: Chat) -> None:
    at = last_evening()
    later = at.date() + timedelta(days=10)
    answer = chat.say(
        "lilan",
        f"前日晚喺江口村活动室开咗会员会 到咗22个会员 下次定咗{later.month}月{later.day}号开",
        at,
    )
    assert "请核对" in answer
    chat.say("lilan", "对")
    [(record, _items_saved)] = chat.records("lilan")
    assert record.date_start == at.date() - timedelta(days=2)


def test_a_forwarded_notice_gets_no_card_through_the_callback(chat: Chat) -> None:
    answer = chat.say(
        "lilan", "转一下 市里那个青春健康征文比赛 截止到12月31号 有学生想参加的来找我拿表"
    )
    assert "请核对" not in answer
    assert chat.records("lilan") == []
